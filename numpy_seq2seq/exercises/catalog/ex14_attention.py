"""Exercise 14: dot attention forward and backward, eqs. (A2)-(A13) of docs/attention.md."""

from __future__ import annotations

import numpy as np

from ...core.attention import DotAttention, softmax, softmax_backward
from ..exercise import Context, Exercise, Mistake, Out, mutant, readonly, subclass
from ..grading import Fault, expect_array, expect_pair, run


def harness(ctx: Context, f: dict) -> list:
    g = ctx.g
    q, e, dc = g["attention/q"], g["attention/e"], g["attention/dc"]
    n, t_d, h = q.shape
    t_e = e.shape[1]
    weights_shape, weights_meaning = (n, t_d, t_e), "(N, T_d, T_e)"

    def weights() -> list[Out]:
        a = run(f["softmax"], "Your `softmax`", ctx.workspace, s=readonly(g["attention/s"]))
        a = expect_array(a, "a = softmax(s)", weights_shape, weights_meaning)
        return [Out("a = softmax(s)", a, (ctx.golden("attention/a"),))]

    def forward() -> list[Out]:
        layer = subclass(DotAttention, {"forward": f["forward"]})()
        c = run(
            layer.forward,
            "Your `DotAttention.forward`",
            ctx.workspace,
            q=readonly(q),
            e=readonly(e),
        )
        c = expect_array(c, "c", (n, t_d, h), "(N, T_d, H)")
        kept = layer.attention_weights
        if not isinstance(kept, np.ndarray) or not (
            isinstance(layer.cache, tuple) and len(layer.cache) == 2
        ):
            raise Fault(
                "`DotAttention.forward` must keep the weights: self.attention_weights = a, "
                "and self.cache = (e, a) for backward."
            )
        kept = expect_array(kept, "self.attention_weights", weights_shape, weights_meaning)
        e_kept, a_kept = layer.cache
        return [
            Out("c (the contexts)", c, (ctx.golden("attention/c"),)),
            Out("a (self.attention_weights)", kept, (ctx.golden("attention/a"),)),
            Out("e (self.cache[0])", expect_array(e_kept, "self.cache[0]", e.shape, "(N, T_e, H)")),
            Out("a (self.cache[1])", expect_array(a_kept, "self.cache[1]", weights_shape, "a")),
        ]

    def weights_backward() -> list[Out]:
        a, s = g["attention/a"], g["attention/s"].copy()
        da = dc @ e.transpose(0, 2, 1)  # eq. (A8): what backward hands softmax_backward
        args = {"a": readonly(a), "da": readonly(da)}
        ds = run(f["softmax_backward"], "Your `softmax_backward`", ctx.workspace, **args)
        ds = expect_array(ds, "ds", weights_shape, weights_meaning)
        (num,) = ctx.numerical("attention/softmax", lambda: float(np.sum(softmax(s) * da)), [s])
        return [Out("ds = softmax_backward(a, da)", ds, (ctx.golden("attention/ds"), num))]

    def backward() -> list[Out]:
        layer = subclass(DotAttention, {"backward": f["backward"]})()
        DotAttention.forward(layer, q.copy(), e.copy())  # ours: this part grades backward alone
        res = run(layer.backward, "Your `DotAttention.backward`", ctx.workspace, dc=readonly(dc))
        dq, de = expect_pair(res, "DotAttention.backward")
        q_, e_ = q.copy(), e.copy()
        num = ctx.numerical(
            "attention", lambda: float(np.sum(dc * DotAttention().forward(q_, e_))), [q_, e_]
        )
        return [
            Out(
                "dq",
                expect_array(dq, "dq", (n, t_d, h), "(N, T_d, H)"),
                (ctx.golden("attention/dq"), num[0]),
            ),
            Out(
                "de",
                expect_array(de, "de", (n, t_e, h), "(N, T_e, H)"),
                (ctx.golden("attention/de"), num[1]),
            ),
        ]

    return [weights, forward, weights_backward, backward]


_FORWARD, _BACKWARD = DotAttention.forward, DotAttention.backward
_TWO_PATHS = (
    "e_j enters the attention twice: as a value in the weighted sum c_i = sum_j a_ij e_j "
    "(A5), and as a key in every score s_ij = q_i . e_j (A2). The chain rule sums over both "
    "paths, eq. (A13): de = a^T dc (A9) + ds^T q (A11)."
)


def _wrong_axis(axis: int, what: str, why: str) -> Mistake:
    """The softmax (A4) normalized over ``axis`` instead of the encoder steps."""
    return Mistake(
        f"the softmax over the wrong axis ({what}, axis {axis})",
        "eq. (A4) normalizes each decoder step's scores over the encoder steps j, the LAST "
        "axis of s (N, T_d, T_e), so that every row a[n, i, :] sums to 1. " + why,
        mutant(
            softmax, "s.max(axis=-1", f"s.max(axis={axis}", "e.sum(axis=-1", f"e.sum(axis={axis}"
        ),
    )


EXERCISE = Exercise(
    number=14,
    name="attention",
    title="Keras's Attention(), forward and backward",
    functions=(
        (None, softmax),
        (DotAttention, DotAttention.forward),
        (None, softmax_backward),
        (DotAttention, DotAttention.backward),
    ),
    hints=(
        "Eq. (A4): over the LAST axis (the encoder steps j), so that each row a[n, i, :] sums "
        "to 1: subtract the row's maximum (keepdims=True, so that it broadcasts), "
        "exponentiate, divide by the row's sum.",
        "Eqs. (A2), (A4), (A5): s = self.score(q, e), a = softmax(s), c = a @ e, a batched "
        "matrix product (N, T_d, T_e) @ (N, T_e, H). No 1/sqrt(H): Keras's Attention() has no "
        "scale. Keep self.cache = (e, a) and self.attention_weights = a.",
        "Eq. (A10): ds = a * (da - sum_j da_ij a_ij), the sum over the last axis with "
        "keepdims=True. The subtracted sum is there because every weight of a row shares one "
        "denominator: da * a alone is only the Jacobian's diagonal.",
        "Eq. (A8): da = dc @ e^T (e.transpose(0, 2, 1)). Eq. (A9): e as the values, "
        "de_values = a^T dc. Eq. (A10): ds = softmax_backward(a, da). Eq. (A11): "
        "dq, de_scores = self.score_backward(ds), e as the keys. Eq. (A13): de is the sum "
        "of both paths.",
    ),
    about="Shapes: N windows, T_d decoder steps (the queries q), T_e encoder steps (the "
    "values e, which are also the keys), H units; the checker's problem has N = 6, T_d = 3, "
    "T_e = 5, H = 4, so that every axis has its own size. softmax(s) and "
    "softmax_backward(a, da) are functions of the module; `self` is a DotAttention, "
    "keras.layers.Attention() at its defaults: dot scores, no scale, no weights "
    "(`self.params` is empty). softmax(s) receives the scores s (N, T_d, T_e) and returns "
    "the weights a (N, T_d, T_e), eq. (A4). forward(q, e) receives q (N, T_d, H) and e "
    "(N, T_e, H); it gets s from `self.score(q, e)` (ours, eq. (A2); it keeps q and e for "
    "score_backward), and returns the contexts c (N, T_d, H), eq. (A5), keeping "
    "`self.cache = (e, a)` and `self.attention_weights = a`. softmax_backward(a, da) "
    "receives a and da (N, T_d, T_e), the gradient on the weights, and returns ds "
    "(N, T_d, T_e), the gradient on the scores, eq. (A10). backward(dc) receives dc "
    "(N, T_d, H), reads self.cache, and returns the pair (dq (N, T_d, H), de (N, T_e, H)); "
    "`self.score_backward(ds)` (ours, eq. (A11)) returns dq and the part of de that comes "
    "through the scores. None of the four modifies its inputs. The checker compares a, c, "
    "ds, dq and de with Keras's Attention layer (its output, its return_attention_scores, and its "
    "tf.GradientTape gradients for a fixed dc), and the gradients with central differences. "
    "It grades softmax_backward alone on Keras's weights, and your backward after our "
    "forward, so that one wrong function does not hide another.",
    harness=harness,
    mistakes=(
        _wrong_axis(
            1,
            "the decoder steps",
            "Deep Learning from Scratch 2 attends one decoder step at a time, with scores "
            "(N, T) normalized over axis 1; here s holds every decoder step at once, and axis "
            "1 is the decoder steps. Use axis=-1.",
        ),
        _wrong_axis(
            0,
            "the windows",
            "Axis 0 mixes the windows of the batch: each window's weights would depend on the "
            "others'. Use axis=-1.",
        ),
        Mistake(
            "the scores divided by sqrt(H) (the Transformer's scaled dot product)",
            "keras.layers.Attention() at its defaults has no 1/sqrt(d): s_ij = q_i . e_j "
            "exactly, eq. (A2). The scaled dot product is MultiHeadAttention's.",
            mutant(_FORWARD, "a = softmax(s)", "a = softmax(s / np.sqrt(e.shape[-1]))"),
        ),
        Mistake(
            "the softmax backward without its subtracted term",
            "every weight of a row shares one denominator, so each a_ij depends on every score "
            "of its row: eq. (A10), ds_il = a_il (da_il - sum_j da_ij a_ij). da * a alone is "
            "only the diagonal of the Jacobian diag(a_i) - a_i a_i^T.",
            mutant(softmax_backward, "(da - (da * a).sum(axis=-1, keepdims=True)) * a", "da * a"),
        ),
        Mistake(
            "the softmax backward's sum over the wrong axis",
            "the subtracted term of eq. (A10) sums da_ij a_ij over j, the encoder steps: the "
            "last axis, as in the forward's softmax (A4).",
            mutant(softmax_backward, "sum(axis=-1", "sum(axis=1"),
        ),
        Mistake(
            "the gradient into e through only one of its two paths (the scores'; the "
            "weighted sum's dropped)",
            _TWO_PATHS,
            mutant(_BACKWARD, "return dq, de_values + de_scores", "return dq, de_scores"),
        ),
        Mistake(
            "the gradient into e through only one of its two paths (the weighted sum's; the "
            "scores' dropped)",
            _TWO_PATHS,
            mutant(_BACKWARD, "return dq, de_values + de_scores", "return dq, de_values"),
        ),
    ),
)
