"""Argument checks shared by the public entry points.

Every check raises ``TypeError`` (wrong kind of thing) or ``ValueError``
(right kind, wrong value) with a message that names the argument, says what
was expected and shows what was received, e.g.

    ex must have shape (N, T, 1) for enc_tokens=1; got (76, 24).
    Did you forget the feature axis? Use ex.reshape(76, 24, 1)

The checks run before any computation, so a bad call changes nothing.
"""

from __future__ import annotations

import math
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
    """A real, finite numeric array, cast to ``dtype`` when given.

    Values that are finite but too large for ``dtype`` (1e300 in float32)
    are reported as such, rather than silently becoming inf.
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as err:  # ragged lists and the like
        raise TypeError(
            f"{name} must be a numeric array; got a {type(value).__name__} "
            "that NumPy cannot turn into one (rows of different lengths?)"
        ) from err
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
    _check_finite(name, arr)
    if dtype is not None and arr.dtype != dtype:
        with np.errstate(over="ignore"):  # reported below, in words
            cast = arr.astype(dtype)
        if not np.all(np.isfinite(cast)):
            big = float(np.max(np.abs(arr)))
            raise ValueError(
                f"{name} must fit in {np.dtype(dtype).name}; got values up to {big:g}, "
                f"which overflow to inf (largest {np.dtype(dtype).name}: "
                f"{np.finfo(dtype).max:g})"
            )
        arr = cast
    return arr


def _check_finite(name: str, arr: np.ndarray) -> None:
    finite = np.isfinite(arr)
    if not np.all(finite):
        bad = np.argwhere(~finite)[0]
        where = f" (the first at index {tuple(int(i) for i in bad)})" if arr.ndim else ""
        raise ValueError(
            f"{name} must be finite; got {arr.size - np.count_nonzero(finite)} "
            f"NaN or inf value(s){where}"
        )


def check_sequences(
    name: str, value: ArrayLike, tokens: int, token_arg: str, dtype: DTypeLike
) -> np.ndarray:
    """A finite (N, T, tokens) array with N >= 1 and T >= 1, cast to ``dtype``."""
    arr = as_array(name, value, dtype)
    if arr.ndim != 3 or arr.shape[2] != tokens:
        raise ValueError(
            f"{name} must have shape (N, T, {tokens}) for {token_arg}={tokens}; "
            f"got {arr.shape}" + _shape_hint(name, arr.shape, tokens)
        )
    if arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(
            f"{name} must hold at least one window (N >= 1) of at least one step (T >= 1); "
            f"got shape {arr.shape}"
        )
    return arr


def _shape_hint(name: str, shape: tuple[int, ...], tokens: int) -> str:
    """A suggestion for the two usual slips: no window axis, or no feature axis."""
    if len(shape) == 2 and shape[1] == tokens:
        n, t = 1, shape[0]
        return f". One window? Add the window axis: {name}[None] has shape ({n}, {t}, {tokens})"
    if len(shape) == 2 and tokens == 1:
        n, t = shape
        return f". Did you forget the feature axis? Use {name}.reshape({n}, {t}, 1)"
    return ""


def check_windows(ex: np.ndarray, dx: np.ndarray, dy: np.ndarray | None = None) -> None:
    """``ex``, ``dx`` (and ``dy``) hold the same number of windows N, and ``dx`` and
    ``dy`` the same number of decoder steps T.

    The encoder's T may differ from the decoder's: only the context links them.
    """
    arrays = {"ex": ex, "dx": dx} if dy is None else {"ex": ex, "dx": dx, "dy": dy}
    if len({a.shape[0] for a in arrays.values()}) > 1:
        said = ", ".join(f"{k} {a.shape}" for k, a in arrays.items())
        raise ValueError(f"{', '.join(arrays)} must have the same N (windows); got {said}")
    if dy is not None and dx.shape[1] != dy.shape[1]:
        raise ValueError(
            f"dx and dy must have the same T (decoder steps): dx is dy shifted right by one; "
            f"got dx {dx.shape}, dy {dy.shape}"
        )


def check_fraction(name: str, value: object) -> float:
    """A number in [0, 1)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1); got {value!r}")
    if not 0.0 <= value < 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be in [0, 1); got {value}")
    return float(value)


def check_positive(name: str, value: object) -> float:
    """A finite number > 0."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a finite number > 0; got {value!r}")
    if not (math.isfinite(value) and value > 0):  # also rejects NaN
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return float(value)
