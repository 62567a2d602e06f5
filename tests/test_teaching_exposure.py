"""Exposure bias (scripts/exposure_bias.py): its numbers, its claims, its figures.

The 20 seed models are trained once for the module (about 10 s).
"""

from __future__ import annotations

import numpy as np
import pytest

from scripts import exposure_bias as eb
from scripts.teaching_common import DOCS_SEED, SPREAD_SEEDS, seed_task
from tests.figure_checks import assert_nonblank_png
from tests.teaching_sections import assert_pasted, glue_name, tutorial_sections

#: test_teaching_exposure.py and test_teaching_vanishing.py use the same 20 trained seed
#: models, cached in the process (``teaching_common.trained_model``).  One xdist group runs
#: both modules on one worker, so the models are trained once.
pytestmark = pytest.mark.xdist_group("seed-models")


@pytest.fixture(scope="session")  # not module: xdist may interleave the two modules
def result() -> dict:
    return eb.compute(SPREAD_SEEDS)


def test_copy_baseline_is_the_mean_squared_one_step_change_of_cos():
    # Computed from the series directly, not from make_windows: dx is dy shifted by one step,
    # so copying dx costs cos(x_{i+t}) - cos(x_{i+t-1}) at t >= 1 and cos(x_i) - 0 at t = 0.
    x = np.linspace(-3 * np.pi, 3 * np.pi, 100)
    c = np.cos(x)
    errors = [[c[i] if t == 0 else c[i + t] - c[i + t - 1] for t in range(24)] for i in range(76)]
    expected = float(np.mean(np.square(errors)))
    task = seed_task()
    assert eb.mse(task.dx[..., 0], task.dy[..., 0]) == pytest.approx(expected, rel=1e-12)


def test_step_one_is_the_same_for_teacher_forcing_and_free_running(result):
    # Both read the zero start input at step 1, so they must agree there (float32 rounding).
    np.testing.assert_allclose(
        result["by_step"]["free-running"][:, 0],
        result["by_step"]["teacher-forced"][:, 0],
        rtol=1e-5,
    )


def test_the_claims_the_tutorial_makes(result):
    tf = np.median(result["by_step"]["teacher-forced"], axis=0)
    fr = np.median(result["by_step"]["free-running"], axis=0)
    assert tf[-1] < tf[0] / 2  # teacher-forced error falls along the window
    assert fr[5] > fr[0]  # free-running error grows over the first steps
    copy = result["by_step"]["copy baseline"][0]
    assert 0.5 < fr[-1] / copy[-1] < 2  # ...and then stays about at the copy baseline's level
    numbers = result["numbers"]
    for seed in result["seeds"]:
        # Under teacher forcing every seed beats copying; free running loses to teacher forcing.
        assert numbers[seed]["mse teacher-forced"] < numbers[seed]["mse copy baseline"]
        assert numbers[seed]["mse free-running"] > numbers[seed]["mse teacher-forced"]
    # "seed 0 is the worst of the 20" on window 24
    key = f"rmse window {eb.WINDOW} free-running"
    assert numbers[DOCS_SEED][key] == result["spread"][key]["max"]


def test_tutorials_paste_the_numbers_computed_now(result):
    """docs/computed.py pastes eb.quoted()'s numbers; each is in both tutorials' section 9."""
    numbers = eb.quoted(result)
    for lang, text in tutorial_sections().items():
        pasted = assert_pasted(text, "eb", list(numbers), f"the {lang} tutorial's section 9")
        assert pasted <= {glue_name("eb", label) for label in numbers}


def test_figures_have_title_axes_and_legend(result, tmp_path):
    for plot, name in ((eb.plot_window, "a.png"), (eb.plot_by_step, "b.png")):
        fig = plot(result, tmp_path / name)
        ax = fig.axes[0]
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        assert ax.get_legend() is not None and len(ax.get_legend().get_texts()) >= 4
        assert_nonblank_png(tmp_path / name)


def test_command_line_rejects_bad_numbers(tmp_path):
    # (write_figures itself, which the command calls, is run by test_teaching_step_graph's
    # test of the docs build.)
    for bad in (["--seeds", "0"], ["--epochs", "0"]):
        with pytest.raises(SystemExit):
            eb.main(["--out", str(tmp_path), *bad])


def test_seeds_must_include_the_docs_seed():
    with pytest.raises(ValueError, match="must include the docs' seed"):
        eb.compute((1, 2), epochs=1)
