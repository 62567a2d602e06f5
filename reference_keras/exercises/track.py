"""The Keras track: the seed's models and inference loop, written by the learner, graded here.

Two exercises, each a function of ``reference_keras`` with its body blanked (the
skeleton is read from our source when ``new`` runs, so it cannot drift):

1. ``build_models``: ``model_train``, ``model_pred_e`` and the one-step
   ``pred_d_model`` that must *share* ``d_rnn`` and ``d_dense`` with ``model_train``;
2. ``predict``: the loop that starts the decoder from the context and a zero
   input, feeds each output back and carries the state (both states of an LSTM).

The checker builds our models and the learner's for each cell, loads the same
weights into both ``model_train`` (``set_weights``) and compares every output:
the training model, the context, one decoder step, the predictions.  Known
mistakes are named from the models' structure (a decoder with weights of its
own, a state missing) or, as in the NumPy track, by running our function with
one edit and finding the learner's numbers to be its numbers.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import inspect
import json
import textwrap
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import tensorflow as tf

from ..inference import predict
from ..models import build_models, floatx

#: The problem: every size different (so a swapped axis cannot pass), in float64.
N, STEPS, ENC, DEC, HIDDEN, PREDICT_STEPS = 6, 5, 2, 3, 4, 7
CELLS = ("simple_rnn", "gru", "lstm")
RTOL, ATOL = 1e-9, 1e-12


class Fault(Exception):
    """The learner's code raised, returned the wrong kind of thing, or could not load."""


class Mistake(NamedTuple):
    name: str
    explain: str


@dataclass(frozen=True)
class KerasExercise:
    number: int
    name: str
    title: str
    function: Callable
    imports: str
    about: str
    hint: str
    #: (the learner's function, the workspace) -> (rows, faults, named mistakes)
    grade: Callable[[Callable, Path], tuple[list, list[str], list]]

    @property
    def filename(self) -> str:
        return f"ex{self.number}_{self.name}.py"


# -- workspaces -------------------------------------------------------------------------------
def _source(func: Callable) -> tuple[list[str], ast.FunctionDef]:
    text = textwrap.dedent(inspect.getsource(func))
    return text.splitlines(), ast.parse(text).body[0]


def exercise_file(e: KerasExercise, solved: bool) -> str:
    lines, node = _source(e.function)
    if solved:
        body = "\n".join(lines)
    else:
        indent = " " * node.body[0].col_offset
        message = f"exercise {e.number} ({e.name}): write {e.function.__name__}"
        body = "\n".join(
            [
                *lines[: node.body[0].end_lineno],
                f"{indent}# Your code here. Stuck? check DIR --only {e.name} --hint",
                f'{indent}raise NotImplementedError("{message}")',
            ]
        )
    doc = textwrap.fill(e.about, 92)
    return (
        f'"""Keras exercise {e.number}: {e.title}.\n\n{doc}\n\nCheck it with:\n\n'
        f'    python -m reference_keras.exercises check DIR --only {e.name}\n"""\n\n'
        f"from __future__ import annotations\n\n{e.imports}\n\n\n{body}\n"
    )


def write_workspace(
    directory: Path, solved: bool, overwrite: bool, notebooks: bool = False
) -> list[Path]:
    suffix = ".ipynb" if notebooks else ".py"
    paths = [directory / Path(e.filename).with_suffix(suffix) for e in EXERCISES]
    existing = [p.name for p in paths if p.exists()]
    if existing and not overwrite:
        raise FileExistsError(
            f"{directory} already holds {', '.join(existing)}; refusing to overwrite your work "
            "(pass --force to replace them)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    for e, path in zip(EXERCISES, paths):
        text = json.dumps(notebook(e, solved), indent=1) + "\n" if notebooks else None
        path.write_text(text or exercise_file(e, solved), encoding="utf-8")
    return paths


def notebook(e: KerasExercise, solved: bool) -> dict:
    """The exercise as an nbformat-4 notebook: the contract, the imports, the function to
    fill, and a check cell that grades the function defined in the notebook."""
    text = exercise_file(e, solved)
    doc_end = text.index('"""', 3) + 3
    title, about = text[3 : doc_end - 3].split("\n", 1)
    about = about.split("Check it with:")[0].strip()
    code = text[doc_end:].replace("from __future__ import annotations", "").strip()
    imports, function = code.split("\n\n\n", 1)

    def cell(kind: str, source: str, tag: str) -> dict:
        c = {"cell_type": kind, "metadata": {"tags": [tag]}, "source": source.splitlines(True)}
        return c | ({"execution_count": None, "outputs": []} if kind == "code" else {})

    check_cell = (
        "from reference_keras.exercises.track import check_notebook\n\n"
        f'check_notebook("{e.name}", globals())  # add hint=True for a hint\n'
    )
    return {
        "cells": [
            cell("markdown", f"# {title}\n\n{about}", "about"),
            cell(
                "markdown",
                "Needs TensorFlow (in Colab it is there). Fill the function's cell, run it, then "
                "run the check cell, which prints the checker's table.",
                "setup",
            ),
            cell("code", imports + "\n", "imports"),
            cell("code", function.strip() + "\n", "exercise"),
            cell("code", check_cell, "check"),
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def check_notebook(name: str, namespace: dict, hint: bool = False) -> bool:
    """Grade the function of Keras exercise ``name`` defined in a notebook's ``namespace``."""
    e = BY_NAME[name]
    func = namespace.get(e.function.__name__)
    if not callable(func):
        print(f"Run the cell that defines {e.function.__name__} first.")
        return False
    rows, faults, mistakes = e.grade(func, Path.cwd())
    passed, text = report(e, rows, faults, mistakes, hint)
    print(text)
    return passed


def load(directory: Path, e: KerasExercise) -> Callable:
    path = directory / e.filename
    if not path.is_file():
        raise Fault(f"{path} is missing; `new {directory}` writes the workspace.")
    spec = importlib.util.spec_from_file_location(f"keras_exercise_{e.number}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as err:
        raise Fault(f"{path.name} has a syntax error at line {err.lineno}: {err.msg}.") from None
    except Exception as err:  # the learner's module raised at import: say so
        raise Fault(f"{path.name} could not be loaded: {type(err).__name__}: {err}.") from None
    func = getattr(module, e.function.__name__, None)
    if not callable(func):
        raise Fault(f"{path.name} has no function `{e.function.__name__}`.")
    return func


def mutant(func: Callable, old: str, new: str) -> Callable:
    """``func`` with one edit of its source: a known mistake, made on purpose."""
    text = "\n".join(_source(func)[0])
    if text.count(old) != 1:
        raise ValueError(f"{old!r} must occur once in {func.__qualname__}; the source changed")
    namespace = dict(func.__globals__)
    exec(compile(text.replace(old, new), f"<mistake in {func.__qualname__}>", "exec"), namespace)
    return namespace[func.__name__]


def call(func: Callable, what: str, workspace: Path, *args):
    """Run the learner's function; anything it raises becomes one paragraph."""
    try:
        return func(*args)
    except Exception as err:  # the learner's code may raise anything; we explain it
        if isinstance(err, NotImplementedError) and str(err).startswith("exercise"):
            raise Fault(
                f"{what} is not written yet: it still raises NotImplementedError."
            ) from None
        frames = [
            f
            for f in traceback.extract_tb(err.__traceback__)
            if Path(f.filename).resolve().parent == workspace.resolve()
        ]
        where = f" at line {frames[-1].lineno} (`{frames[-1].line}`)" if frames else ""
        text = f"{what} raised {type(err).__name__}{where}: {str(err).splitlines()[0]}"
        # Keras 3 raises this (keras/src/backend/common/keras_tensor.py, KerasTensor.__iter__)
        # when `_, state = layer(x)` unpacks the one tensor a layer without return_state gives
        if "Iterating over a symbolic KerasTensor" in str(err):
            raise Fault(text + ".", RETURN_STATE) from None
        raise Fault(text + ".") from None


RETURN_STATE = Mistake(
    "return_state missing",
    "a recurrent layer returns its final state(s) only when built with return_state=True; "
    "without it the call returns one tensor, and `_, state = layer(x)` tries to unpack it.",
)
NOT_SHARED = Mistake(
    "an inference decoder that doesn't share the trained layers",
    "pred_d_model must call the same d_rnn and d_dense objects as model_train: a new "
    "SimpleRNN(...) has weights of its own, which training never touches.",
)
ONE_STATE = Mistake(
    "the LSTM given one state",
    "an LSTM carries two states, h and c: its context is [h, c] (return_state gives both), "
    "the decoder's initial_state is [h, c], and pred_d_model takes and returns both.",
)
NOT_CARRIED = Mistake(
    "a state that is not carried between steps",
    "the states pred_d_model returns at each step must be the ones it receives at the next; "
    "otherwise every step restarts the decoder from the context.",
)
NOT_FED = Mistake(
    "the output never fed back",
    "the decoder's next input is its own previous output y, not zero at every step.",
)


# -- grading ------------------------------------------------------------------------------------
class Row(NamedTuple):
    tensor: str
    close: bool
    max_diff: float


def compare(label: str, got, expected) -> Row:
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return Row(f"{label} (shape {got.shape}, ours {expected.shape})", False, float("nan"))
    diff = float(np.max(np.abs(got - expected))) if got.size else 0.0
    return Row(label, bool(np.allclose(got, expected, rtol=RTOL, atol=ATOL)), diff)


def _as_list(x) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def problem(cell: str):
    """Our three models for ``cell`` with fixed random weights, and fixed inputs."""
    rng = np.random.default_rng(20261130 + CELLS.index(cell))
    ours = build_models(ENC, DEC, HIDDEN, STEPS, "float64", cell)
    weights = [0.5 * rng.standard_normal(w.shape) for w in ours[0].get_weights()]
    ours[0].set_weights(weights)
    ex = rng.uniform(-1, 1, (N, STEPS, ENC))
    dx = rng.uniform(-1, 1, (N, STEPS, DEC))
    return ours, weights, ex, dx


def check_models(func: Callable, workspace: Path) -> tuple[list[Row], list[str], list[Mistake]]:
    rows, faults, mistakes = [], [], []
    for cell in CELLS:
        with floatx("float64"):
            (r_train, r_e, r_d), weights, ex, dx = problem(cell)
            try:
                built = call(
                    func,
                    f"Your build_models(cell={cell!r})",
                    workspace,
                    ENC,
                    DEC,
                    HIDDEN,
                    STEPS,
                    "float64",
                    cell,
                )
                more, named = _grade_models(cell, built, (r_train, r_e, r_d), weights, ex, dx)
                rows += more
                mistakes += [m for m in named if m not in mistakes]
            except Fault as fault:
                faults.append(str(fault.args[0]))
                mistakes += [m for m in fault.args[1:] if m not in mistakes]
    return rows, faults, mistakes


def _grade_models(cell, built, ours, weights, ex, dx) -> tuple[list[Row], list[Mistake]]:
    r_train, r_e, r_d = ours
    if not (isinstance(built, tuple) and len(built) == 3):
        raise Fault("build_models must return (model_train, model_pred_e, pred_d_model).")
    if not all(isinstance(m, tf.keras.Model) for m in built):
        raise Fault("each of the three must be a keras Model (tf.keras.Model(inputs, outputs)).")
    m_train, m_e, m_d = built
    named = []
    trained = {id(v) for v in m_train.weights}
    if any(id(v) not in trained for v in m_d.weights):
        named.append(NOT_SHARED)
    if any(id(v) not in trained for v in m_e.weights):
        named.append(Mistake(NOT_SHARED.name, "model_pred_e must reuse model_train's e_rnn."))
    states = 2 if cell == "lstm" else 1
    if len(m_d.outputs) < 1 + states and len(m_d.inputs) == 1 + states:
        named.append(RETURN_STATE)
    if cell == "lstm" and (len(m_e.outputs) != 2 or len(m_d.inputs) != 3):
        named.append(ONE_STATE)
    try:
        m_train.set_weights(weights)
    except ValueError:
        shapes = [tuple(w.shape) for w in m_train.weights]
        raise Fault(
            f"{cell}: your model_train's weights have shapes {shapes}; the seed's are "
            f"{[w.shape for w in weights]} (e_rnn, d_rnn, then d_output).",
            *named,
        ) from None
    ex, dx = tf.constant(ex), tf.constant(dx)
    run = lambda m, x, what: call(m, f"Your {what} ({cell})", Path("."), x)  # noqa: E731
    try:
        y_train = run(m_train, [ex, dx], "model_train([ex, dx])")
    except Fault as fault:  # keras/src/layers/rnn/lstm.py reads initial_state[1]: one state
        # raises there, when the model is called (building it with one state succeeds)
        lstm_state = cell == "lstm" and "LSTM.call" in fault.args[0]
        raise Fault(fault.args[0], *named, *([ONE_STATE] if lstm_state else [])) from None
    rows = [compare(f"{cell}: model_train([ex, dx])", y_train, r_train([ex, dx]))]
    ctx_ours = _as_list(r_e([ex]))
    ctx = _as_list(run(m_e, [ex], "model_pred_e([ex])"))
    names = ["h", "c"] if cell == "lstm" else ["state"]
    if len(ctx) != len(ctx_ours):
        rows.append(
            Row(
                f"{cell}: model_pred_e(ex) gives {len(ctx)} state(s), not {len(ctx_ours)}",
                False,
                float("nan"),
            )
        )
    else:
        rows += [
            compare(f"{cell}: model_pred_e(ex) {n}", a, b) for n, a, b in zip(names, ctx, ctx_ours)
        ]
    y0 = tf.zeros((N, 1, DEC), tf.float64)
    if len(m_d.inputs) != len(r_d.inputs):
        rows.append(
            Row(
                f"{cell}: pred_d_model takes {len(m_d.inputs)} inputs, not {len(r_d.inputs)}",
                False,
                float("nan"),
            )
        )
    else:
        got = _as_list(run(m_d, [y0, *ctx_ours], "pred_d_model([y, *states])"))
        want = _as_list(r_d([y0, *ctx_ours]))
        if len(got) != len(want):
            rows.append(
                Row(
                    f"{cell}: pred_d_model returns {len(got)} outputs, not {len(want)}",
                    False,
                    float("nan"),
                )
            )
        else:
            labels = ["y", *names]
            rows += [
                compare(f"{cell}: pred_d_model one step {n}", a, b)
                for n, a, b in zip(labels, got, want)
            ]
    return rows, named


PREDICT_MISTAKES = (
    (
        NOT_CARRIED,
        "y, *states = pred_d_model([y, *states], training=False)",
        "y, *_ = pred_d_model([y, *states], training=False)",
    ),
    (
        NOT_FED,
        "outputs.append(np.asarray(y)[:, 0])",
        "outputs.append(np.asarray(y)[:, 0]); y = 0 * y",
    ),
)


def check_predict(func: Callable, workspace: Path) -> tuple[list[Row], list[str], list[Mistake]]:
    rows, faults, mistakes = [], [], []
    for cell in CELLS:
        with floatx("float64"):
            (_, r_e, r_d), _, ex, _ = problem(cell)
            want = predict(r_e, r_d, ex, PREDICT_STEPS)
            try:
                got = call(func, f"Your predict ({cell})", workspace, r_e, r_d, ex, PREDICT_STEPS)
            except Fault as fault:
                faults.append(str(fault.args[0]))
                continue
            if not isinstance(got, np.ndarray):
                got = np.asarray(got)
            row = compare(f"{cell}: predict, {PREDICT_STEPS} steps", got, want)
            rows.append(row)
            if row.close:
                continue
            for mistake, old, new in PREDICT_MISTAKES:
                made = mutant(predict, old, new)(r_e, r_d, ex, PREDICT_STEPS)
                if got.shape == made.shape and np.allclose(got, made, rtol=RTOL, atol=ATOL):
                    mistakes += [mistake] if mistake not in mistakes else []
    return rows, faults, mistakes


EXERCISES = (
    KerasExercise(
        1,
        "models",
        "the seed's three models, for every cell",
        build_models,
        "import tensorflow as tf\n\n"
        "from reference_keras.models import _DTYPES, CELLS, _check_positive_int",
        "Write the seed's step 1 and step 4: the training model and the two inference models. "
        "model_train([ex, dx]) -> y; model_pred_e(ex) -> the context, the encoder's state(s); "
        "pred_d_model([y_t, *states]) -> [y_{t+1}, *states], ONE decoder step that uses the "
        "very d_rnn and d_dense layer objects of model_train (the trained weights live in "
        "them). An LSTM has two states, h and c: its context and the decoder's states are "
        "both. The checker builds yours for cell = 'simple_rnn', 'gru' and 'lstm', loads our "
        "weights into your model_train and compares every output with ours.",
        "Create each layer once (e_rnn with return_state=True; d_rnn with "
        "return_sequences=True and return_state=True; d_dense), call them in model_train, "
        "then call the same d_rnn and d_dense again on a (1, dec_tokens) Input with state "
        "Inputs of shape (hidden,) (one per state) for pred_d_model. A layer returns its "
        "states only with return_state=True: `_, *states = layer(x)`.",
        check_models,
    ),
    KerasExercise(
        2,
        "predict",
        "the inference loop",
        predict,
        "import numpy as np\nimport tensorflow as tf\n\n"
        "# the checks our predict makes first (its input; no attention model)\n"
        "from reference_keras.inference import _check_windows_and_steps, _has_attention\n"
        "from reference_keras.models import floatx, model_dtype",
        "Write the seed's step 5 for every window at once: encode, start the decoder from the "
        "context and a zero input, and run it one step at a time, feeding each output back "
        "as the next input. The checker runs yours with our models for every cell, the LSTM's "
        "[h, c] included, for 7 steps (more than the windows').",
        "states = model_pred_e(ex) (a list: one state, or [h, c]); y = zeros (N, 1, dec); "
        "then each step y, *states = pred_d_model([y, *states]): the new states replace the "
        "old ones, and y is both an output to keep and the next input.",
        check_predict,
    ),
)
BY_NAME = {e.name: e for e in EXERCISES} | {str(e.number): e for e in EXERCISES}


def report(e: KerasExercise, rows, faults, mistakes, hint: bool) -> tuple[bool, str]:
    passed = bool(rows) and not faults and not mistakes and all(r.close for r in rows)
    out = []
    if rows:
        width = max(len(r.tensor) for r in rows)
        out.append(f"    {'output':<{width}}  vs ours: allclose  max|diff|")
        out += [
            f"    {r.tensor:<{width}}           {'yes' if r.close else 'NO':<8}  {r.max_diff:9.1e}"
            for r in rows
        ]

    def fill(s, rest="    "):
        return textwrap.fill(s, 96, initial_indent="    ", subsequent_indent=rest)

    out += [fill(f) for f in faults]
    out += [fill(f"Looks like {m.name}: {m.explain}", "      ") for m in mistakes]
    if hint and not passed:
        out.append(fill(f"Hint: {e.hint}", "      "))
    out.append(f"  -> Keras exercise {e.number} ({e.name}): {'PASS' if passed else 'FAIL'}")
    return passed, "\n".join(out)


def check(directory: Path, only: list[str] | None, hint: bool) -> int:
    chosen = sorted({BY_NAME[n] for n in only}, key=lambda e: e.number) if only else EXERCISES
    passed = []
    for e in chosen:
        print(f"[Keras exercise {e.number}] {e.name}: {e.title} ({e.filename})", flush=True)
        try:
            rows, faults, mistakes = e.grade(load(directory, e), directory)
        except Fault as fault:
            rows, faults, mistakes = [], [str(fault.args[0])], []
        ok, text = report(e, rows, faults, mistakes, hint)
        print(text, flush=True)
        passed.append(ok)
    failed = [e.name for e, ok in zip(chosen, passed) if not ok]
    tail = f" Next to fix: {failed[0]}." if failed else ""
    print(f"\n{sum(passed)} of {len(chosen)} exercise(s) pass.{tail}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reference_keras.exercises",
        description="The Keras track: write the seed's models and inference loop yourself.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("new", "write a workspace of skeletons into DIR"),
        ("solve", "write the reference solutions into DIR (for teachers)"),
        ("check", "grade the exercises in DIR; exit 0 only when all pass"),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("dir", type=Path, metavar="DIR")
        if name == "check":
            p.add_argument(
                "--only", action="append", metavar="NAME", help="models or predict (repeatable)"
            )
            p.add_argument(
                "--hint", action="store_true", help="add a hint to each exercise that fails"
            )
        else:
            p.add_argument("--force", action="store_true", help="overwrite existing files")
            p.add_argument(
                "--notebook", action="store_true", help="write Jupyter notebooks (.ipynb)"
            )
    args = parser.parse_args(argv)
    if args.command == "check":
        unknown = [n for n in args.only or () if n not in BY_NAME]
        if unknown:
            parser.error(
                f"--only must be 1, 2, models or predict; got {', '.join(map(repr, unknown))}"
            )
        if not args.dir.is_dir():
            print(f"error: {args.dir} is not a directory; `new {args.dir}` writes a workspace")
            return 2
        return check(args.dir, args.only, args.hint)
    try:
        paths = write_workspace(args.dir, args.command == "solve", args.force, args.notebook)
    except FileExistsError as err:
        parser.exit(2, f"error: {err}\n")
    kind = "reference solutions" if args.command == "solve" else "skeletons"
    print(f"Wrote {len(paths)} files of {kind} into {args.dir}:")
    width = max([16] + [len(p.name) for p in paths])
    for e, p in zip(EXERCISES, paths):
        print(f"  {p.name:<{width}}  Keras exercise {e.number}: {e.title}")
    print(f"Next: python -m reference_keras.exercises check {args.dir}")
    return 0
