"""``python -m numpy_seq2seq train | predict``: outputs, figures, round trip, bad input."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import numpy as np
import pytest
from figure_checks import assert_nonblank_png

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.cli import main
from numpy_seq2seq.data import make_windows, sin_cos

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One short training run shared by the tests below: (out dir, stdout)."""
    out = tmp_path_factory.mktemp("train")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["train", "--epochs", "3", "--seed", "1", "--hidden", "6", "--out", str(out)])
    assert code == 0
    return out, buf.getvalue()


def test_train_prints_one_line_per_epoch(trained):
    _, stdout = trained
    assert re.findall(r"^Epoch (\d+)/3 .* loss: [\d.]+ - val_loss: [\d.]+$", stdout, re.M) == [
        "1",
        "2",
        "3",
    ]


def test_train_saves_the_model_it_trained(trained):
    out, stdout = trained
    model = Seq2Seq.load(out / "model.npz")
    assert model.hidden == 6 and model.dtype == np.float32
    # The RMSE lines printed by train are recomputed here from the saved model.
    _, seq_in, seq_out = sin_cos()
    ex, _, dy = make_windows(seq_in, seq_out, 24)
    printed = dict(re.findall(r"^window\s+(\d+):.*RMSE vs cos\(x\) ([\d.]+)", stdout, re.M))
    assert sorted(map(int, printed)) == [0, 24, 49, 74]
    for i, rmse in printed.items():
        y = model.predict(ex[int(i) : int(i) + 1])[0, :, 0]
        assert float(rmse) == pytest.approx(np.sqrt(np.mean((y - dy[int(i), :, 0]) ** 2)), abs=1e-4)


@pytest.mark.parametrize("name", ["data.png", "loss.png", "predictions.png"])
def test_train_writes_nonblank_figures(trained, name):
    assert_nonblank_png(trained[0] / name)


def test_predict_loads_the_model_and_plots_chosen_windows(trained, tmp_path, capsys):
    out, train_stdout = trained
    code = main(["predict", str(out / "model.npz"), "--windows", "49", "5", "--out", str(tmp_path)])
    assert code == 0
    stdout = capsys.readouterr().out
    assert re.findall(r"^window\s+(\d+):", stdout, re.M) == ["5", "49"]
    # window 49 was also predicted by train: same model file, same numbers
    line = re.compile(r"^window\s+49:.*$", re.M)
    assert line.search(stdout).group() == line.search(train_stdout).group()
    assert_nonblank_png(tmp_path / "predictions.png")


def test_module_runs_without_tensorflow(tmp_path):
    """``python -m numpy_seq2seq train`` exits 0 and never imports TensorFlow or Keras."""
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['numpy_seq2seq', 'train', '--epochs', '2', '--out', {str(tmp_path)!r}]\n"
        "try:\n"
        "    runpy.run_module('numpy_seq2seq', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "Epoch 2/2" in run.stdout
    assert (tmp_path / "model.npz").is_file()


def test_console_script_is_declared():
    (ep,) = [e for e in entry_points(group="console_scripts") if e.name == "numpy-seq2seq"]
    assert ep.value == "numpy_seq2seq.cli:main"


BAD_TRAIN = [
    (["--epochs", "-1"], "--epochs", "-1"),
    (["--epochs", "ten"], "--epochs", "'ten'"),
    (["--hidden", "0"], "--hidden", "0"),
    (["--batch-size", "0"], "--batch-size", "0"),
    (["--steps", "99"], "--steps", "99"),
    (["--dtype", "float16"], "--dtype", "float16"),
    (["--windows", "0", "76"], "--windows", "[76]"),
    (["--seed", "-3"], "--seed", "-3"),
]


@pytest.mark.parametrize(("args", "names", "shows"), BAD_TRAIN)
def test_train_rejects_bad_values(args, names, shows, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["train", *args, "--out", str(tmp_path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {names}" in err and shows in err, err
    assert not (tmp_path / "model.npz").exists()


def test_predict_rejects_missing_or_bad_model_and_windows(trained, tmp_path, capsys):
    model = str(trained[0] / "model.npz")
    not_npz = tmp_path / "notes.npz"
    not_npz.write_text("not a model")
    cases = [
        ([str(tmp_path / "missing.npz")], "argument MODEL: no model file"),
        ([str(not_npz)], "argument MODEL:"),
        ([model, "--windows", "100"], "argument --windows: indices must be < 76"),
        ([model, "--steps", "0"], "argument --steps"),
    ]
    for args, message in cases:
        with pytest.raises(SystemExit) as exc:
            main(["predict", *args, "--out", str(tmp_path)])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert message in err, (args, err)


def test_usage_error_has_no_traceback(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "numpy_seq2seq", "predict", str(tmp_path / "nope.npz")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 2
    assert "argument MODEL: no model file" in run.stderr
    assert "Traceback" not in run.stderr


def test_without_matplotlib_train_and_predict_finish_and_say_how_to_get_figures(tmp_path):
    """NumPy alone (no ``plot`` extra): the model is trained, saved and used; the
    figures are skipped with one line naming the extra, and there is no traceback."""
    # sys.modules[name] = None is how Python spells "not installed": import raises
    # ModuleNotFoundError and importlib.util.find_spec returns None.
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from numpy_seq2seq.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    out = tmp_path / "out"
    train = [sys.executable, "-c", code, "train", "--epochs", "2", "--seed", "0", "--out", str(out)]
    run = subprocess.run(train, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "figures skipped: matplotlib is not installed" in run.stdout
    assert "pip install 'numpy-seq2seq[plot]'" in run.stdout
    assert (out / "model.npz").is_file() and not list(out.glob("*.png"))
    predict = [sys.executable, "-c", code, "predict", str(out / "model.npz"), "--out", str(out)]
    run = subprocess.run(predict, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "figures skipped" in run.stdout, run.stderr
    assert not list(out.glob("*.png"))
