"""Exercise 7: Adam as Keras computes it, eqs. (14)-(15)."""

from __future__ import annotations

import numpy as np

from ...core.adam import Adam, AdamStep
from ..exercise import KEYS, Context, Exercise, Mistake, Out, mutant, subclass
from ..grading import Fault, expect_array, run


def harness(ctx: Context, f: dict) -> list:
    def steps() -> list[Out]:
        g, opt = ctx.g, subclass(Adam, f)()
        params, out = [g[f"weights/{k}"].copy() for k in KEYS], []
        for k in range(1, int(g["adam/iterations"]) + 1):
            grads = [g[f"adam/grad/{k}/{key}"] for key in KEYS]
            before = [p.copy() for p in params]
            step = run(
                opt.update, f"Your `update` (step {k})", ctx.workspace, params=params, grads=grads
            )
            if not (isinstance(step, tuple) and len(step) == 4):
                raise Fault("`update` must return an AdamStep(params, m, v, iterations).")
            step = AdamStep(*step)
            if any(not np.array_equal(p, b) for p, b in zip(params, before)):
                raise Fault(
                    "Your `update` wrote into params; it must only compute (commit writes)."
                )
            for name in ("params", "m", "v"):
                arrays = getattr(step, name)
                if not isinstance(arrays, (list, tuple)) or len(arrays) != len(KEYS):
                    raise Fault(
                        f"AdamStep.{name} must be a list of {len(KEYS)} arrays, one per weight; "
                        f"it is {type(arrays).__name__}"
                        + (f" of {len(arrays)}" if isinstance(arrays, (list, tuple)) else "")
                        + "."
                    )
                for key, p, new in zip(KEYS, params, arrays):
                    expect_array(new, f"AdamStep.{name} for {key}", p.shape, "the weight's shape")
            if isinstance(step.iterations, bool) or not isinstance(
                step.iterations, (int, np.integer)
            ):
                raise Fault(
                    "AdamStep.iterations must be an int, the step count t; "
                    f"it is {step.iterations!r}."
                )
            opt.commit(params, step)
            for name, key, arrays in (
                ("weights", "param", params),
                ("m", "m", opt.m),
                ("v", "v", opt.v),
            ):
                ref = np.concatenate([g[f"adam/{key}/{k}/{w}"].ravel() for w in KEYS])
                value = np.concatenate([a.ravel() for a in arrays])
                out.append(Out(f"{name} after step {k}", value, (ctx.golden_value(ref),)))
        iterations = np.asarray(float(opt.iterations))
        return [*out, Out("iterations", iterations, (ctx.golden("adam/iterations"),))]

    return [steps]


def _paper_adam(epsilon: float | None):
    """Eq. (16), Kingma & Ba's Algorithm 1: both moments bias-corrected, epsilon beside
    sqrt(v_hat).  ``epsilon`` None: the optimizer's own (Keras's 1e-7)."""

    def update(self, params, grads):
        t, lr = self.iterations + 1, self.learning_rate
        b1, b2 = self.beta_1, self.beta_2
        eps = self.epsilon if epsilon is None else epsilon
        m_old = self.m or [np.zeros_like(p) for p in params]
        v_old = self.v or [np.zeros_like(p) for p in params]
        m = [b1 * m + (1 - b1) * g for g, m in zip(grads, m_old)]
        v = [b2 * v + (1 - b2) * g * g for g, v in zip(grads, v_old)]
        new = [
            p - lr * (m_i / (1 - b1**t)) / (np.sqrt(v_i / (1 - b2**t)) + eps)
            for p, m_i, v_i in zip(params, m, v)
        ]
        return AdamStep(new, m, v, t)

    return lambda ctx: {"update": update}


PAPER = "the paper's Adam where Keras's is expected"

EXERCISE = Exercise(
    number=7,
    name="adam",
    title="Adam as Keras computes it",
    functions=((Adam, Adam.update),),
    hints=(
        "Eqs. (14)-(15), not the paper's (16): fold both bias corrections into alpha_t and "
        "add epsilon to sqrt(v), the uncorrected moment. Keras uses beta_1 and beta_2 "
        "rounded through float32 in the powers beta^t (docs/bptt.md). Write nothing: "
        "return an AdamStep; our commit writes it.",
    ),
    about="`self` is an Adam: `learning_rate`, `beta_1`, `beta_2`, `epsilon`, `iterations` "
    "(steps taken so far, 0 before the first) and the moments `m`, `v` (lists of arrays, one "
    "per weight; None before the first step). update(params, grads) receives two lists of 8 "
    "arrays (weights and gradients, in get_weights() order) and changes nothing: it returns "
    "AdamStep(params, m, v, iterations), a NamedTuple (numpy_seq2seq/core/adam.py) whose "
    "fields are: params, the list of the NEW weight arrays; m and v, the lists of the new "
    "first and second moments; iterations, the int t = self.iterations + 1 this step makes. "
    "Our commit then writes params in place and stores m, v, iterations.",
    harness=harness,
    mistakes=(
        Mistake(
            PAPER,
            "eq. (16) with epsilon = 1e-7 beside sqrt(v_hat); Keras folds the bias "
            "corrections into alpha_t and adds epsilon to sqrt(v), eq. (15).",
            _paper_adam(None),
        ),
        Mistake(
            PAPER,
            "eq. (16) with the paper's epsilon = 1e-8; Keras's is eq. (15) with 1e-7.",
            _paper_adam(1e-8),
        ),
        Mistake(
            "betas not rounded through float32 as Keras does",
            "in the powers beta^t Keras "
            "uses float32(0.9) = 0.8999999762 even in float64 (docs/bptt.md, Adam).",
            mutant(
                Adam.update,
                "dt(np.float32(self.beta_1)), dt(np.float32(self.beta_2))",
                "dt(self.beta_1), dt(self.beta_2)",
            ),
        ),
        Mistake(
            "no bias correction",
            "eq. (15): alpha_t = lr sqrt(1 - beta_2^t) / (1 - beta_1^t).",
            mutant(
                Adam.update,
                "dt(self.learning_rate) * np.sqrt(",
                "dt(self.learning_rate) + 0 * np.sqrt(",
            ),
        ),
    ),
)
