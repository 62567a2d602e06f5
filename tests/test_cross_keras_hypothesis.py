"""Cross-check over random configurations, float64 (hypothesis).

Each example builds the seed's Keras models at random sizes (tokens 1-3,
hidden 1-8, steps 1-10), loads NumPy's random weights into them, and checks
the forward pass, the autoregressive predictions, all 8 gradients and a
short shuffled training run whose last batch is partial.  Building and tracing
Keras models is slow, so max_examples is small.
"""

import pytest

# A missing TensorFlow skips this module; CI (NUMPY_SEQ2SEQ_REQUIRE_KERAS=1) turns
# that skip into a failure (tests/conftest.py).
tf = pytest.importorskip("tensorflow")

import numpy as np
from hypothesis import HealthCheck, given, settings
from keras_helpers import (
    TOL_F64,
    TOL_F64_GRAD_REL,
    configs,
    keras_forward,
    keras_loss_and_grads,
    max_abs,
    pair,
    windows,
)

import reference_keras as rk
from numpy_seq2seq.gradcheck import relative_error
from numpy_seq2seq.model import epoch_orders, split_windows


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=configs(max_batch=5, max_val=4, max_hidden=8, max_steps=10))
def test_random_configurations_float64(cfg):
    np_model, model_train, model_pred_e, pred_d_model = pair(
        cfg["enc"], cfg["dec"], cfg["hidden"], cfg["steps"], dtype="float64", seed=cfg["seed"]
    )
    rng = np.random.default_rng(cfg["seed"])
    ex, dx, dy = windows(rng, cfg["n"], cfg["steps"], cfg["enc"], cfg["dec"])

    # forward, teacher-forced and autoregressive (a few steps past T too)
    assert max_abs(keras_forward(model_train, ex, dx), np_model.forward(ex, dx)) <= TOL_F64
    steps = cfg["steps"] + 2
    p_keras = rk.predict(model_pred_e, pred_d_model, ex, steps=steps)
    assert max_abs(p_keras, np_model.predict(ex, steps=steps)) <= TOL_F64

    # gradients of every weight
    loss_k, grads_k = keras_loss_and_grads(model_train, ex, dx, dy)
    loss_n, grads_n = np_model.loss_and_grads(ex, dx, dy)
    assert abs(loss_k - loss_n) <= TOL_F64
    for g_k, g_n in zip(grads_k, grads_n):
        assert relative_error(g_k, g_n) <= TOL_F64_GRAD_REL

    # a short shuffled run, NumPy's batch order replayed in Keras
    assert split_windows(cfg["n"], cfg["split"]) == cfg["n_train"]
    assert cfg["n_train"] % cfg["batch"] != 0
    kw = dict(batch_size=cfg["batch"], validation_split=cfg["split"])
    h_numpy = np_model.fit([ex, dx], dy, epochs=2, shuffle=True, seed=cfg["seed"], **kw)
    orders = list(epoch_orders(cfg["n_train"], 2, shuffle=True, seed=cfg["seed"]))
    h_keras = rk.replay_fit(model_train, ex, dx, dy, orders, **kw)
    for key in ("loss", "val_loss"):
        assert max_abs(h_keras[key], h_numpy.history[key]) <= TOL_F64, key
    assert max_abs(model_train.get_weights(), np_model.get_weights()) <= TOL_F64
