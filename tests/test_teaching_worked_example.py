"""The worked example (H = 1, T = 2): its pages are the package's numbers, and they are right.

* The committed ``docs/worked_example.md`` and ``docs/ja/worked_example.md`` are exactly
  what ``scripts/worked_example.py`` writes today, so no number on them can drift.
* Every gradient on the page agrees with its central difference, and with a third,
  independent implementation: plain-Python scalar arithmetic with ``math.tanh``, written
  here from the equations of ``docs/bptt.md`` and sharing no code with the package.
* The formula column's arithmetic equals the package's value on every line.
* The one-step contributions add up to ``Seq2Seq.loss_and_grads``'s gradients, and the
  two paths into h_1 add up to its total gradient (eq. (8)).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from scripts import worked_example as we

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def example() -> we.Example:
    return we.compute()


def test_committed_pages_equal_the_regenerated_ones(tmp_path):
    written = we.write_docs(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "worked_example.md",
        "ja/worked_example.md",
    ]
    for lang, path in we.page_paths(tmp_path).items():
        committed = we.page_paths(ROOT / "docs")[lang]
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{committed} is out of date: run python -m scripts.worked_example --out docs"
        )


def test_every_gradient_agrees_with_its_central_difference(example):
    rows = example.backward + example.weights
    assert len(rows) == 12 + 8
    for row in rows:
        assert row.fd is not None
        assert row.rel_error < we.REL_LIMIT, (row.name, row.value, row.fd)


def test_the_formula_column_is_the_package_value(example):
    for row in example.forward + example.backward + example.weights:
        assert row.by_hand == pytest.approx(row.value, rel=1e-13, abs=1e-15), row.name


def test_one_step_contributions_sum_to_loss_and_grads(example):
    model_grads = [float(g.ravel()[0]) for g in example.grads_model]
    np.testing.assert_allclose(example.grads_steps, model_grads, rtol=0, atol=1e-15)


def test_the_two_paths_into_h1_add_up(example):
    rows = {r.name: r for r in example.backward}
    up = rows["$\\mathrm{d}h^{\\uparrow}_1$"]
    right = rows["$\\mathrm{d}h^{\\rightarrow}_1$"]
    total = rows["$\\mathrm{d}h_1$"]
    # Each path measured on its own by central differences; their sum is the total's.
    assert up.fd + right.fd == pytest.approx(total.fd, rel=1e-8)
    # Both paths matter in this example: neither is negligible.
    assert min(abs(up.value), abs(right.value)) > 0.1 * abs(total.value)


def plain_python_loss(w: list[float]) -> float:
    """Eqs. (1)-(5) for H = 1, T = 2, N = 1 in scalar Python: no NumPy, no package."""
    w_e, u_e, b_e, w_d, u_d, b_d, v, b_o = w
    h = 0.0
    for x in we.EX:
        h = math.tanh(x * w_e + b_e + h * u_e)
    inputs = (0.0, we.DY[0])  # teacher forcing: the target shifted right
    loss = 0.0
    for x, target in zip(inputs, we.DY):
        h = math.tanh(x * w_d + b_d + h * u_d)
        loss += (h * v + b_o - target) ** 2
    return loss / len(we.DY)


def test_an_independent_scalar_implementation_agrees(example):
    w = list(we.WEIGHTS.values())
    assert plain_python_loss(w) == pytest.approx(example.loss, rel=1e-14)
    for k, row in enumerate(example.weights):

        def bumped(e, k=k):
            w2 = list(w)
            w2[k] += e
            return plain_python_loss(w2)

        fd = (bumped(1e-6) - bumped(-1e-6)) / 2e-6
        assert row.value == pytest.approx(fd, rel=1e-8), row.name


def test_pages_state_the_package_numbers():
    """A few numbers a reader will look for, checked against a direct computation."""
    text = (ROOT / "docs" / "worked_example.md").read_text(encoding="utf-8")
    h1 = math.tanh(0.2 + math.tanh(0.4 + math.tanh(0.7) * 0.9) * -0.7)
    assert f"{h1:#.10g}" in text  # the decoder's h_1, eqs. (1)-(3)
    assert f"{plain_python_loss(list(we.WEIGHTS.values())):#.10g}" in text
    ja = (ROOT / "docs" / "ja" / "worked_example.md").read_text(encoding="utf-8")
    assert f"{h1:#.10g}" in ja


def test_render_rejects_an_unknown_language(example):
    with pytest.raises(ValueError, match="lang must be one of"):
        we.render(example, "fr")


def test_command_line(tmp_path, capsys):
    assert we.main(["--out", str(tmp_path), "--print"]) == 0
    out = capsys.readouterr().out
    assert "rel. error" in out and "saved" in out
    assert (tmp_path / "ja" / "worked_example.md").is_file()
    with pytest.raises(SystemExit):
        we.main([])
