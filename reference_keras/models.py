"""The seed's three Keras models (step 1 and step 4 of the note).

``build_models`` runs the course's code with its four constants as
arguments.  One seed line here no longer runs on Keras 3 and is changed
(``Input(shape=(NUM_HIDDEN_PARAMS))``); one is generalised so
``dec_tokens > 1`` works; ``set_floatx`` is added for float64.  Each change is
marked with the original line (``# seed:``) or as "not in the seed".  The
seed's inference loop, with its one NumPy 2 fix, is in ``inference.py``.

float64
-------
Keras 3 reads the global ``floatx`` in more places than the layers:

* ``keras.Input`` and every layer's default dtype policy (weights, compute);
* the ``Adam`` learning-rate ``Variable``
  (``keras/src/optimizers/base_optimizer.py``: ``dtype=backend.floatx()``),
  created when ``compile(optimizer='adam')`` builds the optimizer -- in
  float32 it would hold 0.0010000000474974513, not 0.001;
* the compiled loss and the ``loss`` tracker (``keras/src/losses/loss.py``:
  ``dtype or backend.floatx()``; ``keras/src/metrics``), which would cast
  float64 predictions down to float32;
* at ``fit`` time, the data adapter casts every float input to floatx
  (``keras/src/trainers/data_adapters/array_slicing.py``).

So ``build_models(dtype=...)`` sets ``keras.config.set_floatx(dtype)`` and
leaves it set: the last three are read again when the model trains.  Calling
``build_models(dtype="float32")`` sets it back.  Code that mixes float32 and
float64 models can wrap each use in ``with floatx(model_dtype(model)):``;
``predict`` and ``replay_fit`` do that themselves.
"""

from __future__ import annotations

import contextlib

import tensorflow as tf

_DTYPES = ("float32", "float64")

#: ``build_models(cell=...)``: the Keras layer behind each name, at Keras 3's defaults.
#: Not in the seed (which uses SimpleRNN); the course's next lessons use the other two.
CELLS = {
    "simple_rnn": tf.keras.layers.SimpleRNN,
    "gru": tf.keras.layers.GRU,
    "lstm": tf.keras.layers.LSTM,
}

#: ``build_models(attention=...)``: not in the seed; the course's next lesson (issue 20).
ATTENTIONS = ("dot", "general", "additive")


@contextlib.contextmanager
def floatx(dtype: str):
    """Set Keras's global default float type for a ``with`` block, then restore it."""
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be one of {_DTYPES}; got {dtype!r}")
    before = tf.keras.config.floatx()
    tf.keras.config.set_floatx(dtype)
    try:
        yield
    finally:
        tf.keras.config.set_floatx(before)


def model_dtype(model) -> str:
    """The float type of a model's weights: ``"float32"`` or ``"float64"``."""
    return tf.keras.backend.standardize_dtype(model.weights[0].dtype)


def _check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int; got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1; got {value}")
    return value


def build_models(
    enc_tokens: int = 1,
    dec_tokens: int = 1,
    hidden: int = 10,
    steps: int = 24,
    dtype: str = "float32",
    cell: str = "simple_rnn",
    attention: str | None = None,
    dec_steps: int | None = None,
):
    """The seed's ``model_train``, ``model_pred_e`` and ``pred_d_model``.

    enc_tokens, dec_tokens, hidden, steps : the seed's ``NUM_ENC_TOKENS``,
    ``NUM_DEC_TOKENS``, ``NUM_HIDDEN_PARAMS``, ``NUM_STEPS`` (1, 1, 10, 24).
    dtype : ``"float32"`` (Keras's default) or ``"float64"``; sets Keras's
    global floatx (see the module docstring).
    cell : ``"simple_rnn"`` (the seed's), ``"gru"`` or ``"lstm"``: the layer of both
    ``e_rnn`` and ``d_rnn``, at Keras 3's defaults.  An LSTM has two states, h and c,
    so its context is both (``initial_state=[h, c]``) and ``pred_d_model`` takes
    and returns both.

    Returns ``(model_train, model_pred_e, pred_d_model)``:

    * ``model_train([ex (N, steps, enc), dx (N, steps, dec)]) -> (N, steps, dec)``,
      compiled with ``optimizer='adam', loss='mean_squared_error'``;
    * ``model_pred_e(ex) -> context (N, hidden)`` (LSTM: ``[h, c]``);
    * ``pred_d_model([y (N, 1, dec), state (N, hidden)]) -> [y (N, 1, dec), state]``
      (LSTM: ``[y, h, c] -> [y, h, c]``), one decoder step that shares ``d_rnn`` and
      ``d_output`` with ``model_train``.

    attention : None (the seed's model), or ``"dot"`` (``Attention()``), ``"general"``
    (``Attention()`` with keys ``Dense(H, use_bias=False, name="attention_key")(e_seq)``)
    or ``"additive"`` (``AdditiveAttention()``): the model of issue 20, built by
    ``_build_attention_models`` (read its docstring for the three models it returns).
    dec_steps : the decoder's number of steps (default ``steps``); only the
    attention models take a value other than ``steps``.
    """
    NUM_ENC_TOKENS = _check_positive_int("enc_tokens", enc_tokens)
    NUM_DEC_TOKENS = _check_positive_int("dec_tokens", dec_tokens)
    NUM_HIDDEN_PARAMS = _check_positive_int("hidden", hidden)
    NUM_STEPS = _check_positive_int("steps", steps)
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be one of {_DTYPES}; got {dtype!r}")
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {tuple(CELLS)}; got {cell!r}")
    if attention is not None and attention not in ATTENTIONS:
        raise ValueError(f"attention must be None or one of {ATTENTIONS}; got {attention!r}")
    dec_steps = NUM_STEPS if dec_steps is None else _check_positive_int("dec_steps", dec_steps)
    if attention is None and dec_steps != NUM_STEPS:
        raise ValueError("dec_steps may differ from steps only with attention (the seed's models)")
    RNN = CELLS[cell]  # not in the seed: the seed writes tf.keras.layers.SimpleRNN
    n_states = 2 if cell == "lstm" else 1  # an LSTM returns [output, h, c]

    tf.keras.backend.clear_session()
    tf.keras.config.set_floatx(dtype)  # not in the seed: float64 needs it (module docstring)
    if attention is not None:
        return _build_attention_models(
            NUM_ENC_TOKENS, NUM_DEC_TOKENS, NUM_HIDDEN_PARAMS, NUM_STEPS, dec_steps, RNN, attention
        )

    # -- step 1 of the note: the training model --------------------------------
    e_input = tf.keras.layers.Input(shape=(NUM_STEPS, NUM_ENC_TOKENS), name="e_input")
    # seed: _, e_state = tf.keras.layers.SimpleRNN(...)(e_input); e_states is [e_state]
    # (for an LSTM, [h, c]: both are the context)
    _, *e_states = RNN(NUM_HIDDEN_PARAMS, return_state=True, name="e_rnn")(e_input)

    d_input = tf.keras.layers.Input(shape=(NUM_STEPS, NUM_DEC_TOKENS), name="d_input")
    d_rnn = RNN(NUM_HIDDEN_PARAMS, return_sequences=True, return_state=True, name="d_rnn")
    # seed: d_rnn_out, _ = d_rnn(d_input, initial_state=[e_state])
    d_rnn_out, *_ = d_rnn(d_input, initial_state=e_states)

    d_dense = tf.keras.layers.Dense(NUM_DEC_TOKENS, activation="linear", name="d_output")
    d_output = d_dense(d_rnn_out)

    model_train = tf.keras.models.Model(inputs=[e_input, d_input], outputs=d_output)
    model_train.compile(optimizer="adam", loss="mean_squared_error")
    # (The seed then calls model_train.summary(); python -m reference_keras prints it.)

    # -- step 4 of the note: the inference models ------------------------------
    # seed: outputs=[e_state]
    model_pred_e = tf.keras.models.Model(inputs=[e_input], outputs=e_states)

    # seed: pred_d_input = tf.keras.layers.Input(shape=(1, 1))
    # The same for the seed's NUM_DEC_TOKENS = 1; written with the constant so
    # that dec_tokens > 1 builds too.
    pred_d_input = tf.keras.layers.Input(shape=(1, NUM_DEC_TOKENS))
    # seed: pred_d_state_in = tf.keras.layers.Input(shape=(NUM_HIDDEN_PARAMS))
    # (NUM_HIDDEN_PARAMS) is the int 10, not a tuple; Keras 3 raises
    # "Cannot convert '10' to a shape".
    # (one state Input per state: two for an LSTM)
    pred_d_states_in = [tf.keras.layers.Input(shape=(NUM_HIDDEN_PARAMS,)) for _ in range(n_states)]

    # seed: pred_d_output, pred_d_state = d_rnn(pred_d_input, initial_state=[pred_d_state_in])
    pred_d_output, *pred_d_states = d_rnn(pred_d_input, initial_state=pred_d_states_in)
    pred_d_output = d_dense(pred_d_output)

    pred_d_model = tf.keras.Model(
        inputs=[pred_d_input, *pred_d_states_in], outputs=[pred_d_output, *pred_d_states]
    )
    return model_train, model_pred_e, pred_d_model


def _build_attention_models(
    NUM_ENC_TOKENS: int,
    NUM_DEC_TOKENS: int,
    NUM_HIDDEN_PARAMS: int,
    NUM_STEPS: int,
    NUM_DEC_STEPS: int,
    RNN,
    attention: str,
):
    """The seed's model with attention (issue 20), in the seed's style.

    Returns ``(model_train, model_pred_e, pred_d_model)``:

    * ``model_train([ex (N, steps, enc), dx (N, dec_steps, dec)]) -> (N, dec_steps, dec)``,
      compiled as the seed's;
    * ``model_pred_e(ex) -> [e_seq (N, steps, H), *states]``: the decoder needs the
      encoder's whole sequence, not only its final state(s);
    * ``pred_d_model([y (N, 1, dec), *states, e_seq]) -> [y, *states, weights (N, 1, steps)]``,
      one decoder step sharing every layer with ``model_train``.

    The Keras 3 pitfall: a layer's *first* call fixes how many outputs Keras's functional
    graph check expects of every later call.  ``keras/src/ops/function.py`` checks that a
    model's outputs are connected by running its graph with ``[None] * len(op.output)`` as
    each layer's outputs, and ``Operation.output`` is the first call's output.  If the
    training model calls ``Attention`` without ``return_attention_scores``, its first call
    has one output; the inference step's call with ``return_attention_scores=True`` has two,
    the check fills in only the first, and ``keras.Model(..., outputs=[..., weights])``
    raises "Output with path `2` is not connected to `inputs`".  So the training model
    below asks for the scores too, and drops them: the layer's first call has two outputs.
    """
    n_states = 2 if RNN is tf.keras.layers.LSTM else 1

    # -- the training model: the seed's, with attention ---------------------------
    e_input = tf.keras.layers.Input(shape=(NUM_STEPS, NUM_ENC_TOKENS), name="e_input")
    e_rnn = RNN(NUM_HIDDEN_PARAMS, return_sequences=True, return_state=True, name="e_rnn")
    e_seq, *e_states = e_rnn(e_input)  # every encoder state, then the final one(s)

    d_input = tf.keras.layers.Input(shape=(NUM_DEC_STEPS, NUM_DEC_TOKENS), name="d_input")
    d_rnn = RNN(NUM_HIDDEN_PARAMS, return_sequences=True, return_state=True, name="d_rnn")
    d_seq, *_ = d_rnn(d_input, initial_state=e_states)

    if attention == "additive":
        d_attention = tf.keras.layers.AdditiveAttention(name="attention")
    else:
        d_attention = tf.keras.layers.Attention(name="attention")
    # "general": Luong's W_a as a Dense on the keys; the values stay the encoder's states
    key = (
        tf.keras.layers.Dense(NUM_HIDDEN_PARAMS, use_bias=False, name="attention_key")
        if attention == "general"
        else None
    )

    def attend(query, values):  # [query, value] (+ key): the decoder asks, the encoder answers
        inputs = [query, values] if key is None else [query, values, key(values)]
        return d_attention(inputs, return_attention_scores=True)  # the pitfall: docstring

    context, _ = attend(d_seq, e_seq)
    d_concat = tf.keras.layers.Concatenate(name="concat")
    d_dense = tf.keras.layers.Dense(NUM_DEC_TOKENS, activation="linear", name="d_output")
    d_output = d_dense(d_concat([context, d_seq]))

    model_train = tf.keras.models.Model(inputs=[e_input, d_input], outputs=d_output)
    model_train.compile(optimizer="adam", loss="mean_squared_error")

    # -- the inference models ------------------------------------------------------
    model_pred_e = tf.keras.models.Model(inputs=[e_input], outputs=[e_seq, *e_states])

    pred_d_input = tf.keras.layers.Input(shape=(1, NUM_DEC_TOKENS))
    pred_d_states_in = [tf.keras.layers.Input(shape=(NUM_HIDDEN_PARAMS,)) for _ in range(n_states)]
    pred_e_seq_in = tf.keras.layers.Input(shape=(NUM_STEPS, NUM_HIDDEN_PARAMS))
    pred_d_seq, *pred_d_states = d_rnn(pred_d_input, initial_state=pred_d_states_in)
    pred_context, pred_weights = attend(pred_d_seq, pred_e_seq_in)
    pred_d_output = d_dense(d_concat([pred_context, pred_d_seq]))

    pred_d_model = tf.keras.Model(
        inputs=[pred_d_input, *pred_d_states_in, pred_e_seq_in],
        outputs=[pred_d_output, *pred_d_states, pred_weights],
    )
    return model_train, model_pred_e, pred_d_model
