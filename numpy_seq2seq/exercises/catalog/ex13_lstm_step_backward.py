"""Exercise 13: one LSTM step backward, eqs. (L8)-(L11) of docs/lstm.md."""

from __future__ import annotations

import numpy as np

from ...core.lstm import LSTM
from ..exercise import Context, Exercise, Mistake, Out, mutant, subclass
from ..grading import expect_array, expect_pair, run


def _forward(ctx: Context) -> dict:
    """Our step forward on the golden inputs: what backward receives."""
    g, h = ctx.g, ctx.H
    cell = LSTM(np.eye(4 * h), g["lstm/recurrent_kernel"].copy(), g["lstm/bias"].copy())
    _, c, (sig, g_t) = cell.step(g["lstm/a"], g["lstm/h_prev"], g["lstm/c_prev"])
    return {"c_prev": g["lstm/c_prev"], "sig": sig, "g": g_t, "tc": np.tanh(c)}


def harness(ctx: Context, f: dict) -> list:
    g, n, h = ctx.g, ctx.N, ctx.H
    dh, dc_next = g["lstm/dh"], g["lstm/dc"]

    def new() -> LSTM:
        U, b = g["lstm/recurrent_kernel"].copy(), g["lstm/bias"].copy()
        return subclass(LSTM, f)(np.eye(4 * h), U, b)

    def local() -> list[Out]:
        fwd = {k: v[:, None].copy() for k, v in _forward(ctx).items()}  # T = 1
        res = run(new().local_derivatives, "Your `local_derivatives`", ctx.workspace, **fwd)
        jc, js = expect_pair(res, "local_derivatives")
        jc = expect_array(jc, "jc", (n, 1, h), "(N, T, H)")[:, 0]
        js = expect_array(js, "js", (n, 1, 4 * h), "(N, T, 4H)")[:, 0]
        dc = dc_next + dh * jc  # eq. (L8), as our step_backward computes it
        ds = np.concatenate([dc, dc, dc, dh], axis=1) * js  # eq. (L9)
        return [
            Out("ds_t (onto s_t)", ds, (ctx.golden("lstm/ds"),)),
            Out("dU = h_{t-1}^T ds_t", g["lstm/h_prev"].T @ ds, (ctx.golden("lstm/dU"),)),
            Out("db = ds_t summed", ds.sum(axis=0), (ctx.golden("lstm/db"),)),
        ]

    def step_back() -> list[Out]:
        fwd = _forward(ctx)
        jc, js = LSTM.local_derivatives(**fwd)  # ours: this part grades step_backward alone
        args = {
            "dh": dh,
            "dc_next": dc_next,
            "jc_t": jc,
            "js_t": js,
            "f_t": fwd["sig"][:, h : 2 * h],
        }
        res = run(new().step_backward, "Your `LSTM.step_backward`", ctx.workspace, **args)
        dh_prev, dc_prev, dc_t = expect_pair(res, "LSTM.step_backward", 3)
        shape = (n, h)
        return [
            Out(
                "dh_prev (to h_{t-1})",
                expect_array(dh_prev, "dh_prev", shape, "(N, H)"),
                (ctx.golden("lstm/dh_prev"),),
            ),
            Out(
                "dc_prev (to c_{t-1})",
                expect_array(dc_prev, "dc_prev", shape, "(N, H)"),
                (ctx.golden("lstm/dc_prev"),),
            ),
            Out("dc_t (total on c_t)", expect_array(dc_t, "dc_t", shape, "(N, H)")),
        ]

    return [local, step_back]


EXERCISE = Exercise(
    number=13,
    name="lstm_step_backward",
    title="one LSTM step backward",
    functions=((LSTM, LSTM.local_derivatives), (LSTM, LSTM.step_backward)),
    hints=(
        "Eq. (L8): c_t reaches h_t through o tanh(c_t), a factor o (1 - tanh(c_t)^2). Eq. (L9), "
        "each block of s_t in Keras's order i, f, c, o: through c_t = f c_{t-1} + i g the input "
        "gate gets g, the forget gate c_{t-1}, the candidate i; through h_t = o tanh(c_t) the "
        "output gate gets tanh(c_t); then each activation's derivative (sigmoid: s (1 - s), "
        "tanh: 1 - g^2).",
        "Eq. (L8): the total gradient on c_t is what comes from step t+1 plus what comes "
        "through h_t. Eq. (L9): ds = [dc dc dc dh] * js. Eq. (L10): dh_{t-1} = ds U^T. "
        "Eq. (L11): dc_{t-1} = dc_t * f_t.",
    ),
    about="`self` is an LSTM (exercise 12). local_derivatives(c_prev, sig, g, tc) is a "
    "staticmethod: c_{t-1}, g_t, tanh(c_t) (N, T, H) and sigma(s_t) (N, T, 4H) of every step; "
    "it returns jc (N, T, H), the local derivative ∂h_t/∂c_t, with "
    "dc_t = dc_next + dh_t * jc_t, and js (N, T, 4H), with "
    "ds_t = [dc_t dc_t dc_t dh_t] * js_t (eqs. (L8)-(L9)). step_backward(dh, dc_next, "
    "jc_t, js_t, f_t) receives the total gradient dh (N, H) on h_t, the gradient dc_next "
    "(N, H) on c_t from step t+1, step t's factors and forget gate; it returns the triple "
    "(dh_{t-1}, dc_{t-1}, dc_t), each (N, H), eqs. (L8)-(L11), and computes no weight "
    "gradient. The checker grades your local_derivatives through the gradients they give "
    "(Keras's ds_t, dU, db of one step), and your step_backward with our local_derivatives.",
    harness=harness,
    mistakes=(
        Mistake(
            "the forget gate missing on the way back",
            "c_t = f_t c_{t-1} + ..., so the gradient on c_{t-1} is dc_t * f_t, eq. (L11).",
            mutant(LSTM.step_backward, "dc * f_t", "dc"),
        ),
        Mistake(
            "c_t's gradient taken only from step t+1",
            "c_t also reaches h_t = o_t tanh(c_t): eq. (L8) adds dh_t times that factor.",
            mutant(LSTM.step_backward, "dc = dc_next + dh * ", "dc = dc_next + 0 * dh * "),
        ),
    ),
)
