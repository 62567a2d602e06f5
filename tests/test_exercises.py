"""The exercises: workspaces written from the core's source, and a checker that grades them.

A solved workspace passes everything; a fresh one fails each exercise by name; each common
mistake, planted by editing a solved file the way a learner would write it, is named.
"""

from __future__ import annotations

import inspect
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from numpy_seq2seq.exercises import source
from numpy_seq2seq.exercises.catalog import EXERCISES
from numpy_seq2seq.exercises.cli import main
from numpy_seq2seq.exercises.exercise import GOLDEN_PATH

ALL = len(EXERCISES)


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("solved")
    assert main(["solve", str(ws), "--force"]) == 0
    return ws


def run_check(capsys, ws: Path, only: str | None = None, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    rc = main(["check", str(ws), *(["--only", only] if only else []), *extra])
    return rc, capsys.readouterr().out


def plant(solved: Path, tmp_path: Path, exercise: str, old: str, new: str) -> Path:
    """A copy of the solved workspace with ``old`` replaced by ``new`` in one exercise's file."""
    ws = tmp_path / "ws"
    shutil.copytree(solved, ws)
    (path,) = ws.glob(f"ex*_{exercise}.py")
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (old, path.name)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return ws


def test_a_solved_workspace_passes_every_exercise(solved, capsys):
    rc, out = run_check(capsys, solved)
    assert rc == 0, out
    for e in EXERCISES:
        assert f"-> exercise {e.number} ({e.name}): PASS" in out
    assert f"{ALL} of {ALL} exercise(s) pass." in out
    val = float(re.search(r"final val_loss = ([0-9.]+)", out)[1])
    assert val < 0.02
    # the tables compare with both references, and Keras's numbers are matched to rounding
    assert "Keras golden" in out and "central diff." in out
    assert " NO " not in out


def test_a_fresh_workspace_fails_each_exercise_by_name(tmp_path, capsys):
    assert main(["new", str(tmp_path)]) == 0
    rc, out = run_check(capsys, tmp_path)
    assert rc == 1
    for e in EXERCISES:
        assert f"-> exercise {e.number} ({e.name}): FAIL" in out
        assert f"[exercise {e.number}] {e.name}:" in out  # the progress line
    assert out.count("is not written yet") >= ALL
    assert "Traceback" not in out
    assert f"0 of {ALL} exercise(s) pass. Next to fix: {EXERCISES[0].name}" in out


# Each plant is written the way a learner would get it wrong, independently of the
# checker's own catalogue of mistakes (each exercise's ``mistakes``), which computes their numbers.
TRUE_Y_FED_BACK = (
    "ys.append(y)",
    "ys.append(y)\n"
    "        if len(ys) < TRUE_DY.shape[1]:  # the true y, as in training\n"
    "            y = TRUE_DY[:, len(ys) - 1 : len(ys)]",
)
PAPER_ADAM = """
def update(self, params, grads):
    t = self.iterations + 1
    b1, b2, lr, eps = self.beta_1, self.beta_2, self.learning_rate, 1e-8
    m_old = self.m or [np.zeros_like(p) for p in params]
    v_old = self.v or [np.zeros_like(p) for p in params]
    m = [b1 * m + (1 - b1) * g for m, g in zip(m_old, grads)]
    v = [b2 * v + (1 - b2) * g**2 for v, g in zip(v_old, grads)]
    m_hat = [mi / (1 - b1**t) for mi in m]
    v_hat = [vi / (1 - b2**t) for vi in v]
    new = [p - lr * mh / (np.sqrt(vh) + eps) for p, mh, vh in zip(params, m_hat, v_hat)]
    return AdamStep(new, m, v, t)
"""
PLANTS = {
    "missing dh_next": (
        "bptt",
        "dh = dhs[:, t] + dh_next",
        "dh = dhs[:, t]",
        "the missing `+ dh_next`",
    ),
    "1 - tanh(z)": (
        "bptt",
        "1 - hs**2",
        "1 - hs",
        "1 - tanh(z) written instead of 1 - h²",
    ),
    "tanh of h again": (
        "bptt",
        "1 - hs**2",
        "1 - np.tanh(hs) ** 2",
        "1 - tanh(z) written instead of 1 - h²",
    ),
    "dh without tanh'": (
        "step_backward",
        "np.dot(dz_t, U.T)",
        "np.dot(dh, U.T)",
        "dh sent back without the tanh'",
    ),
    "mse without scale": (
        "dense_mse",
        "dy = diff * (2.0 / diff.size)",
        "dy = diff",
        "MSE without its 2/(N·T·O)",
    ),
    "mse without 2": (
        "dense_mse",
        "dy = diff * (2.0 / diff.size)",
        "dy = diff / y.size",
        "MSE without its 2/(N·T·O)",
    ),
    "mse over N*T": (
        "dense_mse",
        "dy = diff * (2.0 / diff.size)",
        "dy = 2 * diff / (y.shape[0] * y.shape[1])",
        "MSE without its 2/(N·T·O)",
    ),
    "paper's Adam": ("adam", None, PAPER_ADAM, "the paper's Adam where Keras's is expected"),
    "true y fed back": ("predict", *TRUE_Y_FED_BACK, "the true y fed back at inference"),
    "context dropped": (
        "context",
        "self.e_rnn.backward(None, dh_last=d_context)",
        "self.e_rnn.backward(None)",
        "the context's gradient never reaches the encoder",
    ),
    "dU from h_t": (
        "bptt",
        "h_prev.reshape(N * T, H).T @ dz2",
        "hs.reshape(N * T, H).T @ dz2",
        "dU from h_t instead of h_{t-1}",
    ),
}


@pytest.mark.parametrize("plant_name", sorted(PLANTS))
def test_each_common_mistake_is_caught_and_named(plant_name, solved, tmp_path, capsys):
    exercise, old, new, named = PLANTS[plant_name]
    if exercise == "adam":  # the learner wrote the paper's Algorithm 1 instead
        path = solved / "ex7_adam.py"
        text = path.read_text(encoding="utf-8")
        old = text[text.index("def update(") :].rstrip()
        new = PAPER_ADAM.strip()
    ws = plant(solved, tmp_path, exercise, old, new)
    if exercise == "predict":  # a notebook learner has dy in scope; here, from the golden file
        path = ws / "ex8_predict.py"
        text = path.read_text(encoding="utf-8").replace(
            "import numpy as np\n",
            f'import numpy as np\n\nTRUE_DY = np.load(r"{GOLDEN_PATH}")["dy"]\n',
        )
        path.write_text(text, encoding="utf-8")
    rc, out = run_check(capsys, ws, exercise)
    assert rc == 1, out
    assert f"({exercise}): FAIL" in out
    assert f"Looks like {named}:" in out, out
    assert "Traceback" not in out


def test_a_correct_but_differently_written_solution_passes(solved, tmp_path, capsys):
    """Keras's numbers are matched to rounding, not to our exact operation order."""
    ws = plant(solved, tmp_path, "bptt", "dz2.sum(axis=0)", "np.einsum('nh->h', dz2)")
    rc, out = run_check(capsys, ws, "bptt")
    assert rc == 0, out


@pytest.mark.parametrize(
    "new, expected",
    [
        ("return np.tanh(a_t + np.dot(h_prev, U))[:, :2]", "has shape (6, 2); it must be (6, 4)"),
        ("return np.tanh(a_t + h_prev @ np.ones((5, 5)))", "raised ValueError at line"),
        ("return np.tanh(a_t + np.dot(h_prev, U)", "syntax error at line"),
        ("return [np.tanh(a_t + np.dot(h_prev, U))]", "must be a NumPy array of shape (6, 4)"),
    ],
)
def test_code_that_raises_or_returns_the_wrong_shape_gets_a_paragraph(
    new, expected, solved, tmp_path, capsys
):
    ws = plant(solved, tmp_path, "step", "return np.tanh(a_t + np.dot(h_prev, U))", new)
    rc, out = run_check(capsys, ws, "step")
    assert rc == 1 and expected in out, out
    assert "Traceback" not in out and "(step): FAIL" in out


def test_gradients_written_by_rebinding_are_refused(solved, tmp_path, capsys):
    ws = plant(
        solved,
        tmp_path,
        "dense_mse",
        "self.grads[1][...] = dys.sum(axis=(0, 1))",
        "self.grads[1] = dys.sum(axis=(0, 1))",
    )
    rc, out = run_check(capsys, ws, "dense_mse")
    assert rc == 1 and "write in place" in out, out


def test_only_selects_one_exercise_and_rejects_unknown_names(solved, capsys):
    rc, out = run_check(capsys, solved, "4")
    assert rc == 0 and "[exercise 4] step_backward" in out and "[exercise 1]" not in out
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(solved), "--only", "bogus"])
    assert exit_info.value.code == 2


def test_new_never_overwrites_a_learners_work(tmp_path, capsys):
    assert main(["new", str(tmp_path)]) == 0
    (tmp_path / "ex1_step.py").write_text("my work", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["new", str(tmp_path)])
    assert (tmp_path / "ex1_step.py").read_text(encoding="utf-8") == "my work"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_skeletons_and_solutions_are_the_cores_functions(exercise, tmp_path):
    """Generated from the core's source: the signature and docstring kept, the body blanked;
    the solution is the function itself.  Nothing is a second copy to drift."""
    source.write_workspace(tmp_path / "new", EXERCISES, solved=False, overwrite=False)
    source.write_workspace(tmp_path / "sol", EXERCISES, solved=True, overwrite=False)
    skeleton = source.load(tmp_path / "new" / exercise.filename, exercise.number)
    solution = (tmp_path / "sol" / exercise.filename).read_text(encoding="utf-8")
    for _, func in exercise.functions:
        core = textwrap.dedent(inspect.getsource(func))
        assert core in solution
        mine = getattr(skeleton, func.__name__)
        assert inspect.signature(mine) == inspect.signature(func)
        assert inspect.getdoc(mine) == inspect.getdoc(func)
        body = core.split('"""')[-1].strip().splitlines()
        skeleton_text = inspect.getsource(mine)
        code = "\n".join(x for x in skeleton_text.splitlines() if not x.strip().startswith("#"))
        assert all(line.strip() not in code for line in body if len(line.strip()) > 12)
        assert f"--only {exercise.name} --hint" in skeleton_text  # hints wait behind --hint
        text = (tmp_path / "new" / exercise.filename).read_text(encoding="utf-8")
        assert re.search(r"[Ee]qs?\.\s+\([GL]?\d+\)", text)  # the file cites its equations
        args = [None] * (len(inspect.signature(func).parameters))
        with pytest.raises(NotImplementedError, match=f"exercise {exercise.number}"):
            mine(*args)


@pytest.mark.parametrize("doc", ["exercises.md", "ja/exercises.md"])
def test_the_transcript_in_the_docs_is_what_the_checker_prints(
    doc, solved, tmp_path, capsys, monkeypatch
):
    text = (Path(__file__).resolve().parents[1] / "docs" / doc).read_text(encoding="utf-8")
    command = "$ python -m numpy_seq2seq.exercises check learner --only bptt\n"
    start = text.index(command) + len(command)
    expected = text[start : text.index("```", start)]
    ws = plant(solved, tmp_path, "bptt", "dh = dhs[:, t] + dh_next", "dh = dhs[:, t]")
    ws.rename(tmp_path / "learner")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["check", "learner", "--only", "bptt"]) == 1
    assert capsys.readouterr().out == expected


def test_float32_results_fail_and_are_told_why(solved, tmp_path, capsys):
    ws = plant(
        solved,
        tmp_path,
        "step",
        "return np.tanh(a_t + np.dot(h_prev, U))",
        "return np.tanh(a_t + np.dot(h_prev, U)).astype(np.float32)",
    )
    rc, out = run_check(capsys, ws, "step")
    assert rc == 1 and "is float32: the inputs are float64" in out, out


def test_a_result_that_cannot_be_compared_gets_a_paragraph(solved, tmp_path, capsys):
    ws = plant(
        solved,
        tmp_path,
        "adam",
        "return AdamStep(new, m, v, t)",
        "return AdamStep(new, m, None, t)",
    )
    rc, out = run_check(capsys, ws, "adam")
    assert rc == 1 and "Traceback" not in out and "(adam): FAIL" in out, out
