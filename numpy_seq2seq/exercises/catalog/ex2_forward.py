"""Exercise 2: the sequence forward, eqs. (1)-(2)."""

from __future__ import annotations

from ...core.simple_rnn import SimpleRNN
from ..exercise import Context, Exercise, Mistake, Out, mutant, subclass
from ..grading import Fault, expect_array, run
from ._texts import RNN_SELF


def harness(ctx: Context, f: dict) -> list:
    g, rnn = ctx.g, subclass(SimpleRNN, f)
    shape = (ctx.N, ctx.T, ctx.H)

    def encoder() -> list[Out]:
        enc = rnn(*ctx.weights("e_rnn"))
        hs = run(enc.forward, "Your `forward` (encoder, h0=None)", ctx.workspace, xs=g["ex"])
        hs = expect_array(hs, "forward", shape, "hs: (N, T, H)")
        state = expect_array(enc.state, "self.state", shape[::2], "h_T: (N, H)")
        try:  # our backward reads the cache the learner's forward kept
            SimpleRNN.backward(enc, None, g["grad/context"])
        except (TypeError, ValueError, IndexError, AttributeError) as err:
            raise Fault(
                f"Our `backward` could not use what your forward kept in self.cache ({err!r}). "
                "Keep self.cache = (xs, h0, hs), with h0 the zeros you started from."
            ) from None
        return [
            Out("hs encoder", hs, (ctx.golden("forward/e_hs"),)),
            Out("self.state = h_T", state, (ctx.golden("forward/context"),)),
            Out(
                "dU via our backward",
                enc.grads[1].copy(),
                (ctx.golden("grads/e_rnn/recurrent_kernel"),),
            ),
        ]

    def decoder() -> list[Out]:
        dec = rnn(*ctx.weights("d_rnn"))
        h0 = g["forward/context"].copy()
        hs = run(dec.forward, "Your `forward` (decoder)", ctx.workspace, xs=g["dx"], h0=h0)
        hs = expect_array(hs, "forward", shape, "hs: (N, T, H)")
        return [Out("hs decoder (h0 = context)", hs, (ctx.golden("forward/d_hs"),))]

    return [encoder, decoder]


EXERCISE = Exercise(
    number=2,
    name="forward",
    title="the sequence forward",
    functions=((SimpleRNN, SimpleRNN.forward),),
    hints=(
        "Eq. (1) for every step at once (xs @ W + b works on the whole (N, T, D) array), "
        "then a loop over t calling self.step. Start from h0, or from zeros when h0 is None. "
        "Keep self.cache = (xs, h0, hs) for backward and self.state = h_T (the context).",
    ),
    about=RNN_SELF
    + " Eq. (1) projects the inputs, eq. (2) steps. The contract: return hs (N, T, H); "
    "set self.state = h_T and "
    "self.cache = (xs, h0, hs), where h0 is the array you started from (zeros (N, H) when "
    "h0 is None: backward needs a real array, never None). The checker runs your forward on "
    "the encoder (from zeros) and the decoder (from the context), then runs our `backward` "
    "on what you cached.",
    harness=harness,
    mistakes=(
        Mistake(
            "h0 ignored",
            "the decoder must start from the context, eq. (3): use h0 when "
            "it is given, zeros only when it is None.",
            mutant(SimpleRNN.forward, "if h0 is None else h0", ""),
        ),
    ),
)
