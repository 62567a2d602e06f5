"""The computation graph of one decoder step, forward (black) and backward (red).

    python -m scripts.step_graph --out DIR      # writes DIR/rnn_step_graph.png

The figure draws decoder step t = 1 of the seed's model, eqs. (1)-(4) of
``docs/bptt.md`` forwards and (6)-(13) backwards.  Step 1 is drawn because
its previous state h_0 is the context h_ctx, so the one edge that joins the
encoder to the decoder appears too.  Every other step looks the same, with
h_{t-1} coming from the step before instead of from the encoder.

What it teaches: h_1 is used twice (by the output y_1 and by step 2), so in
the backward pass two gradients arrive at the branch node and are added,
eq. (8); and the encoder receives its whole gradient through the context
edge, eq. (13).  A docs build calls ``write_figures(folder)``.

The drawing is code, not an image file, so it can be checked and changed
like code: the equation numbers in its labels are those of ``docs/bptt.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

FORWARD = "black"
BACKWARD = "tab:red"

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _box(ax, xy, text, width=1.7, height=0.9, face="white", edge="black", fontsize=10):
    """A rounded box centred at ``xy`` with ``text`` inside."""
    from matplotlib.patches import FancyBboxPatch

    x, y = xy
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.05,rounding_size=0.15",
            facecolor=face,
            edgecolor=edge,
            linewidth=1.3,
            zorder=2,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3)


def _arrow(ax, start, end, color=FORWARD, dashed=False, rad=0.0, width=1.5):
    """An arrow from ``start`` to ``end`` (data coordinates), curved by ``rad``."""
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=14,
            color=color,
            linewidth=width,
            linestyle=(0, (4, 2)) if dashed else "-",
            connectionstyle=f"arc3,rad={rad}",
            shrinkA=2,
            shrinkB=2,
            zorder=4,
        )
    )


def _label(ax, xy, text, color=FORWARD, fontsize=9, **kwargs):
    ax.text(*xy, text, color=color, fontsize=fontsize, zorder=5, **kwargs)


def draw_step_graph(path: Path) -> Figure:
    """Draw the graph of decoder step 1 with the context edge, and save it to ``path``."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch

    fig = Figure(figsize=(13, 7.2), layout="constrained")
    ax = fig.subplots()
    ax.set_xlim(0, 16)
    ax.set_ylim(0, 9.4)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)

    main_y = 4.3  # the line along which the state travels forwards
    # The decoder's step 1, as a dashed frame.
    ax.add_patch(
        FancyBboxPatch(
            (4.35, 0.55),
            6.55,
            6.1,
            boxstyle="round,pad=0.05,rounding_size=0.3",
            facecolor="#f4f7fb",
            edgecolor="tab:blue",
            linestyle="--",
            linewidth=1.2,
            zorder=0,
        )
    )
    _label(ax, (4.55, 6.25), "decoder step t = 1 (the same W, U, b at every step)", "tab:blue", 10)

    # -- nodes (forward graph) ----------------------------------------------------
    _box(ax, (1.3, main_y), "encoder e_rnn\nreads ex = sin(x)\nfor 24 steps", 2.2, 1.5, "#eef6ee")
    _box(ax, (3.3, main_y), "$h^{\\mathrm{ctx}} = h^e_{24}$\ncontext", 1.3, 1.0, "#fff6d5")
    _box(ax, (5.5, main_y), "$h_0 U$", 1.1, 0.8)
    _box(ax, (7.2, 1.45), "$x_1$ = dx[:, 0] = 0", 2.1, 0.7, "#eeeeee")
    _box(ax, (7.2, 2.75), "$a_1 = x_1 W + b$   (1)", 2.3, 0.7)
    ax.add_patch(_circle((7.2, main_y), 0.32))
    ax.text(7.2, main_y, "+", ha="center", va="center", fontsize=14, zorder=3)
    _box(ax, (8.75, main_y), "tanh   (2)", 1.3, 0.8)
    _box(ax, (10.05, main_y), "$h_1$", 0.7, 0.7, "#fff6d5")
    branch = (11.35, main_y)
    ax.add_patch(_circle(branch, 0.13, face="black"))
    _box(ax, (11.35, 6.5), "Dense: $y_1 = h_1 V + b_o$   (4)", 3.1, 0.75)
    _box(ax, (11.35, 8.45), "loss L: MSE of $y_1, y_2$ against dy   (5)", 3.9, 0.75, "#fde9e9")
    _box(
        ax,
        (14.3, main_y),
        "decoder step 2\nreads $x_2$ = dx[:, 1]\nand $h_1$;\noutputs $y_2$",
        2.3,
        1.7,
    )

    # -- forward edges ----------------------------------------------------------
    _arrow(ax, (2.4, main_y), (2.65, main_y))
    _arrow(ax, (3.95, main_y), (4.95, main_y))
    _label(ax, (2.7, main_y + 0.75), "context edge:\n$h_0 = h^{\\mathrm{ctx}}$   (3)", fontsize=9.5)
    _arrow(ax, (7.2, 1.8), (7.2, 2.4))
    _arrow(ax, (7.2, 3.1), (7.2, main_y - 0.32))
    _arrow(ax, (6.05, main_y), (6.88, main_y))
    _arrow(ax, (7.52, main_y), (8.1, main_y))
    _label(ax, (7.55, main_y + 0.12), "$z_1$", fontsize=9)
    _arrow(ax, (9.4, main_y), (9.7, main_y))
    _arrow(ax, (10.4, main_y), (11.22, main_y))
    _arrow(ax, (branch[0], main_y + 0.13), (branch[0], 6.12))
    _arrow(ax, (branch[0] + 0.13, main_y), (13.15, main_y))
    _arrow(ax, (11.35, 6.88), (11.35, 8.07))
    _arrow(ax, (14.3, 5.15), (12.6, 8.07), rad=0.25)
    _label(ax, (13.55, 6.75), "$y_2$", fontsize=9)

    # -- backward edges (red, dashed), offset from the forward ones ----------------
    _arrow(ax, (11.7, 8.07), (11.7, 6.88), BACKWARD, dashed=True)
    _label(ax, (11.8, 7.35), "$\\mathrm{d}y_1 = \\frac{2}{NT}(y_1 - y^\\ast_1)$   (6)", BACKWARD)
    _arrow(ax, (11.65, 6.12), (11.48, main_y + 0.2), BACKWARD, dashed=True)
    _label(
        ax, (11.75, 5.3), "$\\mathrm{d}h^{\\uparrow}_1 = \\mathrm{d}y_1 V^\\top$   (7)", BACKWARD
    )
    _arrow(ax, (13.15, main_y - 0.45), (11.5, main_y - 0.15), BACKWARD, dashed=True)
    _label(
        ax,
        (11.85, main_y - 1.05),
        "$\\mathrm{d}h^{\\rightarrow}_1 = \\mathrm{d}z_2 U^\\top$   (10)\nfrom step 2",
        BACKWARD,
    )
    _label(
        ax,
        (9.15, 2.2),
        "branch node: the two gradients sum   (8)\n"
        "$\\mathrm{d}h_1 = \\mathrm{d}h^{\\uparrow}_1 + \\mathrm{d}h^{\\rightarrow}_1$",
        BACKWARD,
        10,
        fontweight="bold",
    )
    _arrow(ax, (10.95, 2.75), (11.3, main_y - 0.2), BACKWARD, width=1.0)
    _arrow(ax, (11.2, main_y - 0.12), (10.45, main_y - 0.3), BACKWARD, dashed=True, rad=-0.3)
    _arrow(ax, (9.7, main_y - 0.3), (9.4, main_y - 0.35), BACKWARD, dashed=True)
    _label(
        ax,
        (7.9, 5.55),
        "$\\mathrm{d}z_1 = \\mathrm{d}h_1 \\odot (1 - h_1^2)$   (9)",
        BACKWARD,
    )
    _arrow(ax, (8.75, 4.75), (7.45, 4.55), BACKWARD, dashed=True, rad=0.35)
    _arrow(ax, (7.45, main_y - 0.3), (7.45, 3.12), BACKWARD, dashed=True)
    _label(
        ax,
        (7.6, 3.35),
        "$\\mathrm{d}W$ += $x_1^\\top \\mathrm{d}z_1$,  $\\mathrm{d}b$ += $\\mathrm{d}z_1$   (11)",
        BACKWARD,
    )
    _label(ax, (4.5, 5.1), "$\\mathrm{d}U$ += $h_0^\\top \\mathrm{d}z_1$   (11)", BACKWARD)
    _arrow(ax, (6.95, 4.55), (5.5, 4.75), BACKWARD, dashed=True, rad=0.35)
    _arrow(ax, (4.95, main_y - 0.25), (3.95, main_y - 0.25), BACKWARD, dashed=True)
    _arrow(ax, (2.65, main_y - 0.5), (2.4, main_y - 0.5), BACKWARD, dashed=True)
    _label(
        ax,
        (0.3, 2.2),
        "$\\mathrm{d}h^{\\mathrm{ctx}} = \\mathrm{d}z_1 U^\\top$   (10), (13)\n"
        "the encoder's only gradient:\nit enters through the context",
        BACKWARD,
        9.5,
    )
    _arrow(ax, (2.3, 2.75), (3.3, main_y - 0.55), BACKWARD, width=1.0)

    ax.legend(
        handles=[
            Line2D([], [], color=FORWARD, linewidth=1.5, label="forward: compute values"),
            Line2D(
                [], [], color=BACKWARD, linewidth=1.5, linestyle="--", label="backward: gradients"
            ),
            Line2D(
                [],
                [],
                color="black",
                marker="o",
                linestyle="",
                label="branch node: one value, two uses",
            ),
        ],
        loc="lower right",
        fontsize=9.5,
    )
    ax.set_title(
        "One RNN step forward and backward: the gradient on $h_1$ is the sum of two paths, "
        "and the encoder's gradient arrives through the context",
        fontsize=11.5,
    )
    ax.set_xlabel("forward: left to right (time runs this way)      backward: right to left")
    ax.set_ylabel("up: towards the loss")
    fig.savefig(path, dpi=110)
    return fig


def _circle(xy, radius, face="white"):
    from matplotlib.patches import Circle

    return Circle(xy, radius, facecolor=face, edgecolor="black", linewidth=1.3, zorder=3)


def write_figures(out: Path) -> list[Path]:
    """Write ``rnn_step_graph.png`` into ``out``; returns its path (for ``make docs``)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "rnn_step_graph.png"
    draw_step_graph(path)
    return [path]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True, help="folder for the PNG")
    args = p.parse_args(argv)
    for path in write_figures(args.out):
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
