"""The skip mechanism is real: without TensorFlow a cross-check module skips cleanly,
and with ``NUMPY_SEQ2SEQ_REQUIRE_KERAS=1`` (CI) that skip fails the run.

Each case runs pytest in a subprocess on a real cross-check module, with TensorFlow
made unimportable by a stand-in module placed first on the path.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: A real cross-check module, beside one that needs no TensorFlow (so that something runs).
MODULES = ["tests/test_cross_keras_reference.py", "tests/test_imports.py"]


def run_without_tensorflow(tmp_path: Path, require: bool) -> subprocess.CompletedProcess:
    blocker = tmp_path / "no_tf"
    blocker.mkdir()
    (blocker / "tensorflow.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'tensorflow'\", name='tensorflow')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_SEQ2SEQ_REQUIRE_KERAS"}
    env["PYTHONPATH"] = os.pathsep.join([str(blocker), str(ROOT)])
    if require:
        env["NUMPY_SEQ2SEQ_REQUIRE_KERAS"] = "1"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *MODULES]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_without_tensorflow_a_cross_check_module_skips_cleanly(tmp_path):
    run = run_without_tensorflow(tmp_path, require=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "passed, 1 skipped" in run.stdout and "could not import 'tensorflow'" in run.stdout
    assert "error" not in run.stdout.lower()


def test_in_ci_that_skip_is_a_failure(tmp_path):
    run = run_without_tensorflow(tmp_path, require=True)
    assert run.returncode != 0
    assert "NUMPY_SEQ2SEQ_REQUIRE_KERAS=1 forbids skips" in run.stdout + run.stderr


def test_ci_sets_the_variable_that_forbids_skips():
    """Read by the hook in conftest.py; .ci/run exports it."""
    assert "NUMPY_SEQ2SEQ_REQUIRE_KERAS=1" in (ROOT / ".ci" / "run").read_text()
