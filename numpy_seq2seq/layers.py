"""The two layers of the seed's model: SimpleRNN and Dense.

Each layer is a small class in the style of *Deep Learning from Scratch 2*:

* ``params`` -- the weights, in Keras's layout and ``get_weights()`` order;
* ``grads``  -- arrays of the same shapes, overwritten in place by ``backward``;
* ``forward`` keeps what ``backward`` needs in ``self.cache`` and nothing else.

Shapes use N = batch (windows), T = time steps, D = input features,
H = hidden units, O = output features.  Equation numbers (1)-(12) refer to
``docs/bptt.md``.
"""

from __future__ import annotations

import numpy as np


class SimpleRNN:
    """``h_t = tanh(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel)``, as Keras's SimpleRNN.

    Parameters
    ----------
    kernel : (D, H) array
    recurrent_kernel : (H, H) array
    bias : (H,) array
    name : str
        The Keras layer name (``"e_rnn"`` or ``"d_rnn"``), used in messages.
    """

    def __init__(
        self,
        kernel: np.ndarray,
        recurrent_kernel: np.ndarray,
        bias: np.ndarray,
        name: str = "rnn",
    ) -> None:
        self.name = name
        self.params = [kernel, recurrent_kernel, bias]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.cache: tuple | None = None

    # -- the two pieces that training and inference share -------------------
    def project(self, x: np.ndarray) -> np.ndarray:
        """Input projection, eq. (1): ``a = x @ kernel + bias``.

        x : (..., D)  ->  a : (..., H).  Training projects every step in one
        matmul; inference projects one step at a time.  Keras adds the bias
        here, before the recurrent term, so we do too.
        """
        kernel, _, bias = self.params
        a = x @ kernel
        a += bias
        return a

    def step(
        self, a_t: np.ndarray, h_prev: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        """One time step, eq. (2): ``h_t = tanh(a_t + h_{t-1} @ recurrent_kernel)``.

        a_t : (N, H) projected input, h_prev : (N, H)  ->  h_t : (N, H).
        ``out`` lets ``forward`` write straight into its state buffer.
        """
        z = np.matmul(h_prev, self.params[1], out=out)
        z += a_t
        return np.tanh(z, out=z)

    # -- training ------------------------------------------------------------
    def forward(self, xs: np.ndarray, h0: np.ndarray | None = None) -> np.ndarray:
        """Run the recurrence over all T steps.

        xs : (N, T, D) inputs; h0 : (N, H) initial state, zeros when None
        (Keras's default).  Returns hs : (N, T, H), every state; the final
        state is ``hs[:, -1]``.
        """
        n, t_steps, _ = xs.shape
        hidden = self.params[1].shape[0]
        # Time-major buffers: a[t] and hs[t] are contiguous (N, H) blocks.
        # hs holds T + 1 states, hs[0] = h0 and hs[t + 1] = h_t, so that
        # backward finds every h_{t-1} in hs[:-1] without copying.
        a = self.project(xs.transpose(1, 0, 2))  # eq. (1), all steps at once
        hs = np.empty((t_steps + 1, n, hidden), dtype=a.dtype)
        hs[0] = 0.0 if h0 is None else h0  # Keras's default initial state is zeros
        step = self.step
        for t in range(t_steps):
            step(a[t], hs[t], out=hs[t + 1])  # eq. (2)
        self.cache = (xs, hs)
        return hs[1:].transpose(1, 0, 2)

    def backward(
        self,
        dhs: np.ndarray | None,
        dh_last: np.ndarray | None = None,
        dh_out: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Backprop through time.

        dhs : (N, T, H) loss gradient arriving at each state from above
        (None means zeros: the encoder's states feed nothing but the next
        step).  dh_last : (N, H) extra gradient on the final state (the
        decoder's ``d_context`` for the encoder).  Returns
        ``(dxs (N, T, D), dh0 (N, H))`` and writes ``self.grads``;
        ``dhs`` and ``dh_last`` are not modified.  dh_out : optional
        (N, T, H) buffer that receives the total gradient on every state,
        eq. (8) (for ``scripts/gradcheck.py``'s gradient-flow figure).
        """
        xs, hs = self.cache  # hs : (T + 1, N, H), hs[0] = h0
        kernel, recurrent_kernel, _ = self.params
        h = hs[1:]
        t_steps, n, hidden = h.shape
        # eq. (9): tanh'(z_t) = 1 - h_t^2 for all steps; the loop turns dz[t]
        # into dz_t in place, so no second (T, N, H) buffer is needed.
        dz = 1.0 - h * h
        dh_next = np.zeros((n, hidden), h.dtype) if dh_last is None else dh_last
        # A contiguous copy of recurrent_kernel^T: BLAS multiplies it faster than the view.
        rk_t = np.ascontiguousarray(recurrent_kernel.T)
        dhs_tm = None if dhs is None else dhs.transpose(1, 0, 2)
        for t in range(t_steps - 1, -1, -1):
            # eq. (8): gradient on h_t = from the output above + from step t+1
            dh = dh_next if dhs_tm is None else dhs_tm[t] + dh_next
            if dh_out is not None:
                dh_out[:, t] = dh
            dz_t = np.multiply(dh, dz[t], out=dz[t])  # eq. (9)
            dh_next = dz_t @ rk_t  # eq. (10)
        self._weight_grads(xs, hs, dz)
        dxs = (dz @ kernel.T).transpose(1, 0, 2)  # eq. (12)
        return dxs, dh_next

    def _weight_grads(self, xs: np.ndarray, hs: np.ndarray, dz: np.ndarray) -> None:
        """Eq. (11): each weight gradient is a sum over time and batch,
        computed as one matmul over the flattened (T*N) axis.

        xs : (N, T, D), hs : (T + 1, N, H) with hs[0] = h0, dz : (T, N, H).
        """
        t_steps, n, hidden = dz.shape
        dz2 = dz.reshape(t_steps * n, hidden)
        x2 = xs.transpose(1, 0, 2).reshape(t_steps * n, -1)
        h_prev = hs[:-1].reshape(t_steps * n, hidden)  # h_{t-1} for t = 1..T, a view
        dkernel, drecurrent, dbias = self.grads
        np.matmul(x2.T, dz2, out=dkernel)
        np.matmul(h_prev.T, dz2, out=drecurrent)
        np.sum(dz2, axis=0, out=dbias)


class Dense:
    """``y = h @ kernel + bias`` at every time step, as Keras's Dense on 3-D input.

    Parameters
    ----------
    kernel : (H, O) array
    bias : (O,) array
    """

    def __init__(self, kernel: np.ndarray, bias: np.ndarray, name: str = "dense") -> None:
        self.name = name
        self.params = [kernel, bias]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.cache: np.ndarray | None = None

    def __call__(self, h: np.ndarray) -> np.ndarray:
        """Eq. (4) without a cache, for inference. h : (..., H) -> (..., O)."""
        y = h @ self.params[0]
        y += self.params[1]
        return y

    def forward(self, hs: np.ndarray) -> np.ndarray:
        """hs : (N, T, H) -> ys : (N, T, O), eq. (4)."""
        self.cache = hs
        return self(hs)

    def backward(self, dys: np.ndarray) -> np.ndarray:
        """dys : (N, T, O) -> dhs : (N, T, H); writes ``self.grads``, eq. (7)."""
        hs = self.cache
        kernel = self.params[0]
        h2 = hs.reshape(-1, hs.shape[-1])
        dy2 = dys.reshape(-1, dys.shape[-1])
        np.matmul(h2.T, dy2, out=self.grads[0])
        np.sum(dy2, axis=0, out=self.grads[1])
        return dys @ kernel.T
