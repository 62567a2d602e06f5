"""save/load: exact round trips, atomic writes, and files that must not load.

Every file that is not a whole, valid model (random bytes, a truncated file,
another program's .npz or .npy, a zip of junk, a pickled object array, a
mismatched configuration) raises ValueError naming the file.
"""

import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos
from numpy_seq2seq.io import FORMAT
from numpy_seq2seq.model import WEIGHT_NAMES

KEYS = [f"{layer}/{name}" for layer, name in WEIGHT_NAMES]


@pytest.fixture(scope="module")
def data():
    _, seq_in, seq_out = sin_cos()
    return make_windows(seq_in, seq_out, steps=24)


@pytest.fixture(scope="module")
def trained(data):
    ex, dx, dy = data
    m = Seq2Seq(seed=3)
    m.fit([ex, dx], dy, epochs=2, seed=0)
    return m


@pytest.fixture(scope="module")
def good_bytes(trained, tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "model.npz"
    trained.save(path)
    return path.read_bytes()


def entries(model) -> dict:
    """What ``save`` writes, built by hand from the documented layout."""
    out = {"format": np.array(FORMAT), "dtype": np.array(model.dtype.name)}
    out["cell"] = np.array(model.cell)
    out.update(enc_tokens=np.array(model.enc_tokens), dec_tokens=np.array(model.dec_tokens))
    out["hidden"] = np.array(model.hidden)
    out.update(zip(KEYS, model.get_weights()))
    return out


def assert_same_model(a, b, ex):
    assert (a.enc_tokens, a.dec_tokens, a.hidden, a.dtype) == (
        b.enc_tokens,
        b.dec_tokens,
        b.hidden,
        b.dtype,
    )
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        assert wa.dtype == wb.dtype and np.array_equal(wa, wb)
    assert np.array_equal(a.predict(ex), b.predict(ex))


# -- round trips ---------------------------------------------------------------------
def test_trained_model_round_trips_exactly(trained, data, tmp_path):
    path = tmp_path / "model.npz"
    trained.save(path)
    loaded = Seq2Seq.load(path)
    assert_same_model(loaded, trained, data[0])
    assert np.array_equal(loaded.forward(data[0], data[1]), trained.forward(data[0], data[1]))


@pytest.mark.parametrize(
    "enc, dec, hidden, dtype", [(1, 1, 1, "float32"), (2, 3, 5, "float64"), (3, 1, 7, "float32")]
)
def test_any_configuration_round_trips_exactly(tmp_path, enc, dec, hidden, dtype):
    m = Seq2Seq(enc_tokens=enc, dec_tokens=dec, hidden=hidden, dtype=dtype, seed=1)
    m.save(str(tmp_path / "m.npz"))  # a str path works as well as a Path
    ex = np.random.default_rng(0).normal(size=(4, 6, enc))
    assert_same_model(Seq2Seq.load(str(tmp_path / "m.npz")), m, ex)


def test_the_file_holds_format_configuration_and_weights(trained, tmp_path):
    path = tmp_path / "model.npz"
    trained.save(path)
    with np.load(path, allow_pickle=False) as f:
        stored = {k: f[k] for k in f.files}
    expected = entries(trained)
    assert set(stored) == set(expected)
    assert str(stored["format"]) == "numpy-seq2seq/2"
    for k, v in expected.items():
        assert stored[k].dtype == v.dtype and np.array_equal(stored[k], v), k


def test_a_format_1_file_from_version_0_1_still_loads(trained, data, tmp_path):
    """numpy-seq2seq 0.1 wrote format 1: the same entries without ``cell`` (SimpleRNN only)."""
    path = tmp_path / "old.npz"
    _write_npz(path, **_modified(trained, cell=None, format=np.array("numpy-seq2seq/1")))
    assert_same_model(Seq2Seq.load(path), trained, data[0])


def test_a_compressed_copy_of_the_entries_loads_too(trained, data, tmp_path):
    path = tmp_path / "compressed.npz"
    np.savez_compressed(path, **entries(trained))
    assert_same_model(Seq2Seq.load(path), trained, data[0])


def test_a_name_without_npz_is_used_as_given(trained, data, tmp_path):
    """np.savez('m') would write m.npz; save('m') writes exactly m, so load('m') finds it."""
    trained.save(tmp_path / "model")
    assert sorted(os.listdir(tmp_path)) == ["model"]
    assert_same_model(Seq2Seq.load(tmp_path / "model"), trained, data[0])


def test_loading_a_name_without_npz_suggests_the_npz_file(trained, tmp_path):
    trained.save(tmp_path / "model.npz")
    with pytest.raises(FileNotFoundError, match=r"no model file at .*did you mean .*model\.npz"):
        Seq2Seq.load(tmp_path / "model")


def test_saving_over_a_file_replaces_it(trained, data, tmp_path):
    path = tmp_path / "model.npz"
    Seq2Seq(seed=0).save(path)
    trained.save(path)
    assert_same_model(Seq2Seq.load(path), trained, data[0])
    assert os.listdir(tmp_path) == ["model.npz"]


def test_the_file_gets_ordinary_permissions(trained, tmp_path):
    """The temporary file is created 0o666 minus the umask, not mkstemp's private 0o600."""
    old = os.umask(0o022)
    try:
        trained.save(tmp_path / "model.npz")
    finally:
        os.umask(old)
    assert (tmp_path / "model.npz").stat().st_mode & 0o777 == 0o644


# -- atomic writes -------------------------------------------------------------------
def _fail_midway(*args, **kwargs):
    f = args[0]
    f.write(b"PK\x03\x04 half a zip")  # some bytes reach the temporary file first
    raise OSError("disk full")


@pytest.mark.parametrize("existing", [False, True])
def test_a_failure_mid_write_leaves_no_file_and_the_old_one_untouched(
    trained, tmp_path, monkeypatch, existing
):
    path = tmp_path / "model.npz"
    if existing:
        Seq2Seq(seed=0).save(path)
        old = path.read_bytes()
    monkeypatch.setattr(np, "savez", _fail_midway)
    with pytest.raises(OSError, match="disk full"):
        trained.save(path)
    assert os.listdir(tmp_path) == (["model.npz"] if existing else [])  # no temporary file
    if existing:
        assert path.read_bytes() == old


def test_a_failed_rename_removes_the_temporary_file(trained, tmp_path, monkeypatch):
    def no_replace(src, dst):
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "replace", no_replace)
    with pytest.raises(PermissionError):
        trained.save(tmp_path / "model.npz")
    assert os.listdir(tmp_path) == []


def test_an_interrupt_mid_write_leaves_nothing(trained, tmp_path, monkeypatch):
    def interrupted(f, **arrays):
        f.write(b"PK")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        trained.save(tmp_path / "model.npz")
    assert os.listdir(tmp_path) == []


def test_save_refuses_weights_that_could_not_be_loaded(tmp_path):
    m = Seq2Seq(seed=0)
    m.d_rnn.params[1][0, 0] = np.nan  # the live arrays can be poked directly
    with pytest.raises(ValueError, match="d_rnn/recurrent_kernel holds NaN or inf"):
        m.save(tmp_path / "model.npz")
    assert os.listdir(tmp_path) == []


def test_save_into_a_missing_folder_or_onto_a_folder(tmp_path):
    m = Seq2Seq(seed=0)
    with pytest.raises(FileNotFoundError, match="there is no folder"):
        m.save(tmp_path / "nope" / "model.npz")
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        m.save(tmp_path)
    with pytest.raises(TypeError, match="path must be a str or os.PathLike; got int"):
        m.save(3)
    assert os.listdir(tmp_path) == []


# -- files that must not load ------------------------------------------------------------
def test_a_missing_file_or_a_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file at"):
        Seq2Seq.load(tmp_path / "missing.npz")
    with pytest.raises(ValueError, match="is a folder"):
        Seq2Seq.load(tmp_path)


def _write_npz(path: Path, **arrays):
    with open(path, "wb") as f:  # a file object: np.savez keeps the name as given
        np.savez(f, **arrays)


def _modified(model, **changes):
    out = entries(model)
    for k, v in changes.items():
        if v is None:
            del out[k]
        else:
            out[k] = v
    return out


BAD_FILES = {
    "another program's npz": (lambda m: {"a": np.arange(3)}, ["entries", "missing", "format"]),
    "an extra entry": (
        lambda m: {**entries(m), "notes": np.array("hi")},
        ["entries", "unexpected notes"],
    ),
    "a missing weight": (
        lambda m: _modified(m, **{"d_output/bias": None}),
        ["missing d_output/bias"],
    ),
    "a newer format": (
        lambda m: _modified(m, format=np.array("numpy-seq2seq/3")),
        ["format must be 'numpy-seq2seq/2'", "numpy-seq2seq/3"],
    ),
    "format 1 with a cell entry": (
        lambda m: _modified(m, format=np.array("numpy-seq2seq/1")),
        ["format must be 'numpy-seq2seq/2'", "numpy-seq2seq/1"],
    ),
    "an unknown cell": (
        lambda m: _modified(m, cell=np.array("transformer")),
        ["cell must be one of 'simple_rnn'", "transformer"],
    ),
    "format as bytes": (
        lambda m: _modified(m, format=np.array(b"numpy-seq2seq/2")),
        ["format must be"],
    ),
    "hidden that does not fit the weights": (
        lambda m: _modified(m, hidden=np.array(11)),
        ["e_rnn kernel: expected (1, 11) float32", "hidden=11", "got (1, 10) float32"],
    ),
    "a huge hidden": (
        lambda m: _modified(m, hidden=np.array(10**9)),
        ["e_rnn kernel: expected (1, 1000000000)"],
    ),
    "hidden zero": (lambda m: _modified(m, hidden=np.array(0)), ["hidden", ">= 1"]),
    "hidden as a float": (
        lambda m: _modified(m, hidden=np.array(10.0)),
        ["hidden must be a single integer"],
    ),
    "hidden as an array": (
        lambda m: _modified(m, hidden=np.array([10])),
        ["hidden must be a single integer"],
    ),
    "weights in another dtype": (
        lambda m: _modified(m, **{"d_rnn/bias": m.get_weights()[5].astype(np.float64)}),
        ["d_rnn bias: expected (10,) float32", "got (10,) float64"],
    ),
    "dtype float16": (
        lambda m: _modified(m, dtype=np.array("float16")),
        ["dtype must be 'float32' or 'float64'", "float16"],
    ),
    "dtype nonsense": (
        lambda m: _modified(m, dtype=np.array("banana")),
        ["dtype must be 'float32' or 'float64'", "banana"],
    ),
    "a NaN weight": (
        lambda m: _modified(m, **{"e_rnn/bias": np.full(10, np.nan, np.float32)}),
        ["e_rnn bias must be finite"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_mismatched_file_is_a_value_error_naming_it(trained, tmp_path, case):
    make, words = BAD_FILES[case]
    path = tmp_path / "bad.npz"
    _write_npz(path, **make(trained))
    with pytest.raises(ValueError) as info:
        Seq2Seq.load(path)
    msg = str(info.value)
    assert repr(str(path)) in msg
    for w in words:
        assert w in msg


def test_a_pickled_object_array_is_never_unpickled(trained, tmp_path):
    path = tmp_path / "pickled.npz"
    arrays = entries(trained)
    arrays["e_rnn/bias"] = np.array([object()] * 10, dtype=object)
    with open(path, "wb") as f:
        np.savez(f, **arrays)  # np.savez pickles object arrays
    with pytest.raises(ValueError, match="allow_pickle=False") as info:
        Seq2Seq.load(path)
    assert str(path) in str(info.value)


def test_a_npy_file(tmp_path):
    path = tmp_path / "weights.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(
        ValueError, match=r"not a numpy-seq2seq \.npz file \(a single \.npy array\)"
    ):
        Seq2Seq.load(path)


def test_a_zip_of_junk_and_a_zip_of_raw_entries(trained, tmp_path):
    junk = tmp_path / "junk.npz"
    with zipfile.ZipFile(junk, "w") as z:
        z.writestr("config.json", "{}")
        z.writestr("model.weights.h5", b"\x89HDF\r\n")
    with pytest.raises(ValueError, match="unexpected config.json, model.weights.h5"):
        Seq2Seq.load(junk)
    # Our entry names, but raw bytes instead of .npy arrays (np.load returns bytes for those).
    raw = tmp_path / "raw.npz"
    with zipfile.ZipFile(raw, "w") as z:
        for k in entries(trained):
            z.writestr(k, b"0")
    with pytest.raises(ValueError, match="entries are not those of numpy-seq2seq/"):
        Seq2Seq.load(raw)


def test_a_npy_header_that_lies_about_its_shape(trained, tmp_path):
    """An entry claiming 10**12 floats in a few bytes: a ValueError, not a huge allocation."""
    arrays = entries(trained)
    path = tmp_path / "lying.npz"
    with zipfile.ZipFile(path, "w") as z:
        for k, v in arrays.items():
            with z.open(k + ".npy", "w") as f:
                if k == "e_rnn/kernel":
                    header = {"descr": "<f4", "fortran_order": False, "shape": (10**6, 10**6)}
                    np.lib.format.write_array_header_1_0(f, header)
                    f.write(b"\0" * 16)
                else:
                    np.lib.format.write_array(f, v)
    with pytest.raises(ValueError, match="not a readable numpy-seq2seq .npz file"):
        Seq2Seq.load(path)


def test_an_entry_claiming_too_many_bytes_is_refused_before_reading(trained, tmp_path, monkeypatch):
    """The size guard reads the zip's directory only; lower it to see it refuse."""
    import numpy_seq2seq.io as io

    path = tmp_path / "model.npz"
    trained.save(path)
    monkeypatch.setattr(io, "MAX_ENTRY_BYTES", 300)  # only the 10x10 kernels are larger
    with pytest.raises(ValueError, match="entry e_rnn/recurrent_kernel.npy claims 528 bytes"):
        Seq2Seq.load(path)


# -- hypothesis: nothing but a whole model loads -------------------------------------------
_settings = settings(
    deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_settings
@given(blob=st.binary(max_size=2000))
def test_arbitrary_bytes_never_load(tmp_path, blob):
    path = tmp_path / "blob.npz"
    path.write_bytes(blob)
    with pytest.raises(ValueError, match="blob.npz"):
        Seq2Seq.load(path)


@_settings
@given(data=st.data())
def test_a_truncated_file_never_loads(good_bytes, tmp_path, data):
    cut = data.draw(st.integers(0, len(good_bytes) - 1))
    path = tmp_path / "cut.npz"
    path.write_bytes(good_bytes[:cut])
    with pytest.raises(ValueError, match="cut.npz"):
        Seq2Seq.load(path)


@_settings
@given(data=st.data())
def test_corrupted_bytes_load_the_same_model_or_raise_value_error(
    trained, good_bytes, tmp_path, data
):
    """Damage anywhere: the zip's CRC checks catch damage to the arrays, so a file
    either fails with ValueError or (damage to unused metadata such as a timestamp)
    loads the very same model.  It never loads a different one."""
    blob = bytearray(good_bytes)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(blob) - 1))
        blob[i] = data.draw(st.integers(0, 255).filter(lambda b, i=i: b != good_bytes[i]))
    path = tmp_path / "damaged.npz"
    path.write_bytes(bytes(blob))
    try:
        loaded = Seq2Seq.load(path)
    except ValueError as err:
        assert "damaged.npz" in str(err)
        return
    for a, b in zip(loaded.get_weights(), trained.get_weights()):
        assert np.array_equal(a, b)
    assert (loaded.hidden, loaded.dtype) == (trained.hidden, trained.dtype)
