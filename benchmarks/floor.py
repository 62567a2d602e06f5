"""The floor: the seed's whole ``fit`` as one fused NumPy function.

No layers, no caches in objects, no argument checks, no divergence guard, no
History: the forward pass, BPTT and Keras's Adam written straight through in
one function, with every buffer that can be preallocated preallocated once
per ``fit``.  It does the same arithmetic as ``numpy_seq2seq`` (the same
matmuls and Adam expression; time-major buffers sum some reductions in another
order), so its weights match the real ``fit``'s to float32 rounding, and the
benchmark reports the difference.  Its time is what Python and NumPy allow on this machine; the
real code's time divided by it is the price of readable layers and checks.

This file is *not* a second implementation that anything uses: it exists
only to be timed.  Equation numbers refer to ``docs/bptt.md``.
"""

from __future__ import annotations

import numpy as np


def fit_floor(
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
    """Train the 8 weights in place on ``[ex, dx] -> dy``.

    weights : the 8 arrays in ``get_weights()`` order (updated in place).
    ex : (N, T, D), dx, dy : (N, T, O), already in the weights' dtype.
    Returns ``(weights, loss per epoch, val_loss per epoch)``.
    """
    dt = weights[0].dtype.type
    # One flat buffer holds all 8 weights (and one the 8 gradients), so Adam is
    # a handful of whole-buffer operations instead of a handful per weight.
    flat_w = np.concatenate([w.ravel() for w in weights])
    flat_g = np.zeros_like(flat_w)
    views_w, views_g, start = [], [], 0
    for w in weights:
        views_w.append(flat_w[start : start + w.size].reshape(w.shape))
        views_g.append(flat_g[start : start + w.size].reshape(w.shape))
        start += w.size
    ek, er, eb, dk, dr, db, ok, ob = views_w
    gek, ger, geb, gdk, gdr, gdb, gok, gob = views_g
    m, v, s = np.zeros_like(flat_w), np.zeros_like(flat_w), np.empty_like(flat_w)
    one_b1, one_b2 = dt(1 - beta_1), dt(1 - beta_2)
    # As optimizers.Adam: the betas in the step size pass through float32 first.
    b1, b2 = dt(np.float32(beta_1)), dt(np.float32(beta_2))
    lr_, eps = dt(lr), dt(epsilon)

    n_all, t_steps, _ = ex.shape
    hidden = er.shape[0]
    n_train = int(np.floor(n_all * (1.0 - validation_split)))
    # Time-major copies of the data, so that every step reads a contiguous block.
    ex_tm, dx_tm, dy_tm = (a.transpose(1, 0, 2).copy() for a in (ex, dx, dy))
    val = tuple(a[:, n_train:] for a in (ex_tm, dx_tm, dy_tm))

    def forward(x_e, x_d, n):
        """Both RNNs and the Dense; returns (h_e, h_d, y), states (T+1, n, H)."""
        h_e = np.zeros((t_steps + 1, n, hidden), dt)  # h_e[0] = 0, h_e[t+1] = h_t
        h_d = np.empty((t_steps + 1, n, hidden), dt)
        a = x_e @ ek  # eq. (1)
        a += eb
        for t in range(t_steps):
            z = np.matmul(h_e[t], er, out=h_e[t + 1])
            z += a[t]
            np.tanh(z, out=z)  # eq. (2)
        h_d[0] = h_e[t_steps]  # eq. (3)
        a = x_d @ dk
        a += db
        for t in range(t_steps):
            z = np.matmul(h_d[t], dr, out=h_d[t + 1])
            z += a[t]
            np.tanh(z, out=z)
        y = h_d[1:] @ ok  # eq. (4)
        y += ob
        return h_e, h_d, y

    def mse(y, target):
        diff = y - target
        sq = diff * diff
        per_step = np.add.reduce(sq, axis=-1) / dt(sq.shape[-1])  # eq. (5), Keras's order
        return float(np.add.reduce(per_step, axis=None) / dt(per_step.size)), diff

    def bptt(h, x, dh_out, dh_last, gk, gr, gb, rk_t):
        """Eqs. (8)-(11) for one RNN; returns d h_0."""
        n = h.shape[1]
        dz = 1.0 - h[1:] * h[1:]  # eq. (9): tanh' = 1 - h_t^2, for all steps at once
        dh_next = dh_last
        for t in range(t_steps - 1, -1, -1):
            dh = dh_next if dh_out is None else dh_out[t] + dh_next  # eq. (8)
            dzt = np.multiply(dh, dz[t], out=dz[t])  # eq. (9)
            dh_next = dzt @ rk_t  # eq. (10)
        dz2 = dz.reshape(t_steps * n, hidden)
        np.matmul(x.reshape(t_steps * n, -1).T, dz2, out=gk)  # eq. (11)
        np.matmul(h[:-1].reshape(t_steps * n, hidden).T, dz2, out=gr)
        np.sum(dz2, axis=0, out=gb)
        return dh_next

    losses, val_losses = [], []
    rng = np.random.default_rng(seed)
    it = 0
    for _ in range(epochs):
        order = rng.permutation(n_train)
        total = 0.0
        for i in range(0, n_train, batch_size):
            idx = order[i : i + batch_size]
            x_e, x_d, target = ex_tm[:, idx], dx_tm[:, idx], dy_tm[:, idx]
            n = len(idx)
            h_e, h_d, y = forward(x_e, x_d, n)
            loss, diff = mse(y, target)
            total += loss * n
            d_y = diff * dt(2.0 / diff.size)  # eq. (6)
            # eq. (7): the Dense
            dy2 = d_y.reshape(t_steps * n, -1)
            np.matmul(h_d[1:].reshape(t_steps * n, hidden).T, dy2, out=gok)
            np.sum(dy2, axis=0, out=gob)
            d_hs = d_y @ ok.T
            d_context = bptt(h_d, x_d, d_hs, np.zeros((n, hidden), dt), gdk, gdr, gdb, dr.T)
            bptt(h_e, x_e, None, d_context, gek, ger, geb, er.T)  # eq. (13)
            # eqs. (14), (15): Keras's Adam, the same expression as optimizers.Adam
            it += 1
            t_ = dt(it)
            alpha = lr_ * np.sqrt(1 - b2**t_) / (1 - b1**t_)
            np.subtract(flat_g, m, out=s)
            s *= one_b1
            m += s
            np.multiply(flat_g, flat_g, out=s)
            s -= v
            s *= one_b2
            v += s
            np.multiply(m, alpha, out=s)
            s /= np.sqrt(v) + eps
            flat_w -= s
        losses.append(total / n_train)
        val_losses.append(mse(forward(*val[:2], n_all - n_train)[2], val[2])[0])
    for w, view in zip(weights, views_w):
        w[...] = view
    return weights, losses, val_losses
