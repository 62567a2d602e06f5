"""Numerical gradients by central differences, and the relative error we report.

Run these in float64: with float32's 7 significant digits a central
difference cannot resolve a relative error much below 1e-3.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 3e-4) -> np.ndarray:
    """``df/dx`` by central differences, one element at a time.

    ``f`` takes no arguments and reads ``x`` (which it must see by
    reference, e.g. a model weight).  Each element is nudged to ``x +- eps``
    and ``x +- 2 eps`` and the four losses are combined by the fourth-order
    central difference

        df/dx ~ (-f(x+2e) + 8 f(x+e) - 8 f(x-e) + f(x-2e)) / (12 e),

    whose error is O(eps^4) instead of the two-point formula's O(eps^2).
    That matters here: some of the seed model's gradients are as small as
    1e-5, and with the two-point formula the rounding error of the losses
    (about 1e-16 / eps) alone would be 1e-7 of such a gradient.  The default
    eps = 3e-4 balances that rounding error against the O(eps^4) truncation
    error; on random configurations of the model the worst relative error
    we saw was about 1e-9.  ``x`` is restored exactly afterwards.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        saved = x[i]
        f_at = {}
        for k in (-2, -1, 1, 2):
            x[i] = saved + k * eps
            f_at[k] = f()
        x[i] = saved
        grad[i] = (-f_at[2] + 8 * f_at[1] - 8 * f_at[-1] + f_at[-2]) / (12 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``||a - b|| / max(||a||, ||b||)``; 0 when both are zero.

    A gradient that is exactly zero by structure (e.g. the encoder's
    ``recurrent_kernel`` when T = 1, since h_0 = 0) meets numerical noise of
    about 1e-14 and gives 1.0 here; check such a case by the absolute size
    of the numerical gradient instead.

    Measured against the larger of the two norms so that neither side is
    privileged and a tiny gradient does not inflate the ratio by dividing by
    (almost) nothing.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def check_model(model, ex, dx, dy, eps: float = 3e-4) -> list[tuple[str, float, float, float]]:
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
