"""Shared test set-up.

In CI (``NUMPY_SEQ2SEQ_REQUIRE_KERAS=1``, set by ``.ci/run``) a skipped test is
a failure: the Keras cross-checks must run, not skip.
"""

import os

import pytest

REQUIRE_ALL = os.environ.get("NUMPY_SEQ2SEQ_REQUIRE_KERAS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped:
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} was skipped, and NUMPY_SEQ2SEQ_REQUIRE_KERAS=1 forbids skips "
            f"(reason: {report.longrepr})"
        )
