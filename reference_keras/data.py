"""The seed's data, with the seed's own loop (deliberately not ``numpy_seq2seq.data``).

A reference that shared its windowing code with the package it checks could
not catch a bug in it, so this module rewrites the course's loop line by line.
"""

from __future__ import annotations

import numpy as np


def sin_cos_seed(num_points: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The course notebook's series ``x, seq_in = sin(x), seq_out = cos(x)``, each (num_points,).

    ``x = linspace(-3 pi, 3 pi, num_points)``.
    """
    if isinstance(num_points, bool) or not isinstance(num_points, (int, np.integer)):
        raise TypeError(f"num_points must be an int; got {type(num_points).__name__}")
    if num_points < 2:
        raise ValueError(f"num_points must be >= 2; got {num_points}")
    x = np.linspace(-3 * np.pi, 3 * np.pi, num_points)
    seq_in = np.sin(x)
    seq_out = np.cos(x)
    return x, seq_in, seq_out


def make_windows_seed(seq_in, seq_out, steps: int = 24) -> tuple[np.ndarray, ...]:
    """The seed's windowing loop (step 2 of the note), generalised to D features.

    seq_in : (L,) or (L, D_in), seq_out : (L,) or (L, D_out).  With
    ``n = L - steps`` windows, returns float64 arrays
    ``ex (n, steps, D_in)``, ``dx (n, steps, D_out)``, ``dy (n, steps, D_out)``:
    ``ex[i] = seq_in[i:i+steps]``, ``dy[i] = seq_out[i:i+steps]`` and ``dx[i]``
    is ``dy[i]`` shifted right with a zero first step (teacher forcing).
    """
    seq_in = np.asarray(seq_in, dtype=np.float64)
    seq_out = np.asarray(seq_out, dtype=np.float64)
    for name, seq in (("seq_in", seq_in), ("seq_out", seq_out)):
        if seq.ndim not in (1, 2):
            raise ValueError(f"{name} must have shape (L,) or (L, D); got {seq.shape}")
    if len(seq_in) != len(seq_out):
        raise ValueError(
            f"seq_in and seq_out must have the same length; got {len(seq_in)} and {len(seq_out)}"
        )
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"steps must be an int >= 1; got {steps!r}")
    if steps < 1:
        raise ValueError(f"steps must be an int >= 1; got {steps!r}")
    n = len(seq_in) - steps
    if n < 1:
        raise ValueError(f"the series (length {len(seq_in)}) must be longer than steps={steps}")
    d_in = 1 if seq_in.ndim == 1 else seq_in.shape[1]
    d_out = 1 if seq_out.ndim == 1 else seq_out.shape[1]

    # The seed's loop, unchanged apart from the feature axis.
    ex = np.zeros((n, steps) + seq_in.shape[1:])
    dx = np.zeros((n, steps) + seq_out.shape[1:])
    dy = np.zeros((n, steps) + seq_out.shape[1:])
    for i in range(0, n):
        ex[i] = seq_in[i : i + steps]
        dx[i, 1:] = seq_out[i : i + steps - 1]
        dy[i] = seq_out[i : i + steps]

    ex = ex.reshape(n, steps, d_in)
    dx = dx.reshape(n, steps, d_out)
    dy = dy.reshape(n, steps, d_out)
    return ex, dx, dy
