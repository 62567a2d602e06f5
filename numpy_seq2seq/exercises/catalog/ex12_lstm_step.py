"""Exercise 12: one LSTM step forward, as Keras 3 computes it, eqs. (L2)-(L5) of docs/lstm.md."""

from __future__ import annotations

import numpy as np

from ...core.lstm import LSTM
from ..exercise import Context, Exercise, Mistake, Out, mutant, subclass
from ..grading import Fault, expect_array, expect_pair, run


def harness(ctx: Context, f: dict) -> list:
    g, n, h = ctx.g, ctx.N, ctx.H

    def one_step() -> list[Out]:
        U, b = g["lstm/recurrent_kernel"].copy(), g["lstm/bias"].copy()
        cell = subclass(LSTM, f)(np.eye(4 * h), U, b)
        args = {"a_t": g["lstm/a"], "h_prev": g["lstm/h_prev"], "c_prev": g["lstm/c_prev"]}
        res = run(cell.step, "Your `LSTM.step`", ctx.workspace, **args)
        h_t, c_t, cache = expect_pair(res, "LSTM.step", 3)
        if not (isinstance(cache, tuple) and len(cache) == 2):
            raise Fault("`LSTM.step` must return h_t, c_t and the pair (sigma(s_t), g_t).")
        sig, g_t = cache
        return [
            Out("h_t", expect_array(h_t, "h_t", (n, h), "(N, H)"), (ctx.golden("lstm/h"),)),
            Out("c_t", expect_array(c_t, "c_t", (n, h), "(N, H)"), (ctx.golden("lstm/c"),)),
            Out("sigma(s_t) (kept)", expect_array(sig, "sigma(s_t)", (n, 4 * h), "(N, 4H)")),
            Out("g_t (kept)", expect_array(g_t, "g_t", (n, h), "(N, H)")),
        ]

    return [one_step]


_STEP = LSTM.step

EXERCISE = Exercise(
    number=12,
    name="lstm_step",
    title="one LSTM step forward (Keras 3)",
    functions=((LSTM, LSTM.step),),
    hints=(
        "Eq. (L2): s = (a_t + h_{t-1} U) + b, the bias last, as Keras adds it. Keras's gate "
        "order along the 4H axis is i, f, c, o (input, forget, candidate, output). Eq. (L3): "
        "sigmoid for i, f, o and tanh for the candidate g. Eq. (L4): c_t = f c_{t-1} + i g. "
        "Eq. (L5): h_t = o tanh(c_t).",
    ),
    about="`self` is an LSTM: `self.params = [W, U, b]`, Keras's kernel (D, 4H), "
    "recurrent_kernel (H, 4H) and bias (4H,). step(a_t, h_prev, c_prev) receives a_t = x_t W "
    "(N, 4H, eq. (L1), no bias yet) and the two states h_{t-1}, c_{t-1} (N, H); it returns "
    "h_t, c_t (N, H) and what backward needs of the step: the pair (sigma(s_t) (N, 4H), g_t "
    "(N, H)). The checker runs it with a kernel of its own and compares h_t and c_t with a "
    "Keras LSTM step (docs/lstm.md derives eqs. (L1)-(L12)). If you know Deep Learning from "
    "Scratch 2's LSTM: its gate order is f, g, i, o; Keras's (and PyTorch's) is i, f, g, o.",
    harness=harness,
    mistakes=(
        Mistake(
            "the gates in DLFS2's order (f, g, i, o)",
            "Deep Learning from Scratch 2 slices forget, candidate, input, output; Keras's "
            "blocks are i, f, c, o (PyTorch's order happens to be Keras's).",
            mutant(
                _STEP,
                "i, f, o = sig[:, :H], sig[:, H : 2 * H], sig[:, 3 * H :]",
                "f, i, o = sig[:, :H], sig[:, 2 * H : 3 * H], sig[:, 3 * H :]",
                "g = np.tanh(s[:, 2 * H : 3 * H])",
                "g = np.tanh(s[:, H : 2 * H])",
            ),
        ),
        Mistake(
            "h_t from c_t without the tanh",
            "eq. (L5): h_t = o_t tanh(c_t); the cell state itself is not squashed, the output is.",
            mutant(_STEP, "h = o * np.tanh(c)", "h = o * c"),
        ),
    ),
)
