"""reference_keras itself: the seed's data loop, argument checks and its command line."""

import pytest

# A missing TensorFlow skips this module; CI (NUMPY_SEQ2SEQ_REQUIRE_KERAS=1) turns
# that skip into a failure (tests/conftest.py).
tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow  # Keras runs: the full suite only, not make test-quick

import numpy as np
from keras_helpers import pair

import reference_keras as rk
from numpy_seq2seq.data import make_windows, sin_cos


def test_seed_data_matches_numpy_package():
    """Two independent windowings (the seed's loop, and sliding windows) agree exactly."""
    for a, b in zip(rk.sin_cos_seed(), sin_cos()):
        np.testing.assert_array_equal(a, b)
    _, seq_in, seq_out = rk.sin_cos_seed()
    ex, dx, dy = rk.make_windows_seed(seq_in, seq_out, steps=24)
    assert ex.shape == dx.shape == dy.shape == (76, 24, 1)
    for a, b in zip((ex, dx, dy), make_windows(seq_in, seq_out, steps=24)):
        np.testing.assert_array_equal(a, b)
    two = np.stack([seq_in, seq_out], axis=1)
    for a, b in zip(rk.make_windows_seed(two, seq_out, 5), make_windows(two, seq_out, 5)):
        np.testing.assert_array_equal(a, b)


def test_bad_arguments_name_what_was_expected():
    with pytest.raises(ValueError, match="dtype"):
        rk.build_models(dtype="float16")
    with pytest.raises(ValueError, match="hidden"):
        rk.build_models(hidden=0)
    with pytest.raises(ValueError, match="steps"):
        rk.make_windows_seed(np.zeros(5), np.zeros(5), steps=5)
    with pytest.raises(TypeError, match="steps must be an int"):
        rk.make_windows_seed(np.zeros(30), np.zeros(30), steps="24")
    _, model_train, model_pred_e, pred_d_model = pair(1, 1, 2, 3, dtype="float64")
    ex = np.zeros((4, 3, 1))
    with pytest.raises(ValueError, match="permutation"):
        rk.replay_fit(model_train, ex, ex, ex, [np.array([0, 0, 1])], 2, 0.25)
    with pytest.raises(ValueError, match="validation_split"):
        rk.replay_fit(model_train, ex, ex, ex, [], 2, 1.0)
    with pytest.raises(ValueError, match="window"):
        rk.predict_seed(model_pred_e, pred_d_model, ex)
    with pytest.raises(TypeError, match="steps must be an int"):
        rk.predict(model_pred_e, pred_d_model, ex, steps=2.0)


def test_floatx_is_restored():
    import keras

    before = keras.config.floatx()
    with rk.floatx("float64"):
        assert keras.config.floatx() == "float64"
    assert keras.config.floatx() == before


def test_command_line_runs_the_seed(tmp_path, capsys):
    from reference_keras.__main__ import main

    assert main(["--epochs", "2", "--seed", "1", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "Epoch 2/2" in printed and "val_loss" in printed
    for name in ("loss.png", "predictions.png"):
        png = tmp_path / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert str(png) in printed
