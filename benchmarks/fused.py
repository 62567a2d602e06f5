"""The straightforward fused loop: the seed's whole ``fit`` written straight through, per cell.

Forward, BPTT and Keras's Adam in one function, the way one would write them
in a notebook: batch-major arrays in Keras's weight layout like the core's,
new arrays where the math makes them, no layers, no caches, no checks, no
guards, and none of the floor's tricks (no flat weight buffer, no
preallocated state buffers, no time-major copies of the data, no gate
factors computed for all steps before the backward loop).  Each cell's two
functions do the same arithmetic in the same order as ``numpy_seq2seq``'s
cell, so the weights and losses match the real ``fit`` exactly; the benchmark
reports the difference and ``tests/test_benchmarks.py`` asserts it is zero.
The real ``fit`` divided by this is the price of the readable layers and the
guards; the target is at most 1.3x (docs/performance.md, "The floor of every cell").

This file exists only to be timed.  Equation numbers refer to ``docs/bptt.md``,
``docs/gru.md`` (G) and ``docs/lstm.md`` (L).
"""

from __future__ import annotations

import math

import numpy as np

from numpy_seq2seq.core.gru import sigmoid  # the cells' own logistic function, bit for bit


# -- SimpleRNN ----------------------------------------------------------------------------------
def simple_rnn(xs, W, U, b, h):
    """xs (N, T, D), h_0 (N, H) -> hs (N, T, H), h_T, and what the backward needs."""
    a = xs @ W + b  # eq. (1)
    hs = np.empty(a.shape, a.dtype)
    h0 = h
    for t in range(xs.shape[1]):
        h = np.tanh(a[:, t] + h @ U)  # eq. (2)
        hs[:, t] = h
    return hs, h, (xs, h0, hs)


def simple_rnn_backward(cache, W, U, dhs, dh_next):
    """dhs (N, T, H) or None, dh_next on h_T -> [dW, dU, db], dh_0."""
    xs, h0, hs = cache
    N, T, H = hs.shape
    dz = np.empty_like(hs)
    for t in reversed(range(T)):
        dh = dh_next if dhs is None else dhs[:, t] + dh_next  # eq. (8)
        dz_t = dh * (1 - hs[:, t] ** 2)  # eq. (9)
        dh_next = dz_t @ U.T  # eq. (10)
        dz[:, t] = dz_t
    h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)
    dz2 = dz.reshape(N * T, H)  # eq. (11)
    grads = [xs.reshape(N * T, -1).T @ dz2, h_prev.reshape(N * T, H).T @ dz2, dz2.sum(0)]
    return grads, dh_next


# -- GRU (Keras 3, reset_after=True; gates z, r, h side by side) ---------------------------------
def gru(xs, W, U, b, h):
    """xs (N, T, D), h_0 (N, H) -> hs (N, T, H), h_T, and what the backward needs."""
    N, T, H = xs.shape[0], xs.shape[1], U.shape[0]
    a = xs @ W + b[0]  # eq. (G1)
    hs = np.empty((N, T, H), a.dtype)
    zr, g, m_h = np.empty((N, T, 2 * H), a.dtype), np.empty_like(hs), np.empty_like(hs)
    h0 = h
    for t in range(T):
        m = h @ U + b[1]  # eq. (G2)
        zr[:, t] = sigmoid(a[:, t, : 2 * H] + m[:, : 2 * H])  # eq. (G3)
        z, r = zr[:, t, :H], zr[:, t, H:]
        g[:, t] = np.tanh(a[:, t, 2 * H :] + r * m[:, 2 * H :])  # eq. (G4)
        h = z * h + (1 - z) * g[:, t]  # eq. (G5)
        hs[:, t], m_h[:, t] = h, m[:, 2 * H :]
    return hs, h, (xs, h0, hs, zr, g, m_h)


def gru_backward(cache, W, U, dhs, dh_next):
    """dhs (N, T, H) or None, dh_next on h_T -> [dW, dU, db], dh_0."""
    xs, h0, hs, zr, g, m_h = cache
    N, T, H = hs.shape
    h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)
    da, dm = np.empty((N, T, 3 * H), hs.dtype), np.empty((N, T, 3 * H), hs.dtype)
    for t in reversed(range(T)):
        z, r, g_t = zr[:, t, :H], zr[:, t, H:], g[:, t]
        dh = dh_next if dhs is None else dhs[:, t] + dh_next  # eq. (G7)
        jg = (1 - z) * (1 - g_t**2)  # eq. (G8)
        jz = (h_prev[:, t] - g_t) * z * (1 - z)
        jr = jg * m_h[:, t] * r * (1 - r)  # eq. (G9)
        da[:, t] = np.concatenate([dh * jz, dh * jr, dh * jg], axis=1)  # eq. (G10)
        dm[:, t] = np.concatenate([dh * jz, dh * jr, dh * (jg * r)], axis=1)
        dh_next = dh * z + dm[:, t] @ U.T  # eq. (G11)
    da2, dm2 = da.reshape(N * T, 3 * H), dm.reshape(N * T, 3 * H)  # eq. (G12)
    db = np.stack([da2.sum(0), dm2.sum(0)])
    return [xs.reshape(N * T, -1).T @ da2, h_prev.reshape(N * T, H).T @ dm2, db], dh_next


# -- LSTM (Keras 3; gates i, f, c, o side by side; the state is the pair (h, c)) -----------------
def lstm(xs, W, U, b, state):
    """xs (N, T, D), (h_0, c_0) -> hs (N, T, H), (h_T, c_T), and what the backward needs."""
    N, T, H = xs.shape[0], xs.shape[1], U.shape[0]
    a = xs @ W  # eq. (L1)
    hs, cs = np.empty((N, T, H), a.dtype), np.empty((N, T, H), a.dtype)
    sig, g = np.empty((N, T, 4 * H), a.dtype), np.empty_like(hs)
    h, c = state
    for t in range(T):
        s = (a[:, t] + h @ U) + b  # eq. (L2)
        sig[:, t] = sigmoid(s)  # eq. (L3)
        i, f, o = sig[:, t, :H], sig[:, t, H : 2 * H], sig[:, t, 3 * H :]
        g[:, t] = np.tanh(s[:, 2 * H : 3 * H])
        c = f * c + i * g[:, t]  # eq. (L4)
        h = o * np.tanh(c)  # eq. (L5)
        hs[:, t], cs[:, t] = h, c
    return hs, (h, c), (xs, state, hs, cs, sig, g)


def lstm_backward(cache, W, U, dhs, d_state):
    """dhs (N, T, H) or None, (dh_T, dc_T) -> [dW, dU, db], (dh_0, dc_0)."""
    xs, (h0, c0), hs, cs, sig, g = cache
    N, T, H = hs.shape
    h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)
    c_prev = np.concatenate([c0[:, None], cs[:, :-1]], axis=1)
    tc = np.tanh(cs)
    ds = np.empty((N, T, 4 * H), hs.dtype)
    dh_next, dc_next = d_state
    for t in reversed(range(T)):
        i, f, o = sig[:, t, :H], sig[:, t, H : 2 * H], sig[:, t, 3 * H :]
        g_t, tc_t = g[:, t], tc[:, t]
        dh = dh_next if dhs is None else dhs[:, t] + dh_next  # eq. (L7)
        dc = dc_next + dh * (o * (1 - tc_t**2))  # eq. (L8)
        js = np.concatenate(  # eq. (L9)
            [g_t * i * (1 - i), c_prev[:, t] * f * (1 - f), i * (1 - g_t**2), tc_t * o * (1 - o)],
            axis=1,
        )
        ds[:, t] = np.concatenate([dc, dc, dc, dh], axis=1) * js
        dh_next, dc_next = ds[:, t] @ U.T, dc * f  # eqs. (L10), (L11)
    ds2 = ds.reshape(N * T, 4 * H)  # eq. (L12)
    grads = [xs.reshape(N * T, -1).T @ ds2, h_prev.reshape(N * T, H).T @ ds2, ds2.sum(0)]
    return grads, (dh_next, dc_next)


def _zeros(cell, n, hidden, dt):
    h = np.zeros((n, hidden), dt)
    return (h, np.zeros_like(h)) if cell == "lstm" else h


CELLS = {
    "simple_rnn": (simple_rnn, simple_rnn_backward),
    "gru": (gru, gru_backward),
    "lstm": (lstm, lstm_backward),
}


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
    cell: str = "simple_rnn",
) -> tuple[list[np.ndarray], list[float], list[float]]:
    """Train the 8 weights (``get_weights()`` order, updated in place) on ``[ex, dx] -> dy``.

    ex : (N, T, D), dx, dy : (N, T, O), in the weights' dtype; ``cell`` one of ``CELLS``.
    Returns ``(weights, loss per epoch, val_loss per epoch)``.
    """
    rnn, rnn_backward = CELLS[cell]
    We, Ue, be, Wd, Ud, bd, V, bo = weights
    dt, hidden = We.dtype.type, Ue.shape[0]

    def forward(x_e, x_d):
        hs_e, context, cache_e = rnn(x_e, We, Ue, be, _zeros(cell, len(x_e), hidden, dt))
        hs_d, _, cache_d = rnn(x_d, Wd, Ud, bd, context)  # eq. (3)
        return cache_e, cache_d, hs_d, hs_d @ V + bo  # eq. (4)

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
            cache_e, cache_d, hs_d, y = forward(x_e, x_d)
            loss, d_y = mse(y, target)
            total += loss * len(idx)
            dV = hs_d.reshape(-1, V.shape[0]).T @ d_y.reshape(-1, V.shape[1])  # eq. (7)
            dbo = d_y.sum(axis=(0, 1))
            zero = _zeros(cell, len(idx), hidden, dt)
            g_dec, d_context = rnn_backward(cache_d, Wd, Ud, d_y @ V.T, zero)
            g_enc, _ = rnn_backward(cache_e, We, Ue, None, d_context)  # eq. (13)
            grads = [*g_enc, *g_dec, dV, dbo]
            step += 1  # eqs. (14), (15): Keras's Adam
            alpha = dt(lr) * np.sqrt(1 - b2 ** dt(step)) / (1 - b1 ** dt(step))
            for k, (w, g) in enumerate(zip(weights, grads)):
                m[k] = m[k] + (g - m[k]) * dt(1 - beta_1)
                v[k] = v[k] + (g * g - v[k]) * dt(1 - beta_2)
                w[...] = w - m[k] * alpha / (np.sqrt(v[k]) + dt(epsilon))
        losses.append(total / n_train)
        val_total = 0.0
        for j in range(n_train, len(ex), batch_size):
            s = slice(j, min(j + batch_size, len(ex)))
            val_total += mse(forward(ex[s], dx[s])[3], dy[s])[0] * (s.stop - s.start)
        val_losses.append(val_total / (len(ex) - n_train))
    return weights, losses, val_losses
