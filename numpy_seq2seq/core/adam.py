"""Adam, computed the way ``keras.optimizers.Adam`` computes it (Keras 3).

Keras's update differs from the paper's in two places (``docs/bptt.md``,
eqs. (14)-(16)), both read from ``keras/src/optimizers/adam.py``
(``Adam.update_step``):

* the two bias corrections are folded into one step size
  ``alpha_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)``;
* epsilon is added to ``sqrt(v)``, the *uncorrected* second moment.

``update`` computes a step and changes nothing; ``commit`` writes it.  The
split lets the training loop look at a step before taking it (a NaN step is
never written), and ``apply`` does both, as Keras's ``optimizer.apply`` does.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class AdamStep(NamedTuple):
    """What one Adam step would make of the weights, the moments and the step count."""

    params: list[np.ndarray]
    m: list[np.ndarray]
    v: list[np.ndarray]
    iterations: int


class Adam:
    """Adam with Keras's defaults; it owns the moments ``m``, ``v`` and the step count."""

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
    ) -> None:
        for name, value in (("learning_rate", learning_rate), ("epsilon", epsilon)):
            _check_hyperparameter(name, value, "(0, inf)")
        for name, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            _check_hyperparameter(name, value, "[0, 1)")
        self.learning_rate, self.beta_1, self.beta_2 = learning_rate, beta_1, beta_2
        self.epsilon, self.iterations, self.m, self.v = epsilon, 0, None, None

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> AdamStep:
        """The next step, eqs. (14)-(15); changes nothing.  params, grads: arrays of one dtype."""
        dt = params[0].dtype.type  # Keras computes in the weights' dtype, and casts beta_1
        b1, b2 = dt(np.float32(self.beta_1)), dt(np.float32(self.beta_2))  # and beta_2 via float32
        t = self.iterations + 1
        alpha = dt(self.learning_rate) * np.sqrt(1 - b2 ** dt(t)) / (1 - b1 ** dt(t))  # eq. (15)
        m_old = self.m or [np.zeros_like(p) for p in params]  # the moments start at zero
        v_old = self.v or [np.zeros_like(p) for p in params]
        m = [m + (g - m) * dt(1 - self.beta_1) for g, m in zip(grads, m_old)]  # eq. (14)
        v = [v + (g * g - v) * dt(1 - self.beta_2) for g, v in zip(grads, v_old)]
        eps = dt(self.epsilon)  # eq. (15): epsilon beside sqrt(v), not beside sqrt(v_hat)
        new = [p - m_i * alpha / (np.sqrt(v_i) + eps) for p, m_i, v_i in zip(params, m, v)]
        return AdamStep(new, m, v, t)

    def commit(self, params: list[np.ndarray], step: AdamStep) -> None:
        """Write ``step`` into ``params`` (in place) and the optimizer; twice is as once."""
        for p, new in zip(params, step.params):
            p[...] = new
        self.m, self.v, self.iterations = step.m, step.v, step.iterations

    def apply(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """One Adam step, in place: ``update`` then ``commit``.  ``grads`` is not modified."""
        if len(grads) != len(params):
            raise ValueError(
                f"grads must hold one array per parameter ({len(params)}); got {len(grads)}"
            )
        for i, (p, g) in enumerate(zip(params, grads)):
            m = p if self.m is None else self.m[i]
            if g.shape != p.shape or m.shape != p.shape:
                raise ValueError(
                    f"grads[{i}] must match its parameter and this optimizer's moments "
                    f"{m.shape}; got gradient {g.shape} for parameter {p.shape}"
                )
        self.commit(params, self.update(params, grads))


def _check_hyperparameter(name: str, value: object, interval: str) -> None:
    """A real number in ``interval``: ``"(0, inf)"`` or ``"[0, 1)"``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
        raise TypeError(f"Adam {name} must be a number in {interval}; got {value!r}")
    if not (0 < value < np.inf if interval == "(0, inf)" else 0 <= value < 1):  # NaN fails too
        raise ValueError(f"Adam {name} must be a number in {interval}; got {value!r}")
