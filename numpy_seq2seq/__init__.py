"""numpy-seq2seq: the Keras Seq2Seq exercise (sin -> cos) rebuilt in NumPy.

>>> from numpy_seq2seq import Seq2Seq, Adam
>>> from numpy_seq2seq.data import sin_cos, make_windows
>>> x, seq_in, seq_out = sin_cos()
>>> ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
>>> m = Seq2Seq(enc_tokens=1, dec_tokens=1, hidden=10, seed=0)
>>> m.count_params()
251
"""

from .layers import Dense, SimpleRNN
from .model import Seq2Seq
from .optimizers import Adam
from .training import DivergenceError, History

__all__ = ["Adam", "Dense", "DivergenceError", "History", "Seq2Seq", "SimpleRNN"]
__version__ = "0.1.0"
