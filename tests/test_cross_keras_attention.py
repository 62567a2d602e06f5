"""Cross-check of attention (issue 20) against Keras, float64: every cell x {dot, general,
additive}, with T_e != T_d.

For each of the 9 configurations one pair of models is built, once per module (``runs``),
holding NumPy's random weights (biases and attention weights included) on both sides:

* the teacher-forced outputs and the training model's attention weights (1e-12);
* the loss and the gradient of every weight (1e-10 relative);
* the free-running predictions and their attention weights, all windows at once and in
  the seed's ``model.predict`` loop (1e-12);
* the Keras decoder step's first output and weights equal the training model's first step;
* a shuffled training run, NumPy's batch order replayed in Keras: both histories and the
  final weights (1e-12).

A hypothesis test draws sizes, cell, attention and the direction of the weight exchange
(NumPy's random weights to Keras, or Keras's own initial weights to NumPy).  One fast
parity test per cell runs in ``-m "not slow"``; the rest is ``slow``.
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
    random_weights,
)

import reference_keras as rk
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.core.attention import softmax, softmax_backward
from numpy_seq2seq.gradcheck import relative_error
from numpy_seq2seq.model import epoch_orders, split_windows

CELLS = ("simple_rnn", "gru", "lstm")
ATTENTIONS = ("dot", "general", "additive")
CONFIGS = [(cell, attention) for cell in CELLS for attention in ATTENTIONS]
#: One fast configuration per cell, which between them cover the three attentions.
SMOKE = [("simple_rnn", "dot"), ("gru", "general"), ("lstm", "additive")]
#: Sizes no seed uses: T_e != T_d; 12 windows, split 0.25: floor(12 * 0.75) = 9 train
#: (batches 4, 4, 1: a partial last batch) and 3 validate.
SIZES = dict(enc=2, dec=1, hidden=5, t_e=7, t_d=5, n=12, split=0.25, batch=4, epochs=2)
#: The one configuration whose Keras training run is traced into a tf.function, as ``fit``
#: runs it; the others run the same ``train_step`` eagerly (``run_eagerly=True``), which
#: gives the same float64 numbers and saves the ~2.5 s of CPU each tracing costs here.
GRAPH_FIT = ("lstm", "additive")


def attention_pair(cell, attention, enc, dec, hidden, t_e, t_d, seed, keras_to_numpy=False):
    """A NumPy model and the three Keras models with identical float64 weights:
    NumPy's random ones sent to Keras, or (``keras_to_numpy``) Keras's initial ones sent
    to NumPy.  Returns ``(np_model, model_train, model_pred_e, pred_d_model)``."""
    if keras_to_numpy:
        tf.keras.utils.set_random_seed(seed)
    models = rk.build_models(
        enc, dec, hidden, t_e, dtype="float64", cell=cell, attention=attention, dec_steps=t_d
    )
    np_model = Seq2Seq(enc, dec, hidden, dtype="float64", seed=seed, cell=cell, attention=attention)
    if keras_to_numpy:
        np_model.set_weights(models[0].get_weights())
    else:
        np_model.set_weights(random_weights(np_model, np.random.default_rng(seed)))
        models[0].set_weights(np_model.get_weights())
    return (np_model, *models)


def attention_windows(rng, n, t_e, t_d, enc, dec):
    """Random ``ex`` (N, T_e, enc) and ``dx, dy`` (N, T_d, dec), dx = dy shifted right."""
    ex = rng.uniform(-1, 1, (n, t_e, enc))
    dy = rng.uniform(-1, 1, (n, t_d, dec))
    dx = np.zeros_like(dy)
    dx[:, 1:] = dy[:, :-1]
    return ex, dx, dy


def keras_training_weights(model_train, ex, dx) -> np.ndarray:
    """The training model's attention weights (N, T_d, T_e): the attention layer's first
    call returns them too (reference_keras/models.py says why), so ``output[1]`` is connected."""
    weights = model_train.get_layer("attention").output[1]
    probe = tf.keras.Model(model_train.inputs, weights)
    return probe([tf.constant(ex), tf.constant(dx)], training=False).numpy()


def check_layout(model_train, np_model) -> None:
    """Keras's weights, in model_train.weights order, carry NumPy's weight_names."""
    paths = [v.path.split("/") for v in model_train.weights]
    assert [(p[0], p[-1]) for p in paths] == list(np_model.weight_names)


def parity_run(cell, attention):
    """Everything compared for one configuration, computed once; the models are kept for
    the training run, which changes their weights."""
    s = SIZES
    np_model, model_train, model_pred_e, pred_d_model = attention_pair(
        cell, attention, s["enc"], s["dec"], s["hidden"], s["t_e"], s["t_d"], seed=11
    )
    check_layout(model_train, np_model)
    rng = np.random.default_rng(CONFIGS.index((cell, attention)))
    ex, dx, dy = attention_windows(rng, s["n"], s["t_e"], s["t_d"], s["enc"], s["dec"])
    r = dict(models=(np_model, model_train, model_pred_e, pred_d_model), data=(ex, dx, dy))
    r["y"] = keras_forward(model_train, ex, dx), np_model.forward(ex, dx)
    r["a"] = keras_training_weights(model_train, ex, dx), np_model.net.attention.attention_weights
    r["loss"] = keras_loss_and_grads(model_train, ex, dx, dy), np_model.loss_and_grads(ex, dx, dy)
    steps = s["t_d"] + 3  # past the training length, as predict allows
    r["pred"] = (
        rk.predict_attention(model_pred_e, pred_d_model, ex, steps=steps),
        np_model.predict(ex, steps=steps, return_attention=True),
    )
    # the Keras step against the Keras training model: a zero first input, the same state
    dx0 = dx.copy()
    dx0[:, 0] = 0.0
    r["first_step"] = (r["pred"][0][0][:, 0], keras_forward(model_train, ex, dx0)[:, 0])
    r["first_weights"] = (r["pred"][0][1][:, 0], keras_training_weights(model_train, ex, dx0)[:, 0])
    return r


def seed_loop_run(run):
    """The seed's own loop (two ``model.predict`` calls per step), for one window."""
    np_model, _, model_pred_e, pred_d_model = run["models"]
    window = run["data"][0][2:3]
    return (
        rk.predict_seed_attention(model_pred_e, pred_d_model, window),
        np_model.predict(window, return_attention=True),
    )


def fit_run(run, cell, attention):
    """A shuffled run of ``SIZES["epochs"]`` epochs: NumPy's ``fit``, and its batch order
    replayed in Keras with ``train_on_batch`` (reference_keras.replay_fit)."""
    np_model, model_train, _, _ = run["models"]
    ex, dx, dy = run["data"]
    s = SIZES
    n_train = split_windows(s["n"], s["split"])
    assert n_train == 9 and n_train % s["batch"] != 0
    initial = np_model.get_weights()
    model_train.run_eagerly = (cell, attention) != GRAPH_FIT
    kw = dict(batch_size=s["batch"], validation_split=s["split"])
    h_numpy = np_model.fit([ex, dx], dy, epochs=s["epochs"], shuffle=True, seed=3, **kw)
    orders = list(epoch_orders(n_train, s["epochs"], shuffle=True, seed=3))
    h_keras = rk.replay_fit(model_train, ex, dx, dy, orders, **kw)
    return dict(
        history=(h_keras, h_numpy.history),
        weights=(model_train.get_weights(), np_model.get_weights()),
        initial=initial,
    )


class Runs:
    """Each configuration's parity run, seed-loop run and training run, each made at most
    once per module and only when a test asks for it (``-m "not slow"`` makes the three
    smoke parity runs only).  The training run comes last: it changes the weights."""

    def __init__(self) -> None:
        self.parity, self.loops, self.fits = {}, {}, {}

    def __call__(self, cell: str, attention: str) -> dict:
        key = (cell, attention)
        if key not in self.parity:
            self.parity[key] = parity_run(cell, attention)
        return self.parity[key]

    def seed_loop(self, cell: str, attention: str) -> tuple:
        key = (cell, attention)
        if key not in self.loops:
            assert key not in self.fits, "the seed loop must run before training"
            self.loops[key] = seed_loop_run(self(cell, attention))
        return self.loops[key]

    def fit(self, cell: str, attention: str) -> dict:
        key = (cell, attention)
        if key not in self.fits:
            self.seed_loop(cell, attention)  # made first, from the untrained weights
            self.fits[key] = fit_run(self(cell, attention), cell, attention)
        return self.fits[key]


@pytest.fixture(scope="module")
def runs():
    return Runs()


def assert_forward_parity(r) -> None:
    assert max_abs(*r["y"]) <= TOL_F64
    assert max_abs(*r["a"]) <= TOL_F64
    (p_keras, w_keras), (p_numpy, w_numpy) = r["pred"]
    assert p_keras.shape == p_numpy.shape == (SIZES["n"], SIZES["t_d"] + 3, SIZES["dec"])
    assert w_keras.shape == w_numpy.shape == (SIZES["n"], SIZES["t_d"] + 3, SIZES["t_e"])
    assert max_abs(p_keras, p_numpy) <= TOL_F64
    assert max_abs(w_keras, w_numpy) <= TOL_F64


def assert_gradient_parity(r) -> None:
    (loss_k, grads_k), (loss_n, grads_n) = r["loss"]
    assert abs(loss_k - loss_n) <= TOL_F64
    assert len(grads_k) == len(grads_n)
    for g_k, g_n in zip(grads_k, grads_n):
        assert relative_error(g_k, g_n) <= TOL_F64_GRAD_REL


# -- the fast smoke test: one per cell ---------------------------------------------
@pytest.mark.xdist_group("attention")
@pytest.mark.parametrize("cell, attention", SMOKE)
def test_smoke_parity_per_cell(runs, cell, attention):
    """Forward, attention weights, predictions and every gradient, NumPy = Keras."""
    r = runs(cell, attention)
    assert_forward_parity(r)
    assert_gradient_parity(r)


# -- every configuration -------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.xdist_group("attention")
@pytest.mark.parametrize("cell, attention", CONFIGS)
def test_forward_weights_and_predictions(runs, cell, attention):
    assert_forward_parity(runs(cell, attention))


@pytest.mark.slow
@pytest.mark.xdist_group("attention")
@pytest.mark.parametrize("cell, attention", CONFIGS)
def test_gradients_of_every_weight(runs, cell, attention):
    assert_gradient_parity(runs(cell, attention))


@pytest.mark.slow
@pytest.mark.xdist_group("attention")
@pytest.mark.parametrize("cell, attention", CONFIGS)
def test_keras_decoder_step_is_the_training_models_first_step(runs, cell, attention):
    """The inference step, fed a zero input, the encoder's state(s) and sequence, returns the
    training model's first output and first row of weights: Keras against Keras."""
    r = runs(cell, attention)
    assert max_abs(*r["first_step"]) <= TOL_F64
    assert max_abs(*r["first_weights"]) <= TOL_F64


@pytest.mark.slow
@pytest.mark.xdist_group("attention")
@pytest.mark.parametrize("cell, attention", CONFIGS)
def test_seed_style_loop_carries_states_sequence_and_weights(runs, cell, attention):
    """The seed's per-step ``model.predict`` loop, for one window, T_e steps."""
    (p_seed, w_seed), (p_numpy, w_numpy) = runs.seed_loop(cell, attention)
    assert len(p_seed) == SIZES["t_e"] and w_seed.shape == (SIZES["t_e"], SIZES["t_e"])
    assert max_abs(np.array(p_seed), p_numpy[0, :, 0]) <= TOL_F64
    assert max_abs(w_seed, w_numpy[0]) <= TOL_F64


@pytest.mark.slow
@pytest.mark.xdist_group("attention")
@pytest.mark.parametrize("cell, attention", CONFIGS)
def test_shuffled_training_run(runs, cell, attention):
    f = runs.fit(cell, attention)
    h_keras, h_numpy = f["history"]
    for key in ("loss", "val_loss"):
        assert len(h_numpy[key]) == SIZES["epochs"]
        assert max_abs(h_keras[key], h_numpy[key]) <= TOL_F64, key
    keras_w, numpy_w = f["weights"]
    assert max_abs(keras_w, numpy_w) <= TOL_F64
    assert max_abs(numpy_w, f["initial"]) > 1e-3  # it did train


# -- sizes, cells, attentions and both directions of weight exchange ---------------
@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cell=st.sampled_from(CELLS),
    attention=st.sampled_from(ATTENTIONS),
    enc=st.integers(1, 3),
    dec=st.integers(1, 3),
    hidden=st.integers(1, 6),
    t_e=st.integers(1, 8),
    t_d=st.integers(1, 8),
    n=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    keras_to_numpy=st.booleans(),
)
def test_random_configurations(
    cell, attention, enc, dec, hidden, t_e, t_d, n, seed, keras_to_numpy
):
    np_model, model_train, model_pred_e, pred_d_model = attention_pair(
        cell, attention, enc, dec, hidden, t_e, t_d, seed, keras_to_numpy
    )
    for k, w in zip(model_train.get_weights(), np_model.get_weights()):
        np.testing.assert_array_equal(k, w)  # the exchange itself is exact
    ex, dx, dy = attention_windows(np.random.default_rng(seed), n, t_e, t_d, enc, dec)
    assert max_abs(keras_forward(model_train, ex, dx), np_model.forward(ex, dx)) <= TOL_F64
    a_keras = keras_training_weights(model_train, ex, dx)
    assert max_abs(a_keras, np_model.net.attention.attention_weights) <= TOL_F64
    p_keras, w_keras = rk.predict_attention(model_pred_e, pred_d_model, ex, steps=t_d + 1)
    p_numpy, w_numpy = np_model.predict(ex, steps=t_d + 1, return_attention=True)
    assert max_abs(p_keras, p_numpy) <= TOL_F64 and max_abs(w_keras, w_numpy) <= TOL_F64
    loss_k, grads_k = keras_loss_and_grads(model_train, ex, dx, dy)
    loss_n, grads_n = np_model.loss_and_grads(ex, dx, dy)
    assert abs(loss_k - loss_n) <= TOL_F64
    for g_k, g_n in zip(grads_k, grads_n):
        assert relative_error(g_k, g_n) <= TOL_F64_GRAD_REL


# -- the Keras 3 pitfall, kept honest ------------------------------------------------
def test_the_keras_pitfall_is_real_and_avoided():
    """A layer called first *without* ``return_attention_scores`` cannot give a functional
    model its weights later ("not connected"); called first *with* them, it can.  If a
    Keras release fixes this, this test fails and docs/attention.md must say so."""
    layers = tf.keras.layers
    for first_with_scores in (False, True):
        attention = layers.Attention()
        q0, v0 = layers.Input((4, 3)), layers.Input((5, 3))
        attention([q0, v0], return_attention_scores=first_with_scores)
        q, v = layers.Input((1, 3)), layers.Input((5, 3))
        context, weights = attention([q, v], return_attention_scores=True)
        if first_with_scores:
            step = tf.keras.Model([q, v], [context, weights])
            got = step([np.ones((2, 1, 3)), np.ones((2, 5, 3))])
            assert got[1].shape == (2, 1, 5)
        else:
            with pytest.raises(ValueError, match="is not connected to `inputs`"):
                tf.keras.Model([q, v], [context, weights])


def test_build_models_checks_attention_and_dec_steps():
    with pytest.raises(ValueError, match="attention must be None or one of"):
        rk.build_models(attention="luong")
    with pytest.raises(ValueError, match="dec_steps may differ from steps only with attention"):
        rk.build_models(steps=4, dec_steps=3)
    with pytest.raises(TypeError, match="dec_steps must be an int"):
        rk.build_models(attention="dot", dec_steps=2.0)


def test_softmax_and_its_backward_follow_tensorflows_order():
    """core/attention.py's softmax subtracts the row max and multiplies by 1 / the sum, as
    tf.nn.softmax's CPU kernel does: it matches TF bit for bit more often than the
    textbook division, and its backward is TF's SoftmaxGrad (docs/attention.md)."""
    rng = np.random.default_rng(0)
    s = 3 * rng.normal(size=(2000, 5, 7))
    s_tf = tf.constant(s)
    with tf.GradientTape() as tape:
        tape.watch(s_tf)
        a_tf = tf.nn.softmax(s_tf, axis=-1)
        da = tf.constant(rng.normal(size=s.shape))
        loss = tf.reduce_sum(a_tf * da)
    ds_tf = tape.gradient(loss, s_tf).numpy()
    a_tf = a_tf.numpy()
    ours = softmax(s)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    divided = e / e.sum(axis=-1, keepdims=True)
    assert max_abs(ours, a_tf) <= 1e-15
    assert np.mean(ours == a_tf) > np.mean(divided == a_tf)
    assert relative_error(softmax_backward(ours, da.numpy()), ds_tf) <= 1e-15


@pytest.mark.xdist_group("attention")
def test_each_predict_loop_refuses_the_other_kind_of_model(runs):
    _, _, model_pred_e, pred_d_model = runs("simple_rnn", "dot")["models"]
    ex = np.zeros((2, SIZES["t_e"], SIZES["enc"]))
    with pytest.raises(ValueError, match="these models have attention: use predict_attention"):
        rk.predict(model_pred_e, pred_d_model, ex)
    with pytest.raises(ValueError, match="have attention: use predict_seed_attention"):
        rk.predict_seed(model_pred_e, pred_d_model, ex[:1])
    _, plain_e, plain_d = rk.build_models(2, 1, 3, 4, dtype="float64")
    with pytest.raises(ValueError, match="these models have no attention: use predict"):
        rk.predict_attention(plain_e, plain_d, ex[:, :4])
    with pytest.raises(ValueError, match="these models have no attention: use predict_seed"):
        rk.predict_seed_attention(plain_e, plain_d, ex[:1, :4])
