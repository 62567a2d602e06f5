"""The system packages the browser test needs, checked and (as root, on Debian) installed.

``make test`` runs ``python -m scripts.system_deps --install`` before pytest, so that the
README's command does all the set-up on a fresh machine, not only ``.ci/run``:

* Debian's ``chromium``: ``tests/test_site.py`` drives it with playwright (never a
  downloaded browser);
* a font with Japanese glyphs (``fonts-ipafont-gothic``): without one the Japanese pages
  are drawn as boxes, and the test says so;
* a font with a MathML math table (``fonts-dejavu-extra``): the equations.

As root with ``apt-get`` the missing packages are installed.  Otherwise one line says what
is missing and the command that installs it; the browser tests then skip with that reason
(``skip_reason``), and in CI, where a skip is a failure, the run fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
MATH_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf")


def _has_japanese_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(
        ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=False
    )
    return bool(out.stdout.strip())


@dataclass(frozen=True)
class Requirement:
    what: str  # what the tests need, in words
    package: str  # the Debian package that provides it

    def present(self) -> bool:
        if self.package == "chromium":
            return Path(CHROMIUM).exists()
        if self.package == "fonts-ipafont-gothic":
            return _has_japanese_font()
        return MATH_FONT.exists()


REQUIREMENTS = (
    Requirement(f"a Chromium browser at {CHROMIUM}", "chromium"),
    Requirement("a font with Japanese glyphs", "fonts-ipafont-gothic"),
    Requirement(f"the MathML math font {MATH_FONT.name}", "fonts-dejavu-extra"),
)


def missing() -> list[Requirement]:
    """The requirements this machine lacks, in ``REQUIREMENTS`` order."""
    return [r for r in REQUIREMENTS if not r.present()]


def install_command(reqs: list[Requirement]) -> str:
    return "sudo apt-get install " + " ".join(r.package for r in reqs)


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, in one line, or None when they can."""
    lacking = missing()
    if not lacking:
        return None
    names = ", ".join(r.what for r in lacking)
    return f"missing {names}; install with: {install_command(lacking)}"


def install(log=print) -> bool:
    """Install what is missing with apt-get when running as root.  Returns whether
    everything is present afterwards; never raises for a failed install."""
    lacking = missing()
    if not lacking:
        return True
    packages = [r.package for r in lacking]
    can_apt = hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")
    if can_apt:
        log(f"system packages: apt-get install {' '.join(packages)}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        quiet = dict(env=env, stdout=subprocess.DEVNULL, check=False)
        subprocess.run(["apt-get", "update", "-qq"], **quiet)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], **quiet
        )
    reason = skip_reason()
    if reason:
        log(f"system packages: the browser tests will skip: {reason}")
    return reason is None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="apt-get what is missing (root)")
    args = parser.parse_args(argv)
    if args.install:
        install()
    else:
        print(skip_reason() or "system packages: all present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
