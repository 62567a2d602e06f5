"""scripts/compare.py --attention: NumPy and Keras side by side with attention, float64."""

import pytest

# A missing TensorFlow skips this module; CI (NUMPY_SEQ2SEQ_REQUIRE_KERAS=1) turns
# that skip into a failure (tests/conftest.py).
tf = pytest.importorskip("tensorflow")

import re

from figure_checks import assert_nonblank_png

from scripts import compare

TOL_F64 = 1e-12  # the float64 tolerance, independent of the script's own table


@pytest.mark.slow
@pytest.mark.parametrize("attention", ["general", "additive"])
def test_compare_with_attention_float64(attention, tmp_path, capsys):
    code = compare.main(
        ["--attention", attention, "--dtype", "float64", "--epochs", "2", "--out", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"simple_rnn + {attention} attention" in out
    rows = re.findall(r"^(\S.*?)\s+(\d\.\d+e[+-]\d+)\s+\d\.\d+e[+-]\d+\s+(PASS|FAIL)$", out, re.M)
    names = [name for name, _, _ in rows]
    assert "weights after training (9 arrays)" in names
    assert "attention weights at those windows" in names
    for name, diff, result in rows:
        assert float(diff) <= TOL_F64 and result == "PASS", name
    for name in ("compare_loss.png", "compare_predictions.png", "compare_dloss.png"):
        assert_nonblank_png(tmp_path / name)


def test_compare_rejects_an_unknown_attention(capsys):
    with pytest.raises(SystemExit) as err:
        compare.parse_args(["--attention", "luong"])
    assert err.value.code == 2
    assert "argument --attention: invalid choice: 'luong'" in capsys.readouterr().err
