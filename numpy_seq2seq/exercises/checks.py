"""The checker: one exercise's functions run through its harness, every tensor compared
with its references, and a failure put into words (a named mistake, a factor, float32).

What an exercise *is* (its functions, harness, references, mistakes) lives in its own file
in ``catalog/``; this module only runs them.  The learner's code runs inside
``grading.run``, which turns anything it raises into a ``Fault``; the checker's own code is
not wrapped, so a bug in the checker shows up as one, never as the learner's mistake.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from . import source
from .exercise import Context, Exercise, Mistake, Out, flatten, float32_lines
from .grading import CORE, Fault, Row, compare, table


class Result(NamedTuple):
    exercise: Exercise
    passed: bool
    rows: list[Row]
    faults: list[str]
    mistakes: list[Mistake]
    notes: list[str]
    demo: list[str]  # lines a mistake's demonstration printed, shown as they are


def load_functions(ctx: Context, exercise: Exercise) -> dict[str, Callable]:
    """The learner's functions of one exercise, by name, or a ``Fault`` saying why not."""
    path = ctx.workspace / exercise.filename
    if not path.is_file() and path.with_suffix(".ipynb").is_file():
        path = path.with_suffix(".ipynb")  # a notebook workspace (new DIR --notebook)
    if not path.is_file():
        raise Fault(
            f"{path} is missing. `python -m numpy_seq2seq.exercises new "
            f"{ctx.workspace}` writes the workspace."
        )
    try:
        load = source.load_notebook if path.suffix == ".ipynb" else source.load
        module = load(path, exercise.number)
    except SyntaxError as err:
        raise Fault(f"{path.name} has a syntax error at line {err.lineno}: {err.msg}.") from None
    except Exception as err:  # the learner's module ran at import and raised: say so
        raise Fault(f"{path.name} could not be loaded: {type(err).__name__}: {err}.") from None
    found = {}
    for _, func in exercise.functions:
        value = getattr(module, func.__name__, None)
        if not callable(value):
            raise Fault(
                f"{path.name} has no function `{func.__name__}`; keep the name and the "
                "signature that the skeleton gave it."
            )
        found[func.__name__] = value
    return found


def _differs(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape != b.shape or not np.allclose(a, b, rtol=1e-9, atol=1e-12)


def named_mistakes(
    ctx: Context, exercise: Exercise, got: dict[str, np.ndarray], right: dict[str, np.ndarray]
) -> list[tuple[Mistake, dict]]:
    """The known mistakes whose numbers are the learner's, where they differ from the right ones."""
    found: list[tuple[Mistake, dict]] = []
    for mistake in exercise.mistakes:
        funcs = exercise.core() | mistake.make(ctx)
        outs, faults = flatten(exercise.harness(ctx, funcs))
        made = {o.label: o.value for o in outs}
        changed = [k for k in made if k in right and _differs(made[k], right[k])]
        if not changed and faults:
            continue
        if changed and all(k in got and not _differs(got[k], made[k]) for k in changed):
            if mistake.name not in [m.name for m, _ in found]:
                found.append((mistake, funcs))
    return found


def _grade(out: Out, right: dict[str, np.ndarray]) -> list[Row]:
    if out.refs:
        return [compare(out.label, out.value, ref.get(), ref.kind) for ref in out.refs]
    return [compare(out.label, out.value, right[out.label], CORE)] if out.label in right else []


def check_exercise(ctx: Context, exercise: Exercise, funcs: dict | None = None) -> Result:
    """Grade one exercise: the learner's functions ``funcs`` (by name), or else the ones
    in the workspace's file."""
    try:
        funcs = load_functions(ctx, exercise) if funcs is None else funcs
    except Fault as fault:
        return Result(exercise, False, [], [str(fault)], [], [], [])
    outs, faults = flatten(exercise.harness(ctx, funcs))
    faults = _once_per_unwritten_function(faults)
    right_outs, right_faults = flatten(exercise.harness(ctx, exercise.core()))
    if right_faults:  # the core must pass its own harness: anything else is a checker bug
        raise RuntimeError(f"exercise {exercise.name}: the core fails its harness: {right_faults}")
    right = {o.label: o.value for o in right_outs}
    rows = [row for out in outs for row in _grade(out, right)]
    passed = not faults and bool(rows) and all(r.close for r in rows)
    notes = float32_notes(ctx, exercise, outs, passed)
    mistakes = []
    if not passed and rows and not notes:
        got = {o.label: o.value for o in outs}
        mistakes = named_mistakes(ctx, exercise, got, right)
        if not mistakes:
            notes = factor_notes(ctx, rows, outs, right)
    demos = [line for m, f in mistakes if m.demo for line in m.demo(ctx, f)]
    if passed and exercise.finale is not None:
        passed, more = exercise.finale(ctx, funcs)
        notes += more
    return Result(exercise, passed, rows, faults, [m for m, _ in mistakes], notes, demos)


def _once_per_unwritten_function(faults: list[str]) -> list[str]:
    """A function not written yet, met by several parts (the decoder's run and the
    encoder's), is said once."""
    seen, kept = set(), []
    for fault in faults:
        name = re.search(r"`([^`]+)`", fault) if "is not written yet" in fault else None
        if name is None or name[1] not in seen:
            kept.append(fault)
        if name is not None:
            seen.add(name[1])
    return kept


def float32_notes(ctx: Context, exercise: Exercise, outs: list[Out], passed: bool) -> list[str]:
    """First things first: results in float32, or float32 buffers in the learner's file."""
    if passed:
        return []
    small = [o.label for o in outs if np.asarray(o.value).dtype == np.float32]
    lines = float32_lines(ctx.workspace / exercise.filename)
    notes = []
    if small:
        notes.append(
            f"{', '.join(small)} {'is' if len(small) == 1 else 'are'} float32: the inputs are "
            "float64, and so must be the result (float32 keeps about 7 digits, so nothing "
            "can match Keras's float64 numbers to 1e-9)."
        )
    if lines:
        notes.append(
            f"{exercise.filename} makes float32 arrays at {', '.join(lines)}. "
            "Deep Learning from Scratch 2 writes np.empty(..., dtype='f'), which is float32; "
            "here everything is float64: use np.empty_like(x) or dtype=x.dtype."
        )
    return notes


def _sizes(ctx: Context) -> dict[str, int]:
    n, t, o = ctx.N, ctx.T, ctx.O
    return {"N": n, "T": t, "O": o, "N·T": n * t, "N·T·O": n * t * o, "T·O": t * o}


def describe_factor(k: float, sizes: dict[str, int]) -> str:
    """``k`` as a fraction, and which of the problem's sizes it might be."""
    frac = Fraction(k).limit_denominator(1000)
    text = f"{k:.6g}" if abs(float(frac) - k) > 1e-9 * abs(k) else str(frac)
    for name, size in sizes.items():
        for scale, label in ((1, ""), (2, "2"), (0.5, "1/2")):
            for inv in (False, True):
                value = scale / size if inv else scale * size
                if abs(k - value) <= 1e-9 * abs(value):
                    inner = f"{label}·{name}" if label else name
                    return f"{text} = {'1/(' + inner + ')' if inv else inner}"
    return text


def factor_notes(ctx: Context, rows: list[Row], outs: list[Out], right: dict) -> list[str]:
    """Tensors that are the reference times one constant: 'off by a factor k'."""
    notes = []
    values = {o.label: np.asarray(o.value, dtype=np.float64) for o in outs}
    for label in dict.fromkeys(r.tensor for r in rows if not r.close):
        got, ref = values.get(label), right.get(label)
        if got is None or ref is None or got.shape != np.shape(ref) or not np.any(ref):
            continue
        ref = np.asarray(ref, dtype=np.float64)
        k = float(np.sum(got * ref) / np.sum(ref * ref))
        if k != 0 and abs(k - 1) > 1e-6 and np.allclose(got, k * ref, rtol=1e-7, atol=1e-13):
            notes.append(
                f"{label} is off by a factor: it is the right value times k = "
                f"{describe_factor(k, _sizes(ctx))}. A constant factor is a scaling mistake "
                "(dividing by N, a missing 2, a mean over the wrong axes), not a wrong formula."
            )
    return notes


def _paragraph(text: str, first: str = "    ", rest: str = "    ") -> str:
    return textwrap.fill(text, 96, initial_indent=first, subsequent_indent=rest)


def report(result: Result, hint: bool = False) -> str:
    """One exercise, as the learner reads it: the table, what went wrong, the verdict."""
    e = result.exercise
    lines = [table(result.rows)] if result.rows else []
    lines += [_paragraph(f) for f in result.faults]
    lines += [_paragraph(n) for n in result.notes]
    lines += [
        _paragraph(f"Looks like {m.name}: {m.explain}", rest="      ") for m in result.mistakes
    ]
    lines += result.demo
    if not result.passed and result.rows and not (result.mistakes or result.notes):
        bad = [r.tensor for r in result.rows if not r.close]
        if bad:
            lines.append(
                _paragraph(
                    "Off: " + ", ".join(dict.fromkeys(bad)) + ". No known mistake gives these "
                    "numbers; compare your code with the equations its docstring cites."
                )
            )
    if hint and not result.passed:
        for (owner, func), text in zip(e.functions, e.hints):
            name = f"{owner.__name__}.{func.__name__}" if owner else func.__name__
            lines.append(_paragraph(f"Hint for {name}: {text}", rest="      "))
    lines.append(f"  -> exercise {e.number} ({e.name}): {'PASS' if result.passed else 'FAIL'}")
    return "\n".join(lines)
