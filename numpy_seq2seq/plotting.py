"""Figures for the command line and the scripts.

matplotlib is imported inside each function, so ``numpy_seq2seq`` itself needs
NumPy alone.  The functions draw on a ``matplotlib.figure.Figure`` created
directly (no ``pyplot``), which renders with the non-interactive Agg canvas:
no window opens, no global backend is switched, and nothing needs a display.

Every function returns the ``Figure`` and, given ``path``, also writes it
there as a PNG.  Where two implementations are overlaid, the first is drawn
as a thick, pale solid line and the second as a thin dashed line on top, so
that lines lying exactly on each other both stay visible.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping, Sequence

import numpy as np

#: Line styles for overlaid implementations: the first thick and pale,
#: the next ones thin and dashed, so coinciding curves remain visible.
_OVERLAY_STYLES = (
    {"linestyle": "-", "linewidth": 5.0, "alpha": 0.35},
    {"linestyle": "--", "linewidth": 1.6, "alpha": 1.0},
    {"linestyle": ":", "linewidth": 1.6, "alpha": 1.0},
)


def matplotlib_available() -> bool:
    """Whether matplotlib can be imported (it is the ``plot`` extra, not a requirement)."""
    return importlib.util.find_spec("matplotlib") is not None


def _styles(count: int) -> tuple[dict, ...]:
    """Plain lines for one implementation, the overlay styles for several."""
    return _OVERLAY_STYLES if count > 1 else ({"linestyle": "-", "linewidth": 2.0},)


def _new_figure(width: float = 8.0, height: float = 4.5):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _integer_epochs(ax) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _finish(fig, path: str | os.PathLike | None) -> None:
    if path is not None:
        fig.savefig(os.fspath(path), dpi=110)


def plot_data(
    x: np.ndarray, seq_in: np.ndarray, seq_out: np.ndarray, path: str | os.PathLike | None = None
):
    """The seed's series: x (L,), seq_in = sin(x) (L,), seq_out = cos(x) (L,)."""
    fig, ax = _new_figure()
    ax.plot(x, seq_in, color="tab:green", marker=".", label="seq_in = sin(x)  (encoder reads)")
    ax.plot(x, seq_out, color="tab:blue", marker=".", label="seq_out = cos(x)  (decoder outputs)")
    ax.set_title(f"The seed's data: {len(x)} points, the encoder reads sin(x), the decoder cos(x)")
    ax.set_xlabel("x")
    ax.set_ylabel("value")
    ax.set_ylim(-1.15, 1.45)  # room for the legend above the curves
    ax.grid(True)
    ax.legend(loc="upper center", ncol=2)
    _finish(fig, path)
    return fig


def plot_history(
    histories: Mapping[str, Mapping[str, Sequence[float]]],
    path: str | os.PathLike | None = None,
    title: str | None = None,
):
    """Loss and val_loss per epoch on a log axis.

    histories : {label: {"loss": [...], "val_loss": [...]}} -- one entry per
    implementation (e.g. ``{"NumPy": h.history}``); several are overlaid.
    """
    fig, ax = _new_figure()
    colors = {"loss": "tab:blue", "val_loss": "tab:orange"}
    for style, (label, hist) in zip(_styles(len(histories)), histories.items()):
        for key, values in hist.items():
            epochs = np.arange(1, len(values) + 1)
            name = f"{label} {key}" if len(histories) > 1 else key
            ax.plot(epochs, values, color=colors.get(key), label=name, **style)
    ax.set_yscale("log")
    ax.set_title(title or "Mean squared error per epoch (training and validation windows)")
    ax.set_xlabel("epoch")
    _integer_epochs(ax)
    ax.set_ylabel("MSE (log scale)")
    ax.grid(True, which="both", alpha=0.4)
    ax.legend()
    _finish(fig, path)
    return fig


def plot_predictions(
    x: np.ndarray,
    seq_out: np.ndarray,
    predictions: Mapping[str, Mapping[int, np.ndarray]],
    path: str | os.PathLike | None = None,
    title: str | None = None,
):
    """Autoregressive predictions against the true cos(x), as the seed's last figure.

    x, seq_out : (L,) the series.  predictions : {label: {window i: y (steps,)}};
    window i's prediction is drawn over ``x[i : i + steps]``.  Several labels
    (implementations) are overlaid.
    """
    fig, ax = _new_figure(9.0, 4.8)
    ax.plot(x, seq_out, color="tab:blue", linestyle="--", linewidth=1.2, label="correct: cos(x)")
    colors = ("tab:red", "black", "tab:purple")
    for style, color, (label, preds) in zip(_styles(len(predictions)), colors, predictions.items()):
        for k, (i, y) in enumerate(sorted(preds.items())):
            y = np.ravel(y)
            seg = x[i : i + len(y)]
            ax.plot(seg, y, color=color, label=f"{label} output" if k == 0 else None, **style)
    windows = sorted({i for preds in predictions.values() for i in preds})
    steps = max(len(np.ravel(y)) for preds in predictions.values() for y in preds.values())
    for k, i in enumerate(windows):  # dotted green, so they stand apart from the grey grid
        label = "where a predicted window starts" if k == 0 else None
        ax.axvline(x[i], color="tab:green", linestyle=":", linewidth=1.6, label=label)
    ax.set_title(
        title
        or f"Autoregressive predictions ({steps} steps) from windows {windows} vs the true cos(x)"
    )
    ax.set_xlabel("x")
    ax.set_ylabel("decoder output")
    ax.grid(True)
    ax.legend(loc="lower right")
    _finish(fig, path)
    return fig


def plot_abs_diff(
    diffs: Mapping[str, Sequence[float]],
    tolerance: float | None = None,
    path: str | os.PathLike | None = None,
    title: str | None = None,
    xlabel: str = "epoch",
    reference: tuple[str, Sequence[float]] | None = None,
):
    """Per-epoch absolute differences on a log axis, with the tolerance as a line.

    diffs : {label: (E,) non-negative values}.  Exact zeros cannot be drawn
    on a log axis; they are counted in the legend instead.  reference :
    optional (label, (E,) values) drawn in grey, e.g. the rounding step of
    the compared quantity, to show what "as close as the arithmetic allows" is.
    """
    fig, ax = _new_figure()
    markers = ("o", "s", "^")
    drawn = []
    for marker, (label, d) in zip(markers, diffs.items()):
        d = np.asarray(d, dtype=np.float64)
        epochs = np.arange(1, len(d) + 1)
        zeros = int(np.sum(d == 0))
        name = label + (f"  ({zeros} of {len(d)} exactly 0, not drawn)" if zeros else "")
        ax.plot(epochs, np.where(d > 0, d, np.nan), marker=marker, markersize=3, label=name)
        drawn.append(d[d > 0])
    if reference is not None:
        ref_label, ref = reference
        ref = np.asarray(ref, dtype=np.float64)
        ax.plot(np.arange(1, len(ref) + 1), ref, color="gray", linewidth=1.2, label=ref_label)
        drawn.append(ref[ref > 0])
    if tolerance is not None:
        ax.axhline(tolerance, color="tab:red", linestyle="--", label=f"tolerance {tolerance:g}")
        drawn.append(np.array([tolerance]))
    ax.set_yscale("log")
    values = np.concatenate(drawn) if drawn else np.array([])
    if values.size:
        ax.set_ylim(values.min() / 3, values.max() * 1e3)  # room for the legend on top
    ax.set_title(title or "Absolute difference per epoch")
    ax.set_xlabel(xlabel)
    _integer_epochs(ax)
    ax.set_ylabel("|difference| (log scale)")
    ax.grid(True, which="both", alpha=0.4)
    ax.legend(loc="upper left", fontsize=8.5)
    _finish(fig, path)
    return fig


def plot_gradient_flow(
    flows: Mapping[str, tuple[np.ndarray, np.ndarray]],
    path: str | os.PathLike | None = None,
    title: str | None = None,
):
    """‖∂L/∂h_t‖ for every hidden state of the encoder and the decoder, log axis.

    flows : {label: (enc (T_e,), dec (T_d,))}, the gradient norm at each
    encoder state h_1..h_Te and decoder state h_1..h_Td.  The encoder's last
    state is the context h_ctx, which is also the decoder's h_0; it is drawn at
    x = 0, the encoder to its left and the decoder to its right.  BPTT runs
    from right to left.
    """
    fig, ax = _new_figure(9.5, 5.2)
    markers = ("o", "s", "^")
    t_enc = t_dec = 0
    lo, hi = np.inf, 0.0
    for marker, (label, (enc, dec)) in zip(markers, flows.items()):
        enc, dec = np.asarray(enc), np.asarray(dec)
        t_enc, t_dec = len(enc), len(dec)
        pos = np.concatenate([np.arange(1 - t_enc, 1), np.arange(1, t_dec + 1)])
        norms = np.concatenate([enc, dec])
        ax.plot(pos, norms, marker=marker, markersize=3.5, label=label)
        lo, hi = min(lo, norms[norms > 0].min()), max(hi, norms.max())
    ax.set_yscale("log")
    ax.set_ylim(lo / 4, hi * 15)  # headroom above the curves for the labels
    ax.axvspan(0.5 - t_enc, 0, color="tab:green", alpha=0.07)
    ax.axvspan(0, t_dec + 0.5, color="tab:blue", alpha=0.07)
    ax.axvline(0, color="black", linewidth=1.2)
    halves = [
        (0.5 - t_enc / 2, "encoder (reads sin x)", "tab:green"),
        (t_dec / 2, "decoder (outputs cos x)", "tab:blue"),
    ]
    for x_mid, label, colour in halves:
        ax.text(
            x_mid,
            0.97,
            label,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            color=colour,
        )
    ax.annotate(
        "",
        xy=(0.1, 0.87),
        xytext=(0.9, 0.87),
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "->", "color": "gray"},
    )
    ax.text(
        0.5,
        0.885,
        "backpropagation through time runs right to left",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=8.5,
        color="gray",
    )
    ax.annotate(
        "context h_ctx = encoder h_T = decoder h_0\n(the only link between the halves)",
        xy=(0, 0.78),
        xycoords=("data", "axes fraction"),
        xytext=(6, 0),
        textcoords="offset points",
        fontsize=8.5,
    )
    ticks = sorted({1 - t_enc, 1 - (t_enc + 1) // 2, 0, (t_dec + 1) // 2, t_dec})
    labels = [f"enc h_{p + t_enc}" if p <= 0 else f"dec h_{p}" for p in ticks]
    labels[ticks.index(0)] = f"h_ctx (enc h_{t_enc})"
    ax.set_xticks(ticks, labels)
    ax.set_title(title or "How the gradient fades: ‖∂L/∂h_t‖ at each hidden state")
    ax.set_xlabel("hidden state h_t (encoder left of the context, decoder right)")
    ax.set_ylabel("‖∂L/∂h_t‖ over all windows (log scale)")
    ax.grid(True, which="both", alpha=0.4)
    ax.legend(loc="lower right")
    _finish(fig, path)
    return fig
