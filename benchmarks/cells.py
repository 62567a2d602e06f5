"""The seed workload per cell: NumPy's ``fit`` against its floor and against Keras.

    python -m benchmarks.cells [--repeats 3] [--cells simple_rnn,gru,lstm]

``bench_cells`` is the function ``benchmarks/run.py`` calls; ``cell_targets``
turns its result into rows of the targets table.  For each cell, three
implementations run the seed's ``fit`` (76 float32 windows of 24 steps, batch
16, split 0.2, 80 epochs, shuffled) ``repeats`` times, interleaved so that all
three see the same machine load:

* NumPy: a fresh ``Seq2Seq(cell=...)`` each time;
* the floor: the straightforward fused loop of the same cell
  (``benchmarks/fused.py``), from the same initial weights; its weights after
  the run must equal ``fit``'s (the difference is reported);
* Keras: one model built and ``fit`` once untimed (the first call traces the
  train step), then ``fit`` again on the same model, which is the warm call
  (its weights are reset to the initial ones first, so every call does the
  same work).

The target is median(NumPy) / median(fused) <= 1.3x for every cell: the price
of the readable layers and the guards.  median(Keras warm) / median(NumPy) is
reported as a measurement, not a target: it mostly measures Keras's overhead
per batch (docs/performance.md).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from benchmarks.fused import fit_fused
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos

SEED_FIT = dict(batch_size=16, epochs=80, validation_split=0.2, verbose=0)
CELLS = ("simple_rnn", "gru", "lstm")
FLOOR_TARGET = 1.3  # issue 18: each cell's fit within 1.3x of its straightforward fused loop


def _timed(func, *args, **kwargs) -> float:
    start = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - start


def bench_cells(repeats: int = 3, cells=CELLS, log=print) -> dict:
    """{cell: {"numpy_s": [...], "fused_s": [...], "keras_warm_s": [...], "numpy_median_s",
    "fused_median_s", "keras_median_s", "floor_ratio", "keras_ratio", "fused_max_weight_diff"}}
    for the seed workload, timed as the module docstring says."""
    from reference_keras import build_models, floatx

    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = (a.astype(np.float32) for a in make_windows(seq_in, seq_out, 24))
    results = {}
    for cell in cells:
        model_train, _, _ = build_models(hidden=10, steps=24, dtype="float32", cell=cell)
        w0 = model_train.get_weights()
        with floatx("float32"):
            model_train.fit([ex, dx], dy, **SEED_FIT)  # warm-up: traces the train step
        t_np, t_fused, t_k, diffs = [], [], [], []
        for i in range(repeats):
            model = Seq2Seq(hidden=10, dtype="float32", seed=i, cell=cell)
            w_fused = model.get_weights()
            t_np.append(_timed(model.fit, [ex, dx], dy, seed=i, **SEED_FIT))
            t_fused.append(_timed(fit_fused, w_fused, ex, dx, dy, 16, 80, 0.2, seed=i, cell=cell))
            diffs.append(
                max(float(np.max(np.abs(a - b))) for a, b in zip(model.get_weights(), w_fused))
            )
            model_train.set_weights(w0)
            with floatx("float32"):
                t_k.append(_timed(model_train.fit, [ex, dx], dy, **SEED_FIT))
            log(
                f"[cells] {cell} {i + 1}/{repeats}: numpy {t_np[-1]:.3f} s, "
                f"fused {t_fused[-1]:.3f} s, keras {t_k[-1]:.2f} s"
            )
        med_np, med_f, med_k = (statistics.median(t) for t in (t_np, t_fused, t_k))
        results[cell] = dict(
            numpy_s=t_np,
            fused_s=t_fused,
            keras_warm_s=t_k,
            numpy_median_s=med_np,
            fused_median_s=med_f,
            keras_median_s=med_k,
            floor_ratio=med_np / med_f,
            keras_ratio=med_k / med_np,
            fused_max_weight_diff=max(diffs),
        )
    return results


def cell_targets(results: dict) -> list[tuple[str, float, str, bool]]:
    """(what, ratio, target, passed) per cell, in the shape of ``benchmarks.run.targets``:
    the floor ratio is the target; Keras's ratio is a measurement (target "-")."""
    rows = []
    for cell, r in results.items():
        ok = r["floor_ratio"] <= FLOOR_TARGET and r["fused_max_weight_diff"] == 0
        rows.append((f"seed fit, {cell}: NumPy / its fused loop", r["floor_ratio"],
                     f"<= {FLOOR_TARGET}x", ok))  # fmt: skip
    for cell, r in results.items():
        rows.append(
            (f"seed fit, {cell}: Keras warm / NumPy (measured)", r["keras_ratio"], "-", True)
        )
    return rows


def markdown(results: dict) -> str:
    """A Markdown table of the per-cell timings."""
    lines = [
        "| cell | NumPy `fit` (s) | fused loop (s) | NumPy / fused (target <= "
        f"{FLOOR_TARGET}x) | weights vs `fit` | Keras warm `fit` (s) | Keras / NumPy (measured) |",
        "|---|---|---|---|---|---|---|",
    ]
    for cell, r in results.items():
        ok = "PASS" if r["floor_ratio"] <= FLOOR_TARGET else "MISS"
        t_np, t_f, t_k = (
            f"{statistics.median(t):.3f} ({min(t):.3f}-{max(t):.3f})"
            for t in (r["numpy_s"], r["fused_s"], r["keras_warm_s"])
        )
        lines.append(
            f"| `{cell}` | {t_np} | {t_f} | {r['floor_ratio']:.2f}x {ok} "
            f"| {r['fused_max_weight_diff']:.1e} | {t_k} | {r['keras_ratio']:.1f}x |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="Seed fit per cell: NumPy, its fused loop, Keras.")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--cells", default=",".join(CELLS))
    args = p.parse_args(argv)
    results = bench_cells(args.repeats, tuple(args.cells.split(",")))
    print(markdown(results))


if __name__ == "__main__":
    main()
