"""``make docs``: regenerate the annotated source and every figure the tutorials show.

    python -m scripts.build_docs                 # everything, the seed's 80 epochs
    python -m scripts.build_docs --annotate-only # just docs/annotated/
    python -m scripts.build_docs --epochs 2 --figures /tmp/f   # a quick smoke run

Figures come from the project's own commands, so the tutorials show exactly
what a learner gets by running them (all with seed 0):

* ``python -m numpy_seq2seq train``   -> data.png, loss.png, predictions.png
* ``python -m scripts.compare``       -> compare_loss.png, compare_predictions.png,
                                         compare_dloss.png
* ``python -m scripts.gradcheck``     -> gradient_flow.png
* this script                         -> windows.png (one teacher-forcing window)

Each command writes into a scratch folder under ``out/``; only the PNGs are
copied into ``docs/figures/``.  ``perf_*.png`` there belong to the
benchmarks and are left alone.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from scripts.annotate import annotate
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
    ]  # fmt: skip


def plot_window(path: Path, window: int = 0, steps: int = 24) -> None:
    """One window of the seed's data: encoder input, decoder input and target."""
    from matplotlib.figure import Figure

    from numpy_seq2seq.data import make_windows, sin_cos

    x, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=steps)
    t = range(1, steps + 1)
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.plot(t, ex[window, :, 0], "o-", color="tab:green", label="ex: encoder input, sin(x)")
    ax.plot(t, dy[window, :, 0], "s-", color="tab:blue", label="dy: target, cos(x)")
    ax.plot(
        t, dx[window, :, 0], "^--", color="tab:red", label="dx: decoder input = dy shifted right"
    )
    ax.annotate("dx starts at 0", (1, 0), xytext=(3, 0.35), arrowprops={"arrowstyle": "->"})
    ax.set_title(
        f"Window {window}: teacher forcing feeds the true previous cos(x) as the next input"
    )
    ax.set_xlabel("time step t within the window")
    ax.set_ylabel("value")
    ax.set_ylim(-1.2, 1.6)
    ax.grid(True)
    ax.legend(loc="upper center", ncol=2, fontsize=9)
    fig.savefig(path, dpi=110)


def build_figures(epochs: int, figures: Path, scratch: Path) -> list[Path]:
    """Run every figure command and copy the PNGs into ``figures``."""
    figures.mkdir(parents=True, exist_ok=True)
    written = []
    for cmd, folder in figure_commands(epochs, scratch):
        start = time.perf_counter()
        print(f"build_docs: {' '.join(cmd[1:])}", flush=True)
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        for png in sorted(folder.glob("*.png")):
            shutil.copy2(png, figures / png.name)
            written.append(figures / png.name)
        print(f"build_docs:   done in {time.perf_counter() - start:.1f} s", flush=True)
    plot_window(figures / "windows.png")
    written.append(figures / "windows.png")
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=80, help="training epochs (the seed's 80)")
    parser.add_argument("--annotated", type=Path, default=ROOT / "docs" / "annotated")
    parser.add_argument("--figures", type=Path, default=ROOT / "docs" / "figures")
    parser.add_argument("--scratch", type=Path, default=ROOT / "out" / "docs")
    parser.add_argument("--annotate-only", action="store_true")
    args = parser.parse_args(argv)
    pages = annotate(args.annotated)
    print(f"build_docs: {len(pages)} annotated pages in {args.annotated}", flush=True)
    if not args.annotate_only:
        figures = build_figures(args.epochs, args.figures, args.scratch)
        # issue 13's figures and the worked example (docs= keeps a smoke run out of docs/)
        figures += build_teaching(args.figures, docs=args.annotated.parent, epochs=args.epochs)
        print(f"build_docs: {len(figures)} figures in {args.figures}", flush=True)


if __name__ == "__main__":
    main()
