"""Exercise 6: the context's gradient, from the decoder's dh0 into the encoder, eq. (13)."""

from __future__ import annotations

from ...core.seq2seq import Seq2SeqNet
from ..exercise import KEYS, Context, Exercise, Mistake, Out, mutant, subclass
from ..grading import run
from ..references import weight_refs


def harness(ctx: Context, f: dict) -> list:
    def backward() -> list[Out]:
        g, net = ctx.g, ctx.net(net=subclass(Seq2SeqNet, f))
        net.forward(g["ex"], g["dx"])
        run(net.backward, "Your `Seq2SeqNet.backward`", ctx.workspace, d_y=g["grad/y"].copy())
        return [
            Out(f"d {k}", gr.copy(), refs) for k, gr, refs in zip(KEYS, net.grads, weight_refs(ctx))
        ]

    return [backward]


EXERCISE = Exercise(
    number=6,
    name="context",
    title="the context: the decoder's dh0 into the encoder",
    functions=((Seq2SeqNet, Seq2SeqNet.backward),),
    hints=(
        "Dense first, then the decoder, then the encoder (eq. (13)): the encoder has no "
        "output above it, and its only gradient is the decoder's dh0, which arrives on "
        "its last state.",
    ),
    about="`self` is the model: `self.e_rnn`, `self.d_rnn` (SimpleRNN) and `self.d_output` "
    "(Dense), each with forward and backward (ours, already run forward). Each layer's "
    "backward writes its own self.grads; yours returns nothing. An RNN's backward(dhs, "
    "dh_last) returns (dxs, dh0); the encoder has no dhs (pass None) and receives dh_last.",
    harness=harness,
    mistakes=(
        Mistake(
            "the context's gradient never reaches the encoder",
            "eq. (13): the decoder's dh0 is the gradient on the context, the encoder's last "
            "state, and it is all the encoder receives.",
            mutant(Seq2SeqNet.backward, "dh_last=d_context", "dh_last=None"),
        ),
    ),
)
