"""Adam against a hand computation of Keras's formula."""

import math

import numpy as np
import pytest

from numpy_seq2seq import Adam


def keras_adam_by_hand(theta, grads, lr=0.001, b1=0.9, b2=0.999, eps=1e-7, f32_powers=True):
    """Keras 3's Adam.update_step, one Python float at a time."""
    m = v = 0.0
    # Keras's ops.cast(beta, dtype) goes through float32 on TensorFlow, so the
    # powers use float32-rounded betas (docs/keras-mapping.md, finding 1).
    b1_pow, b2_pow = (float(np.float32(b)) if f32_powers else b for b in (b1, b2))
    for t, g in enumerate(grads, start=1):
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        alpha = lr * math.sqrt(1 - b2_pow**t) / (1 - b1_pow**t)
        theta = theta - m * alpha / (math.sqrt(v) + eps)
    return theta


def paper_adam_by_hand(theta, grads, lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    """Kingma & Ba's Algorithm 1, with epsilon added to sqrt(v_hat)."""
    m = v = 0.0
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        theta = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
    return theta


def run_adam(theta0, grad_seq, **kw):
    p = [np.array(theta0, dtype=np.float64)]
    opt = Adam(**kw)
    for g in grad_seq:
        opt.apply(p, [np.array(g, dtype=np.float64)])
    return p[0], opt


def test_matches_keras_formula_by_hand_over_several_steps():
    rng = np.random.default_rng(0)
    theta0 = rng.normal(size=5)
    grads = rng.normal(size=(12, 5)) * np.array([1e-4, 1e-2, 1, 10, 1e3])
    theta, opt = run_adam(theta0, grads)
    assert opt.iterations == 12
    for j in range(5):
        expected = keras_adam_by_hand(theta0[j], grads[:, j])
        assert theta[j] == pytest.approx(expected, rel=1e-13, abs=1e-15)


def test_keras_form_differs_from_the_paper_for_small_gradients():
    """Keras adds eps to sqrt(v), not to sqrt(v_hat).  In the paper's terms
    its epsilon is eps / sqrt(1 - beta_2^t): about 32 eps at t = 1, which
    matters when gradients are as small as eps."""
    grads = [1e-7] * 3
    ours, _ = run_adam(0.0, grads)
    keras = keras_adam_by_hand(0.0, grads)
    paper = paper_adam_by_hand(0.0, grads)
    assert float(ours) == pytest.approx(keras, rel=1e-13)
    assert abs(keras - paper) > 0.1 * abs(paper)
    one_step_paper = paper_adam_by_hand(0.0, grads[:1], eps=1e-7 / math.sqrt(1 - 0.999))
    # Keras's eps is the paper's eps_hat = eps_paper * sqrt(1 - beta_2^t), so the paper
    # form with eps_paper = eps / sqrt(1 - beta_2^t) takes the same step (exact betas)
    one_step_keras = keras_adam_by_hand(0.0, grads[:1], f32_powers=False)
    assert one_step_keras == pytest.approx(one_step_paper, rel=1e-12)


def test_float32_parameters_stay_float32():
    p = [np.ones(3, dtype=np.float32)]
    Adam().apply(p, [np.full(3, 0.5, dtype=np.float32)])
    assert p[0].dtype == np.float32
    # The first step moves every weight by about lr (m_hat / sqrt(v_hat) = 1).
    np.testing.assert_allclose(p[0], 1 - 0.001, rtol=1e-5)


def test_apply_does_not_touch_the_gradients():
    g = np.array([0.3, -0.2])
    g_before = g.copy()
    p = [np.zeros(2)]
    opt = Adam()
    opt.apply(p, [g])
    opt.apply(p, [g])
    np.testing.assert_array_equal(g, g_before)


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"learning_rate": float("nan")}, "learning_rate"),
        ({"beta_1": 1.0}, "beta_1"),
        ({"beta_2": -0.1}, "beta_2"),
        ({"epsilon": 0.0}, "epsilon"),
    ],
)
def test_bad_hyperparameters_are_named(kwargs, word):
    with pytest.raises(ValueError, match=word):
        Adam(**kwargs)


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"learning_rate": "0.01"}, "learning_rate"),
        ({"epsilon": None}, "epsilon"),
        ({"beta_1": "0.9"}, "beta_1"),
        ({"beta_2": True}, "beta_2"),
    ],
)
def test_hyperparameters_that_are_not_numbers_are_named(kwargs, word):
    with pytest.raises(TypeError, match=rf"Adam {word} must be .*; got {kwargs[word]!r}"):
        Adam(**kwargs)


def test_mismatched_gradients_are_refused():
    opt = Adam()
    with pytest.raises(ValueError, match="one array per parameter"):
        opt.apply([np.zeros(2)], [])
    with pytest.raises(ValueError, match=r"grads\[0\]"):
        opt.apply([np.zeros(2)], [np.zeros(3)])
