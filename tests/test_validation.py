"""Bad input meets a message that teaches: one test per mistake.

Each case asserts the exception type and the key words of the message: the
argument's name, what was expected and what was received.  A call that fails
a check changes nothing (see the last tests).
"""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numpy_seq2seq import Adam, Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos


@pytest.fixture(scope="module")
def data():
    _, seq_in, seq_out = sin_cos()
    return make_windows(seq_in, seq_out, steps=24)  # ex, dx, dy: (76, 24, 1) each


@pytest.fixture
def model():
    return Seq2Seq(seed=0)


def raises(exc, *words):
    """pytest.raises that also checks every word appears in the message, literally."""
    return pytest.raises(exc, match="(?s)" + "".join(f"(?=.*{re.escape(w)})" for w in words))


# -- Seq2Seq(...) ----------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, exc, words",
    [
        ({"enc_tokens": 0}, ValueError, ["enc_tokens", ">= 1", "got 0"]),
        ({"dec_tokens": "1"}, TypeError, ["dec_tokens", "integer", "'1'"]),
        ({"hidden": 0}, ValueError, ["hidden", ">= 1", "got 0"]),
        ({"hidden": -3}, ValueError, ["hidden", ">= 1", "got -3"]),
        ({"hidden": 2.5}, TypeError, ["hidden", "integer", "2.5"]),
        ({"hidden": True}, TypeError, ["hidden", "integer", "True"]),
        ({"dtype": "float16"}, ValueError, ["dtype", "'float32' or 'float64'", "float16"]),
        ({"dtype": "int32"}, ValueError, ["dtype", "'float32' or 'float64'", "int32"]),
        ({"dtype": "flaot32"}, TypeError, ["dtype", "'float32' or 'float64'", "flaot32"]),
        ({"dtype": None}, TypeError, ["dtype", "'float32' or 'float64'", "None"]),
        ({"seed": -1}, ValueError, ["seed", ">= 0", "-1"]),
        ({"seed": "0"}, TypeError, ["seed", "integer", "'0'"]),
    ],
)
def test_constructor_rejects(kwargs, exc, words):
    with raises(exc, *words):
        Seq2Seq(**kwargs)


def test_constructor_accepts_numpy_integers_and_dtypes():
    m = Seq2Seq(enc_tokens=np.int64(2), hidden=np.int32(3), dtype=np.float64, seed=np.uint8(1))
    assert (m.enc_tokens, m.hidden, m.dtype) == (2, 3, np.float64)
    assert type(m.hidden) is int


# -- ex, dx, dy: shapes ----------------------------------------------------------
def test_forgotten_feature_axis_reads_like_the_issue_and_says_how_to_fix_it(model, data):
    ex, dx, _ = data
    with pytest.raises(ValueError) as info:
        model.forward(ex[..., 0], dx)
    msg = str(info.value)
    assert msg.startswith("ex must have shape (N, T, 1) for enc_tokens=1; got (76, 24)")
    assert "ex.reshape(76, 24, 1)" in msg


def test_forgotten_window_axis_suggests_adding_it(model, data):
    ex = data[0]
    with raises(ValueError, "ex must have shape (N, T, 1)", "got (24, 1)", "ex[None]"):
        model.encode(ex[0])


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda m, ex, dx, dy: m.forward(ex[..., 0], dx), ["ex", "(N, T, 1)", "(76, 24)"]),
        (lambda m, ex, dx, dy: m.forward(ex, dx[..., 0]), ["dx", "(N, T, 1)", "(76, 24)"]),
        (lambda m, ex, dx, dy: m.encode(ex[..., 0]), ["ex", "(N, T, 1)", "(76, 24)"]),
        (lambda m, ex, dx, dy: m.predict(ex[..., 0]), ["ex", "(N, T, 1)", "(76, 24)"]),
        (
            lambda m, ex, dx, dy: m.loss_and_grads(ex, dx, dy[..., 0]),
            ["dy", "(N, T, 1)", "(76, 24)"],
        ),
        (
            lambda m, ex, dx, dy: m.fit([ex, dx], dy[0], epochs=1),
            ["dy", "(N, T, 1)", "(24, 1)"],
        ),
        (lambda m, ex, dx, dy: m.encode(ex[None]), ["ex", "(N, T, 1)", "(1, 76, 24, 1)"]),
        (lambda m, ex, dx, dy: m.encode(ex[0, 0, 0]), ["ex", "(N, T, 1)", "got ()"]),
    ],
)
def test_every_entry_point_checks_the_rank(model, data, call, words):
    with raises(ValueError, *words):
        call(model, *data)


def test_token_count_must_match_the_model(data):
    ex, dx, dy = data
    m = Seq2Seq(enc_tokens=1, dec_tokens=2, seed=0)
    with raises(ValueError, "dx must have shape (N, T, 2) for dec_tokens=2; got (76, 24, 1)"):
        m.forward(ex, dx)
    with raises(ValueError, "ex must have shape (N, T, 1) for enc_tokens=1; got (76, 24, 2)"):
        m.encode(np.concatenate([ex, ex], axis=2))


@pytest.mark.parametrize("shape", [(0, 24, 1), (5, 0, 1)])
def test_at_least_one_window_of_one_step(model, shape):
    with raises(ValueError, "ex", "at least one window", "one step", f"got shape {shape}"):
        model.encode(np.zeros(shape))


def test_ex_dx_dy_must_hold_the_same_number_of_windows(model, data):
    ex, dx, dy = data
    with raises(ValueError, "same N", "ex (76, 24, 1)", "dx (75, 24, 1)"):
        model.forward(ex, dx[:-1])
    with raises(ValueError, "same N", "dy (70, 24, 1)"):
        model.loss_and_grads(ex, dx, dy[:70])
    with raises(ValueError, "same N", "dy (70, 24, 1)"):
        model.fit([ex, dx], dy[:70], epochs=1)


def test_dx_and_dy_must_hold_the_same_number_of_steps(model, data):
    ex, dx, dy = data
    with raises(ValueError, "dx and dy", "same T", "dx (76, 24, 1)", "dy (76, 23, 1)"):
        model.loss_and_grads(ex, dx, dy[:, :-1])


def test_the_encoder_may_read_a_different_number_of_steps(model, data):
    """Only the context links encoder and decoder (eq. (3)), so T_enc need not be T_dec."""
    ex, dx, dy = data
    y = model.forward(ex[:, :10], dx)
    assert y.shape == (76, 24, 1)
    assert np.array_equal(model.encode(ex[:, :10]), model.encode(ex[:, :10].tolist()))


# -- ex, dx, dy: dtypes and values -------------------------------------------------
@pytest.mark.parametrize(
    "bad, words",
    [
        (np.full((2, 3, 1), "a"), ["ex", "real numbers", "<U1"]),
        (np.ones((2, 3, 1), dtype=bool), ["ex", "real numbers", "bool"]),
        (np.ones((2, 3, 1), dtype=complex), ["ex", "real numbers", "complex128"]),
        (np.ones((2, 3, 1), dtype=object), ["ex", "real numbers", "object"]),
        ([[[1.0]], [[1.0], [2.0]]], ["ex", "numeric array", "list", "different lengths"]),
        (None, ["ex", "real numbers", "object"]),
    ],
)
def test_ex_must_hold_real_numbers(model, bad, words):
    with raises(TypeError, *words):
        model.encode(bad)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_are_named_and_located(model, data, value):
    ex, dx, dy = (a.copy() for a in data)
    dy[3, 5, 0] = value
    with raises(ValueError, "dy must be finite", "1 NaN or inf", "index (3, 5, 0)"):
        model.loss_and_grads(ex, dx, dy)
    ex[0, 0, 0] = value
    with raises(ValueError, "ex must be finite"):
        model.predict(ex)


def test_values_that_overflow_the_models_dtype(model, data):
    ex = data[0].copy()
    ex[7, 3, 0] = -1e39
    with raises(ValueError, "ex must fit in float32", "up to 1e+39", "overflow to inf"):
        model.encode(ex)
    big = Seq2Seq(dtype="float64", seed=0)  # the same values are fine in float64
    assert np.all(np.isfinite(big.encode(ex)))


def test_integer_and_list_inputs_are_accepted(model, data):
    ex, dx, _ = data
    ints = np.round(ex * 3).astype(np.int64)
    assert np.array_equal(model.forward(ints, dx), model.forward(ints.astype(float).tolist(), dx))


@pytest.mark.parametrize("steps, exc", [(0, ValueError), (-1, ValueError), (2.0, TypeError)])
def test_predict_steps(model, data, steps, exc):
    with raises(exc, "steps", "integer >= 1", str(steps)):
        model.predict(data[0], steps=steps)


@settings(deadline=None, max_examples=40)
@given(shape=st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple))
def test_any_wrong_shape_is_a_value_error_naming_it(shape):
    model = Seq2Seq(hidden=3, seed=0)
    dx = np.zeros((2, 3, 1))
    ex = np.zeros(shape)
    if len(shape) == 3 and shape[0] == 2 and shape[1] >= 1 and shape[2] == 1:
        assert model.forward(ex, dx).shape == (2, 3, 1)
    else:
        with raises(ValueError, "ex", str(shape)):
            model.forward(ex, dx)


# -- set_weights -------------------------------------------------------------------
def test_set_weights_names_layer_and_weight_exactly_as_the_issue(model):
    ws = model.get_weights()
    ws[4] = np.zeros((10, 9))
    with pytest.raises(ValueError) as info:
        model.set_weights(ws)
    assert str(info.value) == "d_rnn recurrent_kernel: expected (10, 10), got (10, 9)"


@pytest.mark.parametrize(
    "i, label",
    list(
        enumerate(
            [
                "e_rnn kernel",
                "e_rnn recurrent_kernel",
                "e_rnn bias",
                "d_rnn kernel",
                "d_rnn recurrent_kernel",
                "d_rnn bias",
                "d_output kernel",
                "d_output bias",
            ]
        )
    ),
)
def test_set_weights_checks_every_shape_and_changes_nothing(model, i, label):
    before = model.get_weights()
    ws = model.get_weights()
    ws = [w + 1 for w in ws]  # would be visible if anything were written
    ws[i] = np.zeros(ws[i].shape + (1,))
    with raises(ValueError, f"{label}: expected {before[i].shape}, got {ws[i].shape}"):
        model.set_weights(ws)
    for a, b in zip(model.get_weights(), before):
        assert np.array_equal(a, b)


def test_set_weights_count_kind_values(model):
    ws = model.get_weights()
    with raises(ValueError, "list of 8 arrays", "got 7"):
        model.set_weights(ws[:7])
    with raises(TypeError, "list of 8 arrays", "dict"):
        model.set_weights(dict(enumerate(ws)))
    bad = [w.copy() for w in ws]
    bad[7][0] = np.nan
    with raises(ValueError, "d_output bias must be finite"):
        model.set_weights(bad)
    bad[7] = np.array(["x"])
    with raises(TypeError, "d_output bias", "real numbers"):
        model.set_weights(bad)
    model.set_weights(tuple(ws))  # a tuple is fine
    for a, b in zip(model.get_weights(), ws):
        assert np.array_equal(a, b)


# -- make_windows and sin_cos --------------------------------------------------------
@pytest.mark.parametrize(
    "args, kwargs, exc, words",
    [
        ((np.zeros(30), np.zeros(30)), {"steps": 0}, ValueError, ["steps", ">= 1", "got 0"]),
        ((np.zeros(30), np.zeros(30)), {"steps": "24"}, TypeError, ["steps", "integer", "'24'"]),
        (
            (np.zeros(24), np.zeros(24)),
            {"steps": 24},
            ValueError,
            ["longer than steps=24", "at least 25", "got length 24"],
        ),
        (
            (np.zeros(30), np.zeros(29)),
            {},
            ValueError,
            ["seq_in and seq_out", "same length", "30 and 29"],
        ),
        (
            (np.zeros((30, 1, 1)), np.zeros(30)),
            {},
            ValueError,
            ["seq_in", "(L,) or (L, D)", "(30, 1, 1)"],
        ),
        (([], []), {}, ValueError, ["seq_in", "L, D >= 1", "(0,)"]),
        ((np.zeros(30), np.zeros((30, 0))), {}, ValueError, ["seq_out", "L, D >= 1", "(30, 0)"]),
        (([np.nan] * 30, np.zeros(30)), {}, ValueError, ["seq_in must be finite", "30 NaN"]),
        ((["a"] * 30, np.zeros(30)), {}, TypeError, ["seq_in", "real numbers"]),
    ],
)
def test_make_windows_rejects(args, kwargs, exc, words):
    with raises(exc, *words):
        make_windows(*args, **kwargs)


@pytest.mark.parametrize(
    "n, exc, words",
    [(1, ValueError, ["num_points", ">= 2", "1"]), (2.0, TypeError, ["num_points", "2.0"])],
)
def test_sin_cos_rejects(n, exc, words):
    with raises(exc, *words):
        sin_cos(n)


# -- fit ----------------------------------------------------------------------------
BAD_FIT_CALLS = {
    "x is one array": (lambda ex, dx, dy: ((ex, dy), {}), TypeError, ["x", "[ex, dx]", "ndarray"]),
    "x of three": (
        lambda ex, dx, dy: (([ex, dx, dy], dy), {}),
        TypeError,
        ["x", "[ex, dx]", "length 3"],
    ),
    "batch_size 0": (
        lambda ex, dx, dy: (([ex, dx], dy), {"batch_size": 0}),
        ValueError,
        ["batch_size", ">= 1", "got 0"],
    ),
    "batch_size 1.5": (
        lambda ex, dx, dy: (([ex, dx], dy), {"batch_size": 1.5}),
        TypeError,
        ["batch_size", "integer", "1.5"],
    ),
    "epochs -1": (
        lambda ex, dx, dy: (([ex, dx], dy), {"epochs": -1}),
        ValueError,
        ["epochs", ">= 0", "-1"],
    ),
    "split 1": (
        lambda ex, dx, dy: (([ex, dx], dy), {"validation_split": 1.0}),
        ValueError,
        ["validation_split", "[0, 1)", "1.0"],
    ),
    "split negative": (
        lambda ex, dx, dy: (([ex, dx], dy), {"validation_split": -0.1}),
        ValueError,
        ["validation_split", "[0, 1)", "-0.1"],
    ),
    "split nan": (
        lambda ex, dx, dy: (([ex, dx], dy), {"validation_split": float("nan")}),
        ValueError,
        ["validation_split", "[0, 1)", "nan"],
    ),
    "split string": (
        lambda ex, dx, dy: (([ex, dx], dy), {"validation_split": "0.2"}),
        TypeError,
        ["validation_split", "number", "'0.2'"],
    ),
    "split leaves no training window": (
        lambda ex, dx, dy: (([ex[:1], dx[:1]], dy[:1]), {"validation_split": 0.5}),
        ValueError,
        ["validation_split=0.5", "at least one training", "1 window(s)", "0 for training"],
    ),
    "split leaves no validation window": (
        lambda ex, dx, dy: (([ex[:5], dx[:5]], dy[:5]), {"validation_split": 1e-17}),
        ValueError,
        ["one validation window", "5 window(s)", "5 for training and 0 for validation"],
    ),
    "shuffle string": (
        lambda ex, dx, dy: (([ex, dx], dy), {"shuffle": "no"}),
        TypeError,
        ["shuffle", "True or False", "'no'"],
    ),
    "verbose -1": (
        lambda ex, dx, dy: (([ex, dx], dy), {"verbose": -1}),
        ValueError,
        ["verbose", ">= 0", "-1"],
    ),
    "seed -1": (
        lambda ex, dx, dy: (([ex, dx], dy), {"seed": -1}),
        ValueError,
        ["seed", ">= 0", "-1"],
    ),
    "optimizer string": (
        lambda ex, dx, dy: (([ex, dx], dy), {"optimizer": "adam"}),
        TypeError,
        ["optimizer", "Adam instance", "'adam'"],
    ),
    "NaN in dx": (
        lambda ex, dx, dy: (([ex, np.where(dx > 0.99, np.nan, dx)], dy), {}),
        ValueError,
        ["dx must be finite", "NaN or inf"],
    ),
    "inf in the last window of dy": (
        lambda ex, dx, dy: (([ex, dx], np.concatenate([dy[:-1], dy[-1:] + np.inf])), {}),
        ValueError,
        ["dy must be finite", "24 NaN or inf", "index (75, 0, 0)"],
    ),
    "forgot the feature axis": (
        lambda ex, dx, dy: (([ex[..., 0], dx], dy), {}),
        ValueError,
        ["ex must have shape (N, T, 1) for enc_tokens=1; got (76, 24)"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FIT_CALLS))
def test_a_failed_fit_changes_nothing(data, case):
    """Each bad call raises before any update: weights, optimizer, its moments and
    step count are exactly as they were (the model has been trained once already)."""
    make_args, exc, words = BAD_FIT_CALLS[case]
    ex, dx, dy = data
    model = Seq2Seq(hidden=4, seed=1)
    model.fit([ex, dx], dy, epochs=1, seed=0)
    weights, optimizer = model.get_weights(), model.optimizer
    moments = [a.copy() for a in optimizer.m + optimizer.v]
    steps = optimizer.iterations
    args, kwargs = make_args(ex, dx, dy)
    with raises(exc, *words):
        model.fit(*args, **{"epochs": 2, **kwargs})
    assert model.optimizer is optimizer and optimizer.iterations == steps
    for a, b in zip(model.get_weights() + optimizer.m + optimizer.v, weights + moments):
        assert np.array_equal(a, b)


def test_a_failed_first_fit_does_not_even_create_the_optimizer(data):
    ex, dx, dy = data
    model = Seq2Seq(seed=0)
    with raises(ValueError, "validation_split"):
        model.fit([ex, dx], dy, validation_split=1.5, optimizer=Adam())
    assert model.optimizer is None


def test_fit_accepts_numpy_scalars_and_tuples(data):
    ex, dx, dy = data
    model = Seq2Seq(hidden=3, seed=0)
    h = model.fit(
        (ex, dx),
        dy,
        batch_size=np.int64(32),
        epochs=np.int32(1),
        validation_split=np.float32(0.25),
        shuffle=np.True_,
        seed=np.int64(0),
    )
    assert len(h.history["loss"]) == len(h.history["val_loss"]) == 1
