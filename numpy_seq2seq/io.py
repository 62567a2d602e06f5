"""Save and load a Seq2Seq as a versioned ``.npz`` file.

The file holds ``format`` (this module's ``FORMAT``), the configuration
(``enc_tokens``, ``dec_tokens``, ``hidden``, ``dtype``) and the 8 weights
under their Keras names (``e_rnn/kernel`` ...).  It is written to a
temporary file in the same folder and renamed into place, so a crash never
leaves half a file behind; it is read with ``allow_pickle=False``, so loading
a file never runs code.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

#: Identifies our files and their layout; bumped when the layout changes.
FORMAT = "numpy-seq2seq/1"
CONFIG_KEYS = ("enc_tokens", "dec_tokens", "hidden")


def _weight_keys() -> list[str]:
    from .model import WEIGHT_NAMES

    return [f"{layer}/{name}" for layer, name in WEIGHT_NAMES]


def save(model, path) -> None:
    """Write ``model`` to ``path`` (``.npz`` is not appended), atomically."""
    path = Path(os.fspath(path))
    arrays = {"format": np.array(FORMAT), "dtype": np.array(model.dtype.name)}
    arrays.update({k: np.array(getattr(model, k)) for k in CONFIG_KEYS})
    arrays.update(zip(_weight_keys(), model.get_weights()))
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path):
    """Read a model written by ``save``.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError``
    naming the file for anything else wrong: not an ``.npz``, truncated,
    another program's file, a different format version, or weights that do
    not fit the stored configuration.
    """
    from .model import Seq2Seq

    path = Path(os.fspath(path))
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {str(path)!r}")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{str(path)!r} is not an .npz file (no zip archive inside)")
    try:
        with np.load(path, allow_pickle=False) as f:
            data = {k: f[k] for k in f.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as err:
        raise ValueError(f"{str(path)!r} is not a readable numpy-seq2seq .npz file: {err}") from err
    try:
        config = _read_config(data)
        model = Seq2Seq(**config)
        model.set_weights([_entry(data, k) for k in _weight_keys()])
    except (ValueError, TypeError) as err:
        raise ValueError(f"{str(path)!r} is not a valid numpy-seq2seq model: {err}") from err
    return model


def _entry(data: dict, key: str) -> np.ndarray:
    if key not in data:
        raise ValueError(f"missing entry {key!r}")
    return data[key]


def _read_config(data: dict) -> dict:
    fmt = _entry(data, "format")
    if fmt.shape != () or fmt.dtype.kind != "U" or str(fmt) != FORMAT:
        raise ValueError(f"format must be {FORMAT!r}; got {fmt!r}")
    config = {}
    for key in CONFIG_KEYS:
        value = _entry(data, key)
        if value.shape != () or value.dtype.kind not in "iu":
            raise ValueError(f"{key} must be a single integer; got {value!r}")
        config[key] = int(value)
    dtype = _entry(data, "dtype")
    if dtype.shape != () or dtype.dtype.kind != "U":
        raise ValueError(f"dtype must be a string; got {dtype!r}")
    config["dtype"] = str(dtype)
    return config
