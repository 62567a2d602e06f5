"""SimpleRNN, as Keras computes it, and its backprop through time.

A layer in the style of *Deep Learning from Scratch 2*: ``params`` and ``grads``
(Keras's layout and order), ``forward`` that keeps a cache, and ``backward``
that runs the same loop in reverse.  Arrays are batch-major, like Keras:
``xs`` is (N, T, D) and ``hs`` is (N, T, H), so ``hs[:, t-1]`` is the state
h_t of ``docs/bptt.md`` (t = 1..T) and ``h0`` is h_0.

Why the code is shaped for speed where it is: ``docs/performance.md``.
"""

from __future__ import annotations

import numpy as np

from .initializers import glorot_uniform, orthogonal, zeros


class SimpleRNN:
    """``h_t = tanh(x_t W + b + h_{t-1} U)`` over a sequence: Keras's ``SimpleRNN``.

    kernel W : (D, H), recurrent_kernel U : (H, H), bias b : (H,).
    After ``forward``, ``state`` is the final state h_T (the context, for the
    encoder); after ``backward``, ``dh`` (N, T, H) holds the total gradient on
    every state, eq. (8), which the gradient-flow figure plots.
    """

    def __init__(
        self, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray, name: str = "rnn"
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
        return [(input_dim, hidden), (hidden, hidden), (hidden,)]

    @classmethod
    def initial(
        cls, input_dim: int, hidden: int, rng: np.random.Generator, dtype, name: str
    ) -> SimpleRNN:
        """Keras's defaults: glorot_uniform W, orthogonal U, zero b."""
        W, U, b = cls.shapes(input_dim, hidden)
        return cls(glorot_uniform(W, rng, dtype), orthogonal(U, rng, dtype), zeros(b, dtype), name)

    def step(self, a_t: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
        """Eq. (2): a_t (N, H), the input projected by eq. (1), and h_{t-1} (N, H) -> h_t (N, H)."""
        U = self.params[1]  # Keras: recurrent_kernel
        return np.tanh(a_t + np.dot(h_prev, U))  # b is in a_t already: Keras adds it first

    def step_backward(self, dh: np.ndarray, tanh_prime_t: np.ndarray) -> np.ndarray:
        """Eqs. (9)-(10), ``step`` run backward: the total gradient dh on h_t (N, H) and
        tanh'(z_t) = 1 - h_t**2 (N, H) -> the gradient sent on to h_{t-1} (N, H)."""
        U = self.params[1]  # Keras: recurrent_kernel
        dz_t = dh * tanh_prime_t  # eq. (9): back through the tanh
        return np.dot(dz_t, U.T)  # eq. (10): back through h_{t-1} U

    def forward(self, xs: np.ndarray, h0: np.ndarray | None = None) -> np.ndarray:
        """xs : (N, T, D), h0 : (N, H) or None (zeros, Keras's default) -> hs : (N, T, H)."""
        W, U, b = self.params  # Keras: kernel, recurrent_kernel, bias
        a = xs @ W + b  # eq. (1), for every step at once: (N, T, H)
        h = h0 = np.zeros_like(a[:, 0]) if h0 is None else h0
        hs = np.empty_like(a)
        for t in range(xs.shape[1]):
            h = self.step(a[:, t], h)  # eq. (2)
            hs[:, t] = h
        self.cache = (xs, h0, hs)
        self.state = h  # h_T
        return hs

    def backward(self, dhs: np.ndarray | None, dh_last: np.ndarray | None = None) -> tuple:
        """BPTT, eqs. (8)-(12): dhs (N, T, H) from above (None: nothing above, the encoder),
        dh_last (N, H) onto h_T from after the sequence -> dxs (N, T, D), dh0 (N, H).
        Fills ``grads``; modifies neither input."""
        W, U, b = self.params  # Keras: kernel, recurrent_kernel, bias
        xs, h0, hs = self.cache
        N, T, H = hs.shape
        dhs = np.zeros_like(hs) if dhs is None else dhs
        dh_next = np.zeros_like(h0) if dh_last is None else dh_last
        self.dh, tanh_prime = np.empty_like(hs), 1 - hs**2  # eq. (9): tanh'(z_t) = 1 - h_t^2, all t
        for t in reversed(range(T)):  # only the chain through the states is sequential
            dh = dhs[:, t] + dh_next  # eq. (8): from the output above + from step t+1
            dh_next = self.step_backward(dh, tanh_prime[:, t])  # eqs. (9)-(10)
            self.dh[:, t] = dh
        dz = self.dh * tanh_prime  # eq. (9) for every step at once
        h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)  # h_{t-1} for t = 1..T
        dz2 = dz.reshape(N * T, H)  # eq. (11): each sum over steps and windows is one matmul
        self.grads[0][...] = xs.reshape(N * T, -1).T @ dz2  # dW = sum x_t^T dz_t
        self.grads[1][...] = h_prev.reshape(N * T, H).T @ dz2  # dU = sum h_{t-1}^T dz_t
        self.grads[2][...] = dz2.sum(axis=0)  # db = sum dz_t
        return dz @ W.T, dh_next  # eq. (12): dxs; and dh_next is now dh_0, the context's gradient
