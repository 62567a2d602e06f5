# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Seq2Seq, sin(x) → cos(x): the seed's Keras code and NumPy side by side
#
# The course exercise in its own order: **data → model → windows → training →
# inference models → predict → plot**.  Each section runs the seed's Keras code
# (on Keras 3, with the two lines that no longer run fixed) and then the same
# step with `numpy_seq2seq`, whose source you can read line by line.
#
# The note's key point: the encoder passes *only its context* (its final
# state) to the decoder.  Apart from that one link, the two halves are
# separate models.
#
# Run it as a script (`python examples/seq2seq_sin_cos.py`) or open it as a
# notebook with jupytext.  `SEQ2SEQ_EPOCHS=5` makes it quick;
# `SEQ2SEQ_FIGURES=DIR` also saves the figures there.

# %%
import os
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # hide TensorFlow's start-up log lines
import tensorflow as tf  # noqa: E402

from numpy_seq2seq import Seq2Seq  # noqa: E402
from numpy_seq2seq.data import make_windows, sin_cos  # noqa: E402
from numpy_seq2seq.model import WEIGHT_NAMES  # noqa: E402

EPOCHS = int(os.environ.get("SEQ2SEQ_EPOCHS", "80"))  # the seed trains 80 epochs
FIGURES = os.environ.get("SEQ2SEQ_FIGURES")  # folder to save the figures in, if set


def show(fig, name):
    """Display a figure (in a notebook) and save it when SEQ2SEQ_FIGURES is set."""
    if FIGURES:
        Path(FIGURES).mkdir(parents=True, exist_ok=True)
        fig.savefig(Path(FIGURES) / name, dpi=100)
    plt.show()


# %% [markdown]
# ## 1. Data
#
# 100 points of x from -3π to 3π.  The encoder will read sin(x); the decoder
# must produce cos(x).  **Keras (the course notebook)** writes the arrays by
# hand; **NumPy** has the same three lines in `numpy_seq2seq.data.sin_cos`.

# %%
# Keras side: the course notebook's data
x = np.linspace(-3 * np.pi, 3 * np.pi, 100)
seq_in = np.sin(x)
seq_out = np.cos(x)

# NumPy side
x_np, seq_in_np, seq_out_np = sin_cos(100)
print("same series:", np.array_equal(seq_in, seq_in_np) and np.array_equal(seq_out, seq_out_np))

fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
ax.plot(x, seq_in, label="seq_in = sin(x), what the encoder reads")
ax.plot(x, seq_out, label="seq_out = cos(x), what the decoder outputs")
ax.set(title="The seed's data", xlabel="x", ylabel="value", ylim=(-1.1, 1.6))
ax.legend(loc="upper center", ncol=2, fontsize=8)
ax.grid()
show(fig, "walkthrough_data.png")

# %% [markdown]
# ## 2. The model
#
# **Keras**: an encoder `SimpleRNN` whose output is thrown away (`_`) and whose
# final state `e_state` is kept; a decoder `SimpleRNN` that starts from
# `initial_state=[e_state]`; a `Dense` layer at every decoder step.
#
# **NumPy**: `Seq2Seq` holds the same three layers, `e_rnn`, `d_rnn`,
# `d_output`, with the same 8 weight arrays in the same order as
# `model_train.get_weights()`.  We copy Keras's random initial weights into
# it, so the two models start as one.

# %%
NUM_ENC_TOKENS = 1
NUM_DEC_TOKENS = 1
NUM_HIDDEN_PARAMS = 10
NUM_STEPS = 24

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(0)  # not in the seed: makes this walkthrough repeatable

e_input = tf.keras.layers.Input(shape=(NUM_STEPS, NUM_ENC_TOKENS), name="e_input")
_, e_state = tf.keras.layers.SimpleRNN(NUM_HIDDEN_PARAMS, return_state=True, name="e_rnn")(e_input)

d_input = tf.keras.layers.Input(shape=(NUM_STEPS, NUM_DEC_TOKENS), name="d_input")
d_rnn = tf.keras.layers.SimpleRNN(
    NUM_HIDDEN_PARAMS, return_sequences=True, return_state=True, name="d_rnn"
)
d_rnn_out, _ = d_rnn(d_input, initial_state=[e_state])  # the context: the only link

d_dense = tf.keras.layers.Dense(NUM_DEC_TOKENS, activation="linear", name="d_output")
d_output = d_dense(d_rnn_out)

model_train = tf.keras.models.Model(inputs=[e_input, d_input], outputs=d_output)
model_train.compile(optimizer="adam", loss="mean_squared_error")

# NumPy side: the same architecture, loaded with Keras's initial weights
m = Seq2Seq(NUM_ENC_TOKENS, NUM_DEC_TOKENS, NUM_HIDDEN_PARAMS)
m.set_weights(model_train.get_weights())
print("Keras parameters:", model_train.count_params(), "  NumPy parameters:", m.count_params())
for (layer, name), w_keras, w_numpy in zip(WEIGHT_NAMES, model_train.get_weights(), m.params):
    print(f"  {layer:8} {name:16} Keras {str(w_keras.shape):8} NumPy {w_numpy.shape}")

# %% [markdown]
# ## 3. Windows (teacher forcing)
#
# Each window `i` gives the encoder `ex[i] = seq_in[i:i+24]`, and the decoder
# `dy[i] = seq_out[i:i+24]` as the target.  The decoder's *input* `dx[i]` is
# the target shifted right by one step with a 0 in front: during training the
# decoder is fed the true previous output (teacher forcing).
#
# **Keras**: the seed's loop.  **NumPy**: `make_windows` cuts the same windows
# with `sliding_window_view`, without a Python loop.

# %%
n = len(x) - NUM_STEPS
ex = np.zeros((n, NUM_STEPS))
dx = np.zeros((n, NUM_STEPS))
dy = np.zeros((n, NUM_STEPS))

for i in range(0, n):
    ex[i] = seq_in[i : i + NUM_STEPS]
    dx[i, 1:] = seq_out[i : i + NUM_STEPS - 1]
    dy[i] = seq_out[i : i + NUM_STEPS]

ex = ex.reshape(n, NUM_STEPS, 1)
dx = dx.reshape(n, NUM_STEPS, 1)
dy = dy.reshape(n, NUM_STEPS, 1)

# NumPy side
ex_np, dx_np, dy_np = make_windows(seq_in_np, seq_out_np, steps=NUM_STEPS)
print(
    "windows:",
    ex.shape,
    " identical:",
    all(map(np.array_equal, (ex, dx, dy), (ex_np, dx_np, dy_np))),
)

# Same weights, same input: the teacher-forced outputs agree to float32 rounding.
y_keras = np.asarray(model_train([ex.astype("float32"), dx.astype("float32")]))
print(
    "before training, max |Keras - NumPy| of the outputs:",
    np.abs(y_keras - m.forward(ex, dx)).max(),
)

# %% [markdown]
# ## 4. Training
#
# **Keras**: `fit` with batches of 16, 80 epochs, the last 20 % of the windows
# held out for `val_loss`.  **NumPy**: `m.fit` with the same arguments and the
# same semantics (split first, shuffle the training windows every epoch, Adam
# as Keras computes it).
#
# Each side shuffles with its own random generator, so the two runs visit the
# batches in different orders and their curves are close but not identical.
# `scripts/compare.py` replays NumPy's order in Keras and gets the same
# numbers to float32 rounding.

# %%
BATCH_SIZE = 16

start = time.perf_counter()
history = model_train.fit(
    [ex, dx], dy, batch_size=BATCH_SIZE, epochs=EPOCHS, validation_split=0.2, verbose=False
)
print(f"Keras: {EPOCHS} epochs in {time.perf_counter() - start:.1f} s")

# NumPy side
start = time.perf_counter()
history_np = m.fit(
    [ex_np, dx_np], dy_np, batch_size=BATCH_SIZE, epochs=EPOCHS, validation_split=0.2, seed=0
)
print(f"NumPy: {EPOCHS} epochs in {time.perf_counter() - start:.1f} s")

fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
epochs = np.arange(1, EPOCHS + 1)
ax.plot(epochs, history.history["loss"], "-", label="Keras loss")
ax.plot(epochs, history.history["val_loss"], "-", label="Keras val_loss")
ax.plot(epochs, history_np.history["loss"], "--", label="NumPy loss")
ax.plot(epochs, history_np.history["val_loss"], "--", label="NumPy val_loss")
ax.set(title="Loss per epoch, Keras vs NumPy (each with its own shuffling)", xlabel="epoch")
ax.set(ylabel="MSE (log scale)", yscale="log")
ax.legend()
ax.grid(which="both", alpha=0.4)
show(fig, "walkthrough_loss.png")

# %% [markdown]
# ## 5. Inference models
#
# At inference there is no true previous output to feed the decoder; it
# must feed itself.  **Keras** needs two new models that share the trained
# layers: the encoder alone (`ex → e_state`), and *one* decoder step
# (`(y, state) → (y, new state)`).
#
# **NumPy** needs no new models: `m.encode` is the encoder, and one decoder
# step is the RNN's `step` (eqs. (1), (2) of `docs/bptt.md`) followed by the
# Dense layer, the very functions training runs.
#
# To check the inference path, load Keras's *trained* weights into a second
# NumPy model: its context must equal `model_pred_e`'s.

# %%
model_pred_e = tf.keras.models.Model(inputs=[e_input], outputs=[e_state])

pred_d_input = tf.keras.layers.Input(shape=(1, 1))
pred_d_state_in = tf.keras.layers.Input(shape=(NUM_HIDDEN_PARAMS,))  # seed: (NUM_HIDDEN_PARAMS)

pred_d_output, pred_d_state = d_rnn(pred_d_input, initial_state=[pred_d_state_in])
pred_d_output = d_dense(pred_d_output)

pred_d_model = tf.keras.Model(
    inputs=[pred_d_input, pred_d_state_in], outputs=[pred_d_output, pred_d_state]
)

# NumPy side: the encoder and one decoder step are methods, not new models
m_keras_weights = Seq2Seq(NUM_ENC_TOKENS, NUM_DEC_TOKENS, NUM_HIDDEN_PARAMS)
m_keras_weights.set_weights(model_train.get_weights())


def numpy_decoder_step(model, y, state):
    """One step of pred_d_model in NumPy: (N, 1) input, (N, H) state -> (N, 1), (N, H)."""
    W, _, b = model.d_rnn.params  # Keras: kernel, recurrent_kernel, bias
    state = model.d_rnn.step(y @ W + b, state)  # eqs. (1), (2)
    V, b_o = model.d_output.params
    return state @ V + b_o, state  # eq. (4)


context_keras = model_pred_e.predict(ex[:1], verbose=0)
context_numpy = m_keras_weights.encode(ex[:1])
print("context of window 0, max |Keras - NumPy|:", np.abs(context_keras - context_numpy).max())

# %% [markdown]
# ## 6. Predict
#
# Encode the window, start the decoder from a zero input, and run 24 steps,
# feeding each output back in and carrying the state outside the model.
#
# **Keras**: the seed's `predict`.  Every step is a `model.predict` call,
# which builds a data pipeline each time: about 1.5 s per window.
# **NumPy**: the same loop written with `numpy_decoder_step`; `m.predict`
# runs it for all windows at once.


# %%
def predict(input_data):
    state_value = model_pred_e.predict(input_data, verbose=0)
    _dy = np.zeros((1, 1, 1))

    output_data = []

    for i in range(0, NUM_STEPS):  # noqa: B007  (the seed names it, never uses it)
        y_output, state_value = pred_d_model.predict([_dy, state_value], verbose=0)

        output_data.append(y_output[0, 0, 0])
        _dy[0, 0, 0] = y_output[0, 0, 0]  # seed: _dy[0, 0, 0] = y_output (fails on NumPy 2)

    return output_data


# NumPy side, step by step as the seed does it
def predict_numpy(model, input_data):
    state = model.encode(input_data)
    y = np.zeros((1, 1), dtype=model.dtype)
    output_data = []
    for _ in range(NUM_STEPS):
        y, state = numpy_decoder_step(model, y, state)
        output_data.append(y[0, 0])
    return output_data


init_points = [0, 24, 49, 74]

start = time.perf_counter()
preds_keras = {i: predict(ex[i : i + 1]) for i in init_points}
print(f"Keras, the seed's predict: {time.perf_counter() - start:.1f} s for 4 windows")
start = time.perf_counter()
preds_numpy = m.predict(ex_np[init_points])[:, :, 0]  # all four windows at once
print(f"NumPy m.predict: {(time.perf_counter() - start) * 1e3:.1f} ms for 4 windows")

# The same loop on the same (Keras-trained) weights gives the same numbers:
same_weights = np.array([predict_numpy(m_keras_weights, ex[i : i + 1]) for i in init_points])
diff = np.abs(same_weights - np.array([preds_keras[i] for i in init_points])).max()
print("Keras's trained weights in NumPy, max |Keras - NumPy| of the predictions:", diff)

# %% [markdown]
# ## 7. Plot
#
# The seed's figure: each window's 24 predicted outputs in red over its span
# of x, the true cos(x) dashed in blue.  Left: Keras's trained model.  Right:
# NumPy's, trained from the same initial weights with its own shuffling.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True, layout="constrained")
for ax, name, preds in (
    (axes[0], "Keras", preds_keras),
    (axes[1], "NumPy", dict(zip(init_points, preds_numpy))),
):
    for i in init_points:
        _y = preds[i]
        ax.plot(x[i : i + NUM_STEPS], _y, color="red", label="output" if i == 0 else None)
    ax.plot(x, seq_out, color="blue", linestyle="dashed", label="correct")
    ax.set(title=f"{name}: predictions from windows {init_points}", xlabel="x", ylim=(-1.2, 1.4))
    ax.grid()
    ax.legend(loc="upper left", ncol=2, fontsize=8)
axes[0].set_ylabel("decoder output vs cos(x)")
show(fig, "walkthrough_predictions.png")
