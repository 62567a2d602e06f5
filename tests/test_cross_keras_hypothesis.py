"""Cross-check over random configurations, float64 (hypothesis).

Each example builds the seed's Keras models at random sizes (tokens 1-3,
hidden 1-8, steps 1-10), with NumPy's random weights sent to Keras or Keras's own
initial weights sent to NumPy, and checks (``keras_helpers.assert_parity``) the weight
layout, the forward pass, the context, the autoregressive predictions, all 8 gradients
and a short shuffled training run whose last batch is partial.  Building and tracing
Keras models is slow, so max_examples is small.
"""

import pytest

# A missing TensorFlow skips this module; CI (NUMPY_SEQ2SEQ_REQUIRE_KERAS=1) turns
# that skip into a failure (tests/conftest.py).
tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow  # Keras runs: the full suite only, not make test-quick

from hypothesis import HealthCheck, given, settings
from keras_helpers import assert_parity, configs


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=configs(max_batch=5, max_val=4, max_hidden=8, max_steps=10))
def test_random_configurations_float64(cfg):
    assert_parity("simple_rnn", cfg)
