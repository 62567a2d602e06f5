"""``python -m reference_keras``: the seed exercise end to end, on Keras alone.

Builds the seed's models, trains them as the seed does
(``fit([ex, dx], dy, batch_size=16, epochs=80, validation_split=0.2)``),
runs the seed's ``predict`` from the four ``init_points`` and saves the
seed's figures as PNGs.

``python -m reference_keras golden [--out PATH]`` instead writes the
exercises' golden file (``reference_keras/golden.py`` says what it holds).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import build_models, make_windows_seed, predict_seed, sin_cos_seed
from .plotting import plot_loss, plot_predictions

INIT_POINTS = [0, 24, 49, 74]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["golden"]:
        return golden_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m reference_keras",
        description="Run the seed's Keras Seq2Seq exercise (sin -> cos) and save its figures.",
    )
    parser.add_argument("--epochs", type=int, default=80, help="training epochs (seed: 80)")
    parser.add_argument("--out", default="out/reference_keras", help="folder for the PNGs")
    parser.add_argument(
        "--seed", type=int, default=None, help="seed for Keras's initial weights and shuffling"
    )
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error(f"--epochs must be >= 1; got {args.epochs}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    import tensorflow as tf

    if args.seed is not None:
        tf.keras.utils.set_random_seed(args.seed)

    x, seq_in, seq_out = sin_cos_seed()
    ex, dx, dy = make_windows_seed(seq_in, seq_out, steps=24)
    model_train, model_pred_e, pred_d_model = build_models()
    model_train.summary()

    start = time.perf_counter()

    def progress(epoch, logs):
        print(
            f"Epoch {epoch + 1}/{args.epochs} - {time.perf_counter() - start:.1f}s elapsed - "
            f"loss: {logs['loss']:.4f} - val_loss: {logs['val_loss']:.4f}",
            flush=True,
        )

    history = model_train.fit(
        [ex, dx],
        dy,
        batch_size=16,
        epochs=args.epochs,
        validation_split=0.2,
        verbose=False,
        callbacks=[tf.keras.callbacks.LambdaCallback(on_epoch_end=progress)],
    )
    loss_png = plot_loss(history.history, out / "loss.png")

    print("Predicting with the seed's loop (model.predict per step: about a second per window)...")
    outputs = []
    for i in INIT_POINTS:
        outputs.append(predict_seed(model_pred_e, pred_d_model, ex[i : i + 1]))
        print(f"  window {i}: done", flush=True)
    pred_png = plot_predictions(x, seq_out, INIT_POINTS, outputs, 24, out / "predictions.png")
    print(f"Figures: {loss_png} and {pred_png}")
    return 0


def golden_main(argv: list[str]) -> int:
    """``python -m reference_keras golden``: Keras's numbers for numpy_seq2seq's exercises."""
    from . import golden

    parser = argparse.ArgumentParser(
        prog="python -m reference_keras golden",
        description="Write the exercises' golden file: Keras's float64 values for a small model.",
    )
    parser.add_argument(
        "--out", default=str(golden.default_path()), help="the .npz to write (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    print(f"Golden file: {golden.write(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
