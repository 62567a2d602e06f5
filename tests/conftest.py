"""Shared test set-up.

The Keras cross-check modules start with ``pytest.importorskip("tensorflow")``: on a
machine without TensorFlow they skip cleanly.  In CI (``NUMPY_SEQ2SEQ_REQUIRE_KERAS=1``,
set by ``.ci/run``) a skip is a failure instead, whether a whole module skipped at
collection or a single test skipped as it ran: the cross-checks must run.
``tests/test_skips.py`` shows both behaviours.
"""

import os

import pytest

REQUIRE_ALL = os.environ.get("NUMPY_SEQ2SEQ_REQUIRE_KERAS") == "1"


def _forbid(report, what: str) -> None:
    report.outcome = "failed"
    report.longrepr = (
        f"{what} was skipped, and NUMPY_SEQ2SEQ_REQUIRE_KERAS=1 forbids skips "
        f"(reason: {report.longrepr})"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped:  # e.g. a module whose importorskip skipped it
        _forbid(report, collector.nodeid)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped:
        _forbid(report, item.nodeid)
