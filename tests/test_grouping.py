"""The suite shares its expensive fixtures (the site build, trained models, Keras runs)
through pytest-xdist's ``--dist loadgroup``: tests with one ``xdist_group`` run on one
worker, so a session fixture is built once.  On pytest 9.2 that grouping silently stops
(pytest-xdist issue #1386: the group is written into a node id that pytest 9.2 no longer
reads), which is why pyproject.toml keeps pytest below 9.2.  This test fails if the
grouping is lost again, by that or by any other upgrade.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GROUPED = """
import os
import pytest

pytestmark = pytest.mark.xdist_group("one")


@pytest.mark.parametrize("k", range(4))
def test_where(k, tmp_path_factory):
    out = tmp_path_factory.getbasetemp().parent.parent / "workers"
    out.mkdir(exist_ok=True)
    (out / f"{__name__}-{k}").write_text(os.environ["PYTEST_XDIST_WORKER"])
"""


def test_loadgroup_runs_a_group_on_one_worker(tmp_path: Path) -> None:
    for name in ("test_a.py", "test_b.py"):
        (tmp_path / name).write_text(GROUPED, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q",
         "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "base"), str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    workers = {p.name: p.read_text() for p in (tmp_path / "workers").iterdir()}
    assert len(workers) == 8, workers
    assert len(set(workers.values())) == 1, workers  # two workers, one group: one worker
