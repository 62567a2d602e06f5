"""``replay_fit``: Keras trains on a batch order chosen outside Keras.

``model.fit(shuffle=True)`` draws its own permutation; to compare a shuffled
NumPy run with Keras, Keras must visit the windows in NumPy's order.  This
function rebuilds the parts of ``fit`` that matter, out of Keras's own pieces:

* the split: the *last* ``N - floor(N * (1 - validation_split))`` windows
  validate, before any shuffling
  (``keras/src/trainers/data_adapters/array_slicing.py``, ``train_validation_split``);
* each batch is one ``train_on_batch`` (loss computed, then Adam's update);
* the epoch ``loss`` is the batch-size-weighted mean of those losses, kept in
  a ``keras.metrics.Mean`` of the model's dtype, as ``fit``'s loss tracker does
  (``keras/src/backend/tensorflow/trainer.py``: ``update_state(loss, sample_weight=batch)``);
* ``val_loss`` is ``model.evaluate`` on the validation windows in batches of
  ``batch_size``, after the epoch's last update, exactly the call ``fit`` makes.
"""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from .models import floatx, model_dtype


def replay_fit(
    model_train,
    ex,
    dx,
    dy,
    epoch_orders,
    batch_size: int,
    validation_split: float,
) -> dict[str, list[float]]:
    """Train ``model_train`` with ``train_on_batch``, one epoch per order in ``epoch_orders``.

    ex : (N, T, enc), dx, dy : (N, T, dec).  epoch_orders : iterable of int
    arrays, each a permutation of ``range(n_train)`` with
    ``n_train = floor(N * (1 - validation_split))``; batches are
    ``order[i:i+batch_size]``.  Returns ``{'loss': [...], 'val_loss': [...]}``
    (``val_loss`` only when ``validation_split > 0``, as Keras's History).
    """
    dtype = model_dtype(model_train)
    # fit's data adapter casts float inputs to floatx; so do we.
    ex, dx, dy = (np.asarray(a, dtype=dtype) for a in (ex, dx, dy))
    if not (ex.ndim == dx.ndim == dy.ndim == 3 and len(ex) == len(dx) == len(dy)):
        raise ValueError(
            "ex, dx, dy must be (N, T, features) arrays with the same N; "
            f"got {ex.shape}, {dx.shape}, {dy.shape}"
        )
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"batch_size must be an int; got {type(batch_size).__name__}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1; got {batch_size}")
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"validation_split must be in [0, 1); got {validation_split!r}")
    n_train = math.floor(len(ex) * (1.0 - validation_split)) if validation_split else len(ex)
    if not 1 <= n_train <= len(ex) or (validation_split and n_train == len(ex)):
        raise ValueError(
            f"validation_split={validation_split} leaves {n_train} of {len(ex)} windows "
            "for training; it must leave at least one for each side"
        )
    train = (ex[:n_train], dx[:n_train], dy[:n_train])
    val = (ex[n_train:], dx[n_train:], dy[n_train:]) if validation_split else None

    history = {"loss": [], "val_loss": []} if val else {"loss": []}
    with floatx(dtype):
        tracker = tf.keras.metrics.Mean(name="loss", dtype=dtype)
        for epoch, order in enumerate(epoch_orders):
            order = _check_order(np.asarray(order), n_train, epoch)
            tracker.reset_state()
            for i in range(0, n_train, batch_size):
                idx = order[i : i + batch_size]
                loss = model_train.train_on_batch([train[0][idx], train[1][idx]], train[2][idx])
                # train_on_batch returns a Python float; keras.ops.cast(float, "float64")
                # is tf.cast, which first makes a float32 tensor of it.  An array of the
                # model's dtype keeps all the digits (fit's tracker gets a tensor).
                tracker.update_state(np.asarray(loss, dtype=dtype), sample_weight=len(idx))
            history["loss"].append(float(tracker.result()))
            if val:
                history["val_loss"].append(
                    float(
                        model_train.evaluate(
                            [val[0], val[1]], val[2], batch_size=batch_size, verbose=0
                        )
                    )
                )
    return history


def _check_order(order: np.ndarray, n_train: int, epoch: int) -> np.ndarray:
    if order.shape != (n_train,) or not np.issubdtype(order.dtype, np.integer):
        raise ValueError(
            f"epoch_orders[{epoch}] must be an int array of shape ({n_train},); "
            f"got {order.dtype} {order.shape}"
        )
    if not np.array_equal(np.sort(order), np.arange(n_train)):
        raise ValueError(f"epoch_orders[{epoch}] must be a permutation of range({n_train})")
    return order
