"""Cross-check of the GRU and LSTM cells against Keras, float64 (issue 14).

* A hypothesis test per cell over random configurations (tokens 1-3, hidden 1-6,
  steps 1-8, a partial last batch) and both directions of weight exchange:
  NumPy's random weights (biases included) sent to Keras, or Keras's own
  initial weights (``tf.keras.utils.set_random_seed``) sent to NumPy.  Each
  example checks the forward pass (1e-12), the autoregressive predictions
  carrying every state (1e-12), the loss and all 8 gradients (1e-10 relative),
  and a short shuffled training run: both histories and the final weights (1e-12).
* The seed task per cell, float64, from Keras's initial weights: 80 epochs of
  ``fit`` on each side, histories, final weights and predictions to 1e-12.
* Keras's initialisers: our recurrent kernels have the same structure as Keras's
  (orthonormal rows), and the LSTM's bias the same unit forget bias.
"""

import pytest

# A missing TensorFlow skips this module; CI (NUMPY_SEQ2SEQ_REQUIRE_KERAS=1) turns
# that skip into a failure (tests/conftest.py).
tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow  # Keras runs: the full suite only, not make test-quick

import numpy as np
from hypothesis import HealthCheck, given, settings
from keras_helpers import TOL_F64, assert_parity, configs, exchanged_pair, keras_fit, max_abs

import reference_keras as rk
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import INIT_POINTS

CELLS = ("gru", "lstm")


@pytest.mark.parametrize("cell", CELLS)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=configs(max_batch=4, max_val=3, max_hidden=6, max_steps=8))
def test_random_configurations_float64(cell, cfg):
    assert_parity(cell, cfg)


@pytest.fixture(scope="module")
def seed_data():
    _, seq_in, seq_out = rk.sin_cos_seed()
    return rk.make_windows_seed(seq_in, seq_out)


@pytest.mark.parametrize("cell", CELLS)
def test_seed_task_float64(cell, seed_data):
    """The seed's training exactly (80 epochs, batch 16, split 0.2, shuffle=False) with
    the cell, from Keras's initial weights: Keras's ``fit`` against ours, to 1e-12."""
    ex, dx, dy = seed_data
    np_model, model_train, model_pred_e, pred_d_model = exchanged_pair(
        cell, 1, 1, 10, 24, seed=0, keras_to_numpy=True
    )
    kw = dict(batch_size=16, epochs=80, validation_split=0.2, shuffle=False)
    h_keras = keras_fit(model_train, ex, dx, dy, **kw)
    h_numpy = np_model.fit([ex, dx], dy, **kw)
    for key in ("loss", "val_loss"):
        assert len(h_numpy.history[key]) == 80
        assert max_abs(h_keras.history[key], h_numpy.history[key]) <= TOL_F64, key
    assert max_abs(model_train.get_weights(), np_model.get_weights()) <= TOL_F64
    p_keras = rk.predict(model_pred_e, pred_d_model, ex[list(INIT_POINTS)])
    assert max_abs(p_keras, np_model.predict(ex[list(INIT_POINTS)])) <= TOL_F64
    assert h_numpy.history["loss"][-1] < 0.05 < h_numpy.history["loss"][0]  # it learned


@pytest.mark.parametrize("cell", CELLS)
def test_initialisers_have_keras_structure(cell):
    """Keras's own initial weights and ours: same shapes, recurrent kernels with
    orthonormal rows, glorot bounds, and the same biases (GRU: zeros; LSTM: ones on
    the forget gate, ``unit_forget_bias``)."""
    tf.keras.utils.set_random_seed(1)
    model_train, _, _ = rk.build_models(2, 1, 6, 5, dtype="float64", cell=cell)
    keras_w = model_train.get_weights()
    ours = Seq2Seq(2, 1, 6, dtype="float64", seed=1, cell=cell).get_weights()
    k = 3 if cell == "gru" else 4
    for side in (keras_w, ours):
        assert [w.shape for w in side] == [w.shape for w in keras_w]
        for kernel, recurrent, _bias, d in ((*side[0:3], 2), (*side[3:6], 1)):
            assert np.abs(kernel).max() <= np.sqrt(6 / (d + k * 6))
            np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(6), atol=1e-12)
        np.testing.assert_array_equal(side[2], keras_w[2])  # biases: not random
        np.testing.assert_array_equal(side[5], keras_w[5])
    if cell == "lstm":
        np.testing.assert_array_equal(keras_w[2], np.r_[np.zeros(6), np.ones(6), np.zeros(12)])


def test_build_models_checks_the_cell_and_the_seed_loop_refuses_two_states():
    with pytest.raises(ValueError, match="cell must be one of .*'lstm'.*got 'rnn'"):
        rk.build_models(cell="rnn")
    _, model_pred_e, pred_d_model = rk.build_models(1, 1, 3, 4, cell="lstm")
    assert len(model_pred_e.outputs) == 2  # the context is [h, c]
    assert len(pred_d_model.inputs) == len(pred_d_model.outputs) == 3  # [y, h, c] -> [y, h, c]
    with pytest.raises(ValueError, match="carries one state.*use predict instead"):
        rk.predict_seed(model_pred_e, pred_d_model, np.zeros((1, 4, 1)))
