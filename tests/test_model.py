"""Seq2Seq as a whole: shapes, gradient checks of all 8 weights, inference."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.core.seq2seq import mse
from numpy_seq2seq.gradcheck import check_model, numerical_gradient, relative_error
from numpy_seq2seq.model import WEIGHT_NAMES

TOL = 1e-7


def random_batch(rng, n, t, enc, dec):
    return rng.normal(size=(n, t, enc)), rng.normal(size=(n, t, dec)), rng.normal(size=(n, t, dec))


def test_seed_model_has_251_parameters_in_keras_layout():
    m = Seq2Seq()
    assert m.count_params() == 251  # model_train.summary(): 120 + 120 + 11
    shapes = [p.shape for p in m.params]
    assert shapes == [(1, 10), (10, 10), (10,), (1, 10), (10, 10), (10,), (10, 1), (1,)]
    assert all(w.dtype == np.float32 for w in m.get_weights())


def test_keras_default_initialisers():
    m = Seq2Seq(hidden=10, dtype="float64", seed=3)
    e_kernel, e_rec, e_bias, d_kernel, d_rec, d_bias, o_kernel, o_bias = m.get_weights()
    for rec in (e_rec, d_rec):  # orthogonal
        np.testing.assert_allclose(rec.T @ rec, np.eye(10), atol=1e-12)
    for kernel in (e_kernel, d_kernel, o_kernel):  # glorot_uniform: |w| <= sqrt(6/(1+10))
        assert np.all(np.abs(kernel) <= np.sqrt(6 / 11))
    for bias in (e_bias, d_bias, o_bias):
        assert not bias.any()


@settings(deadline=None, max_examples=20)
# Two near-degenerate cases hypothesis once found: hidden=1 encoders whose gradients
# (3e-6 and 6e-10) sit at the edge of what float64 central differences resolve.
@example(n=1, t=4, hidden=1, enc=1, dec=1, seed=716967291)
@example(n=1, t=5, hidden=1, enc=1, dec=3, seed=716967290)
@given(
    n=st.integers(1, 5),
    t=st.integers(1, 8),
    hidden=st.integers(1, 8),
    enc=st.integers(1, 3),
    dec=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_weight_passes_the_gradient_check(n, t, hidden, enc, dec, seed):
    rng = np.random.default_rng(seed)
    m = Seq2Seq(enc, dec, hidden, dtype="float64", seed=int(rng.integers(2**31)))
    ex, dx, dy = random_batch(rng, n, t, enc, dec)
    assert m.forward(ex, dx).shape == (n, t, dec)
    assert m.encode(ex).shape == (n, hidden)
    assert m.predict(ex).shape == (n, t, dec)
    assert m.predict(ex, steps=3).shape == (n, 3, dec)
    rows = check_model(m, ex, dx, dy)
    assert [r[0] for r in rows] == [f"{a} {b}" for a, b in WEIGHT_NAMES]
    for row in rows:
        # relative error < 1e-7, or, for a gradient so small (e.g. 6e-10 through a saturated
        # hidden=1 encoder) that float64 differences cannot resolve 1e-7 of it, agreement
        # to RESOLUTION = 1e-12 absolute
        assert row.passed(TOL), row


def test_encoder_is_reached_only_through_the_context():
    """Eq. (3): the teacher-forced outputs are the decoder alone started from the
    context ``encode(ex)`` (the inference path), so ``ex`` enters only through it;
    and the encoder does receive gradients."""
    rng = np.random.default_rng(7)
    m = Seq2Seq(1, 1, 4, dtype="float64", seed=7)
    ex, dx, dy = random_batch(rng, 3, 6, 1, 1)
    _, grads = m.loss_and_grads(ex, dx, dy)
    assert all(np.abs(g).sum() > 0 for g in grads[:3])
    y = m.forward(ex, dx)
    context = m.encode(ex)
    hs = m.d_rnn.forward(dx, h0=context)
    np.testing.assert_allclose(y, m.d_output.forward(hs), atol=1e-14)


def test_context_gradient_is_the_decoders_initial_state_gradient():
    """Eq. (13): the decoder's gradient on its initial state is dL/dc (checked by
    central differences), and the encoder's gradients are BPTT from that one
    (N, H) array and nothing else."""
    rng = np.random.default_rng(8)
    m = Seq2Seq(1, 1, 3, dtype="float64", seed=8)
    ex, dx, dy = random_batch(rng, 2, 5, 1, 1)
    _, grads = m.loss_and_grads(ex, dx, dy)
    d_context = m.e_rnn.dh[:, -1]  # what the model's backward recorded on c = h^e_T
    context = m.encode(ex)

    def loss_from_context():
        return mse(m.d_output.forward(m.d_rnn.forward(dx, h0=context)), dy)[0]

    numeric = numerical_gradient(loss_from_context, context)
    assert relative_error(d_context, numeric) < TOL
    # The encoder run backward from the *numerical* dL/dc alone reproduces the
    # encoder gradients that loss_and_grads computed through the whole model.
    m.e_rnn.forward(ex)
    m.e_rnn.backward(None, dh_last=numeric)
    for g_model, g_from_context in zip(grads[:3], m.e_rnn.grads):
        assert np.abs(g_model).max() > 0
        assert relative_error(g_model, g_from_context) < TOL


def test_predict_is_teacher_forcing_on_its_own_outputs():
    """Feeding predict's outputs back as dx (shifted right, zero first) to the
    teacher-forced forward pass reproduces them: both share one step."""
    rng = np.random.default_rng(9)
    m = Seq2Seq(2, 2, 5, dtype="float64", seed=9)
    ex = rng.normal(size=(4, 7, 2))
    y = m.predict(ex)
    dx = np.zeros_like(y)
    dx[:, 1:] = y[:, :-1]
    np.testing.assert_allclose(m.forward(ex, dx), y, rtol=0, atol=1e-13)


def test_predict_can_run_longer_than_the_window():
    m = Seq2Seq(seed=0, dtype="float64")
    ex = np.random.default_rng(0).normal(size=(2, 24, 1))
    long = m.predict(ex, steps=40)
    np.testing.assert_array_equal(long[:, :24], m.predict(ex))


def test_float32_model_computes_in_float32():
    m = Seq2Seq(seed=1)
    ex, dx, dy = random_batch(np.random.default_rng(1), 3, 4, 1, 1)
    assert m.forward(ex, dx).dtype == np.float32
    assert m.predict(ex).dtype == np.float32
    loss, grads = m.loss_and_grads(ex, dx, dy)
    assert isinstance(loss, float)
    assert all(g.dtype == np.float32 for g in grads)


def test_weights_round_trip_and_are_copies():
    a, b = Seq2Seq(seed=1), Seq2Seq(seed=2)
    ws = a.get_weights()
    ws[0][...] = 99  # editing the copy leaves the model alone
    assert not np.any(a.get_weights()[0] == 99)
    b.set_weights(a.get_weights())
    for x, y in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(x, y)


def test_loss_and_grads_leave_inputs_and_weights_alone():
    rng = np.random.default_rng(10)
    m = Seq2Seq(dtype="float64", seed=10)
    ex, dx, dy = random_batch(rng, 3, 5, 1, 1)
    copies = [a.copy() for a in (ex, dx, dy)]
    weights = m.get_weights()
    _, grads = m.loss_and_grads(ex, dx, dy)
    for a, b in zip((ex, dx, dy), copies):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(m.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    grads[0][...] = 0  # returned gradients are copies, not the live buffers
    assert np.any(m.grads[0] != 0)
