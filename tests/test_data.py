"""The course's data and the seed's windowing loop."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from numpy_seq2seq.data import make_windows, sin_cos


def seed_loop(seq_in, seq_out, num_steps):
    """The seed's loop, copied line for line from the study note."""
    n = len(seq_in) - num_steps
    ex = np.zeros((n, num_steps))
    dx = np.zeros((n, num_steps))
    dy = np.zeros((n, num_steps))
    for i in range(0, n):
        ex[i] = seq_in[i : i + num_steps]
        dx[i, 1:] = seq_out[i : i + num_steps - 1]
        dy[i] = seq_out[i : i + num_steps]
    return ex.reshape(n, num_steps, 1), dx.reshape(n, num_steps, 1), dy.reshape(n, num_steps, 1)


def test_sin_cos_is_the_course_data():
    x, seq_in, seq_out = sin_cos()
    assert x.shape == seq_in.shape == seq_out.shape == (100,)
    assert x[0] == -3 * np.pi and x[-1] == 3 * np.pi
    np.testing.assert_array_equal(seq_in, np.sin(x))
    np.testing.assert_array_equal(seq_out, np.cos(x))


def test_seed_windows_exactly():
    _, seq_in, seq_out = sin_cos()
    ours = make_windows(seq_in, seq_out, 24)
    for a, b in zip(ours, seed_loop(seq_in, seq_out, 24)):
        assert a.shape == b.shape == (76, 24, 1)
        np.testing.assert_array_equal(a, b)


@settings(deadline=None, max_examples=30)
@given(steps=st.integers(1, 30), windows=st.integers(1, 30), seed=st.integers(0, 1000))
def test_any_series_matches_the_seed_loop(steps, windows, seed):
    # Every example cuts at least one window; a series too short for one is
    # covered by the validation tests.
    length = steps + windows
    rng = np.random.default_rng(seed)
    s_in, s_out = rng.normal(size=length), rng.normal(size=length)
    ours = make_windows(s_in, s_out, steps)
    assert ours[0].shape == (windows, steps, 1)
    for a, b in zip(ours, seed_loop(s_in, s_out, steps)):
        np.testing.assert_array_equal(a, b)


def test_multi_feature_series():
    rng = np.random.default_rng(0)
    s_in, s_out = rng.normal(size=(30, 2)), rng.normal(size=(30, 3))
    ex, dx, dy = make_windows(s_in, s_out, 5)
    assert ex.shape == (25, 5, 2) and dx.shape == dy.shape == (25, 5, 3)
    np.testing.assert_array_equal(ex[7], s_in[7:12])
    np.testing.assert_array_equal(dy[7], s_out[7:12])
    np.testing.assert_array_equal(dx[7, 0], 0)
    np.testing.assert_array_equal(dx[7, 1:], s_out[7:11])
