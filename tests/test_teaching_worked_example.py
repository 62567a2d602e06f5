"""The worked example (H = 1, T = 2): a notebook whose every number is printed by its code.

``docs/worked_example.py`` and ``docs/ja/worked_example.py`` (jupytext) are executed when the
site is built; ``tests/test_site.py`` checks the built page shows their output.  Here both are
run as scripts and their variables checked:

* every gradient agrees with its central difference, and with a third, independent
  implementation: plain-Python scalar arithmetic with ``math.tanh``, written here from the
  equations of ``docs/bptt.md`` and sharing no code with the package;
* the formula column's arithmetic equals the package's value on every line;
* the one-step contributions add up to ``Seq2Seq.loss_and_grads``'s gradients, and the two
  paths into h_1 add up to its total gradient (eq. (8));
* the Japanese notebook computes the same numbers.
"""

from __future__ import annotations

import math
import runpy
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
REL_LIMIT = 1e-8  # float64 central differences with eps = 1e-6 resolve ~1e-10 relative


@pytest.fixture(scope="module")
def example() -> dict:
    return runpy.run_path(str(ROOT / "docs" / "worked_example.py"))


def rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b))


def test_every_gradient_agrees_with_its_central_difference(example):
    assert len(example["grads"]) == 12
    for name, _, package, fd in example["grads"]:
        assert rel(package, fd) < REL_LIMIT, (name, package, fd)
    for k, g in enumerate(example["grads_model"]):
        w = [p.copy() for p in example["weights"]]
        w[k] += 1e-6
        up = example["nudged_loss"](w, {})
        w[k] -= 2e-6
        fd = (up - example["nudged_loss"](w, {})) / 2e-6
        assert rel(g.item(), fd) < REL_LIMIT, k


def test_the_formula_column_is_the_package_value(example):
    assert len(example["rows"]) == 11
    for name, _, _, by_hand, package in example["rows"]:
        assert by_hand == pytest.approx(package, rel=1e-13, abs=1e-15), name


def test_one_step_contributions_sum_to_loss_and_grads(example):
    steps = [g.item() for g in example["per_step"]]
    np.testing.assert_allclose(steps, [g.item() for g in example["grads_model"]], atol=1e-15)
    assert example["loss_model"] == pytest.approx(example["nudged_loss"](example["weights"], {}))


def test_the_two_paths_into_h1_add_up(example):
    up, right, both = example["up"], example["right"], example["both"]
    assert up + right == pytest.approx(both, rel=1e-8)
    # Both paths matter in this example: neither is negligible.
    assert min(abs(up), abs(right)) > 0.1 * abs(both)


def plain_python_loss(w: list[float], ex: list[float], dy: list[float]) -> float:
    """Eqs. (1)-(5) for H = 1, T = 2, N = 1 in scalar Python: no NumPy, no package."""
    w_e, u_e, b_e, w_d, u_d, b_d, v, b_o = w
    h = 0.0
    for x in ex:
        h = math.tanh(x * w_e + b_e + h * u_e)
    loss = 0.0
    for x, target in zip((0.0, dy[0]), dy):  # teacher forcing: the target shifted right
        h = math.tanh(x * w_d + b_d + h * u_d)
        loss += (h * v + b_o - target) ** 2
    return loss / len(dy)


def test_an_independent_scalar_implementation_agrees(example):
    w = list(example["w"].values())
    ex, dy = example["ex"].ravel().tolist(), example["dy"].ravel().tolist()
    assert plain_python_loss(w, ex, dy) == pytest.approx(example["loss_model"], rel=1e-14)
    for k, g in enumerate(example["grads_model"]):
        bumped = [list(w), list(w)]
        bumped[0][k] += 1e-6
        bumped[1][k] -= 1e-6
        fd = (plain_python_loss(bumped[0], ex, dy) - plain_python_loss(bumped[1], ex, dy)) / 2e-6
        assert g.item() == pytest.approx(fd, rel=1e-8), k


def test_the_japanese_notebook_computes_the_same_numbers(example):
    ja = runpy.run_path(str(ROOT / "docs" / "ja" / "worked_example.py"))
    assert [r[3:] for r in ja["rows"]] == [r[3:] for r in example["rows"]]
    assert [g[2:] for g in ja["grads"]] == [g[2:] for g in example["grads"]]
    en_code = [c for c in _code(ROOT / "docs" / "worked_example.py") if "print" not in c]
    ja_code = [c for c in _code(ROOT / "docs" / "ja" / "worked_example.py") if "print" not in c]
    assert en_code == ja_code  # only the text differs


def _code(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
