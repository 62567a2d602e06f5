"""The seed's ``model_train``: encoder -> context -> decoder -> Dense, and its math.

The encoder's final state (the *context*) is the decoder's initial state, and
that is the only link between the two halves: forward, eq. (3) of
``docs/bptt.md``, and backward, eq. (13).  This module holds the pieces that
are not recurrent (the Dense layer and the MSE loss) and the wiring:
``forward`` (teacher forcing), ``backward``, ``loss_and_grads`` and ``predict``
(free running).  Shapes: N windows, T steps, D input features, H hidden
units, O output features.
"""

from __future__ import annotations

import numpy as np

from .gru import GRU
from .initializers import glorot_uniform, zeros
from .lstm import LSTM
from .simple_rnn import SimpleRNN

#: The recurrent cells ``Seq2Seq(cell=...)`` accepts, by name.
CELLS = {"simple_rnn": SimpleRNN, "gru": GRU, "lstm": LSTM}

#: The Keras names of the weights, in ``model_train.get_weights()`` order.
WEIGHT_NAMES = (
    ("e_rnn", "kernel"),  # W_e
    ("e_rnn", "recurrent_kernel"),  # U_e
    ("e_rnn", "bias"),  # b_e
    ("d_rnn", "kernel"),  # W_d
    ("d_rnn", "recurrent_kernel"),  # U_d
    ("d_rnn", "bias"),  # b_d
    ("d_output", "kernel"),  # V
    ("d_output", "bias"),  # b_o
)


class Dense:
    """``y_t = h_t V + b_o`` at every step: Keras's ``Dense`` on (N, T, H) input.

    kernel V : (H, O), bias b_o : (O,).
    """

    def __init__(self, kernel: np.ndarray, bias: np.ndarray, name: str = "dense") -> None:
        self.name = name
        self.params = [kernel, bias]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.cache = None

    def forward(self, hs: np.ndarray) -> np.ndarray:
        """hs : (N, T, H) -> ys : (N, T, O), eq. (4)."""
        V, b_o = self.params  # Keras: kernel, bias
        self.cache = hs
        return hs @ V + b_o

    def backward(self, dys: np.ndarray) -> np.ndarray:
        """dys : (N, T, O) -> dhs : (N, T, H); fills ``grads``, eq. (7)."""
        V, b_o = self.params
        hs = self.cache  # dV sums h_t^T dy_t over every (window, step) row:
        self.grads[0][...] = hs.reshape(-1, hs.shape[-1]).T @ dys.reshape(-1, dys.shape[-1])
        self.grads[1][...] = dys.sum(axis=(0, 1))  # db_o sums dy_t
        return dys @ V.T  # the gradient each h_t receives from above


def mse(y: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Keras's ``mean_squared_error`` and its gradient: y, target (N, T, O) -> (loss, dy)."""
    diff = y - target
    loss = np.mean(np.mean(diff**2, axis=-1))  # eq. (5): over the O features, then N*T
    dy = diff * (2.0 / diff.size)  # eq. (6): d loss / d y = 2 (y - y*) / (N T O)
    return float(loss), dy


class Seq2SeqNet:
    """The three layers of the seed's ``model_train`` and the math that joins them."""

    def __init__(self, e_rnn, d_rnn, d_output: Dense) -> None:
        self.e_rnn, self.d_rnn, self.d_output = e_rnn, d_rnn, d_output
        self.layers = (e_rnn, d_rnn, d_output)
        # Every weight and gradient array, in get_weights() order.  The layers write
        # both in place, so these lists always hold the live arrays (as in DLFS2).
        self.params = [p for layer in self.layers for p in layer.params]
        self.grads = [g for layer in self.layers for g in layer.grads]

    @classmethod
    def initial(
        cls,
        enc_tokens: int,
        dec_tokens: int,
        hidden: int,
        rng: np.random.Generator,
        dtype,
        cell: str = "simple_rnn",
    ) -> Seq2SeqNet:
        """Keras's default initial weights, drawn in ``get_weights()`` order."""
        rnn = CELLS[cell]
        e_rnn = rnn.initial(enc_tokens, hidden, rng, dtype, "e_rnn")
        d_rnn = rnn.initial(dec_tokens, hidden, rng, dtype, "d_rnn")
        V, b_o = glorot_uniform((hidden, dec_tokens), rng, dtype), zeros((dec_tokens,), dtype)
        return cls(e_rnn, d_rnn, Dense(V, b_o, "d_output"))

    @staticmethod
    def weight_shapes(
        enc_tokens: int, dec_tokens: int, hidden: int, cell: str = "simple_rnn"
    ) -> list[tuple[int, ...]]:
        """The shape of every weight, in ``get_weights()`` order, without making any."""
        rnn = CELLS[cell]
        dense = [(hidden, dec_tokens), (dec_tokens,)]
        return [*rnn.shapes(enc_tokens, hidden), *rnn.shapes(dec_tokens, hidden), *dense]

    def forward(self, ex: np.ndarray, dx: np.ndarray) -> np.ndarray:
        """Teacher forcing: ex : (N, T_e, D), dx : (N, T, O) -> y : (N, T, O), eqs. (1)-(4)."""
        self.e_rnn.forward(ex)
        context = self.e_rnn.state  # eq. (3): h_ctx = the encoder's final state, the only link
        hs = self.d_rnn.forward(dx, h0=context)  # dx: the true outputs, shifted right
        return self.d_output.forward(hs)  # eq. (4)

    def backward(self, d_y: np.ndarray) -> None:
        """d_y : (N, T, O) -> every layer's ``grads``, eqs. (7)-(13)."""
        d_hs = self.d_output.backward(d_y)  # eq. (7)
        _, d_context = self.d_rnn.backward(d_hs)  # eqs. (8)-(12); the decoder's dh_0
        self.e_rnn.backward(None, dh_last=d_context)  # eq. (13): all the encoder receives

    def loss_and_grads(self, ex: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> float:
        """One training step's math: forward, loss, backward.  Returns the loss."""
        loss, d_y = mse(self.forward(ex, dx), dy)  # eqs. (5)-(6)
        self.backward(d_y)
        return loss

    def encode(self, ex: np.ndarray):
        """ex : (N, T_e, D) -> the context, as the seed's ``model_pred_e``: the final
        state (N, H), or for an LSTM the pair (h_T, c_T) of (N, H) arrays."""
        self.e_rnn.forward(ex)
        return self.e_rnn.state

    def predict(self, ex: np.ndarray, steps: int) -> np.ndarray:
        """Free running, the seed's ``predict()`` for all windows at once.

        ex : (N, T_e, D) -> (N, steps, O).  The decoder starts from the context
        and a zero input; each output is fed back as the next input, one step
        at a time, through the same ``forward`` (and so the same ``step``) as training.
        """
        state = self.encode(ex)
        y = np.zeros((ex.shape[0], 1, self.d_output.params[1].shape[0]), ex.dtype)
        ys = []
        for _ in range(steps):
            hs = self.d_rnn.forward(y, h0=state)  # eqs. (1)-(2), one step
            state = self.d_rnn.state
            y = self.d_output.forward(hs)  # eq. (4); fed back as the next input
            ys.append(y)
        return np.concatenate(ys, axis=1)
