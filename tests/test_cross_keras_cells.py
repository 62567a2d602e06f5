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

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from keras_helpers import (
    TOL_F64,
    TOL_F64_GRAD_REL,
    check_weight_layout,
    configs,
    keras_fit,
    keras_forward,
    keras_loss_and_grads,
    max_abs,
    random_weights,
    windows,
)

import reference_keras as rk
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import INIT_POINTS
from numpy_seq2seq.gradcheck import relative_error
from numpy_seq2seq.model import epoch_orders, split_windows

CELLS = ("gru", "lstm")


def exchanged_pair(cell, enc, dec, hidden, steps, seed, keras_to_numpy):
    """The seed's three Keras models and a NumPy model with identical float64 weights,
    sent Keras -> NumPy (Keras's initialisation) or NumPy -> Keras (random weights)."""
    if keras_to_numpy:
        tf.keras.utils.set_random_seed(seed)
    models = rk.build_models(enc, dec, hidden, steps, dtype="float64", cell=cell)
    np_model = Seq2Seq(enc, dec, hidden, dtype="float64", seed=seed, cell=cell)
    if keras_to_numpy:
        np_model.set_weights(models[0].get_weights())
    else:
        np_model.set_weights(random_weights(np_model, np.random.default_rng(seed)))
        models[0].set_weights(np_model.get_weights())
    return np_model, *models


@pytest.mark.parametrize("cell", CELLS)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=configs(max_batch=4, max_val=3, max_hidden=6, max_steps=8))
def test_random_configurations_float64(cell, cfg):
    np_model, model_train, model_pred_e, pred_d_model = exchanged_pair(
        cell,
        cfg["enc"],
        cfg["dec"],
        cfg["hidden"],
        cfg["steps"],
        cfg["seed"],
        cfg["keras_to_numpy"],
    )
    check_weight_layout(model_train)
    rng = np.random.default_rng(cfg["seed"])
    ex, dx, dy = windows(rng, cfg["n"], cfg["steps"], cfg["enc"], cfg["dec"])

    assert max_abs(keras_forward(model_train, ex, dx), np_model.forward(ex, dx)) <= TOL_F64
    steps = cfg["steps"] + 2  # a few steps past T too
    p_keras = rk.predict(model_pred_e, pred_d_model, ex, steps=steps)
    assert max_abs(p_keras, np_model.predict(ex, steps=steps)) <= TOL_F64
    # the context: one state, or the LSTM's (h, c)
    c_keras = model_pred_e(tf.constant(ex), training=False)
    c_keras = c_keras if isinstance(c_keras, (list, tuple)) else [c_keras]
    c_numpy = np_model.encode(ex)
    c_numpy = list(c_numpy) if isinstance(c_numpy, tuple) else [c_numpy]
    assert len(c_keras) == len(c_numpy) == (2 if cell == "lstm" else 1)
    assert max_abs([np.asarray(c) for c in c_keras], c_numpy) <= TOL_F64

    loss_k, grads_k = keras_loss_and_grads(model_train, ex, dx, dy)
    loss_n, grads_n = np_model.loss_and_grads(ex, dx, dy)
    assert abs(loss_k - loss_n) <= TOL_F64
    for g_k, g_n in zip(grads_k, grads_n):
        assert g_k.shape == g_n.shape
        assert relative_error(g_k, g_n) <= TOL_F64_GRAD_REL

    assert split_windows(cfg["n"], cfg["split"]) == cfg["n_train"]
    kw = dict(batch_size=cfg["batch"], validation_split=cfg["split"])
    h_numpy = np_model.fit([ex, dx], dy, epochs=2, shuffle=True, seed=cfg["seed"], **kw)
    orders = list(epoch_orders(cfg["n_train"], 2, shuffle=True, seed=cfg["seed"]))
    h_keras = rk.replay_fit(model_train, ex, dx, dy, orders, **kw)
    for key in ("loss", "val_loss"):
        assert max_abs(h_keras[key], h_numpy.history[key]) <= TOL_F64, key
    assert max_abs(model_train.get_weights(), np_model.get_weights()) <= TOL_F64


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
