"""What the teaching figures share: the seed task, and models trained on it for many seeds.

Used by ``scripts/exposure_bias.py`` and ``scripts/vanishing.py``.  Every model
here is the one ``python -m numpy_seq2seq train --seed S`` trains: float32
(Keras's default), H = 10, 80 epochs, batch size 16, ``validation_split=0.2``,
``seed`` seeding both the initial weights and the shuffling.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.cli import int_at_least
from numpy_seq2seq.data import make_windows, sin_cos

#: The seed exercise's window length and training length.
STEPS = 24
EPOCHS = 80
#: The seed the docs' single-model figures use (as ``make docs`` does for every figure).
DOCS_SEED = 0
#: How many seeds the spread is taken over, unless a caller asks for others.
SPREAD_SEEDS = tuple(range(20))


@dataclass(frozen=True)
class Task:
    """The seed's series and all its windows (ex, dx, dy: (76, 24, 1) each)."""

    x: np.ndarray
    seq_in: np.ndarray
    seq_out: np.ndarray
    ex: np.ndarray
    dx: np.ndarray
    dy: np.ndarray


def seed_task(steps: int = STEPS) -> Task:
    """The course notebook's 100 points of sin/cos, cut into windows of ``steps``."""
    x, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=steps)
    return Task(x, seq_in, seq_out, ex, dx, dy)


def untrained_model(seed: int) -> Seq2Seq:
    """The seed's model at its initial weights (Glorot kernels, orthogonal U, zero biases)."""
    return Seq2Seq(enc_tokens=1, dec_tokens=1, hidden=10, seed=seed)


@functools.lru_cache(maxsize=64)
def trained_model(seed: int, epochs: int = EPOCHS) -> tuple[Seq2Seq, float]:
    """Train as the CLI does; returns the model and its last epoch's training loss.

    Cached per (seed, epochs), so that the exposure-bias and the vanishing figures (and
    their tests) share one training run per seed.  Callers only read the weights: the
    forward and backward passes they run leave them unchanged.
    """
    task = seed_task()
    model = untrained_model(seed)
    history = model.fit(
        [task.ex, task.dx],
        task.dy,
        batch_size=16,
        epochs=epochs,
        validation_split=0.2,
        seed=seed,
    )
    return model, history.history["loss"][-1]


def train_many(
    seeds: Iterable[int], epochs: int = EPOCHS, label: str = "teaching"
) -> dict[int, tuple[Seq2Seq, float]]:
    """``trained_model`` for each seed, printing one progress line per seed (about 0.5 s each)."""
    seeds = list(seeds)
    models = {}
    start = time.perf_counter()
    for k, seed in enumerate(seeds, 1):
        models[seed] = trained_model(seed, epochs)
        print(
            f"{label}: seed {seed} trained ({k}/{len(seeds)}, {epochs} epochs, "
            f"{time.perf_counter() - start:.1f} s so far)",
            file=sys.stderr,
            flush=True,
        )
    return models


def spread(values: Iterable[float]) -> dict[str, float]:
    """min, median and max of a list of numbers, for "over N seeds" statements."""
    arr = np.asarray(list(values), dtype=np.float64)
    return {"min": float(arr.min()), "median": float(np.median(arr)), "max": float(arr.max())}


def write_figure_set(out: Path, result: dict, plots: dict, report: list[str]) -> list[Path]:
    """Draw ``result`` with each ``{file name: plot function}`` of ``plots`` into ``out``,
    print ``report``; the paths written, in order (both figure scripts' ``write_figures``)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, plot in plots.items():
        plot(result, out / name)
        paths.append(out / name)
    for line in report:
        print(line)
    return paths


def figures_main(description: str, write_figures, argv: list[str] | None = None) -> int:
    """The command line both figure scripts share: ``--out DIR [--seeds N] [--epochs E]``."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    p.add_argument(
        "--seeds", type=int_at_least(1), default=len(SPREAD_SEEDS), help="seeds 0..N-1 (20)"
    )
    p.add_argument("--epochs", type=int_at_least(1), default=EPOCHS, help="training epochs (80)")
    args = p.parse_args(argv)
    for path in write_figures(args.out, tuple(range(args.seeds)), args.epochs):
        print(f"saved {path}")
    return 0
