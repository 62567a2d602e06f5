"""Keras's default initialisers for every layer of the core (SimpleRNN, GRU, LSTM and Dense),
drawn from a NumPy Generator: glorot_uniform kernels, orthogonal recurrent kernels, zero
biases (the LSTM then sets its forget gate's bias to 1, in ``LSTM.initial``).

The distributions are Keras's; the random stream is NumPy's, so a seeded model
is reproducible here but does not reproduce Keras's numbers.  To compare the
two implementations, copy the weights across with ``set_weights``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike


def glorot_uniform(
    shape: tuple[int, ...], rng: np.random.Generator, dtype: DTypeLike
) -> np.ndarray:
    """Uniform on [-limit, limit] with ``limit = sqrt(6 / (fan_in + fan_out))``.

    Keras's default ``kernel_initializer``.  shape : (fan_in, fan_out), or (n,) for a
    vector, whose fans are both n (``compute_fans`` in ``keras/src/initializers``).
    """
    fan_in, fan_out = shape if len(shape) == 2 else (shape[0], shape[0])
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def orthogonal(shape: tuple[int, int], rng: np.random.Generator, dtype: DTypeLike) -> np.ndarray:
    """A random orthogonal matrix, Keras's default ``recurrent_initializer``.

    QR-factorise a standard normal matrix and fix the signs of Q's columns by
    the signs of R's diagonal, so that Q is uniformly distributed (Haar).
    shape : (rows, cols); a wide shape is drawn tall and transposed.
    """
    rows, cols = shape
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return q.astype(dtype)


def zeros(shape: tuple[int, ...], dtype: DTypeLike) -> np.ndarray:
    """Keras's default ``bias_initializer``."""
    return np.zeros(shape, dtype=dtype)
