"""Cross-check, forward direction: NumPy's Seq2Seq against the seed's Keras models.

Identical weights in both (sent NumPy -> Keras with set_weights), then the
teacher-forced outputs, the context, one decoder step and the autoregressive
predictions must agree: float32 to 1e-5, float64 to 1e-12.
"""

import pytest

# A missing TensorFlow skips this module; CI (NUMPY_SEQ2SEQ_REQUIRE_KERAS=1) turns
# that skip into a failure (tests/conftest.py).
tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow  # Keras runs: the full suite only, not make test-quick

import numpy as np
from keras_helpers import (
    TOL_F32_FORWARD,
    TOL_F64,
    check_weight_layout,
    keras_forward,
    max_abs,
    pair,
    windows,
)

import reference_keras as rk
from numpy_seq2seq import Seq2Seq

TOL = {"float32": TOL_F32_FORWARD, "float64": TOL_F64}


@pytest.fixture(scope="module", params=["float32", "float64"])
def seed_pair(request):
    """The seed's sizes (1, 1, 10, 24) with random weights; the 4 models are only read."""
    return request.param, pair(dtype=request.param, seed=3)


@pytest.fixture(scope="module")
def seed_data():
    x, seq_in, seq_out = rk.sin_cos_seed()
    return rk.make_windows_seed(seq_in, seq_out, steps=24)


def test_weights_cross_unchanged_in_both_directions():
    np_model, model_train, _, _ = pair(dtype="float64", seed=1)
    check_weight_layout(model_train)
    assert model_train.count_params() == np_model.count_params() == 251
    # NumPy -> Keras (done by pair) leaves Keras holding exactly NumPy's arrays...
    for k, n in zip(model_train.get_weights(), np_model.get_weights()):
        assert k.dtype == n.dtype == np.float64
        np.testing.assert_array_equal(k, n)
    # ... and Keras -> NumPy brings them back bit for bit.
    back = Seq2Seq(dtype="float64")
    back.set_weights(model_train.get_weights())
    for k, n in zip(model_train.get_weights(), back.get_weights()):
        np.testing.assert_array_equal(k, n)


def test_float64_models_are_float64_throughout():
    _, model_train, model_pred_e, pred_d_model = pair(dtype="float64")
    assert {v.dtype for v in model_train.weights} == {"float64"}
    assert model_train.optimizer.learning_rate.dtype == "float64"
    assert model_train.inputs[0].dtype == pred_d_model.inputs[1].dtype == "float64"
    assert model_train.layers[-1].compute_dtype == "float64"


def test_teacher_forced_outputs(seed_pair, seed_data):
    dtype, (np_model, model_train, _, _) = seed_pair
    ex, dx, _ = seed_data
    y_keras = keras_forward(model_train, ex, dx)
    y_numpy = np_model.forward(ex, dx)
    assert y_keras.dtype == y_numpy.dtype == dtype
    assert max_abs(y_keras, y_numpy) <= TOL[dtype]
    # model_train.predict (the batched pipeline) gives the same outputs.
    with rk.floatx(dtype):
        y_pred = model_train.predict([ex, dx], batch_size=32, verbose=0)
    assert max_abs(y_pred, y_numpy) <= TOL[dtype]


def test_context_is_the_encoder_final_state(seed_pair, seed_data):
    dtype, (np_model, _, model_pred_e, _) = seed_pair
    ex = seed_data[0]
    context_keras = model_pred_e([tf.constant(ex, dtype)]).numpy()
    assert context_keras.shape == (len(ex), 10)
    assert max_abs(context_keras, np_model.encode(ex)) <= TOL[dtype]


def test_one_decoder_step_from_a_given_state(seed_pair):
    dtype, (np_model, _, _, pred_d_model) = seed_pair
    rng = np.random.default_rng(7)
    y_in = rng.uniform(-1, 1, (5, 1, 1)).astype(dtype)
    h_in = rng.uniform(-1, 1, (5, 10)).astype(dtype)
    y_keras, h_keras = pred_d_model([tf.constant(y_in), tf.constant(h_in)])
    # NumPy: eqs. (1), (2) for one step, then the Dense, eq. (4).
    W, _, b = np_model.d_rnn.params
    h_numpy = np_model.d_rnn.step(y_in[:, 0] @ W + b, h_in)
    y_numpy = np_model.d_output.forward(h_numpy[:, None])[:, 0]
    assert max_abs(h_keras.numpy(), h_numpy) <= TOL[dtype]
    assert max_abs(y_keras.numpy()[:, 0], y_numpy) <= TOL[dtype]


def test_autoregressive_predictions_batched(seed_pair, seed_data):
    dtype, (np_model, _, model_pred_e, pred_d_model) = seed_pair
    ex = seed_data[0]
    for steps in (None, 30):  # 30: past the window length, as predict allows
        p_keras = rk.predict(model_pred_e, pred_d_model, ex, steps=steps)
        p_numpy = np_model.predict(ex, steps=steps)
        assert p_keras.shape == p_numpy.shape == (len(ex), steps or 24, 1)
        assert max_abs(p_keras, p_numpy) <= TOL[dtype]


def test_autoregressive_prediction_seed_loop(seed_pair, seed_data):
    """The seed's own model.predict-per-step loop, for one window (slow: about a second)."""
    dtype, (np_model, _, model_pred_e, pred_d_model) = seed_pair
    window = seed_data[0][49:50]
    p_seed = rk.predict_seed(model_pred_e, pred_d_model, window)
    assert len(p_seed) == 24
    assert max_abs(np.array(p_seed), np_model.predict(window)[0, :, 0]) <= TOL[dtype]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_several_tokens(dtype):
    """enc_tokens=2, dec_tokens=3: the feature axes line up too."""
    np_model, model_train, model_pred_e, pred_d_model = pair(2, 3, 4, 6, dtype=dtype, seed=5)
    ex, dx, _ = windows(np.random.default_rng(0), 7, 6, 2, 3)
    assert max_abs(keras_forward(model_train, ex, dx), np_model.forward(ex, dx)) <= TOL[dtype]
    p_keras = rk.predict(model_pred_e, pred_d_model, ex)
    assert max_abs(p_keras, np_model.predict(ex)) <= TOL[dtype]
