"""Exercise 4: one RNN step backward, eqs. (9)-(10)."""

from __future__ import annotations

import numpy as np

from ...core.simple_rnn import SimpleRNN
from ..exercise import Context, Exercise, Mistake, Out, mutant, subclass
from ..grading import expect_array, run
from ._texts import RNN_SELF


def harness(ctx: Context, f: dict) -> list:
    g = ctx.g

    def one_step() -> list[Out]:
        U = g["step/recurrent_kernel"].copy()
        cell = subclass(SimpleRNN, f)(np.eye(ctx.H), U, np.zeros(ctx.H))
        tanh_prime_t = 1 - g["step/h"] ** 2  # tanh'(z_t), as backward computes it for every step
        dh_prev = run(
            cell.step_backward,
            "Your `step_backward`",
            ctx.workspace,
            dh=g["step/dh"],
            tanh_prime_t=tanh_prime_t,
        )
        dh_prev = expect_array(dh_prev, "the gradient on h_{t-1}", (ctx.N, ctx.H), "(N, H)")
        a, h_prev = g["step/a"].copy(), g["step/h_prev"].copy()
        ref = SimpleRNN(np.eye(ctx.H), U, np.zeros(ctx.H))
        (num,) = ctx.numerical(
            "step", lambda: float(np.sum(g["step/dh"] * ref.step(a, h_prev))), [h_prev]
        )
        return [Out("dh_prev (to h_{t-1})", dh_prev, (ctx.golden("step/dh_prev"), num))]

    return [one_step]


_STEP = SimpleRNN.step_backward

EXERCISE = Exercise(
    number=4,
    name="step_backward",
    title="one RNN step backward",
    functions=((SimpleRNN, SimpleRNN.step_backward),),
    hints=(
        "Eq. (9): dz_t = dh * tanh'(z_t), and backward hands you tanh'(z_t) = 1 - h_t^2 "
        "already computed, as tanh_prime_t: multiply by it, do not differentiate it again. "
        "Eq. (10): z_t = a_t + h_{t-1} U, so the gradient on h_{t-1} is dz_t U^T. "
        "Return that gradient only.",
    ),
    about=RNN_SELF + " The contract: step_backward(dh, tanh_prime_t) receives dh (N, H), the "
    "TOTAL gradient on h_t (from above and from step t+1, already added by backward), and "
    "tanh_prime_t (N, H), the value tanh'(z_t) = 1 - h_t**2 itself (a number, not a gradient: "
    "in this project a leading `d` always means a gradient). It returns only the gradient on "
    "h_{t-1} (N, H). It computes no weight gradient: backward sums those over all steps after "
    "its loop (eq. (11)). The checker calls it with a recurrent kernel of its own and "
    "compares with Keras's gradient of one SimpleRNN step.",
    harness=harness,
    mistakes=(
        Mistake(
            "U where U^T belongs",
            "z_t = a_t + h_{t-1} U, so eq. (10) sends dz_t U^T back.",
            mutant(_STEP, "np.dot(dz_t, U.T)", "np.dot(dz_t, U)"),
        ),
        Mistake(
            "dh sent back without the tanh'",
            "eq. (10) sends back dz_t U^T, and dz_t = dh * tanh'(z_t) (eq. (9)): "
            "the gradient goes back through the tanh before it reaches h_{t-1} U.",
            mutant(_STEP, "np.dot(dz_t, U.T)", "np.dot(dh, U.T)"),
        ),
        Mistake(
            "tanh' taken twice (1 - tanh_prime_t**2)",
            "tanh_prime_t already IS tanh'(z_t) = 1 - h_t**2 (its name says so; it is not a "
            "gradient): eq. (9) multiplies dh by it as it is.",
            mutant(_STEP, "dh * tanh_prime_t", "dh * (1 - tanh_prime_t**2)"),
        ),
    ),
)
