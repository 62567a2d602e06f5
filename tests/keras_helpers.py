"""Helpers for the NumPy-vs-Keras cross-check suite (tests/test_cross_keras_*.py).

Not a test module.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
from hypothesis import strategies as st

import reference_keras as rk
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.model import WEIGHT_NAMES

#: The issue's tolerances.  Never loosen one to make a test pass: find the cause in Keras.
TOL_F64 = 1e-12  # float64, absolute, everything (incl. weights after a whole run)
TOL_F64_GRAD_REL = 1e-10  # float64 gradients, relative to the larger norm
TOL_F32_FORWARD = 1e-5  # float32 forward passes
TOL_F32_SEED_LOSS = 2e-5  # float32 seed task: loss and val_loss histories
TOL_F32_SEED_PRED = 2e-4  # float32 seed task: predictions at the four init_points
# float32 seed task over 12 initialisations per cell, every cell: two float32 runs can differ
# by the sum of their drifts from exact arithmetic (docs/keras-mapping.md, "The bound"):
TOL_F32_SEED_PRED_ANY_INIT = 5e-4
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
