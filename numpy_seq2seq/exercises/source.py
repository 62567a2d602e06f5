"""Workspaces written from the core's own source, and read back.

``skeleton`` keeps a function's signature and docstring and replaces its body
with a hint; ``solution`` keeps the whole function.  Both read the function
with ``inspect``/``ast`` at the moment they run, so there is no second copy of
any solution.  ``mutant`` makes a known mistake by editing that same source,
so the checker can compute what the mistake would produce.
"""

from __future__ import annotations

import ast
import builtins
import importlib.util
import inspect
import json
import os
import textwrap
import types
from collections.abc import Callable
from pathlib import Path
from typing import Protocol


class Exercise(Protocol):
    """What this module reads of an exercise (``exercise.Exercise``)."""

    number: int
    name: str
    title: str
    functions: tuple
    about: str
    import_comment: str

    @property
    def filename(self) -> str: ...


WRAP = 92


def _parsed(func: Callable) -> tuple[list[str], ast.FunctionDef]:
    """The function's source, dedented to module level, as lines, and its ast node."""
    text = textwrap.dedent(inspect.getsource(func))
    node = ast.parse(text).body[0]
    if not isinstance(node, ast.FunctionDef) or not ast.get_docstring(node):
        raise ValueError(f"{func.__qualname__} must be a function with a docstring")
    return text.splitlines(), node


def _imported_names(module: types.ModuleType) -> dict[str, str]:
    """``from X import name`` as the module itself writes it, relative imports made absolute."""
    found = {}
    for n in ast.parse(inspect.getsource(module)).body:
        if isinstance(n, ast.ImportFrom):
            base = module.__package__ or ""
            for _ in range(n.level - 1):
                base = base.rpartition(".")[0]
            where = f"{base}.{n.module}" if n.level and n.module else n.module or base
            for alias in n.names:
                found[alias.asname or alias.name] = f"from {where} import {alias.name}"
    return found


def _imports(func: Callable, node: ast.FunctionDef) -> list[str]:
    """The import lines the function's body needs: the names of its module it reads."""
    module = inspect.getmodule(func)
    written = _imported_names(module)
    assigned = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
    lines = set()
    for n in ast.walk(node):
        if not (isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)):
            continue
        if n.id in assigned or hasattr(builtins, n.id) or n.id not in vars(module):
            continue
        value = vars(module)[n.id]
        if isinstance(value, types.ModuleType):
            alias = "" if value.__name__ == n.id else f" as {n.id}"
            lines.add(f"import {value.__name__}{alias}")
        elif n.id in written:
            lines.add(written[n.id])
        else:
            lines.add(f"from {getattr(value, '__module__', module.__name__)} import {n.id}")
    return sorted(lines, key=lambda s: (not s.startswith("import"), s))


def skeleton(func: Callable, exercise: Exercise) -> str:
    """The function with its body replaced by a ``raise NotImplementedError``.  No hint:
    hints spell out much of the answer, so they wait behind ``check --hint``."""
    lines, node = _parsed(func)
    indent = " " * node.body[0].col_offset
    head = lines[: node.body[0].end_lineno]  # the signature and the docstring
    message = f"exercise {exercise.number} ({exercise.name}): write {func.__name__}"
    todo = (
        f"{indent}# Your code here, in place of the raise. Stuck? A hint: "
        f"check DIR --only {exercise.name} --hint"
    )
    return "\n".join([*head, todo, f'{indent}raise NotImplementedError("{message}")'])


def still_raises(func: Callable) -> bool:
    """Whether a learner's function is still the skeleton's: its body raises the
    ``NotImplementedError("exercise ...")`` that ``skeleton`` wrote."""
    try:
        node = ast.parse(textwrap.dedent(inspect.getsource(func))).body[0]
    except (OSError, TypeError, SyntaxError):
        return False
    return any(
        isinstance(n, ast.Raise)
        and isinstance(n.exc, ast.Call)
        and getattr(n.exc.func, "id", "") == "NotImplementedError"
        and n.exc.args
        and isinstance(n.exc.args[0], ast.Constant)
        and str(n.exc.args[0].value).startswith("exercise")
        for n in ast.walk(node)
    )


def solution(func: Callable) -> str:
    """The function exactly as the core has it."""
    return "\n".join(_parsed(func)[0])


def mutant(func: Callable, old: str, new: str, *more: str) -> Callable:
    """``func`` with ``old`` replaced by ``new`` in its source (and each further pair in
    ``more``): a known mistake, made on purpose so that its numbers can be compared with a
    learner's."""
    text = solution(func)
    edits = [(old, new), *zip(more[::2], more[1::2])]
    for old, new in edits:
        if text.count(old) != 1:
            raise ValueError(f"{old!r} must occur once in {func.__qualname__}; the core changed")
        text = text.replace(old, new)
    namespace = dict(func.__globals__)
    exec(compile(text, f"<mistake in {func.__qualname__}>", "exec"), namespace)
    return namespace[func.__name__]


def exercise_file(exercise: Exercise, solved: bool) -> str:
    """The text of one workspace file: a docstring, the imports, the function(s)."""
    where = "".join(
        f"\n    {(owner.__name__ + '.') if owner else ''}{f.__name__}, in "
        f"numpy_seq2seq/{inspect.getmodule(f).__name__.split('.', 1)[1].replace('.', '/')}.py"
        for owner, f in exercise.functions
    )
    about = textwrap.fill(exercise.about, WRAP)
    doc = (
        f'"""Exercise {exercise.number}: {exercise.title}.\n\n'
        f"Write the body of:{where}\n\n"
        "The docstring gives the shapes and the equations (docs/bptt.md; the cells':\n"
        "docs/gru.md, docs/lstm.md; attention: docs/attention.md).\n\n"
        f"{about}\n\n"
        "Check it with:\n\n"
        f"    python -m numpy_seq2seq.exercises check DIR --only {exercise.name}\n\n"
        "and add --hint for a hint.\n"
        '"""'
    )
    imports: set[str] = set()
    bodies = []
    # A function the file defines is not imported too (attention's forward calls softmax).
    own = {f.__name__ for owner, f in exercise.functions if owner is None}
    for owner, func in exercise.functions:
        _, node = _parsed(func)
        imports.update(i for i in _imports(func, node) if i.rpartition(" import ")[2] not in own)
        label = f"{owner.__name__}.{func.__name__}" if owner else func.__name__
        text = solution(func) if solved else skeleton(func, exercise)
        bodies.append(f"# {label}\n{text}\n")
    plain = sorted(i for i in imports if i.startswith("import"))
    local = sorted(i for i in imports if not i.startswith("import"))
    if exercise.import_comment:  # e.g. exercise 9: its mse is replaced by the learner's
        local = [f"{i}  # {exercise.import_comment}" for i in local]
    head = "\n\n".join(["\n".join(x) for x in (plain, local) if x])
    return (
        "\n\n".join([doc, "from __future__ import annotations", head])
        + "\n\n\n"
        + ("\n\n".join(bodies))
    )


def write_workspace(
    directory: str | os.PathLike, exercises: tuple[Exercise, ...], solved: bool, overwrite: bool
) -> list[Path]:
    """Write one file per exercise into ``directory`` (made if missing)."""
    directory = Path(directory)
    paths = [directory / e.filename for e in exercises]
    existing = [p.name for p in paths if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(
            f"{directory} already holds {', '.join(existing)}; refusing to overwrite your work "
            "(pass --force to replace them)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    for e, path in zip(exercises, paths):
        path.write_text(exercise_file(e, solved), encoding="utf-8")
    return paths


def load(path: Path, number: int) -> types.ModuleType:
    """Import a learner's file by its path (never from ``sys.path``)."""
    spec = importlib.util.spec_from_file_location(f"numpy_seq2seq_exercise_{number}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_notebook(path: Path, number: int) -> types.ModuleType:
    """A notebook's import and function cells (tags ``imports`` and ``exercise``), run as
    one module: how ``check DIR`` reads a notebook workspace."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n\n".join(
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and {"imports", "exercise"} & set(c["metadata"].get("tags", []))
    )
    module = types.ModuleType(f"numpy_seq2seq_exercise_{number}")
    module.__file__ = str(path)
    exec(compile(code, str(path), "exec"), module.__dict__)
    return module
