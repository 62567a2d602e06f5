"""The package's shape: a core that imports NumPy alone, no import cycles, and a training
step short enough to read.

The reading-path test runs a real one-batch, one-epoch ``fit`` under ``sys.setprofile``
and counts every line of every package function that ran (docstrings included): that
is what a learner reads to follow one training step from ``fit`` to the weight update.
"""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

import numpy as np

import numpy_seq2seq
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos

PACKAGE = Path(numpy_seq2seq.__file__).resolve().parent
CORE = PACKAGE / "core"

#: The budget of issue 10: what a learner must read to follow one training step.
MAX_LINES, MAX_FILES = 250, 5


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file (function bodies and
    ``if TYPE_CHECKING:`` blocks included), as absolute names."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = node.module or ""
            if node.level:
                target = f"{base}.{target}" if target else base
            if node.module:
                found.add(target)
            # `from . import io` imports the module numpy_seq2seq.io (the package
            # itself is already importing: that is no edge back to it)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def package_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {m for m in imports_of(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def test_there_are_no_import_cycles_not_even_inside_functions():
    graph = package_graph()
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                raise AssertionError("import cycle: " + " -> ".join([*path, node, nxt]))
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_the_core_imports_numpy_and_itself_only():
    allowed_outside = {"numpy", "__future__", "typing"}
    for path in CORE.rglob("*.py"):
        for name in imports_of(path):
            top = name.split(".")[0]
            inside_core = name.startswith("numpy_seq2seq.core")
            assert inside_core or top in allowed_outside, f"{path.name} imports {name}"


def test_the_shell_is_never_imported_by_the_core():
    graph = package_graph()
    for name, deps in graph.items():
        if name.startswith("numpy_seq2seq.core"):
            shell = [d for d in deps if not d.startswith("numpy_seq2seq.core")]
            assert not shell, f"{name} imports the shell: {shell}"


def functions_run_by_one_training_step(attention=None) -> dict[str, list[tuple[str, int]]]:
    """{file: [(function, lines)]} for every package function a one-batch,
    one-epoch ``fit`` (with its validation batch) runs."""
    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
    ex, dx, dy = ex[:20], dx[:20], dy[:20]  # 16 train (one batch of 16), 4 validate
    model = Seq2Seq(seed=0, attention=attention)
    seen: dict = {}

    def profile(frame, event, arg):
        code = frame.f_code
        path = Path(code.co_filename).resolve()
        if event == "call" and PACKAGE in path.parents and not code.co_name.startswith("<"):
            seen[code] = path

    sys.setprofile(profile)
    try:
        history = model.fit([ex, dx], dy, batch_size=16, epochs=1)
    finally:
        sys.setprofile(None)
    assert len(history.history["loss"]) == 1 and model.optimizer.iterations == 1
    by_file: dict[str, list[tuple[str, int]]] = {}
    for code, path in seen.items():
        lines, _ = inspect.getsourcelines(code)
        by_file.setdefault(str(path.relative_to(PACKAGE)), []).append((code.co_name, len(lines)))
    return by_file


def report_path(capsys, title: str, by_file: dict) -> int:
    """Print the path, file by file, for whoever wants to read it; return its length."""
    total = sum(n for funcs in by_file.values() for _, n in funcs)
    with capsys.disabled():
        print(f"\n{title}: {total} lines in {len(by_file)} files")
        for name, funcs in sorted(by_file.items()):
            print(f"  {name}: {sum(n for _, n in funcs)} lines: " + ", ".join(f for f, _ in funcs))
    return total


def test_one_training_step_is_a_short_read(capsys):
    by_file = functions_run_by_one_training_step()
    total = report_path(capsys, "one training step", by_file)
    # the math is on the path: the layers, the loss and Adam all ran
    ran = {f for funcs in by_file.values() for f, _ in funcs}
    assert {"forward", "backward", "step", "mse", "update", "commit"} <= ran
    assert total <= MAX_LINES, by_file
    assert len(by_file) <= MAX_FILES, sorted(by_file)


def test_the_functions_that_compute_the_math_hold_no_guards():
    """No try/except, no raise and no isfinite in the core's math functions: the
    guards live in the shell (model.py)."""
    math_functions = {"forward", "backward", "step", "mse", "update", "predict", "encode"}
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name in math_functions:
                for inner in ast.walk(node):
                    assert not isinstance(inner, (ast.Try, ast.Raise)), (path.name, node.name)
                    if isinstance(inner, ast.Attribute):
                        assert inner.attr != "isfinite", (path.name, node.name)


def test_backward_records_the_gradient_on_every_state_without_extra_arguments():
    """The gradient-flow figure reads ``dh`` after backward, as DLFS2's TimeRNN keeps ``dh``."""
    rng = np.random.default_rng(0)
    model = Seq2Seq(hidden=4, dtype="float64", seed=1)
    ex, dx, dy = (rng.standard_normal((3, 5, 1)) for _ in range(3))
    model.loss_and_grads(ex, dx, dy)
    assert model.e_rnn.dh.shape == model.d_rnn.dh.shape == (3, 5, 4)
    params = inspect.signature(type(model.d_rnn).backward).parameters
    assert list(params) == ["self", "dhs", "dh_last"]


#: With attention the step reads more: the attention layer (core/attention.py) and the
#: attention wiring (AttentionSeq2SeqNet) come on top of the cells, Dense and Adam.
MAX_LINES_ATTENTION, MAX_FILES_ATTENTION = 300, 6  # 289 lines when written


def test_one_training_step_with_attention_reports_its_path(capsys):
    """The second reading path: one training step of ``Seq2Seq(attention="dot")``."""
    by_file = functions_run_by_one_training_step(attention="dot")
    total = report_path(capsys, "one training step with attention", by_file)
    ran = {f for funcs in by_file.values() for f, _ in funcs}
    assert {"score", "softmax", "softmax_backward", "score_backward"} <= ran
    assert "core/attention.py" in by_file
    assert total <= MAX_LINES_ATTENTION, by_file
    assert len(by_file) <= MAX_FILES_ATTENTION, sorted(by_file)
