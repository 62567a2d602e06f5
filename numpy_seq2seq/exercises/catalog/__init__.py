"""The exercises, one file each: ``ex<number>_<name>.py`` defines ``EXERCISE``.

They are found here by their file names, so adding an exercise is adding its file
(and, when it needs Keras's numbers, a few lines in ``reference_keras/golden.py``).
"""

from __future__ import annotations

import importlib
import pkgutil

from ..exercise import Exercise


def _discover() -> tuple[Exercise, ...]:
    found = [
        importlib.import_module(f"{__name__}.{info.name}").EXERCISE
        for info in pkgutil.iter_modules(__path__)
        if info.name.startswith("ex")
    ]
    return tuple(sorted(found, key=lambda e: e.number))


#: Every exercise, in order.
EXERCISES = _discover()
#: The exercises by name and by number (as a string), for ``--only``.
BY_NAME = {e.name: e for e in EXERCISES} | {str(e.number): e for e in EXERCISES}
