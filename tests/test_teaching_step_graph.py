"""The graph of one RNN step (scripts/step_graph.py) and the build of every teaching figure."""

from __future__ import annotations

import re
from pathlib import Path

from scripts import step_graph, teaching_figures
from tests.figure_checks import assert_nonblank_png

ROOT = Path(__file__).resolve().parent.parent


def test_step_graph_shows_the_branch_node_and_the_context_edge(tmp_path):
    fig = step_graph.draw_step_graph(tmp_path / "g.png")
    assert_nonblank_png(tmp_path / "g.png")
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("forward" in t for t in legend) and any("backward" in t for t in legend)
    assert any("branch node" in t for t in legend)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "branch node" in texts and "context edge" in texts
    # Every equation it labels exists in docs/bptt.md, and the key ones are there.
    cited = {int(n) for n in re.findall(r"\((\d+)\)", texts)}
    assert {3, 8, 9, 10, 13} <= cited
    assert cited <= set(range(1, 17))


def test_docs_show_every_teaching_figure():
    names = [
        "exposure_window.png",
        "exposure_by_step.png",
        "rnn_step_graph.png",
        "vanishing_jacobians.png",
        "recurrent_singular_values.png",
    ]
    en = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    ja = (ROOT / "docs" / "ja" / "tutorial.md").read_text(encoding="utf-8")
    for name in names:
        assert (ROOT / "docs" / "figures" / name).is_file(), name
        assert f"](figures/{name})" in en and f"](../figures/{name})" in ja, name


def test_build_writes_every_figure(tmp_path):
    written = teaching_figures.build(tmp_path / "f", seeds=(0, 1), epochs=2)
    assert sorted(p.name for p in written) == sorted(
        [
            "exposure_window.png",
            "exposure_by_step.png",
            "rnn_step_graph.png",
            "vanishing_jacobians.png",
            "recurrent_singular_values.png",
        ]
    )
    for p in written:
        if p.suffix == ".png":
            assert_nonblank_png(p)
