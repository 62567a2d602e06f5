"""Exercise 3: the Dense layer's backward and Keras's MSE with its gradient, eqs. (4)-(7)."""

from __future__ import annotations

import numpy as np

from ...core.seq2seq import Dense, mse
from ..exercise import Context, Exercise, Mistake, Out, grads_in_place, mutant, subclass
from ..grading import Fault, expect_array, expect_pair, run


def harness(ctx: Context, f: dict) -> list:
    g = ctx.g

    def loss() -> list[Out]:
        y, target = g["forward/y"].copy(), g["dy"]
        res = run(f["mse"], "Your `mse`", ctx.workspace, y=g["forward/y"], target=target)
        value, d_y = expect_pair(res, "mse")
        if np.ndim(value) != 0:
            raise Fault(f"`mse` must return the loss as one number; it returned {np.shape(value)}.")
        d_y = expect_array(d_y, "mse's gradient", g["dy"].shape, "dy: (N, T, O)")
        (num,) = ctx.numerical("mse", lambda: mse(y, target)[0], [y])
        return [
            Out("loss (mse)", np.asarray(value, dtype=np.float64), (ctx.golden("loss"),)),
            Out("d_y (mse)", d_y, (ctx.golden("grad/y"), num)),
        ]

    def dense() -> list[Out]:
        layer = subclass(Dense, {"backward": f["backward"]})(*ctx.weights("d_output"))
        layer.forward(g["forward/d_hs"])
        before = list(layer.grads)
        dhs = run(layer.backward, "Your `Dense.backward`", ctx.workspace, dys=g["grad/y"])
        dhs = expect_array(dhs, "backward", g["forward/d_hs"].shape, "dhs: (N, T, H)")
        grads_in_place(layer, before, "Your Dense.backward")
        V, b, hs = *ctx.weights("d_output"), g["forward/d_hs"].copy()
        num = ctx.numerical("dense", lambda: mse(hs @ V + b, g["dy"])[0], [V, b, hs])
        return [
            Out("dhs (Dense.backward)", dhs, (ctx.golden("grad/d_hs_up"), num[2])),
            Out("dV", layer.grads[0].copy(), (ctx.golden("grads/d_output/kernel"), num[0])),
            Out("db_o", layer.grads[1].copy(), (ctx.golden("grads/d_output/bias"), num[1])),
        ]

    return [loss, dense]


MSE_SCALE = "MSE without its 2/(N·T·O)"
_DY = "dy = diff * (2.0 / diff.size)"

EXERCISE = Exercise(
    number=3,
    name="dense_mse",
    title="Dense and MSE backward",
    functions=((Dense, Dense.backward), (None, mse)),
    hints=(
        "Eq. (7): the same V serves every step, so sum over both N and T; flattening "
        "(N, T, .) to (N*T, .) makes that one matrix product. Write the gradients into "
        "self.grads in place (self.grads[0][...] = ...): the model holds those arrays.",
        "Eqs. (5)-(6): Keras averages over every element, so the gradient of each "
        "squared error carries 2 / (N*T*O), where N*T*O is diff.size.",
    ),
    about="`self` is a Dense layer: `self.params = [V, b_o]`, `self.cache` the hs its forward "
    "saw. `Dense.backward` returns dhs (N, T, H) and writes dV, db_o into `self.grads` in "
    "place (the model and Adam hold those arrays). `mse` is a plain function returning "
    "(loss, dy): the loss one number, dy (N, T, O).",
    harness=harness,
    mistakes=(
        Mistake(
            MSE_SCALE,
            "your d_y is y - y*: eq. (6) multiplies it by 2/(N·T·O).",
            mutant(mse, _DY, "dy = diff"),
        ),
        Mistake(
            MSE_SCALE,
            "your d_y is 2 (y - y*): the mean's 1/(N·T·O) is missing (eq. (6)).",
            mutant(mse, _DY, "dy = 2.0 * diff"),
        ),
        Mistake(
            MSE_SCALE,
            "your d_y is (y - y*)/(N·T·O): the 2 from the square is missing.",
            mutant(mse, _DY, "dy = diff / diff.size"),
        ),
        Mistake(
            MSE_SCALE,
            "your d_y has 2/(N·T): Keras also averages over the O features.",
            mutant(mse, _DY, "dy = diff * (2.0 / (diff.shape[0] * diff.shape[1]))"),
        ),
        Mistake(
            MSE_SCALE,
            "your d_y has 2/N: Keras averages over steps and features too.",
            mutant(mse, _DY, "dy = diff * (2.0 / diff.shape[0])"),
        ),
    ),
)
