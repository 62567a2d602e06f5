"""``Seq2Seq``: the seed's model as a tool -- checked input, ``fit``, save and load.

The math lives in ``core/`` (``Seq2SeqNet`` and its layers).  This class
wraps it the way Keras's ``Model`` wraps layers: every public method checks
its arguments first (a failed call changes nothing), and ``fit`` runs the
training loop with Keras's semantics, guarding each update:

1. ``validation_split``: the *last* windows validate, before any shuffling.
   Keras keeps ``floor(N * (1 - validation_split))`` windows for training
   (``keras/src/trainers/data_adapters/array_slicing.py``): 60 of the seed's 76.
2. ``shuffle=True`` permutes the training windows afresh every epoch.
3. Batches run in order; the last one may be smaller.
4. ``loss`` is the batch-size-weighted mean of the batches' losses, each taken
   *before* its batch's update; ``val_loss`` is taken after the epoch's last
   update, in batches of ``batch_size``, as Keras's ``evaluate`` does.
5. An update is written only when it is finite; otherwise ``DivergenceError``
   names the epoch and the batch, and the model keeps its weights from before it.
6. ``seed`` seeds the shuffling; ``verbose=1`` prints a line per epoch; ``optimizer``
   replaces the model's Adam, which otherwise lives across calls, as a compiled model's.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator, Sequence

import numpy as np
from numpy.typing import ArrayLike

from . import io
from .core.adam import Adam
from .core.attention import ATTENTIONS
from .core.seq2seq import CELLS, WEIGHT_NAMES, initial_net, mse, weight_names, weight_shapes
from .validation import (
    as_array,
    check_bool,
    check_choice,
    check_float_dtype,
    check_fraction,
    check_int,
    check_optional_choice,
    check_sequences,
    check_windows,
)

__all__ = ["WEIGHT_NAMES", "DivergenceError", "History", "Seq2Seq", "epoch_orders"]


class DivergenceError(FloatingPointError):
    """Training produced a NaN or inf loss, gradient or weight.

    The model keeps its weights (and Adam its moments) from before the failing
    batch.  A ``FloatingPointError`` and not a ``ValueError``: the arguments
    passed every check; the arithmetic ran away.  ``epoch`` and ``batch``
    count from 1 (``batch`` is None for ``val_loss``); ``history`` holds the
    epochs that completed.
    """

    def __init__(
        self, message: str, epoch: int, batch: int | None, history: History | None = None
    ) -> None:
        super().__init__(message)
        self.epoch, self.batch, self.history = epoch, batch, history


class History:
    """What ``fit`` returns, like Keras's ``History``: ``history['loss']`` (and
    ``'val_loss'``), one float per epoch, and ``epoch``, the epochs run."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.history: dict[str, list[float]] = {k: [] for k in keys}
        self.epoch: list[int] = []

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


class Seq2Seq:
    """The seed's encoder-decoder, with hand-written BPTT.

    enc_tokens, dec_tokens : features per encoder / decoder step (the seed's 1 and 1).
    hidden : state size of both RNNs (``NUM_HIDDEN_PARAMS = 10``).
    dtype : ``"float32"`` (Keras's default) or ``"float64"`` (for gradient checks).
    seed : seeds the initial weights (Keras's default initialisers, NumPy's stream).
    cell : the recurrent layer of both halves, a name in ``core.seq2seq.CELLS``.
    attention : None (the seed's model: only the context links encoder and decoder), or
    ``"dot"``, ``"general"`` or ``"additive"`` (``core.attention.ATTENTIONS``): the
    decoder also attends to every encoder state (``docs/attention.md``).
    """

    def __init__(
        self,
        enc_tokens: int = 1,
        dec_tokens: int = 1,
        hidden: int = 10,
        dtype: str = "float32",
        seed: int | None = None,
        cell: str = "simple_rnn",
        attention: str | None = None,
    ) -> None:
        self.enc_tokens = check_int("enc_tokens", enc_tokens, 1)
        self.dec_tokens = check_int("dec_tokens", dec_tokens, 1)
        self.hidden = check_int("hidden", hidden, 1)
        self.dtype = check_float_dtype("dtype", dtype)
        self.cell = check_choice("cell", cell, CELLS)
        self.attention = check_optional_choice("attention", attention, ATTENTIONS)
        if seed is not None:
            check_int("seed", seed, 0)
        rng = np.random.default_rng(seed)
        self.net = initial_net(
            self.enc_tokens,
            self.dec_tokens,
            self.hidden,
            rng,
            self.dtype,
            self.cell,
            self.attention,
        )
        self.e_rnn, self.d_rnn, self.d_output = self.net.e_rnn, self.net.d_rnn, self.net.d_output
        #: The (layer, weight) Keras names of ``params``, in ``get_weights()`` order.
        self.weight_names = weight_names(self.attention)
        self.optimizer: Adam | None = None  # made by the first fit, as compile('adam') does

    def __repr__(self) -> str:
        cell = "" if self.cell == "simple_rnn" else f", cell='{self.cell}'"
        attention = "" if self.attention is None else f", attention='{self.attention}'"
        return (
            f"Seq2Seq(enc_tokens={self.enc_tokens}, dec_tokens={self.dec_tokens}, "
            f"hidden={self.hidden}, dtype='{self.dtype.name}'{cell}{attention})"
        )

    # -- weights -------------------------------------------------------------
    @property
    def params(self) -> list[np.ndarray]:
        """The weight arrays themselves (not copies), in ``get_weights()`` order."""
        return self.net.params

    @property
    def grads(self) -> list[np.ndarray]:
        """The layers' gradient arrays, in the same order as ``params``."""
        return self.net.grads

    def count_params(self) -> int:
        """251 for the seed's model, as ``model_train.summary()`` reports."""
        return sum(p.size for p in self.params)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights, in the order of the seed's ``model_train.get_weights()``."""
        return [p.copy() for p in self.params]

    def set_weights(self, weights: Sequence[ArrayLike]) -> None:
        """Load arrays in ``get_weights()`` order (e.g. Keras's ``model_train.get_weights()``).

        Every array is checked before anything is written, so a bad list
        leaves the model as it was.
        """
        names = self.weight_names
        if not isinstance(weights, (list, tuple)):
            got = type(weights).__name__
            raise TypeError(f"weights must be a list of {len(names)} arrays; got {got}")
        if len(weights) != len(names):
            layers = ", ".join(dict.fromkeys(layer for layer, _ in names))
            raise ValueError(
                f"weights must be a list of {len(names)} arrays ({layers}); got {len(weights)}"
            )
        checked = []
        for (layer, name), p, w in zip(names, self.params, weights):
            arr = as_array(f"{layer} {name}", w, self.dtype)
            if arr.shape != p.shape:
                raise ValueError(f"{layer} {name}: expected {p.shape}, got {arr.shape}")
            checked.append(arr)
        for p, w in zip(self.params, checked):
            p[...] = w

    # -- the math, behind checked input ---------------------------------------
    def check_data(self, ex: ArrayLike, dx: ArrayLike, dy: ArrayLike | None = None) -> tuple:
        """``ex``, ``dx`` (and ``dy``) checked and cast to the model's dtype."""
        arrays = [check_sequences("ex", ex, self.enc_tokens, "enc_tokens", self.dtype)]
        for name, arr in (("dx", dx), ("dy", dy))[: 1 if dy is None else 2]:
            arrays.append(check_sequences(name, arr, self.dec_tokens, "dec_tokens", self.dtype))
        check_windows(*arrays)
        return tuple(arrays)

    def forward(self, ex: ArrayLike, dx: ArrayLike) -> np.ndarray:
        """Teacher-forced outputs, as ``model_train.predict([ex, dx])``.

        ex : (N, T_e, enc_tokens), dx : (N, T, dec_tokens) -> y : (N, T, dec_tokens).
        """
        return self.net.forward(*self.check_data(ex, dx))

    def encode(self, ex: ArrayLike) -> np.ndarray | tuple:
        """The context, as ``model_pred_e.predict(ex)``: (N, T_e, enc_tokens) -> the encoder's
        final state (N, hidden), or for ``cell="lstm"`` the pair (h_T, c_T) of (N, hidden).

        With attention, what the decoder needs, as the Keras encoder model returns it:
        the pair (e_seq (N, T_e, hidden), state), the state as above.
        """
        return self.net.encode(check_sequences("ex", ex, self.enc_tokens, "enc_tokens", self.dtype))

    def predict(
        self, ex: ArrayLike, steps: int | None = None, return_attention: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Free-running outputs, as the seed's ``predict()`` for every window at once.

        ex : (N, T_e, enc_tokens) -> (N, steps, dec_tokens); ``steps`` defaults to T_e.
        ``return_attention=True`` (a model with attention only) also returns the
        attention weights (N, steps, T_e): row i, how decoder step i weighed each encoder step.
        """
        ex = check_sequences("ex", ex, self.enc_tokens, "enc_tokens", self.dtype)
        steps = ex.shape[1] if steps is None else check_int("steps", steps, 1)
        if check_bool("return_attention", return_attention):
            if self.attention is None:
                raise ValueError(
                    "return_attention=True needs a model with attention "
                    "(Seq2Seq(attention='dot', 'general' or 'additive')); this one has none"
                )
            return self.net.predict_with_attention(ex, steps)
        return self.net.predict(ex, steps)

    def loss_and_grads(
        self, ex: ArrayLike, dx: ArrayLike, dy: ArrayLike
    ) -> tuple[float, list[np.ndarray]]:
        """The MSE on one batch and copies of its gradients, in ``get_weights()`` order."""
        loss = self.net.loss_and_grads(*self.check_data(ex, dx, dy))
        return loss, [g.copy() for g in self.grads]

    # -- training ------------------------------------------------------------
    def fit(
        self,
        x: Sequence[ArrayLike],
        y: ArrayLike,
        batch_size: int = 16,
        epochs: int = 80,
        validation_split: float = 0.2,
        shuffle: bool = True,
        verbose: int = 0,
        seed: int | None = None,
        optimizer: Adam | None = None,
    ) -> History:
        """Train as ``model_train.fit([ex, dx], dy, ...)`` does; the module docstring says how."""
        ex, dx, dy = self.check_data(*_as_pair(x), y)
        batch_size, epochs = check_int("batch_size", batch_size, 1), check_int("epochs", epochs, 0)
        n = split_windows(len(ex), check_fraction("validation_split", validation_split))
        shuffle, verbose = check_bool("shuffle", shuffle), check_int("verbose", verbose, 0)
        seed = seed if seed is None else check_int("seed", seed, 0)
        if optimizer is not None and not isinstance(optimizer, Adam):
            raise TypeError(f"optimizer must be an Adam instance or None; got {optimizer!r}")
        self.optimizer = optimizer or self.optimizer or Adam()  # Keras: compile(optimizer='adam')
        history = History(("loss", "val_loss") if n < len(ex) else ("loss",))
        for epoch, order in enumerate(epoch_orders(n, epochs, shuffle, seed)):
            start, total = time.perf_counter(), 0.0
            for b, idx in enumerate(batches(order, batch_size)):
                total += self._train_step(ex[idx], dx[idx], dy[idx], (epoch, b, history)) * len(idx)
            if n < len(ex):
                self._validate(ex[n:], dx[n:], dy[n:], batch_size, (epoch, history))
            history.history["loss"].append(total / n)
            history.epoch.append(epoch)
            if verbose:
                _print_epoch(history, epochs, time.perf_counter() - start)
        return history

    def _train_step(self, ex, dx, dy, where: tuple) -> float:
        """One batch: the core's math, then Adam's step, written only if it is finite."""
        try:
            loss = self.net.loss_and_grads(ex, dx, dy)  # forward, loss, backward
            step = self.optimizer.update(self.net.params, self.net.grads)  # nothing written yet
        except FloatingPointError as err:  # only under np.seterr(...="raise")
            raise _diverged(*where, f"NumPy raised {err}") from err
        if not (math.isfinite(loss) and all(np.isfinite(p).all() for p in step.params)):
            raise _diverged(*where, self._what_is_not_finite(loss, step.params))
        try:
            self.optimizer.commit(self.net.params, step)
        except BaseException:  # Ctrl-C mid-write: finish the write, never leave half of it
            self.optimizer.commit(self.net.params, step)
            raise
        return loss

    def _what_is_not_finite(self, loss: float, new_params: list) -> str:
        """Which of the loss, a gradient or an updated weight is NaN or inf, in words."""
        if not math.isfinite(loss):
            return f"the loss is {loss}"
        for (layer, name), g in zip(self.weight_names, self.net.grads):
            if not np.isfinite(g).all():
                return f"the gradient of {layer} {name} is NaN or inf"
        for (layer, name), p in zip(self.weight_names, new_params):
            if not np.isfinite(p).all():
                return f"the Adam update made {layer} {name} NaN or inf"
        return "a value is NaN or inf"

    def _validate(self, ex, dx, dy, batch_size: int, where: tuple) -> None:
        """Record val_loss: the batch-size-weighted mean loss over ``(ex, dx, dy)``, in order."""
        total = sum(
            mse(self.net.forward(ex[i], dx[i]), dy[i])[0] * len(i)
            for i in batches(np.arange(len(ex)), batch_size)
        )
        if not math.isfinite(total):
            raise _val_diverged(*where, total / len(ex))
        where[1].history["val_loss"].append(total / len(ex))

    # -- files ---------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """Write the configuration and weights to an ``.npz`` file, atomically (``io.save``)."""
        config = {"cell": self.cell, "dtype": self.dtype.name}
        config.update(enc_tokens=self.enc_tokens, dec_tokens=self.dec_tokens, hidden=self.hidden)
        if self.attention is not None:  # a model without attention writes today's format
            config["attention"] = self.attention
        io.save(path, config, dict(zip(io.weight_keys(self.weight_names), self.get_weights())))

    @classmethod
    def load(cls, path: str | os.PathLike) -> Seq2Seq:
        """Read a model written by ``save``; anything wrong is a ``ValueError`` naming the file."""
        config, weights = io.read(path, _stored_weight_keys)
        try:
            _check_stored_weights(config, weights)  # before building: hidden=10**9 fails here
            model = cls(**config, seed=0)  # seeded only to skip OS entropy; overwritten next
            model.set_weights(weights)
        except (ValueError, TypeError) as err:
            raise ValueError(f"{str(path)!r} is not a valid numpy-seq2seq model: {err}") from err
        return model


def _stored_weight_keys(attention: str | None) -> list[str]:
    """The entry names of the weights of a file whose ``attention`` entry says this."""
    return io.weight_keys(weight_names(check_optional_choice("attention", attention, ATTENTIONS)))


def _check_stored_weights(config: dict, weights: list[np.ndarray]) -> None:
    """Each stored weight has the shape and dtype that the stored configuration implies."""
    e, d, h = (config[k] for k in ("enc_tokens", "dec_tokens", "hidden"))
    if min(e, d, h) < 1:
        raise ValueError(f"enc_tokens, dec_tokens and hidden must be >= 1; got {e}, {d}, {h}")
    cell, dtype = check_choice("cell", config["cell"], CELLS), config["dtype"]
    attention = check_optional_choice("attention", config.get("attention"), ATTENTIONS)
    for (layer, name), shape, w in zip(
        weight_names(attention), weight_shapes(e, d, h, cell, attention), weights
    ):
        if w.shape != shape or w.dtype != np.dtype(dtype):
            raise ValueError(
                f"{layer} {name}: expected {shape} {dtype} for enc_tokens={e}, "
                f"dec_tokens={d}, hidden={h}; got {w.shape} {w.dtype}"
            )


def _as_pair(x: Sequence[ArrayLike]) -> Sequence[ArrayLike]:
    """``fit``'s ``x``, which must be the list ``[ex, dx]``."""
    if not isinstance(x, (list, tuple)) or len(x) != 2:
        got = type(x).__name__ + (f" of length {len(x)}" if isinstance(x, (list, tuple)) else "")
        raise TypeError(f"x must be the list [ex, dx], as in fit([ex, dx], dy); got {got}")
    return x


def split_windows(n: int, validation_split: float) -> int:
    """How many of ``n`` windows train; the rest (the last ones) validate."""
    n_train = math.floor(n * (1.0 - validation_split))
    if validation_split > 0 and not 1 <= n_train < n:
        raise ValueError(_split_problem(n, n_train, validation_split))
    return n_train


def _split_problem(n: int, n_train: int, validation_split: float) -> str:
    return (
        f"validation_split={validation_split} must leave at least one training and one "
        f"validation window; got {n} window(s), which split into {n_train} for training "
        f"and {n - n_train} for validation"
    )


def epoch_orders(n: int, epochs: int, shuffle: bool, seed: int | None) -> Iterator[np.ndarray]:
    """Each epoch's order of the n training windows: a fresh permutation, or 0..n-1."""
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        yield rng.permutation(n) if shuffle else np.arange(n)


def batches(order: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Consecutive slices of ``order``, the last one possibly shorter."""
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def _diverged(epoch: int, b: int, history: History, what: str) -> DivergenceError:
    return DivergenceError(
        f"training diverged at epoch {epoch + 1}, batch {b + 1}: {what}. The model keeps "
        "its weights from before this batch; try a smaller learning_rate, or scale the data "
        "to about [-1, 1].",
        epoch + 1,
        b + 1,
        history,
    )


def _val_diverged(epoch: int, history: History, val_loss: float) -> DivergenceError:
    return DivergenceError(
        f"training diverged at epoch {epoch + 1}: val_loss is {val_loss} although every "
        "training batch was finite. The model keeps the weights after this epoch; are the "
        "validation windows scaled like the training ones?",
        epoch + 1,
        None,
        history,
    )


def _print_epoch(history: History, epochs: int, seconds: float) -> None:
    parts = [f"Epoch {len(history.epoch)}/{epochs}", f"{seconds * 1000:.0f}ms"]
    parts += [f"{k}: {v[-1]:.4f}" for k, v in history.history.items()]
    print(" - ".join(parts), flush=True)
