"""The three cells side by side on the seed task: ``docs/figures/cells_compare.png``.

Run from the repository root (NumPy and matplotlib only)::

    python -m scripts.cells_figure                       # writes docs/figures/cells_compare.png
    python -m scripts.cells_figure --out /tmp/cells.png --epochs 5

For each cell (SimpleRNN, GRU, LSTM) a ``Seq2Seq(cell=..., seed=0)`` is trained
on the seed task exactly as the course trains its SimpleRNN (float32, batch 16,
split 0.2, 80 epochs, shuffled with seed 0).  Three panels:

1. learning curves: loss and val_loss per epoch;
2. free-running error against step: the trained model predicts every window's
   24 steps feeding each output back (``predict``); the mean |prediction - cos|
   over the 76 windows at each step shows how the error grows as outputs are fed back;
3. gradient flow through the context, at the initial weights: the mean over the
   training windows of ‖∂L/∂h_t‖ at every encoder and decoder state (``dh``
   after ``loss_and_grads``), and, for the LSTM, of ‖∂L/∂c_t‖ (``dc``) at
   every encoder cell state.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.cli import int_at_least
from numpy_seq2seq.data import make_windows, sin_cos
from numpy_seq2seq.model import split_windows

CELLS = {"simple_rnn": "SimpleRNN", "gru": "GRU", "lstm": "LSTM"}
FIT = dict(batch_size=16, validation_split=0.2, shuffle=True, seed=0)


def run_cell(cell: str, epochs: int, data: tuple) -> dict:
    """Train one cell on the seed task; return its curves, errors and gradient norms."""
    ex, dx, dy = data
    model = Seq2Seq(cell=cell, seed=0)
    n = split_windows(len(ex), FIT["validation_split"])
    model.loss_and_grads(ex[:n], dx[:n], dy[:n])  # at the initial weights
    flow = {"enc": np.linalg.norm(model.e_rnn.dh, axis=-1).mean(axis=0)}
    flow["dec"] = np.linalg.norm(model.d_rnn.dh, axis=-1).mean(axis=0)
    if cell == "lstm":
        flow["enc_c"] = np.linalg.norm(model.e_rnn.dc, axis=-1).mean(axis=0)
    history = model.fit([ex, dx], dy, epochs=epochs, **FIT).history
    error = np.abs(model.predict(ex).astype(np.float64) - dy).mean(axis=(0, 2))
    return dict(history=history, error=error, flow=flow)


def plot(results: dict, path: Path, epochs: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    colours = dict(zip(CELLS, ("tab:gray", "tab:blue", "tab:red")))
    ax = axes[0]
    for cell, r in results.items():
        e = np.arange(1, len(r["history"]["loss"]) + 1)
        ax.plot(e, r["history"]["loss"], color=colours[cell], label=f"{CELLS[cell]} loss")
        ax.plot(e, r["history"]["val_loss"], color=colours[cell], linestyle="--",
                label=f"{CELLS[cell]} val_loss")  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error (log scale)")
    ax.set_title(f"1. Learning curves ({epochs} epochs, float32, seed 0)")
    ax.legend(fontsize=8, ncol=2)

    ax = axes[1]
    for cell, r in results.items():
        steps = np.arange(1, len(r["error"]) + 1)
        ax.plot(steps, r["error"], marker="o", markersize=3, color=colours[cell],
                label=CELLS[cell])  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlabel("free-running step t (each output is fed back as the next input)")
    ax.set_ylabel("mean |prediction - cos(x)| over 76 windows")
    ax.set_title("2. Free-running error against step (trained models)")
    ax.legend(fontsize=8)

    ax = axes[2]
    for cell, r in results.items():
        enc, dec = r["flow"]["enc"], r["flow"]["dec"]
        pos = np.concatenate([np.arange(1 - len(enc), 1), np.arange(1, len(dec) + 1)])
        ax.plot(pos, np.concatenate([enc, dec]), marker="o", markersize=3, color=colours[cell],
                label=f"{CELLS[cell]} ‖∂L/∂h_t‖")  # fmt: skip
        if "enc_c" in r["flow"]:
            ax.plot(np.arange(1 - len(enc), 1), r["flow"]["enc_c"], color=colours[cell],
                    linestyle=":", label="LSTM ‖∂L/∂c_t‖ (encoder cell state)")  # fmt: skip
    ax.axvline(0, color="black", linewidth=1)
    ax.text(0.3, 0.03, "context", transform=ax.get_xaxis_transform(), fontsize=8)
    ax.set_yscale("log")
    ax.set_xlabel("state: encoder steps (≤ 0, the context at 0) | decoder steps (> 0)")
    ax.set_ylabel("mean gradient norm (log scale)")
    ax.set_title("3. Gradient flow through the context (initial weights)")
    ax.legend(fontsize=8)
    fig.suptitle("SimpleRNN, GRU and LSTM on the seed task (sin → cos), NumPy", fontsize=12)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="The three cells side by side on the seed task.")
    p.add_argument("--epochs", type=int_at_least(1), default=80, help="default: 80 (the seed's)")
    p.add_argument("--out", type=Path, default=Path("docs/figures/cells_compare.png"))
    args = p.parse_args(argv)
    _, seq_in, seq_out = sin_cos()
    data = make_windows(seq_in, seq_out, 24)
    results = {cell: run_cell(cell, args.epochs, data) for cell in CELLS}
    for cell, r in results.items():
        print(
            f"{CELLS[cell]:>9}: final loss {r['history']['loss'][-1]:.2e}, val_loss "
            f"{r['history']['val_loss'][-1]:.2e}, free-running error at step 24 "
            f"{r['error'][-1]:.2e}, ‖dh‖ at encoder step 1 / context "
            f"{r['flow']['enc'][0] / r['flow']['enc'][-1]:.1e}"
        )
    plot(results, args.out, args.epochs)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
