"""The seed task with attention, float64, 80 epochs of ``fit`` on both sides (slow).

From Keras's own initial weights for ``set_random_seed(1)`` with dot attention: the
initialisation whose float32 runs drift furthest apart in docs/keras-mapping.md's attention
table.  In float64 the histories and the final weights agree to 1e-12.  The free-running
predictions of this trained model amplify any change of its weights about a hundredfold
over 24 fed-back steps, so they are compared with what that amplification makes of the
weights' own difference, measured on NumPy alone: a difference no larger than a random
perturbation of that size causes is rounding, not a different computation.  From the same
trained weights, the two predict alike to 1e-12.
"""

import pytest

# A missing TensorFlow skips this module; CI (NUMPY_SEQ2SEQ_REQUIRE_KERAS=1) turns
# that skip into a failure (tests/conftest.py).
tf = pytest.importorskip("tensorflow")

import numpy as np
from keras_helpers import TOL_F64, keras_fit, max_abs

import reference_keras as rk
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import INIT_POINTS


@pytest.mark.slow
def test_seed_task_float64_with_attention_from_an_amplifying_start():
    _, seq_in, seq_out = rk.sin_cos_seed()
    ex, dx, dy = rk.make_windows_seed(seq_in, seq_out)
    tf.keras.utils.set_random_seed(1)
    start = rk.build_models(dtype="float32", attention="dot")[0].get_weights()
    model_train, model_pred_e, pred_d_model = rk.build_models(dtype="float64", attention="dot")
    model_train.set_weights([w.astype(np.float64) for w in start])
    np_model = Seq2Seq(dtype="float64", attention="dot")
    np_model.set_weights(model_train.get_weights())
    kw = dict(batch_size=16, epochs=80, validation_split=0.2, shuffle=False)
    h_keras = keras_fit(model_train, ex, dx, dy, **kw).history
    h_numpy = np_model.fit([ex, dx], dy, **kw).history
    for key in ("loss", "val_loss"):
        assert max_abs(h_keras[key], h_numpy[key]) <= TOL_F64, key
    d_weights = max_abs(model_train.get_weights(), np_model.get_weights())
    assert d_weights <= TOL_F64

    windows = ex[list(INIT_POINTS)]
    p_keras, a_keras = rk.predict_attention(model_pred_e, pred_d_model, windows)
    p_numpy, a_numpy = np_model.predict(windows, return_attention=True)
    # NumPy alone: move every weight by +-d_weights at random; how far do predictions move?
    trained, rng = np_model.get_weights(), np.random.default_rng(0)
    moved = []
    for _ in range(5):
        np_model.set_weights([w + d_weights * rng.choice([-1.0, 1.0], w.shape) for w in trained])
        moved.append(max_abs(np_model.predict(windows), p_numpy))
    assert max_abs(p_keras, p_numpy) <= max(moved)
    assert max_abs(a_keras, a_numpy) <= max(moved)
    # From the same trained weights (Keras's, sent to NumPy) the predictions and the
    # attention maps agree to 1e-12: the gap above is the weights' 1e-14, amplified.
    np_model.set_weights(model_train.get_weights())
    p_same, a_same = np_model.predict(windows, return_attention=True)
    assert max_abs(p_keras, p_same) <= TOL_F64
    assert max_abs(a_keras, a_same) <= TOL_F64
    assert h_numpy["loss"][-1] < 0.05  # and it learned the task
