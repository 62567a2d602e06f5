"""The SimpleRNN and Dense layers alone: shapes, gradient checks, no mutation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numpy_seq2seq.gradcheck import numerical_gradient, relative_error
from numpy_seq2seq.layers import Dense, SimpleRNN

TOL = 1e-7  # relative error of analytic vs central-difference gradients, float64


def make_rnn(rng, d, h):
    return SimpleRNN(
        rng.normal(size=(d, h)), rng.normal(size=(h, h)) * 0.5, rng.normal(size=h), name="rnn"
    )


def rnn_case(rng, n, t, d, h):
    """A layer, inputs, initial state, and a random linear loss on every state
    plus an extra one on the final state (as the encoder receives d_context)."""
    rnn = make_rnn(rng, d, h)
    xs, h0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h))
    w_all, w_last = rng.normal(size=(n, t, h)), rng.normal(size=(n, h))

    def loss():
        hs = rnn.forward(xs, h0)
        return float(np.sum(hs * w_all) + np.sum(hs[:, -1] * w_last))

    return rnn, xs, h0, w_all, w_last, loss


@settings(deadline=None, max_examples=25)
@given(
    n=st.integers(1, 5),
    t=st.integers(1, 8),
    d=st.integers(1, 3),
    h=st.integers(1, 8),
    seed=st.integers(0, 2**32 - 1),
)
def test_simple_rnn_gradients_match_central_differences(n, t, d, h, seed):
    rng = np.random.default_rng(seed)
    rnn, xs, h0, w_all, w_last, loss = rnn_case(rng, n, t, d, h)
    loss()
    dxs, dh0 = rnn.backward(w_all, dh_last=w_last)
    assert dxs.shape == xs.shape and dh0.shape == h0.shape
    analytic = [g.copy() for g in rnn.grads] + [dxs, dh0]
    numeric = [numerical_gradient(loss, p) for p in rnn.params]
    numeric += [numerical_gradient(loss, xs), numerical_gradient(loss, h0)]
    for a, b in zip(analytic, numeric):
        assert relative_error(a, b) < TOL


def test_simple_rnn_forward_is_the_recurrence_written_out():
    rng = np.random.default_rng(0)
    rnn = make_rnn(rng, 2, 3)
    kernel, recurrent_kernel, bias = rnn.params
    xs, h0 = rng.normal(size=(4, 5, 2)), rng.normal(size=(4, 3))
    hs = rnn.forward(xs, h0)
    h = h0
    for t in range(5):
        h = np.tanh(xs[:, t] @ kernel + bias + h @ recurrent_kernel)
        np.testing.assert_allclose(hs[:, t], h, rtol=0, atol=1e-14)


def test_simple_rnn_default_initial_state_is_zero():
    rng = np.random.default_rng(1)
    rnn = make_rnn(rng, 1, 4)
    xs = rng.normal(size=(3, 6, 1))
    np.testing.assert_array_equal(rnn.forward(xs), rnn.forward(xs, np.zeros((3, 4))))


def test_simple_rnn_without_upstream_gradient_equals_zero_upstream():
    rng = np.random.default_rng(2)
    rnn = make_rnn(rng, 2, 3)
    xs, d_last = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 3))
    rnn.forward(xs)
    dxs_none, dh0_none = rnn.backward(None, dh_last=d_last)
    grads_none = [g.copy() for g in rnn.grads]
    dxs_zero, dh0_zero = rnn.backward(np.zeros((2, 4, 3)), dh_last=d_last)
    np.testing.assert_array_equal(dxs_none, dxs_zero)
    np.testing.assert_array_equal(dh0_none, dh0_zero)
    for a, b in zip(grads_none, rnn.grads):
        np.testing.assert_array_equal(a, b)


def test_dense_gradients_match_central_differences():
    rng = np.random.default_rng(3)
    dense = Dense(rng.normal(size=(4, 2)), rng.normal(size=2))
    hs, w = rng.normal(size=(3, 5, 4)), rng.normal(size=(3, 5, 2))

    def loss():
        return float(np.sum(dense.forward(hs) * w))

    loss()
    dhs = dense.backward(w)
    assert dhs.shape == hs.shape
    for g, p in zip(dense.grads, dense.params):
        assert relative_error(g, numerical_gradient(loss, p)) < TOL
    assert relative_error(dhs, numerical_gradient(loss, hs)) < TOL


@pytest.mark.parametrize("with_last", [False, True])
def test_backward_never_mutates_its_inputs(with_last):
    rng = np.random.default_rng(5)
    rnn = make_rnn(rng, 2, 3)
    xs, h0 = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 3))
    dhs, d_last = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 3))
    hs = rnn.forward(xs, h0)
    before = [a.copy() for a in (xs, h0, dhs, d_last, hs)]
    params_before = [p.copy() for p in rnn.params]
    rnn.backward(dhs, dh_last=d_last if with_last else None)
    for a, b in zip((xs, h0, dhs, d_last, hs), before):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(rnn.params, params_before):
        np.testing.assert_array_equal(a, b)

    dense = Dense(rng.normal(size=(3, 1)), rng.normal(size=1))
    dense.forward(hs)
    dy = rng.normal(size=(2, 4, 1))
    dy_before = dy.copy()
    dense.backward(dy)
    np.testing.assert_array_equal(dy, dy_before)
    np.testing.assert_array_equal(hs, before[4])
