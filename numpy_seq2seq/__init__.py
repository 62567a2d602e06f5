"""numpy-seq2seq: the Keras Seq2Seq exercise (sin -> cos) rebuilt in NumPy.

Read ``core/`` for the math (the recurrence, BPTT, the context, Adam); the rest
of the package is the tool around it (``model.py``: checked input, ``fit``,
save and load; ``cli.py``, ``plotting.py``, ``gradcheck.py``, ``data.py``).

>>> from numpy_seq2seq import Seq2Seq, Adam
>>> from numpy_seq2seq.data import sin_cos, make_windows
>>> x, seq_in, seq_out = sin_cos()
>>> ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
>>> m = Seq2Seq(enc_tokens=1, dec_tokens=1, hidden=10, seed=0)
>>> m.count_params()
251
"""

from .core.adam import Adam
from .core.seq2seq import Dense
from .core.simple_rnn import SimpleRNN
from .model import DivergenceError, History, Seq2Seq

__all__ = ["Adam", "Dense", "DivergenceError", "History", "Seq2Seq", "SimpleRNN"]
__version__ = "0.1.0"
