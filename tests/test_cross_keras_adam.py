"""Cross-check: numpy_seq2seq.Adam against keras.optimizers.Adam, same gradients.

float64 to 1e-12 after one step and after many.  The difference this suite
found (Keras's bias corrections use float32-rounded beta_1, beta_2 even for
float64 variables) is pinned by ``test_keras_casts_python_betas_through_float32``.
"""

import pytest

# A missing TensorFlow skips this module; CI (NUMPY_SEQ2SEQ_REQUIRE_KERAS=1) turns
# that skip into a failure (tests/conftest.py).
tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow  # Keras runs: the full suite only, not make test-quick

import keras
import numpy as np
from keras_helpers import TOL_F32_ADAM_MANY, TOL_F64, max_abs

import reference_keras as rk
from numpy_seq2seq import Adam

SHAPES = [(1, 10), (10, 10), (10,), (1, 10), (10, 10), (10,), (10, 1), (1,)]


def run_both(dtype: str, steps: int, seed: int = 0, **adam_kwargs):
    """Apply ``steps`` identical random gradients with both optimizers; return both weights."""
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    # Gradients of very different sizes, including tiny ones where epsilon matters.
    scales = [1.0, 1e-3, 1e-6, 10.0, 1e-8, 0.1, 1.0, 1e-5]
    grads = [
        [(c * rng.standard_normal(s)).astype(dtype) for c, s in zip(scales, SHAPES)]
        for _ in range(steps)
    ]
    with rk.floatx(dtype):  # the learning-rate Variable is created in floatx
        variables = [keras.Variable(p, dtype=dtype) for p in params]
        opt_k = keras.optimizers.Adam(**adam_kwargs)
        for g in grads:
            opt_k.apply(g, variables)
    opt_n = Adam(**adam_kwargs)
    numpy_params = [p.copy() for p in params]
    for g in grads:
        opt_n.apply(numpy_params, g)
    assert opt_n.iterations == int(opt_k.iterations.numpy()) == steps
    return [v.numpy() for v in variables], numpy_params, (opt_k, opt_n)


@pytest.mark.parametrize("steps", [1, 2, 200])
def test_adam_float64(steps):
    keras_w, numpy_w, (opt_k, opt_n) = run_both("float64", steps)
    assert all(w.dtype == np.float64 for w in keras_w)
    assert max_abs(keras_w, numpy_w) <= TOL_F64
    # the moments agree too
    assert max_abs([v.numpy() for v in opt_k._momentums], opt_n.m) <= TOL_F64
    assert max_abs([v.numpy() for v in opt_k._velocities], opt_n.v) <= TOL_F64


def test_adam_float64_other_hyperparameters():
    kwargs = dict(learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-4)
    keras_w, numpy_w, _ = run_both("float64", 50, seed=3, **kwargs)
    assert max_abs(keras_w, numpy_w) <= TOL_F64


@pytest.mark.parametrize("steps", [1, 200])
def test_adam_float32(steps):
    """float32: the same operations in the same order, so one step is bitwise equal;
    after many steps, at most a few float32 rounding units apart."""
    keras_w, numpy_w, _ = run_both("float32", steps)
    assert all(w.dtype == np.float32 for w in keras_w + numpy_w)
    if steps == 1:
        assert max_abs(keras_w, numpy_w) == 0.0
    else:
        assert max_abs(keras_w, numpy_w) <= TOL_F32_ADAM_MANY


def test_keras_casts_python_betas_through_float32():
    """Why numpy_seq2seq/core/adam.py rounds beta_1, beta_2 to float32 before the powers.

    Adam.update_step (keras/src/optimizers/adam.py) writes
    ``ops.cast(self.beta_1, variable.dtype)``; the TensorFlow backend turns the
    Python float into a float32 tensor first, so a float64 model gets
    0.8999999761581421, not 0.9.  Without mirroring it, the first float64 step
    already differed by 6.7e-9 (alpha off by 6.7e-6 relative).  Python floats
    that meet a tensor in arithmetic (1 - beta_1, epsilon) stay exact.
    """
    from keras import ops

    assert float(ops.cast(0.9, "float64")) == float(np.float32(0.9)) != 0.9
    assert float(ops.cast(0.999, "float64")) == float(np.float32(0.999))
    x = keras.Variable(np.ones(1), dtype="float64")
    assert float(ops.multiply(x, 1 - 0.9)[0]) == 1 - 0.9
    assert float(ops.add(x * 0, 1e-7)[0]) == 1e-7
