"""The layers of the seed's model, where ``numpy_seq2seq.layers`` has always had them.

Each lives in the core: ``SimpleRNN`` in ``core/simple_rnn.py``, ``Dense`` in
``core/seq2seq.py``.  ``CELLS`` lists the recurrent cells by name.
"""

from .core.seq2seq import CELLS, Dense
from .core.simple_rnn import SimpleRNN

__all__ = ["CELLS", "Dense", "SimpleRNN"]
