"""The seed's inference loop (step 5 of the note), two ways.

* ``predict_seed`` is the course's ``predict(input_data)``: one window, two
  ``model.predict`` calls per step.  Each call builds a batch pipeline, so one
  24-step window takes about a second (docs/performance.md has this machine's figure).
* ``predict`` is the same loop for all windows at once, calling the models
  directly (``model(x)``), which is what ``numpy_seq2seq``'s ``predict`` does.

With attention (``build_models(attention=...)``) the loop carries one thing more,
the encoder's sequence, and collects one thing more, the attention weights:
``predict_seed_attention`` (the seed's loop) and ``predict_attention`` (all windows).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from .models import floatx, model_dtype


def predict_seed(model_pred_e, pred_d_model, window) -> list[float]:
    """The seed's ``predict(input_data)`` for one window ``ex[i:i+1]`` (1, T, enc).

    Returns the T outputs as Python floats.  Like the seed, it needs
    ``dec_tokens == 1``.
    """
    input_data = np.asarray(window)
    if input_data.ndim != 3 or input_data.shape[0] != 1:
        raise ValueError(
            f"window must be one window of shape (1, T, enc_tokens), e.g. ex[i:i+1]; "
            f"got shape {input_data.shape}"
        )
    if _has_attention(model_pred_e):
        raise ValueError("these models have attention: use predict_seed_attention")
    if pred_d_model.inputs[0].shape[-1] != 1:
        raise ValueError(
            "predict_seed is the seed's loop, written for NUM_DEC_TOKENS = 1; this "
            f"decoder has {pred_d_model.inputs[0].shape[-1]} tokens (use predict instead)"
        )
    if len(pred_d_model.inputs) != 2:
        raise ValueError(
            "predict_seed is the seed's loop, which carries one state; this decoder carries "
            f"{len(pred_d_model.inputs) - 1} (an LSTM's h and c: use predict instead)"
        )
    with floatx(model_dtype(model_pred_e)):  # model.predict casts inputs to floatx
        return _seed_predict(model_pred_e, pred_d_model, input_data)


def _seed_predict(model_pred_e, pred_d_model, input_data: np.ndarray) -> list[float]:
    """The body of the seed's ``predict``; only ``NUM_STEPS`` comes from the window."""
    NUM_STEPS = input_data.shape[1]
    # verbose=0 is not in the seed: it only hides each call's progress bar.
    state_value = model_pred_e.predict(input_data, verbose=0)
    _dy = np.zeros((1, 1, 1))

    output_data = []

    for i in range(0, NUM_STEPS):  # noqa: B007  (the seed's loop, verbatim)
        y_output, state_value = pred_d_model.predict([_dy, state_value], verbose=0)

        # seed: output_data.append(y_output[0, 0, 0])
        # float() only turns the NumPy scalar into a Python float (exactly).
        output_data.append(float(y_output[0, 0, 0]))
        # seed: _dy[0, 0, 0] = y_output
        # NumPy 2 refuses to put the (1, 1, 1) array into one element
        # ("setting an array element with a sequence").
        _dy[0, 0, 0] = y_output[0, 0, 0]

    return output_data


def predict(model_pred_e, pred_d_model, ex, steps: int | None = None) -> np.ndarray:
    """The seed's inference loop for every window at once.

    ex : (N, T, enc_tokens).  Encode, start the decoder from a zero input,
    then feed each output back as the next input, carrying the state outside
    the model: every state the decoder has (an LSTM's h and c both).
    Returns (N, steps, dec_tokens); ``steps`` defaults to T.
    """
    dtype = model_dtype(model_pred_e)
    ex, steps = _check_windows_and_steps(np.asarray(ex, dtype=dtype), steps)
    if _has_attention(model_pred_e):
        raise ValueError("these models have attention: use predict_attention")
    num_dec = pred_d_model.inputs[0].shape[-1]
    with floatx(dtype):
        states = model_pred_e([tf.constant(ex)], training=False)
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        y = tf.zeros((ex.shape[0], 1, num_dec), dtype=dtype)  # the start input
        outputs = []
        for _ in range(steps):
            y, *states = pred_d_model([y, *states], training=False)
            outputs.append(np.asarray(y)[:, 0])
    return np.stack(outputs, axis=1)


def _check_windows_and_steps(ex: np.ndarray, steps) -> tuple[np.ndarray, int]:
    if ex.ndim != 3:
        raise ValueError(f"ex must have shape (N, T, enc_tokens); got {ex.shape}")
    if steps is None:
        steps = ex.shape[1]
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"steps must be an int >= 1 or None; got {steps!r}")
    if steps < 1:
        raise ValueError(f"steps must be an int >= 1 or None; got {steps!r}")
    return ex, int(steps)


def _has_attention(model_pred_e) -> bool:
    """An attention encoder returns its sequence (N, T, H) first; the seed's, a state (N, H)."""
    return len(model_pred_e.outputs[0].shape) == 3


def predict_seed_attention(model_pred_e, pred_d_model, window) -> tuple[list[float], np.ndarray]:
    """The seed's ``predict(input_data)`` loop with attention, for one window (1, T, enc).

    Like the seed's, two ``model.predict`` calls per step; the loop also carries the
    encoder's sequence into every step and collects the attention weights.
    Returns the T outputs (floats) and the weights (T, T_e).  Needs ``dec_tokens == 1``.
    """
    input_data = np.asarray(window)
    if input_data.ndim != 3 or input_data.shape[0] != 1:
        raise ValueError(
            f"window must be one window of shape (1, T, enc_tokens), e.g. ex[i:i+1]; "
            f"got shape {input_data.shape}"
        )
    if not _has_attention(model_pred_e):
        raise ValueError("these models have no attention: use predict_seed")
    if pred_d_model.inputs[0].shape[-1] != 1:
        raise ValueError("predict_seed_attention is the seed's loop, for NUM_DEC_TOKENS = 1")
    with floatx(model_dtype(model_pred_e)):  # model.predict casts inputs to floatx
        NUM_STEPS = input_data.shape[1]
        e_seq, *state_value = model_pred_e.predict(input_data, verbose=0)
        _dy = np.zeros((1, 1, 1))
        output_data, weights = [], []
        for i in range(0, NUM_STEPS):  # noqa: B007  (the seed's loop)
            y_output, *state_value, w = pred_d_model.predict([_dy, *state_value, e_seq], verbose=0)
            output_data.append(float(y_output[0, 0, 0]))
            weights.append(w[0, 0])
            _dy[0, 0, 0] = y_output[0, 0, 0]
    return output_data, np.stack(weights)


def predict_attention(
    model_pred_e, pred_d_model, ex, steps: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``predict`` with attention, for every window at once.

    ex : (N, T_e, enc_tokens) -> outputs (N, steps, dec_tokens) and the attention
    weights (N, steps, T_e); ``steps`` defaults to T_e.  Each step calls the decoder
    step model on the previous output, the states and the encoder's sequence.
    """
    dtype = model_dtype(model_pred_e)
    ex, steps = _check_windows_and_steps(np.asarray(ex, dtype=dtype), steps)
    if not _has_attention(model_pred_e):
        raise ValueError("these models have no attention: use predict")
    num_dec = pred_d_model.inputs[0].shape[-1]
    with floatx(dtype):
        e_seq, *states = model_pred_e([tf.constant(ex)], training=False)
        y = tf.zeros((ex.shape[0], 1, num_dec), dtype=dtype)  # the start input
        outputs, weights = [], []
        for _ in range(steps):
            y, *states, w = pred_d_model([y, *states, e_seq], training=False)
            outputs.append(np.asarray(y)[:, 0])
            weights.append(np.asarray(w)[:, 0])
    return np.stack(outputs, axis=1), np.stack(weights, axis=1)
