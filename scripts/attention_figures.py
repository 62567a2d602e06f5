"""Attention, seen and measured: what it changes on the seed task, and where it helps.

    python -m scripts.attention_figures --out DIR [--seeds 20] [--epochs 80]
        [--no-keras] [--rev-seeds 3] [--rev-epochs E] [--rev-windows 2000]
    python -m scripts.attention_figures --out DIR --quick     # 2 seeds, 2 epochs, no Keras

Writes into DIR (issue 20, item 5):

* ``attention_map_seed.png`` -- (a) the attention map of ``Seq2Seq(attention="dot")``
  (Keras's ``Attention()``) on the seed task, seed 0, for the four ``init_points``
  windows ``ex[[0, 24, 49, 74]]`` (free running, ``predict(..., return_attention=True)``),
  and, over every seed, where the weight peaks: the offset argmax_j a_ij - i from the
  diagonal, against the +8 that cos(x) = sin(x + π/2) would suggest on this grid;
* ``attention_free_running.png`` -- (b) the free-running RMSE at each decoder step on the
  seed task, without and with attention, NumPy and Keras (each with its own seeds'
  initial weights and shuffling), beside the copy-previous baseline of
  ``scripts/exposure_bias.py``;
* ``attention_reversal.png`` -- (c) the same comparison on reversing random sequences
  (T = 40, H = 16, 2000 windows uniform on [-1, 1]), where the context bottleneck binds:
  the validation loss per epoch, the free-running RMSE per step on the validation
  windows, and the maps of ``"dot"`` and ``"general"`` (a model that has learned to
  reverse by looking up should show an anti-diagonal).  NumPy only (the long training);
* ``attention_encoder_gradient.png`` -- (d) the gradient reaching each encoder state,
  ‖∂L/∂h^e_j‖ over all windows, without and with attention, before and after training
  on the seed task.

and prints every number the docs quote (``quoted``), seed 0 and min / median / max over
the seeds.  A docs build runs this command (``scripts/build_docs.py``).  Without
``--no-keras`` it needs TensorFlow (``reference_keras``), imported only for the Keras runs.

The seed task's models are the CLI's (float32, H = 10, 80 epochs, batch 16,
``validation_split=0.2``); without attention they are ``teaching_common.trained_model``'s,
shared with the other teaching figures.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.cli import int_at_least
from numpy_seq2seq.data import INIT_POINTS
from numpy_seq2seq.model import split_windows
from scripts.exposure_bias import mse, outputs, rmse_by_step
from scripts.gradcheck import state_gradient_norms
from scripts.teaching_common import (
    DOCS_SEED,
    EPOCHS,
    SPREAD_SEEDS,
    seed_task,
    spread,
    trained_model,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The attention the maps show: Keras's ``Attention()`` at its defaults.
MAP_ATTENTION = "dot"
#: The seed task: without attention, and with each attention (NumPy); Keras runs ``KERAS``.
SEED_ATTENTIONS = (None, "dot", "general", "additive")
KERAS = SEED_ATTENTIONS
#: cos(x) = sin(x + π/2): on the seed's grid (step 6π/99) that is 99/12 = 8.25 steps ahead.
PHASE_STEPS = 99 / 12
#: The reversal task (issue 20): T steps, H units, N windows, the models trained on it.
REV_STEPS, REV_HIDDEN, REV_WINDOWS = 40, 16, 2000
REV_ATTENTIONS = (None, "dot", "general")
REV_EPOCHS = 200
REV_SEEDS = tuple(range(6))
#: The reversal task's data seed (the windows are the same for every model seed).
REV_DATA_SEED = 12345
#: The two tasks, each with its own figures; ``--part`` runs one (to run both side by side).
PARTS = ("seed", "reversal")
#: The JSON the command writes beside the figures: every per-seed number, and what the docs
#: quote (``docs/computed.py`` reads it and pastes the numbers into the pages).
NUMBERS_FILE = "attention_numbers.json"
#: Issue 20, item 9: over the seeds, NumPy's median val_loss and free-running MSE are at most
#: this many times Keras's, with the same attention (each with its own seeds' weights).
KERAS_RATIO_TARGET = 1.5


def name(attention: str | None) -> str:
    """``"none"`` or the attention's name, for labels and dict keys."""
    return "none" if attention is None else attention


# -- the tasks and the models -------------------------------------------------------
@dataclass(frozen=True)
class Windows:
    """ex, dx, dy (N, T, 1): encoder input, decoder input (dy shifted right), target."""

    ex: np.ndarray
    dx: np.ndarray
    dy: np.ndarray


def reversal_task(
    windows: int = REV_WINDOWS, steps: int = REV_STEPS, seed: int = REV_DATA_SEED
) -> Windows:
    """Random sequences, uniform on [-1, 1] (variance 1/3), to be output reversed.

    dy_t = ex_{T+1-t}: the first output is the *last* input, so the context (the state
    after the last input) helps at first, and the last output needs the first input,
    which has been through T steps of the encoder.  float32, as the seed's data.
    """
    rng = np.random.default_rng(seed)
    ex = rng.uniform(-1.0, 1.0, (windows, steps, 1)).astype(np.float32)
    dy = ex[:, ::-1].copy()
    dx = np.concatenate([np.zeros_like(dy[:, :1]), dy[:, :-1]], axis=1)  # teacher forcing
    return Windows(ex, dx, dy)


@functools.lru_cache(maxsize=128)
def seed_model(seed: int, attention: str | None, epochs: int = EPOCHS) -> tuple[Seq2Seq, dict]:
    """The seed task's model trained as the CLI trains it; returns it and its history."""
    if attention is None:  # the same run as the other teaching figures (cached there)
        model, _ = trained_model(seed, epochs)
        return model, {"val_loss": [_val_loss(model)]}
    task = seed_task()
    model = Seq2Seq(hidden=10, seed=seed, attention=attention)
    history = model.fit(
        [task.ex, task.dx], task.dy, batch_size=16, epochs=epochs, validation_split=0.2, seed=seed
    )
    return model, history.history


def _val_loss(model: Seq2Seq) -> float:
    """The seed task's val_loss at the model's weights: the last 20% of the windows."""
    task = seed_task()
    n = split_windows(len(task.ex), 0.2)  # as fit: 60 train, 16 validate
    return mse(model.forward(task.ex[n:], task.dx[n:]), task.dy[n:])


@functools.lru_cache(maxsize=32)
def reversal_model(
    seed: int, attention: str | None, epochs: int, windows: int
) -> tuple[Seq2Seq, dict]:
    """A model trained on the reversal task (batch 16, ``validation_split=0.2``)."""
    task = reversal_task(windows)
    model = Seq2Seq(hidden=REV_HIDDEN, seed=seed, attention=attention)
    history = model.fit(
        [task.ex, task.dx],
        task.dy,
        batch_size=16,
        epochs=epochs,
        validation_split=0.2,
        seed=seed,
        verbose=int(epochs >= 10),  # an epoch takes ~0.5 s: show the long runs' progress
    )
    return model, history.history


def keras_seed_run(seed: int, attention: str | None, epochs: int) -> dict[str, np.ndarray]:
    """The seed task in Keras (float32), Keras's own initial weights and shuffling for
    ``seed``: the final val_loss and the free-running outputs (N, T) of every window."""
    import tensorflow as tf

    import reference_keras as rk

    task = seed_task()
    tf.keras.utils.set_random_seed(seed)
    model_train, model_pred_e, pred_d_model = rk.build_models(dtype="float32", attention=attention)
    with rk.floatx("float32"):
        history = model_train.fit(
            [task.ex, task.dx],
            task.dy,
            batch_size=16,
            epochs=epochs,
            validation_split=0.2,
            validation_freq=epochs,  # only the last val_loss is reported: skip the others
            verbose=0,
        ).history
    if attention is None:
        free = rk.predict(model_pred_e, pred_d_model, task.ex)
    else:
        free = rk.predict_attention(model_pred_e, pred_d_model, task.ex)[0]
    return {"val_loss": float(history["val_loss"][-1]), "free": free[..., 0].astype(np.float64)}


# -- what the figures show ------------------------------------------------------------
def argmax_offsets(weights: np.ndarray) -> np.ndarray:
    """weights (N, T_d, T_e) -> argmax_j a_ij - i for every window and decoder step (N, T_d).

    0 is the diagonal (decoder step i attends most to encoder step i); +8 would be the
    encoder step whose sin(x) equals the cos(x) to be output."""
    steps = np.arange(weights.shape[1])
    return weights.argmax(axis=-1) - steps[None, :]


def antidiagonal_share(weights: np.ndarray) -> dict[str, float]:
    """How anti-diagonal a reversal map is: weights (N, T, T) -> the share of (window, step)
    whose argmax is encoder step T+1-i, the share within one step of it, the mean weight on
    that step, the median offset of the argmax from it, and the mean of each row's largest
    weight (1/T for a uniform map, 1 for a map that picks one step)."""
    t_steps = weights.shape[1]
    target = t_steps - 1 - np.arange(t_steps)  # 0-based: decoder step i reads ex[T-1-i]
    on = np.take_along_axis(weights, target[None, :, None], axis=-1)[..., 0]
    offset = weights.argmax(axis=-1) - target[None, :]
    return {
        "argmax on anti-diagonal": float(np.mean(offset == 0)),
        "argmax within 1 of anti-diagonal": float(np.mean(np.abs(offset) <= 1)),
        "mean weight on anti-diagonal": float(np.mean(on)),
        "median offset from anti-diagonal": float(np.median(offset)),
        "mean row maximum": float(np.mean(weights.max(axis=-1))),
    }


def teacher_forced_weights(model: Seq2Seq, task) -> np.ndarray:
    """The attention weights (N, T_d, T_e) under teacher forcing, as training sees them:
    ``model.forward`` leaves them in the attention layer's ``attention_weights``."""
    model.forward(task.ex, task.dx)
    return model.net.attention.attention_weights.astype(np.float64)


def encoder_gradient(model: Seq2Seq, task) -> np.ndarray:
    """‖∂L/∂h^e_j‖ over all windows and units, j = 1..T_e (``gradcheck.state_gradient_norms``)."""
    return state_gradient_norms(model, task.ex, task.dx, task.dy)[0].astype(np.float64)


def seed_run(seed: int, attention: str | None, epochs: int) -> dict[str, object]:
    """One NumPy model of the seed task: its free-running RMSE per step (T,), its numbers
    (``seed_part``'s per-seed dict), and for ``None`` and ``MAP_ATTENTION`` the encoder
    gradients before and after training; for ``MAP_ATTENTION`` also the argmax offsets."""
    task = seed_task()
    truth = task.dy[..., 0]
    model, history = seed_model(seed, attention, epochs)
    free = outputs(model, task)["free-running"]
    run: dict[str, object] = {"by_step": rmse_by_step(free, truth)}
    nums = {"val_loss": float(history["val_loss"][-1]), "free MSE": mse(free, truth)}
    if attention in (None, MAP_ATTENTION):
        before = Seq2Seq(hidden=10, seed=seed, attention=attention)
        g = {"before": encoder_gradient(before, task), "after": encoder_gradient(model, task)}
        run["grads"] = g
        for when in ("before", "after"):  # how much reaches h^e_1, relative to the context
            nums[f"gradient step 1 over context, {when}"] = g[when][0] / g[when][-1]
    if attention == MAP_ATTENTION:
        _, weights = model.predict(task.ex, return_attention=True)
        off = argmax_offsets(weights)
        run["offsets"] = off
        nums["median offset"] = float(np.median(off))
        nums["share at +8 or +9"] = float(np.mean((off == 8) | (off == 9)))
    run["numbers"] = nums
    return run


def seed_part(seeds: tuple[int, ...], epochs: int) -> dict[str, object]:
    """The seed task in NumPy: maps, offsets, free-running errors, encoder gradients."""
    task = seed_task()
    truth = task.dy[..., 0]
    by_step, numbers, grads, offsets = {}, {}, {}, {}
    start = time.perf_counter()
    for attention in SEED_ATTENTIONS:
        key = name(attention)
        runs = {seed: seed_run(seed, attention, epochs) for seed in seeds}
        by_step[key] = np.array([run["by_step"] for run in runs.values()])
        numbers[key] = {seed: run["numbers"] for seed, run in runs.items()}
        if attention in (None, MAP_ATTENTION):
            grads[key] = {seed: run["grads"] for seed, run in runs.items()}
        if attention == MAP_ATTENTION:
            offsets = {seed: run["offsets"] for seed, run in runs.items()}
        print(
            f"attention_figures: seed task, attention={key}, {len(seeds)} seeds "
            f"({time.perf_counter() - start:.0f} s so far)",
            file=sys.stderr,
            flush=True,
        )
    map_model, _ = seed_model(DOCS_SEED, MAP_ATTENTION, epochs)
    _, maps = map_model.predict(task.ex[list(INIT_POINTS)], return_attention=True)
    by_step["copy baseline"] = rmse_by_step(outputs(map_model, task)["copy baseline"], truth)
    return {
        "by_step": by_step,
        "numbers": numbers,
        "grads": grads,
        "offsets": offsets,
        "maps": maps.astype(np.float64),
        "copy MSE": mse(task.dx[..., 0], truth),
    }


def keras_part(seeds: tuple[int, ...], epochs: int, workers: int = 2) -> dict[str, object]:
    """The seed task in Keras: free-running RMSE per step and the numbers, per attention.

    The 2 x len(seeds) runs are independent (each seeds Keras itself), so ``workers``
    processes share them: a Keras run of 80 epochs takes a minute on a busy 2-core machine.
    """
    task = seed_task()
    truth = task.dy[..., 0]
    jobs = [(seed, attention, epochs) for attention in KERAS for seed in seeds]
    start = time.perf_counter()
    runs = {}
    with _pool(workers) as pool:
        for k, (job, run) in enumerate(zip(jobs, pool.map(_keras_job, jobs)), 1):
            runs[job[:2]] = run
            print(
                f"attention_figures: Keras, attention={name(job[1])}, seed {job[0]} "
                f"({k}/{len(jobs)}, {time.perf_counter() - start:.0f} s so far)",
                file=sys.stderr,
                flush=True,
            )
    by_step, numbers = {}, {}
    for attention in KERAS:
        key = name(attention)
        by_step[key] = np.array([rmse_by_step(runs[s, attention]["free"], truth) for s in seeds])
        numbers[key] = {
            s: {
                "val_loss": runs[s, attention]["val_loss"],
                "free MSE": mse(runs[s, attention]["free"], truth),
            }
            for s in seeds
        }
    return {"by_step": by_step, "numbers": numbers}


def _keras_job(job: tuple) -> dict[str, np.ndarray]:
    return keras_seed_run(*job)


def _pool(workers: int):
    """``workers`` fresh processes (spawned: TensorFlow must not be forked), or this one."""
    import concurrent.futures
    import contextlib
    import multiprocessing

    if workers <= 1:

        class Inline:
            map = staticmethod(map)

        return contextlib.nullcontext(Inline())
    return concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn")
    )


def reversal_part(seeds: tuple[int, ...], epochs: int, windows: int) -> dict[str, object]:
    """The reversal task in NumPy: histories, free-running errors on the validation
    windows, the map of ``MAP_ATTENTION``'s first seed, encoder gradients."""
    task = reversal_task(windows)
    n = split_windows(len(task.ex), 0.2)  # as fit: the last 20% validate
    val = Windows(task.ex[n:], task.dx[n:], task.dy[n:])
    truth = val.dy[..., 0]
    out: dict[str, dict] = {"history": {}, "by_step": {}, "numbers": {}, "grads": {}}
    start = time.perf_counter()
    for attention in REV_ATTENTIONS:
        key = name(attention)
        hist, rows, nums, grads = [], [], {}, {}
        for seed in seeds:
            model, history = reversal_model(seed, attention, epochs, windows)
            free = outputs(model, val)["free-running"]
            hist.append(history["val_loss"])
            rows.append(rmse_by_step(free, truth))
            grads[seed] = encoder_gradient(model, val)
            nums[seed] = {
                "val_loss": float(history["val_loss"][-1]),
                "free MSE": mse(free, truth),
                "best val_loss": float(np.min(history["val_loss"])),
            }
            if attention is not None:
                _, weights = model.predict(val.ex, return_attention=True)
                nums[seed].update(antidiagonal_share(weights))
                forced = teacher_forced_weights(model, val)
                nums[seed].update(
                    {f"teacher-forced {k}": v for k, v in antidiagonal_share(forced).items()}
                )
            print(
                f"attention_figures: reversal, attention={key}, seed {seed}, {epochs} epochs "
                f"({time.perf_counter() - start:.0f} s so far)",
                file=sys.stderr,
                flush=True,
            )
        out["history"][key] = np.array(hist)
        out["by_step"][key] = np.array(rows)
        out["numbers"][key] = nums
        out["grads"][key] = grads
    out["maps"] = {}  # {(attention, how it ran): (T, T) map of the first validation window}
    for attention in REV_ATTENTIONS[1:]:
        model, _ = reversal_model(seeds[0], attention, epochs, windows)
        weights = model.predict(val.ex[:1], return_attention=True)[1][0]
        out["maps"][name(attention), "free running"] = weights.astype(np.float64)
    forced = teacher_forced_weights(model, val)[0]  # the last attention's: "general"
    out["maps"][name(attention), "teacher forced"] = forced.astype(np.float64)
    out["copy MSE"] = mse(val.dx[..., 0], truth)
    out["variance"] = float(np.var(truth))
    return out


def compute(
    seeds: tuple[int, ...] = SPREAD_SEEDS,
    epochs: int = EPOCHS,
    keras: bool = True,
    rev_seeds: tuple[int, ...] = REV_SEEDS,
    rev_epochs: int = REV_EPOCHS,
    rev_windows: int = REV_WINDOWS,
    parts: tuple[str, ...] = PARTS,
) -> dict[str, object]:
    """Every number the figures draw: ``{"seed": ..., "keras": ..., "reversal": ...,
    "spread": ...}`` (``seed_part``, ``keras_part``, ``reversal_part``).  ``parts``
    says which tasks to run ("seed": figures (a), (b), (d); "reversal": (c)); a part
    not run, and Keras without ``keras``, are None."""
    unknown = set(parts) - set(PARTS)
    if unknown or not parts:
        raise ValueError(f"parts must be a non-empty subset of {PARTS}; got {parts!r}")
    if DOCS_SEED not in seeds:
        raise ValueError(f"seeds must include the docs' seed {DOCS_SEED}; got {seeds}")
    run_seed, run_rev = "seed" in parts, "reversal" in parts
    result: dict[str, object] = {
        "seeds": tuple(seeds),
        "epochs": epochs,
        "rev_seeds": tuple(rev_seeds),
        "rev_epochs": rev_epochs,
        "rev_windows": rev_windows,
        "seed": seed_part(tuple(seeds), epochs) if run_seed else None,
        "keras": keras_part(tuple(seeds), epochs) if run_seed and keras else None,
        "reversal": reversal_part(tuple(rev_seeds), rev_epochs, rev_windows) if run_rev else None,
    }
    result["spread"] = spreads(numbers(result))
    return result


def numbers(result: dict) -> dict[str, dict]:
    """``result``'s numbers as JSON (``NUMBERS_FILE``): for each part that ran ("seed",
    "reversal"), its settings and every per-seed number, seeds as strings; the seed part also
    has ``keras_ratios``."""
    out: dict[str, dict] = {}
    if result["seed"] is not None:
        seed, keras = result["seed"], result["keras"]
        out["seed"] = {
            "seeds": list(result["seeds"]),
            "epochs": result["epochs"],
            "copy MSE": seed["copy MSE"],
            "largest weight in the maps": float(seed["maps"].max()),
            "numpy": _per_seed(seed["numbers"]),
            "keras": None if keras is None else _per_seed(keras["numbers"]),
        }
        out["seed"]["keras ratios"] = keras_ratios(out["seed"])
    if result["reversal"] is not None:
        rev = result["reversal"]
        out["reversal"] = {
            "seeds": list(result["rev_seeds"]),
            "epochs": result["rev_epochs"],
            "windows": result["rev_windows"],
            "variance": rev["variance"],
            "copy MSE": rev["copy MSE"],
            "numbers": _per_seed(rev["numbers"]),
            "val_loss history": {
                key: {str(s): [float(v) for v in h] for s, h in zip(result["rev_seeds"], hist)}
                for key, hist in rev["history"].items()
            },
        }
    return out


def _per_seed(per_attention: dict) -> dict:
    """{attention: {seed: {quantity: value}}} with the seeds as strings and plain floats."""
    return {
        key: {str(s): {q: float(v) for q, v in nums.items()} for s, nums in per_seed.items()}
        for key, per_seed in per_attention.items()
    }


def keras_ratios(seed_numbers: dict) -> dict[str, dict[str, dict]]:
    """Issue 20, item 9: for each attention both libraries ran, NumPy's median over the seeds
    over Keras's, of val_loss and of the free-running MSE, and whether it is at most
    ``KERAS_RATIO_TARGET``.  {} without Keras."""
    keras = seed_numbers["keras"] or {}
    out = {}
    for key in keras:
        out[key] = {}
        for quantity in ("val_loss", "free MSE"):
            ours = spread(v[quantity] for v in seed_numbers["numpy"][key].values())["median"]
            theirs = spread(v[quantity] for v in keras[key].values())["median"]
            ratio = ours / theirs
            out[key][quantity] = {
                "numpy median": ours,
                "keras median": theirs,
                "ratio": ratio,
                "met": bool(ratio <= KERAS_RATIO_TARGET),
            }
    return out


def write_numbers(nums: dict, path: Path) -> dict:
    """Write ``nums`` into the JSON at ``path``, keeping the parts of the file that this run
    did not compute (``--part`` runs one task); returns what the file now holds."""
    kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    kept = {part: v for part, v in kept.items() if part in PARTS and part not in nums}
    merged = {part: {**kept, **nums}[part] for part in PARTS if part in {**kept, **nums}}
    path.write_text(json.dumps(merged, indent=1) + "\n", encoding="utf-8")
    return merged


def spreads(nums: dict) -> dict[str, dict[str, float]]:
    """min / median / max over the seeds of every per-seed number of ``numbers(...)``, keyed
    ``"<part> <attention> <quantity>"`` (``part``: numpy, keras, reversal)."""
    seed, rev = nums.get("seed") or {}, nums.get("reversal") or {}
    parts = {"numpy": seed.get("numpy"), "keras": seed.get("keras"), "reversal": rev.get("numbers")}
    out = {}
    for part, per_attention in parts.items():
        for key, per_seed in (per_attention or {}).items():
            for quantity in next(iter(per_seed.values())):
                out[f"{part} {key} {quantity}"] = spread(v[quantity] for v in per_seed.values())
    return out


def quoted(nums: dict) -> dict[str, str]:
    """The numbers the docs quote, formatted as they quote them, from ``numbers(...)`` (or the
    JSON file): every spread as "min / median / max", the NumPy / Keras ratios, the
    reversal's median val_loss at the milestones."""
    out = {}
    seed, rev = nums.get("seed"), nums.get("reversal")
    if seed is not None:
        out["seeds"] = str(len(seed["seeds"]))
        out["epochs"] = str(seed["epochs"])
        out["copy MSE"] = f"{seed['copy MSE']:.4f}"
        out["largest weight in the maps"] = f"{seed['largest weight in the maps']:.2f}"
        for key, per_quantity in seed["keras ratios"].items():
            for quantity, r in per_quantity.items():
                label = f"ratio {key} {quantity}"
                out[label] = f"{r['ratio']:.2f}"
                out[f"{label} verdict"] = "PASS" if r["met"] else "MISS"
    if rev is not None:
        out["rev seeds"] = str(len(rev["seeds"]))
        out["rev epochs"] = str(rev["epochs"])
        out["rev variance"] = f"{rev['variance']:.3f}"
        out["rev copy MSE"] = f"{rev['copy MSE']:.3f}"
        for key, per_seed in rev["val_loss history"].items():
            med = np.median(np.array(list(per_seed.values())), axis=0)
            for epoch in _milestones(med.size):
                out[f"reversal {key} val_loss at epoch {epoch}"] = f"{med[epoch - 1]:.4f}"
            last = min(20, med.size - 1)
            out[f"reversal {key} val_loss change over the last epochs"] = (
                f"{med[-1] - med[-1 - last]:+.4f}"
            )
    for key, q in spreads(nums).items():
        fmt = "{:.2f}" if "share" in key else "{:.4f}"
        if key.startswith("reversal") and "share" not in key and "weight" not in key:
            fmt = "{:.3f}"
        if "offset" in key:  # whole steps
            fmt = "{:+.0f}"
        out[key] = " / ".join(fmt.format(q[k]) for k in ("min", "median", "max"))
        for k in ("min", "median", "max"):  # each alone, for the prose
            out[f"{key} {k}"] = fmt.format(q[k])
    return out


# -- figures (matplotlib only below this line) ------------------------------------
COLORS = {"none": "tab:red", "dot": "tab:blue", "general": "tab:green", "additive": "tab:purple"}
LABELS = {
    "none": "no attention (the seed's model)",
    "dot": 'attention="dot" (Attention())',
    "general": 'attention="general" (learned key projection)',
    "additive": 'attention="additive" (AdditiveAttention())',
}


def _band(ax, x, rows, key, label) -> None:
    """Median over the seeds as a line, the middle half as a band."""
    lo, mid, hi = np.percentile(rows, [25, 50, 75], axis=0)
    ax.plot(x, mid, "o-", markersize=3, color=COLORS[key], label=label)
    ax.fill_between(x, lo, hi, color=COLORS[key], alpha=0.18)


def plot_maps(result: dict, path: Path) -> Figure:
    """(a): the four windows' maps (seed 0), and the argmax offset per seed."""
    from matplotlib.figure import Figure

    part, seeds = result["seed"], result["seeds"]
    fig = Figure(figsize=(12, 6.6), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1.15, 1])
    axes = top.subplots(1, 4, sharey=True)
    top_weight = float(part["maps"].max())  # one colour scale for the four maps
    for ax, window, weights in zip(axes, INIT_POINTS, part["maps"]):
        image = ax.imshow(
            weights, origin="upper", cmap="viridis", vmin=0, vmax=top_weight, aspect="auto"
        )
        t = np.arange(weights.shape[0])
        ax.plot(t, t, ":", color="white", linewidth=1, label="diagonal j = i")
        ax.plot(t + PHASE_STEPS, t, "--", color="orange", linewidth=1, label="j = i + 8.25")
        ax.set_xlim(-0.5, weights.shape[1] - 0.5)
        ax.set_title(f"window ex[{window}]", fontsize=10)
        ax.set_xlabel("encoder step j")
    axes[0].set_ylabel("decoder step i")
    axes[0].legend(loc="lower left", fontsize=7.5)
    top.colorbar(image, ax=axes, label="weight a_ij", shrink=0.9)
    top.suptitle(
        f"Seed {DOCS_SEED}, Attention(), free running: where each decoder step looks "
        "(each row sums to 1)",
        fontsize=11,
    )
    ax = bottom.subplots()
    offsets = [part["offsets"][s].ravel() for s in seeds]
    ax.boxplot(offsets, positions=list(seeds), widths=0.6, showfliers=False)
    ax.axhline(0, color="gray", linestyle=":", label="0: the diagonal")
    ax.axhline(PHASE_STEPS, color="orange", linestyle="--", label="+8.25: sin(x + π/2) = cos(x)")
    ax.set_title(
        f"Every seed: offset argmax_j a_ij − i over the 76 windows × 24 steps "
        f"(boxes: quartiles, whiskers: 1.5 IQR), {result['epochs']} epochs",
        fontsize=10,
    )
    ax.set_xlabel("seed")
    ax.set_ylabel("argmax offset (steps)")
    ax.grid(True, alpha=0.4)
    ax.legend(loc="upper right", fontsize=8.5)
    fig.savefig(path, dpi=100)
    return fig


def plot_free_running(result: dict, path: Path) -> Figure:
    """(b): free-running RMSE per step on the seed task, NumPy and Keras, and the copy."""
    from matplotlib.figure import Figure

    seeds = result["seeds"]
    parts = [("NumPy (numpy_seq2seq)", result["seed"]["by_step"], SEED_ATTENTIONS)]
    if result["keras"] is not None:
        parts.append(("Keras (reference_keras)", result["keras"]["by_step"], KERAS))
    fig = Figure(figsize=(6.2 * len(parts), 4.9), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(parts), sharey=True))
    copy = result["seed"]["by_step"]["copy baseline"]
    t = np.arange(1, copy.size + 1)
    for ax, (title, by_step, attentions) in zip(axes, parts):
        for attention in attentions:
            key = name(attention)
            _band(ax, t, by_step[key], key, LABELS[key])
        ax.plot(t, copy, "^:", color="gray", markersize=3, label="copy baseline (no model)")
        ax.set_yscale("log")
        ax.set_title(f"{title}: median and middle half of {len(seeds)} seeds", fontsize=10)
        ax.set_xlabel("decoder step t")
        ax.grid(True, which="both", alpha=0.4)
        ax.legend(loc="lower right", fontsize=8)
    axes[0].set_ylabel("free-running RMSE over the 76 windows (log)")
    fig.suptitle(
        f"Seed task, {result['epochs']} epochs: free-running error at each step, "
        "with and without attention",
        fontsize=11,
    )
    fig.savefig(path, dpi=100)
    return fig


def plot_reversal(result: dict, path: Path) -> Figure:
    """(c): the reversal task: val_loss per epoch, free-running RMSE per step, a map."""
    from matplotlib.figure import Figure

    rev = result["reversal"]
    n_seeds = len(result["rev_seeds"])
    maps = rev["maps"]
    fig = Figure(figsize=(16, 9), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1])
    ax_loss, ax_step = top.subplots(1, 2)
    map_axes = bottom.subplots(1, len(maps))
    for attention in REV_ATTENTIONS:
        key = name(attention)
        hist = rev["history"][key]
        _band(ax_loss, np.arange(1, hist.shape[1] + 1), hist, key, LABELS[key])
        rows = rev["by_step"][key]
        _band(ax_step, np.arange(1, rows.shape[1] + 1), rows, key, LABELS[key])
    ax_loss.axhline(rev["variance"], color="gray", linestyle=":", label="variance of the target")
    ax_loss.set_title(f"val_loss per epoch (median of {n_seeds} seeds)", fontsize=10)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("val_loss (teacher forced, MSE)")
    ax_loss.set_ylim(0, rev["variance"] * 1.15)
    ax_loss.legend(loc="upper right", fontsize=8)
    n_val = result["rev_windows"] - split_windows(result["rev_windows"], 0.2)
    ax_step.set_title(f"free-running RMSE per step, the {n_val} validation windows", fontsize=10)
    ax_step.set_xlabel("decoder step t (outputs ex at T + 1 − t)")
    ax_step.set_ylabel("RMSE")
    ax_step.axhline(np.sqrt(rev["variance"]), color="gray", linestyle=":", label="std of target")
    ax_step.legend(loc="lower right", fontsize=8)
    for ax in (ax_loss, ax_step):
        ax.grid(True, alpha=0.4)
    for ax, ((key, how), weights) in zip(np.atleast_1d(map_axes), maps.items()):
        top_weight = float(weights.max())
        image = ax.imshow(weights, cmap="viridis", vmin=0, vmax=top_weight, aspect="auto")
        bottom.colorbar(image, ax=ax, label=f"weight a_ij (scale 0 to {top_weight:.3f})")
        t = np.arange(weights.shape[0])
        ax.plot(weights.shape[1] - 1 - t, t, ":", color="white", linewidth=1, label="j = T + 1 − i")
        ax.set_title(
            f"{LABELS[key]}, {how}\nseed {result['rev_seeds'][0]}, validation window 1", fontsize=10
        )
        ax.set_xlabel("encoder step j")
        ax.set_ylabel("decoder step i")
        ax.legend(loc="lower left", fontsize=8)
    fig.suptitle(
        f"Reversing random sequences (T = {REV_STEPS}, H = {REV_HIDDEN}, "
        f"{result['rev_windows']} windows, {result['rev_epochs']} epochs): "
        "the context bottleneck binds",
        fontsize=11,
    )
    fig.savefig(path, dpi=100)
    return fig


def plot_encoder_gradient(result: dict, path: Path) -> Figure:
    """(d): ‖∂L/∂h^e_j‖ per encoder step, without and with attention."""
    from matplotlib.figure import Figure

    seeds, grads = result["seeds"], result["seed"]["grads"]
    fig = Figure(figsize=(12, 4.8), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for ax, when, title in (
        (axes[0], "before", "before training"),
        (axes[1], "after", f"after {result['epochs']} epochs"),
    ):
        per_key = {k: [g[s][when] for s in seeds] for k, g in grads.items()}
        for key, rows in per_key.items():
            rows = np.array(rows)
            _band(ax, np.arange(1, rows.shape[1] + 1), rows, key, LABELS[key])
        ax.set_yscale("log")
        ax.set_title(
            f"Seed task, {title}: median and middle half of {len(seeds)} seeds", fontsize=10
        )
        ax.set_xlabel("encoder step j (the context is the last)")
        ax.grid(True, which="both", alpha=0.4)
        ax.legend(loc="lower right", fontsize=8)
    axes[0].set_ylabel("‖∂L/∂h^e_j‖ over all windows (log)")
    fig.suptitle(
        "The gradient reaching each encoder state, over the 76 windows: without attention it "
        "arrives only through the context (step 24); with attention, at every step",
        fontsize=11,
    )
    fig.savefig(path, dpi=100)
    return fig


#: The figures of each part: {part: {file name: plot function}}.
PLOTS = {
    "seed": {
        "attention_map_seed.png": plot_maps,
        "attention_free_running.png": plot_free_running,
        "attention_encoder_gradient.png": plot_encoder_gradient,
    },
    "reversal": {"attention_reversal.png": plot_reversal},
}


def summary_lines(result: dict) -> list[str]:
    """Every per-seed spread, one line each, as the command prints them."""
    lines = [
        f"seed task: {len(result['seeds'])} seeds, {result['epochs']} epochs; reversal: "
        f"{len(result['rev_seeds'])} seeds, {result['rev_epochs']} epochs, "
        f"{result['rev_windows']} windows; min / median / max over the seeds:"
    ]
    for key, q in result["spread"].items():
        lines.append(f"  {key:<48} {q['min']:9.4f} {q['median']:9.4f} {q['max']:9.4f}")
    if result["seed"] is not None:
        lines.append(f"  copy baseline MSE (seed task) {result['seed']['copy MSE']:.4f}")
    if result["reversal"] is not None:
        rev = result["reversal"]
        lines.append(f"  reversal: target variance {rev['variance']:.4f}")
        lines.append(f"  reversal: copy baseline MSE {rev['copy MSE']:.4f}")
        for key, hist in rev["history"].items():
            med = np.median(hist, axis=0)
            last = min(20, med.size - 1)
            lines.append(
                f"  reversal {key}: median val_loss at epochs "
                + ", ".join(f"{e}: {med[e - 1]:.4f}" for e in _milestones(med.size))
                + f"; change over the last {last} epochs {med[-1] - med[-1 - last]:+.4f}"
            )
    return lines


def _milestones(epochs: int) -> list[int]:
    """Epochs at which the printed val_loss curve is sampled: 30, 60, ... and the last."""
    return sorted({*range(30, epochs, 30), epochs})


def build(out_dir: Path, **kwargs) -> list[Path]:
    """Compute (``compute(**kwargs)``) and write the four PNGs and ``NUMBERS_FILE`` into
    ``out_dir``; prints the numbers and the NumPy / Keras ratios; returns the paths."""
    result = compute(**kwargs)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for part, plots in PLOTS.items():
        if result[part] is None:
            continue
        for file_name, plot in plots.items():
            plot(result, out_dir / file_name)
            paths.append(out_dir / file_name)
    nums = numbers(result)
    write_numbers(nums, out_dir / NUMBERS_FILE)
    paths.append(out_dir / NUMBERS_FILE)
    for line in summary_lines(result) + ratio_lines(nums):
        print(line)
    print(f"quoted in the docs: {quoted(nums)}")
    return paths


def ratio_lines(nums: dict) -> list[str]:
    """Issue 20, item 9, one line per attention and quantity: NumPy median / Keras median."""
    ratios = (nums.get("seed") or {}).get("keras ratios") or {}
    lines = [f"NumPy median / Keras median, target <= {KERAS_RATIO_TARGET}:"] if ratios else []
    for key, per_quantity in ratios.items():
        for quantity, r in per_quantity.items():
            lines.append(
                f"  {key:<9} {quantity:<9} {r['numpy median']:.4f} / {r['keras median']:.4f} "
                f"= {r['ratio']:.2f}  {'PASS' if r['met'] else 'MISS'}"
            )
    return lines


#: ``--quick``: enough to draw every figure in seconds (tests), not to learn anything.
QUICK = dict(seeds=(0, 1), epochs=2, keras=False, rev_seeds=(0,), rev_epochs=2, rev_windows=60)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    p.add_argument("--seeds", type=int_at_least(1), default=len(SPREAD_SEEDS), help="seeds 0..N-1")
    p.add_argument("--epochs", type=int_at_least(1), default=EPOCHS, help="seed-task epochs")
    p.add_argument("--no-keras", action="store_true", help="NumPy only (no TensorFlow)")
    p.add_argument("--rev-seeds", type=int_at_least(1), default=len(REV_SEEDS))
    p.add_argument("--rev-epochs", type=int_at_least(1), default=REV_EPOCHS)
    p.add_argument("--rev-windows", type=int_at_least(10), default=REV_WINDOWS)
    p.add_argument("--part", choices=PARTS, default=None, help="one task only (default both)")
    p.add_argument("--quick", action="store_true", help="2 seeds, 2 epochs, no Keras (tests)")
    args = p.parse_args(argv)
    parts = PARTS if args.part is None else (args.part,)
    if args.quick:
        kwargs = {**QUICK, "parts": parts}
    else:
        kwargs = dict(
            seeds=tuple(range(args.seeds)),
            epochs=args.epochs,
            keras=not args.no_keras,
            rev_seeds=tuple(range(args.rev_seeds)),
            rev_epochs=args.rev_epochs,
            rev_windows=args.rev_windows,
            parts=parts,
        )
    for path in build(args.out, **kwargs):
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
