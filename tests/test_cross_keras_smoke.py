"""The quick loop's Keras check: one configuration per cell, float64, NumPy against Keras.

``make test-quick`` (``pytest -m "not slow"``) runs this and every NumPy-only test.  It is
the same check as one example of the hypothesis cross-checks (``keras_helpers.assert_parity``:
weight layout, forward, context, predictions, loss and every gradient, a short shuffled run),
at a fixed small size with two tokens in, a partial last batch and a validation split.
The full suite adds the random configurations, the seed task and the float32 runs.
"""

import pytest

# A missing TensorFlow skips this module; CI (NUMPY_SEQ2SEQ_REQUIRE_KERAS=1) turns
# that skip into a failure (tests/conftest.py).
tf = pytest.importorskip("tensorflow")

from keras_helpers import assert_parity

# 7 windows, split 1.5/7: floor(7 * (1 - 1.5/7)) = 5 train (batches 3 and 2), 2 validate.
SMALL = dict(enc=2, dec=1, hidden=3, steps=4, n=7, batch=3, split=1.5 / 7, n_train=5)


@pytest.mark.parametrize(
    "cell, keras_to_numpy", [("simple_rnn", True), ("gru", False), ("lstm", True)]
)
def test_numpy_equals_keras_on_one_small_configuration(cell, keras_to_numpy):
    assert_parity(cell, dict(SMALL, seed=3, keras_to_numpy=keras_to_numpy))
