"""Helpers for the NumPy-vs-Keras cross-check suite (tests/test_cross_keras_*.py).

Not a test module.
"""

from __future__ import annotations

import functools

import numpy as np
import tensorflow as tf
from hypothesis import strategies as st

import reference_keras as rk
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.gradcheck import relative_error
from numpy_seq2seq.model import WEIGHT_NAMES, epoch_orders, split_windows
from scripts import float32_spread

#: The issue's tolerances.  Never loosen one to make a test pass: find the cause in Keras.
TOL_F64 = 1e-12  # float64, absolute, everything (incl. weights after a whole run)
TOL_F64_GRAD_REL = 1e-10  # float64 gradients, relative to the larger norm
TOL_F32_FORWARD = 1e-5  # float32 forward passes
TOL_F32_SEED_LOSS = 2e-5  # float32 seed task: loss and val_loss histories
TOL_F32_SEED_PRED = 2e-4  # float32 seed task: predictions at the four init_points
# float32 seed task over 12 initialisations per cell, every cell: two float32 runs can differ
# by the sum of their drifts from exact arithmetic (docs/keras-mapping.md, "The bound"):
TOL_F32_SEED_PRED_ANY_INIT = 5e-4
# ... and with attention, whose amplifying starts drift further: the largest drift of one
# float32 run from exact arithmetic measured is 7.3e-3 (Keras, dot, Keras's seed 1), so two
# runs can differ by up to about 2 x 7.3e-3 (docs/keras-mapping.md, "The bound", with attention).
# The typical start (the median of 12) must still meet the bounds without attention.
TOL_F32_SEED_PRED_ATTENTION_ANY_INIT = 2e-2
# Two float32 checks the table does not name; each is a few float32 rounding units:
TOL_F32_ADAM_MANY = 1e-6  # weights after 200 Adam steps from bitwise-equal gradients
TOL_F32_GRAD_REL = 1e-5  # float32 gradients vs GradientTape (float32 tanh differs by <= 4 ulp)


def max_abs(a, b) -> float:
    """Largest absolute difference of two arrays (or lists of arrays / floats)."""
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b), (len(a), len(b))
        return max((max_abs(x, y) for x, y in zip(a, b)), default=0.0)
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def random_weights(model: Seq2Seq, rng: np.random.Generator, scale: float = 0.5) -> list:
    """Random values for all 8 weights, biases included (Keras starts them at zero,
    which would leave the bias paths untested)."""
    return [(scale * rng.standard_normal(p.shape)).astype(model.dtype) for p in model.params]


def pair(
    enc_tokens: int = 1,
    dec_tokens: int = 1,
    hidden: int = 10,
    steps: int = 24,
    dtype: str = "float32",
    seed: int = 0,
    random: bool = True,
    cell: str = "simple_rnn",
):
    """A NumPy model and the seed's three Keras models holding identical weights.

    The weights are NumPy's (``random_weights`` when ``random``, else
    ``Seq2Seq(seed=seed)``'s Keras-style initialisation), sent across unchanged
    with ``model_train.set_weights(np_model.get_weights())``.
    ``cell`` is the recurrent layer of both halves (``"simple_rnn"``, ``"gru"``, ``"lstm"``).
    Returns ``(np_model, model_train, model_pred_e, pred_d_model)``.
    """
    model_train, model_pred_e, pred_d_model = rk.build_models(
        enc_tokens, dec_tokens, hidden, steps, dtype=dtype, cell=cell
    )
    np_model = Seq2Seq(enc_tokens, dec_tokens, hidden, dtype=dtype, seed=seed, cell=cell)
    if random:
        np_model.set_weights(random_weights(np_model, np.random.default_rng(seed)))
    model_train.set_weights(np_model.get_weights())
    return np_model, model_train, model_pred_e, pred_d_model


def windows(
    rng: np.random.Generator, n: int, steps: int, enc_tokens: int, dec_tokens: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random float64 ``ex, dx, dy`` with the seed's teacher-forcing shift (dx = dy shifted)."""
    ex = rng.uniform(-1, 1, (n, steps, enc_tokens))
    dy = rng.uniform(-1, 1, (n, steps, dec_tokens))
    dx = np.zeros_like(dy)
    dx[:, 1:] = dy[:, :-1]
    return ex, dx, dy


def keras_forward(model_train, ex, dx) -> np.ndarray:
    """``model_train([ex, dx])`` called directly, in the model's dtype."""
    dt = rk.model_dtype(model_train)
    return model_train([tf.constant(ex, dt), tf.constant(dx, dt)], training=False).numpy()


def keras_loss_and_grads(model_train, ex, dx, dy):
    """Keras's compiled loss (``loss='mean_squared_error'``) and its tf.GradientTape
    gradients for the 8 weights, in ``get_weights()`` order."""
    dt = rk.model_dtype(model_train)
    x = [tf.constant(ex, dt), tf.constant(dx, dt)]
    with rk.floatx(dt), tf.GradientTape() as tape:
        y_pred = model_train(x, training=True)
        loss = model_train.compute_loss(x=x, y=tf.constant(dy, dt), y_pred=y_pred)
    grads = tape.gradient(loss, model_train.trainable_weights)
    return float(loss), [g.numpy() for g in grads]


def keras_fit(model_train, ex, dx, dy, **kwargs):
    """``model_train.fit([ex, dx], dy, **kwargs)`` with Keras's floatx set to the model's dtype
    (fit's data adapter casts inputs to floatx)."""
    with rk.floatx(rk.model_dtype(model_train)):
        return model_train.fit([ex, dx], dy, verbose=0, **kwargs)


def check_weight_layout(model_train) -> None:
    """model_train.weights are in WEIGHT_NAMES order (layer, then kernel/recurrent_kernel/bias)."""
    paths = [v.path for v in model_train.weights]
    assert len(paths) == len(WEIGHT_NAMES), paths
    for path, (layer, name) in zip(paths, WEIGHT_NAMES):
        assert path.split("/")[0] == layer and path.split("/")[-1] == name, (path, layer, name)


@st.composite
def configs(draw, max_batch: int, max_val: int, max_hidden: int, max_steps: int) -> dict:
    """A random model and data configuration for the hypothesis cross-checks: tokens 1-3,
    a last training batch that is partial, and a validation_split that lands on n_train."""
    batch = draw(st.integers(2, max_batch))
    n_train = batch * draw(st.integers(0, 2)) + draw(st.integers(1, batch - 1))  # partial batch
    n_val = draw(st.integers(1, max_val))
    n = n_train + n_val
    return dict(
        enc=draw(st.integers(1, 3)),
        dec=draw(st.integers(1, 3)),
        hidden=draw(st.integers(1, max_hidden)),
        steps=draw(st.integers(1, max_steps)),
        n=n,
        batch=batch,
        split=(n_val - 0.5) / n,  # half a window inside the cut: floor() lands on n_train
        n_train=n_train,
        seed=draw(st.integers(0, 2**16)),
        keras_to_numpy=draw(st.booleans()),
    )


@functools.cache
def float32_seed_run(cell: str, origin: str, seed: int, attention: str | None = None) -> dict:
    """The float32 seed task from initialisation ``seed`` of ``origin`` (``"keras"`` or
    ``"numpy"``), trained by Keras and by NumPy (``scripts/float32_spread.py``): the largest
    differences and the raw ``histories`` and ``outputs``.  Made once per test session (per
    xdist worker: tests that share a run carry one ``xdist_group``), never kept across
    sessions."""
    (row,) = float32_spread.measure(
        cells=(cell,),
        origins=(origin,),
        seeds=(seed,),
        attentions=(attention,),
        float64=False,
        log=lambda line: None,
        reuse=reusable_models,
    )
    return row


@functools.cache
def reusable_models(cell: str, attention: str | None = None) -> float32_spread.Reusable:
    """One set of float32 Keras models per (cell, attention) and worker, restarted for each
    float32 run (``float32_spread.Reusable``); test_cells_float32_seed.py checks that a
    restarted model trains exactly as a new one."""
    return float32_spread.Reusable(cell, attention)


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


def assert_parity(cell: str, cfg: dict) -> None:
    """One configuration (``configs``) in float64, both models from identical weights:
    the weight layout, the forward pass, the context, the autoregressive predictions (a few
    steps past T), the loss and every gradient, and a short shuffled run (NumPy's batch
    order replayed in Keras) with its histories and final weights."""
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
    assert cfg["n_train"] % cfg["batch"] != 0  # the last training batch is partial
    kw = dict(batch_size=cfg["batch"], validation_split=cfg["split"])
    h_numpy = np_model.fit([ex, dx], dy, epochs=2, shuffle=True, seed=cfg["seed"], **kw)
    orders = list(epoch_orders(cfg["n_train"], 2, shuffle=True, seed=cfg["seed"]))
    h_keras = rk.replay_fit(model_train, ex, dx, dy, orders, **kw)
    for key in ("loss", "val_loss"):
        assert max_abs(h_keras[key], h_numpy.history[key]) <= TOL_F64, key
    assert max_abs(model_train.get_weights(), np_model.get_weights()) <= TOL_F64
