"""Save and load a Seq2Seq as a versioned ``.npz`` file.

The file is a zip of ``.npy`` arrays (NumPy's ``.npz``), with exactly these
entries:

* ``format`` -- the string ``FORMAT``, naming this layout and its version;
* the configuration: ``enc_tokens``, ``dec_tokens``, ``hidden`` (integers)
  and ``dtype`` (``"float32"`` or ``"float64"``);
* the 8 weights under their Keras names (``e_rnn/kernel`` ...), in that dtype.

Only the model is stored, not the optimizer's moments (like Keras's
``save_weights``): a loaded model's first ``fit`` starts a fresh ``Adam``.

Safety:

* ``save`` writes a temporary file next to the target, flushes it to disk
  and renames it into place (``os.replace`` is atomic), so a crash or an
  error mid-write leaves either the old file or the new one, never half a
  file, and no temporary file behind.
* ``load`` reads with ``allow_pickle=False`` (loading never runs code) and
  checks every entry before building the model; anything wrong (not a zip,
  truncated, another program's file, another version, a shape or dtype that
  does not fit the configuration, NaN weights) raises ``ValueError`` naming
  the file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .validation import check_float_dtype

if TYPE_CHECKING:
    from .model import Seq2Seq

#: Identifies our files and their layout; bumped when the layout changes.
FORMAT = "numpy-seq2seq/1"
CONFIG_KEYS = ("enc_tokens", "dec_tokens", "hidden")
#: No entry of a real model comes near this (hidden=1000 in float64 is 8 MB);
#: it stops a damaged or hostile file from making ``load`` allocate gigabytes.
MAX_ENTRY_BYTES = 1 << 28


def _weight_keys() -> list[str]:
    from .model import WEIGHT_NAMES

    return [f"{layer}/{name}" for layer, name in WEIGHT_NAMES]


def _all_keys() -> list[str]:
    return ["format", *CONFIG_KEYS, "dtype", *_weight_keys()]


def _as_path(path: str | os.PathLike) -> Path:
    try:
        return Path(os.fspath(path))
    except TypeError as err:
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}") from err


# -- save ---------------------------------------------------------------------
def save(model: Seq2Seq, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path``, atomically.

    The file is written at exactly ``path``: ``.npz`` is *not* appended
    (``np.savez("m")`` would write ``m.npz``), so ``load(path)`` always reads
    what ``save(path)`` wrote.  End the name with ``.npz`` by convention.
    Raises ``ValueError`` if a weight is NaN or inf (such a file could not
    be loaded), ``FileNotFoundError`` if the folder does not exist.
    """
    path = _as_path(path)
    arrays = {"format": np.array(FORMAT), "dtype": np.array(model.dtype.name)}
    arrays.update({k: np.array(getattr(model, k)) for k in CONFIG_KEYS})
    for key, w in zip(_weight_keys(), model.get_weights()):
        if not np.all(np.isfinite(w)):
            raise ValueError(f"cannot save {str(path)!r}: {key} holds NaN or inf")
        arrays[key] = w
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot save {str(path)!r}: there is no folder {str(folder)!r}")
    if path.is_dir():
        raise IsADirectoryError(f"cannot save to {str(path)!r}: it is a folder")
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # O_EXCL: never reuse an existing file; 0o666 lets the umask decide the
    # permissions, as for any new file (mkstemp would make it private, 0o600).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename
        os.replace(tmp, path)
    except BaseException:  # including Ctrl-C: remove the partial temporary file
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- load ---------------------------------------------------------------------
def load(path: str | os.PathLike) -> Seq2Seq:
    """Read a model written by ``save``.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError``
    naming the file for anything else wrong: a folder, not an ``.npz``,
    truncated or corrupt, another program's file, another format version,
    or weights that do not fit the stored configuration.
    """
    from .model import Seq2Seq

    path = _as_path(path)
    name = repr(str(path))
    if path.is_dir():
        raise ValueError(f"{name} is a folder, not a numpy-seq2seq model file")
    if not path.is_file():
        hint = ""
        if path.suffix != ".npz" and path.with_name(path.name + ".npz").is_file():
            hint = f"; did you mean {str(path) + '.npz'!r}?"
        raise FileNotFoundError(f"no model file at {name}{hint}")
    data = _read_npz(path, name)
    try:
        config = _read_config(data)
        weights = _read_weights(data, config)
        model = Seq2Seq(**config, seed=0)  # seeded only to skip OS entropy; overwritten next
        model.set_weights(weights)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name} is not a valid numpy-seq2seq model: {err}") from err
    return model


def _read_npz(path: Path, name: str) -> dict[str, np.ndarray]:
    """Every entry of the archive as an array, after checking the entries' names and sizes."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as f:
            npy = f.read(6) == b"\x93NUMPY"
        what = "a single .npy array" if npy else "no zip archive inside"
        raise ValueError(f"{name} is not a numpy-seq2seq .npz file ({what})")
    # A damaged archive fails in many ways: BadZipFile, zlib.error, EOFError,
    # NotImplementedError (an unknown compression), RuntimeError (encryption),
    # ValueError (a pickled object array, a bad .npy header), MemoryError (a
    # header claiming a huge array) ...  Each means the same here: this is not
    # a model file that can be read.
    try:
        with zipfile.ZipFile(path) as z:
            sizes = {i.filename: i.file_size for i in z.infolist()}
    except Exception as err:
        raise ValueError(
            f"{name} is not a readable .npz file: {type(err).__name__}: {err}"
        ) from err
    problem = _entries_problem(sizes)
    if problem:
        raise ValueError(f"{name} is not a numpy-seq2seq model file: {problem}")
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in f.files}
    except Exception as err:
        raise ValueError(
            f"{name} is not a readable numpy-seq2seq .npz file: {type(err).__name__}: {err}"
        ) from err


def _entries_problem(sizes: dict[str, int]) -> str:
    """What is wrong with the archive's list of entries, or ``""``.

    Every entry must be one of ours, as a ``.npy`` (``np.load`` would hand back
    raw bytes for any other name), and none implausibly large.
    """
    expected = {k + ".npy" for k in _all_keys()}
    missing = [k for k in _all_keys() if k + ".npy" not in sizes]
    extra = [k for k in sizes if k not in expected]
    if missing or extra:
        said = [
            f"{what} {_listing(keys)}"
            for what, keys in (("missing", missing), ("unexpected", extra))
            if keys
        ]
        return f"its entries are not those of {FORMAT} ({'; '.join(said)})"
    big = [k for k, size in sizes.items() if size > MAX_ENTRY_BYTES]
    if big:
        return f"entry {big[0]} claims {sizes[big[0]]} bytes, far more than any model"
    return ""


def _listing(names: list[str]) -> str:
    return ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")


def _read_config(data: dict[str, np.ndarray]) -> dict:
    fmt = data["format"]
    if fmt.shape != () or fmt.dtype.kind != "U" or str(fmt) != FORMAT:
        raise ValueError(f"format must be {FORMAT!r}; got {fmt.tolist()!r}")
    config = {}
    for key in CONFIG_KEYS:
        value = data[key]
        if value.shape != () or value.dtype.kind not in "iu":
            raise ValueError(f"{key} must be a single integer; got {value!r}")
        config[key] = int(value)
    dtype = data["dtype"]
    if dtype.shape != () or dtype.dtype.kind != "U":
        raise ValueError(f"dtype must be a string; got {dtype!r}")
    config["dtype"] = check_float_dtype("dtype", str(dtype)).name
    return config


def _read_weights(data: dict[str, np.ndarray], config: dict) -> list[np.ndarray]:
    """The 8 weights, checked against the configuration *before* a model is built
    (a file claiming hidden=10**9 must fail here, not allocate)."""
    e, d, h = (config[k] for k in CONFIG_KEYS)
    if min(e, d, h) < 1:
        raise ValueError(f"enc_tokens, dec_tokens and hidden must be >= 1; got {e}, {d}, {h}")
    # The shapes of Keras's get_weights() order (layers.py documents each).
    shapes = [(e, h), (h, h), (h,), (d, h), (h, h), (h,), (h, d), (d,)]
    weights = []
    for key, shape in zip(_weight_keys(), shapes):
        w = data[key]
        if w.shape != shape or w.dtype != np.dtype(config["dtype"]):
            raise ValueError(
                f"{key.replace('/', ' ')}: expected {shape} {config['dtype']} for "
                f"enc_tokens={e}, dec_tokens={d}, hidden={h}; got {w.shape} {w.dtype}"
            )
        weights.append(w)
    return weights
