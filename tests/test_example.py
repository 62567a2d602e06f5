"""examples/seq2seq_sin_cos.py: a jupytext notebook in the seed's order that runs as a script."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from figure_checks import assert_nonblank_png

TOL_F32_FORWARD = 1e-5  # float32 forward passes, as tests/keras_helpers.py

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "seq2seq_sin_cos.py"


def test_walkthrough_is_jupytext_percent_in_the_seeds_order():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.startswith("# ---\n# jupyter:\n#   jupytext:")
    assert "format_name: percent" in text
    assert text.count("# %% [markdown]") >= 8
    headings = re.findall(r"^# ## \d\. (.+)$", text, re.M)
    assert headings == [
        "Data",
        "The model",
        "Windows (teacher forcing)",
        "Training",
        "Inference models",
        "Predict",
        "Plot",
    ]


@pytest.mark.slow
def test_walkthrough_runs_as_a_script(tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg", SEQ2SEQ_EPOCHS="3", SEQ2SEQ_FIGURES=str(tmp_path))
    run = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "same series: True" in out
    assert "identical: True" in out
    assert "Keras parameters: 251   NumPy parameters: 251" in out
    assert "Keras: 3 epochs" in out and "NumPy: 3 epochs" in out

    def number(label: str) -> float:
        return float(re.search(re.escape(label) + r"\s*([\d.e+-]+)", out)[1])

    # Same weights on both sides, so each of these is a forward pass (teacher-forced,
    # the encoder, the autoregressive loop): float32 rounding only, within the
    # cross-check suite's float32 forward tolerance (tests/keras_helpers.py).
    assert number("before training, max |Keras - NumPy| of the outputs:") <= TOL_F32_FORWARD
    assert number("context of window 0, max |Keras - NumPy|:") <= TOL_F32_FORWARD
    assert number("max |Keras - NumPy| of the predictions:") <= TOL_F32_FORWARD
    for name in ("walkthrough_data.png", "walkthrough_loss.png", "walkthrough_predictions.png"):
        assert_nonblank_png(tmp_path / name)
