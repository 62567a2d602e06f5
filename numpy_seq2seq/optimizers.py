"""Adam, computed the way ``keras.optimizers.Adam`` computes it (Keras 3).

Keras's update differs from the paper's in two places (``docs/bptt.md``,
eqs. (14)-(16)):

* the two bias corrections are folded into one step size
  ``alpha_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)``;
* epsilon is added to ``sqrt(v)``, the *uncorrected* second moment, not to
  ``sqrt(v_hat)``.

Both are read from ``keras/src/optimizers/adam.py`` (``Adam.update_step``).
Every constant is cast to the parameter's dtype before use, as Keras casts
``learning_rate``, ``beta_1`` and ``beta_2`` with ``ops.cast(..., variable.dtype)``.
"""

from __future__ import annotations

import numpy as np

from .validation import check_fraction, check_positive


class Adam:
    """Adam with Keras's defaults: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7.

    The optimizer owns its moments ``m`` and ``v`` (one pair per parameter)
    and its step count ``iterations``; ``apply`` updates parameters in place.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
    ) -> None:
        for name, value in (("learning_rate", learning_rate), ("epsilon", epsilon)):
            check_positive(f"Adam {name}", value)
        for name, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            check_fraction(f"Adam {name}", value)
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.iterations = 0
        self.m: list[np.ndarray] | None = None
        self.v: list[np.ndarray] | None = None

    def apply(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """One Adam step on every parameter, in place.  ``grads`` is not modified.

        params, grads : lists of arrays, pairwise of the same shape.  The
        moments are created on the first call, for exactly these shapes.
        """
        if len(grads) != len(params):
            raise ValueError(
                f"grads must have one array per parameter ({len(params)}); got {len(grads)}"
            )
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        for i, (p, g, m) in enumerate(zip(params, grads, self.m)):
            if g.shape != p.shape or m.shape != p.shape:
                raise ValueError(
                    f"grads[{i}] must match its parameter and this optimizer's moments "
                    f"{m.shape}; got gradient {g.shape} for parameter {p.shape}"
                )
        self.iterations += 1
        constants = {}  # this step's scalars, worked out once per dtype
        for p, g, m, v in zip(params, grads, self.m, self.v):
            if p.dtype not in constants:
                constants[p.dtype] = self._step_constants(p.dtype)
            self._update(p, g, m, v, *constants[p.dtype])

    def _step_constants(self, dtype: np.dtype) -> tuple:
        """``(alpha_t, 1 - beta_1, 1 - beta_2, epsilon)`` for this step, cast to ``dtype``."""
        dt = dtype.type
        t = dt(self.iterations)
        # Keras writes ops.cast(self.beta_1, variable.dtype); on TensorFlow a Python
        # float becomes a float32 tensor before the cast, so even a float64 model
        # uses float32(0.9) = 0.8999999761581421 and float32(0.999) here (and only
        # here: the moments below use the exact 1 - beta).  docs/keras-mapping.md.
        beta_1, beta_2 = dt(np.float32(self.beta_1)), dt(np.float32(self.beta_2))
        # eq. (15): both bias corrections folded into the step size
        alpha = dt(self.learning_rate) * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        return alpha, dt(1 - self.beta_1), dt(1 - self.beta_2), dt(self.epsilon)

    @staticmethod
    def _update(p, g, m, v, alpha, one_minus_beta_1, one_minus_beta_2, epsilon) -> None:
        """One parameter's step, in place.  p, g, m, v : arrays of one shape."""
        # eq. (14): moving averages, written as Keras writes them
        m += (g - m) * one_minus_beta_1
        v += (g * g - v) * one_minus_beta_2
        # eq. (15): epsilon is added to sqrt(v), the uncorrected moment
        p -= (m * alpha) / (np.sqrt(v) + epsilon)
