"""Reproduce the experiments of docs/keras-mapping.md, finding 3 (needs TensorFlow).

    python -m scripts.keras_experiments tanh     # float32 tanh: TensorFlow against NumPy
    python -m scripts.keras_experiments seeds    # the per-initialisation table (~3 min)

``tanh`` compares TensorFlow's float32 ``tanh`` with NumPy's on 100,001 points
in [-3, 3] and counts the difference in ulp (units in the last place: how many
float32 numbers lie between the two results).  ``make docs`` runs it and writes
its numbers into keras-mapping.md.

``seeds`` trains the seed task (80 epochs, batch 16, split 0.2, shuffle=False)
from 12 initial weights, in Keras and in NumPy, float32 and float64, and prints
the table of the page: the largest loss and prediction differences of the two
float32 runs, and how far each float32 run ends from a float64 NumPy run that
started from the same weights.  It is not part of ``make docs`` (about three
minutes on two cores).
"""

from __future__ import annotations

import argparse
import os

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

INIT_POINTS = [0, 24, 49, 74]


def tanh_ulp(n: int = 100_001, lo: float = -3.0, hi: float = 3.0) -> dict:
    """TensorFlow's float32 tanh against NumPy's, and the float64 pair for scale."""
    import tensorflow as tf

    x32 = np.linspace(lo, hi, n, dtype=np.float32)
    tf32 = tf.math.tanh(tf.constant(x32)).numpy()
    np32 = np.tanh(x32)
    # float32 numbers of one sign are ordered like their bit patterns as integers,
    # so the integer difference counts the float32 numbers between the two results
    ulp = np.abs(tf32.view(np.int32).astype(np.int64) - np32.view(np.int32).astype(np.int64))
    x64 = np.linspace(lo, hi, n)
    f64 = np.abs(tf.math.tanh(tf.constant(x64)).numpy() - np.tanh(x64))
    worst = int(np.argmax(np.abs(tf32 - np32)))
    return {
        "points": n,
        "differ_fraction": float(np.mean(tf32 != np32)),
        "max_abs": float(np.abs(tf32 - np32).max()),
        "max_ulp": int(ulp.max()),
        "worst_x": float(x32[worst]),
        "worst_tanh": float(np32[worst]),
        "f64_max_abs": float(f64.max()),
    }


def _run(weights, dtype: str, ex, dx, dy):
    """80 epochs of the seed task (shuffle=False) in Keras and in NumPy from ``weights``."""
    import reference_keras as rk
    from numpy_seq2seq import Seq2Seq

    model_train, model_pred_e, pred_d_model = rk.build_models(dtype=dtype)
    model_train.set_weights([w.astype(dtype) for w in weights])
    kw = dict(batch_size=16, epochs=80, validation_split=0.2, shuffle=False)
    with rk.floatx(dtype):
        h_keras = model_train.fit([ex, dx], dy, verbose=0, **kw).history
    p_keras = rk.predict(model_pred_e, pred_d_model, ex[INIT_POINTS])
    m = Seq2Seq(dtype=dtype)
    m.set_weights([w.astype(dtype) for w in weights])
    h_numpy = m.fit([ex, dx], dy, **kw).history
    return h_keras, p_keras, h_numpy, m.predict(ex[INIT_POINTS])


def seed_row(weights, ex, dx, dy) -> dict:
    """One row of the table for one set of initial weights."""
    hk32, pk32, hn32, pn32 = _run(weights, "float32", ex, dx, dy)
    _, _, _, pn64 = _run(weights, "float64", ex, dx, dy)
    loss = max(float(np.abs(np.subtract(hk32[k], hn32[k])).max()) for k in ("loss", "val_loss"))
    return {
        "loss": loss,
        "pred": float(np.abs(pk32 - pn32).max()),
        "keras_f32_vs_f64": float(np.abs(pk32 - pn64).max()),
        "numpy_f32_vs_f64": float(np.abs(pn32 - pn64).max()),
    }


def seed_table(keras_seeds=range(6), numpy_seeds=range(6)) -> list[tuple[str, dict]]:
    import tensorflow as tf

    import reference_keras as rk
    from numpy_seq2seq import Seq2Seq

    x, seq_in, seq_out = rk.sin_cos_seed()
    ex, dx, dy = rk.make_windows_seed(seq_in, seq_out)
    rows = []
    for s in keras_seeds:
        tf.keras.utils.set_random_seed(s)
        model_train, _, _ = rk.build_models(dtype="float32")
        weights = [w.astype(np.float64) for w in model_train.get_weights()]
        rows.append((f"Keras set_random_seed({s})", seed_row(weights, ex, dx, dy)))
    for s in numpy_seeds:
        weights = Seq2Seq(seed=s, dtype="float32").get_weights()
        rows.append((f"Seq2Seq(seed={s})", seed_row(weights, ex, dx, dy)))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiment", choices=["tanh", "seeds"])
    args = parser.parse_args(argv)
    if args.experiment == "tanh":
        r = tanh_ulp()
        print(
            f"float32 tanh on {r['points']:,} points in [-3, 3]: TensorFlow and NumPy differ on "
            f"{100 * r['differ_fraction']:.0f}% of them, by up to {r['max_abs']:.2e} "
            f"= {r['max_ulp']} ulp (largest at x = {r['worst_x']:.4f}, tanh = "
            f"{r['worst_tanh']:.7f}); float64: up to {r['f64_max_abs']:.1e}"
        )
        return
    print("| initial weights | loss / val_loss, Keras vs NumPy | predictions, Keras vs NumPy "
          "| Keras f32 vs NumPy f64 | NumPy f32 vs f64 |")  # fmt: skip
    print("|---|---|---|---|---|")
    for name, r in seed_table():
        print(
            f"| {name} | {r['loss']:.1e} | {r['pred']:.2e} | {r['keras_f32_vs_f64']:.1e} "
            f"| {r['numpy_f32_vs_f64']:.1e} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
