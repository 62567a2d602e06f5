"""The GRU and LSTM cells alone and inside ``Seq2Seq``: float64 gradient checks of
every weight (and of the inputs and initial states), the equations written out,
Keras's initialisers, the LSTM's two-part context, and save/load for every cell."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.core.gru import GRU, sigmoid
from numpy_seq2seq.core.lstm import LSTM
from numpy_seq2seq.core.seq2seq import CELLS
from numpy_seq2seq.gradcheck import check_model, numerical_gradient, relative_error

TOL = 1e-7  # relative error of analytic vs central-difference gradients, float64


def make_cell(cls, rng, d, h):
    """A cell with random weights, biases included (both GRU bias rows, every LSTM gate)."""
    W, U, b = cls.shapes(d, h)
    return cls(rng.normal(size=W), 0.5 * rng.normal(size=U), rng.normal(size=b))


def initial_state(cls, rng, n, h):
    if cls is LSTM:
        return (rng.normal(size=(n, h)), rng.normal(size=(n, h)))
    return rng.normal(size=(n, h))


def flat(state):
    return list(state) if isinstance(state, tuple) else [state]


@settings(deadline=None, max_examples=12)
@given(
    cls=st.sampled_from([GRU, LSTM]),
    n=st.integers(1, 4),
    t=st.integers(1, 6),
    d=st.integers(1, 3),
    h=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_cell_gradients_match_central_differences(cls, n, t, d, h, seed):
    """Every weight, the inputs and every part of the initial state, under a random
    linear loss on all states plus one on the final state(s): the two ways a gradient
    enters a cell in the seq2seq (from the Dense above, and the context's gradient)."""
    rng = np.random.default_rng(seed)
    cell = make_cell(cls, rng, d, h)
    xs, h0 = rng.normal(size=(n, t, d)), initial_state(cls, rng, n, h)
    w_all = rng.normal(size=(n, t, h))
    w_last = initial_state(cls, rng, n, h)

    def loss():
        hs = cell.forward(xs, h0)
        last = sum(np.sum(s * w) for s, w in zip(flat(cell.state), flat(w_last)))
        return float(np.sum(hs * w_all) + last)

    loss()
    dxs, dh0 = cell.backward(w_all, dh_last=w_last)
    analytic = [g.copy() for g in cell.grads] + [dxs, *flat(dh0)]
    numeric = [numerical_gradient(loss, p) for p in [*cell.params, xs, *flat(h0)]]
    for a, b in zip(analytic, numeric):
        assert a.shape == b.shape
        assert relative_error(a, b) < TOL


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_seq2seq_gradient_check_of_every_weight(cell):
    """``numpy_seq2seq.gradcheck`` on the whole model: all 8 weights, float64."""
    rng = np.random.default_rng(3)
    model = Seq2Seq(2, 1, 3, dtype="float64", seed=5, cell=cell)
    model.set_weights([0.5 * rng.standard_normal(p.shape) for p in model.params])
    ex, dx, dy = (rng.uniform(-1, 1, (2, 4, k)) for k in (2, 1, 1))
    rows = check_model(model, ex, dx, dy)
    assert len(rows) == 8
    for row in rows:
        assert row.analytic_norm > 0, row.name  # every weight really gets a gradient
        assert row.passed(TOL), row


def test_gru_forward_is_keras_reset_after_formula_written_out():
    """GRUCell.call, implementation 2, reset_after=True (keras/src/layers/rnn/gru.py)."""
    rng = np.random.default_rng(0)
    cell = make_cell(GRU, rng, 2, 3)
    W, U, b = cell.params
    xs, h = rng.normal(size=(4, 5, 2)), rng.normal(size=(4, 3))
    hs = cell.forward(xs, h)
    for t in range(5):
        x_z, x_r, x_h = np.split(xs[:, t] @ W + b[0], 3, axis=1)
        r_z, r_r, r_h = np.split(h @ U + b[1], 3, axis=1)
        z, r = sigmoid(x_z + r_z), sigmoid(x_r + r_r)
        h = z * h + (1 - z) * np.tanh(x_h + r * r_h)
        np.testing.assert_allclose(hs[:, t], h, rtol=0, atol=1e-14)
    assert cell.state is hs[:, -1] or np.array_equal(cell.state, hs[:, -1])


def test_lstm_forward_is_keras_formula_written_out():
    """LSTMCell.call, implementation 2 (keras/src/layers/rnn/lstm.py)."""
    rng = np.random.default_rng(1)
    cell = make_cell(LSTM, rng, 2, 3)
    W, U, b = cell.params
    xs = rng.normal(size=(4, 5, 2))
    h, c = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    hs = cell.forward(xs, (h, c))
    for t in range(5):
        i, f, g, o = np.split(xs[:, t] @ W + h @ U + b, 4, axis=1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        np.testing.assert_allclose(hs[:, t], h, rtol=0, atol=1e-14)
    np.testing.assert_allclose(cell.state[1], c, rtol=0, atol=1e-14)


@pytest.mark.parametrize("cls", [GRU, LSTM])
def test_default_initial_state_is_zero(cls):
    rng = np.random.default_rng(2)
    cell = make_cell(cls, rng, 1, 4)
    xs = rng.normal(size=(3, 6, 1))
    zero = (np.zeros((3, 4)), np.zeros((3, 4))) if cls is LSTM else np.zeros((3, 4))
    np.testing.assert_array_equal(cell.forward(xs), cell.forward(xs, zero))


@pytest.mark.parametrize("cls", [GRU, LSTM])
def test_backward_modifies_neither_input_and_records_dh(cls):
    rng = np.random.default_rng(4)
    cell = make_cell(cls, rng, 2, 3)
    xs, h0 = rng.normal(size=(2, 4, 2)), initial_state(cls, rng, 2, 3)
    cell.forward(xs, h0)
    dhs, last = rng.normal(size=(2, 4, 3)), initial_state(cls, rng, 2, 3)
    copies = [dhs.copy(), *[a.copy() for a in flat(last)]]
    cell.backward(dhs, last)
    for before, after in zip(copies, [dhs, *flat(last)]):
        np.testing.assert_array_equal(before, after)
    assert cell.dh.shape == (2, 4, 3)
    np.testing.assert_allclose(cell.dh[:, -1], dhs[:, -1] + flat(last)[0], rtol=0, atol=0)


@pytest.mark.parametrize("cls", [GRU, LSTM])
def test_keras_default_initialisers(cls):
    """glorot_uniform kernel (fans D and kH), orthogonal recurrent kernel with orthonormal
    *rows* (Keras's Orthogonal draws (kH, H) and transposes), biases as Keras builds them."""
    k = 3 if cls is GRU else 4
    cell = cls.initial(2, 5, np.random.default_rng(0), np.float64, "rnn")
    W, U, b = cell.params
    assert W.shape == (2, k * 5) and U.shape == (5, k * 5)
    assert np.abs(W).max() <= np.sqrt(6 / (2 + k * 5))
    np.testing.assert_allclose(U @ U.T, np.eye(5), atol=1e-12)
    if cls is GRU:
        np.testing.assert_array_equal(b, np.zeros((2, 15)))
    else:  # unit_forget_bias=True: zeros, ones (forget gate), zeros, zeros
        np.testing.assert_array_equal(b, np.r_[np.zeros(5), np.ones(5), np.zeros(10)])


def test_registry_holds_the_three_cells():
    assert list(CELLS) == ["simple_rnn", "gru", "lstm"]
    m = Seq2Seq(cell="gru", seed=0)
    assert [w.shape for w in m.get_weights()] == [
        (1, 30), (10, 30), (2, 30), (1, 30), (10, 30), (2, 30), (10, 1), (1,)
    ]  # fmt: skip
    assert m.count_params() == 2 * (30 + 300 + 60) + 11
    assert Seq2Seq(cell="lstm", seed=0).count_params() == 2 * (40 + 400 + 40) + 11


def test_lstm_context_is_the_pair_h_c_and_the_decoder_starts_from_both():
    rng = np.random.default_rng(5)
    model = Seq2Seq(1, 1, 4, dtype="float64", seed=1, cell="lstm")
    ex, dx = rng.uniform(-1, 1, (3, 6, 1)), rng.uniform(-1, 1, (3, 6, 1))
    h, c = model.encode(ex)
    assert h.shape == c.shape == (3, 4) and not np.allclose(h, c)
    y = model.forward(ex, dx)
    hs = model.d_rnn.forward(dx, h0=(h, c))
    np.testing.assert_array_equal(y, model.d_output.forward(hs))
    # with only h (a zero c) the decoder would compute something else
    hs_h_only = model.d_rnn.forward(dx, h0=(h, np.zeros_like(c)))
    assert not np.allclose(hs, hs_h_only)


def test_lstm_context_gradient_reaches_the_encoder_through_both_states():
    """The decoder's (dh_0, dc_0) is what the encoder receives, eq. (13) for two states."""
    rng = np.random.default_rng(6)
    model = Seq2Seq(1, 1, 3, dtype="float64", seed=2, cell="lstm")
    ex, dx, dy = (rng.uniform(-1, 1, (2, 5, 1)) for _ in range(3))
    model.loss_and_grads(ex, dx, dy)
    dh0, dc0 = model.d_rnn.backward(model.d_output.backward(model.net.forward(ex, dx) - dy))[1]
    assert np.abs(dh0).max() > 0 and np.abs(dc0).max() > 0


@pytest.mark.parametrize("cell", ["simple_rnn", "gru", "lstm"])
def test_fit_predict_save_load_for_every_cell(cell, tmp_path):
    rng = np.random.default_rng(7)
    ex, dx, dy = (rng.uniform(-1, 1, (10, 5, 1)) for _ in range(3))
    model = Seq2Seq(hidden=4, seed=3, cell=cell)
    history = model.fit([ex, dx], dy, batch_size=4, epochs=3, seed=0)
    assert len(history.history["loss"]) == 3
    model.save(tmp_path / "m.npz")
    loaded = Seq2Seq.load(tmp_path / "m.npz")
    assert loaded.cell == cell and repr(loaded) == repr(model)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(model.predict(ex, steps=7), loaded.predict(ex, steps=7))


def test_unknown_cell_is_a_value_error_naming_the_choices():
    with pytest.raises(ValueError, match="cell.*'gru'.*'lstm'|cell.*lstm"):
        Seq2Seq(cell="rnn")


def test_sigmoid_does_not_overflow_and_keeps_every_normal_result():
    """exp(-x) overflowed (with a RuntimeWarning) for float32 x below -88.7; the clipped
    sigmoid gives bit for bit the old 1 / (1 + exp(-x)) wherever x >= -88 (float32) or
    -709 (float64), and at most 1 / (1 + e^88) below, without a warning."""
    for dtype, limit in ((np.float32, 88), (np.float64, 709)):
        x = np.linspace(-2 * limit, 2 * limit, 400_001).astype(dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            y = sigmoid(x)
        assert y.dtype == dtype and np.all((y >= 0) & (y <= 1))
        with np.errstate(over="ignore"):
            plain = 1.0 / (1.0 + np.exp(-x))
        normal = x >= -limit
        np.testing.assert_array_equal(y[normal], plain[normal])
        assert np.all(y[~normal] <= 1.0 / (1.0 + np.exp(dtype(limit))))
