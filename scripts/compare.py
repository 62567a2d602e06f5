"""NumPy against Keras, side by side, on the seed task.

Run from the repository root (TensorFlow needed)::

    python scripts/compare.py                          # 80 epochs, float32, out/compare
    python scripts/compare.py --epochs 20 --dtype float64 --out out/f64
    python scripts/compare.py --cell lstm              # the same with LSTMs (or gru)
    python scripts/compare.py --attention additive     # the model with attention (issue 20)

What it does:

1. builds the seed's three Keras models (``reference_keras.build_models``),
   with Keras's random seed set to ``--seed``, and copies ``model_train``'s
   initial weights into a NumPy ``Seq2Seq``: one set of initial weights;
2. trains both on the same batch order: NumPy with ``fit(shuffle=True,
   seed=S)``, Keras with ``train_on_batch`` replaying the same per-epoch
   permutations (``numpy_seq2seq.model.epoch_orders``, ``reference_keras.replay_fit``);
3. prints a parity table -- the largest absolute difference of the windows,
   the trained weights, the loss and val_loss histories and the predictions
   from the seed's ``init_points`` (with ``--attention``, also their attention
   weights) -- each next to its tolerance with PASS or
   FAIL, then each side's wall time;
4. saves ``compare_loss.png``, ``compare_predictions.png`` and
   ``compare_dloss.png`` in ``--out``.

Exit status: 0 when every row passes, 1 when any fails (so ``make demo`` and
CI notice a broken cross-check), 2 for bad arguments.

Tolerances.  The loss and prediction tolerances are the cross-check suite's;
the weights' float32 tolerance, 2e-5, is ours: over seeds 0-2 the trained
weights differed by at most 4.2e-7, so 2e-5 leaves a margin of ~50 while a
real difference (a wrong gradient term, another Adam formula, another batch
order) moves the weights by 1e-3 or more within a few epochs.  In float32
the two sides sum the same numbers in different orders (Keras's fused
kernels, our matmuls), so they differ by rounding, about 1e-7 per operation,
which 80 epochs of Adam carry into the weights and losses.  In float64 the
same rounding is about 1e-16, and everything must agree to 1e-12.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import reference_keras
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.cli import int_at_least
from numpy_seq2seq.core.attention import ATTENTIONS
from numpy_seq2seq.core.seq2seq import CELLS
from numpy_seq2seq.data import INIT_POINTS, make_windows, sin_cos
from numpy_seq2seq.model import epoch_orders, split_windows
from numpy_seq2seq.plotting import (
    plot_abs_diff,
    plot_history,
    plot_predictions,
)

BATCH_SIZE, VALIDATION_SPLIT, STEPS = 16, 0.2, 24  # the seed's fit() and NUM_STEPS

#: Largest |NumPy - Keras| that passes, per quantity and dtype.
TOLERANCES = {
    "float32": {"windows": 0.0, "weights": 2e-5, "loss": 2e-5, "predictions": 2e-4},
    "float64": {"windows": 0.0, "weights": 1e-12, "loss": 1e-12, "predictions": 1e-12},
}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="NumPy vs Keras on the seed task, side by side.")
    p.add_argument("--epochs", type=int_at_least(1), default=80, help="default: 80 (the seed's)")
    p.add_argument("--seed", type=int_at_least(0), default=0, help="weights and shuffling (0)")
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    p.add_argument("--cell", choices=tuple(CELLS), default="simple_rnn", help="the RNN layer")
    p.add_argument(
        "--attention", choices=tuple(ATTENTIONS), default=None, help="default: none (the seed's)"
    )
    p.add_argument("--out", type=Path, default=Path("out/compare"), help="default: out/compare")
    return p.parse_args(argv)


def max_abs_diff(a, b) -> float:
    """Largest |a - b| over arrays (or lists of arrays) of the same shapes."""
    if isinstance(a, list) and a and isinstance(a[0], np.ndarray):
        return max(max_abs_diff(x, y) for x, y in zip(a, b))
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def train_both(args, data_np, data_k):
    """Same initial weights, same batch order; returns both sides' results and times."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(args.seed)  # Keras draws the one set of initial weights
    model_train, model_pred_e, pred_d_model = reference_keras.build_models(
        hidden=10, steps=STEPS, dtype=args.dtype, cell=args.cell, attention=args.attention
    )
    model = Seq2Seq(hidden=10, dtype=args.dtype, cell=args.cell, attention=args.attention)
    model.set_weights(model_train.get_weights())

    ex, dx, dy = data_np
    n_train = split_windows(len(ex), VALIDATION_SPLIT)
    start = time.perf_counter()
    hist_np = model.fit(
        [ex, dx],
        dy,
        batch_size=BATCH_SIZE,
        epochs=args.epochs,
        validation_split=VALIDATION_SPLIT,
        shuffle=True,
        seed=args.seed,
    ).history
    t_np = time.perf_counter() - start
    print(f"NumPy  fit: {args.epochs} epochs in {t_np:7.3f} s")

    orders = epoch_orders(n_train, args.epochs, True, args.seed)  # the orders fit() used
    start = time.perf_counter()
    hist_k = reference_keras.replay_fit(
        model_train, *data_k, orders, batch_size=BATCH_SIZE, validation_split=VALIDATION_SPLIT
    )
    t_k = time.perf_counter() - start
    print(f"Keras fit: {args.epochs} epochs in {t_k:7.3f} s (train_on_batch, same batch order)")

    windows = list(INIT_POINTS)
    attention = args.attention is not None
    start = time.perf_counter()
    pred_np = model.predict(ex[windows], return_attention=attention)
    tp_np = time.perf_counter() - start
    start = time.perf_counter()
    predict_k = reference_keras.predict_attention if attention else reference_keras.predict
    pred_k = predict_k(model_pred_e, pred_d_model, data_k[0][windows])
    tp_k = time.perf_counter() - start
    # with attention: (predictions, weights) on each side; keep the weights apart
    weights_np, weights_k = (pred_np[1], pred_k[1]) if attention else (None, None)
    pred_np, pred_k = (pred_np[0], pred_k[0]) if attention else (pred_np, pred_k)
    print(f"predict {len(windows)} windows: NumPy {tp_np * 1e3:.1f} ms, Keras {tp_k * 1e3:.1f} ms")
    return {
        "NumPy": (model.get_weights(), hist_np, pred_np),
        "Keras": (model_train.get_weights(), hist_k, pred_k),
        "attention_weights": (weights_np, weights_k),
        "times": {"NumPy": t_np, "Keras": t_k},
    }


def parity_rows(args, data_np, data_k, results) -> list[tuple[str, float, float]]:
    """(what, max |NumPy - Keras|, tolerance) for each compared quantity."""
    tol = TOLERANCES[args.dtype]
    w_np, h_np, p_np = results["NumPy"]
    w_k, h_k, p_k = results["Keras"]
    windows = " ".join(str(i) for i in INIT_POINTS)
    rows = [
        ("windows ex, dx, dy (data)", max_abs_diff(list(data_np), list(data_k)), tol["windows"]),
        (f"weights after training ({len(w_np)} arrays)", max_abs_diff(w_np, w_k), tol["weights"]),
        (
            f"loss history ({args.epochs} epochs)",
            max_abs_diff(h_np["loss"], h_k["loss"]),
            tol["loss"],
        ),
        (
            f"val_loss history ({args.epochs} epochs)",
            max_abs_diff(h_np["val_loss"], h_k["val_loss"]),
            tol["loss"],
        ),
        (f"predictions at windows {windows}", max_abs_diff(p_np, p_k), tol["predictions"]),
    ]
    a_np, a_k = results["attention_weights"]
    if a_np is not None:  # weights in [0, 1], compared with the predictions' tolerance
        rows.append(
            ("attention weights at those windows", max_abs_diff(a_np, a_k), tol["predictions"])
        )
    return rows


def model_label(args) -> str:
    """``simple_rnn``, or ``simple_rnn + dot attention``."""
    return args.cell + ("" if args.attention is None else f" + {args.attention} attention")


def print_table(args, rows, times) -> bool:
    """The parity table; True when every row passes."""
    print()
    model = model_label(args)
    print(f"Parity NumPy vs Keras ({model}, {args.dtype}, seed {args.seed}, {args.epochs} epochs)")
    print(f"{'quantity':<40}{'max |diff|':>12}{'tolerance':>12}  result")
    ok = True
    for what, diff, tol in rows:
        passed = diff <= tol
        ok &= passed
        print(f"{what:<40}{diff:12.3e}{tol:12.1e}  {'PASS' if passed else 'FAIL'}")
    ratio = times["Keras"] / max(times["NumPy"], 1e-9)
    print(
        f"wall time of training: NumPy {times['NumPy']:.3f} s, Keras {times['Keras']:.3f} s "
        f"(Keras / NumPy = {ratio:.0f})"
    )
    print("ALL PASS" if ok else "SOME ROWS FAIL")
    return ok


def save_figures(args, x, seq_out, results, tol) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    h_np, h_k = results["NumPy"][1], results["Keras"][1]
    p_np, p_k = results["NumPy"][2], results["Keras"][2]
    d_loss = np.abs(np.subtract(h_np["loss"], h_k["loss"]))
    d_val = np.abs(np.subtract(h_np["val_loss"], h_k["val_loss"]))
    same = f"{model_label(args)}, same initial weights and batch order, {args.dtype}"
    plot_history(
        {"NumPy": h_np, "Keras": h_k},
        args.out / "compare_loss.png",
        title=f"Loss per epoch, NumPy (thick) vs Keras (dashed): max |Δ| {d_loss.max():.1e}\n"
        f"({same})",
    )
    d_pred = np.max(np.abs(p_np.astype(np.float64) - p_k))
    plot_predictions(
        x,
        seq_out,
        {"NumPy": dict(zip(INIT_POINTS, p_np)), "Keras": dict(zip(INIT_POINTS, p_k))},
        args.out / "compare_predictions.png",
        title=f"Autoregressive predictions vs cos(x), NumPy (thick) vs Keras (dashed): "
        f"max |Δ| {d_pred:.1e}\n(windows {list(INIT_POINTS)}, after {args.epochs} epochs, {same})",
    )
    # One rounding step of the loss value in this dtype: differences near this
    # line are as small as the arithmetic can make them.
    ulp = np.finfo(args.dtype).eps * np.asarray(h_np["loss"])
    plot_abs_diff(
        {"|Δ loss|": d_loss, "|Δ val_loss|": d_val},
        tolerance=tol["loss"],
        path=args.out / "compare_dloss.png",
        title=f"|NumPy loss − Keras loss| per epoch\n({same})",
        reference=(f"{args.dtype} rounding step of the loss (ε · loss)", ulp),
    )
    names = ", ".join(f"compare_{n}.png" for n in ("loss", "predictions", "dloss"))
    print(f"figures: {names} in {args.out}/")


def main(argv=None) -> int:
    args = parse_args(argv)
    x, seq_in, seq_out = sin_cos()
    data_np = make_windows(seq_in, seq_out, STEPS)
    _, seq_in_k, seq_out_k = reference_keras.sin_cos_seed()
    data_k = reference_keras.make_windows_seed(seq_in_k, seq_out_k, STEPS)
    print(
        f"seed task: {len(data_np[0])} windows of {STEPS} steps, batch {BATCH_SIZE}, "
        f"validation_split {VALIDATION_SPLIT}, {args.epochs} epochs, {args.dtype}, seed {args.seed}"
    )
    results = train_both(args, data_np, data_k)
    rows = parity_rows(args, data_np, data_k, results)
    ok = print_table(args, rows, results["times"])
    save_figures(args, x, seq_out, results, TOLERANCES[args.dtype])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
