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
from hypothesis import strategies as st
from keras_helpers import (
    TOL_F64,
    TOL_F64_GRAD_REL,
    keras_forward,
    keras_loss_and_grads,
    max_abs,
    pair,
    windows,
)

import reference_keras as rk
from numpy_seq2seq.gradcheck import relative_error
from numpy_seq2seq.model import epoch_orders, split_windows


@st.composite
def configs(draw):
    batch = draw(st.integers(2, 5))
    n_train = batch * draw(st.integers(0, 2)) + draw(st.integers(1, batch - 1))  # partial batch
    n_val = draw(st.integers(1, 4))
    n = n_train + n_val
    return dict(
        enc=draw(st.integers(1, 3)),
        dec=draw(st.integers(1, 3)),
        hidden=draw(st.integers(1, 8)),
        steps=draw(st.integers(1, 10)),
        n=n,
        batch=batch,
        # half a window inside the intended cut, so floor() lands on n_train
        split=(n_val - 0.5) / n,
        n_train=n_train,
        seed=draw(st.integers(0, 2**16)),
    )


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=configs())
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
