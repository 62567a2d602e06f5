"""One exercise is one object: its functions, its harness, its references, its named mistakes.

An ``Exercise`` blanks one or more functions of the core.  Its *harness* plugs
the functions it is given into the core's classes (a subclass that overrides
only the exercised methods, so the rest of the machinery is ours) and returns
what they produce as ``Out`` values, each carrying the references it is graded
against (``Ref``: Keras's golden numbers, central differences, or our core).
The harness is split into *parts* (the decoder's run and the encoder's, say)
so that one part that raises does not hide the rows of the others.

The same harness runs the learner's functions, the core's own (the right
answer) and every ``Mistake`` (usually the core's source with one edit,
``source.mutant``): a mistake is named when the learner's tensors are the ones
it produces.  Adding an exercise is one file in ``catalog/`` and, when it
needs Keras's numbers, a few lines in ``reference_keras/golden.py``.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..core.seq2seq import WEIGHT_NAMES, Dense, Seq2SeqNet
from ..core.simple_rnn import SimpleRNN
from ..gradcheck import numerical_gradient
from . import source
from .grading import GOLDEN, NUMERICAL, Fault

GOLDEN_PATH = Path(__file__).with_name("golden.npz")
KEYS = [f"{layer}/{name}" for layer, name in WEIGHT_NAMES]


def load_golden(path: str | Path = GOLDEN_PATH) -> dict[str, np.ndarray]:
    """Keras's float64 numbers for the exercises (``python -m reference_keras golden``)."""
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


class Ref(NamedTuple):
    """A reference value, computed only when a learner's tensor is graded against it."""

    kind: tuple  # grading.GOLDEN, NUMERICAL or CORE: its label and tolerances
    get: Callable[[], np.ndarray]


class Out(NamedTuple):
    """One tensor a harness produced, with the references it is graded against.
    No reference: it is compared with what the core's own functions produce."""

    label: str
    value: np.ndarray
    refs: tuple[Ref, ...] = ()


class Mistake(NamedTuple):
    """A known mistake: its name, what to change, and the functions that make it.
    ``demo``, when given, shows what the mistake does (extra lines of the report)."""

    name: str
    explain: str
    make: Callable[[Context], dict[str, Callable]]
    demo: Callable[[Context, dict[str, Callable]], list[str]] | None = None


Part = Callable[[], list[Out]]


@dataclasses.dataclass(frozen=True)
class Exercise:
    """One exercise: a file of the workspace holding one or more functions of the core."""

    number: int
    name: str  # for --only, and the file name ex<number>_<name>.py
    title: str
    functions: tuple[tuple[type | None, Callable], ...]  # (the class it belongs to, function)
    hints: tuple[str, ...]  # one per function; shown by `check --hint`, never in the skeleton
    about: str  # what ``self`` is, the contract, and what the checker does with the function
    harness: Callable[[Context, dict[str, Callable]], list[Part]]
    mistakes: tuple[Mistake, ...] = ()
    #: A comment put after the skeleton's imports of the package's own names.
    import_comment: str = ""
    #: Called when everything else passed: (passed, notes), e.g. exercise 9's training run.
    finale: Callable[[Context, dict[str, Callable]], tuple[bool, list[str]]] | None = None

    @property
    def filename(self) -> str:
        return f"ex{self.number}_{self.name}.py"

    def core(self) -> dict[str, Callable]:
        """The right answer: the core's own functions, by name."""
        return {f.__name__: f for _, f in self.functions}


class Context:
    """The golden problem, the workspace, and numerical references computed once."""

    def __init__(self, golden: dict[str, np.ndarray], workspace: Path) -> None:
        self.g, self.workspace = golden, workspace
        self.N, self.T, self.H = golden["forward/e_hs"].shape
        self.D, self.O = golden["ex"].shape[2], golden["dy"].shape[2]
        self._numerical: dict[str, list[np.ndarray]] = {}

    def weights(self, layer: str) -> list[np.ndarray]:
        """Copies of one layer's weights, in Keras's ``get_weights()`` order."""
        return [self.g[f"weights/{k}"].copy() for k in KEYS if k.startswith(layer + "/")]

    def net(self, rnn: type = SimpleRNN, dense: type = Dense, net: type = Seq2SeqNet):
        e = rnn(*self.weights("e_rnn"), name="e_rnn")
        d = rnn(*self.weights("d_rnn"), name="d_rnn")
        return net(e, d, dense(*self.weights("d_output"), name="d_output"))

    def golden(self, key: str) -> Ref:
        """Keras's number stored under ``key`` in the golden file."""
        return Ref(GOLDEN, lambda: self.g[key])

    def golden_value(self, value: np.ndarray) -> Ref:
        """Keras's numbers, taken from the golden file by the harness (a slice, a concatenation)."""
        return Ref(GOLDEN, lambda: value)

    def numerical(self, key: str, f: Callable[[], float], arrays: list) -> list[Ref]:
        """Central differences of ``f`` with respect to each of ``arrays``, computed once."""

        def get(i: int) -> np.ndarray:
            if key not in self._numerical:
                self._numerical[key] = [numerical_gradient(f, a) for a in arrays]
            return self._numerical[key][i]

        return [Ref(NUMERICAL, lambda i=i: get(i)) for i in range(len(arrays))]


# -- helpers for harnesses and mistakes -------------------------------------------------------
def subclass(base: type, methods: dict[str, Callable]) -> type:
    """``base`` with only ``methods`` replaced: the learner's pieces in our machinery.
    A staticmethod of ``base`` stays one."""
    body = {}
    for name, func in methods.items():
        static = isinstance(inspect.getattr_static(base, name, None), staticmethod)
        body[name] = staticmethod(func) if static and not isinstance(func, staticmethod) else func
    return type(f"Your{base.__name__}", (base,), body)


def mutant(func: Callable, old: str, new: str, *more: str) -> Callable[[Context], dict]:
    """A mistake made by editing the core's source of ``func`` (``source.mutant``)."""
    return lambda ctx: {func.__name__: source.mutant(func, old, new, *more)}


def readonly(a: np.ndarray | None) -> np.ndarray | None:
    """A read-only copy: a learner's ``+=`` on it raises, and the checker says where."""
    if a is None:
        return None
    a = a.copy()
    a.flags.writeable = False
    return a


def grads_in_place(layer, before: list, what: str) -> None:
    if any(g is not b for g, b in zip(layer.grads, before)):
        raise Fault(
            f"{what} replaced the arrays in self.grads instead of writing into them. The model "
            "and Adam hold those very arrays, so write in place: self.grads[0][...] = dW."
        )


FLOAT32_SOURCE = re.compile(
    r"""dtype\s*=\s*(['"]f['"]|['"]float32['"]|np\.float32)|\.astype\(\s*(np\.float32|['"]f(loat32)?['"])"""
)


def float32_lines(path: Path) -> list[str]:
    """Where the learner's file makes float32 arrays (DLFS2 writes ``dtype='f'``)."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        f"line {i} (`{line.strip()}`)"
        for i, line in enumerate(lines, 1)
        if FLOAT32_SOURCE.search(line) and not line.lstrip().startswith("#")
    ]


def flatten(parts: Iterable[Part]) -> tuple[list[Out], list[str]]:
    """Run every part; a part that raises a ``Fault`` adds its message, the others still run."""
    outs, faults = [], []
    for part in parts:
        try:
            outs += part()
        except Fault as fault:
            faults.append(str(fault))
    return outs, faults
