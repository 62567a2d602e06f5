"""``fit``: the training loop, with the semantics of Keras's ``Model.fit``.

The model owns the math (``_loss_and_grads``), the optimizer owns its
moments, and ``fit`` owns everything else:

1. ``validation_split``: the *last* windows become validation data, before
   any shuffling.  Keras keeps ``floor(N * (1 - validation_split))`` windows
   for training (``keras/src/trainers/data_adapters/array_slicing.py``,
   ``train_validation_split``): 60 of the seed's 76, so 16 validate.
2. ``shuffle=True`` permutes the training windows afresh every epoch.
3. Batches run in order; the last one may be smaller.
4. ``history['loss']`` is the mean of the per-batch losses weighted by batch
   size, each loss computed *before* its batch's update.
5. ``history['val_loss']`` is computed on the validation windows after the
   epoch's last update, in batches of ``batch_size`` and weighted the same
   way, as Keras's ``evaluate`` does (``validation_batch_size`` defaults to
   ``batch_size``).  This keeps the memory of a large validation set to one
   batch's.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from .optimizers import Adam
from .validation import check_bool, check_fraction, check_int

if TYPE_CHECKING:
    from .model import Seq2Seq

#: ``(ex, dx, dy)``: (N, T, enc_tokens), (N, T, dec_tokens), (N, T, dec_tokens).
Windows = tuple[np.ndarray, np.ndarray, np.ndarray]


class DivergenceError(FloatingPointError):
    """Training produced a NaN or inf loss, gradient or weight.

    The model keeps its last finite weights: those from before the failing
    batch (and Adam its moments from then too).  A ``FloatingPointError``,
    like NumPy's own under ``np.seterr(all="raise")``, and not a
    ``ValueError``: the arguments passed every check; the arithmetic ran away
    (usually a learning rate or data too large).

    Attributes: ``epoch`` and ``batch`` (counted from 1; ``batch`` is None
    when it was ``val_loss``), and ``history``, the epochs that completed.
    """

    def __init__(
        self,
        message: str,
        epoch: int | None = None,
        batch: int | None = None,
        history: History | None = None,
    ) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.batch = batch
        self.history = history


class History:
    """What ``fit`` returns, like Keras's ``History`` callback.

    ``history`` maps ``'loss'`` (and ``'val_loss'`` when there is a
    validation split) to one float per epoch; ``epoch`` lists the epochs run.
    """

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.history: dict[str, list[float]] = {k: [] for k in keys}
        self.epoch: list[int] = []

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


def split_windows(n: int, validation_split: float) -> int:
    """How many of ``n`` windows train; the rest (the last ones) validate."""
    n_train = math.floor(n * (1.0 - validation_split))
    if validation_split > 0 and not 1 <= n_train < n:
        raise ValueError(
            f"validation_split={validation_split} must leave at least one training and "
            f"one validation window; got {n} window(s), which split into {n_train} for "
            f"training and {n - n_train} for validation"
        )
    return n_train


def fit(
    model: Seq2Seq,
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
    """Train ``model`` on ``x = [ex, dx]`` and ``y = dy``.

    ex : (N, T, enc_tokens), dx, dy : (N, T, dec_tokens).  ``optimizer``
    replaces the model's optimizer; by default the model keeps one ``Adam()``
    across calls, as a compiled Keras model does.  ``seed`` seeds the
    shuffling.  ``verbose=1`` prints one line per epoch.

    Every argument is checked first (``ValueError``/``TypeError``), so a
    call that fails a check changes nothing: not the weights, not the optimizer.

    If a loss, gradient or updated weight becomes NaN or inf, ``fit`` raises
    ``DivergenceError`` naming the epoch and the batch; that batch's update
    is undone, so the model keeps its last finite weights.  If ``val_loss``
    is NaN or inf, ``fit`` stops after that epoch's training, with the same error.
    """
    ex, dx, dy = _check_xy(model, x, y)
    batch_size = check_int("batch_size", batch_size, 1)
    epochs = check_int("epochs", epochs, 0)
    validation_split = check_fraction("validation_split", validation_split)
    shuffle = check_bool("shuffle", shuffle)
    verbose = check_int("verbose", verbose, 0)
    if seed is not None:
        check_int("seed", seed, 0)
    if optimizer is not None and not isinstance(optimizer, Adam):
        raise TypeError(f"optimizer must be an Adam instance or None; got {optimizer!r}")
    n_train = split_windows(len(ex), validation_split)

    # Every check has passed; from here on fit may change the model.
    if optimizer is not None or model.optimizer is None:
        model.optimizer = optimizer or Adam()
    train = (ex[:n_train], dx[:n_train], dy[:n_train])
    val = (ex[n_train:], dx[n_train:], dy[n_train:]) if validation_split > 0 else None
    history = History(("loss", "val_loss") if val else ("loss",))
    for epoch, order in enumerate(epoch_orders(n_train, epochs, shuffle, seed)):
        start = time.perf_counter()
        try:
            loss = run_epoch(model, train, order, batch_size, epoch)
        except DivergenceError as err:
            err.history = history  # the completed epochs are not lost
            raise
        if val:
            val_loss = evaluate(model, val, batch_size)
            if not math.isfinite(val_loss):
                raise DivergenceError(
                    f"training diverged at epoch {epoch + 1}: val_loss is {val_loss} although "
                    "every training batch was finite. The model keeps the weights after this "
                    "epoch; are the validation windows scaled like the training ones?",
                    epoch + 1,
                    None,
                    history,
                )
            history.history["val_loss"].append(val_loss)
        history.history["loss"].append(loss)
        history.epoch.append(epoch)
        if verbose:
            _print_epoch(history, epoch, epochs, time.perf_counter() - start)
    return history


def epoch_orders(
    n_train: int, epochs: int, shuffle: bool, seed: int | None
) -> Iterator[np.ndarray]:
    """The order in which each epoch visits the training windows.

    Yields one (n_train,) index array per epoch: a fresh permutation from
    ``np.random.default_rng(seed)`` when ``shuffle``, else ``0..n_train-1``.
    Scripts use this to replay NumPy's exact batch order in Keras.
    """
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        yield rng.permutation(n_train) if shuffle else np.arange(n_train)


def batches(order: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Split a permutation of window indices into consecutive batches."""
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def run_epoch(
    model: Seq2Seq, train: Windows, order: np.ndarray, batch_size: int, epoch: int
) -> float:
    """One pass over the training windows; returns the batch-size-weighted mean loss.

    Raises ``DivergenceError`` if a batch's loss or updated weights are NaN or
    inf, with the model and optimizer as they were before that batch.  (A NaN
    or inf gradient always makes the Adam update, and so the weights, NaN.)
    """
    ex, dx, dy = train
    params, optimizer = model.params, model.optimizer
    total, seen = 0.0, 0
    for b, idx in enumerate(batches(order, batch_size)):
        try:
            loss = model._loss_and_grads(ex[idx], dx[idx], dy[idx])
        except FloatingPointError as err:  # only under np.seterr(...="raise")
            raise _diverged(epoch, b, f"NumPy raised {err}") from err
        if not math.isfinite(loss):
            raise _diverged(epoch, b, f"the loss is {loss}")
        saved = _snapshot(params, optimizer)
        try:
            optimizer.apply(params, model.grads)
        except FloatingPointError as err:
            _restore(params, optimizer, saved)
            raise _diverged(epoch, b, f"NumPy raised {err}") from err
        except BaseException:  # e.g. Ctrl-C: never leave half-updated weights behind
            _restore(params, optimizer, saved)
            raise
        if not math.isfinite(sum(float(p.sum()) for p in params)):
            what = _non_finite_update(model)
            _restore(params, optimizer, saved)
            raise _diverged(epoch, b, what)
        total += loss * len(idx)  # weighted by batch size, as Keras's loss tracker
        seen += len(idx)
    return total / seen


def evaluate(model: Seq2Seq, data: Windows, batch_size: int) -> float:
    """The batch-size-weighted mean loss over ``data = (ex, dx, dy)``, in order."""
    ex, dx, dy = data
    total = 0.0
    for idx in batches(np.arange(len(ex)), batch_size):
        total += model._loss_only(ex[idx], dx[idx], dy[idx]) * len(idx)
    return total / len(ex)


def _snapshot(params: list[np.ndarray], optimizer: Adam) -> tuple:
    """Copies of the weights and of Adam's state, to undo one update."""
    moments = None if optimizer.m is None else [a.copy() for a in optimizer.m + optimizer.v]
    return [p.copy() for p in params], moments, optimizer.iterations


def _restore(params: list[np.ndarray], optimizer: Adam, saved: tuple) -> None:
    weights, moments, iterations = saved
    for p, w in zip(params, weights):
        p[...] = w  # in place: the layers hold these very arrays
    if moments is None:
        optimizer.m = optimizer.v = None
    else:
        for a, w in zip(optimizer.m + optimizer.v, moments):
            a[...] = w
    optimizer.iterations = iterations


def _non_finite_update(model: Seq2Seq) -> str:
    """Which gradient, or else which updated weight, is NaN or inf."""
    from .model import WEIGHT_NAMES

    for (layer, name), g in zip(WEIGHT_NAMES, model.grads):
        if not np.all(np.isfinite(g)):
            return f"the gradient of {layer} {name} is NaN or inf"
    for (layer, name), p in zip(WEIGHT_NAMES, model.params):
        if not np.all(np.isfinite(p)):
            return f"the Adam update made {layer} {name} NaN or inf"
    # Every weight is finite, yet their sum overflowed: they are near the dtype's limit.
    biggest = max(float(np.max(np.abs(p))) for p in model.params)
    return f"the Adam update made the weights too large to compute with (up to {biggest:g})"


def _diverged(epoch: int, b: int, what: str) -> DivergenceError:
    return DivergenceError(
        f"training diverged at epoch {epoch + 1}, batch {b + 1}: {what}. The model keeps "
        "its weights from before this batch; try a smaller learning_rate, or scale the data "
        "to about [-1, 1].",
        epoch + 1,
        b + 1,
    )


def _check_xy(model: Seq2Seq, x: Sequence[ArrayLike], y: ArrayLike) -> Windows:
    if not isinstance(x, (list, tuple)) or len(x) != 2:
        raise TypeError(
            f"x must be the list [ex, dx], as in model_train.fit([ex, dx], dy); "
            f"got {type(x).__name__}"
            + (f" of length {len(x)}" if isinstance(x, (list, tuple)) else "")
        )
    return model.check_data(x[0], x[1], y)


def _print_epoch(history: History, epoch: int, epochs: int, seconds: float) -> None:
    parts = [f"Epoch {epoch + 1}/{epochs}", f"{seconds * 1000:.0f}ms"]
    parts += [f"{k}: {v[-1]:.4f}" for k, v in history.history.items()]
    print(" - ".join(parts), file=sys.stdout, flush=True)
