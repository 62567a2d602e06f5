"""The side-by-side tools with ``--cell``: the CLI's train/predict and scripts/compare.py."""

import re

import pytest
from test_scripts import parity_rows, run_script

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.cli import main


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_cli_train_and_predict_with_a_cell(cell, tmp_path, capsys):
    out = tmp_path / "train"
    code = main(["train", "--epochs", "2", "--seed", "1", "--hidden", "4", "--cell", cell,
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    assert f"cell='{cell}'" in capsys.readouterr().out
    assert Seq2Seq.load(out / "model.npz").cell == cell
    assert main(["predict", str(out / "model.npz"), "--out", str(tmp_path / "p")]) == 0
    assert (tmp_path / "p" / "predictions.png").is_file()


def test_cli_rejects_an_unknown_cell(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--cell", "rnn", "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "argument --cell" in capsys.readouterr().err


@pytest.mark.slow
def test_compare_with_the_lstm_float64(tmp_path):
    """Both states carried on both sides: float64 parity to 1e-12, through the script."""
    run = run_script("-m", "scripts.compare", "--cell", "lstm", "--epochs", "2", "--dtype",
                     "float64", "--seed", "1", "--out", str(tmp_path))  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"Parity NumPy vs Keras \(lstm, float64", run.stdout)
    rows = parity_rows(run.stdout)
    assert len(rows) == 5 and all(res == "PASS" for _, res in rows.values()), rows
    assert (tmp_path / "compare_predictions.png").is_file()
