"""Attention, as Keras computes it, and its backward: past the context bottleneck.

Without attention the decoder sees the encoder only through its final state.
With it, every decoder state q_i (the *query*) looks back at every encoder
state e_j (the *values*, which are also the *keys* unless projected), weighs
them by a softmax of scores, and takes their weighted sum, the context c_i.
The equations (A1)-(A14) are derived in ``docs/attention.md``; the order of
every operation mirrors ``keras/src/layers/attention/attention.py`` and
``additive_attention.py`` on their mask-free, dropout-free path.

Three scores, each a small layer with ``params``, ``grads``, ``forward``,
``backward`` and a cache, as in *Deep Learning from Scratch 2*:

* ``DotAttention``: ``keras.layers.Attention()`` at its defaults, s_ij = q_i . e_j
  (no 1/sqrt(H) and no weights: ``use_scale=False``);
* ``GeneralAttention``: Luong's "general" score, s_ij = q_i . (e_j W_a), which Keras
  spells ``Attention()([q, e, Dense(H, use_bias=False)(e)])``;
* ``AdditiveAttention``: ``keras.layers.AdditiveAttention()`` at its defaults,
  s_ij = sum_k v_k tanh(q_ik + e_jk), with a learned ``scale`` vector v of H numbers.

Shapes: N windows, T_d decoder steps (queries), T_e encoder steps (values), H units.
"""

from __future__ import annotations

import numpy as np

from .initializers import glorot_uniform


def softmax(s: np.ndarray) -> np.ndarray:
    """Eq. (A4) over the last axis (the encoder steps), as ``tf.nn.softmax`` computes it:
    subtract each row's maximum (exp cannot overflow), exponentiate, times 1 / the row sum."""
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e * (1.0 / e.sum(axis=-1, keepdims=True))


def softmax_backward(a: np.ndarray, da: np.ndarray) -> np.ndarray:
    """Eq. (A10), the softmax's Jacobian applied to da: ds_il = a_il (da_il - sum_j da_ij a_ij).
    The subtracted sum is there because every weight of a row shares one denominator."""
    return (da - (da * a).sum(axis=-1, keepdims=True)) * a  # TF's SoftmaxGrad, same order


class DotAttention:
    """``keras.layers.Attention()([q, e])`` at its defaults: dot scores, no weights.

    forward: queries q (N, T_d, H), encoder states e (N, T_e, H) -> contexts (N, T_d, H).
    After ``forward``, ``attention_weights`` (N, T_d, T_e) holds a: row i says how much
    decoder step i draws from each encoder step (what Keras's ``return_attention_scores``
    returns).
    """

    #: Keras's (layer, weight) names of ``params``, in ``get_weights()`` order.
    WEIGHT_NAMES: tuple = ()

    def __init__(self, *params: np.ndarray, name: str = "attention") -> None:
        self.name = name
        self.params = list(params)
        self.grads = [np.zeros_like(p) for p in self.params]
        self.cache = None
        self.score_cache = None
        self.attention_weights = None

    @staticmethod
    def shapes(hidden: int) -> list[tuple[int, ...]]:
        """The shapes of ``params`` for H = ``hidden`` (none for dot scores)."""
        return []

    @classmethod
    def initial(cls, hidden: int, rng: np.random.Generator, dtype) -> DotAttention:
        """Keras's initial weights (none here)."""
        return cls()

    def score(self, q: np.ndarray, e: np.ndarray) -> np.ndarray:
        """Eq. (A2): s_ij = q_i . e_j, (N, T_d, H), (N, T_e, H) -> (N, T_d, T_e)."""
        self.score_cache = (q, e)
        return q @ e.transpose(0, 2, 1)  # Keras: matmul(query, swapaxes(key, -2, -1))

    def score_backward(self, ds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Eq. (A11), ``score`` run backward: ds (N, T_d, T_e) -> dq (N, T_d, H), and the
        gradient that reaches e (N, T_e, H) through the scores."""
        q, e = self.score_cache
        return ds @ e, ds.transpose(0, 2, 1) @ q  # dq_i = sum_j ds_ij e_j; de_j = sum_i ds_ij q_i

    def forward(self, q: np.ndarray, e: np.ndarray) -> np.ndarray:
        """Eqs. (A1)-(A5): queries q (N, T_d, H), encoder states e (N, T_e, H) -> the
        contexts c (N, T_d, H), one per decoder step."""
        s = self.score(q, e)  # eqs. (A1)-(A3): how well each q_i matches each e_j
        a = softmax(s)  # eq. (A4): over the encoder steps j, each row sums to 1
        c = a @ e  # eq. (A5): c_i = sum_j a_ij e_j, the values weighted
        self.cache = (e, a)
        self.attention_weights = a
        return c

    def backward(self, dc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Eqs. (A8)-(A13): dc (N, T_d, H) -> dq (N, T_d, H) and de (N, T_e, H).
        Fills ``grads``; modifies no input.  e receives gradient by two paths."""
        e, a = self.cache
        da = dc @ e.transpose(0, 2, 1)  # eq. (A8): da_ij = dc_i . e_j, back through (A5)
        de_values = a.transpose(0, 2, 1) @ dc  # eq. (A9): de_j = sum_i a_ij dc_i, e as values
        ds = softmax_backward(a, da)  # eq. (A10): back through the softmax (A4)
        dq, de_scores = self.score_backward(ds)  # eqs. (A11)-(A12): e as keys
        return dq, de_values + de_scores  # eq. (A13): both paths into every e_j


class GeneralAttention(DotAttention):
    """Luong's "general" score, as Keras spells it:
    ``Attention()([q, e, Dense(H, use_bias=False, name="attention_key")(e)])``.

    kernel W_a : (H, H), the keys' projection k_j = e_j W_a.  The values stay e.
    """

    WEIGHT_NAMES = (("attention_key", "kernel"),)

    @staticmethod
    def shapes(hidden: int) -> list[tuple[int, ...]]:
        """W_a : (H, H)."""
        return [(hidden, hidden)]

    @classmethod
    def initial(cls, hidden: int, rng: np.random.Generator, dtype) -> GeneralAttention:
        """Keras's Dense default: glorot_uniform W_a."""
        return cls(glorot_uniform((hidden, hidden), rng, dtype))

    def score(self, q: np.ndarray, e: np.ndarray) -> np.ndarray:
        """Eqs. (A1)-(A2): k_j = e_j W_a, s_ij = q_i . k_j."""
        W_a = self.params[0]  # Keras: attention_key kernel
        k = e @ W_a  # eq. (A1): the keys, a Dense on every encoder step
        self.score_cache = (q, e, k)
        return q @ k.transpose(0, 2, 1)  # eq. (A2)

    def score_backward(self, ds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Eqs. (A11)-(A12): ds -> dq, and de through the keys; fills dW_a."""
        W_a = self.params[0]
        q, e, k = self.score_cache
        dq, dk = ds @ k, ds.transpose(0, 2, 1) @ q  # eq. (A11), with k in e's place
        H = e.shape[-1]  # eq. (A12): dW_a = sum over windows and steps of e_j^T dk_j
        self.grads[0][...] = e.reshape(-1, H).T @ dk.reshape(-1, dk.shape[-1])
        return dq, dk @ W_a.T  # eq. (A12): de_j = dk_j W_a^T


class AdditiveAttention(DotAttention):
    """``keras.layers.AdditiveAttention()([q, e])`` at its defaults (``use_scale=True``).

    scale v : (H,), the only weight; s_ij = sum_k v_k tanh(q_ik + e_jk).  Keras has no
    projections W_1, W_2 of Bahdanau's paper: q and e are added as they are.
    """

    WEIGHT_NAMES = (("attention", "scale"),)

    @staticmethod
    def shapes(hidden: int) -> list[tuple[int, ...]]:
        """v : (H,)."""
        return [(hidden,)]

    @classmethod
    def initial(cls, hidden: int, rng: np.random.Generator, dtype) -> AdditiveAttention:
        """Keras's default: glorot_uniform v, whose fans are both H for a vector."""
        return cls(glorot_uniform((hidden,), rng, dtype))

    def score(self, q: np.ndarray, e: np.ndarray) -> np.ndarray:
        """Eq. (A3): every pair (i, j) at once, through (N, T_d, T_e, H)."""
        v = self.params[0]  # Keras: attention scale
        u = np.tanh(q[:, :, None, :] + e[:, None, :, :])  # u_ijk = tanh(q_ik + e_jk)
        self.score_cache = u
        return u @ v  # s_ij = sum_k u_ijk v_k; Keras: sum(scale * tanh(q + k), axis=-1)

    def score_backward(self, ds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Eq. (A14): ds (N, T_d, T_e) -> dq, and de through the scores; fills dv."""
        v = self.params[0]
        u = self.score_cache
        H = u.shape[-1]
        self.grads[0][...] = ds.reshape(-1) @ u.reshape(-1, H)  # dv_k = sum ds_ij u_ijk
        dtanh = 1 - u**2  # tanh' = 1 - tanh^2 at every (i, j, k): (N, T_d, T_e, H)
        # g_ijk = ds_ij v_k dtanh_ijk; v_k is the same for every pair (i, j): it leaves the sums
        dq = v * (ds[:, :, None, :] @ dtanh)[:, :, 0]  # dq_ik = sum_j g_ijk: q_i meets every e_j
        ds_t, dtanh_t = ds.transpose(0, 2, 1), dtanh.transpose(0, 2, 1, 3)  # (j, i) order
        de = v * (ds_t[:, :, None, :] @ dtanh_t)[:, :, 0]  # de_jk = sum_i g_ijk: e_j meets all q_i
        return dq, de


#: The scores ``Seq2Seq(attention=...)`` accepts, by name.
ATTENTIONS = {"dot": DotAttention, "general": GeneralAttention, "additive": AdditiveAttention}
