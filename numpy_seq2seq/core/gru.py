"""GRU, as Keras 3 computes it (``reset_after=True``), and its backprop through time.

The same shape as ``simple_rnn.py``: ``params`` and ``grads`` in Keras's
layout, ``step`` / ``step_backward`` for one time step, ``forward`` and a
``backward`` that runs the same loop in reverse.  The equations (G1)-(G12)
are derived in ``docs/gru.md``; the order of every addition mirrors
``GRUCell.call`` (``implementation=2``) in ``keras/src/layers/rnn/gru.py``.

Keras's layout: the three gates sit side by side along the last axis in the
order update, reset, candidate (Keras's z, r, h; ``docs/gru.md`` writes the
update gate u, since z is the SimpleRNN's pre-activation): kernel W (D, 3H), recurrent
kernel U (H, 3H), and with ``reset_after=True`` two bias rows, b (2, 3H):
row 0 is added to the input projection, row 1 to the recurrent one.
"""

from __future__ import annotations

import numpy as np

from .initializers import glorot_uniform, orthogonal, zeros

#: The largest whole y with e^y finite, per dtype: below -y, e^-x would overflow to inf
#: (and warn), where the sigmoid is below 1e-38 (float32) or 1e-307 (float64).
EXP_LIMIT = {
    np.dtype(t): float(np.floor(np.log(np.finfo(t).max))) for t in (np.float32, np.float64)
}


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + e^-x), Keras's default ``recurrent_activation``.

    x is clipped from below at -88 (float32) or -709 (float64), so that e^-x stays finite
    (TensorFlow's float32 sigmoid, Eigen's ``scalar_logistic_op``, clips its input too):
    every result above that is unchanged; below it, where the old results lay between 0 and
    6e-39 (float32), each is now 1 / (1 + e^88) = 6e-39."""
    return 1.0 / (1.0 + np.exp(-np.maximum(x, -EXP_LIMIT[x.dtype])))


class GRU:
    """Keras's ``GRU(units)`` at its defaults, over a sequence.

    kernel W : (D, 3H), recurrent_kernel U : (H, 3H), bias b : (2, 3H); gates u, r, h.
    After ``forward``, ``state`` is the final state h_T; after ``backward``,
    ``dh`` (N, T, H) holds the total gradient on every state, eq. (G7).
    """

    def __init__(
        self, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray, name: str = "gru"
    ) -> None:
        self.name = name
        self.params = [kernel, recurrent_kernel, bias]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.cache = None
        self.state = None
        self.dh = None

    @staticmethod
    def shapes(input_dim: int, hidden: int) -> list[tuple[int, ...]]:
        """The shapes of W, U and b for D = ``input_dim`` and H = ``hidden``."""
        return [(input_dim, 3 * hidden), (hidden, 3 * hidden), (2, 3 * hidden)]

    @classmethod
    def initial(
        cls, input_dim: int, hidden: int, rng: np.random.Generator, dtype, name: str
    ) -> GRU:
        """Keras's defaults: glorot_uniform W (fans D and 3H), orthogonal U (H, 3H: its
        rows are orthonormal, Keras's ``Orthogonal`` draws it tall and transposes), zero b."""
        W, U, b = cls.shapes(input_dim, hidden)
        return cls(glorot_uniform(W, rng, dtype), orthogonal(U, rng, dtype), zeros(b, dtype), name)

    def step(self, a_t: np.ndarray, h_prev: np.ndarray) -> tuple[np.ndarray, tuple]:
        """Eqs. (G2)-(G5): a_t (N, 3H), the input projected by eq. (G1), and h_{t-1} (N, H)
        -> h_t (N, H) and what ``backward`` needs of this step: ur = [u_t r_t] (N, 2H),
        g_t (N, H) and m^h_t (N, H)."""
        U, b = self.params[1], self.params[2]  # Keras: recurrent_kernel, bias
        H = h_prev.shape[1]
        m = np.dot(h_prev, U) + b[1]  # eq. (G2): recurrent projection + recurrent bias, all gates
        ur = sigmoid(a_t[:, : 2 * H] + m[:, : 2 * H])  # eq. (G3): update and reset gate at once
        u, r = ur[:, :H], ur[:, H:]
        g = np.tanh(a_t[:, 2 * H :] + r * m[:, 2 * H :])  # eq. (G4): reset *after* the matmul
        h = u * h_prev + (1 - u) * g  # eq. (G5): keep the old state where u is 1
        return h, (ur, g, m[:, 2 * H :])

    @staticmethod
    def local_derivatives(
        h_prev: np.ndarray, u: np.ndarray, r: np.ndarray, g: np.ndarray, m_h: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Eqs. (G8)-(G10) without dh_t: the local derivatives of h_t with respect to each
        gate's pre-activation (elementwise), by which dh_t is multiplied.  They need only
        forward values, so they are computed for every step at once; ``backward``'s loop
        multiplies them by dh_t.  All inputs (N, T, H) -> ja, jm (N, T, 3, H):
        da_t = dh_t * ja_t and dm_t = dh_t * jm_t, gates u, r, h."""
        jg = (1 - u) * (1 - g**2)  # eq. (G8): ∂h/∂ĝ, through (G5) then tanh
        ju = (h_prev - g) * u * (1 - u)  # eq. (G8): ∂h/∂û, through (G5) then sigmoid
        jr = jg * m_h * r * (1 - r)  # eq. (G9): ∂h/∂r̂, through r * m^h in (G4)
        return np.stack([ju, jr, jg], axis=2), np.stack([ju, jr, jg * r], axis=2)  # eq. (G10)

    def step_backward(self, dh: np.ndarray, jm_t: np.ndarray, u_t: np.ndarray) -> np.ndarray:
        """Eqs. (G10)-(G11), ``step`` run backward: the total gradient dh on h_t (N, H),
        step t's jm_t (N, 3, H) from ``local_derivatives`` and u_t (N, H) -> the gradient
        sent on to h_{t-1} (N, H)."""
        U = self.params[1]  # Keras: recurrent_kernel
        dm = (dh[:, None] * jm_t).reshape(len(dh), -1)  # eq. (G10): onto m_t, (N, 3H)
        return dh * u_t + np.dot(dm, U.T)  # eq. (G11): directly through (G5), and through (G2)

    def forward(self, xs: np.ndarray, h0: np.ndarray | None = None) -> np.ndarray:
        """xs : (N, T, D), h0 : (N, H) or None (zeros, Keras's default) -> hs : (N, T, H)."""
        W, U, b = self.params  # Keras: kernel, recurrent_kernel, bias
        # eq. (G1) for every step at once, input projection + input bias; like hs, stored step
        # by step so that a[:, t] and hs[:, t] are contiguous (docs/performance.md)
        a = (xs.transpose(1, 0, 2) @ W + b[0]).transpose(1, 0, 2)
        N, T, H = xs.shape[0], xs.shape[1], U.shape[0]
        h = h0 = np.zeros((N, H), a.dtype) if h0 is None else h0
        hs = np.empty((T, N, H), a.dtype).transpose(1, 0, 2)  # (N, T, H)
        gates = []
        for t in range(T):
            h, gates_t = self.step(a[:, t], h)  # eqs. (G2)-(G5)
            hs[:, t] = h
            gates.append(gates_t)
        self.cache = (xs, h0, hs, gates)
        self.state = h  # h_T, the context when this is the encoder, eq. (G6)
        return hs

    def backward(self, dhs: np.ndarray | None, dh_last: np.ndarray | None = None) -> tuple:
        """BPTT, eqs. (G7)-(G12): dhs (N, T, H) from above (None: nothing above, the
        encoder), dh_last (N, H) onto h_T from after the sequence -> dxs (N, T, D), dh0 (N, H).
        Fills ``grads``; modifies neither input."""
        W, U, b = self.params  # Keras: kernel, recurrent_kernel, bias
        xs, h0, hs, gates = self.cache
        N, T, H = hs.shape
        ur, g, m_h = (np.stack(v, axis=1) for v in zip(*gates))  # every step's, (N, T, .)
        u, r = ur[..., :H], ur[..., H:]
        h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)  # h_{t-1} for t = 1..T
        ja, jm = self.local_derivatives(h_prev, u, r, g, m_h)  # eqs. (G8)-(G10), all steps
        dhs = np.zeros_like(hs) if dhs is None else dhs
        dh_next = np.zeros_like(h0) if dh_last is None else dh_last
        self.dh = np.empty_like(hs)
        for t in reversed(range(T)):  # only the chain through the states is sequential
            dh = dhs[:, t] + dh_next  # eq. (G7): from the output above + from step t+1
            dh_next = self.step_backward(dh, jm[:, t], u[:, t])  # eqs. (G10)-(G11)
            self.dh[:, t] = dh
        # eq. (G10) for every step, the same products the loop made; then eq. (G12):
        # sums over every step and window, as one matmul over N*T rows
        da = (self.dh[:, :, None] * ja).reshape(N * T, 3 * H)
        dm = (self.dh[:, :, None] * jm).reshape(N * T, 3 * H)
        self.grads[0][...] = xs.reshape(N * T, -1).T @ da  # dW = sum x_t^T da_t
        self.grads[1][...] = h_prev.reshape(N * T, H).T @ dm  # dU = sum h_{t-1}^T dm_t
        self.grads[2][0] = da.sum(axis=0)  # db_in = sum da_t
        self.grads[2][1] = dm.sum(axis=0)  # db_rec = sum dm_t
        return (da @ W.T).reshape(N, T, -1), dh_next  # eq. (G12): dxs; dh_next is now dh_0
