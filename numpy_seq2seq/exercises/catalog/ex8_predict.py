"""Exercise 8: the autoregressive inference loop, eqs. (1)-(4) run free."""

from __future__ import annotations

import numpy as np

from ...core.seq2seq import Seq2SeqNet
from ..exercise import Context, Exercise, Mistake, Out, mutant, subclass
from ..grading import expect_array, run


def harness(ctx: Context, f: dict) -> list:
    g = ctx.g
    y_ref = g["predict/y"]

    def predict(steps: int) -> list[Out]:
        net = ctx.net(net=subclass(Seq2SeqNet, f))
        y = run(net.predict, "Your `predict`", ctx.workspace, ex=g["ex"], steps=steps)
        y = expect_array(y, "predict", (ctx.N, steps, ctx.O), "(N, steps, O)")
        return [Out(f"y, steps={steps}", y, (ctx.golden_value(y_ref[:, :steps]),))]

    return [lambda: predict(ctx.T), lambda: predict(y_ref.shape[1])]


def _teacher_forced(ctx: Context) -> dict:
    """Inference fed the true y while there is one (as in training), then its own output."""
    true_dx = ctx.g["dx"]

    def predict(self, ex, steps):
        state, ys = self.encode(ex), []
        y = np.zeros((ex.shape[0], 1, true_dx.shape[2]))
        for t in range(steps):
            x = true_dx[:, t : t + 1] if t < true_dx.shape[1] else y
            hs = self.d_rnn.forward(x, h0=state)
            state, y = self.d_rnn.state, self.d_output.forward(hs)
            ys.append(y)
        return np.concatenate(ys, axis=1)

    return {"predict": predict}


_PREDICT = Seq2SeqNet.predict

EXERCISE = Exercise(
    number=8,
    name="predict",
    title="autoregressive predict",
    functions=((Seq2SeqNet, Seq2SeqNet.predict),),
    hints=(
        "Eqs. (1)-(4), run free: encode, then run the decoder one step at a time from "
        "the context and a zero input: self.d_rnn.forward on a (N, 1, O) input with h0 = the "
        "state so far; carry self.d_rnn.state; feed each output y back as the next input. "
        "There is no true y at inference.",
    ),
    about="`self` is the model, as in exercise 6 (`self.encode(ex)` gives the context). "
    "predict(ex, steps) runs eqs. (1)-(4) free, one step at a time, and returns every "
    "output, (N, steps, O).",
    harness=harness,
    mistakes=(
        Mistake(
            "the true y fed back at inference",
            "at inference there is no true y: feed back your own output y_t as "
            "the next input (x^d_{t+1} = y_t).",
            _teacher_forced,
        ),
        Mistake(
            "the output is never fed back",
            "the decoder's input must be the previous output, not zero at every step.",
            mutant(_PREDICT, "ys.append(y)", "ys.append(y); y = 0 * y"),
        ),
        Mistake(
            "the decoder restarts from the context at every step",
            "carry the state: the decoder's state after each step starts the next.",
            mutant(_PREDICT, "state = self.d_rnn.state", "pass"),
        ),
    ),
)
