"""The workspace as Jupyter notebooks (``new DIR --notebook``), and the check run inside one.

Each exercise becomes ``ex<number>_<name>.ipynb``: a Markdown cell with the
contract, a cell of imports, one cell per function to fill (the same skeleton
as the ``.py`` file), and a check cell that grades the functions defined in the
notebook and prints the checker's table below it.  The notebooks are plain
nbformat-4 JSON, written with the standard library (NumPy stays the only
dependency).  ``check DIR`` on the command line reads them too
(``source.load_notebook``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import source
from .catalog import BY_NAME
from .checks import check_exercise, report
from .exercise import Context, Exercise, load_golden

KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def _cell(kind: str, text: str, tag: str) -> dict:
    cell = {"cell_type": kind, "metadata": {"tags": [tag]}, "source": text.splitlines(True)}
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    return cell


def notebook(exercise: Exercise, solved: bool) -> dict:
    """One exercise as an nbformat-4 notebook."""
    text = source.exercise_file(exercise, solved)
    doc_end = text.index('"""', 3) + 3
    title, about = text[3 : doc_end - 3].split("\n", 1)
    about = about.split("Check it with:")[0].strip()
    head, *functions = text[doc_end:].split("\n\n\n# ")
    head = head.replace("from __future__ import annotations", "").strip()
    check_it = (
        "The last cell checks your work (`python -m numpy_seq2seq.exercises check DIR "
        f"--only {exercise.name}` does the same from a shell)."
    )
    cells = [
        _cell("markdown", f"# {title}\n\n{about}\n\n{check_it}", "about"),
        _cell(
            "markdown",
            "Run in Jupyter from this folder, or in Colab after installing the package from "
            'its repository: `!pip install "numpy-seq2seq @ git+<the repository\'s URL>"`. '
            "Fill each function cell, run it, then run the check cell.",
            "setup",
        ),
        _cell("code", head + "\n", "imports"),
        *(_cell("code", "# " + f.strip() + "\n", "exercise") for f in functions),
        _cell(
            "code",
            "from numpy_seq2seq.exercises.notebook import check\n\n"
            f'check("{exercise.name}", globals())  # add hint=True for a hint\n',
            "check",
        ),
    ]
    return {
        "cells": cells,
        "metadata": {"kernelspec": KERNEL, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_notebooks(
    directory: str | os.PathLike, exercises: tuple[Exercise, ...], solved: bool, overwrite: bool
) -> list[Path]:
    """Write one notebook per exercise into ``directory`` (made if missing)."""
    directory = Path(directory)
    paths = [directory / Path(e.filename).with_suffix(".ipynb") for e in exercises]
    existing = [p.name for p in paths if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(
            f"{directory} already holds {', '.join(existing)}; refusing to overwrite your work "
            "(pass --force to replace them)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    for e, path in zip(exercises, paths):
        path.write_text(json.dumps(notebook(e, solved), indent=1) + "\n", encoding="utf-8")
    return paths


def check(name: str, namespace: dict, hint: bool = False) -> bool:
    """Grade the functions of exercise ``name`` defined in a notebook's ``namespace``;
    print the checker's report.  Exercise 9 also reads the other exercises' files,
    saved in the notebook's folder."""
    exercise = BY_NAME[name]
    missing = [f.__name__ for _, f in exercise.functions if not callable(namespace.get(f.__name__))]
    if missing:
        print(f"Run the cell that defines {', '.join(missing)} first.")
        return False
    funcs = {f.__name__: namespace[f.__name__] for _, f in exercise.functions}
    result = check_exercise(Context(load_golden(), Path.cwd()), exercise, funcs)
    print(report(result, hint))
    return result.passed
