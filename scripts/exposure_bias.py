"""Exposure bias, made visible: teacher-forced against free-running outputs.

    python -m scripts.exposure_bias --out DIR [--seeds 20] [--epochs 80]

Writes into DIR:

* ``exposure_window.png`` -- one window (window 24, seed 0): the true cos(x), the
  teacher-forced output (``model.forward(ex, dx)``), the free-running output
  (``model.predict(ex)``) and the copy-the-previous-value baseline (``dx`` itself);
* ``exposure_by_step.png`` -- over all 76 windows, the RMSE at each decoder step
  for the same three: the median over ``--seeds`` seeds, and the middle half of them as bands.

and prints the numbers the tutorial quotes (``tests/test_teaching_exposure.py``
checks that the tutorial's numbers are these).  A docs build calls
``write_figures(folder)``.

Why the baseline: under teacher forcing the decoder is *given* the true
previous value dx_t = y*_{t-1}.  Outputting dx_t unchanged already has a
small error, because cos(x) moves little in one step of x (6π/99 ≈ 0.19).
A teacher-forced loss is only impressive next to that number.  The baseline
needs the truth at every step, so it exists only under teacher forcing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from numpy_seq2seq import Seq2Seq
from scripts.teaching_common import (
    DOCS_SEED,
    EPOCHS,
    SPREAD_SEEDS,
    Task,
    figures_main,
    seed_task,
    spread,
    train_many,
    write_figure_set,
)

#: The window figure (a) shows: the one the issue and the CLI's output name.
WINDOW = 24

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def outputs(model: Seq2Seq, task: Task) -> dict[str, np.ndarray]:
    """The three outputs compared here, each (N, T) for all windows.

    * teacher-forced: the decoder reads the true previous value (training's view);
    * free-running: it reads its own previous output (inference, the seed's predict);
    * copy baseline: no model at all, y_t = dx_t, the true previous value (0 at t = 1).
    """
    return {
        "teacher-forced": model.forward(task.ex, task.dx)[..., 0].astype(np.float64),
        "free-running": model.predict(task.ex)[..., 0].astype(np.float64),
        "copy baseline": task.dx[..., 0],
    }


def rmse_by_step(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """RMSE over the windows at each step: (N, T), (N, T) -> (T,)."""
    return np.sqrt(np.mean((pred - truth) ** 2, axis=0))


def mse(pred: np.ndarray, truth: np.ndarray) -> float:
    """Mean squared error over all windows and steps: Keras's loss for one output feature."""
    return float(np.mean((pred - truth) ** 2))


def seed_numbers(model: Seq2Seq, task: Task) -> dict[str, float]:
    """One trained model's numbers: MSE of each output over all windows, window 24's RMSE."""
    out = outputs(model, task)
    truth = task.dy[..., 0]
    numbers = {f"mse {name}": mse(pred, truth) for name, pred in out.items()}
    for name in ("teacher-forced", "free-running"):
        numbers[f"rmse window {WINDOW} {name}"] = float(
            np.sqrt(np.mean((out[name][WINDOW] - truth[WINDOW]) ** 2))
        )
    return numbers


def compute(seeds: tuple[int, ...] = SPREAD_SEEDS, epochs: int = EPOCHS) -> dict[str, object]:
    """Train one model per seed and collect what the figures and the tutorial show.

    Returns a dict with ``task``, ``docs_model`` (seed ``DOCS_SEED``, which must be
    among ``seeds``), ``by_step`` ({name: (seeds, T) RMSE per step}), ``numbers``
    ({seed: seed_numbers}) and ``spread`` ({quantity: min/median/max over seeds}).
    """
    if DOCS_SEED not in seeds:
        raise ValueError(f"seeds must include the docs' seed {DOCS_SEED}; got {seeds}")
    task = seed_task()
    models = train_many(seeds, epochs, label="exposure_bias")
    truth = task.dy[..., 0]
    by_step: dict[str, list[np.ndarray]] = {}
    numbers = {}
    for seed, (model, _) in models.items():
        for name, pred in outputs(model, task).items():
            by_step.setdefault(name, []).append(rmse_by_step(pred, truth))
        numbers[seed] = seed_numbers(model, task)
    keys = numbers[DOCS_SEED].keys()
    return {
        "task": task,
        "seeds": tuple(seeds),
        "epochs": epochs,
        "docs_model": models[DOCS_SEED][0],
        "by_step": {name: np.array(rows) for name, rows in by_step.items()},
        "numbers": numbers,
        "spread": {k: spread(numbers[s][k] for s in seeds) for k in keys},
    }


def quoted(result: dict) -> dict[str, str]:
    """The numbers the tutorials quote, formatted as they quote them (tests compare the two)."""
    seed0, s = result["numbers"][DOCS_SEED], result["spread"]
    tf, fr, cp = "mse teacher-forced", "mse free-running", "mse copy baseline"
    w_fr = f"rmse window {WINDOW} free-running"
    w_tf = f"rmse window {WINDOW} teacher-forced"
    return {
        "teacher-forced MSE, seed 0": f"{seed0[tf]:.4f}",
        "copy baseline MSE": f"{seed0[cp]:.4f}",
        "free-running MSE, seed 0": f"{seed0[fr]:.4f}",
        "teacher-forced MSE, min": f"{s[tf]['min']:.4f}",
        "teacher-forced MSE, median": f"{s[tf]['median']:.4f}",
        "teacher-forced MSE, max": f"{s[tf]['max']:.4f}",
        "free-running MSE, min": f"{s[fr]['min']:.4f}",
        "free-running MSE, median": f"{s[fr]['median']:.4f}",
        "free-running MSE, max": f"{s[fr]['max']:.4f}",
        "window RMSE free-running, seed 0": f"{seed0[w_fr]:.3f}",
        "window RMSE teacher-forced, seed 0": f"{seed0[w_tf]:.3f}",
        "window RMSE free-running, min": f"{s[w_fr]['min']:.3f}",
        "window RMSE free-running, median": f"{s[w_fr]['median']:.3f}",
        "window RMSE free-running, max": f"{s[w_fr]['max']:.3f}",
        "copy over teacher-forced, seed 0": f"{seed0[cp] / seed0[tf]:.1f}×",
        "free-running over copy, seed 0": f"{seed0[fr] / seed0[cp]:.0f}×",
        "seeds": str(len(result["seeds"])),
    }


# -- figures (matplotlib only below this line) ------------------------------------
STYLE = {
    "truth": {"color": "black", "linestyle": "--", "linewidth": 1.5},
    "teacher-forced": {"color": "tab:blue", "marker": "o", "markersize": 4},
    "free-running": {"color": "tab:red", "marker": "s", "markersize": 4},
    "copy baseline": {"color": "tab:gray", "marker": "^", "markersize": 4, "linestyle": ":"},
}


def plot_window(result: dict, path: Path) -> Figure:
    """Figure (a): one window, the truth and the three outputs."""
    from matplotlib.figure import Figure

    task, model = result["task"], result["docs_model"]
    out = outputs(model, task)
    truth = task.dy[WINDOW, :, 0]
    t = np.arange(1, truth.size + 1)
    fig = Figure(figsize=(8.5, 4.6), layout="constrained")
    ax = fig.subplots()
    ax.plot(t, truth, label="truth: cos(x), the target dy", **STYLE["truth"])
    for name, text in (
        ("teacher-forced", "teacher-forced: reads the true previous value"),
        ("free-running", "free-running: reads its own previous output"),
        ("copy baseline", "copy baseline: outputs the true previous value"),
    ):
        pred = out[name][WINDOW]
        rmse = float(np.sqrt(np.mean((pred - truth) ** 2)))
        ax.plot(t, pred, label=f"{text} (RMSE {rmse:.3f})", **STYLE[name])
    ax.set_title(
        f"Window {WINDOW}, seed {DOCS_SEED}: the same decoder, fed the truth or its own outputs"
    )
    ax.set_xlabel("decoder step t within the window")
    ax.set_ylabel("value")
    ax.set_ylim(-1.5, 2.0)
    ax.grid(True)
    ax.legend(loc="upper left", fontsize=8.5)
    fig.savefig(path, dpi=110)
    return fig


def plot_by_step(result: dict, path: Path) -> Figure:
    """Figure (b): RMSE over all windows at each step; the median and middle half over seeds."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, NullFormatter

    by_step, seeds = result["by_step"], result["seeds"]
    n_windows, steps = result["task"].dy.shape[:2]
    t = np.arange(1, steps + 1)
    fig = Figure(figsize=(8.5, 4.8), layout="constrained")
    ax = fig.subplots()
    for name in ("free-running", "teacher-forced"):
        rows = by_step[name]
        style = STYLE[name]
        lo, mid, hi = np.percentile(rows, [25, 50, 75], axis=0)
        ax.plot(t, mid, label=f"{name}: median of {len(seeds)} seeds", **style)
        ax.fill_between(
            t, lo, hi, color=style["color"], alpha=0.18, label=f"{name}: middle half of the seeds"
        )
    # The baseline uses no weights, so it is the same for every seed.
    ax.plot(
        t, by_step["copy baseline"][0], label="copy baseline (no model)", **STYLE["copy baseline"]
    )
    ax.set_yscale("log")
    ax.set_ylim(4e-3, 1.0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_title(
        f"Error at each step over all {n_windows} windows: teacher-forced falls, free-running grows"
    )
    ax.set_xlabel("decoder step t")
    ax.set_ylabel("RMSE against cos(x) over the windows (log scale)")
    ax.grid(True, which="both", alpha=0.4)
    ax.legend(loc="lower right", fontsize=8.5, ncol=2)
    fig.savefig(path, dpi=110)
    return fig


def summary_lines(result: dict) -> list[str]:
    """The numbers, seed 0 and the spread, as printed by the command."""
    s, seed0 = result["spread"], result["numbers"][DOCS_SEED]
    n = len(result["seeds"])
    lines = [f"seed {DOCS_SEED} and min / median / max over {n} seeds, {result['epochs']} epochs:"]
    for key, value in seed0.items():
        q = s[key]
        lines.append(
            f"  {key:<34} seed {DOCS_SEED}: {value:.4f}   "
            f"over seeds: {q['min']:.4f} / {q['median']:.4f} / {q['max']:.4f}"
        )
    return lines


def write_figures(
    out: Path, seeds: tuple[int, ...] = SPREAD_SEEDS, epochs: int = EPOCHS
) -> list[Path]:
    """Compute and write both figures into ``out``; returns their paths (for ``make docs``)."""
    result = compute(seeds, epochs)
    report = [*summary_lines(result), f"quoted in the tutorials: {quoted(result)}"]
    return write_figure_set(
        out,
        result,
        {"exposure_window.png": plot_window, "exposure_by_step.png": plot_by_step},
        report,
    )


def main(argv: list[str] | None = None) -> int:
    return figures_main(__doc__.splitlines()[0], write_figures, argv)


if __name__ == "__main__":
    sys.exit(main())
