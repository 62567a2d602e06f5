"""The Keras track (``python -m reference_keras.exercises``): the seed's three models and its
inference loop, written by the learner, graded for every cell by loading the same weights
into the learner's models and ours.  Each named mistake is planted and named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

tf = pytest.importorskip("tensorflow")

from reference_keras.exercises.track import main  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("keras_exercises")]


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("keras_solved")
    assert main(["solve", str(ws), "--force"]) == 0
    return ws


def run_check(capsys, ws: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    rc = main(["check", str(ws), *args])
    return rc, capsys.readouterr().out


def test_the_reference_solutions_pass_for_every_cell(solved, capsys):
    rc, out = run_check(capsys, solved)
    assert rc == 0, out
    for cell in ("simple_rnn", "gru", "lstm"):
        assert f"{cell}: model_train([ex, dx])" in out and f"{cell}: predict, 7 steps" in out
    assert "lstm: model_pred_e(ex) c" in out and "lstm: pred_d_model one step c" in out
    assert " NO " not in out and "2 of 2 exercise(s) pass." in out


def test_a_fresh_workspace_fails_by_name(tmp_path, capsys):
    assert main(["new", str(tmp_path)]) == 0
    rc, out = run_check(capsys, tmp_path)
    assert rc == 1 and out.count("is not written yet") == 6, out  # 2 exercises x 3 cells
    assert "Traceback" not in out


PLANTS = {
    "decoder not shared": (
        "models",
        "pred_d_output, *pred_d_states = d_rnn(pred_d_input,",
        "pred_d_output, *pred_d_states = RNN(\n"
        "        NUM_HIDDEN_PARAMS, return_sequences=True, return_state=True\n"
        "    )(pred_d_input,",
        "an inference decoder that doesn't share the trained layers",
    ),
    "return_state missing": (
        "models",
        'RNN(NUM_HIDDEN_PARAMS, return_state=True, name="e_rnn")',
        'RNN(NUM_HIDDEN_PARAMS, name="e_rnn")',
        "return_state missing",
    ),
    "LSTM given one state": (
        "models",
        "d_rnn(d_input, initial_state=e_states)",
        "d_rnn(d_input, initial_state=e_states[:1])",
        "the LSTM given one state",
    ),
    "state not carried": (
        "predict",
        "y, *states = pred_d_model([y, *states], training=False)",
        "y, *new_states = pred_d_model([y, *states], training=False)",
        "a state that is not carried between steps",
    ),
}


@pytest.mark.parametrize("plant_name", sorted(PLANTS))
def test_each_keras_mistake_is_named(plant_name, solved, tmp_path, capsys):
    exercise, old, new, named = PLANTS[plant_name]
    ws = tmp_path / "ws"
    shutil.copytree(solved, ws)
    (path,) = ws.glob(f"ex*_{exercise}.py")
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    rc, out = run_check(capsys, ws, "--only", exercise)
    assert rc == 1 and f"Looks like {named}:" in out, out
    assert "Traceback" not in out


@pytest.mark.parametrize("doc", ["exercises.md", "ja/exercises.md"])
def test_the_keras_transcript_in_the_docs_is_what_the_checker_prints(
    doc, tmp_path, capsys, monkeypatch
):
    """The docs' Keras-track commands, run: the solutions, then one line of predict changed."""
    text = (Path(__file__).resolve().parents[1] / "docs" / doc).read_text(encoding="utf-8")
    prompt = "$ python -m reference_keras.exercises "
    commands = [line[len(prompt) :] for line in text.splitlines() if line.startswith(prompt)]
    assert commands == ["solve learner_keras", "check learner_keras --only predict"]
    monkeypatch.chdir(tmp_path)
    for command in commands:
        start = text.index(prompt + command + "\n") + len(prompt + command + "\n")
        end = min(i for i in (text.find("\n$ ", start) + 1, text.index("```", start)) if i > 0)
        capsys.readouterr()
        main(command.split())
        assert capsys.readouterr().out == text[start:end], command
        if command.startswith("solve"):
            path = tmp_path / "learner_keras" / "ex2_predict.py"
            old, new = PLANTS["state not carried"][1:3]
            path.write_text(path.read_text("utf-8").replace(old, new), encoding="utf-8")
