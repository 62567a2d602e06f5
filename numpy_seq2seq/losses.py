"""Mean squared error, reduced the way Keras reduces it.

Keras's ``loss='mean_squared_error'`` first averages over the last axis
(the O output features), giving one number per (window, step); the default
``sum_over_batch_size`` reduction then averages those N*T numbers.  Together
that is the mean over all N*T*O elements, eq. (5) of ``docs/bptt.md``.
"""

from __future__ import annotations

import numpy as np


def mse(y: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Loss and its gradient with respect to ``y``.

    y, target : (N, T, O).  Returns ``(loss, dy)`` with dy : (N, T, O),
    ``dy = 2 (y - target) / (N*T*O)``, eq. (6).
    """
    diff = y - target
    loss = np.mean(np.mean(diff * diff, axis=-1))  # eq. (5), Keras's order
    dy = diff * (2.0 / diff.size)  # eq. (6)
    return float(loss), dy
