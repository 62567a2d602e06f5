"""Exercise 5: backprop through time over the sequence, eqs. (8)-(12)."""

from __future__ import annotations

import numpy as np

from ...core.simple_rnn import SimpleRNN
from ..exercise import (
    Context,
    Exercise,
    Mistake,
    Out,
    grads_in_place,
    mutant,
    readonly,
    subclass,
)
from ..grading import expect_array, expect_pair, run
from ._texts import RNN_SELF


def _one_layer(ctx: Context, rnn: type, layer: str, xs, h0, dhs, dh_last, golden: dict) -> list:
    """Our forward, then the learner's backward on one RNN; every gradient graded."""
    net = rnn(*ctx.weights(layer))
    SimpleRNN.forward(net, xs, h0)
    before = list(net.grads)
    res = run(
        net.backward,
        f"Your `backward` ({layer})",
        ctx.workspace,
        dhs=readonly(dhs),
        dh_last=readonly(dh_last),
    )
    dxs, dh0 = expect_pair(res, "backward")
    grads_in_place(net, before, "Your backward")
    n, t, h = ctx.N, ctx.T, ctx.H
    dxs = expect_array(dxs, "dxs", xs.shape, "(N, T, D)")
    dh0 = expect_array(dh0, "dh0", (n, h), "(N, H)")
    dh = expect_array(net.dh, "self.dh", (n, t, h), "every dh_t: (N, T, H)")

    ref = SimpleRNN(*ctx.weights(layer))
    x_, h0_ = xs.copy(), h0.copy()

    def f() -> float:  # <dhs, hs> + <dh_last, h_T>: backward is its gradient
        hs = ref.forward(x_, h0_)
        return float(np.sum(dhs * hs) if dhs is not None else np.sum(dh_last * hs[:, -1]))

    num = ctx.numerical(layer, f, [*ref.params, x_, h0_])
    outs = [
        Out(f"{layer} d{k}", gr.copy(), (ctx.golden(f"grads/{layer}/{name}"), num[i]))
        for i, (k, name, gr) in enumerate(
            zip("WUb", ("kernel", "recurrent_kernel", "bias"), net.grads)
        )
    ]
    outs.append(Out(f"{layer} dxs", dxs, (ctx.golden(golden["dxs"]), num[3])))
    dh0_refs = (ctx.golden(golden["dh0"]),) if "dh0" in golden else ()
    outs.append(Out(f"{layer} dh0", dh0, (*dh0_refs, num[4])))
    outs.append(Out(f"{layer} self.dh", dh, (ctx.golden(golden["dh"]),)))
    return outs


def harness(ctx: Context, f: dict) -> list:
    g, rnn = ctx.g, subclass(SimpleRNN, f)
    zeros = np.zeros((ctx.N, ctx.H))
    # the decoder's dh0 is the context's gradient, eq. (13); Keras has no encoder dh0
    decoder = {"dxs": "grad/dx", "dh0": "grad/context", "dh": "grad/d_dh"}
    encoder = {"dxs": "grad/ex", "dh": "grad/e_dh"}
    return [
        lambda: _one_layer(
            ctx, rnn, "d_rnn", g["dx"], g["forward/context"], g["grad/d_hs_up"], None, decoder
        ),
        lambda: _one_layer(ctx, rnn, "e_rnn", g["ex"], zeros, None, g["grad/context"], encoder),
    ]


_TANH = "1 - hs**2"
TANH = "1 - tanh(z) written instead of 1 - h²"
_BACK = SimpleRNN.backward

EXERCISE = Exercise(
    number=5,
    name="bptt",
    title="BPTT over the sequence",
    functions=((SimpleRNN, SimpleRNN.backward),),
    hints=(
        "Before the loop, eq. (9)'s tanh'(z_t) = 1 - tanh(z_t)^2 for every step at once: "
        "tanh(z_t) is h_t, so that is 1 - hs**2. Loop t from T-1 down to 0. Eq. (8): h_t "
        "receives gradient from the output above (dhs[:, t]) AND from step t+1 (dh_next): "
        "add them (dh = dhs[:, t] + dh_next), keep the sum in self.dh[:, t], then "
        "self.step_backward. After the loop, dz = self.dh * tanh' for every step, and eq. (11) "
        "pairs each dz_t with x_t and with h_{t-1}, the state BEFORE the step (h0 for the "
        "first). Do not modify dhs.",
    ),
    about=RNN_SELF + " The contract: our forward has run, so self.cache = (xs, h0, hs) with "
    "h0 a real (N, H) array (zeros for the encoder, never None). backward(dhs, dh_last) "
    "receives dhs (N, T, H), the gradient from the layer above on every state, or None for "
    "the encoder, which has nothing above it; and dh_last (N, H), the gradient arriving on "
    "h_T from after the sequence (the encoder's is the decoder's dh0), or None. It returns "
    "the pair (dxs (N, T, D), dh0 (N, H)), writes dW, dU, db into self.grads in place "
    "(self.grads[0][...] = ...), and keeps self.dh = every total dh_t, shaped (N, T, H). "
    "Unlike Deep Learning from Scratch 2's TimeRNN, whose self.dh is the gradient on h0 "
    "(N, H): here that one is returned as dh0. It must not change dhs. "
    "The checker runs our `forward` first, then your backward on the decoder and on the "
    "encoder.",
    harness=harness,
    mistakes=(
        Mistake(
            "the missing `+ dh_next`",
            "h_t feeds the output above AND step t+1 (eq. (8)): the gradient on h_t is the "
            "sum of what arrives from both.",
            mutant(_BACK, "dhs[:, t] + dh_next", "dhs[:, t]"),
        ),
        Mistake(
            "dU from h_t instead of h_{t-1}",
            "eq. (11) pairs dz_t with the state BEFORE "
            "the step: h_{t-1}, and h0 for the first step.",
            mutant(_BACK, "np.concatenate([h0[:, None], hs[:, :-1]], axis=1)", "hs"),
        ),
        Mistake(
            TANH,
            "tanh'(z) = 1 - tanh(z)², and tanh(z_t) is h_t: eq. (9) squares h_t.",
            mutant(_BACK, _TANH, "1 - hs"),
        ),
        Mistake(
            TANH,
            "you applied tanh to hs again: hs already is tanh(z), so eq. (9) needs only h_t.",
            mutant(_BACK, _TANH, "1 - np.tanh(hs) ** 2"),
        ),
    ),
)
