"""make test sets up the browser test's system packages (scripts/system_deps.py), and says
in one line what it could not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts import system_deps

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["chromium", "fonts-ipafont-gothic", "fonts-dejavu-extra"]


@pytest.fixture
def nothing_installed(monkeypatch):
    """A machine without the three packages; apt-get calls are recorded, not run."""
    calls = []
    monkeypatch.setattr(system_deps.Requirement, "present", lambda self: False)
    monkeypatch.setattr(system_deps.subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    monkeypatch.setattr(system_deps.shutil, "which", lambda name: f"/usr/bin/{name}")
    return calls


def test_every_package_is_named_with_the_command_that_installs_it(nothing_installed):
    reason = system_deps.skip_reason()
    assert reason.startswith("missing a Chromium browser")
    assert "a font with Japanese glyphs" in reason and "math font" in reason
    assert reason.endswith("install with: sudo apt-get install " + " ".join(PACKAGES))
    assert "\n" not in reason


def test_without_root_nothing_is_installed_and_one_line_says_why(nothing_installed, monkeypatch):
    monkeypatch.setattr(system_deps.os, "geteuid", lambda: 1000)
    said = []
    assert system_deps.install(log=said.append) is False
    assert nothing_installed == []
    assert len(said) == 1 and "the browser tests will skip" in said[0]
    assert "sudo apt-get install chromium" in said[0]


def test_as_root_apt_get_installs_what_is_missing(nothing_installed, monkeypatch):
    monkeypatch.setattr(system_deps.os, "geteuid", lambda: 0)
    said = []
    system_deps.install(log=said.append)
    assert nothing_installed[0] == ["apt-get", "update", "-qq"]
    assert nothing_installed[1][:2] == ["apt-get", "install"]
    assert nothing_installed[1][-3:] == PACKAGES
    assert said[0] == "system packages: apt-get install " + " ".join(PACKAGES)


def test_all_present_needs_nothing(monkeypatch):
    monkeypatch.setattr(system_deps.Requirement, "present", lambda self: True)
    assert system_deps.skip_reason() is None
    assert system_deps.install(log=pytest.fail) is True


def test_make_test_sets_up_the_packages_before_the_tests_and_ci_adds_only_the_no_skip_rule():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test = re.search(r"^test:(.*)$", makefile, re.M)[1]
    assert "system-deps" in test.split()
    assert "scripts.system_deps --install" in makefile
    ci = [
        line
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ci[-2:] == ["export NUMPY_SEQ2SEQ_REQUIRE_KERAS=1", "make test"]
    assert not any("apt-get" in line for line in ci)
