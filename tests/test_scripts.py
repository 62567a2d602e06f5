"""scripts/compare.py and scripts/gradcheck.py: they run, their numbers hold, their figures exist.

The tolerances here are the cross-check suite's (float32: loss 2e-5,
predictions 2e-4; float64: 1e-12), written down independently of the
script's own table so that loosening the script cannot loosen the test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from figure_checks import assert_nonblank_png

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.core.seq2seq import mse
from numpy_seq2seq.gradcheck import numerical_gradient
from numpy_seq2seq.model import WEIGHT_NAMES

ROOT = Path(__file__).resolve().parents[1]

CROSS_CHECK = {
    "float32": {"windows": 0.0, "weights": 2e-5, "loss": 2e-5, "predictions": 2e-4},
    "float64": {"windows": 0.0, "weights": 1e-12, "loss": 1e-12, "predictions": 1e-12},
}
GRADCHECK_TOL = 1e-7  # float64 relative error, as the model's own gradient tests


def run_script(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600
    )


ROW = re.compile(
    r"^(?P<what>\S.*?)\s+(?P<diff>\d\.\d+e[+-]\d+)\s+(?P<tol>\d\.\d+e[+-]\d+)\s+(?P<res>PASS|FAIL)$"
)


def parity_rows(stdout: str) -> dict[str, tuple[float, str]]:
    """The parity table as {quantity key: (max |diff|, PASS/FAIL)}."""
    keys = {
        "windows": "windows",
        "weights": "weights",
        "loss history": "loss",
        "val_loss history": "val_loss",
        "predictions": "predictions",
    }
    rows = {}
    for line in stdout.splitlines():
        m = ROW.match(line)
        if m:
            key = next(k for p, k in keys.items() if m["what"].startswith(p))
            rows[key] = (float(m["diff"]), m["res"])
    return rows


@pytest.mark.slow
@pytest.mark.parametrize(("dtype", "epochs"), [("float32", 4), ("float64", 2)])
def test_compare_parity_within_cross_check_tolerances(dtype, epochs, tmp_path):
    run = run_script(
        "scripts/compare.py",
        "--epochs",
        str(epochs),
        "--dtype",
        dtype,
        "--seed",
        "3",
        "--out",
        str(tmp_path),
    )
    assert run.returncode == 0, run.stdout + run.stderr
    rows = parity_rows(run.stdout)
    assert set(rows) == {"windows", "weights", "loss", "val_loss", "predictions"}, run.stdout
    tol = CROSS_CHECK[dtype]
    limits = {**tol, "val_loss": tol["loss"]}
    for key, (diff, result) in rows.items():
        assert diff <= limits[key], (key, diff, limits[key])
        assert result == "PASS"
    times = re.search(r"wall time of training: NumPy ([\d.]+) s, Keras ([\d.]+) s", run.stdout)
    assert times, run.stdout
    for name in ("compare_loss.png", "compare_predictions.png", "compare_dloss.png"):
        assert_nonblank_png(tmp_path / name)


def test_compare_rejects_bad_epochs():
    run = run_script("scripts/compare.py", "--epochs", "0")
    assert run.returncode == 2
    assert "argument --epochs" in run.stderr and "Traceback" not in run.stderr


def test_gradcheck_table_and_gradient_flow_figure(tmp_path):
    run = run_script(
        "scripts/gradcheck.py",
        "--hidden",
        "4",
        "--steps",
        "6",
        "--batch",
        "3",
        "--tokens",
        "2",
        "--plot",
        str(tmp_path),
        "--train-epochs",
        "3",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    rows = re.findall(
        r"^(\w+ \w+)\s+\([\d, ]+\)\s+(\S+)\s+(\S+)\s+(\S+)\s+(PASS|FAIL)$", run.stdout, re.M
    )
    assert [r[0] for r in rows] == [f"{layer} {name}" for layer, name in WEIGHT_NAMES]
    for _, analytic, numerical, rel, result in rows:
        assert float(rel) < GRADCHECK_TOL and result == "PASS"
        assert float(analytic) == pytest.approx(float(numerical), rel=1e-6)
        assert float(analytic) > 0
    assert_nonblank_png(tmp_path / "gradient_flow.png")


def test_gradcheck_exits_nonzero_on_a_failing_row():
    """An impossible threshold (eps far too big) must show FAIL and exit 1, not pass silently."""
    run = run_script(
        "scripts/gradcheck.py", "--hidden", "3", "--steps", "4", "--batch", "2", "--eps", "0.5"
    )
    assert run.returncode == 1
    assert "FAIL" in run.stdout


def test_recorded_dh_is_the_gradient_on_each_decoder_state():
    """The gradient-flow figure plots what SimpleRNN.backward records in ``dh``;
    check it numerically.

    For a decoder state h_t, the loss depends on h_t through the output at
    step t and through the steps after it; recompute both from a nudged h_t.
    """
    rng = np.random.default_rng(5)
    m = Seq2Seq(1, 1, hidden=3, dtype="float64", seed=2)
    ex, dx, dy = (rng.standard_normal((2, 5, 1)) for _ in range(3))
    y = m.forward(ex, dx)
    hs = m.d_rnn.forward(dx, h0=m.encode(ex))  # the decoder states h_1..h_T, (N, T, H)
    m.loss_and_grads(ex, dx, dy)  # the model's own backward records dh in each RNN
    dec, enc = m.d_rnn.dh, m.e_rnn.dh
    context = m.encode(ex)

    def loss_from_context():
        return mse(m.d_output.forward(m.d_rnn.forward(dx, h0=context)), dy)[0]

    d_context = numerical_gradient(loss_from_context, context)
    np.testing.assert_allclose(enc[:, -1], d_context, rtol=1e-7, atol=1e-12)

    for t in (0, 2, 4):
        h_t = hs[:, t].copy()

        def loss(t=t, h_t=h_t):
            out = y.copy()
            out[:, t] = m.d_output.forward(h_t[:, None])[:, 0]
            if t + 1 < hs.shape[1]:
                out[:, t + 1 :] = m.d_output.forward(m.d_rnn.forward(dx[:, t + 1 :], h0=h_t))
            return mse(out, dy)[0]

        np.testing.assert_allclose(dec[:, t], numerical_gradient(loss, h_t), rtol=1e-7, atol=1e-12)
