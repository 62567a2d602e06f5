"""Attention figures (scripts/attention_figures.py): its measures, its claims, its figures.

The quick result (2 seeds, 2 epochs, a 60-window reversal task, no Keras) is computed once
for the module, NumPy only.  The Keras runs and the 20-seed numbers the tutorial quotes are
``slow``.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from numpy_seq2seq import Seq2Seq
from scripts import attention_figures as af
from scripts.teaching_common import DOCS_SEED, EPOCHS, SPREAD_SEEDS, seed_task
from tests.figure_checks import assert_nonblank_png
from tests.teaching_sections import DOCS, assert_pasted, glue_name, section


@pytest.fixture(scope="module")
def quick() -> dict:
    return af.compute(**af.QUICK)


def test_argmax_offsets_of_known_maps():
    t = 6
    weights = np.zeros((2, t, t))
    for i in range(t):
        weights[0, i, min(i + 3, t - 1)] = 1.0  # three steps ahead, clipped at the end
        weights[1, i, 0] = 1.0  # always the first encoder step
    offsets = af.argmax_offsets(weights)
    assert offsets[0].tolist() == [3, 3, 3, 2, 1, 0]
    assert offsets[1].tolist() == [0, -1, -2, -3, -4, -5]


def test_antidiagonal_share_of_a_reversal_map_and_of_a_uniform_one():
    t = 5
    perfect = np.broadcast_to(np.eye(t)[::-1], (3, t, t))
    assert af.antidiagonal_share(perfect) == {
        "argmax on anti-diagonal": 1.0,
        "argmax within 1 of anti-diagonal": 1.0,
        "mean weight on anti-diagonal": 1.0,
        "median offset from anti-diagonal": 0.0,
        "mean row maximum": 1.0,
    }
    shifted = np.zeros((3, t, t))  # one step right of the anti-diagonal, but in the first row
    for i in range(t):
        shifted[:, i, min(t - i, t - 1)] = 1.0
    measures = af.antidiagonal_share(shifted)
    assert measures["argmax within 1 of anti-diagonal"] == 1.0
    assert measures["argmax on anti-diagonal"] == pytest.approx(1 / t)
    assert measures["median offset from anti-diagonal"] == 1.0
    diagonal = np.broadcast_to(np.eye(t), (3, t, t))  # only the middle step lies on both
    assert af.antidiagonal_share(diagonal)["argmax on anti-diagonal"] == pytest.approx(1 / t)
    uniform = np.full((2, t, t), 1 / t)
    assert af.antidiagonal_share(uniform)["mean weight on anti-diagonal"] == pytest.approx(1 / t)
    assert af.antidiagonal_share(uniform)["mean row maximum"] == pytest.approx(1 / t)


def test_reversal_task_reverses_and_teacher_forces():
    task = af.reversal_task(windows=50, steps=7, seed=3)
    assert task.ex.shape == task.dx.shape == task.dy.shape == (50, 7, 1)
    assert task.ex.dtype == np.float32
    np.testing.assert_array_equal(task.dy[:, 0], task.ex[:, -1])  # first output: last input
    np.testing.assert_array_equal(task.dy[:, -1], task.ex[:, 0])
    np.testing.assert_array_equal(task.dx[:, 1:], task.dy[:, :-1])  # dy shifted right
    assert np.all(task.dx[:, 0] == 0)
    big = af.reversal_task()
    assert big.ex.shape == (af.REV_WINDOWS, af.REV_STEPS, 1)
    assert abs(float(np.var(big.ex)) - 1 / 3) < 0.01  # uniform on [-1, 1]
    np.testing.assert_array_equal(af.reversal_task().ex, big.ex)  # the same windows each run


def test_attention_sends_gradient_to_every_encoder_step_before_training():
    """Figure (d)'s lesson on untrained float64 models: without attention ∂L/∂h^e_1 is the
    context's gradient carried back 23 steps; with attention it also arrives from above."""
    task = seed_task()
    for seed in range(6):
        plain = af.encoder_gradient(Seq2Seq(seed=seed, dtype="float64"), task)
        dot = af.encoder_gradient(Seq2Seq(seed=seed, dtype="float64", attention="dot"), task)
        assert plain.shape == dot.shape == (24,)
        assert plain[0] / plain[-1] < dot[0] / dot[-1]
        # With attention, the gradient from above at step 1 alone is not small: the model's
        # recorded total on h^e_1 is far from the part carried back from the context.
        assert dot[0] / dot[-1] > 0.05


def test_quick_result_has_every_figures_numbers(quick):
    seed, rev = quick["seed"], quick["reversal"]
    assert quick["keras"] is None
    assert seed["maps"].shape == (4, 24, 24)
    np.testing.assert_allclose(seed["maps"].sum(axis=-1), 1.0, rtol=1e-5)  # softmax rows
    for key in ("none", "dot", "general", "additive"):
        assert seed["by_step"][key].shape == (2, 24)
    assert set(seed["grads"]) == {"none", "dot"}
    assert sorted(rev["maps"]) == [
        ("dot", "free running"),
        ("general", "free running"),
        ("general", "teacher forced"),
    ]
    for weights in rev["maps"].values():
        assert weights.shape == (af.REV_STEPS, af.REV_STEPS)
        np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-5)
    assert rev["history"]["dot"].shape == (1, 2)
    # The copy baseline is exposure_bias's: dx against dy.
    task = seed_task()
    assert seed["copy MSE"] == pytest.approx(float(np.mean((task.dx - task.dy) ** 2)))
    quoted = af.quoted(af.numbers(quick))
    assert quoted["numpy dot median offset"].count("/") == 2
    assert "reversal dot argmax on anti-diagonal" in quoted


def test_figures_have_titles_axes_and_legends(quick, tmp_path):
    for plots in af.PLOTS.values():
        for name, plot in plots.items():
            fig = plot(quick, tmp_path / name)
            for ax in fig.axes:
                if ax.get_label() == "<colorbar>":
                    continue
                assert ax.get_xlabel() and ax.get_title(), (name, ax)
            assert any(ax.get_legend() is not None for ax in fig.axes), name
            assert_nonblank_png(tmp_path / name)


def test_command_line_quick_writes_every_figure(tmp_path, capsys):
    assert af.main(["--out", str(tmp_path), "--quick", "--part", "reversal"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [af.NUMBERS_FILE, "attention_reversal.png"]
    assert list(json.loads((tmp_path / af.NUMBERS_FILE).read_text())) == ["reversal"]
    # A later run of the other part adds its numbers and keeps these.
    kept = af.write_numbers({"seed": {"seeds": [0]}}, tmp_path / af.NUMBERS_FILE)
    assert list(kept) == ["seed", "reversal"] and kept["seed"] == {"seeds": [0]}
    assert json.loads((tmp_path / af.NUMBERS_FILE).read_text()) == kept
    assert "reversal dot val_loss" in capsys.readouterr().out


def test_bad_arguments():
    with pytest.raises(ValueError, match="must include the docs' seed"):
        af.compute(seeds=(1,), epochs=1, keras=False, parts=("seed",))
    with pytest.raises(ValueError, match="parts must be"):
        af.compute(parts=("maps",))
    for bad in (["--seeds", "0"], ["--rev-epochs", "0"], ["--part", "maps"]):
        with pytest.raises(SystemExit):
            af.main(["--out", "unused", *bad])


@pytest.mark.slow
@pytest.mark.xdist_group("attention_figures_keras")
def test_keras_runs_draw_the_keras_panel(tmp_path):
    result = af.compute(seeds=(0,), epochs=2, keras=True, parts=("seed",))
    for key in ("none", "dot"):
        rows = result["keras"]["by_step"][key]
        assert rows.shape == (1, 24) and np.all(np.isfinite(rows))
    fig = af.plot_free_running(result, tmp_path / "b.png")
    assert len([ax for ax in fig.axes if ax.get_title()]) == 2  # NumPy and Keras
    assert_nonblank_png(tmp_path / "b.png")


#: The numbers the docs paste (docs/computed.py), as the figure command wrote them.
NUMBERS = json.loads((DOCS / "figures" / af.NUMBERS_FILE).read_text(encoding="utf-8"))
#: A rerun on another machine may round differently in float32, and 80 epochs amplify that;
#: seed to seed the numbers differ by far more than this.
RERUN_RTOL = 1e-3


def assert_rerun_matches(run: dict, recorded: dict, where: str) -> None:
    assert set(run) == set(recorded), where
    for quantity, value in run.items():
        assert value == pytest.approx(recorded[quantity], rel=RERUN_RTOL, abs=1e-9), (
            f"{where}, {quantity}: the code gives {value}, {af.NUMBERS_FILE} says "
            f"{recorded[quantity]}"
        )


def test_the_numbers_file_is_the_full_run():
    """docs/figures/attention_numbers.json comes from the command's defaults, every part,
    NumPy and Keras with every attention, and its ratios and spreads are its seeds'."""
    seed, rev = NUMBERS["seed"], NUMBERS["reversal"]
    assert seed["seeds"] == list(SPREAD_SEEDS) and seed["epochs"] == EPOCHS
    assert rev["seeds"] == list(af.REV_SEEDS) and len(rev["seeds"]) >= 5
    assert (rev["epochs"], rev["windows"]) == (af.REV_EPOCHS, af.REV_WINDOWS)
    attentions = [af.name(a) for a in af.SEED_ATTENTIONS]
    for part in ("numpy", "keras"):
        assert list(seed[part]) == attentions, part
        for key, per_seed in seed[part].items():
            assert list(per_seed) == [str(s) for s in SPREAD_SEEDS], (part, key)
    assert list(rev["numbers"]) == [af.name(a) for a in af.REV_ATTENTIONS]
    assert seed["keras ratios"] == af.keras_ratios(seed)
    assert set(seed["keras ratios"]) == set(attentions)
    for key, hist in rev["val_loss history"].items():
        for s, curve in hist.items():
            assert len(curve) == rev["epochs"]
            assert curve[-1] == rev["numbers"][key][s]["val_loss"]
    quoted = af.quoted(NUMBERS)
    assert quoted["ratio dot val_loss"].replace(".", "").isdigit()


def test_the_numbers_file_is_what_the_code_computes_now():
    """The docs' seed (0) with the maps' attention, 80 epochs, and the first epoch of every
    reversal model: NumPy retrained now gives the file's numbers."""
    key = af.name(af.MAP_ATTENTION)
    run = af.seed_run(DOCS_SEED, af.MAP_ATTENTION, EPOCHS)
    assert_rerun_matches(run["numbers"], NUMBERS["seed"]["numpy"][key][str(DOCS_SEED)], key)
    rev = NUMBERS["reversal"]
    for attention in af.REV_ATTENTIONS:
        _, history = af.reversal_model(rev["seeds"][0], attention, 1, rev["windows"])
        recorded = rev["val_loss history"][af.name(attention)][str(rev["seeds"][0])][0]
        assert history["val_loss"][0] == pytest.approx(recorded, rel=RERUN_RTOL)


@pytest.mark.slow
@pytest.mark.xdist_group("attention_figures_keras")
def test_the_numbers_file_is_what_the_code_computes_now_in_keras_and_every_attention():
    """The docs' seed in NumPy with the other attentions, and in Keras with ``Attention()``
    (Keras seeds itself: the same seed gives the same run on this machine)."""
    for attention in af.SEED_ATTENTIONS:
        if attention != af.MAP_ATTENTION:
            key = af.name(attention)
            run = af.seed_run(DOCS_SEED, attention, EPOCHS)["numbers"]
            assert_rerun_matches(run, NUMBERS["seed"]["numpy"][key][str(DOCS_SEED)], key)
    task = seed_task()
    keras = af.keras_seed_run(DOCS_SEED, af.MAP_ATTENTION, EPOCHS)
    run = {"val_loss": keras["val_loss"], "free MSE": af.mse(keras["free"], task.dy[..., 0])}
    recorded = NUMBERS["seed"]["keras"][af.name(af.MAP_ATTENTION)][str(DOCS_SEED)]
    assert_rerun_matches(run, recorded, "keras")


def page_end(path, heading: str) -> str:
    """The text of ``path`` from ``heading`` to its end (the attention pages' last section)."""
    text = path.read_text(encoding="utf-8")
    return text[text.index(heading) :]


#: Numbers section 12 may state in digits: the phase shift on the seed's grid (99/12 steps).
CONSTANTS = {"8.25"}


def test_the_pages_paste_every_number_of_the_figure_command():
    """Section 12 of both tutorials and the attention pages' ratio table paste the figure
    command's numbers from docs/computed.py (glue): none is typed by hand, and every name they
    paste is one that ``quoted`` makes of the numbers file."""
    labels = af.quoted(NUMBERS)
    texts = {
        "tutorial.md": section(DOCS / "tutorial.md", "## 12. ", "## Where next"),
        "ja/tutorial.md": section(DOCS / "ja" / "tutorial.md", "## 12. ", "## 次に読むもの"),
        "attention.md": page_end(DOCS / "attention.md", "## Learning: "),
        "ja/attention.md": page_end(DOCS / "ja" / "attention.md", "## 学習："),
    }
    tutorial_labels = ["seeds", "copy MSE", "largest weight in the maps", "rev variance"]
    for part in ("numpy", "keras"):
        tutorial_labels += [
            f"{part} {a} {q}" for a in ("none", "dot") for q in ("val_loss", "free MSE")
        ]
    tutorial_labels += [f"reversal {a} val_loss" for a in ("none", "dot", "general")]
    ratio_labels = [
        f"ratio {a} {q}" for a in NUMBERS["seed"]["keras ratios"] for q in ("val_loss", "free MSE")
    ]
    names = {glue_name("att", label) for label in labels}
    for where, text in texts.items():
        required = tutorial_labels if "tutorial" in where else ratio_labels
        pasted = assert_pasted(text, "att", required, where)
        assert pasted <= names, f"{where} pastes names the numbers file has not: {pasted - names}"
        prose = re.sub(r"\{glue:text\}`[^`]*`", "", text)
        prose = re.sub(r"```.*?```", "", prose, flags=re.S)
        typed = set(re.findall(r"\d+\.\d\d+", prose)) - CONSTANTS
        assert not typed, f"{where} types these numbers by hand: {typed}"
