"""How a learner's numbers are compared, and how a failure is put into words.

A ``Row`` compares one tensor with one reference, the way Karpathy's ``cmp()``
does: exactly equal, close, or off, and by how much.  ``Fault`` is what a
learner's function that raised, or returned the wrong thing, becomes: one
paragraph, not a traceback.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..gradcheck import relative_error

#: A reference the learner's tensor must match, and how closely (elementwise allclose).
#: Keras's numbers in float64: a correct function differs by rounding, about 1e-16.
GOLDEN = ("Keras golden", 1e-9, 1e-12)
#: Central differences (numpy_seq2seq.gradcheck's step ladder) are good to about 1e-8.
NUMERICAL = ("central diff.", 1e-6, 1e-9)
#: The seed's own windowing loop (``reference_keras.data``): windows are copies, so exact.
SEED_LOOP = ("the seed's loop", 0.0, 0.0)
#: Our own core (used where Keras has no such tensor, e.g. the gradient on h_0).
CORE = ("numpy_seq2seq core", 1e-9, 1e-12)


class Row(NamedTuple):
    """One tensor against one reference."""

    tensor: str
    reference: str
    exact: bool
    close: bool
    max_diff: float
    rel_error: float


def compare(tensor: str, got, expected, reference: tuple = GOLDEN) -> Row:
    """``got`` (already checked for shape) against ``expected``."""
    label, rtol, atol = reference
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:  # graded all the same: the row says "shape"
        return Row(tensor, label, False, False, float("nan"), float("nan"))
    diff = float(np.max(np.abs(got - expected))) if got.size else 0.0
    close = bool(np.allclose(got, expected, rtol=rtol, atol=atol))
    return Row(
        tensor,
        label,
        bool(np.array_equal(got, expected)),
        close,
        diff,
        relative_error(got, expected),
    )


def table(rows: list[Row]) -> str:
    """The rows as an aligned text table."""
    width = max([len(r.tensor) for r in rows] + [6])
    head = f"    {'tensor':<{width}}  {'reference':<18}  exact  allclose  max|diff|  rel.error"
    lines = [head]
    for r in rows:
        diffs = (
            f"{r.max_diff:9.1e}  {r.rel_error:9.1e}"
            if r.max_diff == r.max_diff
            else (
                f"{'shape':>9}  {'shape':>9}"  # NaN: the shapes differ
            )
        )
        lines.append(
            f"    {r.tensor:<{width}}  {r.reference:<18}  {'yes' if r.exact else 'no':<5}  "
            f"{'yes' if r.close else 'NO':<8}  {diffs}"
        )
    return "\n".join(lines)


class Fault(Exception):
    """A learner's function raised, returned the wrong kind of thing, or could not load."""


def describe_exception(err: BaseException, what: str, workspace: Path, args: dict) -> str:
    """One paragraph: who raised what, at which line of the learner's files, with the shapes."""
    if isinstance(err, NotImplementedError) and str(err).startswith("exercise"):
        name = str(err).rpartition(" write ")[2]  # the skeleton that raised
        if name and f"`{name}`" not in what and f".{name}`" not in what:  # called by `what`
            return (
                f"`{name}` is not written yet, and {what[:1].lower() + what[1:]} calls it: it "
                "still raises NotImplementedError. Write it first."
            )
        return (
            f"{what} is not written yet: it still raises NotImplementedError. "
            "Replace the `raise` line with the body its docstring describes."
        )
    frames = [
        f
        for f in traceback.extract_tb(err.__traceback__)
        if Path(f.filename).resolve().parent == workspace.resolve() or _in_notebook(f.filename)
    ]
    where = ""
    if frames:
        where = f" at line {frames[-1].lineno} of {Path(frames[-1].filename).name} "
        where += f"(`{frames[-1].line}`)"
    if isinstance(err, ValueError) and "read-only" in str(err) and frames:
        return (
            f"{what} wrote into one of its inputs{where}. An input such as dhs belongs to the "
            "caller (the model keeps it), and a slice of it like dhs[:, t] is a view, not a "
            "copy: `+=` on the view writes into dhs itself. Make a new array with `+` instead."
        )
    shapes = ", ".join(f"{k} {_shape(v)}" for k, v in args.items())
    called = f" It was called with {shapes}." if shapes else ""
    return f"{what} raised {type(err).__name__}{where}: {err}.{called}"


def _in_notebook(filename: str) -> bool:
    """A frame of a Jupyter cell (ipykernel names each cell's code by a temporary file)."""
    return "ipykernel" in filename or filename.startswith("<ipython-input")


def _shape(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"{value.shape}"
    if isinstance(value, (list, tuple)):
        return f"[{len(value)} arrays]"
    return type(value).__name__


def run(func: Callable, what: str, workspace: Path, **args):
    """Call ``func`` with ``args`` in their order; anything it raises becomes a ``Fault``."""
    try:
        return func(*args.values())
    except Exception as err:  # the learner's code may raise anything; we explain it
        raise Fault(describe_exception(err, what, workspace, args)) from None


def expect_array(value, what: str, shape: tuple | None, meaning: str) -> np.ndarray:
    """``value`` must be an ndarray of ``shape`` (any shape: None); otherwise a ``Fault``
    saying what it should be."""
    if not isinstance(value, np.ndarray):
        raise Fault(
            f"`{what}` must be a NumPy array of shape {shape} ({meaning}); "
            f"it is a {type(value).__name__}."
        )
    if value.dtype.kind not in "fiu":
        raise Fault(f"`{what}` must hold real numbers; its dtype is {value.dtype}.")
    if shape is not None and value.shape != shape:
        raise Fault(
            f"`{what}` has shape {value.shape}; it must be {shape} ({meaning}). "
            "Compare each axis with the shapes in the docstring."
        )
    return value


def expect_pair(value, what: str, n: int = 2) -> tuple:
    """``value`` must be a tuple of ``n`` things (a pair by default)."""
    if not isinstance(value, tuple) or len(value) != n:
        got = f"a tuple of {len(value)}" if isinstance(value, tuple) else type(value).__name__
        count = {2: "two", 3: "three"}.get(n, str(n))
        raise Fault(f"`{what}` must return a tuple of {count} things; it returned {got}.")
    return value
