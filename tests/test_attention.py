"""Attention in NumPy alone: float64 gradient checks of every weight, the softmax and its
backward written out, the two paths into the encoder states, inference with the weights,
argument checks, save/load, and ``attention=None`` left exactly the seed's model."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numpy_seq2seq import DivergenceError, Seq2Seq
from numpy_seq2seq.core.attention import (
    ATTENTIONS,
    AdditiveAttention,
    DotAttention,
    GeneralAttention,
    softmax,
    softmax_backward,
)
from numpy_seq2seq.core.seq2seq import WEIGHT_NAMES, AttentionSeq2SeqNet, Seq2SeqNet
from numpy_seq2seq.gradcheck import check_model, numerical_gradient, relative_error
from numpy_seq2seq.io import FORMAT, FORMAT_ATTENTION

TOL = 1e-7  # relative error of analytic vs central-difference gradients, float64
CELLS = ("simple_rnn", "gru", "lstm")


def random_model(cell, attention, enc, dec, hidden, rng, scale=0.5):
    """A float64 model with random weights, biases and attention weights included."""
    m = Seq2Seq(enc, dec, hidden, dtype="float64", seed=0, cell=cell, attention=attention)
    m.set_weights([scale * rng.standard_normal(p.shape) for p in m.params])
    return m


def batch(rng, n, t_e, t_d, enc, dec):
    return (
        rng.normal(size=(n, t_e, enc)),
        rng.normal(size=(n, t_d, dec)),
        rng.normal(size=(n, t_d, dec)),
    )


# -- the layers alone ---------------------------------------------------------
def test_softmax_is_tf_formula_and_stable():
    s = np.array([[1000.0, 1001.0, 999.0], [-3.0, 0.0, 2.0]])
    a = softmax(s)
    np.testing.assert_allclose(a.sum(axis=-1), 1.0, atol=1e-15)
    e = np.exp(s[1] - 2.0)
    np.testing.assert_allclose(a[1], e / e.sum(), rtol=1e-15)
    assert np.isfinite(a).all()  # the max subtraction: exp(1000) alone would overflow


def test_softmax_backward_is_the_jacobian_applied():
    """(A10) against the full Jacobian diag(a) - a a^T, row by row."""
    rng = np.random.default_rng(0)
    s, da = rng.normal(size=(2, 3, 5)), rng.normal(size=(2, 3, 5))
    a = softmax(s)
    ds = softmax_backward(a, da)
    for n in range(2):
        for i in range(3):
            jac = np.diag(a[n, i]) - np.outer(a[n, i], a[n, i])
            np.testing.assert_allclose(ds[n, i], jac @ da[n, i], atol=1e-15)
    # without the subtracted term it would be wrong: the check above has teeth
    assert np.abs(da * a - ds).max() > 1e-3


def make_layer(cls, rng, h):
    return cls(*[rng.normal(size=shape) for shape in cls.shapes(h)])


@settings(deadline=None, max_examples=15)
@given(
    cls=st.sampled_from([DotAttention, GeneralAttention, AdditiveAttention]),
    n=st.integers(1, 3),
    t_d=st.integers(1, 5),
    t_e=st.integers(1, 6),
    h=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_layer_gradients_match_central_differences(cls, n, t_d, t_e, h, seed):
    """Every weight, the queries and the encoder states, under a random linear loss."""
    rng = np.random.default_rng(seed)
    layer = make_layer(cls, rng, h)
    q, e, w = (
        rng.normal(size=(n, t_d, h)),
        rng.normal(size=(n, t_e, h)),
        rng.normal(size=(n, t_d, h)),
    )

    def loss():
        return float(np.sum(layer.forward(q, e) * w))

    loss()
    q0, e0, w0 = q.copy(), e.copy(), w.copy()
    dq, de = layer.backward(w)
    for arr, before in ((q, q0), (e, e0), (w, w0)):
        np.testing.assert_array_equal(arr, before)  # backward modifies no input
    grads = [g.copy() for g in layer.grads]
    for analytic, x in [(dq, q), (de, e), *zip(grads, layer.params)]:
        assert relative_error(analytic, numerical_gradient(loss, x)) < TOL


def test_weights_are_a_softmax_over_encoder_steps():
    rng = np.random.default_rng(1)
    for cls in ATTENTIONS.values():
        layer = make_layer(cls, rng, 3)
        layer.forward(rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 6, 3)))
        a = layer.attention_weights
        assert a.shape == (2, 4, 6)
        np.testing.assert_allclose(a.sum(axis=-1), 1.0, atol=1e-15)
        assert (a > 0).all()


def test_encoder_states_get_gradient_through_scores_and_weighted_sum():
    """(A13): de is the sum of two paths, and neither is zero; dropping either breaks the check."""
    rng = np.random.default_rng(2)
    layer = make_layer(DotAttention, rng, 3)
    q, e, dc = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4, 3))
    layer.forward(q, e)
    _, de = layer.backward(dc)
    a = layer.attention_weights
    values_path = a.transpose(0, 2, 1) @ dc  # (A9)
    scores_path = de - values_path
    assert np.abs(values_path).max() > 1e-2 and np.abs(scores_path).max() > 1e-2
    ds = softmax_backward(a, dc @ e.transpose(0, 2, 1))
    np.testing.assert_allclose(scores_path, ds.transpose(0, 2, 1) @ q, atol=1e-14)


# -- the model ----------------------------------------------------------------
@pytest.mark.parametrize("attention", sorted(ATTENTIONS))
@pytest.mark.parametrize("cell", CELLS)
def test_every_weight_passes_the_gradient_check(cell, attention):
    """Central differences of every weight of the whole model, T_e != T_d."""
    rng = np.random.default_rng(hash((cell, attention)) % 2**32)
    m = random_model(cell, attention, 1, 1, 2, rng)
    ex, dx, dy = batch(rng, 2, 4, 3, 1, 1)
    rows = check_model(m, ex, dx, dy)
    assert [r.name for r in rows] == [f"{a} {b}" for a, b in m.weight_names]
    assert len(rows) == 8 + len(ATTENTIONS[attention].WEIGHT_NAMES)
    for row in rows:
        assert row.passed(TOL), row


@settings(deadline=None, max_examples=8)
@given(
    cell=st.sampled_from(CELLS),
    attention=st.sampled_from(sorted(ATTENTIONS)),
    n=st.integers(1, 2),
    t_e=st.integers(1, 5),
    t_d=st.integers(1, 4),
    hidden=st.integers(1, 3),
    enc=st.integers(1, 2),
    dec=st.integers(1, 2),
    seed=st.integers(0, 2**32 - 1),
)
def test_gradient_check_over_sizes(cell, attention, n, t_e, t_d, hidden, enc, dec, seed):
    rng = np.random.default_rng(seed)
    m = random_model(cell, attention, enc, dec, hidden, rng)
    ex, dx, dy = batch(rng, n, t_e, t_d, enc, dec)
    for row in check_model(m, ex, dx, dy):
        assert row.passed(TOL), row


@pytest.mark.parametrize("attention", sorted(ATTENTIONS))
def test_shapes_and_keras_weight_layout(attention):
    m = Seq2Seq(attention=attention)
    extra = {"dot": [], "general": [(10, 10)], "additive": [(10,)]}[attention]
    shapes = [p.shape for p in m.params]
    assert shapes == [(1, 10), (10, 10), (10,)] * 2 + extra + [(20, 1), (1,)]
    assert m.weight_names[:6] == WEIGHT_NAMES[:6] and m.weight_names[-2:] == WEIGHT_NAMES[-2:]
    assert m.count_params() == 251 + 10 + sum(int(np.prod(s)) for s in extra)
    assert "attention='" + attention + "'" in repr(m)


def test_keras_default_initialisers_of_attention_weights():
    """glorot_uniform: W_a (H, H) on +-sqrt(6 / 2H); v (H,), a vector whose fans are both H,
    on the same +-sqrt(6 / 2H); V (2H, O) on +-sqrt(6 / (2H + O)).  Over 40 seeds: inside
    the limit, and filling it (a wrong fan would shrink or overshoot it)."""
    for attention in ("general", "additive"):
        ws, vs = [], []
        for seed in range(40):
            m = Seq2Seq(hidden=10, dtype="float64", seed=seed, attention=attention)
            ws.append(m.params[6].ravel())
            vs.append(m.params[-2].ravel())
        ws, vs = np.abs(np.concatenate(ws)), np.abs(np.concatenate(vs))
        assert np.sqrt(6 / 20) * 0.98 < ws.max() <= np.sqrt(6 / 20), attention
        assert np.sqrt(6 / 21) * 0.98 < vs.max() <= np.sqrt(6 / 21), attention


@pytest.mark.parametrize("attention", sorted(ATTENTIONS))
@pytest.mark.parametrize("cell", CELLS)
def test_predict_returns_weights_and_its_first_step_is_the_forward_one(cell, attention):
    """The free-running loop runs the training layers: with a zero first input, its first
    output and weights are the teacher-forced ones at step 1."""
    rng = np.random.default_rng(4)
    m = random_model(cell, attention, 1, 2, 3, rng)
    ex, dx, _ = batch(rng, 4, 6, 3, 1, 2)
    dx[:, 0] = 0.0
    y_pred, weights = m.predict(ex, steps=5, return_attention=True)
    assert y_pred.shape == (4, 5, 2) and weights.shape == (4, 5, 6)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-14)
    y = m.forward(ex, dx)
    np.testing.assert_allclose(y_pred[:, 0], y[:, 0], atol=1e-15)
    np.testing.assert_allclose(weights[:, 0], m.net.attention.attention_weights[:, 0], atol=1e-15)
    np.testing.assert_array_equal(m.predict(ex, steps=5), y_pred)
    e_seq, state = m.encode(ex)
    assert e_seq.shape == (4, 6, 3)
    assert (len(state) == 2) if cell == "lstm" else (state.shape == (4, 3))


def test_no_attention_is_the_seed_model_unchanged():
    """attention=None builds today's Seq2SeqNet, with the same random draws, and saves
    today's format 2 file."""
    a, b = Seq2Seq(seed=5), Seq2Seq(seed=5, attention=None)
    assert type(a.net) is type(b.net) is Seq2SeqNet
    assert a.weight_names == WEIGHT_NAMES
    for p, q in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(p, q)
    assert isinstance(Seq2Seq(attention="dot").net, AttentionSeq2SeqNet)
    with pytest.raises(ValueError, match="return_attention=True needs a model with attention"):
        a.predict(np.zeros((1, 3, 1)), return_attention=True)


def test_no_attention_file_is_format_2(tmp_path):
    Seq2Seq(seed=1).save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as f:
        assert str(f["format"]) == FORMAT and "attention" not in f.files


@pytest.mark.parametrize("attention", sorted(ATTENTIONS))
@pytest.mark.parametrize("cell", CELLS)
def test_fit_save_load_round_trip(cell, attention, tmp_path):
    rng = np.random.default_rng(6)
    m = Seq2Seq(1, 1, 3, dtype="float64", seed=2, cell=cell, attention=attention)
    ex, dx, dy = batch(rng, 10, 5, 4, 1, 1)
    history = m.fit([ex, dx], dy, batch_size=4, epochs=2, seed=0)
    assert len(history.history["loss"]) == 2
    m.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as f:
        assert str(f["format"]) == FORMAT_ATTENTION and str(f["attention"]) == attention
    back = Seq2Seq.load(tmp_path / "m.npz")
    assert (back.cell, back.attention) == (cell, attention)
    for p, q in zip(m.get_weights(), back.get_weights()):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(
        m.predict(ex, return_attention=True)[1], back.predict(ex, return_attention=True)[1]
    )


def test_a_file_with_an_unknown_attention_is_a_value_error(tmp_path):
    m = Seq2Seq(hidden=2, attention="dot")
    m.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as f:
        entries = {k: f[k] for k in f.files}
    entries["attention"] = np.array("luong")
    np.savez(tmp_path / "bad.npz", **entries)
    with pytest.raises(ValueError, match="bad.npz.*attention must be None or one of"):
        Seq2Seq.load(tmp_path / "bad.npz")
    entries["attention"] = np.array("additive")  # says additive, lacks attention/scale
    np.savez(tmp_path / "bad2.npz", **entries)
    with pytest.raises(ValueError, match="bad2.npz.*missing attention/scale"):
        Seq2Seq.load(tmp_path / "bad2.npz")


@pytest.mark.parametrize(
    "value, error", [("luong", ValueError), ("Dot", ValueError), (1, TypeError), (True, TypeError)]
)
def test_bad_attention_names_the_argument_and_choices(value, error):
    with pytest.raises(
        error, match=r"attention must be None or one of 'dot', 'general', 'additive'"
    ):
        Seq2Seq(attention=value)


def test_set_weights_checks_the_count_and_names_the_attention_layer():
    m = Seq2Seq(hidden=2, attention="additive")
    with pytest.raises(ValueError, match=r"9 arrays \(e_rnn, d_rnn, attention, d_output\); got 8"):
        m.set_weights(Seq2Seq(hidden=2).get_weights())
    weights = m.get_weights()
    weights[6] = np.zeros(3)
    with pytest.raises(ValueError, match=r"attention scale: expected \(2,\), got \(3,\)"):
        m.set_weights(weights)


def test_divergence_names_the_attention_weight():
    """The guard's message names the attention's own weights, not the Dense's that
    follow them in get_weights() order."""
    m = Seq2Seq(hidden=2, dtype="float64", seed=0, attention="general")
    m.net.grads[6][0, 0] = np.nan  # W_a's gradient
    said = m._what_is_not_finite(0.5, m.params)
    assert said == "the gradient of attention_key kernel is NaN or inf"
    # and through fit: a poisoned W_a stops training and keeps the weights from before
    rng = np.random.default_rng(0)
    ex, dx, dy = batch(rng, 4, 3, 3, 1, 1)
    m.net.attention.params[0][0, 0] = np.inf
    before = m.get_weights()
    with np.errstate(all="ignore"), pytest.raises(DivergenceError, match="epoch 1, batch 1"):
        m.fit([ex, dx], dy, epochs=1, validation_split=0.0)
    for p, q in zip(before, m.get_weights()):
        np.testing.assert_array_equal(p, q)


def test_command_line_trains_and_predicts_with_attention(tmp_path, capsys):
    from numpy_seq2seq.cli import main

    out = tmp_path / "train"
    args = ["train", "--epochs", "2", "--seed", "1", "--hidden", "3", "--attention", "additive"]
    assert main([*args, "--out", str(out)]) == 0
    assert "attention='additive'" in capsys.readouterr().out
    assert Seq2Seq.load(out / "model.npz").attention == "additive"
    assert main(["predict", str(out / "model.npz"), "--windows", "5", "--out", str(tmp_path)]) == 0
    assert "window   5" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["train", "--attention", "luong", "--out", str(tmp_path)])
    assert "invalid choice: 'luong'" in capsys.readouterr().err
