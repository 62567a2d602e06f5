"""Exercise 1: one RNN step forward, eq. (2)."""

from __future__ import annotations

import numpy as np

from ...core.simple_rnn import SimpleRNN
from ..exercise import Context, Exercise, Mistake, Out, mutant, subclass
from ..grading import expect_array, run
from ._texts import RNN_SELF


def harness(ctx: Context, f: dict) -> list:
    g, rnn = ctx.g, subclass(SimpleRNN, f)

    def alone() -> list[Out]:
        cell = rnn(np.eye(ctx.H), g["step/recurrent_kernel"].copy(), np.zeros(ctx.H))
        h = run(cell.step, "Your `step`", ctx.workspace, a_t=g["step/a"], h_prev=g["step/h_prev"])
        h = expect_array(h, "step", (ctx.N, ctx.H), "h_t: (N, H)")
        return [Out("h_t = step(a_t, h_prev)", h, (ctx.golden("step/h"),))]

    def in_forward() -> list[Out]:
        enc = rnn(*ctx.weights("e_rnn"))
        hs = run(enc.forward, "Our `forward`, calling your `step`,", ctx.workspace, xs=g["ex"])
        return [Out("hs (our forward, your step)", hs, (ctx.golden("forward/e_hs"),))]

    return [alone, in_forward]


EXERCISE = Exercise(
    number=1,
    name="step",
    title="one RNN step forward",
    functions=((SimpleRNN, SimpleRNN.step),),
    hints=(
        "a_t already holds x_t W + b (eq. (1), computed for all steps at once by forward), "
        "so only the recurrent term is left to add before the tanh. Keras multiplies "
        "h_{t-1} @ U, with U = self.params[1].",
    ),
    about=RNN_SELF + " The checker runs your step alone, then inside our `forward` on the "
    "encoder's input.",
    harness=harness,
    mistakes=(
        Mistake(
            "the bias added twice",
            "a_t already holds x_t W + b (eq. (1)); step adds only h_{t-1} U before the tanh.",
            mutant(
                SimpleRNN.step,
                "a_t + np.dot(h_prev, U)",
                "a_t + np.dot(h_prev, U) + self.params[2]",
            ),
        ),
        Mistake(
            "U^T where U belongs",
            "Keras computes h_{t-1} @ U with U = recurrent_kernel, not its transpose.",
            mutant(SimpleRNN.step, "np.dot(h_prev, U)", "np.dot(h_prev, U.T)"),
        ),
    ),
)
