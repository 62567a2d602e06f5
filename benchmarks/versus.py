"""This worktree's ``fit`` against the ``fit`` of earlier commits, side by side in one run.

    python -m benchmarks.versus 6566286 [e46e8dd ...] [--repeats 5] [--configs seed,large]

A speed change is judged against the code before it (docs/performance.md).  This
extracts ``numpy_seq2seq/`` at each given commit (``git archive``) into a temporary
folder and times ``fit`` from each tree in its own subprocess, every tree once per
round, in an order that rotates from round to round, so that all see the same machine
load.  Each subprocess builds
the data and a fresh float32 model (seed 0), then times one ``fit`` and ten
``loss_and_grads`` on one batch, and saves its trained weights: the report gives
medians, minima and maxima, and how far each tree's weights are from this tree's.

Configurations: ``seed`` (hidden 10, 24 steps, 76 windows, batch 16, 80 epochs) and
``large`` (hidden 256, 100 steps, 2000 windows, batch 64, 2 epochs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {  # hidden, steps, windows, batch, epochs
    "seed": (10, 24, 76, 16, 80),
    "large": (256, 100, 2000, 64, 2),
}

# Runs inside each tree (its numpy_seq2seq is the one in the working directory).
SNIPPET = """
import json, statistics, sys, time
import numpy as np
import numpy_seq2seq
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos

hidden, steps, windows, batch, epochs = map(int, sys.argv[1:6])
_, seq_in, seq_out = sin_cos(windows + steps)
ex, dx, dy = (a.astype(np.float32) for a in make_windows(seq_in, seq_out, steps))
model = Seq2Seq(hidden=hidden, dtype="float32", seed=0)
start = time.perf_counter()
model.fit([ex, dx], dy, batch_size=batch, epochs=epochs, validation_split=0.2, seed=0)
fit_s = time.perf_counter() - start
np.save(sys.argv[6], np.concatenate([w.ravel() for w in model.get_weights()]))
lag = []
for _ in range(10):
    start = time.perf_counter()
    model.loss_and_grads(ex[:batch], dx[:batch], dy[:batch])
    lag.append(time.perf_counter() - start)
print(json.dumps({"fit_s": fit_s, "lag_s": statistics.median(lag),
                  "package": numpy_seq2seq.__file__}))
"""


def extract(commit: str, into: Path) -> Path:
    """``numpy_seq2seq/`` as it was at ``commit``, extracted under ``into`` (made here)."""
    into.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "numpy_seq2seq"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run_once(tree: Path, config: tuple[int, ...], weights_file: Path) -> dict:
    cmd = [sys.executable, "-c", SNIPPET, *map(str, config), str(weights_file)]
    out = subprocess.run(cmd, cwd=tree, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    if not result["package"].startswith(str(tree)):
        raise RuntimeError(f"{tree} imported numpy_seq2seq from {result['package']}")
    return result


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def compare(commits: list[str], repeats: int, configs: list[str], log=print) -> dict:
    """{config: {tree: {"fit_s": spread, "lag_s": spread, "fit_ratio", "lag_ratio",
    "max_weight_diff"}}}, trees being the commits and "here"; ratios are here / that tree,
    of the medians over ``repeats`` rounds."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        trees = {c: extract(c, Path(tmp) / c) for c in commits}
        trees["here"] = ROOT
        names = list(trees)
        for name in configs:
            config, runs = CONFIGS[name], {t: [] for t in names}
            for i in range(repeats):
                order = names[i % len(names) :] + names[: i % len(names)]
                for t in order:
                    runs[t].append(run_once(trees[t], config, Path(tmp) / f"{t}.npy"))
                times = ", ".join(f"{t} {runs[t][-1]['fit_s']:.3f} s" for t in names)
                log(f"[versus] {name} {i + 1}/{repeats}: fit {times}")
            here = np.load(Path(tmp) / "here.npy")
            res = {}
            for t in names:
                res[t] = {key: spread([r[key] for r in runs[t]]) for key in ("fit_s", "lag_s")}
                res[t]["max_weight_diff"] = float(
                    np.max(np.abs(np.load(Path(tmp) / f"{t}.npy") - here))
                )
            for t in names:
                for key in ("fit_s", "lag_s"):
                    ratio = res["here"][key]["median"] / res[t][key]["median"]
                    res[t][key.replace("_s", "_ratio")] = ratio
            results[name] = res
    return results


def markdown(results: dict) -> str:
    lines = [
        "| configuration | tree | `fit` (s): median (min-max) | here / tree "
        "| `loss_and_grads` (ms): median (min-max) | here / tree | weights vs here |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, res in results.items():
        for t, r in res.items():
            f, g = r["fit_s"], r["lag_s"]
            lines.append(
                f"| {name} {CONFIGS[name]} | {t} "
                f"| {f['median']:.3f} ({f['min']:.3f}-{f['max']:.3f}) | {r['fit_ratio']:.2f} "
                f"| {g['median'] * 1e3:.2f} ({g['min'] * 1e3:.2f}-{g['max'] * 1e3:.2f}) "
                f"| {r['lag_ratio']:.2f} | {r['max_weight_diff']:.1e} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="fit here vs fit at an earlier commit, interleaved")
    p.add_argument("commits", nargs="+")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--configs", default="seed,large")
    args = p.parse_args(argv)
    results = compare(args.commits, args.repeats, args.configs.split(","))
    print(markdown(results))


if __name__ == "__main__":
    main()
