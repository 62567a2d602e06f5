"""Gradient check of the hand-written BPTT, and the gradient-flow figure.

Run from the repository root::

    python scripts/gradcheck.py                       # the seed's configuration, float64
    python scripts/gradcheck.py --hidden 3 --steps 5 --batch 2 --tokens 2
    python scripts/gradcheck.py --plot out/gradcheck  # also writes gradient_flow.png

The table compares, for each of the 8 weights, the analytic gradient of
``Seq2Seq.loss_and_grads`` with central differences of the loss
(``numpy_seq2seq.gradcheck.check_model``) on random data: ex, dx, dy drawn
from N(0, 1) with shapes (batch, steps, tokens).  Run it in float64: float32
has too few digits for a finite difference to resolve small errors, so the
float32 threshold below is only a sanity check.  Exit status 1 if a row fails.

``--plot DIR`` draws ‖∂L/∂h_t‖ at every hidden state on the seed task (1 token,
sin -> cos, all windows), back through the decoder's steps, through the
context, into the encoder's steps: once at the initial weights and once
after ``--train-epochs`` epochs of training.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.cli import int_at_least
from numpy_seq2seq.core.seq2seq import mse
from numpy_seq2seq.data import make_windows, sin_cos
from numpy_seq2seq.gradcheck import RESOLUTION, check_model

#: Largest relative error that passes.  In float64 a correct gradient agrees
#: with central differences to ~1e-9 (see numpy_seq2seq.gradcheck); a wrong
#: term in the BPTT (a missing eq. (8) term, a transposed matrix) gives
#: errors of order 1e-2 to 1.  float32 central differences resolve only a few
#: digits, so there the check is coarse.
THRESHOLDS = {"float64": 1e-7, "float32": 1e-2}


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0; got {value}")
    return value


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--hidden", type=int_at_least(1), default=10, help="state size H (10)")
    p.add_argument("--steps", type=int_at_least(1), default=24, help="time steps T (24)")
    p.add_argument("--batch", type=int_at_least(1), default=16, help="windows N (16)")
    p.add_argument("--tokens", type=int_at_least(1), default=1, help="features per step (1)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    p.add_argument(
        "--seed", type=int_at_least(0), default=0, help="seeds the weights and the data (0)"
    )
    p.add_argument("--eps", type=positive_float, default=None, help="finite-difference step")
    p.add_argument("--plot", type=Path, default=None, metavar="DIR", help="write the figure here")
    p.add_argument(
        "--train-epochs", type=int_at_least(1), default=80, help="training for the figure (80)"
    )
    args = p.parse_args(argv)
    if args.plot is not None and args.steps > 98:
        p.error(
            f"argument --steps: --plot needs at most 98 steps on the seed task; got {args.steps}"
        )
    return args


def gradient_table(args) -> bool:
    """Print the table; True when every row passes."""
    model = Seq2Seq(args.tokens, args.tokens, args.hidden, dtype=args.dtype, seed=args.seed)
    rng = np.random.default_rng(args.seed)
    ex, dx, dy = (rng.standard_normal((args.batch, args.steps, args.tokens)) for _ in range(3))
    kwargs = {} if args.eps is None else {"eps": args.eps}
    start = time.perf_counter()
    rows = check_model(model, ex, dx, dy, **kwargs)
    seconds = time.perf_counter() - start
    limit = THRESHOLDS[args.dtype]
    print(
        f"Gradient check: {model}, N={args.batch}, T={args.steps}, random N(0,1) data, "
        f"{model.count_params()} weights, {seconds:.1f} s"
    )
    print(f"{'weight':<26}{'shape':>9}{'|analytic|':>13}{'|numerical|':>13}{'rel. error':>12}")
    ok = True
    for row, shape in zip(rows, (p.shape for p in model.params)):
        passed = row.passed(limit)
        ok &= passed
        print(
            f"{row.name:<26}{str(shape):>9}{row.analytic_norm:13.5e}{row.numerical_norm:13.5e}"
            f"{row.relative_error:12.2e}  {'PASS' if passed else 'FAIL'}"
        )
    print(
        f"relative error = |a - n| / max(|a|, |n|); PASS if < {limit:g} ({args.dtype}), "
        f"or if |a - n| < {RESOLUTION:g}, the finest difference float64 can resolve"
    )
    return ok


def state_gradient_norms(model: Seq2Seq, ex, dx, dy) -> tuple[np.ndarray, np.ndarray]:
    """‖∂L/∂h_t‖ (over all windows and units) for each encoder and decoder state.

    One ``loss_and_grads``; each RNN's backward records ``dh`` (N, T, H), the
    total gradient on every h_t, eq. (8).  Returns ``(enc (T,), dec (T,))``;
    ``enc[-1]`` is the gradient on the context.
    """
    model.loss_and_grads(ex, dx, dy)
    return (
        np.linalg.norm(model.e_rnn.dh, axis=(0, 2)),
        np.linalg.norm(model.d_rnn.dh, axis=(0, 2)),
    )


def gradient_flow(args) -> None:
    from numpy_seq2seq.plotting import plot_gradient_flow

    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, args.steps)
    model = Seq2Seq(hidden=args.hidden, dtype=args.dtype, seed=args.seed)
    untrained = state_gradient_norms(model, ex, dx, dy)
    loss0 = mse(model.forward(ex, dx), dy)[0]
    print(f"training {args.train_epochs} epochs on the seed task for the trained curve ...")
    history = model.fit([ex, dx], dy, epochs=args.train_epochs, seed=args.seed)
    trained = state_gradient_norms(model, ex, dx, dy)
    flows = {
        f"untrained (loss {loss0:.3f})": untrained,
        f"after {args.train_epochs} epochs (loss {history.history['loss'][-1]:.4f})": trained,
    }
    for label, (enc, dec) in flows.items():
        print(
            f"{label}: ‖∂L/∂h‖ decoder last {dec[-1]:.2e}, decoder h_1 {dec[0]:.2e}, "
            f"context {enc[-1]:.2e}, encoder h_1 {enc[0]:.2e}"
        )
    args.plot.mkdir(parents=True, exist_ok=True)
    path = args.plot / "gradient_flow.png"
    title = (
        f"‖∂L/∂h_t‖ on the seed task ({len(ex)} windows, T={args.steps}, H={args.hidden}): "
        "untrained vs trained"
    )
    plot_gradient_flow(flows, path, title=title)
    print(f"saved {path}")


def main(argv=None) -> int:
    args = parse_args(argv)
    ok = gradient_table(args)
    if args.plot is not None:
        gradient_flow(args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
