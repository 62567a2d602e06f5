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

from .attention import ATTENTIONS
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


def weight_names(attention: str | None = None) -> tuple[tuple[str, str], ...]:
    """``WEIGHT_NAMES`` with the attention's weights, which Keras lists after ``d_rnn``'s."""
    if attention is None:
        return WEIGHT_NAMES
    return WEIGHT_NAMES[:6] + ATTENTIONS[attention].WEIGHT_NAMES + WEIGHT_NAMES[6:]


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


class AttentionSeq2SeqNet(Seq2SeqNet):
    """The seed's model with attention (``docs/attention.md``), as the issue's Keras model:

    e_seq, e_state = e_rnn(ex)                  # every encoder state, and the final one
    d_seq = d_rnn(dx, initial_state=e_state)    # the decoder still starts from the context
    context = attention([d_seq, e_seq])         # query: decoder states; values: encoder's
    y = d_output(Concatenate()([context, d_seq]))

    ``d_output`` reads 2H features: V is (2H, O), its first H rows for the context.
    """

    def __init__(self, e_rnn, d_rnn, attention, d_output: Dense) -> None:
        self.e_rnn, self.d_rnn, self.attention, self.d_output = e_rnn, d_rnn, attention, d_output
        self.layers = (e_rnn, d_rnn, attention, d_output)  # get_weights() order, as Keras's
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
        attention: str = "dot",
    ) -> AttentionSeq2SeqNet:
        """Keras's default initial weights, drawn in ``get_weights()`` order."""
        rnn = CELLS[cell]
        e_rnn = rnn.initial(enc_tokens, hidden, rng, dtype, "e_rnn")
        d_rnn = rnn.initial(dec_tokens, hidden, rng, dtype, "d_rnn")
        scorer = ATTENTIONS[attention].initial(hidden, rng, dtype)
        V, b_o = glorot_uniform((2 * hidden, dec_tokens), rng, dtype), zeros((dec_tokens,), dtype)
        return cls(e_rnn, d_rnn, scorer, Dense(V, b_o, "d_output"))

    @staticmethod
    def weight_shapes(
        enc_tokens: int,
        dec_tokens: int,
        hidden: int,
        cell: str = "simple_rnn",
        attention: str = "dot",
    ) -> list[tuple[int, ...]]:
        """The shape of every weight, in ``get_weights()`` order, without making any."""
        rnn = CELLS[cell]
        dense = [(2 * hidden, dec_tokens), (dec_tokens,)]
        shapes = [*rnn.shapes(enc_tokens, hidden), *rnn.shapes(dec_tokens, hidden)]
        return [*shapes, *ATTENTIONS[attention].shapes(hidden), *dense]

    def forward(self, ex: np.ndarray, dx: np.ndarray) -> np.ndarray:
        """Teacher forcing: ex : (N, T_e, D), dx : (N, T_d, O) -> y : (N, T_d, O)."""
        e_seq = self.e_rnn.forward(ex)  # eqs. (1)-(2); now every state is used, not only h_T
        d_seq = self.d_rnn.forward(dx, h0=self.e_rnn.state)  # eq. (3): starts from the context
        context = self.attention.forward(d_seq, e_seq)  # eqs. (A1)-(A5): one c_i per step
        return self.d_output.forward(np.concatenate([context, d_seq], axis=-1))  # eq. (A6)

    def backward(self, d_y: np.ndarray) -> None:
        """d_y : (N, T_d, O) -> every layer's ``grads``, eqs. (A7)-(A15)."""
        H = self.d_rnn.params[1].shape[0]
        d_z = self.d_output.backward(d_y)  # eq. (7), on the concatenation z_i = [c_i, q_i]
        d_context, d_seq = d_z[..., :H], d_z[..., H:]  # eq. (A7): the concatenation's halves
        d_query, d_e_seq = self.attention.backward(d_context)  # eqs. (A8)-(A14)
        _, d_state = self.d_rnn.backward(d_seq + d_query)  # eq. (A15): q_i feeds both paths
        self.e_rnn.backward(d_e_seq, dh_last=d_state)  # eq. (A15): from above at every step

    def encode(self, ex: np.ndarray) -> tuple:
        """ex : (N, T_e, D) -> (e_seq (N, T_e, H), state): what the decoder needs, as the
        Keras encoder model's outputs; state is h_T (N, H), or (h_T, c_T) for an LSTM."""
        e_seq = self.e_rnn.forward(ex)
        return e_seq, self.e_rnn.state

    def predict(self, ex: np.ndarray, steps: int) -> np.ndarray:
        """Free running, ``predict_with_attention`` without the weights: (N, steps, O)."""
        return self.predict_with_attention(ex, steps)[0]

    def predict_with_attention(self, ex: np.ndarray, steps: int) -> tuple:
        """Free running: ex : (N, T_e, D) -> y (N, steps, O) and the attention weights
        (N, steps, T_e).  Each step runs the same layers as ``forward`` on one step."""
        e_seq, state = self.encode(ex)
        y = np.zeros((ex.shape[0], 1, self.d_output.params[1].shape[0]), ex.dtype)
        ys, weights = [], []
        for _ in range(steps):
            d_seq = self.d_rnn.forward(y, h0=state)  # eqs. (1)-(2), one step
            state = self.d_rnn.state
            context = self.attention.forward(d_seq, e_seq)  # eqs. (A1)-(A5)
            y = self.d_output.forward(np.concatenate([context, d_seq], axis=-1))  # eq. (A6)
            ys.append(y)  # fed back as the next input
            weights.append(self.attention.attention_weights)
        return np.concatenate(ys, axis=1), np.concatenate(weights, axis=1)


def initial_net(
    enc_tokens: int,
    dec_tokens: int,
    hidden: int,
    rng: np.random.Generator,
    dtype,
    cell: str = "simple_rnn",
    attention: str | None = None,
) -> Seq2SeqNet:
    """A ``Seq2SeqNet`` (``attention=None``: the seed's model) or an ``AttentionSeq2SeqNet``."""
    if attention is None:
        return Seq2SeqNet.initial(enc_tokens, dec_tokens, hidden, rng, dtype, cell)
    return AttentionSeq2SeqNet.initial(enc_tokens, dec_tokens, hidden, rng, dtype, cell, attention)


def weight_shapes(
    enc_tokens: int,
    dec_tokens: int,
    hidden: int,
    cell: str = "simple_rnn",
    attention: str | None = None,
) -> list[tuple[int, ...]]:
    """The shape of every weight of ``initial_net(...)``, in ``get_weights()`` order."""
    if attention is None:
        return Seq2SeqNet.weight_shapes(enc_tokens, dec_tokens, hidden, cell)
    return AttentionSeq2SeqNet.weight_shapes(enc_tokens, dec_tokens, hidden, cell, attention)
