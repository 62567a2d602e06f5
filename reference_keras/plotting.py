"""The seed's two figures: the loss curves and the four predictions against cos(x).

matplotlib is imported inside each function (Agg, no window), so importing
``reference_keras`` does not need it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(plt, fig, path) -> Path:
    """Lay out, write as PNG and close the figure; return the path."""
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_loss(history: dict, path) -> Path:
    """``history['loss']`` and ``history['val_loss']`` per epoch, log scale, saved to ``path``."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax.plot(epochs, history["loss"], label="loss (training windows)")
    if "val_loss" in history:
        ax.plot(epochs, history["val_loss"], label="val_loss (last 20% of windows)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    ax.set_title("Keras reference (the seed): loss and val_loss per epoch")
    ax.grid(True, which="both", alpha=0.4)
    ax.legend()
    return _save(plt, fig, path)


def plot_predictions(x, seq_out, init_points, outputs, steps: int, path) -> Path:
    """The seed's plot: each window's prediction in red over the true cos(x), dashed blue.

    outputs : one sequence of ``steps`` predictions per entry of ``init_points``.

    The seed calls ``plt.show()`` inside its loop over ``init_points``, so a
    notebook shows four figures, each with one red segment over the dashed
    cos(x).  This draws the four segments into one figure, which is easier to
    compare and to save; the lines and colours are the seed's.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for k, (i, y) in enumerate(zip(init_points, outputs)):
        ax.plot(x[i : i + steps], y, color="red", label="output" if k == 0 else None)
    ax.plot(x, seq_out, color="blue", linestyle="dashed", label="correct")
    ax.set_xlabel("x")
    ax.set_ylabel("decoder output")
    ax.set_title(
        f"Keras reference (the seed): predictions from windows {list(init_points)} vs cos(x)"
    )
    ax.grid(True)
    ax.legend()
    return _save(plt, fig, path)
