"""Exercise 10: one GRU step forward, as Keras 3 computes it, eqs. (G2)-(G5) of docs/gru.md."""

from __future__ import annotations

import numpy as np

from ...core.gru import GRU
from ..exercise import Context, Exercise, Mistake, Out, mutant, subclass
from ..grading import Fault, expect_array, expect_pair, run


def harness(ctx: Context, f: dict) -> list:
    g, n, h = ctx.g, ctx.N, ctx.H

    def one_step() -> list[Out]:
        cell = subclass(GRU, f)(
            np.eye(3 * h), g["gru/recurrent_kernel"].copy(), g["gru/bias"].copy()
        )
        res = run(
            cell.step, "Your `GRU.step`", ctx.workspace, a_t=g["gru/a"], h_prev=g["gru/h_prev"]
        )
        h_t, cache = expect_pair(res, "GRU.step")
        if not (isinstance(cache, tuple) and len(cache) == 3):
            raise Fault("`GRU.step` must return h_t and the tuple (ur, g_t, m^h_t) for backward.")
        ur, g_t, m_h = cache
        return [
            Out("h_t", expect_array(h_t, "h_t", (n, h), "(N, H)"), (ctx.golden("gru/h"),)),
            Out("ur = [u_t r_t] (kept)", expect_array(ur, "ur", (n, 2 * h), "(N, 2H)")),
            Out("g_t (kept)", expect_array(g_t, "g_t", (n, h), "(N, H)")),
            Out("m^h_t (kept)", expect_array(m_h, "m^h_t", (n, h), "(N, H)")),
        ]

    return [one_step]


_STEP = GRU.step

EXERCISE = Exercise(
    number=10,
    name="gru_step",
    title="one GRU step forward (Keras 3, reset_after=True)",
    functions=((GRU, GRU.step),),
    hints=(
        "Keras's gate order along the 3H axis is update, reset, candidate (Keras names them "
        "z, r, h; docs/gru.md writes the update gate u). Eq. (G2): "
        "m = h_{t-1} U + b[1], all three gates at once, the recurrent bias row included. "
        "Eq. (G3): u and r from sigmoid(a_t + m) on the first 2H columns. Eq. (G4): the reset "
        "multiplies m's candidate block AFTER the matrix product. Eq. (G5): "
        "h_t = u h_{t-1} + (1 - u) g_t.",
    ),
    about="`self` is a GRU: `self.params = [W, U, b]`, Keras's kernel (D, 3H), "
    "recurrent_kernel (H, 3H) and bias (2, 3H), whose row 0 is the input bias (already in "
    "a_t, eq. (G1)) and row 1 the recurrent bias. step(a_t, h_prev) receives a_t (N, 3H) and "
    "h_{t-1} (N, H) and returns h_t (N, H) with what backward needs of the step: the tuple "
    "(ur, g_t, m^h_t), ur = [u_t r_t] (N, 2H), the candidate g_t (N, H) and the candidate's "
    "block of m (N, H). The checker runs it with a kernel of its own and compares h_t with "
    "a Keras GRU step (docs/gru.md derives eqs. (G1)-(G12)). If you know Deep Learning from "
    "Scratch 2's GRU: Keras applies the reset after the matrix product, keeps h_{t-1} where "
    "u is 1, and has two bias rows.",
    harness=harness,
    mistakes=(
        Mistake(
            "the reset applied before the matrix product (DLFS2's GRU)",
            "Deep Learning from Scratch 2 (and Keras's reset_after=False) computes "
            "(r * h_{t-1}) U; Keras 3's default GRU computes r * (h_{t-1} U + b_rec), eq. (G4).",
            mutant(
                _STEP,
                "a_t[:, 2 * H :] + r * m[:, 2 * H :]",
                "a_t[:, 2 * H :] + np.dot(r * h_prev, U[:, 2 * H :]) + b[1, 2 * H :]",
            ),
        ),
        Mistake(
            "the gates in PyTorch's order (r, z, n)",
            "PyTorch's GRU stacks reset, update, new; Keras's blocks are update, reset, "
            "candidate: the first H columns are the update gate u.",
            mutant(_STEP, "u, r = ur[:, :H], ur[:, H:]", "r, u = ur[:, :H], ur[:, H:]"),
        ),
        Mistake(
            "the second bias row dropped",
            "with reset_after=True Keras has two bias rows: row 0 is in a_t already, row 1 is "
            "added to h_{t-1} U for all three gates (eq. (G2)).",
            mutant(_STEP, "np.dot(h_prev, U) + b[1]", "np.dot(h_prev, U)"),
        ),
        Mistake(
            "u and 1 - u swapped (DLFS2's convention)",
            "Deep Learning from Scratch 2 writes h = (1 - z) h_{t-1} + z h~; Keras keeps the "
            "old state where the update gate is 1: h_t = u h_{t-1} + (1 - u) g_t, eq. (G5).",
            mutant(_STEP, "u * h_prev + (1 - u) * g", "(1 - u) * h_prev + u * g"),
        ),
    ),
)
