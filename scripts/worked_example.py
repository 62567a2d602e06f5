"""A tiny Seq2Seq worked by hand: H = 1, T = 2, every number, each gradient checked.

    python -m scripts.worked_example --out docs     # writes docs/worked_example.md
                                                    # and docs/ja/worked_example.md
    python -m scripts.worked_example --print        # the relative errors, to the terminal

The model is the seed's Seq2Seq with one hidden unit (every weight a scalar),
two encoder steps and two decoder steps, in float64.  Every number on the
generated pages comes from the package: the forward pass from
``SimpleRNN.forward`` and ``Dense.forward``, the loss and its gradient from
``mse``, every backward number from ``SimpleRNN.backward`` and
``Dense.backward``, and the weight gradients also from ``Seq2Seq.loss_and_grads``.
Beside each gradient stands its central difference, computed by rerunning the
package's forward pass with one number nudged by ±delta (δ, not ε: ε is Adam's).

Two things are done one step at a time so that the page can show them:

* the backward pass of each RNN step runs as its own one-step ``SimpleRNN``
  (the same weights, ``h0`` = the previous state), so the gradient passed to
  the previous state (eq. (10)) and the step's ``dz_t`` (its bias gradient,
  eq. (11)) are visible per step; the per-step weight gradients must add up
  to ``loss_and_grads``'s, and the tests check that they do;
* the two paths into the decoder's h_1 (to y_1 and to step 2) are nudged
  separately, so their central differences show eq. (8)'s two terms.

``tests/test_teaching_worked_example.py`` regenerates both pages and asserts
the committed files are identical, so the numbers on them cannot drift from
the package.  A docs build calls ``write_docs(docs_folder)``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.core.seq2seq import mse  # Keras's MSE, eqs. (5)-(6)
from numpy_seq2seq.layers import Dense, SimpleRNN

#: Round numbers, easy to follow with a calculator.  Keras's shapes:
#: kernel (1, 1), recurrent_kernel (1, 1), bias (1,) for each RNN; Dense (1, 1), (1,).
WEIGHTS = {
    "W_e": 0.6,
    "U_e": 0.9,
    "b_e": 0.1,
    "W_d": 0.5,
    "U_d": -0.7,
    "b_d": 0.2,
    "V": 1.5,
    "b_o": -0.1,
}
#: One window of T = 2 steps: what the encoder reads, and the decoder's target.
#: The decoder's input is the target shifted right with a 0 in front (teacher forcing).
EX = (1.0, 0.5)
DY = (0.5, -0.5)
#: Central-difference step; float64 resolves ~1e-10 relative with it.
EPS = 1e-6
#: The pages print each central difference to this many significant digits: the last digits of a
#: difference quotient depend on the platform's tanh rounding, and the committed pages must not.
FD_DIGITS = 6
#: The pages state that every relative error is below this; the tests check it.
REL_LIMIT = 1e-8


def weight_list() -> list[np.ndarray]:
    """``WEIGHTS`` in ``get_weights()`` order and Keras's shapes."""
    w = WEIGHTS
    return [
        np.array([[w["W_e"]]]),
        np.array([[w["U_e"]]]),
        np.array([w["b_e"]]),
        np.array([[w["W_d"]]]),
        np.array([[w["U_d"]]]),
        np.array([w["b_d"]]),
        np.array([[w["V"]]]),
        np.array([w["b_o"]]),
    ]


def data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ex, dx, dy, each (N=1, T=2, 1)."""
    ex = np.array(EX).reshape(1, 2, 1)
    dy = np.array(DY).reshape(1, 2, 1)
    dx = np.zeros_like(dy)
    dx[:, 1:] = dy[:, :-1]  # teacher forcing, as make_windows does
    return ex, dx, dy


def _rnn_step(weights, x_t: float, h_prev: np.ndarray, z_nudge: float = 0.0) -> np.ndarray:
    """One step of the package's SimpleRNN: (1, 1) state in, (1, 1) state out.

    ``z_nudge`` is added to this step's bias only, which adds it to this step's z_t.
    """
    kernel, recurrent, bias = weights
    layer = SimpleRNN(kernel, recurrent, bias + z_nudge)
    return layer.forward(np.full((1, 1, 1), x_t), h0=h_prev)[:, 0]


def nudged_loss(weights: list[np.ndarray], nudge: dict[str, float] | None = None) -> float:
    """The loss, recomputed with the package's layers, with one quantity nudged.

    ``nudge`` maps a quantity's name to what is added to it: ``z^e_t``, ``h^e_1``,
    ``c``, ``z_t``, ``h_t`` (both uses), ``h_1 up`` (only its use by y_1),
    ``h_1 right`` (only its use by step 2), ``y_t``.
    """
    nudge = nudge or {}
    ex, dx, dy = data()
    enc, dec, out = weights[0:3], weights[3:6], weights[6:8]
    h = np.zeros((1, 1))
    for t in (1, 2):
        h = _rnn_step(enc, ex[0, t - 1, 0], h, nudge.get(f"z^e_{t}", 0.0))
        if t == 1:
            h = h + nudge.get("h^e_1", 0.0)
    h_prev = h + nudge.get("c", 0.0)  # eq. (3): the context starts the decoder
    ys = []
    for t in (1, 2):
        h = _rnn_step(dec, dx[0, t - 1, 0], h_prev, nudge.get(f"z_{t}", 0.0))
        h = h + nudge.get(f"h_{t}", 0.0)
        y = Dense(*out).forward((h + nudge.get(f"h_{t} up", 0.0))[:, None, :])[:, 0]
        ys.append(y + nudge.get(f"y_{t}", 0.0))
        h_prev = h + nudge.get(f"h_{t} right", 0.0)
    return mse(np.stack(ys, axis=1), dy)[0]


def central_difference(fn, eps: float = EPS) -> float:
    """(f(+eps) - f(-eps)) / 2 eps, in float64."""
    return (fn(eps) - fn(-eps)) / (2 * eps)


@dataclass
class Row:
    """One line of a table: a name, its formula with the numbers put in, the package's value."""

    name: str
    formula: str
    value: float
    by_hand: float  # the formula evaluated from the displayed quantities (checked by the tests)
    eq: str
    fd: float | None = None
    note: str = ""  # a key of TEXT[lang]: a remark printed after the formula

    @property
    def rel_error(self) -> float:
        if self.fd is None:
            return 0.0
        scale = max(abs(self.value), abs(self.fd))
        return 0.0 if scale == 0 else abs(self.value - self.fd) / scale


@dataclass
class Example:
    forward: list[Row] = field(default_factory=list)
    backward: list[Row] = field(default_factory=list)
    weights: list[Row] = field(default_factory=list)
    loss: float = 0.0
    grads_model: list[np.ndarray] = field(default_factory=list)
    grads_steps: list[float] = field(default_factory=list)


def f(v: float) -> str:
    """A number inside a formula: short, so the arithmetic stays readable."""
    return f"{v:.6g}" if v >= 0 else f"({v:.6g})"


def compute() -> Example:
    """Run the package forwards and backwards on the tiny model, and check every gradient."""
    w = weight_list()
    ex, dx, dy = data()
    we, ue, be, wd, ud, bd, v, bo = (float(a.ravel()[0]) for a in w)
    model = Seq2Seq(enc_tokens=1, dec_tokens=1, hidden=1, dtype="float64", seed=0)
    model.set_weights(w)
    loss_model, grads_model = model.loss_and_grads(ex, dx, dy)
    # The total gradient on every state, eq. (8), as each RNN's backward records it: (1, 2, 1).
    dh_dec, dh_enc = model.d_rnn.dh.copy(), model.e_rnn.dh.copy()

    # -- forward, with the package's layers -------------------------------------------
    hs_e = model.e_rnn.forward(ex)  # eqs. (1), (2)
    c = hs_e[:, -1]  # eq. (3)
    hs_d = model.d_rnn.forward(dx, h0=c)
    y = model.d_output.forward(hs_d)  # eq. (4)
    loss, d_y = mse(y, dy)  # eqs. (5), (6)
    he1, he2 = float(hs_e[0, 0, 0]), float(hs_e[0, 1, 0])
    h1, h2 = float(hs_d[0, 0, 0]), float(hs_d[0, 1, 0])
    y1, y2 = float(y[0, 0, 0]), float(y[0, 1, 0])
    xe1, xe2 = EX
    x1, x2 = float(dx[0, 0, 0]), float(dx[0, 1, 0])
    t1, t2 = DY
    ex_ = Example(loss=loss, grads_model=grads_model)
    fw = ex_.forward
    ae1, ae2 = xe1 * we + be, xe2 * we + be
    ze1, ze2 = ae1 + 0.0 * ue, ae2 + he1 * ue
    a1, a2 = x1 * wd + bd, x2 * wd + bd
    z1, z2 = a1 + he2 * ud, a2 + h1 * ud
    fw += [
        Row("$a^e_1$", f"$x^e_1 W_e + b_e = {f(xe1)} \\cdot {f(we)} + {f(be)}$", ae1, ae1, "1"),
        Row("$z^e_1$", f"$a^e_1 + h^e_0 U_e = {f(ae1)} + 0 \\cdot {f(ue)}$", ze1, ze1, "2"),
        Row("$h^e_1$", f"$\\tanh(z^e_1) = \\tanh({ze1:.6g})$", he1, np.tanh(ze1), "2"),
        Row("$a^e_2$", f"$x^e_2 W_e + b_e = {f(xe2)} \\cdot {f(we)} + {f(be)}$", ae2, ae2, "1"),
        Row("$z^e_2$", f"$a^e_2 + h^e_1 U_e = {f(ae2)} + {f(he1)} \\cdot {f(ue)}$", ze2, ze2, "2"),
        Row(
            "$h^{\\mathrm{ctx}} = h^e_2$",
            f"$\\tanh(z^e_2) = \\tanh({ze2:.6g})$",
            he2,
            np.tanh(ze2),
            "2, 3",
        ),
        Row("$a_1$", f"$x_1 W_d + b_d = {f(x1)} \\cdot {f(wd)} + {f(bd)}$", a1, a1, "1"),
        Row("$z_1$", f"$a_1 + h_0 U_d = {f(a1)} + {f(he2)} \\cdot {f(ud)}$", z1, z1, "2, 3"),
        Row("$h_1$", f"$\\tanh(z_1) = \\tanh({z1:.6g})$", h1, np.tanh(z1), "2"),
        Row("$y_1$", f"$h_1 V + b_o = {f(h1)} \\cdot {f(v)} + {f(bo)}$", y1, h1 * v + bo, "4"),
        Row("$a_2$", f"$x_2 W_d + b_d = {f(x2)} \\cdot {f(wd)} + {f(bd)}$", a2, a2, "1"),
        Row("$z_2$", f"$a_2 + h_1 U_d = {f(a2)} + {f(h1)} \\cdot {f(ud)}$", z2, z2, "2"),
        Row("$h_2$", f"$\\tanh(z_2) = \\tanh({z2:.6g})$", h2, np.tanh(z2), "2"),
        Row("$y_2$", f"$h_2 V + b_o = {f(h2)} \\cdot {f(v)} + {f(bo)}$", y2, h2 * v + bo, "4"),
        Row(
            "$L$",
            f"$\\frac{{1}}{{2}}\\left[(y_1 - y^\\ast_1)^2 + (y_2 - y^\\ast_2)^2\\right]"
            f" = \\frac{{1}}{{2}}\\left[({f(y1)} - {f(t1)})^2 + ({f(y2)} - {f(t2)})^2\\right]$",
            loss,
            ((y1 - t1) ** 2 + (y2 - t2) ** 2) / 2,
            "5",
        ),
    ]
    # The tanh values on the page are computed by hand (np.tanh) and by the package's layer:
    # the z values are the formula's, so h = tanh(z) checks the package's forward.

    # -- backward, with the package's layers, one RNN step at a time ------------------
    dy1, dy2 = float(d_y[0, 0, 0]), float(d_y[0, 1, 0])
    dh_up = model.d_output.backward(d_y)  # eq. (7): (1, 2, 1)
    up1, up2 = float(dh_up[0, 0, 0]), float(dh_up[0, 1, 0])
    dec, enc = w[3:6], w[0:3]
    # Decoder step 2: nothing comes from a step 3, so dh_2 = dh_2 from above.
    step2 = SimpleRNN(*dec)
    step2.forward(dx[:, 1:2], h0=hs_d[:, 0])
    _, right1 = step2.backward(dh_up[:, 1:2], dh_last=np.zeros((1, 1)))  # eqs. (8)-(10)
    dz2, right1 = float(step2.grads[2][0]), float(right1[0, 0])  # db of one step = dz_t
    # Decoder step 1: from above dh_up_1, from the right what step 2 sent back.
    step1 = SimpleRNN(*dec)
    step1.forward(dx[:, 0:1], h0=c)
    _, dc = step1.backward(dh_up[:, 0:1], dh_last=np.array([[right1]]))
    dz1, dc = float(step1.grads[2][0]), float(dc[0, 0])
    # Encoder step 2: its only gradient is dc (eq. (13)), nothing from above.
    zeros = np.zeros((1, 1, 1))
    enc2 = SimpleRNN(*enc)
    enc2.forward(ex[:, 1:2], h0=hs_e[:, 0])
    _, dhe1 = enc2.backward(zeros, dh_last=np.array([[dc]]))
    dze2, dhe1 = float(enc2.grads[2][0]), float(dhe1[0, 0])
    enc1 = SimpleRNN(*enc)
    enc1.forward(ex[:, 0:1], h0=np.zeros((1, 1)))
    enc1.backward(zeros, dh_last=np.array([[dhe1]]))
    dze1 = float(enc1.grads[2][0])
    dh1 = float(dh_dec[0, 0, 0])  # eq. (8): the package's sum of the two paths

    def fd(name: str) -> float:
        return central_difference(lambda e: nudged_loss(w, {name: e}))

    bw = ex_.backward
    bw += [
        Row(
            "$\\mathrm{d}y_2$",
            f"$\\frac{{2}}{{NT}}(y_2 - y^\\ast_2) = ({f(y2)} - {f(t2)})$",
            dy2,
            (y2 - t2),
            "6",
            fd("y_2"),
        ),
        Row(
            "$\\mathrm{d}y_1$",
            f"$\\frac{{2}}{{NT}}(y_1 - y^\\ast_1) = ({f(y1)} - {f(t1)})$",
            dy1,
            (y1 - t1),
            "6",
            fd("y_1"),
        ),
        Row(
            "$\\mathrm{d}h_2 = \\mathrm{d}h^{\\uparrow}_2$",
            f"$\\mathrm{{d}}y_2 V = {f(dy2)} \\cdot {f(v)}$",
            float(dh_dec[0, 1, 0]),
            dy2 * v,
            "7, 8",
            fd("h_2"),
            "no_step3",
        ),
        Row(
            "$\\mathrm{d}z_2$",
            f"$\\mathrm{{d}}h_2 (1 - h_2^2) = {f(up2)} \\cdot (1 - {f(h2)}^2)$",
            dz2,
            up2 * (1 - h2 * h2),
            "9",
            fd("z_2"),
        ),
        Row(
            "$\\mathrm{d}h^{\\rightarrow}_1$",
            f"$\\mathrm{{d}}z_2 U_d = {f(dz2)} \\cdot {f(ud)}$",
            right1,
            dz2 * ud,
            "10",
            fd("h_1 right"),
        ),
        Row(
            "$\\mathrm{d}h^{\\uparrow}_1$",
            f"$\\mathrm{{d}}y_1 V = {f(dy1)} \\cdot {f(v)}$",
            up1,
            dy1 * v,
            "7",
            fd("h_1 up"),
        ),
        Row(
            "$\\mathrm{d}h_1$",
            "$\\mathrm{d}h^{\\uparrow}_1 + \\mathrm{d}h^{\\rightarrow}_1"
            f" = {f(up1)} + {f(right1)}$",
            dh1,
            up1 + right1,
            "8",
            fd("h_1"),
        ),
        Row(
            "$\\mathrm{d}z_1$",
            f"$\\mathrm{{d}}h_1 (1 - h_1^2) = {f(dh1)} \\cdot (1 - {f(h1)}^2)$",
            dz1,
            dh1 * (1 - h1 * h1),
            "9",
            fd("z_1"),
        ),
        Row(
            "$\\mathrm{d}h^{\\mathrm{ctx}} = \\mathrm{d}h^e_2$",
            f"$\\mathrm{{d}}z_1 U_d = {f(dz1)} \\cdot {f(ud)}$",
            float(dh_enc[0, 1, 0]),
            dz1 * ud,
            "10, 13",
            fd("c"),
        ),
        Row(
            "$\\mathrm{d}z^e_2$",
            f"$\\mathrm{{d}}c\\,(1 - (h^e_2)^2) = {f(dc)} \\cdot (1 - {f(he2)}^2)$",
            dze2,
            dc * (1 - he2 * he2),
            "9",
            fd("z^e_2"),
        ),
        Row(
            "$\\mathrm{d}h^e_1$",
            f"$\\mathrm{{d}}z^e_2 U_e = {f(dze2)} \\cdot {f(ue)}$",
            float(dh_enc[0, 0, 0]),
            dze2 * ue,
            "10, 13",
            fd("h^e_1"),
            "one_path",
        ),
        Row(
            "$\\mathrm{d}z^e_1$",
            f"$\\mathrm{{d}}h^e_1 (1 - (h^e_1)^2) = {f(dhe1)} \\cdot (1 - {f(he1)}^2)$",
            dze1,
            dhe1 * (1 - he1 * he1),
            "9",
            fd("z^e_1"),
        ),
    ]

    # -- the 8 weight gradients: per-step sums (eqs. (7), (11)) and loss_and_grads -----
    steps = [
        (enc1, enc2, 0),
        (enc1, enc2, 1),
        (enc1, enc2, 2),
        (step1, step2, 0),
        (step1, step2, 1),
        (step1, step2, 2),
    ]
    per_step = [float(a.grads[k].ravel()[0] + b.grads[k].ravel()[0]) for a, b, k in steps]
    per_step += [float(g.ravel()[0]) for g in model.d_output.grads]
    ex_.grads_steps = per_step
    formulas = [
        ("$\\mathrm{d}W_e$", "x^e_1 \\mathrm{d}z^e_1 + x^e_2 \\mathrm{d}z^e_2",
         (xe1, dze1, xe2, dze2), "11"),
        ("$\\mathrm{d}U_e$", "h^e_0 \\mathrm{d}z^e_1 + h^e_1 \\mathrm{d}z^e_2",
         (0.0, dze1, he1, dze2), "11"),
        ("$\\mathrm{d}b_e$", "\\mathrm{d}z^e_1 + \\mathrm{d}z^e_2", (1.0, dze1, 1.0, dze2), "11"),
        ("$\\mathrm{d}W_d$", "x_1 \\mathrm{d}z_1 + x_2 \\mathrm{d}z_2", (x1, dz1, x2, dz2), "11"),
        ("$\\mathrm{d}U_d$", "h_0 \\mathrm{d}z_1 + h_1 \\mathrm{d}z_2", (he2, dz1, h1, dz2), "11"),
        ("$\\mathrm{d}b_d$", "\\mathrm{d}z_1 + \\mathrm{d}z_2", (1.0, dz1, 1.0, dz2), "11"),
        ("$\\mathrm{d}V$", "h_1 \\mathrm{d}y_1 + h_2 \\mathrm{d}y_2", (h1, dy1, h2, dy2), "7"),
        ("$\\mathrm{d}b_o$", "\\mathrm{d}y_1 + \\mathrm{d}y_2", (1.0, dy1, 1.0, dy2), "7"),
    ]  # fmt: skip
    for k, (name, symbolic, (p, q, r, s), eq) in enumerate(formulas):

        def bumped(e, k=k):
            w2 = [a.copy() for a in w]
            w2[k] = w2[k] + e
            return nudged_loss(w2)

        if p == 1.0 and r == 1.0:
            numbers = f"{f(q)} + {f(s)}"
        else:
            numbers = f"{f(p)} \\cdot {f(q)} + {f(r)} \\cdot {f(s)}"
        ex_.weights.append(
            Row(
                name,
                f"${symbolic} = {numbers}$",
                float(grads_model[k].ravel()[0]),
                p * q + r * s,
                eq,
                central_difference(bumped),
            )
        )
    if abs(loss - loss_model) > 1e-15 or abs(nudged_loss(w) - loss) > 1e-15:
        raise AssertionError("the layer-by-layer loss differs from Seq2Seq.loss_and_grads's")
    return ex_


# -- the pages ---------------------------------------------------------------------
TEXT = {
    "en": {
        "title": "A worked example: H = 1, T = 2, every number",
        "generated": (
            "<!-- Generated by `python -m scripts.worked_example --out docs` from the package "
            "itself; do not edit. tests/test_teaching_worked_example.py regenerates it and "
            "fails if this file differs. -->"
        ),
        "other": "*日本語版: [ja/worked_example.md](ja/worked_example.md)*",
        "bptt": "bptt.md",
        "intro": (
            "This is the seed's Seq2Seq shrunk until every number fits on a page: **one** hidden "
            "unit (so every weight is a single number), an encoder that reads **two** steps and a "
            "decoder that writes **two**, one window, float64. Every value below was computed by "
            "`numpy_seq2seq` itself (`SimpleRNN.forward`/`backward`, `Dense.forward`/`backward`, "
            "`mse`, `Seq2Seq.loss_and_grads`) when this page was generated. The formula column "
            "puts the numbers into the equation of [bptt.md]({bptt}) whose number is given, so "
            "you can redo each line with a calculator (the numbers inside the formulas are "
            "rounded to 6 digits, so your last digits may differ)."
        ),
        "check": (
            "Beside every gradient stands its **central difference**: the loss is recomputed "
            "with the package's forward pass after adding $\\pm\\delta$ "
            "($\\delta = 10^{{-6}}$) to that one quantity, and "
            "$(L(+\\delta) - L(-\\delta)) / 2\\delta$ is printed to "
            "{fd_digits} significant digits. Every relative error is below "
            "$10^{{{rel_exp}}}$."
        ),
        "setup": "The weights and the data",
        "weights_head": "| weight | Keras name | value |",
        "data": (
            "The window: the encoder reads $x^e = ({xe1}, {xe2})$; the target is "
            "$y^\\ast = ({t1}, {t2})$; with teacher forcing the decoder reads the target shifted "
            "right, $x = (0, {t1})$. $N = 1$ window, $T = 2$ steps, $O = 1$ output, so "
            "$\\frac{{2}}{{NT}} = 1$ in eq. (6)."
        ),
        "run": (
            "To make the page yourself: `python -m scripts.worked_example --out docs`; "
            "`--print` shows the actual relative errors."
        ),
        "forward": "Forward pass",
        "forward_note": (
            "The encoder starts from $h^e_0 = 0$; its last state is the context "
            "$h^{\\mathrm{ctx}}$, which is "
            "the decoder's $h_0$ (eq. (3)). The value column is the package's "
            "(`e_rnn.forward`, `d_rnn.forward(dx, h0=context)`, `d_output.forward`, `mse`)."
        ),
        "head": "| quantity | formula, numbers put in | eq. | value |",
        "backward": "Backward pass",
        "backward_note": (
            "From the loss back to the encoder's first step, in the order the code runs. The "
            "package's values come from `mse` ($\\mathrm{{d}}y$) and `d_output.backward` "
            "($\\mathrm{{d}}h^{{\\uparrow}}$); the total gradient on each state "
            "($\\mathrm{{d}}h_2$, $\\mathrm{{d}}h_1$, $\\mathrm{{d}}c$, "
            "$\\mathrm{{d}}h^e_1$) is the "
            "`dh` that each `SimpleRNN.backward` records during `Seq2Seq.loss_and_grads`; and "
            "$\\mathrm{{d}}h^{{\\rightarrow}}_1$ and each $\\mathrm{{d}}z_t$ come from "
            "`SimpleRNN.backward` run on one step at a time with the model's weights (its "
            "returned `dh0` is the gradient sent to the previous state, its bias gradient is "
            "that step's $\\mathrm{{d}}z_t$)."
        ),
        "bhead": ("| gradient | formula, numbers put in | eq. | package | central difference |"),
        "paths": "The two paths into $h_1$",
        "paths_text": (
            "The decoder's $h_1$ is used twice: by the output $y_1$ (eq. (4)) and by step 2 "
            "(eq. (2)). Nudging $h_1$ only where $y_1$ reads it gives "
            "$\\mathrm{{d}}h^{{\\uparrow}}_1 \\approx {fd_up}$; nudging it only where step 2 "
            "reads it gives $\\mathrm{{d}}h^{{\\rightarrow}}_1 \\approx {fd_right}$; nudging it "
            "everywhere gives $\\mathrm{{d}}h_1 \\approx {fd_both}$ $= {fd_up} + ({fd_right})$. "
            "The chain rule's sum, eq. (8), is what the branch node in "
            "[the step graph](figures/rnn_step_graph.png) draws. Here the two paths "
            "{relation}: forget the path through step 2 and the gradient on $h_1$ is "
            "{wrong_by} % off. The encoder's $h^e_1$ has only one path (to $h^e_2$), so "
            "its gradient is that one term alone: the encoder gets nothing from above (eq. (13))."
        ),
        "same_sign": "point the same way",
        "no_step3": "(there is no step 3)",
        "one_path": "(the only path)",
        "opposite": "pull in opposite directions",
        "weights": "The eight weight gradients",
        "weights_note": (
            "Each weight is used at both steps, so its gradient is a sum over the steps (eqs. "
            "(7), (11)). The package column is `Seq2Seq.loss_and_grads`, which runs the whole "
            "backward pass at once; the sum of the one-step contributions above equals it "
            "(the tests check this to $10^{{-15}}$)."
        ),
        "whead": (
            "| weight | sum over the steps, numbers put in | eq. | `loss_and_grads` "
            "| central difference |"
        ),
    },
    "ja": {
        "title": "手で追う計算例：H = 1、T = 2 のすべての数値",
        "generated": (
            "<!-- `python -m scripts.worked_example --out docs` がパッケージ自身から生成します。"
            "編集しないでください。tests/test_teaching_worked_example.py が再生成し、"
            "このファイルと違えば失敗します。 -->"
        ),
        "other": "*English version: [../worked_example.md](../worked_example.md)*",
        "bptt": "../bptt.md",
        "intro": (
            "演習の Seq2Seq を、すべての数値が 1 ページに収まるまで小さくしたものです。"
            "隠れユニットは **1 つ**（どの重みもただの 1 つの数）、"
            "エンコーダは **2** ステップ読み、"
            "デコーダは **2** ステップ出力します。ウィンドウは 1 つ、float64 です。"
            "下の値はすべて、このページを生成したときに `numpy_seq2seq` 自身"
            "（`SimpleRNN.forward`/`backward`、`Dense.forward`/`backward`、`mse`、"
            "`Seq2Seq.loss_and_grads`）が計算したものです。式の列は、番号で示した"
            "[bptt.md]({bptt})（英語）の式に数値を代入したもので、電卓で 1 行ずつ確かめられます"
            "（式の中の数値は 6 桁に丸めてあるので、最後の桁は少し違うことがあります）。"
        ),
        "check": (
            "各勾配の隣には**中心差分**を並べています。その量だけに $\\pm\\delta$ "
            "（$\\delta = 10^{{-6}}$）を足してパッケージの順伝播で損失を計算し直し、"
            "$(L(+\\delta) - L(-\\delta)) / 2\\delta$ を"
            "有効数字 {fd_digits} 桁で示します。相対誤差はすべて "
            "$10^{{{rel_exp}}}$ 未満です。"
        ),
        "setup": "重みとデータ",
        "weights_head": "| 重み | Keras での名前 | 値 |",
        "data": (
            "ウィンドウ：エンコーダは $x^e = ({xe1}, {xe2})$ を読み、目標は "
            "$y^\\ast = ({t1}, {t2})$ です。教師強制なので、デコーダは目標を 1 つ右にずらした "
            "$x = (0, {t1})$ を読みます。ウィンドウ数 $N = 1$、ステップ数 $T = 2$、出力 $O = 1$ "
            "なので、式 (6) の $\\frac{{2}}{{NT}}$ は 1 です。"
        ),
        "run": (
            "自分で生成するには `python -m scripts.worked_example --out docs`。"
            "`--print` を付けると実際の相対誤差を表示します。"
        ),
        "forward": "順伝播",
        "forward_note": (
            "エンコーダは $h^e_0 = 0$ から始まり、最後の状態がコンテキスト "
            "$h^{\\mathrm{ctx}}$ で、"
            "これがデコーダの $h_0$ になります（式 (3)）。値の列はパッケージの計算結果です"
            "（`e_rnn.forward`、`d_rnn.forward(dx, h0=context)`、`d_output.forward`、`mse`）。"
        ),
        "head": "| 量 | 式（数値を代入） | 式番号 | 値 |",
        "backward": "逆伝播",
        "backward_note": (
            "損失からエンコーダの最初のステップまで、コードが実行する順に並べています。"
            "パッケージの値は `mse`（$\\mathrm{{d}}y$）と `d_output.backward`"
            "（$\\mathrm{{d}}h^{{\\uparrow}}$）から取っています。各状態の上の勾配の合計"
            "（$\\mathrm{{d}}h_2$、$\\mathrm{{d}}h_1$、$\\mathrm{{d}}c$、$\\mathrm{{d}}h^e_1$）は、"
            "`Seq2Seq.loss_and_grads` の中で各 `SimpleRNN.backward` が記録する `dh` です。"
            "$\\mathrm{{d}}h^{{\\rightarrow}}_1$ と各 $\\mathrm{{d}}z_t$ は、モデルの重みで "
            "1 ステップずつ実行した `SimpleRNN.backward` から取っています（返り値の `dh0` が"
            "前の状態へ送られる勾配、バイアスの勾配がそのステップの $\\mathrm{{d}}z_t$ です）。"
        ),
        "bhead": "| 勾配 | 式（数値を代入） | 式番号 | パッケージ | 中心差分 |",
        "paths": "$h_1$ に入る 2 つの経路",
        "paths_text": (
            "デコーダの $h_1$ は 2 か所で使われます。出力 $y_1$（式 (4)）と、ステップ 2"
            "（式 (2)）です。$y_1$ が読むところだけで $h_1$ をずらすと "
            "$\\mathrm{{d}}h^{{\\uparrow}}_1 \\approx {fd_up}$、"
            "ステップ 2 が読むところだけでずらすと "
            "$\\mathrm{{d}}h^{{\\rightarrow}}_1 \\approx {fd_right}$、両方でずらすと "
            "$\\mathrm{{d}}h_1 \\approx {fd_both}$ $= {fd_up} + ({fd_right})$ になります。"
            "この連鎖律の和（式 (8)）が、[1 ステップの計算グラフ](../figures/rnn_step_graph.png)の"
            "分岐ノードです。この例では 2 つの経路は{relation}。ステップ 2 を通る経路を忘れると、"
            "$h_1$ の勾配は {wrong_by} % ずれます。エンコーダの $h^e_1$ には経路が 1 つ"
            "（$h^e_2$ へ）しかないので、勾配はその 1 項だけです。エンコーダは上から何も"
            "受け取りません（式 (13)）。"
        ),
        "same_sign": "同じ向きを指しています",
        "no_step3": "（ステップ 3 はない）",
        "one_path": "（経路はこれだけ）",
        "opposite": "逆向きに引き合っています",
        "weights": "8 つの重みの勾配",
        "weights_note": (
            "どの重みも両方のステップで使われるので、"
            "勾配はステップについての和です（式 (7)、(11)）。"
            "パッケージの列は逆伝播全体を一度に実行する `Seq2Seq.loss_and_grads` の値で、"
            "上の 1 ステップずつの寄与の和はこれと一致します"
            "（テストが $10^{{-15}}$ まで確かめています）。"
        ),
        "whead": (
            "| 重み | ステップについての和（数値を代入） | 式番号 | `loss_and_grads` | 中心差分 |"
        ),
    },
}

KERAS_NAMES = [
    ("$W_e$", "e_rnn kernel"),
    ("$U_e$", "e_rnn recurrent_kernel"),
    ("$b_e$", "e_rnn bias"),
    ("$W_d$", "d_rnn kernel"),
    ("$U_d$", "d_rnn recurrent_kernel"),
    ("$b_d$", "d_rnn bias"),
    ("$V$", "d_output kernel"),
    ("$b_o$", "d_output bias"),
]


def _value(v: float) -> str:
    return f"{v:#.10g}"


def _fd(v: float) -> str:
    return f"{v:#.{FD_DIGITS}g}"


def render(example: Example, lang: str) -> str:
    """The page in ``lang`` ("en" or "ja") as Markdown."""
    if lang not in TEXT:
        raise ValueError(f"lang must be one of {sorted(TEXT)}; got {lang!r}")
    s = TEXT[lang]
    lines = [s["generated"], "", f"# {s['title']}", "", s["other"], ""]
    lines += [
        s["intro"].format(bptt=s["bptt"]),
        "",
        s["check"].format(fd_digits=FD_DIGITS, rel_exp=round(np.log10(REL_LIMIT))),
        "",
        f"## {s['setup']}",
        "",
    ]
    lines += [s["weights_head"], "|---|---|---|"]
    for (sym, keras), v in zip(KERAS_NAMES, WEIGHTS.values()):
        lines.append(f"| {sym} | `{keras}` | {v:g} |")
    xe1, xe2 = EX
    t1, t2 = DY
    lines += ["", s["data"].format(xe1=xe1, xe2=xe2, t1=t1, t2=t2), "", s["run"], ""]
    lines += [f"## {s['forward']}", "", s["forward_note"], "", s["head"], "|---|---|---|---|"]
    for r in example.forward:
        lines.append(f"| {r.name} | {r.formula} | ({r.eq}) | {_value(r.value)} |")
    lines += ["", f"## {s['backward']}", "", s["backward_note"].format(), "", s["bhead"]]
    lines.append("|---|---|---|---|---|")
    for r in example.backward:
        note = f" {s[r.note]}" if r.note else ""
        lines.append(
            f"| {r.name} | {r.formula}{note} | ({r.eq}) | {_value(r.value)} | {_fd(r.fd)} |"
        )
    by_name = {r.name: r for r in example.backward}
    up = by_name["$\\mathrm{d}h^{\\uparrow}_1$"]
    right = by_name["$\\mathrm{d}h^{\\rightarrow}_1$"]
    both = by_name["$\\mathrm{d}h_1$"]
    relation = s["same_sign"] if up.value * right.value > 0 else s["opposite"]
    wrong_by = abs(right.value / both.value) * 100
    lines += ["", f"## {s['paths']}", ""]
    lines.append(
        s["paths_text"].format(
            fd_up=_fd(up.fd),
            fd_right=_fd(right.fd),
            fd_both=_fd(both.fd),
            relation=relation,
            wrong_by=f"{wrong_by:.0f}",
        )
    )
    lines += ["", f"## {s['weights']}", "", s["weights_note"].format(), "", s["whead"]]
    lines.append("|---|---|---|---|---|")
    for r in example.weights:
        lines.append(f"| {r.name} | {r.formula} | ({r.eq}) | {_value(r.value)} | {_fd(r.fd)} |")
    return "\n".join(lines) + "\n"


def page_paths(docs: Path) -> dict[str, Path]:
    """Where the two pages go under a docs folder."""
    docs = Path(docs)
    return {"en": docs / "worked_example.md", "ja": docs / "ja" / "worked_example.md"}


def write_docs(docs: Path) -> list[Path]:
    """Write ``worked_example.md`` and ``ja/worked_example.md`` under ``docs``.

    This is what a docs build calls (``make docs``); returns the two paths.
    """
    example = compute()
    worst = max(r.rel_error for r in example.backward + example.weights)
    if worst >= REL_LIMIT:
        raise AssertionError(
            f"a central difference disagrees with the package: relative error {worst:.2e}"
        )
    written = []
    for lang, path in page_paths(docs).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(example, lang), encoding="utf-8")
        written.append(path)
    return written


def print_errors() -> None:
    example = compute()
    print(f"loss {example.loss:.12g}")
    print(f"{'gradient':<40}{'package':>22}{'central diff.':>22}{'rel. error':>12}")
    for r in example.backward + example.weights:
        print(f"{r.name:<40}{r.value:22.15g}{r.fd:22.15g}{r.rel_error:12.2e}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=None, help="docs folder to write the pages into")
    p.add_argument("--print", action="store_true", help="print every relative error")
    args = p.parse_args(argv)
    if args.out is None and not args.print:
        p.error("give --out DIR, --print, or both")
    if args.print:
        print_errors()
    if args.out is not None:
        for path in write_docs(args.out):
            print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
