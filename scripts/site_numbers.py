"""Numbers in the docs that the code can produce, produced by the code (``make docs``).

A number in ``docs/*.md`` that comes from a run is wrapped in a marker,
``<!-- gen:loss_final -->0.0085<!-- /gen -->``: GitHub shows the number and
hides the comments.  ``make docs`` reruns the runs below and rewrites what is
between the markers, so the pages cannot drift from the code.
``tests/test_docs.py`` checks that every marker has a generator here and that the
committed values are what a fresh run gives (timings aside).

Timings are measured on whatever machine runs ``make docs``, and the prose
around them says so.  Generators that need TensorFlow keep the committed value
(and say so) when it is missing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"(?<!`)<!-- gen:(\w+) -->(.*?)<!-- /gen -->", re.S)  # not in `code`
#: the Markdown files that may hold markers
SOURCES = ("README.md", "docs/*.md", "docs/ja/*.md")


@dataclass(frozen=True)
class Group:
    """One run that produces several numbers."""

    run: Callable[[], dict[str, str]]
    names: tuple[str, ...]
    needs_keras: bool = False
    timing: bool = False  # values change from run to run; not compared by the tests
    quick: tuple[tuple[str, object], ...] = ()  # arguments for a fast check of a timing in tests


def _seed_task(seed: int):
    from numpy_seq2seq import Seq2Seq
    from numpy_seq2seq.data import make_windows, sin_cos

    x, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
    model = Seq2Seq(enc_tokens=1, dec_tokens=1, hidden=10, seed=seed)
    history = model.fit(
        [ex, dx], dy, batch_size=16, epochs=80, validation_split=0.2, verbose=0, seed=seed
    )
    return model, history, (ex, dx, dy)


def tutorial_training() -> dict[str, str]:
    """docs/tutorial.md step 3 and step 6: the seed task with seeds 0-3, float32."""
    init_points = [0, 24, 49, 74]
    out: dict[str, str] = {}
    free, ratios, finals = [], [], []
    for seed in range(4):
        model, history, (ex, dx, dy) = _seed_task(seed)
        loss, val_loss = history.history["loss"], history.history["val_loss"]
        finals.append(loss[-1])
        pred = model.predict(ex[init_points])
        forced = model.forward(ex[init_points], dx[init_points])
        rmse_free = float(np.sqrt(np.mean((pred - dy[init_points]) ** 2)))
        rmse_forced = float(np.sqrt(np.mean((forced - dy[init_points]) ** 2)))
        free.append(rmse_free)
        ratios.append(rmse_free / rmse_forced)
        if seed == 0:
            out["loss_epoch1"] = f"{loss[0]:.2f}"
            out["loss_epoch10"] = f"{loss[9]:.2f}"
            out["loss_final"] = f"{loss[-1]:.4f}"
            out["val_loss_final"] = f"{val_loss[-1]:.4f}"
            out["rmse_free_seed0"] = f"{rmse_free:.2f}"
            out["rmse_forced_seed0"] = f"{rmse_forced:.2f}"
            out["rmse_ratio_seed0"] = f"{rmse_free / rmse_forced:.1f}"
    out["rmse_ratio_min"] = f"{min(ratios):.1f}"  # free-running / teacher-forced RMSE
    out["rmse_ratio_max"] = f"{max(ratios):.1f}"
    out["rmse_free_min"] = f"{min(free):.2f}"
    out["rmse_free_max"] = f"{max(free):.2f}"
    out["loss_final_best_other_seed"] = f"{min(finals[1:]):.3f}"
    return out


def adam_epsilon() -> dict[str, str]:
    """docs/bptt.md, "Why they differ": Keras's epsilon against the paper's, seed 0, float64."""
    from numpy_seq2seq import Seq2Seq
    from numpy_seq2seq.data import make_windows, sin_cos

    x, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
    b2, eps = 0.999, 1e-7
    out = {f"eps_paper_k{k}": _sci(eps / np.sqrt(1 - b2**k), 1) for k in (1, 100, 320)}
    model = Seq2Seq(seed=0, dtype="float64")
    _, grads = model.loss_and_grads(ex[:16], dx[:16], dy[:16])
    g = np.abs(grads[1]).min()  # e_rnn recurrent_kernel, as the block in bptt.md
    keras_rel = 1 / (1 + eps / np.sqrt(1 - b2) / g)  # first step, in units of lr
    paper_rel = 1 / (1 + eps / g)
    out["adam_smallest_g"] = _sci(g, 1)
    out["adam_keras_rel"] = f"{keras_rel:.2f}"
    out["adam_paper_rel"] = f"{paper_rel:.3f}"
    out["adam_shorter_pct"] = f"{100 * (1 - keras_rel / paper_rel):.0f}"
    w_keras, loss_keras = _train_seed_with(model.get_weights(), paper=False)
    w_paper, loss_paper = _train_seed_with(model.get_weights(), paper=True)
    out["adam_weights_apart"] = _sci(max(np.abs(a - b).max() for a, b in zip(w_keras, w_paper)), 1)
    out["adam_loss_rel"] = _sci(abs(loss_keras - loss_paper) / loss_keras, 1)
    return out


def _train_seed_with(weights, paper: bool):
    """The seed task (seed 0, float64, shuffle seed 0) with Keras's Adam or the paper's."""
    from numpy_seq2seq import Seq2Seq
    from numpy_seq2seq.data import make_windows, sin_cos
    from numpy_seq2seq.model import epoch_orders, split_windows

    x, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
    n_train = split_windows(len(ex), 0.2)
    model = Seq2Seq(seed=0, dtype="float64")
    model.set_weights(weights)
    params = [*model.e_rnn.params, *model.d_rnn.params, *model.d_output.params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, b1, b2, eps = 0.001, 0.9, 0.999, 1e-7
    b1k, b2k = float(np.float32(b1)), float(np.float32(b2))  # as Keras, see bptt.md
    k, total, count = 0, 0.0, 0
    for order in epoch_orders(n_train, 80, shuffle=True, seed=0):
        total, count = 0.0, 0
        for start in range(0, n_train, 16):
            idx = order[start : start + 16]
            loss, grads = model.loss_and_grads(ex[idx], dx[idx], dy[idx])
            total, count = total + loss * len(idx), count + len(idx)
            k += 1
            for p, g, mi, vi in zip(params, grads, m, v):
                mi += (g - mi) * (1 - b1)  # eq. (14)
                vi += (g * g - vi) * (1 - b2)
                if paper:  # eq. (16) with a constant epsilon
                    m_hat, v_hat = mi / (1 - b1k**k), vi / (1 - b2k**k)
                    p -= lr * m_hat / (np.sqrt(v_hat) + eps)
                else:  # eq. (15)
                    p -= lr * np.sqrt(1 - b2k**k) / (1 - b1k**k) * mi / (np.sqrt(vi) + eps)
    return model.get_weights(), total / count


def tanh_float32() -> dict[str, str]:
    """docs/keras-mapping.md finding 3 (scripts/keras_experiments.py tanh)."""
    from scripts.keras_experiments import tanh_ulp

    r = tanh_ulp()
    return {
        "tanh_f32_differ_pct": f"{r['differ_fraction'] * 100:.0f}",
        "tanh_f32_max_abs": _sci(r["max_abs"], 1),
        "tanh_f32_max_ulp": f"{r['max_ulp']}",
        "tanh_f64_max_abs": _sci(r["f64_max_abs"], 1),
    }


def seed_predict_timing() -> dict[str, str]:
    """The seed's model.predict-per-step loop, seconds per window, on this machine."""
    from numpy_seq2seq.data import make_windows, sin_cos
    from reference_keras import build_models, predict_seed

    x, seq_in, seq_out = sin_cos()
    ex, _, _ = make_windows(seq_in, seq_out, steps=24)
    _, model_pred_e, pred_d_model = build_models()
    predict_seed(model_pred_e, pred_d_model, ex[0:1])  # the first call also sets up predict
    times = []
    for i in (24, 49, 74):
        start = time.perf_counter()
        predict_seed(model_pred_e, pred_d_model, ex[i : i + 1])
        times.append(time.perf_counter() - start)
    return {"seed_predict_s": f"{np.median(times):.1f}"}


def matmul_timing() -> dict[str, str]:
    """docs/performance.md: the recurrent product of the largest configuration, one thread."""
    from benchmarks.machine import blas_threads

    rng = np.random.default_rng(0)
    dz = rng.standard_normal((64, 256)).astype(np.float32)
    u = rng.standard_normal((256, 256)).astype(np.float32)
    u_t_copy = np.ascontiguousarray(u.T)
    out = np.empty((64, 256), np.float32)

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
    return {
        "matmul_copy_us": f"{copy_us:.0f}",
        "matmul_view_us": f"{view_us:.0f}",
        "matmul_gflops": f"{2 * 64 * 256 * 256 / copy_us / 1e3:.0f}",
    }


def largest_config_ratio(
    repeats: int = 3, hidden: int = 256, steps: int = 100, windows: int = 2000
) -> dict[str, str]:
    """docs/performance.md: Keras / NumPy seconds per epoch at hidden 256, 100 steps, 2000
    windows (the grid's closest row), as the median and range of ``repeats`` paired epochs."""
    from benchmarks.run import windows_f32
    from numpy_seq2seq import Seq2Seq
    from reference_keras import build_models

    ex, dx, dy = windows_f32(windows, steps)
    kw = dict(batch_size=64, validation_split=0.2, verbose=0, epochs=1)
    model = Seq2Seq(hidden=hidden, dtype="float32", seed=0)
    model_train, _, _ = build_models(hidden=hidden, steps=steps)
    model.fit([ex, dx], dy, **kw)  # warm-up
    model_train.fit([ex, dx], dy, **kw)  # traces the train step
    ratios = []
    for _ in range(repeats):  # NumPy and Keras alternate, so both see the same machine load
        start = time.perf_counter()
        model.fit([ex, dx], dy, **kw)
        t_numpy = time.perf_counter() - start
        start = time.perf_counter()
        model_train.fit([ex, dx], dy, **kw)
        ratios.append((time.perf_counter() - start) / t_numpy)
    return {
        "big_ratio_median": f"{np.median(ratios):.2f}",
        "big_ratio_min": f"{min(ratios):.2f}",
        "big_ratio_max": f"{max(ratios):.2f}",
        "big_ratio_repeats": str(repeats),
    }


def build_machine() -> dict[str, str]:
    """Which machine the timings above come from, and how busy it was."""
    import os

    from benchmarks.machine import cpu_model

    return {
        "build_cpu": f"{cpu_model()}, {os.cpu_count()} cores",
        "build_load": f"{os.getloadavg()[0]:.1f}",
    }


def _sci(value: float, digits: int) -> str:
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


GROUPS = (
    Group(
        tutorial_training,
        (
            "loss_epoch1",
            "loss_epoch10",
            "loss_final",
            "val_loss_final",
            "rmse_free_seed0",
            "rmse_forced_seed0",
            "rmse_ratio_seed0",
            "rmse_ratio_min",
            "rmse_ratio_max",
            "rmse_free_min",
            "rmse_free_max",
            "loss_final_best_other_seed",
        ),
    ),
    Group(
        adam_epsilon,
        (
            "eps_paper_k1",
            "eps_paper_k100",
            "eps_paper_k320",
            "adam_smallest_g",
            "adam_keras_rel",
            "adam_paper_rel",
            "adam_shorter_pct",
            "adam_weights_apart",
            "adam_loss_rel",
        ),
    ),
    Group(
        tanh_float32,
        ("tanh_f32_differ_pct", "tanh_f32_max_abs", "tanh_f32_max_ulp", "tanh_f64_max_abs"),
        needs_keras=True,
    ),
    Group(seed_predict_timing, ("seed_predict_s",), needs_keras=True, timing=True),
    Group(
        largest_config_ratio,
        ("big_ratio_median", "big_ratio_min", "big_ratio_max", "big_ratio_repeats"),
        needs_keras=True,
        timing=True,
        quick=(("repeats", 1), ("hidden", 8), ("steps", 10), ("windows", 100)),
    ),
    Group(build_machine, ("build_cpu", "build_load"), timing=True),
    Group(matmul_timing, ("matmul_copy_us", "matmul_view_us", "matmul_gflops"), timing=True),
)
GENERATED = {name: group for group in GROUPS for name in group.names}


def keras_available() -> bool:
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return False
    return True


def marker_files(root: Path = ROOT) -> list[Path]:
    return sorted({p for pattern in SOURCES for p in root.glob(pattern)})


def markers(text: str) -> list[tuple[str, str]]:
    """(name, committed value) of every marker in a text."""
    return [(m[1], m[2]) for m in MARKER.finditer(text)]


def compute(names: set[str], keras: bool, log=print) -> dict[str, str]:
    """Run the groups that produce ``names``; groups needing Keras are skipped without it."""
    values: dict[str, str] = {}
    for group in GROUPS:
        if not names & set(group.names):
            continue
        if group.needs_keras and not keras:
            log(f"site_numbers: {group.run.__name__} needs TensorFlow; committed values kept")
            continue
        start = time.perf_counter()
        values.update(group.run())
        log(f"site_numbers: {group.run.__name__} in {time.perf_counter() - start:.1f} s")
    return values


def fill(text: str, values: dict[str, str]) -> str:
    """The text with each marker's contents replaced by its value (unknown ones kept)."""
    return MARKER.sub(lambda m: f"<!-- gen:{m[1]} -->{values.get(m[1], m[2])}<!-- /gen -->", text)


def regenerate(root: Path = ROOT, write: bool = True, log=print) -> dict[str, str]:
    """Recompute every marked number; return {repository path: filled text}."""
    files = marker_files(root)
    texts = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in files}
    names = {name for text in texts.values() for name, _ in markers(text)}
    unknown = names - set(GENERATED)
    if unknown:
        raise ValueError(f"markers without a generator in scripts/site_numbers.py: {unknown}")
    values = compute(names, keras_available(), log)
    filled = {path: fill(text, values) for path, text in texts.items()}
    if write:
        for path, text in filled.items():
            if text != texts[path]:
                (root / path).write_text(text, encoding="utf-8")
                log(f"site_numbers: updated {path}")
    return filled
