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
# # Where the numbers on these pages come from
#
# Every number in the prose of this site that a run of the code can produce is computed here,
# when the site is built, and pasted into its page with MyST-NB's `glue`: a page writes
# `` {glue:text}`/computed.py::loss_final:s` `` where the number goes.  One mechanism, so a
# number cannot drift from the code, and each one has its code on this page.  Timings come
# from the machine that built the site.  `NS2S_DOCS_QUICK=1` (the tests' build) makes the
# timings small runs; every other number is the real one.

# %%
import os
import time

import numpy as np
from myst_nb import glue

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos
from numpy_seq2seq.model import epoch_orders, split_windows

QUICK = bool(os.environ.get("NS2S_DOCS_QUICK"))
x, seq_in, seq_out = sin_cos()
ex, dx, dy = make_windows(seq_in, seq_out, steps=24)


def sci(value: float, digits: int = 1) -> str:
    """7.4e-4 rather than 7.4e-04."""
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def paste(**numbers: str) -> None:
    """Glue each formatted number under its name, and show the table."""
    for name, value in numbers.items():
        glue(name, value, display=False)
        print(f"{name:32} {value}")


try:
    import tensorflow  # noqa: F401

    KERAS = True
except ImportError:
    KERAS = False
print("TensorFlow available:", KERAS)

# %% [markdown]
# ## The tutorial's training run (tutorial steps 3 and 6)
#
# The seed task with seeds 0-3 in float32: the loss curve of seed 0, and the prediction
# error of the four plotted windows, free-running against teacher-forced.

# %%
init_points = [0, 24, 49, 74]
free, ratios, finals = [], [], []  # ratios: free-running / teacher-forced RMSE
for seed in range(4):
    model = Seq2Seq(enc_tokens=1, dec_tokens=1, hidden=10, seed=seed)
    history = model.fit(
        [ex, dx], dy, batch_size=16, epochs=80, validation_split=0.2, verbose=0, seed=seed
    )
    loss, val_loss = history.history["loss"], history.history["val_loss"]
    finals.append(loss[-1])
    pred = model.predict(ex[init_points])
    forced = model.forward(ex[init_points], dx[init_points])
    free.append(float(np.sqrt(np.mean((pred - dy[init_points]) ** 2))))
    rmse_forced = float(np.sqrt(np.mean((forced - dy[init_points]) ** 2)))
    ratios.append(free[-1] / rmse_forced)
    if seed == 0:
        paste(
            loss_epoch1=f"{loss[0]:.2f}",
            loss_epoch10=f"{loss[9]:.2f}",
            loss_final=f"{loss[-1]:.4f}",
            val_loss_final=f"{val_loss[-1]:.4f}",
            rmse_free_seed0=f"{free[0]:.2f}",
            rmse_forced_seed0=f"{rmse_forced:.2f}",
            rmse_ratio_seed0=f"{ratios[0]:.1f}",
        )
paste(
    rmse_ratio_min=f"{min(ratios):.1f}",
    rmse_ratio_max=f"{max(ratios):.1f}",
    rmse_free_min=f"{min(free):.2f}",
    rmse_free_max=f"{max(free):.2f}",
    loss_final_best_other_seed=f"{min(finals[1:]):.3f}",
)

# %% [markdown]
# ## Keras's epsilon against the paper's (bptt.md, "Adam as Keras computes it")
#
# The paper-form epsilon that Keras's constant epsilon amounts to at step k; the first
# step of both forms for the smallest gradient; then the seed task (seed 0, float64, the
# same batch order) trained with each form.

# %%
b1, b2, eps, lr = 0.9, 0.999, 1e-7, 0.001
paste(**{f"eps_paper_k{k}": sci(eps / np.sqrt(1 - b2**k)) for k in (1, 100, 320)})
model = Seq2Seq(seed=0, dtype="float64")
_, grads = model.loss_and_grads(ex[:16], dx[:16], dy[:16])
g = np.abs(grads[1]).min()  # e_rnn's recurrent_kernel
keras_rel = 1 / (1 + eps / np.sqrt(1 - b2) / g)  # the first step, in units of lr
paper_rel = 1 / (1 + eps / g)


def train_seed(weights: list[np.ndarray], paper: bool) -> tuple[list[np.ndarray], float]:
    """The seed task with Keras's Adam, eq. (15), or the paper's, eq. (16)."""
    n_train = split_windows(len(ex), 0.2)
    net = Seq2Seq(seed=0, dtype="float64")
    net.set_weights(weights)
    params = [*net.e_rnn.params, *net.d_rnn.params, *net.d_output.params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    b1k, b2k = float(np.float32(b1)), float(np.float32(b2))  # as Keras, see bptt.md
    k = 0
    for order in epoch_orders(n_train, 80, shuffle=True, seed=0):
        total, count = 0.0, 0
        for start in range(0, n_train, 16):
            idx = order[start : start + 16]
            loss, grads = net.loss_and_grads(ex[idx], dx[idx], dy[idx])
            total, count, k = total + loss * len(idx), count + len(idx), k + 1
            for p, gk, mi, vi in zip(params, grads, m, v):
                mi += (gk - mi) * (1 - b1)  # eq. (14)
                vi += (gk * gk - vi) * (1 - b2)
                if paper:  # eq. (16) with a constant epsilon
                    p -= lr * (mi / (1 - b1k**k)) / (np.sqrt(vi / (1 - b2k**k)) + eps)
                else:  # eq. (15)
                    p -= lr * np.sqrt(1 - b2k**k) / (1 - b1k**k) * mi / (np.sqrt(vi) + eps)
    return net.get_weights(), total / count


w_keras, loss_keras = train_seed(model.get_weights(), paper=False)
w_paper, loss_paper = train_seed(model.get_weights(), paper=True)
paste(
    adam_smallest_g=sci(g),
    adam_keras_rel=f"{keras_rel:.2f}",
    adam_paper_rel=f"{paper_rel:.3f}",
    adam_shorter_pct=f"{100 * (1 - keras_rel / paper_rel):.0f}",
    adam_weights_apart=sci(max(np.abs(a - b).max() for a, b in zip(w_keras, w_paper))),
    adam_loss_rel=sci(abs(loss_keras - loss_paper) / loss_keras),
)

# %% [markdown]
# ## Exposure bias and vanishing gradients (tutorial sections 9 and 11, bptt.md)
#
# `scripts/exposure_bias.py` and `scripts/vanishing.py` train the seed's model with 20 seeds
# and print these numbers; their tests check the claims the pages make about them.

# %%
from scripts import exposure_bias, vanishing  # noqa: E402
from scripts.teaching_common import SPREAD_SEEDS  # noqa: E402


def key(prefix: str, label: str) -> str:
    """A glue name: "before mean tanh', seed 0" -> "van_before_mean_tanh_seed_0"."""
    return prefix + "_" + "_".join("".join(c if c.isalnum() else " " for c in label).split())


for prefix, script in (("eb", exposure_bias), ("van", vanishing)):
    paste(**{key(prefix, k): v for k, v in script.quoted(script.compute(SPREAD_SEEDS)).items()})

# %% [markdown]
# ## Attention (tutorial section 12, attention.md)
#
# `scripts/attention_figures.py` trains NumPy and Keras with each attention over 20 seeds,
# and the reversal task, which takes many minutes; it writes every per-seed number into
# `docs/figures/attention_numbers.json` beside its figures (`make docs`'s figure step), and
# this cell pastes what `attention_figures.quoted` makes of that file: the spreads, the NumPy /
# Keras ratios of issue 20 and the reversal's curve.  `tests/test_teaching_attention.py`
# retrains seeds of the file and checks that the code still gives its numbers.

# %%
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from scripts import attention_figures  # noqa: E402

att_file = Path(attention_figures.__file__).parent.parent / "docs" / "figures"
att_numbers = json.loads((att_file / attention_figures.NUMBERS_FILE).read_text(encoding="utf-8"))
paste(**{key("att", k): v for k, v in attention_figures.quoted(att_numbers).items()})

# %% [markdown]
# ## Keras's float32 tanh (keras-mapping.md)
#
# `scripts/keras_experiments.py tanh`: how often and by how much TensorFlow's float32 tanh
# differs from NumPy's.  Needs TensorFlow; without it these numbers say "n/a".

# %%
if KERAS:
    from scripts.keras_experiments import tanh_ulp

    r = tanh_ulp()
    paste(
        tanh_f32_differ_pct=f"{r['differ_fraction'] * 100:.0f}",
        tanh_f32_max_abs=sci(r["max_abs"]),
        tanh_f32_max_ulp=f"{r['max_ulp']}",
        tanh_f64_max_abs=sci(r["f64_max_abs"]),
    )
else:
    paste(**dict.fromkeys(["tanh_f32_differ_pct", "tanh_f32_max_abs"], "n/a"))
    paste(**dict.fromkeys(["tanh_f32_max_ulp", "tanh_f64_max_abs"], "n/a"))

# %% [markdown]
# ## Timings on the machine that built this site
#
# The seed's `model.predict`-per-step loop (seconds per window, median of three windows);
# the largest benchmark configuration's Keras / NumPy epoch time (NumPy and Keras alternate,
# so both see the same load); and the recurrent product of that configuration, one thread.

# %%
from benchmarks.machine import blas_threads, cpu_model  # noqa: E402

paste(build_cpu=f"{cpu_model()}, {os.cpu_count()} cores", build_load=f"{os.getloadavg()[0]:.1f}")
if KERAS:
    from benchmarks.run import windows_f32
    from reference_keras import build_models, predict_seed

    _, model_pred_e, pred_d_model = build_models()
    predict_seed(model_pred_e, pred_d_model, ex[0:1])  # the first call also sets up predict
    times = []
    for i in (24, 49, 74):
        start = time.perf_counter()
        predict_seed(model_pred_e, pred_d_model, ex[i : i + 1])
        times.append(time.perf_counter() - start)
    paste(seed_predict_s=f"{np.median(times):.1f}")

    repeats, hidden, steps, windows = (1, 8, 10, 100) if QUICK else (3, 256, 100, 2000)
    bx, bdx, bdy = windows_f32(windows, steps)
    kw = dict(batch_size=64, validation_split=0.2, verbose=0, epochs=1)
    net = Seq2Seq(hidden=hidden, dtype="float32", seed=0)
    model_train, _, _ = build_models(hidden=hidden, steps=steps)
    net.fit([bx, bdx], bdy, **kw)  # warm-up
    model_train.fit([bx, bdx], bdy, **kw)  # traces the train step
    ratios = []
    for _ in range(repeats):
        start = time.perf_counter()
        net.fit([bx, bdx], bdy, **kw)
        t_numpy = time.perf_counter() - start
        start = time.perf_counter()
        model_train.fit([bx, bdx], bdy, **kw)
        ratios.append((time.perf_counter() - start) / t_numpy)
    paste(
        big_ratio_median=f"{np.median(ratios):.2f}",
        big_ratio_min=f"{min(ratios):.2f}",
        big_ratio_max=f"{max(ratios):.2f}",
        big_ratio_repeats=str(repeats),
    )
else:
    paste(seed_predict_s="n/a", big_ratio_median="n/a", big_ratio_min="n/a")
    paste(big_ratio_max="n/a", big_ratio_repeats="0")

rng = np.random.default_rng(0)
dz = rng.standard_normal((64, 256)).astype(np.float32)
u = rng.standard_normal((256, 256)).astype(np.float32)
u_t_copy, out = np.ascontiguousarray(u.T), np.empty((64, 256), np.float32)


def median_us(right: np.ndarray) -> float:
    times = []
    for _ in range(200):
        start = time.perf_counter()
        np.matmul(dz, right, out=out)
        times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1e6


with blas_threads(1):
    median_us(u_t_copy)  # warm-up
    copy_us, view_us = median_us(u_t_copy), median_us(u.T)
paste(
    matmul_copy_us=f"{copy_us:.0f}",
    matmul_view_us=f"{view_us:.0f}",
    matmul_gflops=f"{2 * 64 * 256 * 256 / copy_us / 1e3:.0f}",
)
