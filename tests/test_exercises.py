"""The exercises: workspaces written from the core's source, and a checker that grades them.

A solved workspace passes everything; a fresh one fails each exercise by name; each common
mistake, planted by editing a solved file the way a learner would write it, is named.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from numpy_seq2seq.exercises import source
from numpy_seq2seq.exercises.catalog import BY_NAME, EXERCISES
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
    path = ws / BY_NAME[exercise].filename
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
    bptt = out[out.index("[exercise 5]") : out.index("[exercise 6]")]
    assert bptt.count("is not written yet") == 1  # met by the decoder's run and the encoder's


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
        assert re.search(r"[Ee]qs?\.\s+\([GLA]?\d+\)", text)  # the file cites its equations
        args = [None] * (len(inspect.signature(func).parameters))
        with pytest.raises(NotImplementedError, match=f"exercise {exercise.number}"):
            mine(*args)


PROMPT = "$ python -m numpy_seq2seq.exercises "
DOC_COMMANDS = (
    "solve learner",
    "check learner --only bptt",
    "check learner --only attention",
    "check learner --only windows",
)


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory) -> dict[str, str]:
    """The docs' commands, run once: the reference solutions with three lines changed, as the
    docs say (exercise 5's `+ dh_next` dropped, exercise 14's de through the scores only,
    exercise 0's dx = dy)."""
    where, printed = tmp_path_factory.mktemp("docs"), {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(where)
        for command in DOC_COMMANDS:
            with contextlib.redirect_stdout(io.StringIO()) as out:
                main(command.split())
            printed[command] = out.getvalue()
            if command.startswith("solve"):
                for name, old, new in (
                    ("ex5_bptt.py", "dh = dhs[:, t] + dh_next", "dh = dhs[:, t]"),
                    ("ex14_attention.py", BOTH_PATHS, "return dq, de_scores"),
                    ("ex0_windows.py", "dx[:, 1:] = dy[:, :-1]", "dx[...] = dy"),
                ):
                    path = where / "learner" / name
                    path.write_text(path.read_text("utf-8").replace(old, new), encoding="utf-8")
    return printed


@pytest.mark.slow  # the transcript includes exercise 0's demonstration (three trainings)
@pytest.mark.xdist_group("exercise_transcripts")
@pytest.mark.parametrize("doc", ["exercises.md", "ja/exercises.md"])
def test_the_transcripts_in_the_docs_are_what_the_checker_prints(doc, transcripts):
    """Every command of the docs' transcripts printed exactly what the docs show."""
    text = (Path(__file__).resolve().parents[1] / "docs" / doc).read_text(encoding="utf-8")
    commands = [line[len(PROMPT) :] for line in text.splitlines() if line.startswith(PROMPT)]
    assert tuple(commands) == DOC_COMMANDS
    for command in commands:
        start = text.index(PROMPT + command + "\n") + len(PROMPT + command + "\n")
        end = min(i for i in (text.find("\n$ ", start) + 1, text.index("```", start)) if i > 0)
        assert transcripts[command] == text[start:end], command


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


# -- what a learner hit (issue 21, item 7) ----------------------------------------------------
def test_tanh_prime_differentiated_again_is_named(solved, tmp_path, capsys):
    """`tanh_prime_t` is the value tanh'(z_t); a learner who read it as a gradient to
    differentiate writes 1 - tanh_prime_t**2."""
    ws = plant(
        solved,
        tmp_path,
        "step_backward",
        "dz_t = dh * tanh_prime_t",
        "dz_t = dh * (1 - tanh_prime_t**2)",
    )
    rc, out = run_check(capsys, ws, "step_backward")
    assert rc == 1 and "Looks like tanh' taken twice (1 - tanh_prime_t**2):" in out, out


@pytest.mark.parametrize(
    "exercise, old, new, factor",
    [  # the divide-by-N habit (CS231n's losses average over the batch), in two places
        (
            "dense_mse",
            "dy = diff * (2.0 / diff.size)",
            "dy = diff * (2.0 / diff.size) / len(y)",
            "d_y (mse) is off by a factor: it is the right value times k = 1/6 = 1/(N)",
        ),
        (
            "dense_mse",
            "dys.sum(axis=(0, 1))",
            "dys.sum(axis=(0, 1)) / dys.shape[0]",
            "db_o is off by a factor: it is the right value times k = 1/6 = 1/(N)",
        ),
        (
            "bptt",
            "dz2.sum(axis=0)",
            "3 * dz2.sum(axis=0)",
            "d_rnn db is off by a factor: it is the right value times k = 3",
        ),
    ],
)
def test_a_result_off_by_a_constant_factor_is_told_so(
    exercise, old, new, factor, solved, tmp_path, capsys
):
    ws = plant(solved, tmp_path, exercise, old, new)
    rc, out = run_check(capsys, ws, exercise)
    assert rc == 1 and factor in out, out
    assert "No known mistake" not in out


def test_float32_buffers_dlfs2_style_are_named_first(solved, tmp_path, capsys):
    ws = plant(solved, tmp_path, "forward", "np.empty_like(a)", "np.empty(a.shape, dtype='f')")
    rc, out = run_check(capsys, ws, "forward")
    assert rc == 1, out
    assert "hs encoder, hs decoder (h0 = context) are float32" in out, out
    assert "ex2_forward.py makes float32 arrays at line" in out and "dtype='f'" in out
    assert "No known mistake" not in out and "Looks like" not in out


def test_exercise_9_names_every_exercise_that_still_raises(solved, tmp_path, capsys):
    ws = tmp_path / "ws"
    shutil.copytree(solved, ws)
    assert main(["new", str(tmp_path / "fresh")]) == 0
    for name in ("ex2_forward.py", "ex6_context.py", "ex7_adam.py"):
        shutil.copy(tmp_path / "fresh" / name, ws / name)
    rc, out = run_check(capsys, ws, "train")
    assert rc == 1, out
    flat = " ".join(out.split())
    assert "still raise NotImplementedError: forward (ex2), context (ex6), adam (ex7)." in flat


def test_the_adam_skeleton_documents_adamstep_and_the_bptt_skeleton_its_contract(tmp_path):
    assert main(["new", str(tmp_path)]) == 0
    adam = (tmp_path / "ex7_adam.py").read_text(encoding="utf-8")
    for field in ("params, the list of the NEW", "m and v", "iterations, the int t"):
        assert field in " ".join(adam.split()), field
    bptt = " ".join((tmp_path / "ex5_bptt.py").read_text(encoding="utf-8").split())
    for contract in (
        "self.cache = (xs, h0, hs)",
        "or None for the encoder",
        "(the encoder's is the decoder's dh0)",
        "the pair (dxs (N, T, D), dh0 (N, H))",
        "self.dh = every total dh_t, shaped (N, T, H)",
        "TimeRNN, whose self.dh is the gradient on h0",
    ):
        assert contract in bptt, contract
    step_backward = " ".join((tmp_path / "ex4_step_backward.py").read_text("utf-8").split())
    assert "It computes no weight gradient" in step_backward
    assert "a leading `d` always means a gradient" in step_backward


def test_writing_into_dhs_names_the_line_and_the_view(solved, tmp_path, capsys):
    ws = plant(
        solved,
        tmp_path,
        "bptt",
        "dh = dhs[:, t] + dh_next",
        "dh = dhs[:, t]\n        dh += dh_next",
    )
    rc, out = run_check(capsys, ws, "bptt")
    assert rc == 1, out
    flat = " ".join(out.split())
    assert "wrote into one of its inputs at line" in flat and "(`dh += dh_next " in flat, out
    assert "dhs[:, t] is a view, not a copy" in flat


def test_hints_wait_behind_check_hint(tmp_path, capsys):
    assert main(["new", str(tmp_path)]) == 0
    for name in tmp_path.iterdir():
        assert "dh_next" not in name.read_text(encoding="utf-8").split('"""', 2)[0]
    rc, out = run_check(capsys, tmp_path, "bptt")
    assert rc == 1 and "dh_next" not in out and "Stuck? Add --hint." in out
    rc, out = run_check(capsys, tmp_path, "bptt", "--hint")
    assert rc == 1 and "Hint for SimpleRNN.backward:" in out and "dh_next" in out, out


def test_only_can_be_repeated(solved, capsys):
    capsys.readouterr()
    assert main(["check", str(solved), "--only", "6", "--only", "step"]) == 0
    out = capsys.readouterr().out
    assert "[exercise 1] step" in out and "[exercise 6] context" in out
    assert "2 of 2 exercise(s) pass." in out


def test_the_decoders_rows_are_shown_when_the_encoder_call_raises(solved, tmp_path, capsys):
    ws = plant(solved, tmp_path, "bptt", "dhs = np.zeros_like(hs) if dhs is None else dhs", "pass")
    rc, out = run_check(capsys, ws, "bptt")
    assert rc == 1, out
    assert "Your `backward` (e_rnn) raised TypeError at line" in out, out
    assert "d_rnn dW       Keras golden        no     yes" in out  # the decoder, graded
    assert "e_rnn dW" not in out


def test_a_bug_in_the_checker_is_never_reported_as_the_learners_mistake(solved):
    """The checker's own KeyError (here: a golden file missing a tensor) must surface as an
    error, not as 'the checker could not grade what your code returned'."""
    from numpy_seq2seq.exercises.catalog import BY_NAME
    from numpy_seq2seq.exercises.checks import check_exercise
    from numpy_seq2seq.exercises.exercise import Context, load_golden

    golden = load_golden()
    del golden["step/h"]
    with pytest.raises(KeyError, match="step/h"):
        check_exercise(Context(golden, solved), BY_NAME["step"])


def test_the_command_line_calls_a_checker_bug_a_checker_bug(solved, capsys, monkeypatch):
    from numpy_seq2seq.exercises import exercise

    golden = exercise.load_golden()
    del golden["step/h"]
    monkeypatch.setattr(exercise, "load_golden", lambda: golden)
    rc, out = run_check(capsys, solved, "step")
    assert rc == 3 and "a bug in numpy_seq2seq, not in your code" in out and "KeyError" in out
    assert "Looks like" not in out and "-> exercise 1 (step)" not in out


# -- exercise 0, the windows: each mistake written as a learner following the seed's loop would
SEED_LOOP = """
def make_windows(seq_in, seq_out, steps=24):
    n = len(seq_in) - steps{extra}
    ex, dx, dy = np.zeros((n, steps)), np.zeros((n, steps)), np.zeros((n, steps))
    for i in range(n):
        ex[i] = seq_in[i : i + steps]
        {dx}
        dy[i] = seq_out[i : i + steps]
    return {result}
"""
RIGHT = {
    "extra": "",
    "dx": "dx[i, 1:] = seq_out[i : i + steps - 1]",
    "result": "ex[..., None], dx[..., None], dy[..., None]",
}
WINDOW_MISTAKES = {
    "dx not shifted": ({"dx": "dx[i] = seq_out[i : i + steps]"}, "dx not shifted (dx = dy)"),
    "dx shifted left": (
        {"dx": "dx[i, :-1] = seq_out[i + 1 : i + steps]"},
        "dx shifted the wrong way",
    ),
    "one window too many": ({"extra": " + 1"}, "the wrong number of windows"),
    "one window too few": ({"extra": " - 1"}, "the wrong number of windows"),
    "no feature axis": ({"result": "ex, dx, dy"}, "a missing feature axis"),
}


def write_windows(solved: Path, tmp_path: Path, **change: str) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(solved, ws)
    code = SEED_LOOP.format(**(RIGHT | change))
    (ws / "ex0_windows.py").write_text("import numpy as np\n\n" + code, encoding="utf-8")
    return ws


def test_the_seeds_own_loop_passes_exercise_0(solved, tmp_path, capsys):
    rc, out = run_check(capsys, write_windows(solved, tmp_path), "windows")
    assert rc == 0 and "the seed's loop     yes    yes" in out, out


@pytest.mark.parametrize(
    "plant_name",
    [  # "dx not shifted" trains the seed's model three times to show what it does (3-4 s)
        pytest.param(n, marks=pytest.mark.slow) if n == "dx not shifted" else n
        for n in sorted(WINDOW_MISTAKES)
    ],
)
def test_each_windows_mistake_is_named(plant_name, solved, tmp_path, capsys):
    change, named = WINDOW_MISTAKES[plant_name]
    rc, out = run_check(capsys, write_windows(solved, tmp_path, **change), "windows")
    assert rc == 1 and f"Looks like {named}:" in out, out
    assert "Traceback" not in out
    if plant_name == "no feature axis":
        assert "    ex      the seed's loop     no     NO            shape      shape" in out
    if plant_name == "dx not shifted":  # shown: the model trained on the answer (3 s)
        the_answer_shown(out)


def the_answer_shown(out: str) -> None:
    """The checker trained the seed's model on dx = dy: a near-zero teacher-forced loss beside
    a free-running error no better than predicting 0 (every number printed by that run)."""
    forced = re.search(r"teacher-forced loss .*?([0-9.]+) to ([0-9.]+)", out)
    free = re.search(r"free-running MSE .*?([0-9.]+) to ([0-9.]+)", out)
    zero = float(re.search(r"a prediction of 0 at every step scores\s+([0-9.]+)", out)[1])
    assert forced and free, out
    assert float(forced[2]) < 0.02 * zero  # every seed: the training loss is near zero
    assert float(free[1]) > 0.8 * zero  # every seed: free running is about as bad as 0s


# -- the cells: each mistake written out as a learner coming from DLFS2 or PyTorch would ----
GRU_STEP = """
def step(self, a_t, h_prev):
    U, b = self.params[1], self.params[2]
    H = h_prev.shape[1]
    {first}, {second}, Uh = U[:, :H], U[:, H : 2 * H], U[:, 2 * H :]
    {bfirst}, {bsecond}, bh = {bias}[:H], {bias}[H : 2 * H], {bias}[2 * H :]
    z = sigmoid(a_t[:, {zcols}] + h_prev @ Uz + bz)
    r = sigmoid(a_t[:, {rcols}] + h_prev @ Ur + br)
    g = np.tanh(a_t[:, 2 * H :] + {candidate})
    h = {update}
    return h, (np.concatenate([z, r], axis=1), g, h_prev @ Uh + bh)
"""
GRU_RIGHT = {
    "first": "Uz",
    "second": "Ur",
    "bfirst": "bz",
    "bsecond": "br",
    "bias": "b[1]",
    "zcols": ":H",
    "rcols": "H : 2 * H",
    "candidate": "r * (h_prev @ Uh + bh)",
    "update": "z * h_prev + (1 - z) * g",
}
LSTM_STEP = """
def step(self, a_t, h_prev, c_prev):
    U, b = self.params[1], self.params[2]
    H = h_prev.shape[1]
    A = a_t + h_prev @ U + b
    {gates}
    c = f * c_prev + i * g
    h = {output}
    return h, c, (sigmoid(A), g)
"""
LSTM_RIGHT = {
    "gates": "i, f, g, o = sigmoid(A[:, :H]), sigmoid(A[:, H : 2 * H]), "
    "np.tanh(A[:, 2 * H : 3 * H]), sigmoid(A[:, 3 * H :])",
    "output": "o * np.tanh(c)",
}
CELL_MISTAKES = {
    "GRU reset before the matmul": (
        "gru_step",
        {"candidate": "(r * h_prev) @ Uh + bh"},
        "the reset applied before the matrix product (DLFS2's GRU)",
    ),
    "GRU in PyTorch's order": (
        "gru_step",
        {
            "first": "Ur",
            "second": "Uz",
            "bfirst": "br",
            "bsecond": "bz",
            "zcols": "H : 2 * H",
            "rcols": ":H",
        },
        "the gates in PyTorch's order (r, z, n)",
    ),
    "GRU second bias row dropped": (
        "gru_step",
        {"bias": "0 * b[1]"},
        "the second bias row dropped",
    ),
    "GRU update DLFS2's way": (
        "gru_step",
        {"update": "(1 - z) * h_prev + z * g"},
        "u and 1 - u swapped (DLFS2's convention)",
    ),
    "LSTM in DLFS2's order": (
        "lstm_step",
        {
            "gates": "f, g, i, o = sigmoid(A[:, :H]), np.tanh(A[:, H : 2 * H]), "
            "sigmoid(A[:, 2 * H : 3 * H]), sigmoid(A[:, 3 * H :])"
        },
        "the gates in DLFS2's order (f, g, i, o)",
    ),
    "LSTM h without tanh": ("lstm_step", {"output": "o * c"}, "h_t from c_t without the tanh"),
}


def write_cell(solved: Path, tmp_path: Path, exercise: str, **change: str) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(solved, ws)
    template, right = (GRU_STEP, GRU_RIGHT) if exercise == "gru_step" else (LSTM_STEP, LSTM_RIGHT)
    head = "import numpy as np\n\nfrom numpy_seq2seq.core.gru import sigmoid\n\n"
    path = ws / BY_NAME[exercise].filename
    path.write_text(head + template.format(**(right | change)), encoding="utf-8")
    return ws


@pytest.mark.parametrize("exercise", ["gru_step", "lstm_step"])
def test_a_learners_own_cell_step_passes(exercise, solved, tmp_path, capsys):
    rc, out = run_check(capsys, write_cell(solved, tmp_path, exercise), exercise)
    assert rc == 0 and "Keras golden" in out, out


@pytest.mark.parametrize("plant_name", sorted(CELL_MISTAKES))
def test_each_cell_mistake_is_named(plant_name, solved, tmp_path, capsys):
    exercise, change, named = CELL_MISTAKES[plant_name]
    rc, out = run_check(capsys, write_cell(solved, tmp_path, exercise, **change), exercise)
    assert rc == 1 and f"Looks like {named}:" in out, out


CELL_BACKWARD_PLANTS = {
    "GRU direct path dropped": (
        "gru_step_backward",
        "return dh * u_t + ",
        "return 0 * u_t + ",
        "the direct path through (G5) dropped",
    ),
    "GRU tanh' as 1 - g": (
        "gru_step_backward",
        "(1 - g**2)",
        "(1 - g)",
        "tanh' written 1 - g instead of 1 - g²",
    ),
    "LSTM forget gate missing": (
        "lstm_step_backward",
        "dc * f_t",
        "dc",
        "the forget gate missing on the way back",
    ),
    "LSTM dc only from t+1": (
        "lstm_step_backward",
        "dc_next + dh * ",
        "dc_next + 0 * ",
        "c_t's gradient taken only from step t+1",
    ),
}


@pytest.mark.parametrize("plant_name", sorted(CELL_BACKWARD_PLANTS))
def test_each_cell_backward_mistake_is_named(plant_name, solved, tmp_path, capsys):
    exercise, old, new, named = CELL_BACKWARD_PLANTS[plant_name]
    rc, out = run_check(capsys, plant(solved, tmp_path, exercise, old, new), exercise)
    assert rc == 1 and f"Looks like {named}:" in out, out


# -- exercise 14, attention: each mistake written as a learner would write it ---------------
SOFTMAX = (
    "e = np.exp(s - s.max(axis=-1, keepdims=True))\n"
    "    return e * (1.0 / e.sum(axis=-1, keepdims=True))"
)
SOFTMAX_GRAD = "return (da - (da * a).sum(axis=-1, keepdims=True)) * a"
BOTH_PATHS = "return dq, de_values + de_scores"
ATTENTION_PLANTS = {
    "softmax over the decoder steps": (
        SOFTMAX,
        "x = np.exp(s - s.max(axis=1, keepdims=True))\n    return x / x.sum(axis=1, keepdims=True)",
        "the softmax over the wrong axis (the decoder steps, axis 1)",
    ),
    "DLFS2's softmax, axis=1, no max": (
        SOFTMAX,
        "return np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)",
        "the softmax over the wrong axis (the decoder steps, axis 1)",
    ),
    "softmax over the windows": (
        SOFTMAX,
        "x = np.exp(s - s.max(axis=0))\n    return x / x.sum(axis=0)",
        "the softmax over the wrong axis (the windows, axis 0)",
    ),
    "scores over sqrt(H)": (
        "a = softmax(s)",
        "a = softmax(s / np.sqrt(q.shape[2]))",
        "the scores divided by sqrt(H) (the Transformer's scaled dot product)",
    ),
    "softmax backward, diagonal only": (
        SOFTMAX_GRAD,
        "return a * da",
        "the softmax backward without its subtracted term",
    ),
    "softmax backward, sum over axis 1": (
        SOFTMAX_GRAD,
        "return a * (da - np.sum(a * da, axis=1, keepdims=True))",
        "the softmax backward's sum over the wrong axis",
    ),
    "de through the scores only": (
        BOTH_PATHS,
        "return dq, de_scores",
        "the gradient into e through only one of its two paths (the scores'; the weighted "
        "sum's dropped)",
    ),
    "de through the weighted sum only": (
        BOTH_PATHS,
        "return dq, np.swapaxes(a, 1, 2) @ dc",
        "the gradient into e through only one of its two paths (the weighted sum's; the "
        "scores' dropped)",
    ),
}


@pytest.mark.parametrize("plant_name", sorted(ATTENTION_PLANTS))
def test_each_attention_mistake_is_named(plant_name, solved, tmp_path, capsys):
    old, new, named = ATTENTION_PLANTS[plant_name]
    rc, out = run_check(capsys, plant(solved, tmp_path, "attention", old, new), "attention")
    assert rc == 1 and "(attention): FAIL" in out, out
    flat = " ".join(out.split())
    assert f"Looks like {named}:" in flat, out
    assert flat.count("Looks like") == 1 and "Traceback" not in out  # that mistake alone
    assert re.search(r"eq\. \(A(2|4|10|13)\)", flat)  # the explanation cites its equation
    if "softmax over" in plant_name:  # a wrong softmax is seen in the forward's contexts too
        assert re.search(r"c \(the contexts\) +Keras golden +no +NO", out), out


def test_attention_written_another_way_passes(solved, tmp_path, capsys):
    """Keras's numbers are matched to rounding, whatever the order of the operations:
    the softmax divided by its sum, the backward with einsum."""
    ws = plant(
        solved,
        tmp_path,
        "attention",
        SOFTMAX,
        "x = np.exp(s - s.max(axis=-1, keepdims=True))\n"
        "    return x / x.sum(axis=-1, keepdims=True)",
    )
    path = ws / BY_NAME["attention"].filename
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(BOTH_PATHS, "return dq, np.einsum('nij,nih->njh', a, dc) + de_scores"),
        encoding="utf-8",
    )
    rc, out = run_check(capsys, ws, "attention")
    assert rc == 0 and "Keras golden" in out and "central diff." in out, out


def test_attention_forward_that_keeps_nothing_is_told_what_to_keep(solved, tmp_path, capsys):
    ws = plant(solved, tmp_path, "attention", "self.cache = (e, a)", "pass")
    rc, out = run_check(capsys, ws, "attention")
    assert rc == 1 and "self.cache = (e, a) for backward" in " ".join(out.split()), out
    assert "ds = softmax_backward(a, da)  Keras golden" in out  # the other parts still graded


def test_a_function_calling_an_unwritten_one_names_the_unwritten_one(solved, tmp_path, capsys):
    """The learner wrote forward, which calls their softmax, still the skeleton's: the checker
    says that softmax is not written yet, once, not that forward is."""
    ws = plant(
        solved,
        tmp_path,
        "attention",
        SOFTMAX,
        'raise NotImplementedError("exercise 14 (attention): write softmax")',
    )
    rc, out = run_check(capsys, ws, "attention")
    flat = " ".join(out.split())
    assert rc == 1 and flat.count("`softmax` is not written yet") == 1, out
    assert "`DotAttention.forward` is not written yet" not in flat
    assert "ds = softmax_backward(a, da)  Keras golden        no     yes" in out  # graded


def test_the_machinery_knows_no_exercise_by_name():
    """One place per exercise: its own file in catalog/. The checker, the command line, the
    notebooks and the catalog's finder never name one, so adding an exercise touches none
    of them (only its file and, for new Keras numbers, reference_keras/golden.py)."""
    package = Path(source.__file__).parent
    machinery = ["checks.py", "cli.py", "exercise.py", "grading.py", "notebook.py", "source.py"]
    texts = {name: (package / name).read_text("utf-8") for name in machinery}
    texts["catalog/__init__.py"] = (package / "catalog" / "__init__.py").read_text("utf-8")
    for e in EXERCISES:
        files = sorted(p.name for p in (package / "catalog").glob(f"ex{e.number}_*.py"))
        assert files == [e.filename], (e.name, files)  # its own file, named as the workspace's
        for name, text in texts.items():
            assert f'"{e.name}"' not in text and f"'{e.name}'" not in text, (e.name, name)
