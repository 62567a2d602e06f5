"""Numerical gradients by central differences, and the relative error we report.

Run these in float64: with float32's 7 significant digits a central
difference cannot resolve a relative error much below 1e-3.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from .core.seq2seq import mse
from .model import Seq2Seq

#: The step sizes ``numerical_gradient`` tries for each element, largest first.
STEP_LADDER = (3e-2, 1e-2, 3e-3, 1e-3, 3e-4)


def central_difference(f: Callable[[], float], x: np.ndarray, i: tuple, h: float) -> float:
    """``df/dx[i]`` by the sixth-order central difference with step ``h``:

        df/dx ~ (45 [f(x+h) - f(x-h)] - 9 [f(x+2h) - f(x-2h)] + [f(x+3h) - f(x-3h)]) / (60 h)

    Its truncation error is O(h^6), against O(h^2) for the two-point
    ``(f(x+h) - f(x-h)) / 2h``.  ``x[i]`` is restored exactly afterwards.
    """
    saved = x[i]
    total = 0.0
    for k, weight in ((1, 45), (2, -9), (3, 1)):
        x[i] = saved + k * h
        f_plus = f()
        x[i] = saved - k * h
        total += weight * (f_plus - f())
    x[i] = saved
    return total / (60 * h)


def numerical_gradient(
    f: Callable[[], float], x: np.ndarray, eps: float | None = None
) -> np.ndarray:
    """``df/dx`` by central differences, one element at a time.

    ``f`` takes no arguments and reads ``x`` (which it must see by
    reference, e.g. a model weight).  With ``eps`` given, every element uses
    that step.  By default each element picks its own: a finite difference
    has two errors, truncation (large steps) and the rounding of ``f``, about
    1e-16 * |f| / h (small steps), and which step balances them depends on
    the element.  Some of this model's gradients are as small as 1e-6 beside
    a loss of 1, where the rounding error of a fixed small step is already
    1e-7 of the gradient.  So each element is estimated with every step in
    ``STEP_LADDER``, and the estimate kept is the one where halving-ish the
    step (the next rung) changes it least: there, neither error dominates.
    On random configurations of the model the worst relative error we saw
    was about 1e-8.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        if eps is not None:
            grad[i] = central_difference(f, x, i, eps)
            continue
        estimates = [central_difference(f, x, i, h) for h in STEP_LADDER]
        changes = [abs(a - b) for a, b in zip(estimates, estimates[1:])]
        grad[i] = estimates[int(np.argmin(changes)) + 1]
    return grad


def relative_error(a: ArrayLike, b: ArrayLike) -> float:
    """``||a - b|| / max(||a||, ||b||)``; 0 when both are zero.

    For a gradient near zero the ratio measures only rounding noise; see
    ``RESOLUTION``.

    Measured against the larger of the two norms so that neither side is
    privileged and a tiny gradient does not inflate the ratio by dividing by
    (almost) nothing.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


#: The smallest gradient difference (a norm) a float64 central difference
#: can resolve when the loss is of order 1: the rounding error of the loss,
#: about 1e-16, divided by the step, summed over a weight's elements.
#: A gradient far below 1 (say 1e-9, deep in a saturated tanh) can only be
#: checked to this absolute precision, not to a relative 1e-7.
RESOLUTION = 1e-12


class Row(NamedTuple):
    """One weight's line of the gradient check."""

    name: str
    analytic_norm: float
    numerical_norm: float
    relative_error: float
    absolute_error: float

    def passed(self, rtol: float) -> bool:
        """Relative error below ``rtol``, or a difference below ``RESOLUTION``."""
        return self.relative_error < rtol or self.absolute_error < RESOLUTION


def check_model(
    model: Seq2Seq, ex: ArrayLike, dx: ArrayLike, dy: ArrayLike, eps: float | None = None
) -> list[Row]:
    """Compare ``model.loss_and_grads`` with central differences for every weight
    (8 without attention; ``model.weight_names`` lists them).

    Returns one ``Row`` per weight, in ``get_weights()`` order.  ``eps`` as
    in ``numerical_gradient``.
    """
    _, grads = model.loss_and_grads(ex, dx, dy)
    ex, dx, dy = model.check_data(ex, dx, dy)

    def loss() -> float:  # the forward pass alone: what the gradients differentiate
        return mse(model.net.forward(ex, dx), dy)[0]

    rows = []
    for (layer, name), p, g in zip(model.weight_names, model.params, grads):
        num = numerical_gradient(loss, p, eps)
        rows.append(
            Row(
                f"{layer} {name}",
                float(np.linalg.norm(g)),
                float(np.linalg.norm(num)),
                relative_error(g, num),
                float(np.linalg.norm(g - num)),
            )
        )
    return rows
