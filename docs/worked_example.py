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
# # A worked example: H = 1, T = 2, every number
#
# The seed's Seq2Seq shrunk until every number fits on a page: **one** hidden unit (so every
# weight is a single number), an encoder that reads **two** steps and a decoder that writes
# **two**, one window, float64.  This page is a notebook, executed when the site was built:
# every number on it is printed by the code that computes it, with `numpy_seq2seq`'s own
# layers (`SimpleRNN`, `Dense`, `mse`, `Seq2Seq.loss_and_grads`).  Each line names the
# equation of the [derivation](bptt.md) it computes, and each gradient stands beside its
# **central difference**: the loss recomputed by the package's forward pass with that one
# quantity nudged by ±δ, (L(+δ) − L(−δ)) / 2δ (δ, not ε: ε is Adam's).
#
# Run it yourself: `python docs/worked_example.py`, or open it as a notebook with jupytext.

# %%
import numpy as np

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.core.seq2seq import mse  # Keras's MSE, eqs. (5)-(6)
from numpy_seq2seq.layers import Dense, SimpleRNN

# Round numbers, easy to follow with a calculator, in get_weights() order.
w = {"W_e": 0.6, "U_e": 0.9, "b_e": 0.1, "W_d": 0.5, "U_d": -0.7, "b_d": 0.2, "V": 1.5, "b_o": -0.1}
weights = [np.full((1, 1) if k[0] in "WUV" else (1,), v) for k, v in w.items()]  # Keras's shapes
ex = np.array([1.0, 0.5]).reshape(1, 2, 1)  # what the encoder reads (N=1, T=2, D=1)
dy = np.array([0.5, -0.5]).reshape(1, 2, 1)  # the decoder's target
dx = np.zeros_like(dy)
dx[:, 1:] = dy[:, :-1]  # teacher forcing: the target shifted right, 0 first
DELTA = 1e-6  # the central difference's step δ
for name, value in w.items():
    print(f"{name:4} = {value:5}")
print("ex =", ex.ravel(), " dy =", dy.ravel(), " dx =", dx.ravel())

# %% [markdown]
# ## Forward pass
#
# The encoder starts from $h^e_0 = 0$; its last state is the context $h^{\mathrm{ctx}}$, the
# decoder's $h_0$ (eq. (3)).  Each line: the quantity, the equation, the formula with the
# numbers put in (computed here by hand) and the package's value.

# %%
model = Seq2Seq(enc_tokens=1, dec_tokens=1, hidden=1, dtype="float64", seed=0)
model.set_weights(weights)
hs_e = model.e_rnn.forward(ex)  # eqs. (1)-(2): (1, 2, 1)
h_ctx = hs_e[:, -1]  # eq. (3)
hs = model.d_rnn.forward(dx, h0=h_ctx)  # eqs. (1)-(2) for the decoder
y = model.d_output.forward(hs)  # eq. (4)
loss, d_y = mse(y, dy)  # eqs. (5)-(6)

he1, he2, h1, h2 = hs_e[0, 0, 0], hs_e[0, 1, 0], hs[0, 0, 0], hs[0, 1, 0]
y1, y2 = y[0, 0, 0], y[0, 1, 0]
(xe1, xe2), (x1, x2), (t1, t2) = ex.ravel(), dx.ravel(), dy.ravel()
rows = [  # (quantity, eq., formula, by hand, package)
    ("z^e_1", "1-2", f"{xe1}*{w['W_e']} + {w['b_e']} + 0*{w['U_e']}",
     xe1 * w["W_e"] + w["b_e"], np.arctanh(he1)),
    ("h^e_1", "2", "tanh(z^e_1)", np.tanh(xe1 * w["W_e"] + w["b_e"]), he1),
    ("z^e_2", "1-2", f"{xe2}*{w['W_e']} + {w['b_e']} + {he1:.6f}*{w['U_e']}",
     xe2 * w["W_e"] + w["b_e"] + he1 * w["U_e"], np.arctanh(he2)),
    ("h_ctx = h^e_2", "2-3", "tanh(z^e_2)",
     np.tanh(xe2 * w["W_e"] + w["b_e"] + he1 * w["U_e"]), he2),
    ("z_1", "1-3", f"{x1}*{w['W_d']} + {w['b_d']} + {he2:.6f}*({w['U_d']})",
     x1 * w["W_d"] + w["b_d"] + he2 * w["U_d"], np.arctanh(h1)),
    ("h_1", "2", "tanh(z_1)", np.tanh(x1 * w["W_d"] + w["b_d"] + he2 * w["U_d"]), h1),
    ("y_1", "4", f"{h1:.6f}*{w['V']} + ({w['b_o']})", h1 * w["V"] + w["b_o"], y1),
    ("z_2", "1-2", f"{x2}*{w['W_d']} + {w['b_d']} + {h1:.6f}*({w['U_d']})",
     x2 * w["W_d"] + w["b_d"] + h1 * w["U_d"], np.arctanh(h2)),
    ("h_2", "2", "tanh(z_2)", np.tanh(x2 * w["W_d"] + w["b_d"] + h1 * w["U_d"]), h2),
    ("y_2", "4", f"{h2:.6f}*{w['V']} + ({w['b_o']})", h2 * w["V"] + w["b_o"], y2),
    ("L", "5", f"((y_1 - {t1})^2 + (y_2 - ({t2}))^2) / 2", ((y1 - t1) ** 2 + (y2 - t2) ** 2) / 2,
     loss),
]  # fmt: skip
print(f"{'quantity':10} {'eq.':5} {'formula, numbers put in':46} {'by hand':>14} {'package':>14}")
for name, eq, formula, by_hand, package in rows:
    print(f"{name:10} {eq:5} {formula:46} {by_hand:14.10f} {package:14.10f}")

# %% [markdown]
# (The package keeps the states $h$, not the pre-activations $z$; its $z$ column is
# $\operatorname{artanh}(h)$.)
#
# ## Backward pass, one step at a time
#
# From the loss back to the encoder's first step, in the order the code runs.  To see each
# step's numbers, every RNN step runs backward as its own one-step `SimpleRNN` (the same
# weights, `h0` the previous state): the gradient it returns for `h0` is the one sent to the
# previous state (eq. (10)), and its bias gradient is that step's $\mathrm{d}z_t$ (eq. (11)).
#
# The central differences nudge one quantity of the forward pass.  The decoder's $h_1$ is
# used twice, by $y_1$ and by step 2, so it can be nudged on either path alone
# (`"h_1 up"`, `"h_1 right"`) or on both (`"h_1"`).


# %%
def nudged_loss(ws: list[np.ndarray], nudge: dict[str, float]) -> float:
    """The loss by the package's layers, step by step, with ``nudge[name]`` added to one
    quantity: "z^e_1", "h^e_1", "h_ctx", "z_1", "h_1", "h_1 up", "h_1 right", "y_1", ... ."""
    enc, dec, out = ws[0:3], ws[3:6], ws[6:8]

    def step(layer_weights, x_t, h_prev, dz):  # one SimpleRNN step; dz is added to z_t
        kernel, recurrent, bias = layer_weights
        return SimpleRNN(kernel, recurrent, bias + dz).forward(x_t.reshape(1, 1, 1), h_prev)[:, 0]

    h = np.zeros((1, 1))
    for t in (1, 2):
        h = step(enc, ex[0, t - 1], h, nudge.get(f"z^e_{t}", 0.0)) + nudge.get(f"h^e_{t}", 0.0)
    h_prev, ys = h + nudge.get("h_ctx", 0.0), []
    for t in (1, 2):
        h = step(dec, dx[0, t - 1], h_prev, nudge.get(f"z_{t}", 0.0)) + nudge.get(f"h_{t}", 0.0)
        y_t = Dense(*out).forward((h + nudge.get(f"h_{t} up", 0.0))[:, None])[:, 0]
        ys.append(y_t + nudge.get(f"y_{t}", 0.0))
        h_prev = h + nudge.get(f"h_{t} right", 0.0)
    return mse(np.stack(ys, axis=1), dy)[0]


def central(name: str) -> float:
    up, down = nudged_loss(weights, {name: DELTA}), nudged_loss(weights, {name: -DELTA})
    return (up - down) / (2 * DELTA)


def one_step(layer, x_t, h_prev, dh_up, dh_next):
    """Backward through one RNN step: (dz_t, gradient sent to h_prev)."""
    rnn = SimpleRNN(*[p.copy() for p in layer.params])
    rnn.forward(x_t, h0=h_prev)
    _, dh_prev = rnn.backward(dh_up, dh_last=dh_next)  # eqs. (8)-(10)
    return rnn, float(rnn.grads[2][0]), dh_prev  # the bias gradient of one step is dz_t


dh_up = model.d_output.backward(d_y)  # eq. (7): dh from above, (1, 2, 1)
none = np.zeros((1, 1))
dec2, dz2, dh_right1 = one_step(model.d_rnn, dx[:, 1:2], hs[:, 0], dh_up[:, 1:2], none)
dec1, dz1, dh_ctx = one_step(model.d_rnn, dx[:, 0:1], h_ctx, dh_up[:, 0:1], dh_right1)
no_grad_from_above = np.zeros((1, 1, 1))  # the encoder has no output: eq. (13)
enc2, dze2, dhe1 = one_step(model.e_rnn, ex[:, 1:2], hs_e[:, 0], no_grad_from_above, dh_ctx)
enc1, dze1, _ = one_step(model.e_rnn, ex[:, 0:1], none, no_grad_from_above, dhe1)

grads = [  # (gradient, eq., package, central difference)
    ("dy_2", "6", d_y[0, 1, 0], central("y_2")),
    ("dy_1", "6", d_y[0, 0, 0], central("y_1")),
    ("dh_2 = dh^up_2", "7-8", dh_up[0, 1, 0], central("h_2")),
    ("dz_2", "9", dz2, central("z_2")),
    ("dh^right_1", "10", dh_right1[0, 0], central("h_1 right")),
    ("dh^up_1", "7", dh_up[0, 0, 0], central("h_1 up")),
    ("dh_1", "8", dh_up[0, 0, 0] + dh_right1[0, 0], central("h_1")),
    ("dz_1", "9", dz1, central("z_1")),
    ("dh_ctx = dh^e_2", "10,13", dh_ctx[0, 0], central("h_ctx")),
    ("dz^e_2", "9", dze2, central("z^e_2")),
    ("dh^e_1", "10", dhe1[0, 0], central("h^e_1")),
    ("dz^e_1", "9", dze1, central("z^e_1")),
]
print(f"{'gradient':15} {'eq.':6} {'package':>14} {'central diff.':>14} {'rel. error':>10}")
for name, eq, package, fd in grads:
    rel = abs(package - fd) / max(abs(package), abs(fd))
    print(f"{name:15} {eq:6} {package:14.10f} {fd:14.10f} {rel:10.1e}")
worst = max(abs(p - f) / max(abs(p), abs(f)) for _, _, p, f in grads)
print(f"largest relative error: {worst:.1e}")

# %% [markdown]
# ## The two paths into $h_1$
#
# Nudging $h_1$ only where $y_1$ reads it gives $\mathrm{d}h^{\uparrow}_1$; only where step 2
# reads it, $\mathrm{d}h^{\rightarrow}_1$; everywhere, $\mathrm{d}h_1$, their sum: the chain
# rule's eq. (8), the branch node of [the step graph](figures/rnn_step_graph.png).  The
# encoder's $h^e_1$ has only one path (to $h^e_2$): it gets nothing from above (eq. (13)).

# %%
up, right, both = central("h_1 up"), central("h_1 right"), central("h_1")
print(f"dh^up_1 = {up:.6f}   dh^right_1 = {right:.6f}   sum = {up + right:.6f}   dh_1 = {both:.6f}")
print(f"forget the path through step 2 and dh_1 is {abs(right / both):.0%} off")

# %% [markdown]
# ## The eight weight gradients
#
# Each weight is used at both steps, so its gradient is a sum over the steps (eqs. (7),
# (11)).  `Seq2Seq.loss_and_grads` runs the whole backward pass at once; the one-step
# contributions above add up to it, and the central difference nudges the weight itself.

# %%
loss_model, grads_model = model.loss_and_grads(ex, dx, dy)
per_step = [a.grads[k] + b.grads[k] for a, b in ((enc1, enc2), (dec1, dec2)) for k in range(3)]
per_step += model.d_output.grads  # already summed over the steps by Dense.backward
print(f"{'weight':6} {'loss_and_grads':>15} {'sum of steps':>15} {'central diff.':>15}")
for k, name in enumerate(w):
    bumped = [
        (nudged_loss([p + (e if i == k else 0) for i, p in enumerate(weights)], {}))
        for e in (DELTA, -DELTA)
    ]
    fd = (bumped[0] - bumped[1]) / (2 * DELTA)
    print(f"d{name:5} {grads_model[k].item():15.10f} {per_step[k].item():15.10f} {fd:15.10f}")
print(f"loss: loss_and_grads {loss_model:.12f}, step by step {nudged_loss(weights, {}):.12f}")
