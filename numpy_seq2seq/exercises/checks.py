"""The checker: each exercise's functions run on a fixed problem and compared, tensor by
tensor, with Keras's numbers (the golden file) and with central differences.

Each exercise has a *harness*: it plugs the functions it is given into the
core's classes (a subclass that overrides only the exercised method, so the
rest of the machinery is ours) and returns the tensors they produce.  The
same harness runs the learner's functions, the core's own (the right answer),
and every known mistake (the core's source with one edit, ``source.mutant``):
a mistake is named when the learner's tensors are the ones it produces.
"""

from __future__ import annotations

import textwrap
import types
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..core.adam import Adam, AdamStep
from ..core.seq2seq import WEIGHT_NAMES, Dense, Seq2SeqNet, mse
from ..core.simple_rnn import SimpleRNN
from ..data import make_windows, sin_cos
from ..gradcheck import numerical_gradient
from ..model import Seq2Seq
from . import source
from .catalog import EXERCISES, Exercise
from .grading import (
    CORE,
    GOLDEN,
    NUMERICAL,
    Fault,
    Row,
    compare,
    expect_array,
    expect_pair,
    run,
    table,
)

GOLDEN_PATH = Path(__file__).with_name("golden.npz")
KEYS = [f"{layer}/{name}" for layer, name in WEIGHT_NAMES]
#: Exercise 9's training run: the seed's fit call on the seed's data, and its target.
TRAIN_SEED, TRAIN_EPOCHS, TARGET_VAL_LOSS = 0, 80, 0.02


def load_golden(path: str | Path = GOLDEN_PATH) -> dict[str, np.ndarray]:
    """Keras's float64 numbers for the exercises (``python -m reference_keras golden``)."""
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def subclass(base: type, methods: dict[str, Callable]) -> type:
    """``base`` with only ``methods`` replaced: the learner's pieces in our machinery."""
    return type(f"Your{base.__name__}", (base,), dict(methods))


class Context:
    """The golden problem, the workspace, and numerical references computed once."""

    def __init__(self, golden: dict[str, np.ndarray], workspace: Path) -> None:
        self.g, self.workspace = golden, workspace
        self.N, self.T, self.H = golden["forward/e_hs"].shape
        self.D, self.O = golden["ex"].shape[2], golden["dy"].shape[2]
        self._numerical: dict[str, list[np.ndarray]] = {}

    def weights(self, layer: str) -> list[np.ndarray]:
        return [self.g[f"weights/{k}"].copy() for k in KEYS if k.startswith(layer + "/")]

    def net(self, rnn: type = SimpleRNN, dense: type = Dense, net: type = Seq2SeqNet):
        e = rnn(*self.weights("e_rnn"), name="e_rnn")
        d = rnn(*self.weights("d_rnn"), name="d_rnn")
        return net(e, d, dense(*self.weights("d_output"), name="d_output"))

    def numerical(self, key: str, make: Callable[[], list[np.ndarray]]) -> list[np.ndarray]:
        if key not in self._numerical:
            self._numerical[key] = make()
        return self._numerical[key]


class Mistake(NamedTuple):
    """A known mistake: its name, what to change, and the functions that make it."""

    name: str
    explain: str
    make: Callable[[Context], dict[str, Callable]]


class Result(NamedTuple):
    exercise: Exercise
    passed: bool
    rows: list[Row]
    fault: str | None
    mistakes: list[Mistake]
    notes: list[str]


# -- the harnesses: functions in, tensors out ---------------------------------------------
def _grads_in_place(layer, before: list, what: str) -> None:
    if any(g is not b for g, b in zip(layer.grads, before)):
        raise Fault(
            f"{what} replaced the arrays in self.grads instead of writing into them. The model "
            "and Adam hold those very arrays, so write in place: self.grads[0][...] = dW."
        )


def h_step(ctx: Context, f: dict) -> dict:
    g, rnn = ctx.g, subclass(SimpleRNN, f)
    cell = rnn(np.eye(ctx.H), g["step/recurrent_kernel"].copy(), np.zeros(ctx.H))
    h = run(cell.step, "Your `step`", ctx.workspace, a_t=g["step/a"], h_prev=g["step/h_prev"])
    out = {"h_t = step(a_t, h_prev)": expect_array(h, "step", (ctx.N, ctx.H), "h_t: (N, H)")}
    enc = rnn(*ctx.weights("e_rnn"))
    hs = run(enc.forward, "Our `forward`, calling your `step`,", ctx.workspace, xs=g["ex"])
    out["hs (our forward, your step)"] = hs
    return out


def h_forward(ctx: Context, f: dict) -> dict:
    g, rnn = ctx.g, subclass(SimpleRNN, f)
    shape = (ctx.N, ctx.T, ctx.H)
    enc, dec = rnn(*ctx.weights("e_rnn")), rnn(*ctx.weights("d_rnn"))
    hs = run(enc.forward, "Your `forward` (encoder, h0=None)", ctx.workspace, xs=g["ex"])
    out = {"hs encoder": expect_array(hs, "forward", shape, "hs: (N, T, H)")}
    out["self.state = h_T"] = expect_array(enc.state, "self.state", shape[::2], "h_T: (N, H)")
    ctx_h0 = g["forward/context"].copy()
    hs = run(dec.forward, "Your `forward` (decoder)", ctx.workspace, xs=g["dx"], h0=ctx_h0)
    out["hs decoder (h0 = context)"] = expect_array(hs, "forward", shape, "hs: (N, T, H)")
    try:  # our backward reads the cache the learner's forward kept
        SimpleRNN.backward(enc, None, g["grad/context"])
    except Exception as err:
        raise Fault(
            f"Our `backward` could not use what your forward kept in self.cache ({err!r}). "
            "Keep self.cache = (xs, h0, hs), with h0 the zeros you started from."
        ) from None
    out["dU via our backward"] = enc.grads[1].copy()
    return out


def h_dense_mse(ctx: Context, f: dict) -> dict:
    g = ctx.g
    res = run(f["mse"], "Your `mse`", ctx.workspace, y=g["forward/y"], target=g["dy"])
    loss, d_y = expect_pair(res, "mse")
    if np.ndim(loss) != 0:
        raise Fault(f"`mse` must return the loss as one number; it returned {np.shape(loss)}.")
    out = {"loss (mse)": np.asarray(loss, dtype=np.float64)}
    out["d_y (mse)"] = expect_array(d_y, "mse's gradient", g["dy"].shape, "dy: (N, T, O)")
    dense = subclass(Dense, {"backward": f["backward"]})(*ctx.weights("d_output"))
    dense.forward(g["forward/d_hs"])
    before = list(dense.grads)
    dhs = run(dense.backward, "Your `Dense.backward`", ctx.workspace, dys=g["grad/y"])
    out["dhs (Dense.backward)"] = expect_array(dhs, "backward", g["forward/d_hs"].shape, "(N,T,H)")
    _grads_in_place(dense, before, "Your Dense.backward")
    out["dV"], out["db_o"] = (gr.copy() for gr in dense.grads)
    return out


def h_step_backward(ctx: Context, f: dict) -> dict:
    g = ctx.g
    cell = subclass(SimpleRNN, f)(np.eye(ctx.H), g["step/recurrent_kernel"].copy(), np.zeros(ctx.H))
    dtanh_t = 1 - g["step/h"] ** 2  # tanh'(z_t), as backward computes it for every step
    dh_prev = run(
        cell.step_backward, "Your `step_backward`", ctx.workspace, dh=g["step/dh"], dtanh_t=dtanh_t
    )
    shape = (ctx.N, ctx.H)
    return {
        "dh_prev (to h_{t-1})": expect_array(dh_prev, "the gradient on h_{t-1}", shape, "(N, H)"),
    }


def _bptt(ctx: Context, rnn: type, layer: str, xs, h0, dhs, dh_last) -> dict:
    net = rnn(*ctx.weights(layer))
    SimpleRNN.forward(net, xs, h0)
    given = None if dhs is None else dhs.copy()
    before = list(net.grads)
    res = run(net.backward, f"Your `backward` ({layer})", ctx.workspace, dhs=given, dh_last=dh_last)
    dxs, dh0 = expect_pair(res, "backward")
    if dhs is not None and not np.array_equal(given, dhs):
        raise Fault("Your `backward` changed its input dhs in place; add into a new array.")
    _grads_in_place(net, before, "Your backward")
    n, t, h = ctx.N, ctx.T, ctx.H
    out = {f"{layer} d{k}": gr.copy() for k, gr in zip(("W", "U", "b"), net.grads)}
    out[f"{layer} dxs"] = expect_array(dxs, "dxs", xs.shape, "(N, T, D)")
    out[f"{layer} dh0"] = expect_array(dh0, "dh0", (n, h), "(N, H)")
    out[f"{layer} self.dh"] = expect_array(net.dh, "self.dh", (n, t, h), "every dh_t: (N, T, H)")
    return out


def h_bptt(ctx: Context, f: dict) -> dict:
    g, rnn = ctx.g, subclass(SimpleRNN, f)
    zeros = np.zeros((ctx.N, ctx.H))
    dec = _bptt(ctx, rnn, "d_rnn", g["dx"], g["forward/context"], g["grad/d_hs_up"], None)
    return dec | _bptt(ctx, rnn, "e_rnn", g["ex"], zeros, None, g["grad/context"].copy())


def h_context(ctx: Context, f: dict) -> dict:
    g, net = ctx.g, ctx.net(net=subclass(Seq2SeqNet, f))
    net.forward(g["ex"], g["dx"])
    run(net.backward, "Your `Seq2SeqNet.backward`", ctx.workspace, d_y=g["grad/y"].copy())
    return {f"d {k}": gr.copy() for k, gr in zip(KEYS, net.grads)}


def h_adam(ctx: Context, f: dict) -> dict:
    g, opt = ctx.g, subclass(Adam, f)()
    params, out = [g[f"weights/{k}"].copy() for k in KEYS], {}
    for k in range(1, int(g["adam/iterations"]) + 1):
        grads = [g[f"adam/grad/{k}/{key}"] for key in KEYS]
        before = [p.copy() for p in params]
        step = run(
            opt.update, f"Your `update` (step {k})", ctx.workspace, params=params, grads=grads
        )
        if not (isinstance(step, tuple) and len(step) == 4):
            raise Fault("`update` must return an AdamStep(params, m, v, iterations).")
        step = AdamStep(*step)
        if any(not np.array_equal(p, b) for p, b in zip(params, before)):
            raise Fault("Your `update` wrote into params; it must only compute (commit writes).")
        for name in ("params", "m", "v"):
            for key, p, new in zip(KEYS, params, getattr(step, name)):
                expect_array(new, f"AdamStep.{name} for {key}", p.shape, "the weight's shape")
        opt.commit(params, step)
        out[f"weights after step {k}"] = np.concatenate([p.ravel() for p in params])
        out[f"m after step {k}"] = np.concatenate([m.ravel() for m in opt.m])
        out[f"v after step {k}"] = np.concatenate([v.ravel() for v in opt.v])
    out["iterations"] = np.asarray(float(opt.iterations))
    return out


def h_predict(ctx: Context, f: dict) -> dict:
    g, net = ctx.g, ctx.net(net=subclass(Seq2SeqNet, f))
    out = {}
    for steps in (ctx.T, int(g["predict/steps"])):
        y = run(net.predict, "Your `predict`", ctx.workspace, ex=g["ex"], steps=steps)
        shape = (ctx.N, steps, ctx.O)
        out[f"y, steps={steps}"] = expect_array(y, "predict", shape, "(N, steps, O)")
    return out


def h_train(ctx: Context, f: dict) -> dict:
    g, net = ctx.g, ctx.net(net=subclass(Seq2SeqNet, f))
    loss = run(
        net.loss_and_grads,
        "Your `loss_and_grads`",
        ctx.workspace,
        ex=g["ex"],
        dx=g["dx"],
        dy=g["dy"],
    )
    if np.ndim(loss) != 0:
        raise Fault("`loss_and_grads` must return the loss, one number.")
    out = {"loss": np.asarray(loss, dtype=np.float64)}
    return out | {f"d {k}": gr.copy() for k, gr in zip(KEYS, net.grads)}


# -- the references ------------------------------------------------------------------------
def _vjp(ctx: Context, key: str, fn: Callable[[], float], arrays: list) -> list[np.ndarray]:
    return ctx.numerical(key, lambda: [numerical_gradient(fn, a) for a in arrays])


def r_step(ctx: Context) -> list:
    return [
        ("h_t = step(a_t, h_prev)", ctx.g["step/h"], GOLDEN),
        ("hs (our forward, your step)", ctx.g["forward/e_hs"], GOLDEN),
    ]


def r_forward(ctx: Context) -> list:
    g = ctx.g
    return [
        ("hs encoder", g["forward/e_hs"], GOLDEN),
        ("self.state = h_T", g["forward/context"], GOLDEN),
        ("hs decoder (h0 = context)", g["forward/d_hs"], GOLDEN),
        ("dU via our backward", g["grads/e_rnn/recurrent_kernel"], GOLDEN),
    ]


def r_dense_mse(ctx: Context) -> list:
    g = ctx.g
    y, V, b, hs = g["forward/y"].copy(), *ctx.weights("d_output"), g["forward/d_hs"].copy()
    (num_y,) = _vjp(ctx, "mse", lambda: mse(y, g["dy"])[0], [y])
    num = _vjp(ctx, "dense", lambda: mse(hs @ V + b, g["dy"])[0], [V, b, hs])
    return [
        ("loss (mse)", g["loss"], GOLDEN),
        ("d_y (mse)", g["grad/y"], GOLDEN),
        ("d_y (mse)", num_y, NUMERICAL),
        ("dhs (Dense.backward)", g["grad/d_hs_up"], GOLDEN),
        ("dhs (Dense.backward)", num[2], NUMERICAL),
        ("dV", g["grads/d_output/kernel"], GOLDEN),
        ("dV", num[0], NUMERICAL),
        ("db_o", g["grads/d_output/bias"], GOLDEN),
        ("db_o", num[1], NUMERICAL),
    ]


def r_step_backward(ctx: Context) -> list:
    g = ctx.g
    cell = SimpleRNN(np.eye(ctx.H), g["step/recurrent_kernel"].copy(), np.zeros(ctx.H))
    a, h_prev = g["step/a"].copy(), g["step/h_prev"].copy()
    num = _vjp(ctx, "step", lambda: float(np.sum(g["step/dh"] * cell.step(a, h_prev))), [h_prev])
    return [
        ("dh_prev (to h_{t-1})", g["step/dh_prev"], GOLDEN),
        ("dh_prev (to h_{t-1})", num[0], NUMERICAL),
    ]


def _bptt_numerical(ctx: Context, layer: str, xs, h0, dhs, dh_last) -> list:
    rnn = SimpleRNN(*ctx.weights(layer))
    xs, h0 = xs.copy(), h0.copy()

    def f() -> float:  # <dhs, hs> + <dh_last, h_T>: backward is its gradient
        hs = rnn.forward(xs, h0)
        return float(np.sum(dhs * hs) if dhs is not None else np.sum(dh_last * hs[:, -1]))

    return _vjp(ctx, layer, f, [*rnn.params, xs, h0])


def r_bptt(ctx: Context) -> list:
    g, rows = ctx.g, []
    zeros = np.zeros((ctx.N, ctx.H))
    for layer, xs, h0, dhs, dh_last, gx, dh in (
        ("d_rnn", g["dx"], g["forward/context"], g["grad/d_hs_up"], None, "dx", "d_dh"),
        ("e_rnn", g["ex"], zeros, None, g["grad/context"], "ex", "e_dh"),
    ):
        num = _bptt_numerical(ctx, layer, xs, h0, dhs, dh_last)
        for i, (k, name) in enumerate((("W", "kernel"), ("U", "recurrent_kernel"), ("b", "bias"))):
            rows += [
                (f"{layer} d{k}", g[f"grads/{layer}/{name}"], GOLDEN),
                (f"{layer} d{k}", num[i], NUMERICAL),
            ]
        rows += [(f"{layer} dxs", g[f"grad/{gx}"], GOLDEN), (f"{layer} dxs", num[3], NUMERICAL)]
        if layer == "d_rnn":  # the decoder's dh0 is the context's gradient, eq. (13)
            rows.append((f"{layer} dh0", g["grad/context"], GOLDEN))
        rows += [(f"{layer} dh0", num[4], NUMERICAL), (f"{layer} self.dh", g[f"grad/{dh}"], GOLDEN)]
    return rows


def _weight_numerical(ctx: Context) -> list:
    g, net = ctx.g, ctx.net()
    return _vjp(ctx, "weights", lambda: mse(net.forward(g["ex"], g["dx"]), g["dy"])[0], net.params)


def r_context(ctx: Context) -> list:
    rows = []
    for k, num in zip(KEYS, _weight_numerical(ctx)):
        rows += [(f"d {k}", ctx.g[f"grads/{k}"], GOLDEN), (f"d {k}", num, NUMERICAL)]
    return rows


def r_adam(ctx: Context) -> list:
    g, rows = ctx.g, []
    for k in range(1, int(g["adam/iterations"]) + 1):
        for name, key in (("weights", "param"), ("m", "m"), ("v", "v")):
            ref = np.concatenate([g[f"adam/{key}/{k}/{w}"].ravel() for w in KEYS])
            rows.append((f"{name} after step {k}", ref, GOLDEN))
    return [*rows, ("iterations", g["adam/iterations"], GOLDEN)]


def r_predict(ctx: Context) -> list:
    y = ctx.g["predict/y"]
    return [(f"y, steps={ctx.T}", y[:, : ctx.T], GOLDEN), (f"y, steps={len(y[0])}", y, GOLDEN)]


def r_train(ctx: Context) -> list:
    rows = [("loss", ctx.g["loss"], GOLDEN)]
    for k, num in zip(KEYS, _weight_numerical(ctx)):
        rows += [(f"d {k}", ctx.g[f"grads/{k}"], GOLDEN), (f"d {k}", num, NUMERICAL)]
    return rows


# -- the mistakes ------------------------------------------------------------------------
def _mutant(func: Callable, old: str, new: str) -> Callable[[Context], dict]:
    return lambda ctx: {func.__name__: source.mutant(func, old, new)}


def _paper_adam(epsilon: float | None) -> Callable[[Context], dict]:
    """Eq. (16), Kingma & Ba's Algorithm 1: both moments bias-corrected, epsilon beside
    sqrt(v_hat).  ``epsilon`` None: the optimizer's own (Keras's 1e-7)."""

    def update(self, params, grads):
        t, lr = self.iterations + 1, self.learning_rate
        b1, b2 = self.beta_1, self.beta_2
        eps = self.epsilon if epsilon is None else epsilon
        m_old = self.m or [np.zeros_like(p) for p in params]
        v_old = self.v or [np.zeros_like(p) for p in params]
        m = [b1 * m + (1 - b1) * g for g, m in zip(grads, m_old)]
        v = [b2 * v + (1 - b2) * g * g for g, v in zip(grads, v_old)]
        new = [
            p - lr * (m_i / (1 - b1**t)) / (np.sqrt(v_i / (1 - b2**t)) + eps)
            for p, m_i, v_i in zip(params, m, v)
        ]
        return AdamStep(new, m, v, t)

    return lambda ctx: {"update": update}


def _teacher_forced(ctx: Context) -> dict:
    """Inference fed the true y while there is one (as in training), then its own output."""
    true_dx = ctx.g["dx"]

    def predict(self, ex, steps):
        state, ys = self.encode(ex), []
        y = np.zeros((ex.shape[0], 1, true_dx.shape[2]))
        for t in range(steps):
            x = true_dx[:, t : t + 1] if t < true_dx.shape[1] else y
            hs = self.d_rnn.forward(x, h0=state)
            state, y = self.d_rnn.state, self.d_output.forward(hs)
            ys.append(y)
        return np.concatenate(ys, axis=1)

    return {"predict": predict}


MSE_SCALE = "MSE without its 2/(N·T·O)"
TANH = "1 - tanh(z) written instead of 1 - h²"
DH_NEXT = "the missing `+ dh_next`"
PAPER = "the paper's Adam where Keras's is expected"
TRUE_Y = "the true y fed back at inference"

_DY = "dy = diff * (2.0 / diff.size)"
_TANH = "1 - hs**2"
MISTAKES: dict[str, list[Mistake]] = {
    "step": [
        Mistake(
            "the bias added twice",
            "a_t already holds x_t W + b (eq. (1)); step adds only h_{t-1} U before the tanh.",
            _mutant(
                SimpleRNN.step,
                "a_t + np.dot(h_prev, U)",
                "a_t + np.dot(h_prev, U) + self.params[2]",
            ),
        ),
        Mistake(
            "U^T where U belongs",
            "Keras computes h_{t-1} @ U with U = recurrent_kernel, not its transpose.",
            _mutant(SimpleRNN.step, "np.dot(h_prev, U)", "np.dot(h_prev, U.T)"),
        ),
    ],
    "forward": [
        Mistake(
            "h0 ignored",
            "the decoder must start from the context, eq. (3): use h0 when "
            "it is given, zeros only when it is None.",
            _mutant(SimpleRNN.forward, "if h0 is None else h0", ""),
        ),
    ],
    "dense_mse": [
        Mistake(
            MSE_SCALE,
            "your d_y is y - y*: eq. (6) multiplies it by 2/(N·T·O).",
            _mutant(mse, _DY, "dy = diff"),
        ),
        Mistake(
            MSE_SCALE,
            "your d_y is 2 (y - y*): the mean's 1/(N·T·O) is missing (eq. (6)).",
            _mutant(mse, _DY, "dy = 2.0 * diff"),
        ),
        Mistake(
            MSE_SCALE,
            "your d_y is (y - y*)/(N·T·O): the 2 from the square is missing.",
            _mutant(mse, _DY, "dy = diff / diff.size"),
        ),
        Mistake(
            MSE_SCALE,
            "your d_y has 2/(N·T): Keras also averages over the O features.",
            _mutant(mse, _DY, "dy = diff * (2.0 / (diff.shape[0] * diff.shape[1]))"),
        ),
        Mistake(
            MSE_SCALE,
            "your d_y has 2/N: Keras averages over steps and features too.",
            _mutant(mse, _DY, "dy = diff * (2.0 / diff.shape[0])"),
        ),
    ],
    "step_backward": [
        Mistake(
            "U where U^T belongs",
            "z_t = a_t + h_{t-1} U, so eq. (10) sends dz_t U^T back.",
            _mutant(SimpleRNN.step_backward, "np.dot(dz_t, U.T)", "np.dot(dz_t, U)"),
        ),
        Mistake(
            "dh sent back without the tanh'",
            "eq. (10) sends back dz_t U^T, and dz_t = dh * tanh'(z_t) (eq. (9)): "
            "the gradient goes back through the tanh before it reaches h_{t-1} U.",
            _mutant(SimpleRNN.step_backward, "np.dot(dz_t, U.T)", "np.dot(dh, U.T)"),
        ),
    ],
    "bptt": [
        Mistake(
            DH_NEXT,
            "h_t feeds the output above AND step t+1 (eq. (8)): dh = dhs[:, t] + dh_next.",
            _mutant(SimpleRNN.backward, "dhs[:, t] + dh_next", "dhs[:, t]"),
        ),
        Mistake(
            "dU from h_t instead of h_{t-1}",
            "eq. (11) pairs dz_t with the state BEFORE "
            "the step: h_{t-1}, and h0 for the first step.",
            _mutant(SimpleRNN.backward, "np.concatenate([h0[:, None], hs[:, :-1]], axis=1)", "hs"),
        ),
        Mistake(
            TANH,
            "tanh'(z) = 1 - tanh(z)², and tanh(z_t) is h_t: eq. (9) is 1 - hs**2.",
            _mutant(SimpleRNN.backward, _TANH, "1 - hs"),
        ),
        Mistake(
            TANH,
            "you applied tanh to hs again: hs already is tanh(z), so eq. (9) is 1 - hs**2.",
            _mutant(SimpleRNN.backward, _TANH, "1 - np.tanh(hs) ** 2"),
        ),
    ],
    "context": [
        Mistake(
            "the context's gradient never reaches the encoder",
            "eq. (13): pass the "
            "decoder's dh0 to the encoder as dh_last, the gradient on its last state.",
            _mutant(Seq2SeqNet.backward, "dh_last=d_context", "dh_last=None"),
        ),
    ],
    "adam": [
        Mistake(
            PAPER,
            "eq. (16) with epsilon = 1e-7 beside sqrt(v_hat); Keras folds the bias "
            "corrections into alpha_t and adds epsilon to sqrt(v), eq. (15).",
            _paper_adam(None),
        ),
        Mistake(
            PAPER,
            "eq. (16) with the paper's epsilon = 1e-8; Keras's is eq. (15) with 1e-7.",
            _paper_adam(1e-8),
        ),
        Mistake(
            "betas not rounded through float32 as Keras does",
            "in the powers beta^t Keras "
            "uses float32(0.9) = 0.8999999762 even in float64 (docs/bptt.md, Adam).",
            _mutant(
                Adam.update,
                "dt(np.float32(self.beta_1)), dt(np.float32(self.beta_2))",
                "dt(self.beta_1), dt(self.beta_2)",
            ),
        ),
        Mistake(
            "no bias correction",
            "eq. (15): alpha_t = lr sqrt(1 - beta_2^t) / (1 - beta_1^t).",
            _mutant(
                Adam.update,
                "dt(self.learning_rate) * np.sqrt(",
                "dt(self.learning_rate) + 0 * np.sqrt(",
            ),
        ),
    ],
    "predict": [
        Mistake(
            TRUE_Y,
            "at inference there is no true y: feed back your own output y_t as "
            "the next input (x^d_{t+1} = y_t).",
            _teacher_forced,
        ),
        Mistake(
            "the output is never fed back",
            "the decoder's input must be the previous output, not zero at every step.",
            _mutant(Seq2SeqNet.predict, "ys.append(y)", "ys.append(y); y = 0 * y"),
        ),
        Mistake(
            "the decoder restarts from the context at every step",
            "carry the state: state = self.d_rnn.state after each step.",
            _mutant(Seq2SeqNet.predict, "state = self.d_rnn.state", "pass"),
        ),
    ],
    "train": [],
}

HARNESS = {
    "step": (h_step, r_step),
    "forward": (h_forward, r_forward),
    "dense_mse": (h_dense_mse, r_dense_mse),
    "step_backward": (h_step_backward, r_step_backward),
    "bptt": (h_bptt, r_bptt),
    "context": (h_context, r_context),
    "adam": (h_adam, r_adam),
    "predict": (h_predict, r_predict),
    "train": (h_train, r_train),
}


# -- running an exercise ----------------------------------------------------------------
def load_functions(ctx: Context, exercise: Exercise) -> dict[str, Callable]:
    """The learner's functions of one exercise, by name, or a ``Fault`` saying why not."""
    path = ctx.workspace / exercise.filename
    if not path.is_file():
        raise Fault(
            f"{path} is missing. `python -m numpy_seq2seq.exercises new "
            f"{ctx.workspace}` writes the workspace."
        )
    try:
        module = source.load(path, exercise.number)
    except SyntaxError as err:
        raise Fault(f"{path.name} has a syntax error at line {err.lineno}: {err.msg}.") from None
    except Exception as err:
        raise Fault(f"{path.name} could not be loaded: {type(err).__name__}: {err}.") from None
    found = {}
    for _, func in exercise.functions:
        value = getattr(module, func.__name__, None)
        if not callable(value):
            raise Fault(
                f"{path.name} has no function `{func.__name__}`; keep the name and the "
                "signature that the skeleton gave it."
            )
        found[func.__name__] = value
    found["__module__"] = module
    return found


def _differs(a, b) -> bool:
    return a.shape != b.shape or not np.allclose(a, b, rtol=1e-9, atol=1e-12)


def named_mistakes(ctx: Context, exercise: Exercise, got: dict, right: dict) -> list[Mistake]:
    """The known mistakes whose numbers are the learner's, where they differ from the right ones."""
    harness, found = HARNESS[exercise.name][0], []
    core = {f.__name__: f for _, f in exercise.functions}
    for mistake in MISTAKES[exercise.name]:
        try:
            made = harness(ctx, core | mistake.make(ctx))
        except Fault:
            continue
        changed = [k for k in made if k in right and _differs(made[k], right[k])]
        if changed and all(k in got and not _differs(got[k], made[k]) for k in changed):
            if mistake.name not in [m.name for m in found]:
                found.append(mistake)
    return found


def check_exercise(ctx: Context, exercise: Exercise) -> Result:
    harness, references = HARNESS[exercise.name]
    try:
        funcs = load_functions(ctx, exercise)
        module = funcs.pop("__module__")
        got = harness(ctx, funcs)
        rows = [compare(t, got[t], ref, kind) for t, ref, kind in references(ctx)]
    except Fault as fault:
        return Result(exercise, False, [], str(fault), [], [])
    except Exception as err:  # what the learner returned broke a comparison: say so, briefly
        return Result(
            exercise,
            False,
            [],
            f"The checker could not grade what your code "
            f"returned ({type(err).__name__}: {err}); compare it with the docstring.",
            [],
            [],
        )
    right = harness(ctx, {f.__name__: f for _, f in exercise.functions})
    rows += [compare(t, got[t], right[t], CORE) for t in got if t not in {r.tensor for r in rows}]
    passed = all(r.close for r in rows)
    mistakes = [] if passed else named_mistakes(ctx, exercise, got, right)
    notes = [
        f"{t} is {np.asarray(v).dtype}: the inputs are float64, and so must be the result."
        for t, v in got.items()
        if np.asarray(v).dtype != np.float64
    ]
    if exercise.name == "train" and passed:
        passed, notes = train_with_your_pieces(ctx, module)
    return Result(exercise, passed, rows, None, mistakes, notes)


def train_with_your_pieces(ctx: Context, module: types.ModuleType) -> tuple[bool, list[str]]:
    """The seed task, trained by numpy_seq2seq's fit loop with every piece the learner's."""
    try:
        mine = {e.number: load_functions(ctx, e) for e in EXERCISES[:7]}
    except Fault as fault:
        return False, [f"Training needs your exercises 1-7 and this one: {fault}"]
    module.mse = mine[3]["mse"]  # this file's `mse` becomes yours (exercise 3)
    rnn = subclass(
        SimpleRNN,
        {
            "step": mine[1]["step"],
            "forward": mine[2]["forward"],
            "step_backward": mine[4]["step_backward"],
            "backward": mine[5]["backward"],
        },
    )
    dense = subclass(Dense, {"backward": mine[3]["backward"]})
    net = subclass(
        Seq2SeqNet, {"backward": mine[6]["backward"], "loss_and_grads": module.loss_and_grads}
    )
    optimizer = subclass(Adam, {"update": mine[7]["update"]})()
    model = Seq2Seq(seed=TRAIN_SEED, dtype="float64")
    e, d, o = model.net.layers
    model.net = net(
        rnn(*e.params, name="e_rnn"),
        rnn(*d.params, name="d_rnn"),
        dense(*o.params, name="d_output"),
    )
    model.e_rnn, model.d_rnn, model.d_output = model.net.layers
    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
    call = f"fit([ex, dx], dy, batch_size=16, epochs={TRAIN_EPOCHS}, validation_split=0.2)"
    try:
        history = run(
            lambda: model.fit(
                [ex, dx],
                dy,
                batch_size=16,
                epochs=TRAIN_EPOCHS,
                validation_split=0.2,
                seed=TRAIN_SEED,
                optimizer=optimizer,
            ),
            f"Training ({call})",
            ctx.workspace,
        )
    except Fault as fault:
        return False, [str(fault)]
    val = history.history["val_loss"][-1]
    verdict = "below" if val < TARGET_VAL_LOSS else "NOT below"
    return val < TARGET_VAL_LOSS, [
        f"The seed task, {call}, every piece yours: final val_loss = {val:.4f}, {verdict} "
        f"the target {TARGET_VAL_LOSS}."
    ]


def report(result: Result) -> str:
    """One exercise, as the learner reads it: the table, what went wrong, the verdict."""
    e = result.exercise
    lines = []
    if result.rows:
        lines.append(table(result.rows))
    if result.fault:
        lines.append(
            textwrap.fill(result.fault, 96, initial_indent="    ", subsequent_indent="    ")
        )
    for m in result.mistakes:
        lines.append(
            textwrap.fill(
                f"Looks like {m.name}: {m.explain}",
                96,
                initial_indent="    ",
                subsequent_indent="      ",
            )
        )
    if not result.passed and result.rows and not result.mistakes:
        bad = [r.tensor for r in result.rows if not r.close]
        if bad:
            lines.append(
                textwrap.fill(
                    "Off: " + ", ".join(dict.fromkeys(bad)) + ". No known mistake gives these "
                    "numbers; compare your code with the equations its docstring cites.",
                    96,
                    initial_indent="    ",
                    subsequent_indent="    ",
                )
            )
    lines += [
        textwrap.fill(n, 96, initial_indent="    ", subsequent_indent="    ") for n in result.notes
    ]
    lines.append(f"  -> exercise {e.number} ({e.name}): {'PASS' if result.passed else 'FAIL'}")
    return "\n".join(lines)
