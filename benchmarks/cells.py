"""The seed workload per cell: NumPy's ``fit`` against Keras's warm ``fit`` of the same cell.

    python -m benchmarks.cells [--repeats 3] [--cells simple_rnn,gru,lstm]

``bench_cells`` is the function ``benchmarks/run.py`` calls; ``cell_targets``
turns its result into target rows (ratio >= 20x).  For each cell, both sides
run the seed's ``fit`` (76 float32 windows of 24 steps, batch 16, split 0.2,
80 epochs, shuffled) ``repeats`` times, interleaved so that both see the same
machine load:

* NumPy: a fresh ``Seq2Seq(cell=...)`` each time;
* Keras: one model built and ``fit`` once untimed (the first call traces the
  train step), then ``fit`` again on the same model, which is the warm call
  (its weights are reset to the initial ones first, so every call does the
  same work).

The ratio is median(Keras warm) / median(NumPy).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos

SEED_FIT = dict(batch_size=16, epochs=80, validation_split=0.2, verbose=0)
CELLS = ("simple_rnn", "gru", "lstm")
TARGET = 20.0  # issue 14: each cell's fit >= 20x faster than Keras's warm fit of it


def _timed(func, *args, **kwargs) -> float:
    start = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - start


def bench_cells(repeats: int = 3, cells=CELLS, log=print) -> dict:
    """{cell: {"numpy_s": [...], "keras_warm_s": [...], "numpy_median_s", "keras_median_s",
    "ratio"}} for the seed workload, timed as the module docstring says."""
    from reference_keras import build_models, floatx

    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = (a.astype(np.float32) for a in make_windows(seq_in, seq_out, 24))
    results = {}
    for cell in cells:
        model_train, _, _ = build_models(hidden=10, steps=24, dtype="float32", cell=cell)
        w0 = model_train.get_weights()
        with floatx("float32"):
            model_train.fit([ex, dx], dy, **SEED_FIT)  # warm-up: traces the train step
        t_np, t_k = [], []
        for i in range(repeats):
            model = Seq2Seq(hidden=10, dtype="float32", seed=i, cell=cell)
            t_np.append(_timed(model.fit, [ex, dx], dy, seed=i, **SEED_FIT))
            model_train.set_weights(w0)
            with floatx("float32"):
                t_k.append(_timed(model_train.fit, [ex, dx], dy, **SEED_FIT))
            log(f"[cells] {cell} {i + 1}/{repeats}: numpy {t_np[-1]:.3f} s, keras {t_k[-1]:.2f} s")
        med_np, med_k = statistics.median(t_np), statistics.median(t_k)
        results[cell] = dict(
            numpy_s=t_np,
            keras_warm_s=t_k,
            numpy_median_s=med_np,
            keras_median_s=med_k,
            ratio=med_k / med_np,
        )
    return results


def cell_targets(results: dict) -> list[tuple[str, float, str, bool]]:
    """(what, ratio, target, passed) per cell, in the shape of ``benchmarks.run.targets``."""
    return [
        (f"seed fit, {cell}: Keras warm / NumPy (medians)", r["ratio"], f">= {TARGET:.0f}x",
         r["ratio"] >= TARGET)
        for cell, r in results.items()
    ]  # fmt: skip


def markdown(results: dict) -> str:
    """A Markdown table of the per-cell timings."""
    lines = [
        "| cell | NumPy fit, median (s) | Keras warm fit, median (s) | ratio | target |",
        "|---|---|---|---|---|",
    ]
    for cell, r in results.items():
        ok = "PASS" if r["ratio"] >= TARGET else "MISS"
        lines.append(
            f"| `{cell}` | {r['numpy_median_s']:.3f} | {r['keras_median_s']:.2f} "
            f"| {r['ratio']:.1f}x | >= {TARGET:.0f}x {ok} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="The seed workload per cell, NumPy vs Keras.")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--cells", default=",".join(CELLS))
    args = p.parse_args(argv)
    results = bench_cells(args.repeats, tuple(args.cells.split(",")))
    print(markdown(results))


if __name__ == "__main__":
    main()
