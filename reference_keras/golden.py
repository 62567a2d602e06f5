"""The exercises' golden file: Keras's own numbers for a small Seq2Seq, in float64.

``python -m reference_keras golden`` writes it; ``numpy_seq2seq.exercises``
ships it and grades a learner's functions against it without TensorFlow.  It
holds, for one fixed problem (N=6 windows, T=5 steps, D=2 encoder features,
H=4 hidden units, O=3 output features, so that every axis has its own size):

* the inputs ``ex``, ``dx``, ``dy`` and the 8 weights (``weights/<layer>/<name>``);
* one SimpleRNN step and its backward (``step/*``), computed by a Keras
  SimpleRNN whose kernel is the identity, so that its input *is* a_t of eq. (1);
* the forward states of both RNNs, the context and the outputs (``forward/*``);
* the loss, its gradient on the outputs, the gradient arriving on every
  decoder state from the Dense layer, the total gradient on every state of
  both RNNs, on the context and on the inputs (``grad/*``), all by
  ``tf.GradientTape``; the 8 weight gradients (``grads/<layer>/<name>``);
* three steps of ``keras.optimizers.Adam`` from given gradients (``adam/*``);
* the seed's inference loop for 7 steps (``predict/*``);
* one GRU step and one LSTM step with their backward (``gru/*``, ``lstm/*``), each
  by a Keras layer whose kernel is the identity (so its input is a_t of eqs. (G1),
  (L1)) and whose input bias is zero;
* exercise 0's windows of a short series, cut by the seed's own loop
  (``windows/*``, from ``reference_keras.data``, not from ``numpy_seq2seq``);
* ``keras.layers.Attention()`` at its defaults on fixed queries q (N, T_d, H) and encoder
  states e (N, T_e, H), T_d = 3 != T_e = 5, with its scores, weights, contexts and the
  gradients on the scores, q and e for a fixed upstream dc (``attention/*``).

The states and per-state gradients come from running the model's own layers'
cells one step at a time; the file is only written when that unrolled pass
reproduces ``model_train``'s output and gradients.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from .data import make_windows_seed
from .inference import predict
from .models import build_models, floatx

#: The problem's sizes: windows, steps, encoder features, hidden units, output features.
N, T, D, H, O = 6, 5, 2, 4, 3  # noqa: E741  (the symbols of docs/bptt.md)
#: Adam steps recorded, and the free-running steps predicted (more than T on purpose).
ADAM_STEPS, PREDICT_STEPS = 3, 7
#: Exercise 0's series: sin and cos at 12 points, cut into windows of 5 steps (7 windows).
WINDOW_POINTS, WINDOW_STEPS = 12, 5
#: The attention exercise's decoder steps (queries): not T, so that the two step axes differ.
T_D = 3
WEIGHT_KEYS = tuple(
    f"{layer}/{name}"
    for layer, names in (
        ("e_rnn", ("kernel", "recurrent_kernel", "bias")),
        ("d_rnn", ("kernel", "recurrent_kernel", "bias")),
        ("d_output", ("kernel", "bias")),
    )
    for name in names
)


def default_path() -> Path:
    """Where the exercises look for the file, next to this package in a source checkout."""
    return Path(__file__).resolve().parent.parent / "numpy_seq2seq" / "exercises" / "golden.npz"


def inputs() -> dict[str, np.ndarray]:
    """Fixed inputs built from linspace, as CS231n's checks are, and fixed random weights."""
    grid = np.linspace(-2.0, 2.0, N * T * max(D, O)).reshape(N, T, max(D, O))
    ex = np.sin(1.3 * grid[..., :D] + np.arange(D))
    dy = np.cos(0.7 * grid[..., :O] - np.arange(O))
    dx = np.zeros_like(dy)
    dx[:, 1:] = dy[:, :-1]  # teacher forcing: the true outputs shifted right, a zero first
    rng = np.random.default_rng(20260512)
    shapes = [(D, H), (H, H), (H,), (O, H), (H, H), (H,), (H, O), (O,)]
    weights = {k: 0.5 * rng.standard_normal(s) for k, s in zip(WEIGHT_KEYS, shapes)}
    step = {
        "step/a": rng.uniform(-1, 1, (N, H)),
        "step/h_prev": rng.uniform(-0.9, 0.9, (N, H)),
        "step/recurrent_kernel": 0.5 * rng.standard_normal((H, H)),
        "step/dh": rng.standard_normal((N, H)),
    }
    # Adam's gradients span eight decades: where |g| is near epsilon, Keras's form and the
    # paper's (docs/bptt.md, eqs. (15)-(16)) take visibly different steps.
    adam = {
        f"adam/grad/{k}/{key}": rng.choice([-1.0, 1.0], w.shape)
        * 10.0 ** rng.uniform(-8, 0, w.shape)
        for k in range(1, ADAM_STEPS + 1)
        for key, w in weights.items()
    }
    return {"ex": ex, "dx": dx, "dy": dy, **{f"weights/{k}": w for k, w in weights.items()}}, {
        **step,
        **adam,
    }


def _one_step(data: dict) -> dict[str, np.ndarray]:
    """Eq. (2) and its backward (9)-(10) by Keras: kernel = I and bias = 0 make x_t = a_t."""
    layer = tf.keras.layers.SimpleRNN(H, dtype="float64")
    layer.build((N, 1, H))
    layer.set_weights([np.eye(H), data["step/recurrent_kernel"], np.zeros(H)])
    a = tf.constant(data["step/a"])
    h_prev = tf.constant(data["step/h_prev"])
    with tf.GradientTape() as tape:
        tape.watch([a, h_prev])
        h = layer(a[:, None, :], initial_state=[h_prev])
        target = tf.reduce_sum(h * data["step/dh"])  # a vector-Jacobian product with dh
    da, dh_prev = tape.gradient(target, [a, h_prev])
    return {"step/h": h.numpy(), "step/dz": da.numpy(), "step/dh_prev": dh_prev.numpy()}


def _unrolled(model_train, ex, dx, dy) -> dict[str, np.ndarray]:
    """The model's own layers, one step at a time, so that every state can be watched."""
    e_cell = model_train.get_layer("e_rnn").cell
    d_cell = model_train.get_layer("d_rnn").cell
    dense = model_train.get_layer("d_output")
    x = [tf.constant(ex), tf.constant(dx)]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        h = tf.zeros((N, H), tf.float64)
        e_hs = []
        for t in range(T):
            h, _ = e_cell(x[0][:, t], [h])
            e_hs.append(h)
        d_hs = []
        for t in range(T):
            h, _ = d_cell(x[1][:, t], [h])
            d_hs.append(h)
        hs = tf.stack(d_hs, axis=1)
        y = dense(hs)
        loss = model_train.compute_loss(x=x, y=tf.constant(dy), y_pred=y)
    grads = tape.gradient(loss, [y, hs, *e_hs, *d_hs, *x])
    d_y, d_hs_up = grads[0].numpy(), grads[1].numpy()
    e_dh = np.stack([g.numpy() for g in grads[2 : 2 + T]], axis=1)
    # The total gradient on each h_t, both paths of eq. (8): through the Dense layer (via
    # the stacked hs) and through step t+1.
    d_dh = np.stack([g.numpy() for g in grads[2 + T : 2 + 2 * T]], axis=1)
    return {
        "forward/e_hs": np.stack([h.numpy() for h in e_hs], axis=1),
        "forward/context": e_hs[-1].numpy(),
        "forward/d_hs": hs.numpy(),
        "forward/y": y.numpy(),
        "loss": np.asarray(float(loss)),
        "grad/y": d_y,
        "grad/d_hs_up": d_hs_up,
        "grad/d_dh": d_dh,
        "grad/e_dh": e_dh,
        "grad/context": e_dh[:, -1],  # the context is h^e_T: its total gradient, eq. (13)
        "grad/ex": grads[-2].numpy(),
        "grad/dx": grads[-1].numpy(),
    }


def _tape_grads(model_train, ex, dx, dy) -> tuple[float, list[np.ndarray]]:
    """The compiled loss and the 8 weight gradients, as Keras trains (``model_train(x)``)."""
    x = [tf.constant(ex), tf.constant(dx)]
    with tf.GradientTape() as tape:
        y_pred = model_train(x, training=True)
        loss = model_train.compute_loss(x=x, y=tf.constant(dy), y_pred=y_pred)
    return float(loss), [g.numpy() for g in tape.gradient(loss, model_train.trainable_weights)]


def _adam(data: dict, weights: list[np.ndarray]) -> dict[str, np.ndarray]:
    """``ADAM_STEPS`` steps of ``keras.optimizers.Adam()`` (the seed's defaults) in float64."""
    out = {}
    with floatx("float64"):
        variables = [tf.Variable(w, dtype=tf.float64) for w in weights]
        opt = tf.keras.optimizers.Adam()
        for k in range(1, ADAM_STEPS + 1):
            grads = [tf.constant(data[f"adam/grad/{k}/{key}"]) for key in WEIGHT_KEYS]
            opt.apply_gradients(zip(grads, variables))
            for i, key in enumerate(WEIGHT_KEYS):
                j = opt._get_variable_index(variables[i])
                out[f"adam/param/{k}/{key}"] = variables[i].numpy()
                out[f"adam/m/{k}/{key}"] = opt._momentums[j].numpy()
                out[f"adam/v/{k}/{key}"] = opt._velocities[j].numpy()
        out["adam/iterations"] = np.asarray(int(opt.iterations.numpy()))
    return out


def _cell_inputs() -> dict[str, np.ndarray]:
    """One step's inputs for the GRU and the LSTM exercises (their own generator, so that
    adding them changed none of the numbers above)."""
    rng = np.random.default_rng(20261130)
    gru_bias = np.stack([np.zeros(3 * H), 0.5 * rng.standard_normal(3 * H)])  # input row: 0
    return {
        "gru/a": rng.uniform(-1.5, 1.5, (N, 3 * H)),
        "gru/h_prev": rng.uniform(-0.9, 0.9, (N, H)),
        "gru/recurrent_kernel": 0.5 * rng.standard_normal((H, 3 * H)),
        "gru/bias": gru_bias,
        "gru/dh": rng.standard_normal((N, H)),
        "lstm/a": rng.uniform(-1.5, 1.5, (N, 4 * H)),
        "lstm/h_prev": rng.uniform(-0.9, 0.9, (N, H)),
        "lstm/c_prev": rng.uniform(-2, 2, (N, H)),
        "lstm/recurrent_kernel": 0.5 * rng.standard_normal((H, 4 * H)),
        "lstm/bias": 0.5 * rng.standard_normal(4 * H),
        "lstm/dh": rng.standard_normal((N, H)),
        "lstm/dc": rng.standard_normal((N, H)),
    }


def _cell_steps(data: dict) -> dict[str, np.ndarray]:
    """(G2)-(G5) and (L2)-(L5) by Keras, and their vector-Jacobian products by the tape:
    kernel = I and a zero input bias make the layer's input x_t = a_t."""
    out = {}
    gru = tf.keras.layers.GRU(H, dtype="float64")
    gru.build((N, 1, 3 * H))
    gru.set_weights([np.eye(3 * H), data["gru/recurrent_kernel"], data["gru/bias"]])
    a, h_prev = tf.constant(data["gru/a"]), tf.constant(data["gru/h_prev"])
    with tf.GradientTape() as tape:
        tape.watch([a, h_prev])
        h = gru(a[:, None, :], initial_state=[h_prev])
        target = tf.reduce_sum(h * data["gru/dh"])
    da, dh_prev, dU, db = tape.gradient(target, [a, h_prev, *gru.weights[1:]])
    out.update({"gru/h": h.numpy(), "gru/da": da.numpy(), "gru/dh_prev": dh_prev.numpy()})
    out.update({"gru/dU": dU.numpy(), "gru/db": db.numpy()})

    lstm = tf.keras.layers.LSTM(H, dtype="float64", return_state=True)
    lstm.build((N, 1, 4 * H))
    lstm.set_weights([np.eye(4 * H), data["lstm/recurrent_kernel"], data["lstm/bias"]])
    a = tf.constant(data["lstm/a"])
    h_prev, c_prev = tf.constant(data["lstm/h_prev"]), tf.constant(data["lstm/c_prev"])
    with tf.GradientTape() as tape:
        tape.watch([a, h_prev, c_prev])
        _, h, c = lstm(a[:, None, :], initial_state=[h_prev, c_prev])
        target = tf.reduce_sum(h * data["lstm/dh"]) + tf.reduce_sum(c * data["lstm/dc"])
    grads = tape.gradient(target, [a, h_prev, c_prev, *lstm.weights[1:]])
    names = ("lstm/ds", "lstm/dh_prev", "lstm/dc_prev", "lstm/dU", "lstm/db")
    out.update({k: g.numpy() for k, g in zip(names, grads)})
    out.update({"lstm/h": h.numpy(), "lstm/c": c.numpy()})
    return out


def _windows() -> dict[str, np.ndarray]:
    """Exercise 0: ``ex``, ``dx``, ``dy`` of a short 1-D series by the seed's loop."""
    x = np.linspace(-np.pi, np.pi, WINDOW_POINTS)
    seq_in, seq_out = np.sin(x), np.cos(x)
    ex, dx, dy = make_windows_seed(seq_in, seq_out, WINDOW_STEPS)
    return {
        "windows/seq_in": seq_in,
        "windows/seq_out": seq_out,
        "windows/steps": np.asarray(WINDOW_STEPS),
        "windows/ex": ex,
        "windows/dx": dx,
        "windows/dy": dy,
    }


def _attention_inputs() -> dict[str, np.ndarray]:
    """The attention exercise's queries, encoder states and upstream gradient (their own
    generator, so that adding them changed none of the numbers above)."""
    rng = np.random.default_rng(20261201)
    return {
        "attention/q": rng.uniform(-1.5, 1.5, (N, T_D, H)),
        "attention/e": rng.uniform(-1.5, 1.5, (N, T, H)),
        "attention/dc": rng.standard_normal((N, T_D, H)),
    }


def _attention(data: dict) -> dict[str, np.ndarray]:
    """``keras.layers.Attention()([q, e], return_attention_scores=True)`` at its defaults (dot
    scores, no scale) and its vector-Jacobian products with dc by the tape: on q and e, and on
    the scores, by running the layer's own two halves (``_calculate_scores``, then
    ``_apply_scores``: what its ``call`` does without masks) with the scores watched."""
    layer = tf.keras.layers.Attention(dtype="float64")
    q, e, dc = (tf.constant(data[f"attention/{k}"]) for k in ("q", "e", "dc"))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([q, e])
        c, a = layer([q, e], return_attention_scores=True)
        target = tf.reduce_sum(c * dc)  # a vector-Jacobian product with dc
        s = layer._calculate_scores(query=q, key=e)
        tape.watch(s)
        c_halves, a_halves = layer._apply_scores(scores=s, value=e)
        target_halves = tf.reduce_sum(c_halves * dc)
    dq, de = tape.gradient(target, [q, e])
    ds = tape.gradient(target_halves, s)
    if not (np.array_equal(c_halves.numpy(), c.numpy()) and np.array_equal(a_halves, a)):
        raise RuntimeError("the Attention layer's two halves do not reproduce its call")
    return {
        "attention/s": s.numpy(),
        "attention/a": a.numpy(),
        "attention/c": c.numpy(),
        "attention/ds": ds.numpy(),
        "attention/dq": dq.numpy(),
        "attention/de": de.numpy(),
    }


def make() -> dict[str, np.ndarray]:
    """Every array of the golden file, computed by Keras in float64."""
    data, extra = inputs()
    model_train, model_pred_e, pred_d_model = build_models(D, O, H, T, dtype="float64")
    names = [f"{v.path.split('/')[0]}/{v.path.split('/')[-1]}" for v in model_train.weights]
    if tuple(names) != WEIGHT_KEYS:
        raise RuntimeError(f"model_train's weights are not in the expected order: {names}")
    weights = [data[f"weights/{k}"] for k in WEIGHT_KEYS]
    model_train.set_weights(weights)
    ex, dx, dy = data["ex"], data["dx"], data["dy"]

    out = {**data, **extra, **_one_step(extra)}
    out.update(_unrolled(model_train, ex, dx, dy))
    loss, grads = _tape_grads(model_train, ex, dx, dy)
    out.update({f"grads/{k}": g for k, g in zip(WEIGHT_KEYS, grads)})
    y_model = model_train([tf.constant(ex), tf.constant(dx)], training=False).numpy()
    # The unrolled pass must be the model's pass, or its states would not be Keras's.
    if not (
        np.allclose(y_model, out["forward/y"], rtol=0, atol=1e-14)
        and abs(loss - float(out["loss"])) < 1e-14
    ):
        raise RuntimeError("the unrolled layers do not reproduce model_train's output and loss")
    out.update(_adam(extra, weights))
    out["predict/steps"] = np.asarray(PREDICT_STEPS)
    out["predict/y"] = predict(model_pred_e, pred_d_model, ex, PREDICT_STEPS)
    out.update(_windows())
    cells = _cell_inputs()
    out.update({**cells, **_cell_steps(cells)})
    attention = _attention_inputs()
    out.update({**attention, **_attention(attention)})
    out["keras_version"] = np.asarray(tf.keras.version())
    return out


def write(path: str | Path) -> Path:
    """Write the golden file to ``path`` (an ``.npz``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **make())
    return path
