"""Exercise 9: one training step's math, then the seed task trained with every piece yours."""

from __future__ import annotations

import numpy as np

from ...core.adam import Adam
from ...core.seq2seq import Dense, Seq2SeqNet
from ...core.simple_rnn import SimpleRNN
from ...data import make_windows, sin_cos
from ...model import Seq2Seq
from .. import source
from ..checks import load_functions
from ..exercise import KEYS, Context, Exercise, Out, subclass
from ..grading import Fault, run
from ..references import weight_refs
from . import (
    ex1_step,
    ex2_forward,
    ex3_dense_mse,
    ex4_step_backward,
    ex5_bptt,
    ex6_context,
    ex7_adam,
)

#: The pieces the training run takes from the learner, in order.
PIECES = tuple(
    m.EXERCISE
    for m in (
        ex1_step,
        ex2_forward,
        ex3_dense_mse,
        ex4_step_backward,
        ex5_bptt,
        ex6_context,
        ex7_adam,
    )
)
#: The seed's fit call on the seed's data, and its target.
TRAIN_SEED, TRAIN_EPOCHS, TARGET_VAL_LOSS = 0, 80, 0.02


def harness(ctx: Context, f: dict) -> list:
    def step() -> list[Out]:
        g, net = ctx.g, ctx.net(net=subclass(Seq2SeqNet, f))
        args = {"ex": g["ex"], "dx": g["dx"], "dy": g["dy"]}
        loss = run(net.loss_and_grads, "Your `loss_and_grads`", ctx.workspace, **args)
        if np.ndim(loss) != 0:
            raise Fault("`loss_and_grads` must return the loss, one number.")
        refs = weight_refs(ctx)
        out = [Out("loss", np.asarray(loss, dtype=np.float64), (ctx.golden("loss"),))]
        return out + [Out(f"d {k}", gr.copy(), r) for k, gr, r in zip(KEYS, net.grads, refs)]

    return [step]


def train_with_your_pieces(ctx: Context, f: dict) -> tuple[bool, list[str]]:
    """The seed task, trained by numpy_seq2seq's fit loop with every piece the learner's."""
    try:
        mine = {e.number: load_functions(ctx, e) for e in PIECES}
    except Fault as fault:
        return False, [f"Training needs your exercises 1-7 and this one: {fault}"]
    unwritten = [
        f"{e.name} (ex{e.number})"
        for e in PIECES
        if any(source.still_raises(func) for func in mine[e.number].values())
    ]
    if unwritten:
        return False, [
            "Training needs every piece, and these still raise NotImplementedError: "
            + ", ".join(unwritten)
            + ". Write them (each has its own exercise), then check again."
        ]
    f["loss_and_grads"].__globals__["mse"] = mine[3]["mse"]  # this file's mse: your exercise 3
    rnn = subclass(
        SimpleRNN,
        {
            "step": mine[1]["step"],
            "forward": mine[2]["forward"],
            "step_backward": mine[4]["step_backward"],
            "backward": mine[5]["backward"],
        },
    )
    dense = subclass(Dense, {"backward": mine[3]["backward"]})
    net = subclass(
        Seq2SeqNet, {"backward": mine[6]["backward"], "loss_and_grads": f["loss_and_grads"]}
    )
    optimizer = subclass(Adam, {"update": mine[7]["update"]})()
    model = Seq2Seq(seed=TRAIN_SEED, dtype="float64")
    e, d, o = model.net.layers
    model.net = net(
        rnn(*e.params, name="e_rnn"),
        rnn(*d.params, name="d_rnn"),
        dense(*o.params, name="d_output"),
    )
    model.e_rnn, model.d_rnn, model.d_output = model.net.layers
    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
    call = f"fit([ex, dx], dy, batch_size=16, epochs={TRAIN_EPOCHS}, validation_split=0.2)"
    try:
        history = run(
            lambda: model.fit(
                [ex, dx],
                dy,
                batch_size=16,
                epochs=TRAIN_EPOCHS,
                validation_split=0.2,
                seed=TRAIN_SEED,
                optimizer=optimizer,
            ),
            f"Training ({call})",
            ctx.workspace,
        )
    except Fault as fault:
        return False, [str(fault)]
    val = history.history["val_loss"][-1]
    verdict = "below" if val < TARGET_VAL_LOSS else "NOT below"
    return val < TARGET_VAL_LOSS, [
        f"The seed task, {call}, every piece yours: final val_loss = {val:.4f}, {verdict} "
        f"the target {TARGET_VAL_LOSS}."
    ]


EXERCISE = Exercise(
    number=9,
    name="train",
    title="training the seed task with your own pieces",
    functions=((Seq2SeqNet, Seq2SeqNet.loss_and_grads),),
    hints=(
        "Forward with teacher forcing (eqs. (1)-(4)), the loss and its gradient (eqs. "
        "(5)-(6)), backward (eqs. (7)-(13)).",
    ),
    about="`self` is the model. loss_and_grads(ex, dx, dy) runs the forward pass with "
    "teacher forcing (eqs. (1)-(4)), the loss and its gradient (eqs. (5)-(6)) and backward "
    "(eqs. (7)-(13)), leaving every gradient in the layers' grads; it returns the loss, one "
    "number. Then the checker trains the seed's model with all your pieces "
    "(exercises 1-7 and this one) in numpy_seq2seq's own fit loop: 80 epochs, batch 16, "
    "val_loss < 0.02. In the training run every piece is yours; `mse` here is your "
    "exercise 3 (the checker puts it in this file's namespace).",
    harness=harness,
    finale=train_with_your_pieces,
    import_comment="the training run uses your exercise 3's",
)
