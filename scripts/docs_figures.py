"""The docs' figures, made by the project's own commands (the first step of ``make docs``).

    python -m scripts.docs_figures            # all figures into docs/figures/ (~1 hour)
    python -m scripts.docs_figures --only attention   # one command's figures (see ONLY)

Each figure comes from a command a learner can run (all with seed 0), copied into
``docs/figures/`` (``perf_*.png`` there belong to the benchmarks):

* ``python -m numpy_seq2seq train``  -> data.png, loss.png, predictions.png
* ``python -m scripts.compare``      -> compare_loss.png, compare_predictions.png,
  compare_dloss.png
* ``python -m scripts.gradcheck``    -> gradient_flow.png
* ``python -m scripts.teaching_figures`` -> the exposure-bias, step-graph and vanishing figures
* ``python -m scripts.attention_figures`` -> attention_map_seed.png,
  attention_free_running.png, attention_reversal.png, attention_encoder_gradient.png,
  and attention_numbers.json (the numbers ``docs/computed.py`` pastes into the pages)
* this script                        -> windows.png (one teacher-forcing window)

Then ``sphinx-build docs site`` makes the pages (docs/conf.py).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from scripts.teaching_figures import build as build_teaching

ROOT = Path(__file__).resolve().parent.parent
SEED = 0


def figure_commands(epochs: int, scratch: Path) -> list[tuple[list[str], Path]]:
    """(command, folder it writes PNGs to) for each figure-making command."""
    py = sys.executable
    e = str(epochs)
    return [
        (
            [py, "-m", "numpy_seq2seq", "train", "--epochs", e, "--seed", str(SEED),
             "--out", str(scratch / "train")],
            scratch / "train",
        ),
        (
            [py, "-m", "scripts.gradcheck", "--seed", str(SEED), "--train-epochs", e,
             "--plot", str(scratch / "gradcheck")],
            scratch / "gradcheck",
        ),
        (
            [py, "-m", "scripts.compare", "--epochs", e, "--seed", str(SEED),
             "--out", str(scratch / "compare")],
            scratch / "compare",
        ),
        (  # issue 20: NumPy and Keras, 20 seeds, every attention; the reversal (~1 h on 2 cores)
            [py, "-m", "scripts.attention_figures", "--epochs", e,
             "--out", str(scratch / "attention")],
            scratch / "attention",
        ),
    ]  # fmt: skip


def plot_window(path: Path, window: int = 0, steps: int = 24) -> None:
    """One window of the seed's data: encoder input, decoder input and target."""
    from matplotlib.figure import Figure

    from numpy_seq2seq.data import make_windows, sin_cos

    x, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=steps)
    t = range(1, steps + 1)  # t = 1..T, as in docs/bptt.md
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.plot(t, ex[window, :, 0], "o-", color="tab:green", label="ex: encoder input, sin(x)")
    ax.plot(t, dy[window, :, 0], "s-", color="tab:blue", label="dy: target, cos(x)")
    ax.plot(
        t, dx[window, :, 0], "^--", color="tab:red", label="dx: decoder input = dy shifted right"
    )
    ax.annotate("dx at t = 1 is 0", (1, 0), xytext=(3, 0.35), arrowprops={"arrowstyle": "->"})
    ax.set_title(
        f"Window {window}: teacher forcing feeds the true previous cos(x) as the next input"
    )
    ax.set_xlabel("time step t within the window (t = 1 … 24, as in the derivation)")
    ax.set_ylabel("value")
    ax.set_ylim(-1.2, 1.6)
    ax.grid(True, alpha=0.35)
    ax.legend(loc="upper center", ncol=2, fontsize=9)
    fig.savefig(path, dpi=110)


#: ``--only`` names: each figure command by its folder, the teaching figures, windows.png.
ONLY = ("train", "gradcheck", "compare", "attention", "teaching", "windows")


def build_figures(
    epochs: int, figures: Path, scratch: Path, only: tuple[str, ...] = ONLY
) -> list[Path]:
    """Run the figure commands named in ``only`` and copy their PNGs (and JSON) into
    ``figures``."""
    figures.mkdir(parents=True, exist_ok=True)
    written = []
    for cmd, folder in figure_commands(epochs, scratch):
        if folder.name not in only:
            continue
        start = time.perf_counter()
        print(f"docs_figures: {' '.join(cmd[1:])}", flush=True)
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        for path in sorted([*folder.glob("*.png"), *folder.glob("*.json")]):
            shutil.copy2(path, figures / path.name)
            written.append(figures / path.name)
        print(f"docs_figures:   done in {time.perf_counter() - start:.1f} s", flush=True)
    if "windows" in only:
        plot_window(figures / "windows.png")
        written.append(figures / "windows.png")
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=80, help="training epochs (the seed's 80)")
    parser.add_argument("--figures", type=Path, default=ROOT / "docs" / "figures")
    parser.add_argument("--scratch", type=Path, default=ROOT / "out" / "docs")
    parser.add_argument(
        "--only",
        default=",".join(ONLY),
        help=f"comma-separated, of {', '.join(ONLY)} (default all)",
    )
    args = parser.parse_args(argv)
    only = tuple(args.only.split(","))
    unknown = set(only) - set(ONLY)
    if unknown:
        parser.error(f"--only takes {', '.join(ONLY)}; got {', '.join(sorted(unknown))}")
    start = time.perf_counter()
    figures = build_figures(args.epochs, args.figures, args.scratch, only)
    if "teaching" in only:
        figures += build_teaching(args.figures, epochs=args.epochs)
    took = time.perf_counter() - start
    print(f"docs_figures: {len(figures)} figures in {args.figures} ({took:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
