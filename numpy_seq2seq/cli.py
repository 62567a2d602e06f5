"""The command line: the seed task with NumPy alone.

::

    python -m numpy_seq2seq train   [--epochs 80] [--hidden 10] [--steps 24] [--batch-size 16]
                                    [--seed S] [--dtype float32] [--cell simple_rnn]
                                    [--attention {dot,general,additive}]
                                    [--windows 0 24 49 74] [--out DIR]
    python -m numpy_seq2seq predict MODEL [--steps 24] [--windows 0 24 49 74] [--out DIR]

``train`` runs the seed's six steps (data, model, windows, ``fit``, inference,
plot) and writes into DIR:

* ``model.npz``        -- the trained model (``Seq2Seq.load`` reads it);
* ``data.png``         -- the sin/cos series;
* ``loss.png``         -- loss and val_loss per epoch;
* ``predictions.png``  -- the autoregressive predictions from the chosen windows vs cos(x).

``predict`` loads a saved model and writes ``predictions.png`` for the chosen
windows.  Bad arguments exit with status 2 and a message naming the argument.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from . import plotting
from .core.attention import ATTENTIONS
from .core.seq2seq import CELLS
from .data import INIT_POINTS, make_windows, sin_cos
from .model import DivergenceError, Seq2Seq

#: Points of the seed's series, ``np.linspace(-3 pi, 3 pi, 100)``.
NUM_POINTS = 100


def int_at_least(minimum: int):
    """An argparse ``type`` that accepts integers >= ``minimum`` (the scripts use it too)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer; got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}; got {value}")
        return value

    parse.__name__ = f"integer >= {minimum}"
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m numpy_seq2seq",
        description="The Keras Seq2Seq exercise (sin -> cos) in NumPy alone.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{train,predict}")

    train = sub.add_parser("train", help="train on the seed task, save the model and figures")
    train.add_argument("--epochs", type=int_at_least(1), default=80, help="default: 80")
    train.add_argument("--hidden", type=int_at_least(1), default=10, help="state size (10)")
    train.add_argument("--steps", type=int_at_least(1), default=24, help="window length (24)")
    train.add_argument("--batch-size", type=int_at_least(1), default=16, help="default: 16")
    train.add_argument(
        "--seed", type=int_at_least(0), default=None, help="seeds weights and shuffling"
    )
    train.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    train.add_argument(
        "--cell",
        choices=tuple(CELLS),
        default="simple_rnn",
        help="the recurrent layer (simple_rnn)",
    )
    train.add_argument(
        "--attention",
        choices=tuple(ATTENTIONS),
        default=None,
        help="attend to every encoder state (default: none, the seed's model)",
    )
    _add_windows(train)
    train.add_argument("--out", type=Path, default=Path("out/train"), help="default: out/train")
    train.set_defaults(run=train_command, parser=train)

    pred = sub.add_parser("predict", help="load a saved model and plot its predictions")
    pred.add_argument("model", metavar="MODEL", type=Path, help="a model.npz written by train")
    pred.add_argument("--steps", type=int_at_least(1), default=24, help="window length (24)")
    _add_windows(pred)
    pred.add_argument("--out", type=Path, default=Path("out/predict"), help="default: out/predict")
    pred.set_defaults(run=predict_command, parser=pred)
    return parser


def _add_windows(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--windows",
        type=int_at_least(0),
        nargs="+",
        default=None,
        metavar="I",
        help="window indices to predict from (default: the seed's 0 24 49 74)",
    )


def _check_windows(parser, windows: list[int] | None, n: int) -> list[int]:
    """The requested windows, or the seed's ``init_points`` that exist for ``n`` windows."""
    if windows is None:
        return [i for i in INIT_POINTS if i < n]
    bad = [i for i in windows if i >= n]
    if bad:
        parser.error(
            f"argument --windows: indices must be < {n} (the number of windows); got {bad}"
        )
    return sorted(set(windows))


def _windows_for(parser, steps: int):
    """The seed's series and its windows, or a usage error if ``steps`` leaves too few."""
    if steps > NUM_POINTS - 2:
        parser.error(
            f"argument --steps: expected at most {NUM_POINTS - 2} so that the {NUM_POINTS}-point "
            f"series gives a training and a validation window; got {steps}"
        )
    x, seq_in, seq_out = sin_cos(NUM_POINTS)
    ex, dx, dy = make_windows(seq_in, seq_out, steps)
    return x, seq_in, seq_out, ex, dx, dy


def train_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    x, seq_in, seq_out, ex, dx, dy = _windows_for(parser, args.steps)
    windows = _check_windows(parser, args.windows, len(ex))
    seed = args.seed if args.seed is not None else int(np.random.SeedSequence().entropy % 2**31)
    args.out.mkdir(parents=True, exist_ok=True)
    model = Seq2Seq(
        hidden=args.hidden, dtype=args.dtype, seed=seed, cell=args.cell, attention=args.attention
    )
    print(
        f"{model}, {model.count_params()} parameters, seed {seed}; "
        f"{len(ex)} windows of {args.steps} steps, batch size {args.batch_size}"
    )
    start = time.perf_counter()
    try:
        history = model.fit(
            [ex, dx], dy, batch_size=args.batch_size, epochs=args.epochs, verbose=1, seed=seed
        )
    except DivergenceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"trained {args.epochs} epochs in {time.perf_counter() - start:.2f} s")
    model.save(args.out / "model.npz")
    preds = model.predict(ex[windows])
    _print_predictions(x, dy, windows, preds)
    print(f"saved {args.out / 'model.npz'}")
    if _can_plot():
        plotting.plot_data(x, seq_in, seq_out, args.out / "data.png")
        plotting.plot_history({"NumPy": history.history}, args.out / "loss.png")
        plotting.plot_predictions(
            x, seq_out, {"NumPy": dict(zip(windows, preds))}, args.out / "predictions.png"
        )
        print(f"saved data.png, loss.png and predictions.png in {args.out}/")
    return 0


def predict_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        model = Seq2Seq.load(args.model)
    except (FileNotFoundError, ValueError) as err:
        parser.error(f"argument MODEL: {err}")
    x, _, seq_out, ex, _, dy = _windows_for(parser, args.steps)
    windows = _check_windows(parser, args.windows, len(ex))
    args.out.mkdir(parents=True, exist_ok=True)
    preds = model.predict(ex[windows])
    print(f"{model} from {args.model}")
    _print_predictions(x, dy, windows, preds)
    if _can_plot():
        path = args.out / "predictions.png"
        plotting.plot_predictions(x, seq_out, {"NumPy": dict(zip(windows, preds))}, path)
        print(f"saved {path}")
    return 0


def _can_plot() -> bool:
    """True when matplotlib is installed; otherwise one line saying how to get the figures."""
    if plotting.matplotlib_available():
        return True
    print("figures skipped: matplotlib is not installed (pip install 'numpy-seq2seq[plot]')")
    return False


def _print_predictions(x, dy, windows: Sequence[int], preds: np.ndarray) -> None:
    """One line per window: where it is, its error against cos(x), its first outputs."""
    steps = preds.shape[1]
    for i, y in zip(windows, preds):
        rmse = float(np.sqrt(np.mean((y[:, 0] - dy[i, :steps, 0]) ** 2)))
        head = np.array2string(y[:4, 0], precision=3, separator=", ")
        print(
            f"window {i:3d}: x = {x[i]:+.2f} .. {x[i + steps - 1]:+.2f}  "
            f"RMSE vs cos(x) {rmse:.4f}  first outputs {head[:-1]}, ...]"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m numpy_seq2seq`` and the ``numpy-seq2seq`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.run(args.parser, args)  # the subcommand, with its own parser for errors
