"""Vanishing gradients (scripts/vanishing.py): the Jacobian products, the claims, the figures.

The 20 seed models are trained once for the module (about 10 s).
"""

from __future__ import annotations

import numpy as np
import pytest

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.layers import SimpleRNN
from scripts import vanishing as van
from scripts.gradcheck import state_gradient_norms
from scripts.teaching_common import SPREAD_SEEDS, seed_task
from tests.figure_checks import assert_nonblank_png
from tests.teaching_sections import assert_pasted, bptt_section, glue_name, tutorial_sections

#: test_teaching_exposure.py and test_teaching_vanishing.py use the same 20 trained seed
#: models, cached in the process (``teaching_common.trained_model``).  One xdist group runs
#: both modules on one worker, so the models are trained once.
pytestmark = pytest.mark.xdist_group("seed-models")


@pytest.fixture(scope="session")  # not module: xdist may interleave the two modules
def result() -> dict:
    return van.compute(SPREAD_SEEDS)


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("k", [1, 5, 23])
def test_jacobian_product_matches_finite_differences_of_the_package(seed, k):
    """‖∂h_T/∂h_{T-k}‖₂ from the formula equals that of a Jacobian measured by nudging
    h_{T-k} and rerunning the package's SimpleRNN over the remaining k steps."""
    task = seed_task()
    model = Seq2Seq(hidden=10, dtype="float64", seed=seed)
    weights = model.get_weights()[0:3]
    hs = van.encoder_states(model, task)
    formula = van.jacobian_product_norms(weights[1], hs)
    t_steps, hidden, eps = hs.shape[1], hs.shape[2], 1e-6
    for window in (0, 40):
        start = hs[window, t_steps - k - 1]  # h_{T-k}
        rest = task.ex[window : window + 1, t_steps - k :]  # inputs of steps T-k+1 .. T

        def h_last(h0, rest=rest):
            return SimpleRNN(*weights).forward(rest, h0=h0[None])[0, -1]

        jac = np.array(
            [
                (h_last(start + eps * e) - h_last(start - eps * e)) / (2 * eps)
                for e in np.eye(hidden)
            ]
        )
        assert np.linalg.norm(jac, 2) == pytest.approx(formula[k, window], rel=1e-7)


def test_the_bound_holds_for_every_window():
    """‖∏ J‖₂ ≤ ∏ max tanh′ · σ_max(U)^k: the inequality docs/bptt.md states."""
    task = seed_task()
    for seed in (0, 1):
        model = Seq2Seq(hidden=10, dtype="float64", seed=seed)
        model.fit([task.ex, task.dx], task.dy, epochs=20, seed=seed)
        recurrent = model.get_weights()[1]
        hs = van.encoder_states(model, task)
        norms = van.jacobian_product_norms(recurrent, hs)
        sigma = np.linalg.svd(recurrent, compute_uv=False)[0]
        max_tp = (1 - hs**2).max(axis=2)  # (N, T)
        t_steps = hs.shape[1]
        for k in range(1, t_steps):
            bound = np.prod(max_tp[:, t_steps - k :], axis=1) * sigma**k
            assert np.all(norms[k] <= bound * (1 + 1e-12))


def test_context_gradient_ratio_is_the_jacobian_chain_and_the_figures_ratio():
    """The package's recorded dh on h^e_1 is dc carried back by eqs. (9)-(10) written out
    here; and the ratio is the one scripts/gradcheck.py's gradient_flow.png draws."""
    task = seed_task()
    for seed in (0, 5):
        model = Seq2Seq(hidden=10, dtype="float64", seed=seed)
        ratio = van.context_gradient_ratio(model, task)
        recurrent = model.get_weights()[1]
        hs = van.encoder_states(model, task)
        dh = model.e_rnn.dh[:, -1]  # dc, the encoder's only gradient (eq. (13))
        for t in range(hs.shape[1] - 1, 0, -1):
            dh = (dh * (1 - hs[:, t] ** 2)) @ recurrent.T
        np.testing.assert_allclose(dh, model.e_rnn.dh[:, 0], rtol=1e-10, atol=1e-15)
        assert ratio == pytest.approx(np.linalg.norm(dh) / np.linalg.norm(model.e_rnn.dh[:, -1]))
        enc, _ = state_gradient_norms(model, task.ex, task.dx, task.dy)
        assert ratio == pytest.approx(enc[0] / enc[-1], rel=1e-10)


def test_the_claims_the_docs_make(result):
    for seed in result["seeds"]:
        before, after = result["before"][seed], result["after"][seed]
        # The orthogonal initialiser: every singular value 1 (float32 weights).
        np.testing.assert_allclose(before["singular values"], 1.0, atol=1e-5)
        assert 0 < before["mean tanh'"] < 1
        assert before["jacobian decay"] > 1  # before training the product always shrinks
        assert after["singular values"][0] > 1.1  # training stretches U in every seed
    sp_before, sp_after = result["before spread"], result["after spread"]
    # Training makes the gradient reach the encoder's first step less diminished.
    assert sp_after["gradient decay"]["median"] < sp_before["gradient decay"]["median"] / 5


def test_docs_paste_the_numbers_computed_now(result):
    """docs/computed.py pastes van.quoted()'s numbers; the docs paste these ones."""
    numbers = van.quoted(result)
    tutorial_keys = [
        "before mean tanh', seed 0",
        "before mean tanh', min",
        "before mean tanh', max",
        "before jacobian decay, seed 0",
        "before per-step factor, seed 0",
        "before gradient decay, seed 0",
        "before gradient decay, min",
        "before gradient decay, median",
        "before gradient decay, max",
        "after largest singular value, seed 0",
        "after largest singular value, min",
        "after largest singular value, median",
        "after largest singular value, max",
        "after smallest singular value, seed 0",
        "after gradient decay, median",
        "after gradient growth, max",
        "after gradient growth, seed 0",
    ]
    known = {glue_name("van", label) for label in numbers}
    for lang, text in tutorial_sections().items():
        pasted = assert_pasted(text, "van", tutorial_keys, f"the {lang} tutorial's section 11")
        assert pasted <= known
    bptt_keys = [k for k in tutorial_keys if "jacobian" not in k and "per-step" not in k]
    bptt_keys.remove("after smallest singular value, seed 0")
    bptt_keys.remove("after gradient growth, seed 0")
    assert assert_pasted(bptt_section(), "van", bptt_keys, "docs/bptt.md") <= known
    assert numbers["seeds"] == "20"


def test_figures_have_title_axes_and_legend(result, tmp_path):
    for plot, name in ((van.plot_jacobians, "j.png"), (van.plot_singular_values, "s.png")):
        fig = plot(result, tmp_path / name)
        ax = fig.axes[0]
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        assert ax.get_legend() is not None and len(ax.get_legend().get_texts()) >= 3
        assert_nonblank_png(tmp_path / name)


def test_command_line_rejects_bad_numbers(tmp_path):
    # (write_figures itself, which the command calls, is run by test_teaching_step_graph's
    # test of the docs build.)
    for bad in (["--seeds", "0"], ["--epochs", "0"]):
        with pytest.raises(SystemExit):
            van.main(["--out", str(tmp_path), *bad])
