"""The walkthrough without TensorFlow: its NumPy cells run, its Keras cells say they were skipped.

``tests/test_example.py`` runs it with Keras; here TensorFlow is hidden
(``sys.modules["tensorflow"] = None`` makes ``import tensorflow`` fail as on a
machine without it), as for a learner who installed ``.[plot]`` only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from figure_checks import assert_nonblank_png

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "seq2seq_sin_cos.py"
HIDE_TF = (
    "import runpy, sys; sys.modules['tensorflow'] = None; "
    f"runpy.run_path({str(EXAMPLE)!r}, run_name='__main__')"
)


def test_walkthrough_runs_without_tensorflow(tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg", SEQ2SEQ_EPOCHS="3", SEQ2SEQ_FIGURES=str(tmp_path))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    run = subprocess.run(
        [sys.executable, "-c", HIDE_TF],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "the Keras cells will be skipped" in out
    # every Keras cell said so: model, outputs, fit, inference models, predict
    assert out.count("Keras cell skipped (TensorFlow is not installed)") == 5
    assert "Keras parameters" not in out and "Keras:" not in out
    # the NumPy cells did their work
    assert "same series: True" in out
    assert "the seed's loop and make_windows, identical: True" in out
    assert "NumPy parameters: 251" in out
    assert "NumPy: 3 epochs" in out
    for name in ("walkthrough_data.png", "walkthrough_loss.png", "walkthrough_predictions.png"):
        assert_nonblank_png(tmp_path / name)
