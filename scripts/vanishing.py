"""Why the encoder's gradient vanishes before training, and not after.

    python -m scripts.vanishing --out DIR [--seeds 20] [--epochs 80]

Backpropagation through time multiplies the gradient on h_t by one Jacobian
per step (eqs. (9)-(10) of ``docs/bptt.md``).  With states as row vectors, as
in the code, a nudge δh_{t-1} changes h_t by δh_{t-1} J_t with

    J_t = ∂h_t/∂h_{t-1} = U diag(1 - h_t²),

and the backward pass multiplies by its transpose,
dh_{t-1} = dh_t diag(1 - h_t²) U^T, which is eqs. (9)-(10) in one line.
So the gradient that reaches k steps back has passed through the
product of k Jacobians, and its size is at most that product's largest
singular value (its 2-norm).  Each factor is U, whose singular values the
orthogonal initialiser sets to exactly 1, times tanh′ = 1 - h², which is at
most 1.  Before training, then, only tanh′ shrinks the gradient; training
can make U larger than orthogonal, which is what lets the gradient through.

This script measures that on the seed task, for the encoder (the half whose
only gradient is the context's, eq. (13)), over ``--seeds`` seeds:

* ``vanishing_jacobians.png`` -- ‖∂h_T/∂h_{T-k}‖₂ against k, before and after training;
* ``recurrent_singular_values.png`` -- U's singular values before and after;

and prints the numbers ``docs/bptt.md`` and the tutorial quote (mean tanh′,
U's largest singular value, the decay over the 24 steps), seed 0 and the
spread.  A docs build calls ``write_figures(folder)``.
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
    untrained_model,
    write_figure_set,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def encoder_states(model: Seq2Seq, task: Task) -> np.ndarray:
    """Every encoder state h^e_t, t = 1..T, for all windows: (N, T, H), float64."""
    return model.e_rnn.forward(task.ex).astype(np.float64)


def jacobian_product_norms(recurrent: np.ndarray, hs: np.ndarray) -> np.ndarray:
    """‖∂h_T/∂h_{T-k}‖₂ for k = 0..T-1 and every window: (T, N).

    recurrent : (H, H), the encoder's U (Keras's recurrent_kernel); hs : (N, T, H).
    With row-vector states, ∂h_t/∂h_{t-1} = U diag(1 - h_t²) (eqs. (9)-(10)), and
    ∂h_T/∂h_{T-k} = J_{T-k+1} ⋯ J_T, built up one factor at a time from the right.
    """
    n, t_steps, hidden = hs.shape
    tanh_prime = 1.0 - hs * hs  # eq. (9): (N, T, H)
    product = np.broadcast_to(np.eye(hidden), (n, hidden, hidden)).copy()
    norms = [np.ones(n)]
    for k in range(1, t_steps):
        t = t_steps - k  # 0-based index of h_{T-k+1}, the state whose Jacobian joins now
        jac = recurrent[None] * tanh_prime[:, t, None, :]  # U diag(1 - h²): (N, H, H)
        product = jac @ product
        norms.append(np.linalg.norm(product, ord=2, axis=(1, 2)))
    return np.array(norms)


def context_gradient_ratio(model: Seq2Seq, task: Task) -> float:
    """‖∂L/∂h^e_1‖ / ‖∂L/∂h_ctx‖ over all windows and units: what ``gradient_flow.png`` shows.

    One ``loss_and_grads`` on all windows; the encoder's backward records ``dh``, the
    total gradient on every state (eq. (8)), whose last step is the context's, eq. (13).
    """
    model.loss_and_grads(task.ex, task.dx, task.dy)
    dh = model.e_rnn.dh.astype(np.float64)  # (N, T, H)
    return float(np.linalg.norm(dh[:, 0]) / np.linalg.norm(dh[:, -1]))


def model_numbers(model: Seq2Seq, task: Task) -> dict[str, object]:
    """Everything this script reports about one model's encoder."""
    recurrent = model.get_weights()[1].astype(np.float64)
    hs = encoder_states(model, task)
    norms = jacobian_product_norms(recurrent, hs)
    median = np.median(norms, axis=1)  # over the windows, for each k
    t_steps = hs.shape[1]
    return {
        "norms": median,
        "singular values": np.linalg.svd(recurrent, compute_uv=False),
        "mean tanh'": float(np.mean(1.0 - hs * hs)),
        "jacobian decay": float(1.0 / median[-1]),  # ‖∂h_T/∂h_1‖₂, as a "×" factor
        "per-step factor": float(median[-1] ** (1.0 / (t_steps - 1))),
        "gradient decay": float(1.0 / context_gradient_ratio(model, task)),
    }


def compute(seeds: tuple[int, ...] = SPREAD_SEEDS, epochs: int = EPOCHS) -> dict[str, object]:
    """Before and after training, for every seed: ``{"before": {seed: numbers}, "after": ...}``."""
    if DOCS_SEED not in seeds:
        raise ValueError(f"seeds must include the docs' seed {DOCS_SEED}; got {seeds}")
    task = seed_task()
    before = {s: model_numbers(untrained_model(s), task) for s in seeds}
    models = train_many(seeds, epochs, label="vanishing")
    after = {s: model_numbers(models[s][0], task) for s in seeds}
    scalars = ("mean tanh'", "jacobian decay", "per-step factor", "gradient decay")
    result: dict[str, object] = {"seeds": tuple(seeds), "epochs": epochs, "T": task.ex.shape[1]}
    for label, per_seed in (("before", before), ("after", after)):
        result[label] = per_seed
        result[f"{label} spread"] = {
            **{k: spread(per_seed[s][k] for s in seeds) for k in scalars},
            "largest singular value": spread(per_seed[s]["singular values"][0] for s in seeds),
            "smallest singular value": spread(per_seed[s]["singular values"][-1] for s in seeds),
        }
    return result


def summary_lines(result: dict) -> list[str]:
    n = len(result["seeds"])
    lines = [f"encoder, seed {DOCS_SEED} and min / median / max over {n} seeds:"]
    for label in ("before", "after"):
        seed0, sp = result[label][DOCS_SEED], result[f"{label} spread"]
        for key, q in sp.items():
            value = (
                seed0["singular values"][0 if key.startswith("largest") else -1]
                if "singular" in key
                else seed0[key]
            )
            lines.append(
                f"  {label:<6} {key:<24} seed {DOCS_SEED}: {value:8.3f}   "
                f"over seeds: {q['min']:.3f} / {q['median']:.3f} / {q['max']:.3f}"
            )
    return lines


def quoted(result: dict) -> dict[str, str]:
    """The numbers the docs quote, formatted as they quote them (tests compare the two)."""
    out: dict[str, str] = {"seeds": str(len(result["seeds"]))}
    formats = {
        "mean tanh'": "{:.2f}",
        "jacobian decay": "{:.0f}×",
        "per-step factor": "{:.2f}",
        "gradient decay": "{:.0f}×",
        "largest singular value": "{:.2f}",
        "smallest singular value": "{:.2f}",
    }
    for label in ("before", "after"):
        seed0, sp = result[label][DOCS_SEED], result[f"{label} spread"]
        for key, fmt in formats.items():
            if label == "before" and "singular" in key:
                continue  # exactly 1: the orthogonal initialiser
            if label == "after" and "decay" in key:
                fmt = "{:.1f}×"
            value = (
                seed0["singular values"][0 if key.startswith("largest") else -1]
                if "singular" in key
                else seed0[key]
            )
            out[f"{label} {key}, seed 0"] = fmt.format(value)
            for q in ("min", "median", "max"):
                out[f"{label} {key}, {q}"] = fmt.format(sp[key][q])
    # After training the gradient can grow instead: 1 / decay, as a growth factor.
    out["after gradient growth, seed 0"] = (
        f"{1 / result['after'][DOCS_SEED]['gradient decay']:.1f}×"
    )
    out["after gradient growth, max"] = (
        f"{1 / result['after spread']['gradient decay']['min']:.1f}×"
    )
    return out


# -- figures (matplotlib only below this line) ------------------------------------
COLORS = {"before": "tab:orange", "after": "tab:blue"}


def plot_jacobians(result: dict, path: Path) -> Figure:
    """‖∂h_T/∂h_{T-k}‖₂ against k: the median over seeds and the middle half of them."""
    from matplotlib.figure import Figure

    seeds, t_steps = result["seeds"], result["T"]
    k = np.arange(t_steps)
    fig = Figure(figsize=(8.5, 4.8), layout="constrained")
    ax = fig.subplots()
    for label, text in (
        ("before", "before training"),
        ("after", f"after {result['epochs']} epochs"),
    ):
        rows = np.array([result[label][s]["norms"] for s in seeds])
        lo, mid, hi = np.percentile(rows, [25, 50, 75], axis=0)
        tp = result[f"{label} spread"]["mean tanh'"]["median"]
        sv = result[f"{label} spread"]["largest singular value"]["median"]
        ax.plot(
            k,
            mid,
            "o-",
            markersize=3.5,
            color=COLORS[label],
            label=f"{text}: median of {len(seeds)} seeds (mean tanh′ {tp:.2f}, σ_max(U) {sv:.2f})",
        )
        ax.fill_between(
            k, lo, hi, color=COLORS[label], alpha=0.2, label=f"{text}: middle half of the seeds"
        )
    ax.axhline(1.0, color="gray", linewidth=1, linestyle=":", label="1: no shrinking")
    ax.set_yscale("log")
    ax.set_title(
        "Encoder: how much of a gradient can survive k steps back, "
        r"$\|\partial h_T / \partial h_{T-k}\|_2$",
    )
    ax.set_xlabel(f"k: steps back from the context $h^{{\\mathrm{{ctx}}}} = h_T$ (T = {t_steps})")
    ax.set_ylabel("2-norm of the product of k Jacobians\n(median over the 76 windows; log scale)")
    ax.grid(True, which="both", alpha=0.4)
    ax.legend(loc="lower left", fontsize=8.5)
    fig.savefig(path, dpi=110)
    return fig


def plot_singular_values(result: dict, path: Path) -> Figure:
    """U's singular values before (all 1) and after training, against 1 / mean tanh′."""
    from matplotlib.figure import Figure

    seeds = result["seeds"]
    fig = Figure(figsize=(8.5, 4.6), layout="constrained")
    ax = fig.subplots()
    for label, text, offset in (
        ("before", "before training (orthogonal)", -0.12),
        ("after", f"after {result['epochs']} epochs", 0.12),
    ):
        rows = np.array([result[label][s]["singular values"] for s in seeds])
        idx = np.arange(1, rows.shape[1] + 1) + offset
        mid = np.median(rows, axis=0)
        ax.errorbar(
            idx,
            mid,
            yerr=[mid - rows.min(axis=0), rows.max(axis=0) - mid],
            fmt="o",
            color=COLORS[label],
            capsize=3,
            label=f"{text}: median and range over {len(seeds)} seeds",
        )
    tp = result["after spread"]["mean tanh'"]["median"]
    ax.axhline(
        1.0 / tp,
        color="tab:green",
        linestyle="--",
        label=(
            f"1 / mean tanh′ after training = 1 / {tp:.2f}: above it, U outgrows tanh′'s shrinking"
        ),
    )
    ax.set_title("The encoder's recurrent kernel U: training stretches its largest singular values")
    ax.set_xlabel("singular value number, largest first")
    ax.set_ylabel("singular value of U")
    ax.set_xticks(np.arange(1, rows.shape[1] + 1))
    ax.grid(True, alpha=0.4)
    ax.legend(loc="lower left", fontsize=8.5)
    fig.savefig(path, dpi=110)
    return fig


def write_figures(
    out: Path, seeds: tuple[int, ...] = SPREAD_SEEDS, epochs: int = EPOCHS
) -> list[Path]:
    """Compute and write both figures into ``out``; returns their paths (for ``make docs``)."""
    result = compute(seeds, epochs)
    report = [*summary_lines(result), f"quoted in the docs: {quoted(result)}"]
    return write_figure_set(
        out,
        result,
        {
            "vanishing_jacobians.png": plot_jacobians,
            "recurrent_singular_values.png": plot_singular_values,
        },
        report,
    )


def main(argv: list[str] | None = None) -> int:
    return figures_main(__doc__.splitlines()[0], write_figures, argv)


if __name__ == "__main__":
    sys.exit(main())
