"""Run the walkthrough (``examples/seq2seq_sin_cos.py``) cell by cell and keep its outputs.

The walkthrough is a jupytext "percent" file: ``# %%`` starts a code cell and
``# %% [markdown]`` a Markdown cell whose lines start with ``# ``.  Executing it
here, at build time, in one namespace, gives what a notebook would show: each
cell's printed output and its figures.  No Jupyter is needed (nbconvert and a
kernel would add a dozen packages to execute one file).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "seq2seq_sin_cos.py"
CELL = re.compile(r"^# %%(.*)$", re.M)


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    source: str
    output: str = ""
    figures: list[str] = field(default_factory=list)  # file names, in out_dir


def cells(text: str) -> list[Cell]:
    """Split a percent-format file into cells (the jupytext header is dropped)."""
    parts = CELL.split(text)
    found = []
    for marker, body in zip(parts[1::2], parts[2::2]):
        if "[markdown]" in marker:
            lines = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in body.splitlines()]
            found.append(Cell("markdown", "\n".join(lines).strip()))
        elif body.strip():
            found.append(Cell("code", body.strip("\n")))
    return found


def execute(out_dir: Path, path: Path = EXAMPLE, epochs: int | None = None) -> list[Cell]:
    """Run every code cell in order; figures shown with ``plt.show()`` go to ``out_dir``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    result = cells(path.read_text(encoding="utf-8"))
    shown: list[str] = []

    def show(*args, **kwargs) -> None:
        for num in plt.get_fignums():
            name = f"walkthrough_{len(shown) + 1}.png"
            plt.figure(num).savefig(out_dir / name, dpi=90)
            shown.append(name)
        plt.close("all")

    env_before = dict(os.environ)
    if epochs is not None:
        os.environ["SEQ2SEQ_EPOCHS"] = str(epochs)
    os.environ.pop("SEQ2SEQ_FIGURES", None)
    original_show, plt.show = plt.show, show
    namespace: dict = {"__name__": "__main__", "__file__": str(path)}
    cwd = Path.cwd()
    try:
        os.chdir(out_dir)
        for k, cell in enumerate(result):
            if cell.kind != "code":
                continue
            before = len(shown)
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                exec(compile(cell.source, f"{path.name}[cell {k}]", "exec"), namespace)
            cell.output = buffer.getvalue()
            cell.figures = shown[before:]
    finally:
        os.chdir(cwd)
        plt.show = original_show
        os.environ.clear()
        os.environ.update(env_before)
    return result
