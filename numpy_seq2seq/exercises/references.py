"""References several exercises share."""

from __future__ import annotations

from ..core.seq2seq import mse
from .exercise import KEYS, Context, Ref


def weight_refs(ctx: Context) -> list[tuple[Ref, Ref]]:
    """Keras's gradient and central differences for each of the 8 weights, in order."""
    g, net = ctx.g, ctx.net()
    num = ctx.numerical(
        "weights", lambda: mse(net.forward(g["ex"], g["dx"]), g["dy"])[0], net.params
    )
    return [(ctx.golden(f"grads/{k}"), n) for k, n in zip(KEYS, num)]
