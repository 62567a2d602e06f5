"""Exercise 11: one GRU step backward, eqs. (G8)-(G11) of docs/gru.md."""

from __future__ import annotations

import numpy as np

from ...core.gru import GRU
from ..exercise import Context, Exercise, Mistake, Out, mutant, subclass
from ..grading import expect_array, expect_pair, run


def _forward(ctx: Context):
    """Our step forward on the golden inputs: what backward receives, each step as (N, 1, H)."""
    g, h = ctx.g, ctx.H
    cell = GRU(np.eye(3 * h), g["gru/recurrent_kernel"].copy(), g["gru/bias"].copy())
    _, (ur, g_t, m_h) = cell.step(g["gru/a"], g["gru/h_prev"])
    one = {"h_prev": g["gru/h_prev"], "u": ur[:, :h], "r": ur[:, h:], "g": g_t, "m_h": m_h}
    return {k: v[:, None].copy() for k, v in one.items()}


def harness(ctx: Context, f: dict) -> list:
    g, n, h = ctx.g, ctx.N, ctx.H
    dh = g["gru/dh"]

    def new():
        return subclass(GRU, f)(
            np.eye(3 * h), g["gru/recurrent_kernel"].copy(), g["gru/bias"].copy()
        )

    def local() -> list[Out]:
        fwd = _forward(ctx)
        res = run(new().local_derivatives, "Your `local_derivatives`", ctx.workspace, **fwd)
        ja, jm = expect_pair(res, "local_derivatives")
        ja = expect_array(ja, "ja", (n, 1, 3, h), "(N, T, 3, H)")
        jm = expect_array(jm, "jm", (n, 1, 3, h), "(N, T, 3, H)")
        da = (dh[:, None] * ja[:, 0]).reshape(n, 3 * h)  # eq. (G10), onto a_t
        dm = (dh[:, None] * jm[:, 0]).reshape(n, 3 * h)  # eq. (G10), onto m_t
        db = np.stack([da.sum(axis=0), dm.sum(axis=0)])
        return [
            Out("da_t = dh * ja_t", da, (ctx.golden("gru/da"),)),
            Out("dU = h_{t-1}^T (dh * jm_t)", g["gru/h_prev"].T @ dm, (ctx.golden("gru/dU"),)),
            Out("db (both rows)", db, (ctx.golden("gru/db"),)),
        ]

    def step_back() -> list[Out]:
        fwd = _forward(ctx)
        _, jm = GRU.local_derivatives(**fwd)  # ours: this part grades step_backward alone
        args = {"dh": dh, "jm_t": jm[:, 0], "u_t": fwd["u"][:, 0]}
        dh_prev = run(new().step_backward, "Your `GRU.step_backward`", ctx.workspace, **args)
        dh_prev = expect_array(dh_prev, "the gradient on h_{t-1}", (n, h), "(N, H)")
        return [Out("dh_prev (to h_{t-1})", dh_prev, (ctx.golden("gru/dh_prev"),))]

    return [local, step_back]


EXERCISE = Exercise(
    number=11,
    name="gru_step_backward",
    title="one GRU step backward",
    functions=((GRU, GRU.local_derivatives), (GRU, GRU.step_backward)),
    hints=(
        "Eq. (G8): h_t = u h_{t-1} + (1 - u) g, so ∂h/∂g = 1 - u, then tanh' = 1 - g^2; "
        "∂h/∂u = h_{t-1} - g, then sigmoid' = u (1 - u). Eq. (G9): g's pre-activation holds "
        "r * m^h, so the reset gate gets the candidate's factor times m^h, then r (1 - r). "
        "Eq. (G10): onto m_t the candidate's factor is multiplied by r. Stack along axis 2 in "
        "the order u, r, h.",
        "Eq. (G11): h_{t-1} reaches h_t twice, directly through u h_{t-1} in (G5) and through "
        "m_t = h_{t-1} U + b (G2): add dh * u_t and dm_t U^T, with dm_t = dh * jm_t "
        "flattened to (N, 3H).",
    ),
    about="`self` is a GRU (exercise 10). local_derivatives(h_prev, u, r, g, m_h) is a "
    "staticmethod: every argument is (N, T, H), forward values of every step; it returns "
    "ja, jm (N, T, 3, H), with da_t = dh_t * ja_t the gradient onto a_t and dm_t = dh_t * jm_t "
    "the gradient onto m_t, blocks u, r, h (eqs. (G8)-(G10)). step_backward(dh, jm_t, u_t) "
    "receives the total gradient dh (N, H) on h_t, step t's jm_t (N, 3, H) and u_t (N, H), "
    "and returns only the gradient on h_{t-1} (N, H), eq. (G11); like SimpleRNN's, it "
    "computes no weight gradient (backward sums those after its loop, eq. (G12)). The "
    "checker grades your local_derivatives through the gradients they give (Keras's da_t, "
    "dU, db of one step), and your step_backward with our local_derivatives.",
    harness=harness,
    mistakes=(
        Mistake(
            "the direct path through (G5) dropped",
            "h_{t-1} reaches h_t twice: through m_t = h_{t-1} U and directly through "
            "u h_{t-1}; eq. (G11) adds dh * u_t.",
            mutant(GRU.step_backward, "dh * u_t + np.dot(dm, U.T)", "np.dot(dm, U.T)"),
        ),
        Mistake(
            "tanh' written 1 - g instead of 1 - g²",
            "g_t = tanh(.) so its derivative is 1 - g_t², eq. (G8).",
            mutant(GRU.local_derivatives, "(1 - u) * (1 - g**2)", "(1 - u) * (1 - g)"),
        ),
    ),
)
