"""The straightforward fused loop: the seed's whole ``fit`` written straight through.

Forward, BPTT and Keras's Adam in one function, the way one would write them
in a notebook: batch-major arrays like the core's, new arrays where the math
makes them, no layers, no caches, no checks, no guards, and none of the
floor's tricks (no flat weight buffer, no preallocated state buffers, no
time-major copies of the data).  It does the same arithmetic in the same order
as ``numpy_seq2seq``, so its weights and losses match the real ``fit``; the
benchmark checks that.  The real ``fit`` divided by this is the price of the
readable layers and the guards; the target is at most 1.3x.

This file exists only to be timed.  Equation numbers refer to ``docs/bptt.md``.
"""

from __future__ import annotations

import math

import numpy as np


def fit_fused(
    weights: list[np.ndarray],
    ex: np.ndarray,
    dx: np.ndarray,
    dy: np.ndarray,
    batch_size: int = 16,
    epochs: int = 80,
    validation_split: float = 0.2,
    seed: int | None = None,
    lr: float = 0.001,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-7,
) -> tuple[list[np.ndarray], list[float], list[float]]:
    """Train the 8 weights (``get_weights()`` order, updated in place) on ``[ex, dx] -> dy``.

    ex : (N, T, D), dx, dy : (N, T, O), in the weights' dtype.
    Returns ``(weights, loss per epoch, val_loss per epoch)``.
    """
    We, Ue, be, Wd, Ud, bd, V, bo = weights
    dt = We.dtype.type

    def rnn(xs, W, U, b, h):
        a = xs @ W + b  # eq. (1)
        hs = np.empty_like(a)
        for t in range(xs.shape[1]):
            h = np.tanh(a[:, t] + h @ U)  # eq. (2)
            hs[:, t] = h
        return hs

    def forward(x_e, x_d):
        hs_e = rnn(x_e, We, Ue, be, np.zeros((len(x_e), Ue.shape[0]), dt))
        hs_d = rnn(x_d, Wd, Ud, bd, hs_e[:, -1])  # eq. (3)
        return hs_e, hs_d, hs_d @ V + bo  # eq. (4)

    def rnn_backward(xs, h0, hs, dhs, dh_next, W, U):
        N, T, H = hs.shape
        dz = np.empty_like(hs)
        for t in reversed(range(T)):
            dh = dhs[:, t] + dh_next  # eq. (8)
            dz_t = dh * (1 - hs[:, t] ** 2)  # eq. (9)
            dh_next = dz_t @ U.T  # eq. (10)
            dz[:, t] = dz_t
        h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)
        dz2 = dz.reshape(N * T, H)  # eq. (11)
        grads = [xs.reshape(N * T, -1).T @ dz2, h_prev.reshape(N * T, H).T @ dz2, dz2.sum(0)]
        return grads, dh_next

    def mse(y, target):
        diff = y - target
        return float(np.mean(np.mean(diff**2, axis=-1))), diff * (2.0 / diff.size)  # (5), (6)

    n_train = math.floor(len(ex) * (1.0 - validation_split))
    m = [np.zeros_like(w) for w in weights]
    v = [np.zeros_like(w) for w in weights]
    b1, b2 = dt(np.float32(beta_1)), dt(np.float32(beta_2))
    rng = np.random.default_rng(seed)
    losses, val_losses, step = [], [], 0
    for _ in range(epochs):
        order, total = rng.permutation(n_train), 0.0
        for i in range(0, n_train, batch_size):
            idx = order[i : i + batch_size]
            x_e, x_d, target = ex[idx], dx[idx], dy[idx]
            hs_e, hs_d, y = forward(x_e, x_d)
            loss, d_y = mse(y, target)
            total += loss * len(idx)
            dV = hs_d.reshape(-1, V.shape[0]).T @ d_y.reshape(-1, V.shape[1])  # eq. (7)
            dbo = d_y.sum(axis=(0, 1))
            g_dec, d_context = rnn_backward(
                x_d, hs_e[:, -1], hs_d, d_y @ V.T, np.zeros_like(hs_e[:, -1]), Wd, Ud
            )
            zero = np.zeros_like(hs_e)
            g_enc, _ = rnn_backward(
                x_e, np.zeros_like(hs_e[:, 0]), hs_e, zero, d_context, We, Ue
            )  # eq. (13)
            grads = [*g_enc, *g_dec, dV, dbo]
            step += 1  # eqs. (14), (15): Keras's Adam
            alpha = dt(lr) * np.sqrt(1 - b2 ** dt(step)) / (1 - b1 ** dt(step))
            for k, (w, g) in enumerate(zip(weights, grads)):
                m[k] = m[k] + (g - m[k]) * dt(1 - beta_1)
                v[k] = v[k] + (g * g - v[k]) * dt(1 - beta_2)
                w[...] = w - m[k] * alpha / (np.sqrt(v[k]) + dt(epsilon))
        losses.append(total / n_train)
        val = slice(n_train, None)
        val_total = 0.0
        for j in range(n_train, len(ex), batch_size):
            s = slice(j, min(j + batch_size, len(ex)))
            val_total += mse(forward(ex[s], dx[s])[2], dy[s])[0] * (s.stop - s.start)
        val_losses.append(val_total / len(ex[val]))
    return weights, losses, val_losses
