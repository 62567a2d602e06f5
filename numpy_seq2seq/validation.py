"""Argument checks shared by the public entry points.

Every check raises ``TypeError`` (wrong kind of thing) or ``ValueError``
(right kind, wrong value) with a message that names the argument, says what
was expected and shows what was received, e.g.

    ex must have shape (N, T, 1) for enc_tokens=1; got (76, 24).
    Did you forget the feature axis? Use ex.reshape(76, 24, 1)

The checks run before any computation, so a bad call changes nothing.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, DTypeLike


def check_int(name: str, value: object, minimum: int) -> int:
    """An integer (not a bool) that is at least ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def check_bool(name: str, value: object) -> bool:
    """``True`` or ``False`` (a string such as ``"no"`` would count as true)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def check_float_dtype(name: str, dtype: object) -> np.dtype:
    """``"float32"`` or ``"float64"`` (or the NumPy equivalents)."""
    if dtype is None:  # np.dtype(None) would quietly mean float64
        raise TypeError(f"{name} must be 'float32' or 'float64'; got None")
    try:
        dt = np.dtype(dtype)
    except TypeError as err:  # e.g. "flaot32", or an object that is not a dtype
        raise TypeError(f"{name} must be 'float32' or 'float64'; got {dtype!r}") from err
    if dt not in (np.float32, np.float64):
        raise ValueError(f"{name} must be 'float32' or 'float64'; got {dtype!r}")
    return dt


def as_array(name: str, value: ArrayLike, dtype: DTypeLike | None = None) -> np.ndarray:
    """A real, finite array, cast to ``dtype``; a value too large for it is an error."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as err:  # ragged lists and the like
        raise TypeError(_not_an_array(name, value)) from err
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
    with np.errstate(over="ignore"):  # an overflow is reported below, in words
        cast = arr if dtype is None else arr.astype(dtype)
    if not np.isfinite(cast).all():
        raise ValueError(_not_finite(name, arr, cast))
    return cast


def _not_an_array(name: str, value: object) -> str:
    return (
        f"{name} must be a numeric array; got a {type(value).__name__} that NumPy cannot "
        "turn into one (rows of different lengths?)"
    )


def _not_finite(name: str, arr: np.ndarray, cast: np.ndarray) -> str:
    """Says which values are NaN or inf, or that they overflow the dtype they were cast to."""
    finite = np.isfinite(arr)
    if finite.all():
        big, dt = float(np.max(np.abs(arr))), cast.dtype.name
        return (
            f"{name} must fit in {dt}; got values up to {big:g}, which overflow to inf "
            f"(largest {dt}: {np.finfo(cast.dtype).max:g})"
        )
    where = f" (the first at index {tuple(int(i) for i in np.argwhere(~finite)[0])})"
    return (
        f"{name} must be finite; got {arr.size - np.count_nonzero(finite)} "
        f"NaN or inf value(s){where if arr.ndim else ''}"
    )


def check_sequences(
    name: str, value: ArrayLike, tokens: int, token_arg: str, dtype: DTypeLike
) -> np.ndarray:
    """A finite (N, T, tokens) array with N, T >= 1, cast to ``dtype``."""
    arr = as_array(name, value, dtype)
    if arr.ndim != 3 or arr.shape[2] != tokens or 0 in arr.shape:
        raise ValueError(_shape_problem(name, arr.shape, tokens, token_arg))
    return arr


def _shape_problem(name: str, shape: tuple[int, ...], tokens: int, token_arg: str) -> str:
    """What is wrong with the shape, with a hint for the two usual slips."""
    if len(shape) == 3 and shape[2] == tokens:
        return (
            f"{name} must hold at least one window (N >= 1) of at least one step (T >= 1); "
            f"got shape {shape}"
        )
    said = f"{name} must have shape (N, T, {tokens}) for {token_arg}={tokens}; got {shape}"
    return said + _shape_hint(name, shape, tokens)


def _shape_hint(name: str, shape: tuple[int, ...], tokens: int) -> str:
    """A suggestion for the two usual slips: no window axis, or no feature axis."""
    if len(shape) == 2 and shape[1] == tokens:
        n, t = 1, shape[0]
        return f". One window? Add the window axis: {name}[None] has shape ({n}, {t}, {tokens})"
    if len(shape) == 2 and tokens == 1:
        n, t = shape
        return f". Did you forget the feature axis? Use {name}.reshape({n}, {t}, 1)"
    return ""


def check_windows(ex: np.ndarray, *dec: np.ndarray) -> None:
    """ex, dx (and dy) hold the same N; dx, dy the same T (the encoder's T may differ)."""
    arrays = dict(zip(("ex", "dx", "dy"), (ex, *dec)))
    if len({a.shape[0] for a in arrays.values()}) > 1:
        said = ", ".join(f"{k} {a.shape}" for k, a in arrays.items())
        raise ValueError(f"{', '.join(arrays)} must have the same N (windows); got {said}")
    if len(dec) == 2 and dec[0].shape[1] != dec[1].shape[1]:
        said = f"got dx {dec[0].shape}, dy {dec[1].shape}"
        raise ValueError(f"dx and dy must have the same T (dx is dy shifted right); {said}")


def check_choice(name: str, value: object, choices) -> str:
    """One of the names in ``choices`` (a dict or a sequence of strings)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def check_optional_choice(name: str, value: object, choices) -> str | None:
    """None, or one of the names in ``choices`` (a dict or a sequence of strings)."""
    if value is None:
        return None
    said = f"{name} must be None or one of {', '.join(map(repr, choices))}; got {value!r}"
    if not isinstance(value, str):
        raise TypeError(said)
    if value not in choices:
        raise ValueError(said)
    return value


def check_fraction(name: str, value: object) -> float:
    """A number in [0, 1)."""  # NaN fails the second test
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1); got {value!r}")
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1); got {value}")
    return float(value)
