"""How far float32 NumPy and float32 Keras drift apart on the seed task, for every cell.

Run from the repository root (TensorFlow needed)::

    python scripts/float32_spread.py                 # measure, print, rewrite the docs table
    python scripts/float32_spread.py --no-write      # measure and print only
    python scripts/float32_spread.py --rows-from LOG # rewrite the table from a saved run's output
    python scripts/float32_spread.py --attention     # every cell with each attention instead

For each cell (SimpleRNN, GRU, LSTM) and each of 12 initialisations -- Keras's
own (``tf.keras.utils.set_random_seed(s)``, Keras -> NumPy) for s = 0-5 and
ours (``Seq2Seq(seed=s)``, NumPy -> Keras) for s = 0-5 -- both sides run the
seed's training exactly (float32, 76 windows, batch 16, split 0.2, 80 epochs,
shuffle=False: 320 Adam steps), then predict the seed's four ``init_points``
free-running for 24 steps.  Recorded per run: the largest difference of the
loss and val_loss histories, of the final weights and of the predictions;
and, to show the scale of float32 rounding itself, the difference between
NumPy's float32 predictions and a float64 NumPy run from the same weights.

The table between the ``float32-spread`` markers in ``docs/keras-mapping.md``
is written by this script, and with ``--attention`` (every cell with each of the three
attentions of issue 20, 12 initialisations each) the one between the
``float32-spread-attention`` markers; ``tests/test_cells_float32_seed.py`` runs the same
``measure`` and asserts the bound.
"""

from __future__ import annotations

import argparse
import functools
import math
import re
from pathlib import Path

import numpy as np
import tensorflow as tf

import reference_keras as rk
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import INIT_POINTS
from numpy_seq2seq.model import split_windows

CELLS = ("simple_rnn", "gru", "lstm")
ORIGINS = ("keras", "numpy")  # whose initialisation: Keras -> NumPy, or NumPy -> Keras
SEEDS = tuple(range(6))  # x 2 origins = 12 initialisations per cell
SEED_FIT = dict(batch_size=16, epochs=80, validation_split=0.2, shuffle=False)
ATTENTIONS = ("dot", "general", "additive")
DOC = Path("docs/keras-mapping.md")
START, END = "<!-- float32-spread:start -->", "<!-- float32-spread:end -->"
MARKERS_ATTENTION = (
    "<!-- float32-spread-attention:start -->",
    "<!-- float32-spread-attention:end -->",
)


def max_abs(a, b) -> float:
    """Largest absolute difference of two arrays or two lists of arrays."""
    if isinstance(a, (list, tuple)):
        return max(max_abs(x, y) for x, y in zip(a, b))
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def seed_task() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The seed's 76 windows ``ex, dx, dy`` (N, 24, 1), as the course makes them."""
    _, seq_in, seq_out = rk.sin_cos_seed()
    return rk.make_windows_seed(seq_in, seq_out)


def start(
    cell: str, origin: str, seed: int, attention: str | None = None, reuse: Reusable | None = None
) -> tuple:
    """Both sides of one run with identical float32 initial weights: Keras's initialisation
    (``origin="keras"``) or ours (``"numpy"``).  Call these one at a time: Keras's seed is
    global.  ``reuse``: Keras models built before (``Reusable``), trained instead of new ones,
    which skips building and tracing them again.  Returns
    ``((model_train, model_pred_e, pred_d_model), np_model)``."""
    np_model = Seq2Seq(dtype="float32", seed=seed, cell=cell, attention=attention)
    keras_models = None
    if origin == "keras":  # Keras's own initial weights: a new model built under the seed
        tf.keras.utils.set_random_seed(seed)
        keras_models = rk.build_models(dtype="float32", cell=cell, attention=attention)
        np_model.set_weights(keras_models[0].get_weights())
    if reuse is not None:  # the models built before, restarted from the same weights
        reuse.restart(np_model.get_weights())
        return reuse.models, np_model
    if keras_models is None:
        keras_models = rk.build_models(dtype="float32", cell=cell, attention=attention)
        keras_models[0].set_weights(np_model.get_weights())
    return keras_models, np_model


class Reusable:
    """The three Keras models of one (cell, attention), to train again and again from new
    weights: ``restart`` sets the weights and puts Adam back as a fresh ``compile`` leaves it
    (step count, moments: every optimizer variable to its value before the first step).
    Keras keeps the traced train and test functions of the model, which are most of the
    cost of a first ``fit`` on this small task."""

    def __init__(self, cell: str, attention: str | None = None) -> None:
        self.models = rk.build_models(dtype="float32", cell=cell, attention=attention)
        model_train = self.models[0]
        model_train.optimizer.build(model_train.trainable_variables)
        self.optimizer_start = [v.numpy() for v in model_train.optimizer.variables]

    def restart(self, weights: list[np.ndarray]) -> None:
        """Start training again from ``weights``, with Adam as new."""
        model_train = self.models[0]
        model_train.set_weights(weights)
        for variable, value in zip(model_train.optimizer.variables, self.optimizer_start):
            variable.assign(value)


def keras_fit_seed(
    model_train, ex: np.ndarray, dx: np.ndarray, dy: np.ndarray, epochs: int = SEED_FIT["epochs"]
) -> dict:
    """``model_train.fit([ex, dx], dy, **SEED_FIT).history``, bit for bit, in a third to a half
    of the time (3.2-5.1 s against 9.5-12.3 s for the SimpleRNN, measured side by side).

    On this small task half of a warm Keras ``fit`` is spent making data iterators: with
    arrays, Keras's ``EpochIterator`` (``keras/src/trainers/epoch_iterator.py``,
    ``_enumerate_iterator``) makes new ``tf.data`` iterators for every epoch when
    ``steps_per_epoch`` is not given, and for every validation pass: four per epoch, about
    17 ms each (cProfile of a warm ``fit``: 80 in 20 epochs), while the 5 batches of an
    epoch take about 27 ms.  Given endless (``repeat``-ed) datasets of the same batches and
    ``steps_per_epoch``, Keras keeps one training iterator for the whole run; ``evaluate``
    still resets its iterator for every validation pass
    (``keras/src/backend/tensorflow/trainer.py``: ``epoch_iterator.reset()``), so one small
    iterator per epoch remains.  The split and the batches are fit's own: the first
    ``floor(N * (1 - validation_split))`` windows train, in order (``shuffle=False``), and the
    rest validate (``keras/src/trainers/data_adapters/array_slicing.py``,
    ``train_validation_split``).  ``test_cells_float32_seed.py`` checks that the histories
    and weights equal those of ``fit`` itself, bit for bit."""
    dtype = rk.model_dtype(model_train)
    ex, dx, dy = (np.asarray(a, dtype) for a in (ex, dx, dy))  # fit casts to floatx
    n_train = split_windows(len(ex), SEED_FIT["validation_split"])  # Keras's floor, as fit
    batch = SEED_FIT["batch_size"]

    def endless(part: slice) -> tf.data.Dataset:
        windows = ((ex[part], dx[part]), dy[part])
        return tf.data.Dataset.from_tensor_slices(windows).batch(batch).repeat()

    return model_train.fit(
        endless(slice(None, n_train)),
        steps_per_epoch=math.ceil(n_train / batch),
        epochs=epochs,
        validation_data=endless(slice(n_train, None)),
        validation_steps=math.ceil((len(ex) - n_train) / batch),
        shuffle=False,  # the batches are already in fit's unshuffled order
        verbose=0,
    ).history


def train(run: tuple, data: tuple, float64: bool = True) -> dict:
    """Train one started run both ways in float32 (Keras's floatx must be float32), predict
    the ``init_points``; the largest differences (see the module docstring), and the raw
    ``histories`` and ``predictions`` as ``(keras, numpy)`` pairs."""
    (cell, attention, origin, seed), ((model_train, model_pred_e, pred_d_model), np_model) = run
    ex, dx, dy = data
    initial = np_model.get_weights()
    h_keras = keras_fit_seed(model_train, ex, dx, dy)
    h_numpy = np_model.fit([ex, dx], dy, **SEED_FIT).history
    windows = ex[list(INIT_POINTS)]
    p_numpy = np_model.predict(windows)
    if attention is None:
        p_keras = rk.predict(model_pred_e, pred_d_model, windows)
    else:
        p_keras = rk.predict_attention(model_pred_e, pred_d_model, windows)[0]
    row = dict(
        cell=cell,
        origin=origin,
        seed=seed,
        loss=max(max_abs(h_keras[k], h_numpy[k]) for k in ("loss", "val_loss")),
        weights=max_abs(model_train.get_weights(), np_model.get_weights()),
        predictions=max_abs(p_keras, p_numpy),
        final_loss=h_numpy["loss"][-1],
        histories=(h_keras, h_numpy),
        outputs=(p_keras, p_numpy),
    )
    if attention is not None:
        row["attention"] = attention
    if float64:  # the same start in float64: how far float32 rounding alone carries NumPy
        np64 = Seq2Seq(dtype="float64", cell=cell, seed=0, attention=attention)
        np64.set_weights([w.astype(np.float64) for w in initial])
        np64.fit([ex, dx], dy, **SEED_FIT)
        p_64 = np64.predict(windows)  # Keras's float64 run gives these to about 1e-12 (f64 tests)
        row["numpy_f32_vs_f64"] = max_abs(p_numpy, p_64)
        row["keras_f32_vs_f64"] = max_abs(p_keras, p_64)
    return row


def measure(
    cells=CELLS,
    origins=ORIGINS,
    seeds=SEEDS,
    float64: bool = True,
    log=print,
    attentions=(None,),
    reuse=None,
) -> list[dict]:
    """One run for every cell, attention, origin and seed, in that order.  ``reuse``: a
    function of (cell, attention) giving a ``Reusable`` to train (the tests share one per
    worker); by default every run builds new models."""
    data = seed_task()
    rows = []
    with rk.floatx("float32"):
        for cell in cells:
            for attention in attentions:
                for origin in origins:
                    for seed in seeds:
                        models = reuse(cell, attention) if reuse else None
                        run = start(cell, origin, seed, attention, models)
                        rows.append(train(((cell, attention, origin, seed), run), data, float64))
                        log(format_row(rows[-1]))
    return rows


def label(row: dict) -> str:
    """``simple_rnn``, or ``simple_rnn+dot`` for a model with attention."""
    return row["cell"] + (f"+{row['attention']}" if "attention" in row else "")


def format_row(row: dict) -> str:
    extra = ""
    if "numpy_f32_vs_f64" in row:
        extra = (
            f" f32-vs-f64 {row['numpy_f32_vs_f64']:.3e}"
            f" keras-f32-vs-f64 {row['keras_f32_vs_f64']:.3e}"
        )
    return (
        f"{label(row):>10} {row['origin']:>5} seed {row['seed']}: loss {row['loss']:.3e} "
        f"weights {row['weights']:.3e} predictions {row['predictions']:.3e}{extra}"
    )


ROW = re.compile(
    r"^\s*(?P<cell>\w+)(?:\+(?P<attention>\w+))? (?P<origin>keras|numpy) seed (?P<seed>\d+): "
    r"loss (?P<loss>\S+) "
    r"weights (?P<weights>\S+) predictions (?P<predictions>\S+)"
    r"(?: f32-vs-f64 (?P<numpy_f32_vs_f64>\S+) keras-f32-vs-f64 (?P<keras_f32_vs_f64>\S+))?$"
)


def parse_rows(text: str) -> list[dict]:
    """The rows of a run's printed output (``format_row`` lines), for ``--rows-from``."""
    rows = []
    for line in text.splitlines():
        m = ROW.match(line)
        if m:
            row = {k: v for k, v in m.groupdict().items() if v is not None}
            row["seed"] = int(row["seed"])
            for key in ("loss", "weights", "predictions", "numpy_f32_vs_f64", "keras_f32_vs_f64"):
                if key in row:
                    row[key] = float(row[key])
            rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    """The Markdown table of the spread: per cell, median and largest of each difference."""
    cols = [
        ("loss", "loss / val_loss"),
        ("weights", "final weights"),
        ("predictions", "predictions"),
        ("numpy_f32_vs_f64", "NumPy f32 drift"),  # predictions against NumPy's float64 run
        ("keras_f32_vs_f64", "Keras f32 drift"),
    ]
    lines = [
        "| cell | runs | " + " | ".join(f"{name}: median / max" for _, name in cols) + " |",
        "|---" * (2 + len(cols)) + "|",
    ]
    for cell in dict.fromkeys(label(r) for r in rows):
        mine = [r for r in rows if label(r) == cell]
        cells = []
        for key, _ in cols:
            values = [r[key] for r in mine if key in r]
            cells.append(f"{np.median(values):.1e} / {max(values):.1e}" if values else "")
        lines.append(f"| `{cell}` | {len(mine)} | " + " | ".join(cells) + " |")
    worst = max(rows, key=lambda r: r["predictions"])
    lines.append("")
    lines.append(
        f"Largest prediction difference: `{label(worst)}` from "
        f"{'Keras' if worst['origin'] == 'keras' else 'NumPy'}'s seed {worst['seed']}, "
        f"{worst['predictions']:.1e}. Written by `python scripts/float32_spread.py"
        f"{' --attention' if 'attention' in worst else ''}`."
    )
    return "\n".join(lines)


def write_doc(rows: list[dict], doc: Path = DOC, markers: tuple = (START, END)) -> None:
    """Replace the table between the markers in ``docs/keras-mapping.md``."""
    start, end = markers
    text = doc.read_text()
    new = f"{start}\n{table(rows)}\n{end}"
    text, n = re.subn(re.escape(start) + ".*?" + re.escape(end), new, text, flags=re.S)
    if n != 1:
        raise SystemExit(f"{doc}: expected one {start} ... {end} block, found {n}")
    doc.write_text(text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--no-write", action="store_true", help="print only; leave the docs alone")
    p.add_argument("--cells", default=",".join(CELLS), help="comma-separated (all three)")
    p.add_argument(
        "--rows-from", type=Path, help="a saved run's output: tabulate it, measure nothing"
    )
    p.add_argument(
        "--attention",
        action="store_true",
        help="each cell with each attention (dot, general, additive); its own table",
    )
    args = p.parse_args(argv)
    if args.rows_from:
        rows = parse_rows(args.rows_from.read_text())
    else:
        attentions = ATTENTIONS if args.attention else (None,)
        reuse = functools.cache(Reusable)  # one set of Keras models per (cell, attention)
        rows = measure(cells=tuple(args.cells.split(",")), attentions=attentions, reuse=reuse)
    print(table(rows))
    if not args.no_write:
        write_doc(rows, markers=MARKERS_ATTENTION if args.attention else (START, END))
        print(f"wrote the table in {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
