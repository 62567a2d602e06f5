"""Save and load a Seq2Seq as a versioned ``.npz`` file.

The file is a zip of ``.npy`` arrays (NumPy's ``.npz``), with exactly these
entries:

* ``format`` -- the string ``FORMAT``, naming this layout and its version;
* the configuration: ``enc_tokens``, ``dec_tokens``, ``hidden`` (integers),
  ``dtype`` (``"float32"`` or ``"float64"``) and ``cell`` (``"simple_rnn"`` ...);
* the weights under their Keras names (``e_rnn/kernel`` ...), in that dtype.

A model with attention adds one string, ``attention`` (``"dot"`` ...), and its
weights (``attention/scale`` ...): that is format 3.  A model without attention
writes format 2, byte for byte as before attention existed, so older versions read it.
Files of format 1 (numpy-seq2seq 0.1, SimpleRNN only) have no ``cell`` and still load.
This module reads and writes files; ``Seq2Seq.load`` checks that the weights
fit the configuration before it builds a model.

Only the model is stored, not the optimizer's moments (like Keras's
``save_weights``): a loaded model's first ``fit`` starts a fresh ``Adam``.

Safety:

* ``save`` writes a temporary file next to the target, flushes it to disk
  and renames it into place (``os.replace`` is atomic), so a crash or an
  error mid-write leaves either the old file or the new one, never half a
  file, and no temporary file behind.
* ``load`` reads with ``allow_pickle=False`` (loading never runs code) and
  checks every entry; anything wrong (not a zip, truncated, another
  program's file, another version, a malformed configuration) raises
  ``ValueError`` naming the file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .validation import check_float_dtype

#: Identifies our files and their layout; bumped when the layout changes.
FORMAT = "numpy-seq2seq/2"
#: The layout of a model with attention: format 2 and an ``attention`` entry.
FORMAT_ATTENTION = "numpy-seq2seq/3"
#: The configuration entries of each format this version reads.
CONFIG_KEYS = {
    "numpy-seq2seq/1": ("enc_tokens", "dec_tokens", "hidden", "dtype"),
    FORMAT: ("enc_tokens", "dec_tokens", "hidden", "dtype", "cell"),
    FORMAT_ATTENTION: ("enc_tokens", "dec_tokens", "hidden", "dtype", "cell", "attention"),
}


def format_of(names) -> str:
    """The format whose configuration holds these entry names: 3 with ``attention``,
    2 with ``cell``, else 1."""
    names = set(names)
    if "attention" in names:
        return FORMAT_ATTENTION
    return FORMAT if "cell" in names else "numpy-seq2seq/1"


#: No entry of a real model comes near this (hidden=1000 in float64 is 8 MB);
#: it stops a damaged or hostile file from making ``load`` allocate gigabytes.
MAX_ENTRY_BYTES = 1 << 28


def weight_keys(weight_names) -> list[str]:
    """``("e_rnn", "kernel")`` -> ``"e_rnn/kernel"``: the entry names of the weights."""
    return [f"{layer}/{name}" for layer, name in weight_names]


def _as_path(path: str | os.PathLike) -> Path:
    try:
        return Path(os.fspath(path))
    except TypeError as err:
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}") from err


# -- save ---------------------------------------------------------------------
def save(path: str | os.PathLike, config: dict, weights: dict[str, np.ndarray]) -> None:
    """Write ``config`` and ``weights`` (entry name -> array) to ``path``, atomically.

    The file is written at exactly ``path``: ``.npz`` is *not* appended
    (``np.savez("m")`` would write ``m.npz``), so ``load(path)`` always reads
    what ``save(path)`` wrote.  Raises ``ValueError`` if a weight is NaN or inf
    (such a file could not be loaded), ``FileNotFoundError`` if the folder
    does not exist.
    """
    path = _as_path(path)
    arrays = {"format": np.array(format_of(config))}
    arrays.update({k: np.array(v) for k, v in config.items()})
    for key, w in weights.items():
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


# -- read ---------------------------------------------------------------------
def read(
    path: str | os.PathLike, weight_keys: list[str] | Callable[[str | None], list[str]]
) -> tuple[dict, list[np.ndarray]]:
    """The configuration and the weights (in ``weight_keys`` order) stored at ``path``.

    ``weight_keys`` is a list, or a function of the stored ``attention`` (None in
    formats 1 and 2) that returns it, for the entries depend on the attention.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming
    the file for anything else wrong: a folder, not an ``.npz``, truncated or
    corrupt, another program's file, another format version, a malformed
    configuration.
    """
    path = _as_path(path)
    name = repr(str(path))
    if path.is_dir():
        raise ValueError(f"{name} is a folder, not a numpy-seq2seq model file")
    if not path.is_file():
        hint = ""
        if path.suffix != ".npz" and path.with_name(path.name + ".npz").is_file():
            hint = f"; did you mean {str(path) + '.npz'!r}?"
        raise FileNotFoundError(f"no model file at {name}{hint}")
    data, weight_keys = _read_npz(path, name, weight_keys)
    try:
        return _read_config(data), [data[k] for k in weight_keys]
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name} is not a valid numpy-seq2seq model: {err}") from err


def _read_npz(path: Path, name: str, weight_keys) -> tuple[dict[str, np.ndarray], list[str]]:
    """Every entry of the archive as an array, after checking the entries' names and sizes;
    and the weights' entry names."""
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
    if callable(weight_keys):
        weight_keys = _weight_keys_for(path, name, sizes, weight_keys)
    problem = _entries_problem(sizes, weight_keys)
    if problem:
        raise ValueError(f"{name} is not a numpy-seq2seq model file: {problem}")
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in f.files}, weight_keys
    except Exception as err:
        raise ValueError(
            f"{name} is not a readable numpy-seq2seq .npz file: {type(err).__name__}: {err}"
        ) from err


def _weight_keys_for(path: Path, name: str, sizes: dict[str, int], weight_keys) -> list[str]:
    """``weight_keys(attention)``, reading the one ``attention`` entry first if there is one."""
    attention = None
    if "attention.npy" in sizes:
        if sizes["attention.npy"] > 1024:
            raise ValueError(f"{name} is not a numpy-seq2seq model file: its attention is too long")
        try:
            with np.load(path, allow_pickle=False) as f:
                value = f["attention"]
        except Exception as err:
            raise ValueError(
                f"{name} is not a readable numpy-seq2seq .npz file: {type(err).__name__}: {err}"
            ) from err
        if value.shape != () or value.dtype.kind != "U":
            raise ValueError(
                f"{name} is not a valid numpy-seq2seq model: attention must be a "
                f"string; got {value!r}"
            )
        attention = str(value)
    try:
        return weight_keys(attention)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name} is not a valid numpy-seq2seq model: {err}") from err


def _entries_problem(sizes: dict[str, int], weight_keys: list[str]) -> str:
    """What is wrong with the archive's list of entries, or ``""``.

    Every entry must be one of ours, as a ``.npy`` (``np.load`` would hand back
    raw bytes for any other name), and none implausibly large.  A file with a
    ``cell`` entry is of format 2 (3 with an ``attention`` entry), one without of format 1.
    """
    fmt = format_of(k[:-4] for k in sizes)
    keys = ["format", *CONFIG_KEYS[fmt], *weight_keys]
    missing = [k for k in keys if k + ".npy" not in sizes]
    extra = [k for k in sizes if k[:-4] not in keys or not k.endswith(".npy")]
    if missing or extra:
        said = [
            f"{what} {_listing(names)}"
            for what, names in (("missing", missing), ("unexpected", extra))
            if names
        ]
        return f"its entries are not those of {fmt} ({'; '.join(said)})"
    big = [k for k, size in sizes.items() if size > MAX_ENTRY_BYTES]
    if big:
        return f"entry {big[0]} claims {sizes[big[0]]} bytes, far more than any model"
    return ""


def _listing(names: list[str]) -> str:
    return ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")


def _read_config(data: dict[str, np.ndarray]) -> dict:
    """enc_tokens, dec_tokens, hidden, dtype, cell (and attention), checked for type
    (not for fit)."""
    fmt = data["format"]
    expected = format_of(data)
    if fmt.shape != () or fmt.dtype.kind != "U" or str(fmt) != expected:
        raise ValueError(f"format must be {expected!r}; got {fmt.tolist()!r}")
    config = {}
    for key in ("enc_tokens", "dec_tokens", "hidden"):
        value = data[key]
        if value.shape != () or value.dtype.kind not in "iu":
            raise ValueError(f"{key} must be a single integer; got {value!r}")
        config[key] = int(value)
    for key in ("dtype", "cell", "attention")[: 3 if "attention" in data else 2]:
        value = data.get(key, np.array("simple_rnn"))  # format 1 knew only SimpleRNN
        if value.shape != () or value.dtype.kind != "U":
            raise ValueError(f"{key} must be a string; got {value!r}")
        config[key] = str(value)
    config["dtype"] = check_float_dtype("dtype", config["dtype"]).name
    return config
