"""Exercise 0: the seed's windows, ``ex``, ``dx`` (shifted right by one step) and ``dy``."""

from __future__ import annotations

import numpy as np

from ...core.seq2seq import mse
from ...data import make_windows, sin_cos
from ...model import Seq2Seq
from ..exercise import Context, Exercise, Mistake, Out, Ref, mutant
from ..grading import SEED_LOOP, expect_array, expect_pair, run

#: The demonstration of "dx not shifted": the seed's task, its fit call, these initial weights.
DEMO_SEEDS, DEMO_EPOCHS = (0, 1, 2), 80


def harness(ctx: Context, f: dict) -> list:
    g = ctx.g

    def windows() -> list[Out]:
        args = {
            "seq_in": g["windows/seq_in"].copy(),
            "seq_out": g["windows/seq_out"].copy(),
            "steps": int(g["windows/steps"]),
        }
        res = run(f["make_windows"], "Your `make_windows`", ctx.workspace, **args)
        res = expect_pair(res, "make_windows", 3)
        return [
            Out(
                name,
                expect_array(a, name, None, "(n, steps, 1)"),
                (Ref(SEED_LOOP, lambda k=k: g[k]),),
            )
            for name, a, k in zip(
                ("ex", "dx", "dy"), res, ("windows/ex", "windows/dx", "windows/dy")
            )
        ]

    return [windows]


def show_the_answer(ctx: Context, f: dict) -> list[str]:
    """Train the seed's model on windows with dx = dy, and print both losses."""
    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = f["make_windows"](seq_in, seq_out, 24)
    forced, free = [], []
    for seed in DEMO_SEEDS:
        model = Seq2Seq(seed=seed, dtype="float64")
        model.fit([ex, dx], dy, batch_size=16, epochs=DEMO_EPOCHS, seed=seed)
        forced.append(mse(model.forward(ex, dx), dy)[0])
        free.append(mse(model.predict(ex), dy)[0])
    zero = mse(np.zeros_like(dy), dy)[0]
    span = lambda v: f"{min(v):.4f} to {max(v):.4f}"  # noqa: E731
    return [
        "    What this does: the seed's task trained on such windows with the seed's call,",
        f"    fit([ex, dx], dy, batch_size=16, epochs={DEMO_EPOCHS}), from {len(DEMO_SEEDS)} "
        f"initial weights (seeds {', '.join(map(str, DEMO_SEEDS))}):",
        f"      teacher-forced loss (dx fed in, as in training)   {span(forced)}",
        f"      free-running MSE (predict: its own outputs fed)   {span(free)}",
        f"      a prediction of 0 at every step scores            {zero:.4f}",
        "    The decoder was shown, at every step, the very value it must output, so it learned to",
        "    copy its input: a near-zero training loss. At inference its input is its own previous",
        "    output, starting from 0, and there is nothing to copy: no better than predicting 0.",
    ]


_WINDOWS = make_windows

EXERCISE = Exercise(
    number=0,
    name="windows",
    title="the windows: ex, dx shifted for teacher forcing, dy",
    functions=((None, make_windows),),
    hints=(
        "The seed's loop, for i in range(n) with n = len(seq_in) - steps: ex[i] = "
        "seq_in[i:i+steps], dy[i] = seq_out[i:i+steps], and dx[i] = dy[i] shifted right by "
        "one step: dx[i, 0] = 0 and dx[i, 1:] = seq_out[i:i+steps-1]. Then give each array "
        "its feature axis: (n, steps, 1), as Keras's Input(shape=(steps, 1)) expects.",
    ),
    about="`make_windows` is a plain function, the seed's data loop (docs/tutorial.md draws "
    "it). For each window i, ex is what the encoder reads, dy what the decoder must output, "
    "and dx what the decoder is fed during training (teacher forcing, eqs. (1)-(4)): the "
    "previous true output, so dy shifted right by one step with 0 first. The checker calls "
    "it on a short series (12 points, steps=5) and compares with the seed's own loop. Only "
    "the 1-D series of the seed is checked; the docstring's (L, D) inputs are optional.",
    harness=harness,
    mistakes=(
        Mistake(
            "dx not shifted (dx = dy)",
            "dx must be dy shifted right by one step, with 0 first: at step t the decoder is "
            "fed the true output of step t-1, never the one it must predict.",
            mutant(_WINDOWS, "dx[:, 1:] = dy[:, :-1]", "dx[...] = dy"),
            demo=show_the_answer,
        ),
        Mistake(
            "dx shifted the wrong way",
            "your dx[i, t] is dy[i, t+1], the future. Shift right: dx[i, t] is dy[i, t-1], and "
            "dx[i, 0] = 0 (there is no output before the first).",
            mutant(_WINDOWS, "dx[:, 1:] = dy[:, :-1]", "dx[:, :-1] = dy[:, 1:]"),
        ),
        Mistake(
            "the wrong number of windows",
            "the seed makes n = len(seq_in) - steps windows (its last point is never used); "
            "you made one more.",
            mutant(_WINDOWS, "n = len(s_in) - steps\n", "n = len(s_in) - steps + 1\n"),
        ),
        Mistake(
            "the wrong number of windows",
            "the seed makes n = len(seq_in) - steps windows, starting at i = 0; you made one "
            "fewer.",
            mutant(_WINDOWS, "n = len(s_in) - steps\n", "n = len(s_in) - steps - 1\n"),
        ),
        Mistake(
            "a missing feature axis",
            "Keras's layers read (n, steps, features): reshape each array to (n, steps, 1), "
            "as the seed does, even with one feature.",
            mutant(_WINDOWS, "return ex, dx, dy", "return ex[..., 0], dx[..., 0], dy[..., 0]"),
        ),
    ),
)
