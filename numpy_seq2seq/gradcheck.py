"""Numerical gradients by central differences, and the relative error we report.

Run these in float64: with float32's 7 significant digits a central
difference cannot resolve a relative error much below 1e-3.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """``df/dx`` by central differences, one element at a time.

    ``f`` takes no arguments and reads ``x`` (which it must see by
    reference, e.g. a model weight).  Each element is nudged by ``+eps`` and
    ``-eps``: ``(f(x + eps) - f(x - eps)) / (2 eps)``, error O(eps^2).  ``x``
    is restored exactly afterwards.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + eps
        f_plus = f()
        x[i] = saved - eps
        f_minus = f()
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``||a - b|| / max(||a||, ||b||)``; 0 when both are zero.

    Measured against the larger of the two norms so that neither side is
    privileged and a tiny gradient does not inflate the ratio by dividing by
    (almost) nothing.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def check_model(model, ex, dx, dy, eps: float = 1e-6) -> list[tuple[str, float, float, float]]:
    """Compare ``model.loss_and_grads`` with central differences for all 8 weights.

    Returns one row per weight: ``(name, analytic norm, numerical norm,
    relative error)``.
    """
    from .model import WEIGHT_NAMES

    _, grads = model.loss_and_grads(ex, dx, dy)

    def loss() -> float:
        return model.loss_and_grads(ex, dx, dy)[0]

    rows = []
    for (layer, name), p, g in zip(WEIGHT_NAMES, model.params, grads):
        num = numerical_gradient(loss, p, eps)
        rows.append(
            (
                f"{layer} {name}",
                float(np.linalg.norm(g)),
                float(np.linalg.norm(num)),
                relative_error(g, num),
            )
        )
    return rows
