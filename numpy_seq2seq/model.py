"""Seq2Seq: encoder SimpleRNN -> context -> decoder SimpleRNN -> Dense.

The seed's ``model_train`` in NumPy.  The encoder's final state (the
*context*) is the decoder's initial state, and that is the only link between
the two halves: in the forward pass (eq. (3) of ``docs/bptt.md``) and in the
backward pass (eq. (13)).
"""

from __future__ import annotations

import os

import numpy as np
from numpy.typing import ArrayLike

from . import initializers
from .layers import Dense, SimpleRNN
from .losses import mse
from .optimizers import Adam
from .training import History, fit
from .validation import (
    as_array,
    check_float_dtype,
    check_int,
    check_sequences,
    check_windows,
)

#: The Keras names of the 8 weights, in ``model_train.get_weights()`` order.
WEIGHT_NAMES = (
    ("e_rnn", "kernel"),
    ("e_rnn", "recurrent_kernel"),
    ("e_rnn", "bias"),
    ("d_rnn", "kernel"),
    ("d_rnn", "recurrent_kernel"),
    ("d_rnn", "bias"),
    ("d_output", "kernel"),
    ("d_output", "bias"),
)


class Seq2Seq:
    """The seed's encoder-decoder, with hand-written BPTT.

    Parameters
    ----------
    enc_tokens : int
        Features per encoder step (the seed's ``NUM_ENC_TOKENS = 1``).
    dec_tokens : int
        Features per decoder step and per output (``NUM_DEC_TOKENS = 1``).
    hidden : int
        State size of both RNNs (``NUM_HIDDEN_PARAMS = 10``).
    dtype : "float32" or "float64"
        float32 is Keras's default; float64 is for gradient checks.
    seed : int or None
        Seeds the initial weights (Keras's default initialisers).
    """

    def __init__(
        self,
        enc_tokens: int = 1,
        dec_tokens: int = 1,
        hidden: int = 10,
        dtype: str = "float32",
        seed: int | None = None,
    ) -> None:
        self.enc_tokens = check_int("enc_tokens", enc_tokens, 1)
        self.dec_tokens = check_int("dec_tokens", dec_tokens, 1)
        self.hidden = check_int("hidden", hidden, 1)
        self.dtype = check_float_dtype("dtype", dtype)
        if seed is not None:
            check_int("seed", seed, 0)
        rng = np.random.default_rng(seed)
        h, dt = self.hidden, self.dtype
        self.e_rnn = SimpleRNN(
            initializers.glorot_uniform((self.enc_tokens, h), rng, dt),
            initializers.orthogonal((h, h), rng, dt),
            initializers.zeros((h,), dt),
            name="e_rnn",
        )
        self.d_rnn = SimpleRNN(
            initializers.glorot_uniform((self.dec_tokens, h), rng, dt),
            initializers.orthogonal((h, h), rng, dt),
            initializers.zeros((h,), dt),
            name="d_rnn",
        )
        self.d_output = Dense(
            initializers.glorot_uniform((h, self.dec_tokens), rng, dt),
            initializers.zeros((self.dec_tokens,), dt),
            name="d_output",
        )
        self.layers = (self.e_rnn, self.d_rnn, self.d_output)
        self.optimizer = None  # set by fit(), as compile(optimizer='adam') would

    def __repr__(self) -> str:
        return (
            f"Seq2Seq(enc_tokens={self.enc_tokens}, dec_tokens={self.dec_tokens}, "
            f"hidden={self.hidden}, dtype='{self.dtype.name}')"
        )

    # -- weights -------------------------------------------------------------
    @property
    def params(self) -> list[np.ndarray]:
        """The 8 weight arrays themselves (not copies), in ``get_weights()`` order."""
        return [p for layer in self.layers for p in layer.params]

    @property
    def grads(self) -> list[np.ndarray]:
        """The layers' gradient buffers, in the same order as ``params``."""
        return [g for layer in self.layers for g in layer.grads]

    def weight_shapes(self) -> list[tuple[int, ...]]:
        """Expected shape of each of the 8 weights."""
        return [p.shape for p in self.params]

    def count_params(self) -> int:
        """251 for the seed's model, as ``model_train.summary()`` reports."""
        return sum(p.size for p in self.params)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the 8 weights, in the order of the seed's ``model_train.get_weights()``."""
        return [p.copy() for p in self.params]

    def set_weights(self, weights: list[ArrayLike] | tuple[ArrayLike, ...]) -> None:
        """Load 8 arrays (e.g. from Keras's ``model_train.get_weights()``).

        Every shape is checked before anything is written, so a bad list
        leaves the model as it was.
        """
        weights = list(weights) if isinstance(weights, (list, tuple)) else weights
        if not isinstance(weights, list):
            raise TypeError(f"weights must be a list of 8 arrays; got {type(weights).__name__}")
        if len(weights) != len(WEIGHT_NAMES):
            raise ValueError(
                f"weights must be a list of {len(WEIGHT_NAMES)} arrays "
                f"(e_rnn, d_rnn, d_output); got {len(weights)}"
            )
        checked = []
        for (layer, name), p, w in zip(WEIGHT_NAMES, self.params, weights):
            arr = check_weight(f"{layer} {name}", w, p.shape, self.dtype)
            checked.append(arr)
        for p, w in zip(self.params, checked):
            p[...] = w

    # -- the math ------------------------------------------------------------
    def _forward(self, ex: np.ndarray, dx: np.ndarray) -> np.ndarray:
        context = self.e_rnn.forward(ex)[:, -1]  # eq. (3): c = h_T of the encoder
        hs = self.d_rnn.forward(dx, h0=context)  # teacher forcing: dx is the true y shifted
        return self.d_output.forward(hs)  # eq. (4)

    def _loss_and_grads(self, ex: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> float:
        """Forward, loss and backward; leaves the gradients in ``self.grads``."""
        y = self._forward(ex, dx)
        loss, d_y = mse(y, dy)  # eqs. (5), (6)
        d_hs = self.d_output.backward(d_y)  # eq. (7)
        _, d_context = self.d_rnn.backward(d_hs)  # eqs. (8)-(12)
        # eq. (13): the encoder's only gradient is d_context, on its final state
        self.e_rnn.backward(None, dh_last=d_context)
        return loss

    def _loss_only(self, ex: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> float:
        """The loss without the backward pass, e.g. for ``val_loss``."""
        return mse(self._forward(ex, dx), dy)[0]

    def _encode(self, ex: np.ndarray) -> np.ndarray:
        """ex : (N, T, enc_tokens) -> the context c : (N, H), eq. (3), keeping no cache."""
        h = np.zeros((ex.shape[0], self.hidden), dtype=self.dtype)
        a = self.e_rnn.project(ex.transpose(1, 0, 2))  # eq. (1)
        for a_t in a:
            h = self.e_rnn.step(a_t, h)  # eq. (2)
        return h

    def _predict(self, ex: np.ndarray, steps: int) -> np.ndarray:
        """The seed's inference loop, for all windows at once.

        ex : (N, T, enc_tokens) -> (N, steps, dec_tokens).  The decoder's input
        at step 1 is zero, then each step's output.
        """
        h = self._encode(ex)
        y = np.zeros((ex.shape[0], self.dec_tokens), dtype=self.dtype)  # the start input
        out = np.empty((ex.shape[0], steps, self.dec_tokens), dtype=self.dtype)
        for t in range(steps):
            h = self.d_rnn.step(self.d_rnn.project(y), h)  # eqs. (1), (2), one step
            y = self.d_output(h)  # eq. (4)
            out[:, t] = y  # ...and y is fed back as the next input
        return out

    # -- the public interface -------------------------------------------------
    def _check_ex(self, ex) -> np.ndarray:
        return check_sequences("ex", ex, self.enc_tokens, "enc_tokens", self.dtype)

    def _check_dec(self, name: str, arr) -> np.ndarray:
        return check_sequences(name, arr, self.dec_tokens, "dec_tokens", self.dtype)

    def check_data(
        self, ex: ArrayLike, dx: ArrayLike, dy: ArrayLike | None = None
    ) -> tuple[np.ndarray, ...]:
        """Validate ``ex``, ``dx`` (and ``dy``) and cast them to the model's dtype.

        Checks rank, shape, token counts, dtype and finiteness of each, then that
        all hold the same N and that ``dx`` and ``dy`` hold the same T.
        """
        arrays = [self._check_ex(ex), self._check_dec("dx", dx)]
        if dy is not None:
            arrays.append(self._check_dec("dy", dy))
        check_windows(*arrays)
        return tuple(arrays)

    def forward(self, ex: ArrayLike, dx: ArrayLike) -> np.ndarray:
        """Teacher-forced outputs, as ``model_train.predict([ex, dx])``.

        ex : (N, T, enc_tokens), dx : (N, T, dec_tokens) -> y : (N, T, dec_tokens),
        a new array (``d_output`` caches its input, not this output).
        """
        return self._forward(*self.check_data(ex, dx))

    def encode(self, ex: ArrayLike) -> np.ndarray:
        """The context, as ``model_pred_e.predict(ex)``: ex : (N, T, enc_tokens) -> (N, hidden)."""
        return self._encode(self._check_ex(ex))

    def predict(self, ex: ArrayLike, steps: int | None = None) -> np.ndarray:
        """Autoregressive outputs, as the seed's ``predict()`` for every window at once.

        Encode ``ex``, start the decoder from a zero input, and feed each
        output back as the next input.  ex : (N, T, enc_tokens) ->
        (N, steps, dec_tokens); ``steps`` defaults to T.
        """
        ex = self._check_ex(ex)
        steps = ex.shape[1] if steps is None else check_int("steps", steps, 1)
        return self._predict(ex, steps)

    def loss_and_grads(
        self, ex: ArrayLike, dx: ArrayLike, dy: ArrayLike
    ) -> tuple[float, list[np.ndarray]]:
        """The MSE on one batch and its gradient for each of the 8 weights.

        ex : (N, T, enc_tokens), dx, dy : (N, T, dec_tokens).  Returns
        ``(loss, grads)``; grads are copies, in ``get_weights()`` order.
        """
        loss = self._loss_and_grads(*self.check_data(ex, dx, dy))
        return loss, [g.copy() for g in self.grads]

    def fit(
        self,
        x: list[ArrayLike] | tuple[ArrayLike, ArrayLike],
        y: ArrayLike,
        batch_size: int = 16,
        epochs: int = 80,
        validation_split: float = 0.2,
        shuffle: bool = True,
        verbose: int = 0,
        seed: int | None = None,
        optimizer: Adam | None = None,
    ) -> History:
        """Train as ``model_train.fit([ex, dx], dy, ...)`` does; see ``training.fit``."""
        return fit(
            self,
            x,
            y,
            batch_size=batch_size,
            epochs=epochs,
            validation_split=validation_split,
            shuffle=shuffle,
            verbose=verbose,
            seed=seed,
            optimizer=optimizer,
        )

    def save(self, path: str | os.PathLike) -> None:
        """Write the configuration and weights to an ``.npz`` file; see ``io.save``."""
        from .io import save

        save(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Seq2Seq:
        """Read a model written by ``save``; see ``io.load``."""
        from .io import load

        return load(path)


def check_weight(
    label: str, value: ArrayLike, shape: tuple[int, ...], dtype: np.dtype
) -> np.ndarray:
    """One weight array of the expected shape, finite, cast to ``dtype``."""
    arr = as_array(label, value, dtype)
    if arr.shape != tuple(shape):
        raise ValueError(f"{label}: expected {tuple(shape)}, got {arr.shape}")
    return arr
