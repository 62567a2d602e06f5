"""Argument checks shared by the public entry points.

Every check raises ``TypeError`` (wrong kind of thing) or ``ValueError``
(right kind, wrong value) with a message that names the argument, says what
was expected and shows what was received.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_int(name: str, value, minimum: int) -> int:
    """An integer (not a bool) that is at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def check_float_dtype(name: str, dtype) -> np.dtype:
    """``"float32"`` or ``"float64"`` (or the NumPy equivalents)."""
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"{name} must be 'float32' or 'float64'; got {dtype!r}") from err
    if dt not in (np.float32, np.float64):
        raise ValueError(f"{name} must be 'float32' or 'float64'; got {dtype!r}")
    return dt


def as_array(name: str, value, dtype=None) -> np.ndarray:
    """A real, finite numeric array, cast to ``dtype`` when given."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as err:  # ragged lists and the like
        raise TypeError(f"{name} must be a numeric array; got {type(value).__name__}") from err
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite; got {bad} NaN or inf value(s)")
    return arr


def check_sequences(name: str, value, tokens: int, token_arg: str, dtype) -> np.ndarray:
    """A finite (N, T, tokens) array with N >= 1 and T >= 1, cast to ``dtype``."""
    arr = as_array(name, value, dtype)
    if arr.ndim != 3 or arr.shape[2] != tokens or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(
            f"{name} must have shape (N, T, {tokens}) for {token_arg}={tokens} "
            f"with N >= 1 and T >= 1; got {arr.shape}"
        )
    return arr


def check_same_windows(**arrays: np.ndarray) -> None:
    """All arrays have the same N (windows) and T (steps)."""
    shapes = {k: a.shape[:2] for k, a in arrays.items()}
    if len(set(shapes.values())) > 1:
        said = ", ".join(f"{k} {a.shape}" for k, a in arrays.items())
        raise ValueError(f"{', '.join(arrays)} must agree in N (windows) and T (steps); got {said}")


def check_fraction(name: str, value) -> float:
    """A number in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1); got {value!r}")
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1); got {value}")
    return float(value)
