"""The seed workload with attention: NumPy's ``fit`` against Keras's warm ``fit`` (issue 20).

    python -m benchmarks.attention [--repeats 3] [--attentions dot,general,additive]

``bench_attention`` is the function ``benchmarks/run.py`` calls (``--only attention``);
``attention_targets`` turns its result into rows of the targets table.  For each attention,
the seed's ``fit`` (SimpleRNN, H = 10, 76 float32 windows of 24 steps, batch 16, split 0.2,
80 epochs, shuffled) runs ``repeats`` times on each side, interleaved so that both see the
same machine load:

* NumPy: a fresh ``Seq2Seq(attention=...)`` each time;
* Keras: ``reference_keras.build_models(dtype="float32", attention=...)``'s training model,
  built and ``fit`` once untimed (the first call traces the train step), then ``fit`` again
  from its initial weights: the warm call.

The target is median(Keras warm) / median(NumPy) >= 20x for every attention.

With both ``dot`` and ``additive`` timed, each additive round also times the **tanh floor**:
the additive score's broadcast sum and tanh over (N, T_d, T_e, H) alone, in place, for every
batch that one ``fit`` passes forward (80 epochs of training batches and validation
batches), with nothing else.  Keras computes the same tanh.  The additive model is the dot
model with its two small score products replaced by this work and its backward, so
``additive_ceiling`` = median(Keras additive) / (median(NumPy dot) + median(floor)) is about
the most the additive ratio can reach while the rest of its ``fit`` costs what the dot
model's does.  It is an estimate, not a strict bound: the floor leaves out the backward, but it
is timed apart from the fits, whose round-to-round spread is wider than the difference.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos
from numpy_seq2seq.model import batches, split_windows

SEED_FIT = dict(batch_size=16, epochs=80, validation_split=0.2, verbose=0)
ATTENTIONS = ("dot", "general", "additive")
KERAS_TARGET = 20.0  # issue 20, item 9: fit with attention >= 20x faster than Keras's warm fit


def _timed(func, *args, **kwargs) -> float:
    start = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - start


def tanh_floor(n_windows: int, steps: int = 24, hidden: int = 10, seed: int = 0) -> float:
    """Seconds for the additive score's sum and tanh alone, u = tanh(q_i + e_j) over
    (N, T_d, T_e, H), for every batch one seed ``fit`` passes forward (``SEED_FIT``'s
    batches and validation split, float32, states in (-1, 1) like an RNN's)."""
    rng = np.random.default_rng(seed)
    n_train = split_windows(n_windows, SEED_FIT["validation_split"])
    b = SEED_FIT["batch_size"]
    sizes = [len(i) for i in batches(np.arange(n_train), b)]
    sizes += [len(i) for i in batches(np.arange(n_windows - n_train), b)]  # validation
    states = {n: rng.uniform(-1, 1, (2, n, steps, hidden)).astype(np.float32) for n in sizes}
    start = time.perf_counter()
    for _ in range(SEED_FIT["epochs"]):
        for n in sizes:
            q, e = states[n]
            u = q[:, :, None, :] + e[:, None, :, :]
            np.tanh(u, out=u)
    return time.perf_counter() - start


def bench_attention(repeats: int = 3, attentions=ATTENTIONS, log=print) -> dict:
    """{attention: {"numpy_s": [...], "keras_warm_s": [...], "numpy_median_s",
    "keras_median_s", "keras_ratio"}} for the seed workload, timed as the module says."""
    from reference_keras import build_models, floatx

    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = (a.astype(np.float32) for a in make_windows(seq_in, seq_out, 24))
    results = {}
    for attention in attentions:
        model_train, _, _ = build_models(hidden=10, steps=24, dtype="float32", attention=attention)
        w0 = model_train.get_weights()
        with floatx("float32"):
            model_train.fit([ex, dx], dy, **SEED_FIT)  # warm-up: traces the train step
        t_np, t_k, t_floor = [], [], []
        for i in range(repeats):
            model = Seq2Seq(hidden=10, dtype="float32", seed=i, attention=attention)
            t_np.append(_timed(model.fit, [ex, dx], dy, seed=i, **SEED_FIT))
            if attention == "additive":
                t_floor.append(tanh_floor(len(ex), seed=i))
            model_train.set_weights(w0)
            with floatx("float32"):
                t_k.append(_timed(model_train.fit, [ex, dx], dy, **SEED_FIT))
            log(
                f"[attention] {attention} {i + 1}/{repeats}: numpy {t_np[-1]:.3f} s, "
                f"keras warm {t_k[-1]:.2f} s"
            )
        med_np, med_k = statistics.median(t_np), statistics.median(t_k)
        results[attention] = dict(
            numpy_s=t_np,
            keras_warm_s=t_k,
            numpy_median_s=med_np,
            keras_median_s=med_k,
            keras_ratio=med_k / med_np,
        )
        if t_floor:
            results[attention]["tanh_floor_s"] = t_floor
    if "tanh_floor_s" in results.get("additive", {}) and "dot" in results:
        results["additive"]["additive_ceiling"] = additive_ceiling(results)
    return results


def speedup_needed(results: dict) -> str:
    """How much faster than the dot model's whole ``fit`` the rest of the additive ``fit``
    (all but the floor) would have to run for the additive ratio to reach the target."""
    add, dot = results["additive"], results["dot"]
    budget = add["keras_median_s"] / KERAS_TARGET - statistics.median(add["tanh_floor_s"])
    if budget <= 0:
        return f"The floor alone costs more than Keras / {KERAS_TARGET:.0f}."
    return (
        f"To reach {KERAS_TARGET:.0f}x, the rest of the additive `fit` would have to run "
        f"{dot['numpy_median_s'] / budget:.1f}x faster than the dot model's whole `fit`."
    )


def additive_ceiling(results: dict) -> float:
    """median(Keras additive) / (median(NumPy dot) + median(tanh floor)): see the module."""
    add, dot = results["additive"], results["dot"]
    return add["keras_median_s"] / (dot["numpy_median_s"] + statistics.median(add["tanh_floor_s"]))


def attention_targets(results: dict) -> list[tuple[str, float, str, bool]]:
    """(what, ratio, target, passed) per attention, in the shape of ``benchmarks.run.targets``."""
    return [
        (f"seed fit, attention={a}: Keras warm / NumPy", r["keras_ratio"],
         f">= {KERAS_TARGET:.0f}x", r["keras_ratio"] >= KERAS_TARGET)
        for a, r in results.items()
    ]  # fmt: skip


def markdown(results: dict) -> str:
    """A Markdown table of the per-attention timings."""
    lines = [
        "| attention | NumPy `fit` (s) | Keras warm `fit` (s) "
        f"| Keras / NumPy (target >= {KERAS_TARGET:.0f}x) | per-round ratios |",
        "|---|---|---|---|---|",
    ]
    for attention, r in results.items():
        ok = "PASS" if r["keras_ratio"] >= KERAS_TARGET else "MISS"
        t_np, t_k = (
            f"{statistics.median(t):.3f} ({min(t):.3f}-{max(t):.3f})"
            for t in (r["numpy_s"], r["keras_warm_s"])
        )
        rounds = ", ".join(f"{k / n:.1f}" for n, k in zip(r["numpy_s"], r["keras_warm_s"]))
        ratio = f"{r['keras_ratio']:.2f}x {ok}"  # 2 digits: 19.97x must not read 20.0x
        lines.append(f"| `{attention}` | {t_np} | {t_k} | {ratio} | {rounds} |")
    add = results.get("additive", {})
    if "additive_ceiling" in add:
        floor = add["tanh_floor_s"]
        lines += [
            "",
            f"The additive score's tanh floor (its sum and tanh alone, over every batch of one "
            f"`fit`): {statistics.median(floor):.3f} s ({min(floor):.3f}-{max(floor):.3f}). "
            f"Keras additive / (NumPy dot + the floor) = **{add['additive_ceiling']:.1f}x**: about "
            f"the most the additive ratio can reach while the rest of its `fit` costs what the "
            f"dot model's does (an estimate, timed apart from the fits). {speedup_needed(results)}",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="Seed fit with attention: NumPy against Keras.")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--attentions", default=",".join(ATTENTIONS))
    args = p.parse_args(argv)
    results = bench_attention(args.repeats, tuple(args.attentions.split(",")))
    print(markdown(results))


if __name__ == "__main__":
    main()
