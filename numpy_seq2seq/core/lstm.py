"""LSTM, as Keras 3 computes it, and its backprop through time.

The same shape as ``simple_rnn.py``, with one difference: an LSTM carries
two states, the output h and the cell (carry) c, so its ``state`` -- and
so the seed's context -- is the pair ``(h_T, c_T)``, the seed's
``initial_state=[h, c]``.  The equations (L1)-(L12) are derived in
``docs/lstm.md``; the order of every addition mirrors ``LSTMCell.call``
(``implementation=2``) in ``keras/src/layers/rnn/lstm.py``.

Keras's layout: the four gates sit side by side along the last axis in the
order i, f, c, o (input, forget, candidate, output): kernel W (D, 4H),
recurrent kernel U (H, 4H), bias b (4H,), whose forget part starts at 1
(``unit_forget_bias=True``).
"""

from __future__ import annotations

import numpy as np

from .gru import sigmoid
from .initializers import glorot_uniform, orthogonal, zeros


class LSTM:
    """Keras's ``LSTM(units)`` at its defaults, over a sequence.

    kernel W : (D, 4H), recurrent_kernel U : (H, 4H), bias b : (4H,); gates i, f, c, o.
    After ``forward``, ``state`` is the pair (h_T, c_T); after ``backward``,
    ``dh`` (N, T, H) holds the total gradient on every output state h_t, eq. (L7),
    and ``dc`` (N, T, H) the total gradient on every cell state c_t, eq. (L8).
    """

    def __init__(
        self, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray, name: str = "lstm"
    ) -> None:
        self.name = name
        self.params = [kernel, recurrent_kernel, bias]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.cache = None
        self.state = None
        self.dh = None
        self.dc = None

    @staticmethod
    def shapes(input_dim: int, hidden: int) -> list[tuple[int, ...]]:
        """The shapes of W, U and b for D = ``input_dim`` and H = ``hidden``."""
        return [(input_dim, 4 * hidden), (hidden, 4 * hidden), (4 * hidden,)]

    @classmethod
    def initial(
        cls, input_dim: int, hidden: int, rng: np.random.Generator, dtype, name: str
    ) -> LSTM:
        """Keras's defaults: glorot_uniform W (fans D and 4H), orthogonal U (H, 4H: its
        rows are orthonormal), and b zero except the forget gate's H entries, which are 1
        (``unit_forget_bias=True``: ``LSTMCell.build`` concatenates zeros, ones, zeros)."""
        W, U, b = cls.shapes(input_dim, hidden)
        bias = zeros(b, dtype)
        bias[hidden : 2 * hidden] = 1  # the forget gate starts open: remember by default
        return cls(glorot_uniform(W, rng, dtype), orthogonal(U, rng, dtype), bias, name)

    def step(self, a_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray) -> tuple:
        """Eqs. (L2)-(L5): a_t (N, 4H), the input projected by eq. (L1), h_{t-1} and
        c_{t-1} (N, H) -> h_t, c_t (N, H) and what ``backward`` needs of this step:
        sigma(s_t) (N, 4H), whose blocks i, f and o are the gates, and g_t (N, H)."""
        U, b = self.params[1], self.params[2]  # Keras: recurrent_kernel, bias
        H = h_prev.shape[1]
        s = (a_t + np.dot(h_prev, U)) + b  # eq. (L2): Keras adds the bias *last*
        sig = sigmoid(s)  # eq. (L3): i, f, o in one call (the candidate's block goes unused)
        i, f, o = sig[:, :H], sig[:, H : 2 * H], sig[:, 3 * H :]  # input, forget, output gate
        g = np.tanh(s[:, 2 * H : 3 * H])  # eq. (L3): candidate
        c = f * c_prev + i * g  # eq. (L4): forget some of the old cell, write some new
        h = o * np.tanh(c)  # eq. (L5)
        return h, c, (sig, g)

    @staticmethod
    def local_derivatives(
        c_prev: np.ndarray, sig: np.ndarray, g: np.ndarray, tc: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Eqs. (L8)-(L9) without dh_t and dc_t: the factors that need only forward values,
        for every step at once; ``backward``'s loop multiplies them by the gradients.
        c_{t-1}, g_t, tanh(c_t) (N, T, H) and sigma(s_t) (N, T, 4H) -> ``jc`` (N, T, H),
        the local derivative ∂h_t/∂c_t, with dc_t = dc_next + dh_t * jc_t, and ``js``
        (N, T, 4H), with ds_t = [dc_t dc_t dc_t dh_t] * js_t."""
        H = g.shape[-1]
        i, f, o = sig[..., :H], sig[..., H : 2 * H], sig[..., 3 * H :]
        jc = o * (1 - tc**2)  # eq. (L8): ∂h_t/∂c_t, c_t reaches h_t through o_t tanh(c_t)
        js = np.concatenate(  # eq. (L9): through (L4)-(L5), then each activation
            [
                g * i * (1 - i),  # input gate
                c_prev * f * (1 - f),  # forget gate
                i * (1 - g**2),  # candidate
                tc * o * (1 - o),  # output gate
            ],
            axis=-1,
        )
        return jc, js

    def step_backward(
        self,
        dh: np.ndarray,
        dc_next: np.ndarray,
        jc_t: np.ndarray,
        js_t: np.ndarray,
        f_t: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Eqs. (L8)-(L11), ``step`` run backward: the total gradient dh on h_t (N, H), the
        gradient dc_next on c_t from step t+1, step t's factors from ``local_derivatives``
        and forget gate f_t -> the gradients sent on to h_{t-1} and c_{t-1}, and dc_t."""
        U = self.params[1]  # Keras: recurrent_kernel
        dc = dc_next + dh * jc_t  # eq. (L8): c_t feeds c_{t+1} and h_t
        ds = np.concatenate([dc, dc, dc, dh], axis=1) * js_t  # eq. (L9): onto s_t, (N, 4H)
        return np.dot(ds, U.T), dc * f_t, dc  # eq. (L10): dh_{t-1}; eq. (L11): dc_{t-1}

    def forward(self, xs: np.ndarray, h0: tuple | None = None) -> np.ndarray:
        """xs : (N, T, D), h0 : the pair (h_0, c_0) of (N, H) arrays, or None (zeros,
        Keras's default) -> hs : (N, T, H).  Sets ``state`` to the pair (h_T, c_T)."""
        W, U, b = self.params  # Keras: kernel, recurrent_kernel, bias
        # eq. (L1) for every step at once (the bias comes in (L2)); like hs and cs, stored
        # step by step so that a[:, t], hs[:, t], cs[:, t] are contiguous (docs/performance.md)
        a = (xs.transpose(1, 0, 2) @ W).transpose(1, 0, 2)
        N, T, H = xs.shape[0], xs.shape[1], U.shape[0]
        if h0 is None:
            h0 = (np.zeros((N, H), a.dtype), np.zeros((N, H), a.dtype))
        h, c = h0
        hs = np.empty((T, N, H), a.dtype).transpose(1, 0, 2)  # (N, T, H)
        cs = np.empty_like(hs)
        gates = []
        for t in range(T):
            h, c, gates_t = self.step(a[:, t], h, c)  # eqs. (L2)-(L5)
            hs[:, t], cs[:, t] = h, c
            gates.append(gates_t)
        self.cache = (xs, h0, hs, cs, gates)
        self.state = (h, c)  # (h_T, c_T): both are the context, eq. (L6)
        return hs

    def backward(self, dhs: np.ndarray | None, dh_last: tuple | None = None) -> tuple:
        """BPTT, eqs. (L7)-(L12): dhs (N, T, H) from above (None: nothing above, the
        encoder), dh_last the pair (dh_T, dc_T) from after the sequence, or None
        -> dxs (N, T, D) and the pair (dh_0, dc_0).  Fills ``grads``; modifies neither input."""
        W, U, b = self.params  # Keras: kernel, recurrent_kernel, bias
        xs, (h0, c0), hs, cs, gates = self.cache
        N, T, H = hs.shape
        sig, g = (np.stack(v, axis=1) for v in zip(*gates))  # every step's, (N, T, .)
        h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)  # h_{t-1} for t = 1..T
        c_prev = np.concatenate([c0[:, None], cs[:, :-1]], axis=1)  # c_{t-1} for t = 1..T
        jc, js = self.local_derivatives(c_prev, sig, g, np.tanh(cs))  # all steps at once
        f = sig[..., H : 2 * H]  # the forget gate, which (L11) needs at every step
        dhs = np.zeros_like(hs) if dhs is None else dhs
        dh_next, dc_next = (np.zeros_like(h0), np.zeros_like(c0)) if dh_last is None else dh_last
        self.dh, self.dc = np.empty_like(hs), np.empty_like(hs)
        for t in reversed(range(T)):  # only the chain through the states is sequential
            dh = dhs[:, t] + dh_next  # eq. (L7): from the output above + from step t+1
            dh_next, dc_next, self.dc[:, t] = self.step_backward(
                dh, dc_next, jc[:, t], js[:, t], f[:, t]
            )  # eqs. (L8)-(L11)
            self.dh[:, t] = dh
        # eq. (L9) for every step, the same products the loop made; then eq. (L12):
        # sums over every step and window, as one matmul over N*T rows
        ds = (np.concatenate([self.dc, self.dc, self.dc, self.dh], axis=2) * js).reshape(N * T, -1)
        self.grads[0][...] = xs.reshape(N * T, -1).T @ ds  # dW = sum x_t^T ds_t
        self.grads[1][...] = h_prev.reshape(N * T, H).T @ ds  # dU = sum h_{t-1}^T ds_t
        self.grads[2][...] = ds.sum(axis=0)  # db = sum ds_t
        return (ds @ W.T).reshape(N, T, -1), (dh_next, dc_next)  # eq. (L12): dxs; (dh_0, dc_0)
