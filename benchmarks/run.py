"""``make bench``: numpy_seq2seq against Keras (reference_keras) and two fused NumPy loops.

    python -m benchmarks.run [--quick] [--only seed,inference,cells,attention,scale,grid,memory]
                             [--out out/bench] [--figure docs/figures/perf_time_vs_size.png]

Eight measurements, each timing the rivals in the same process, interleaved
(docs/performance.md explains each method):

1. seed workload ``fit``: NumPy, the straightforward fused loop
   (``benchmarks/fused.py``), the tuned floor (``benchmarks/floor.py``), Keras's
   first call, a second call on the same model, and a fresh model in a warm process;
2. inference for the seed's four ``init_points``: NumPy ``predict``, the
   Keras models called directly, and the seed's ``model.predict``-per-step loop;
3. every cell on the seed task: NumPy ``fit``, the cell's fused loop and Keras's
   warm ``fit`` (``benchmarks/cells.py``);
4. the floor at scale: NumPy ``fit`` against the fused loop at hidden 256, 100
   steps, 2000 windows, batch 64;
5. a scale grid, seconds per epoch, NumPy against Keras;
6. the tuned floor (part of 1);
7. peak memory of ``fit`` at the largest grid point, each side in its own subprocess;
8. the seed task with each attention (issue 20): NumPy ``fit`` and Keras's warm ``fit``
   of the same model (``benchmarks/attention.py``).

Prints a progress line for everything it times, then the tables and the
targets with PASS or MISS; writes ``results.json``, ``results.md`` and the
time-against-size figure to ``--out``.  Targets are ratios from this one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import attention as bench_attention_module
from benchmarks import cells as bench_cells_module
from benchmarks.floor import fit_floor
from benchmarks.fused import fit_fused
from benchmarks.machine import blas_threads, describe, load_average
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import INIT_POINTS, make_windows, sin_cos

SEED_FIT = dict(batch_size=16, epochs=80, validation_split=0.2, verbose=0)
GRID_HIDDEN, GRID_STEPS, GRID_WINDOWS = (10, 64, 256), (24, 100), (76, 2000)
LARGEST = dict(hidden=256, steps=100, windows=2000, batch=64)


def progress(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def timed(func, *args, **kwargs) -> float:
    """Wall-clock seconds of ``func(*args, **kwargs)``."""
    start = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - start


def windows_f32(windows: int, steps: int) -> tuple[np.ndarray, ...]:
    """``windows`` windows of sin -> cos with ``steps`` steps, float32 (both sides get these)."""
    _, seq_in, seq_out = sin_cos(windows + steps)
    return tuple(a.astype(np.float32) for a in make_windows(seq_in, seq_out, steps))


# -- 1 and 4: the seed workload ----------------------------------------------
def spread(times: list[float]) -> dict:
    """Median, min and max of repeated timings (seconds), and how many there were."""
    return {"median": statistics.median(times), "min": min(times), "max": max(times),
            "n": len(times)}  # fmt: skip


def bench_seed(repeats: int) -> dict:
    ex, dx, dy = windows_f32(76, 24)
    res: dict = {"repeats": repeats}

    progress("importing TensorFlow / reference_keras ...")
    t_import = time.perf_counter()
    from reference_keras import build_models

    res["keras_import_s"] = time.perf_counter() - t_import
    model_train, _, _ = build_models(hidden=10, steps=24)
    res["keras_first_s"] = timed(model_train.fit, [ex, dx], dy, **SEED_FIT)
    progress(f"seed fit keras, first call: {res['keras_first_s']:.2f} s")

    # NumPy, the straightforward fused loop, the tuned floor and a warm Keras call (a later
    # call on the same model, traced already), interleaved so that all four see the same
    # machine load: on a shared machine its speed drifts over tens of seconds.
    t_np, t_fused, t_floor, warm = [], [], [], []
    for i in range(repeats):
        model = Seq2Seq(hidden=10, dtype="float32", seed=0)
        w0 = model.get_weights()
        t_np.append(timed(model.fit, [ex, dx], dy, seed=0, **SEED_FIT))
        w_fused = [w.copy() for w in w0]
        t_fused.append(timed(fit_fused, w_fused, ex, dx, dy, 16, 80, 0.2, seed=0))
        w_floor = [w.copy() for w in w0]
        t_floor.append(timed(fit_floor, w_floor, ex, dx, dy, 16, 80, 0.2, seed=0))
        warm.append(timed(model_train.fit, [ex, dx], dy, **SEED_FIT))
        progress(
            f"seed fit {i + 1}/{repeats}: numpy {t_np[-1]:.3f} s, fused {t_fused[-1]:.3f} s, "
            f"floor {t_floor[-1]:.3f} s, keras warm {warm[-1]:.2f} s"
        )
    # Same math: the fused loop reaches fit's weights exactly; the floor to float32 rounding.
    for name, w in (("fused", w_fused), ("floor", w_floor)):
        res[f"{name}_max_weight_diff"] = float(
            max(np.max(np.abs(a - b)) for a, b in zip(model.get_weights(), w))
        )
    res["numpy"], res["fused"], res["floor"] = spread(t_np), spread(t_fused), spread(t_floor)
    res["trained_weights"] = model.get_weights()
    model_train, _, _ = build_models(hidden=10, steps=24)
    res["keras_fresh_s"] = timed(model_train.fit, [ex, dx], dy, **SEED_FIT)
    progress(f"seed fit keras, fresh model in a warm process: {res['keras_fresh_s']:.2f} s")
    res["keras_warm"] = spread(warm)
    return res


# -- 4: the floor at scale ----------------------------------------------------------
def bench_scale(repeats: int, epochs: int) -> dict:
    """NumPy ``fit`` against the fused loop at ``LARGEST``, interleaved; each round starts
    both from the same fresh weights, so their trained weights can be compared too."""
    cfg = LARGEST
    ex, dx, dy = windows_f32(cfg["windows"], cfg["steps"])
    kw = dict(batch_size=cfg["batch"], epochs=epochs, validation_split=0.2, verbose=0)
    t_np, t_fused, diffs = [], [], []
    for i in range(repeats):
        model = Seq2Seq(hidden=cfg["hidden"], dtype="float32", seed=i)
        w_fused = model.get_weights()
        t_np.append(timed(model.fit, [ex, dx], dy, seed=i, **kw))
        t_fused.append(timed(fit_fused, w_fused, ex, dx, dy, cfg["batch"], epochs, 0.2, seed=i))
        diffs.append(
            max(float(np.max(np.abs(a - b))) for a, b in zip(model.get_weights(), w_fused))
        )
        progress(
            f"scale floor {i + 1}/{repeats}: numpy {t_np[-1]:.2f} s, fused {t_fused[-1]:.2f} s "
            f"({epochs} epochs)"
        )
    return {
        **cfg,
        "epochs": epochs,
        "numpy": spread(t_np),
        "fused": spread(t_fused),
        "fused_max_weight_diff": max(diffs),
    }


# -- 2: inference --------------------------------------------------------------
def bench_inference(weights: list[np.ndarray], repeats: int, seed_windows: int) -> dict:
    from reference_keras import build_models, predict, predict_seed

    ex, _, _ = windows_f32(76, 24)
    four = ex[list(INIT_POINTS)]
    res: dict = {}
    model = Seq2Seq(hidden=10, dtype="float32")
    model.set_weights(weights)
    model_train, model_pred_e, pred_d_model = build_models(hidden=10, steps=24)
    model_train.set_weights(weights)  # the same trained model on both sides

    y_np = model.predict(four)
    t = [timed(model.predict, four) for _ in range(repeats * 50)]
    res["numpy_four_s"], res["numpy_four_median_s"] = min(t), statistics.median(t)
    t = [timed(lambda: [model.predict(ex[i : i + 1]) for i in INIT_POINTS]) for _ in range(50)]
    res["numpy_one_by_one_s"] = min(t)
    progress(f"inference numpy predict, 4 windows: {res['numpy_four_s'] * 1e3:.3f} ms")

    y_keras = predict(model_pred_e, pred_d_model, four)  # also the warm-up call
    res["max_abs_diff_numpy_vs_keras"] = float(np.max(np.abs(y_keras - y_np)))
    t = [timed(predict, model_pred_e, pred_d_model, four) for _ in range(repeats)]
    res["keras_direct_four_s"], res["keras_direct_median_s"] = min(t), statistics.median(t)
    progress(f"inference keras direct calls, 4 windows: {res['keras_direct_four_s'] * 1e3:.1f} ms")

    per_window = []
    for i in INIT_POINTS[:seed_windows]:
        per_window.append(timed(predict_seed, model_pred_e, pred_d_model, ex[i : i + 1]))
        progress(f"inference seed loop, window {i}: {per_window[-1]:.2f} s")
    res["seed_loop_windows_s"] = per_window
    # The first window pays model.predict's one-off set-up; the others are alike.
    later = per_window[1:] or per_window
    res["seed_loop_four_s"] = per_window[0] + statistics.mean(later) * (len(INIT_POINTS) - 1)
    res["seed_loop_measured_windows"] = len(per_window)
    return res


# -- 3: the scale grid ------------------------------------------------------------
def bench_grid(quick: bool) -> list[dict]:
    from reference_keras import build_models

    rows = []
    for windows in GRID_WINDOWS:
        for steps in GRID_STEPS:
            for hidden in GRID_HIDDEN:
                batch = 16 if windows == 76 else 64
                epochs = 1 if quick else (5 if windows == 76 else 2)
                ex, dx, dy = windows_f32(windows, steps)
                kw = dict(batch_size=batch, validation_split=0.2, verbose=0)
                model = Seq2Seq(hidden=hidden, dtype="float32", seed=0)
                largest = (hidden, steps, windows) == (256, 100, 2000)
                runs = 1 if quick or not largest else 3  # the target's point: median of 3
                model.fit([ex, dx], dy, epochs=1, **kw)  # warm-up, as for Keras
                model_train, _, _ = build_models(hidden=hidden, steps=steps)
                model_train.fit([ex, dx], dy, epochs=1, **kw)  # traces the train step
                t_np, t_k = [], []
                for _ in range(runs):  # interleaved: both sides see the same machine load
                    t_np.append(timed(model.fit, [ex, dx], dy, epochs=epochs, **kw) / epochs)
                    t_k.append(timed(model_train.fit, [ex, dx], dy, epochs=epochs, **kw) / epochs)
                with blas_threads(1):  # the same code with OpenBLAS on one thread
                    t_np1 = timed(model.fit, [ex, dx], dy, epochs=epochs, **kw) / epochs
                row = dict(hidden=hidden, steps=steps, windows=windows, batch=batch, epochs=epochs)
                row.update(numpy_s=statistics.median(t_np), numpy_1thread_s=t_np1)
                row.update(keras_s=statistics.median(t_k), numpy_runs=t_np, keras_runs=t_k)
                row.update(
                    ratio=row["keras_s"] / row["numpy_s"], ratio_1thread=row["keras_s"] / t_np1
                )
                t_np, t_k = row["numpy_s"], row["keras_s"]
                progress(
                    f"grid hidden {hidden:3d} steps {steps:3d} windows {windows:4d}: "
                    f"numpy {t_np:.4f} s/epoch ({t_np1:.4f} on 1 BLAS thread), "
                    f"keras {t_k:.4f} s/epoch, keras/numpy {t_k / t_np:.2f}"
                )
                rows.append(row)
    return rows


# -- 5: memory ------------------------------------------------------------------------
def bench_memory() -> dict:
    res = {}
    cfg = LARGEST
    for impl in ("numpy", "keras"):
        progress(
            f"memory: {impl} fit at hidden {cfg['hidden']}, steps {cfg['steps']}, "
            f"windows {cfg['windows']} (subprocess) ..."
        )
        cmd = [sys.executable, "-m", "benchmarks.memory", impl]
        for key in ("hidden", "steps", "windows", "batch"):
            cmd += [f"--{key}", str(cfg[key])]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        res[impl] = json.loads(out.strip().splitlines()[-1])
        progress(f"memory: {impl}: {res[impl]}")
    return res


# -- the report --------------------------------------------------------------------------
def targets(results: dict) -> list[tuple[str, float, str, bool]]:
    """(what, measured ratio, target, met) for every target that was measured."""
    rows = []
    seed = results.get("seed")
    if seed:  # medians over repeated runs
        r = seed["keras_warm"]["median"] / seed["numpy"]["median"]
        rows.append(("seed fit: Keras warm / NumPy", r, ">= 20x", r >= 20))
        r = seed["numpy"]["median"] / seed["fused"]["median"]
        rows.append(("seed fit: NumPy / straightforward fused loop", r, "<= 1.3x", r <= 1.3))
        r = seed["numpy"]["median"] / seed["floor"]["median"]
        rows.append(("seed fit: NumPy / tuned floor (reported)", r, "-", True))
    inf = results.get("inference")
    if inf:
        r = inf["keras_direct_four_s"] / inf["numpy_four_s"]
        rows.append(("inference: Keras direct calls / NumPy", r, ">= 300x", r >= 300))
        r = inf["seed_loop_four_s"] / inf["numpy_four_s"]
        rows.append(("inference: seed predict loop / NumPy", r, ">= 2000x", r >= 2000))
    if results.get("cells"):
        rows += bench_cells_module.cell_targets(results["cells"])
    if results.get("attention"):
        rows += bench_attention_module.attention_targets(results["attention"])
    scale = results.get("scale")
    if scale:
        r = scale["numpy"]["median"] / scale["fused"]["median"]
        ok = r <= 1.3 and scale["fused_max_weight_diff"] == 0
        rows.append(("hidden 256, 100 steps, 2000 windows: NumPy / fused loop", r, "<= 1.3x", ok))
    for row in results.get("grid", []):
        if (row["hidden"], row["steps"], row["windows"]) == (256, 100, 2000):
            r = row["ratio"]
            rows.append(("hidden 256, 100 steps, 2000 windows: Keras / NumPy", r, ">= 1x", r >= 1))
    return rows


def markdown(results: dict) -> str:
    lines = ["| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in results["machine"].items()]
    lines += ["", "| what | measured | target | |", "|---|---|---|---|"]
    for what, r, target, ok in targets(results):
        verdict = "measured" if target == "-" else "PASS" if ok else "MISS"
        lines.append(f"| {what} | {r:,.2f}x | {target} | {verdict} |")
    seed = results.get("seed")
    if seed:
        lines += [
            "",
            f"Seed workload fit (80 epochs), seconds over {seed['repeats']} interleaved runs:",
            "",
            "| | median | min | max |",
            "|---|---|---|---|",
        ]
        for key, label in (
            ("numpy", "NumPy `fit`"),
            ("fused", "straightforward fused loop (`benchmarks/fused.py`)"),
            ("floor", "tuned floor (`benchmarks/floor.py`)"),
            ("keras_warm", f"Keras warm `fit` ({seed['keras_warm']['n']} calls, same model)"),
        ):
            t = seed[key]
            lines.append(f"| {label} | {t['median']:.3f} | {t['min']:.3f} | {t['max']:.3f} |")
        lines.append(f"| Keras first `fit` (one call) | {seed['keras_first_s']:.2f} | | |")
        lines.append(
            f"| (weights after 80 epochs vs `fit`'s: fused {seed['fused_max_weight_diff']:.1e}, "
            f"floor {seed['floor_max_weight_diff']:.1e} max abs difference) | | | |"
        )
        lines.append(
            f"| Keras fresh model, warm process (one call) | {seed['keras_fresh_s']:.2f} | | |"
        )
    inf = results.get("inference")
    if inf:
        lines += [
            "",
            "Inference, the four `init_points` windows:",
            "",
            "| | all four | per window |",
            "|---|---|---|",
        ]
        lines.append(
            f"| NumPy `predict` (one call) | {inf['numpy_four_s'] * 1e3:.3f} ms "
            f"| {inf['numpy_four_s'] * 250:.3f} ms |"
        )
        lines.append(
            f"| NumPy `predict`, one window per call | {inf['numpy_one_by_one_s'] * 1e3:.3f} ms "
            f"| {inf['numpy_one_by_one_s'] * 250:.3f} ms |"
        )
        lines.append(
            f"| Keras models called directly | {inf['keras_direct_four_s'] * 1e3:.1f} ms "
            f"| {inf['keras_direct_four_s'] * 250:.1f} ms |"
        )
        lines.append(
            f"| (NumPy vs Keras direct: max abs difference of the predictions "
            f"{inf['max_abs_diff_numpy_vs_keras']:.1e}, same weights) | | |"
        )
        w = inf["seed_loop_windows_s"]
        lines.append(
            f"| seed `model.predict` loop (est. from {len(w)} windows: "
            f"{', '.join(f'{x:.2f}' for x in w)} s) | {inf['seed_loop_four_s']:.2f} s "
            f"| {inf['seed_loop_four_s'] / 4:.2f} s |"
        )
    scale = results.get("scale")
    if scale:
        lines += [
            "",
            f"The floor at scale: hidden {scale['hidden']}, {scale['steps']} steps, "
            f"{scale['windows']} windows, batch {scale['batch']}, {scale['epochs']} epochs, "
            f"seconds over {scale['numpy']['n']} interleaved runs:",
            "",
            "| | median | min | max |",
            "|---|---|---|---|",
        ]
        for key, label in (
            ("numpy", "NumPy `fit`"),
            ("fused", "fused loop (`benchmarks/fused.py`)"),
        ):
            t = scale[key]
            lines.append(f"| {label} | {t['median']:.2f} | {t['min']:.2f} | {t['max']:.2f} |")
        lines.append(
            f"| (weights after the run vs `fit`'s: {scale['fused_max_weight_diff']:.1e} "
            "max abs difference) | | | |"
        )
    if results.get("grid"):
        lines += [
            "",
            "Scale grid, seconds per epoch (float32, validation 0.2):",
            "",
            "| hidden | steps | windows | batch | NumPy | NumPy, 1 BLAS thread | Keras "
            "| Keras / NumPy | Keras / NumPy (1 thread) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in results["grid"]:
            lines.append(
                f"| {r['hidden']} | {r['steps']} | {r['windows']} | {r['batch']} "
                f"| {r['numpy_s']:.4f} | {r['numpy_1thread_s']:.4f} | {r['keras_s']:.4f} "
                f"| {r['ratio']:.2f} | {r['ratio_1thread']:.2f} |"
            )
    for key, module, what in (
        ("cells", bench_cells_module, "Each cell on the seed task (`benchmarks/cells.py`)"),
        ("attention", bench_attention_module,
         "The seed task with attention (SimpleRNN, `benchmarks/attention.py`)"),
    ):  # fmt: skip
        if results.get(key):
            lines += ["", f"{what}, seconds: median (min-max) over interleaved rounds:", ""]
            lines.append(module.markdown(results[key]))
    mem = results.get("memory")
    if mem:
        lines += [
            "",
            "Peak memory of `fit` (hidden 256, 100 steps, 2000 windows, batch 64, 1 epoch), MiB:",
            "",
            "| | RSS growth, first fit | RSS growth, second fit | tracemalloc peak |",
            "|---|---|---|---|",
        ]
        for impl in ("numpy", "keras"):
            m = mem[impl]
            tm = f"{m['tracemalloc_peak_kib'] / 1024:.1f}" if "tracemalloc_peak_kib" in m else "n/a"
            lines.append(
                f"| {impl} | {m['first_fit_rss_growth_kib'] / 1024:.1f} "
                f"| {m['second_fit_rss_growth_kib'] / 1024:.1f} | {tm} |"
            )
    return "\n".join(lines) + "\n"


def fill_marked_block(path: Path, name: str, text: str) -> None:
    """Replace what stands between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` in
    ``path`` with ``text``, so the docs show this run's numbers, not numbers typed by hand."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    doc = path.read_text(encoding="utf-8")
    if start not in doc or end not in doc:
        raise ValueError(f"{path} has no {start} ... {end} block to fill")
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{text.strip()}\n{end}{tail}", encoding="utf-8")


def summary(results: dict) -> str:
    """One sentence per target, for the README."""
    parts = []
    for what, r, target, ok in targets(results):
        if target != "-":
            parts.append(f"{what}: {r:,.2f}× (target {target}, {'met' if ok else 'MISSED'})")
        elif what.endswith("(measured)"):
            parts.append(f"{what.removesuffix(' (measured)')}: {r:,.2f}× (measured, no target)")
    machine = results["machine"]
    return (
        f"Measured by `make bench` on {machine['cpu']} ({machine['blas']}), "
        f"medians over repeated runs: " + "; ".join(parts) + "."
    )


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("tensorflow-cpu", "tensorflow", "keras", "matplotlib"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def print_report(results: dict) -> None:
    print("\n== machine ==")
    for k, v in results["machine"].items():
        print(f"{k:>22}: {v}")
    print("\n== results ==\n")
    print(markdown(results))
    print("== targets ==")
    for what, r, target, ok in targets(results):
        verdict = "measured" if target == "-" else "PASS" if ok else "MISS"
        print(f"{what:<56} {r:>12,.2f}x  target {target:<8} {verdict}")


def plot_grid(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.8), sharey=True)
    colors = {24: "tab:blue", 100: "tab:orange"}
    for ax, windows in zip(axes, GRID_WINDOWS):
        for steps in GRID_STEPS:
            sel = [r for r in rows if r["windows"] == windows and r["steps"] == steps]
            if not sel:
                continue
            h = [r["hidden"] for r in sel]
            ax.plot(
                h,
                [r["numpy_s"] for r in sel],
                "o-",
                color=colors[steps],
                label=f"NumPy, {steps} steps",
            )
            ax.plot(
                h,
                [r["numpy_1thread_s"] for r in sel],
                "^:",
                color=colors[steps],
                label=f"NumPy on 1 BLAS thread, {steps} steps",
            )
            ax.plot(
                h,
                [r["keras_s"] for r in sel],
                "s--",
                color=colors[steps],
                label=f"Keras, {steps} steps",
            )
        batch = 16 if windows == 76 else 64
        ax.set(
            xscale="log",
            yscale="log",
            xlabel="hidden units",
            title=f"{windows} windows, batch {batch}",
        )
        ax.set_xticks(GRID_HIDDEN, [str(h) for h in GRID_HIDDEN])
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("seconds per epoch (log)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle("Seconds per training epoch: numpy_seq2seq (solid, dotted) vs Keras (dashed)")
    fig.tight_layout(rect=(0, 0.12, 1, 1))  # room for the legend below the panels
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="numpy_seq2seq vs Keras vs fused NumPy loops")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and epochs")
    parser.add_argument(
        "--only",
        default="seed,inference,cells,attention,scale,grid,memory",
        help="comma-separated sections to run",
    )
    parser.add_argument("--out", default="out/bench", help="folder for results and figure")
    parser.add_argument(
        "--docs",
        action="store_true",
        help="also write this run's tables into docs/performance.md and README.md",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="interleaved rounds of the seed, per-cell and attention sections "
        "(default 7, 3 and 3; --quick 2)",
    )
    parser.add_argument(
        "--docs-from",
        default=None,
        help="write the docs from saved results.json files (comma-separated, e.g. of sections "
        "run in separate processes) instead of measuring",
    )
    parser.add_argument(
        "--figure",
        default=None,
        help="where to write the time-vs-size figure (default: OUT/perf_time_vs_size.png)",
    )
    args = parser.parse_args(argv)
    if args.docs_from:
        write_docs(merge_results([Path(f) for f in args.docs_from.split(",")]))
        return
    sections = set(args.only.split(","))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    repeats = args.repeats or (2 if args.quick else 7)

    results: dict = {"machine": describe(), "command": "make bench"}
    progress(f"machine: {results['machine']}")
    if "seed" in sections:
        results["seed"] = bench_seed(repeats)
        weights = results["seed"].pop("trained_weights")
    else:
        model = Seq2Seq(hidden=10, dtype="float32", seed=0)
        model.fit(list(windows_f32(76, 24)[:2]), windows_f32(76, 24)[2], seed=0, **SEED_FIT)
        weights = model.get_weights()
    if "inference" in sections:
        results["inference"] = bench_inference(weights, repeats, seed_windows=2)
    if "cells" in sections:
        cell_repeats = args.repeats or (2 if args.quick else 3)
        results["cells"] = bench_cells_module.bench_cells(cell_repeats, log=progress)
    if "attention" in sections:
        att_repeats = args.repeats or (2 if args.quick else 3)
        results["attention"] = bench_attention_module.bench_attention(att_repeats, log=progress)
    if "scale" in sections:
        results["scale"] = bench_scale(2 if args.quick else 3, 1 if args.quick else 2)
    if "grid" in sections:
        results["grid"] = bench_grid(args.quick)
        figure = Path(args.figure) if args.figure else out / "perf_time_vs_size.png"
        plot_grid(results["grid"], figure)
        progress(f"figure: {figure}")
    if "memory" in sections:
        results["memory"] = bench_memory()
    results["machine"]["load average at end"] = load_average()
    results["machine"].update(library_versions())

    print_report(results)
    (out / "results.json").write_text(json.dumps(results, indent=1))
    (out / "results.md").write_text(markdown(results))
    progress(f"wrote {out / 'results.json'} and {out / 'results.md'}")
    if args.docs:
        write_docs(results)


def write_docs(results: dict) -> None:
    """This run's tables into docs/performance.md and its targets into the README.

    The attention section has a block of its own (``bench:attention``), so that
    ``--only attention --docs`` refreshes it without erasing the other sections' block."""
    root = Path(__file__).resolve().parent.parent
    stamp = f"_{time.strftime('%Y-%m-%d')}, `make bench` on the build machine_\n\n"
    main_part = {k: v for k, v in results.items() if k != "attention"}
    if set(main_part) - {"machine", "command"}:
        fill_marked_block(root / "docs" / "performance.md", "results", stamp + markdown(main_part))
        fill_marked_block(root / "README.md", "summary", summary(main_part))
        progress("wrote the tables into docs/performance.md and README.md")
    if "attention" in results:
        only = {"machine": results["machine"], "attention": results["attention"]}
        fill_marked_block(root / "docs" / "performance.md", "attention", stamp + markdown(only))
        progress("wrote the attention tables into docs/performance.md")


def merge_results(paths: list[Path]) -> dict:
    """One results dict from several runs' ``results.json`` (their sections must not overlap);
    the machine table is the first run's, with the last run's load average at the end."""
    runs = [json.loads(p.read_text()) for p in paths]
    merged = {"machine": dict(runs[0]["machine"]), "command": "make bench"}
    for run in runs:
        for key, value in run.items():
            if key in ("machine", "command"):
                continue
            if key in merged:
                raise ValueError(f"section {key!r} is in more than one of {paths}")
            merged[key] = value
    merged["machine"]["load average at end"] = runs[-1]["machine"]["load average at end"]
    merged["machine"]["sections"] = (
        " + ".join(",".join(k for k in run if k not in ("machine", "command")) for run in runs)
        + f" (merged from {len(runs)} runs)"
    )
    return merged


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    main()
