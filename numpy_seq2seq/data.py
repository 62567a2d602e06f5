"""The seed's data: sin(x) in, cos(x) out, cut into teacher-forcing windows."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

from .validation import as_array, check_int

#: The windows whose predictions the seed plots (its ``init_points``).
INIT_POINTS = (0, 24, 49, 74)


def sin_cos(num_points: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The course notebook's series.

    Returns ``x, seq_in, seq_out``, each (num_points,):
    ``x = linspace(-3 pi, 3 pi, num_points)``, ``seq_in = sin(x)``, ``seq_out = cos(x)``.
    """
    num_points = check_int("num_points", num_points, 2)
    x = np.linspace(-3 * np.pi, 3 * np.pi, num_points)
    return x, np.sin(x), np.cos(x)


def _as_series(name: str, seq: ArrayLike) -> np.ndarray:
    """(L,) or (L, D) -> (L, D) float array."""
    arr = as_array(name, seq, np.float64)
    if arr.ndim not in (1, 2) or 0 in arr.shape:
        raise ValueError(f"{name} must have shape (L,) or (L, D) with L, D >= 1; got {arr.shape}")
    return arr.reshape(arr.shape[0], -1)


def make_windows(
    seq_in: ArrayLike, seq_out: ArrayLike, steps: int = 24
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut the series into ``n = L - steps`` windows, exactly as the seed's loop does.

    For each window i (``docs/tutorial.md`` draws the picture):

    * ``ex[i] = seq_in[i : i+steps]``            -- what the encoder reads;
    * ``dy[i] = seq_out[i : i+steps]``           -- what the decoder must output;
    * ``dx[i] = [0, seq_out[i : i+steps-1]]``    -- ``dy`` shifted right by one
      step with a zero in front: teacher forcing feeds the *true* previous
      output as the decoder's next input.

    seq_in : (L,) or (L, D_in); seq_out : (L,) or (L, D_out), the same L.
    Returns ``ex (n, steps, D_in)``, ``dx (n, steps, D_out)``, ``dy (n, steps, D_out)``,
    float64.  Like the seed, the last point of the series is never used.
    """
    steps = check_int("steps", steps, 1)
    s_in, s_out = _as_series("seq_in", seq_in), _as_series("seq_out", seq_out)
    if len(s_in) != len(s_out):
        raise ValueError(
            f"seq_in and seq_out must have the same length; got {len(s_in)} and {len(s_out)}"
        )
    n = len(s_in) - steps
    if n < 1:
        raise ValueError(
            f"seq_in and seq_out must be longer than steps={steps} (at least {steps + 1} "
            f"points make one window); got length {len(s_in)}"
        )
    # sliding_window_view(..., steps, axis=0)[i] is series[i:i+steps], as (D, steps).
    ex = sliding_window_view(s_in, steps, axis=0)[:n].transpose(0, 2, 1).copy()
    dy = sliding_window_view(s_out, steps, axis=0)[:n].transpose(0, 2, 1).copy()
    dx = np.zeros_like(dy)
    dx[:, 1:] = dy[:, :-1]
    return ex, dx, dy
