"""The exercises' golden file: what it holds matches the core (NumPy alone), and it is
exactly what Keras computes today (regenerated live, so it can never go stale)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from numpy_seq2seq import Adam
from numpy_seq2seq.core.attention import DotAttention, softmax, softmax_backward
from numpy_seq2seq.core.seq2seq import WEIGHT_NAMES, Dense, Seq2SeqNet
from numpy_seq2seq.core.simple_rnn import SimpleRNN
from numpy_seq2seq.exercises.catalog import EXERCISES
from numpy_seq2seq.exercises.exercise import GOLDEN_PATH, load_golden

ROOT = Path(__file__).resolve().parents[1]
KEYS = [f"{layer}/{name}" for layer, name in WEIGHT_NAMES]
TOL = 1e-12


@pytest.fixture(scope="module")
def golden() -> dict:
    return load_golden()


def close(a, b) -> bool:
    return np.shape(a) == np.shape(b) and np.max(np.abs(np.asarray(a) - b), initial=0) <= TOL


def test_the_core_reproduces_every_golden_tensor_without_tensorflow(golden):
    """NumPy-only parity: the states, loss, gradients, Adam steps and predictions."""
    w = {k: golden[f"weights/{k}"].copy() for k in KEYS}
    e = SimpleRNN(*(w[k] for k in KEYS[:3]))
    d = SimpleRNN(*(w[k] for k in KEYS[3:6]))
    net = Seq2SeqNet(e, d, Dense(*(w[k] for k in KEYS[6:])))
    ex, dx, dy = golden["ex"], golden["dx"], golden["dy"]
    loss = net.loss_and_grads(ex, dx, dy)
    assert abs(loss - golden["loss"]) <= TOL
    assert close(net.forward(ex, dx), golden["forward/y"])
    assert close(net.e_rnn.cache[2], golden["forward/e_hs"])
    assert close(net.d_rnn.cache[2], golden["forward/d_hs"])
    assert close(net.e_rnn.state, golden["forward/context"])
    net.loss_and_grads(ex, dx, dy)
    for k, g in zip(KEYS, net.grads):
        assert close(g, golden[f"grads/{k}"]), k
    assert close(net.d_rnn.dh, golden["grad/d_dh"]) and close(net.e_rnn.dh, golden["grad/e_dh"])
    # one step, with Keras's identity-kernel probe: a_t is the input
    H = golden["step/a"].shape[1]
    cell = SimpleRNN(np.eye(H), golden["step/recurrent_kernel"], np.zeros(H))
    assert close(cell.step(golden["step/a"], golden["step/h_prev"]), golden["step/h"])
    dh_prev = cell.step_backward(golden["step/dh"], 1 - golden["step/h"] ** 2)
    assert close(golden["step/dh"] * (1 - golden["step/h"] ** 2), golden["step/dz"])  # eq. (9)
    assert close(dh_prev, golden["step/dh_prev"])
    # Adam, step by step
    opt, params = Adam(), [w[k].copy() for k in KEYS]
    for k in range(1, int(golden["adam/iterations"]) + 1):
        opt.apply(params, [golden[f"adam/grad/{k}/{key}"] for key in KEYS])
        for key, p, m, v in zip(KEYS, params, opt.m, opt.v):
            assert close(p, golden[f"adam/param/{k}/{key}"]), (k, key)
            assert close(m, golden[f"adam/m/{k}/{key}"]) and close(v, golden[f"adam/v/{k}/{key}"])
    steps = int(golden["predict/steps"])
    assert steps > ex.shape[1]  # predicts past the windows' length, as the seed's loop can
    assert close(net.predict(ex, steps), golden["predict/y"])


def test_the_core_reproduces_keras_attention_without_tensorflow(golden):
    """Exercise 14's numbers: ``DotAttention`` is ``keras.layers.Attention()``, forward and
    backward, and ``softmax_backward`` gives Keras's gradient on the scores."""
    q, e, dc = golden["attention/q"], golden["attention/e"], golden["attention/dc"]
    layer = DotAttention()
    assert close(layer.forward(q, e), golden["attention/c"])
    assert close(layer.attention_weights, golden["attention/a"])
    assert close(q @ e.transpose(0, 2, 1), golden["attention/s"])  # eq. (A2)
    assert close(softmax(golden["attention/s"]), golden["attention/a"])  # eq. (A4)
    ds = softmax_backward(golden["attention/a"], dc @ e.transpose(0, 2, 1))  # (A8), (A10)
    assert close(ds, golden["attention/ds"])
    dq, de = layer.backward(dc)
    assert close(dq, golden["attention/dq"]) and close(de, golden["attention/de"])
    a = golden["attention/a"]
    assert np.max(np.abs(a.sum(axis=-1) - 1)) < TOL and not np.allclose(a.sum(axis=1), 1)


def test_the_golden_file_holds_what_the_issue_lists(golden):
    assert golden["ex"].dtype == np.float64 and GOLDEN_PATH.stat().st_size < 100_000
    for prefix in (
        "weights/",
        "grads/",
        "forward/",
        "grad/",
        "step/",
        "adam/param/",
        "adam/m/",
        "adam/v/",
        "predict/",
        "windows/",
        "gru/",
        "lstm/",
        "attention/",
    ):
        assert any(k.startswith(prefix) for k in golden), prefix
    # every axis has its own size, so a transposed or mis-summed axis cannot pass by luck
    N, T, D = golden["ex"].shape
    assert len({N, T, D, golden["dy"].shape[2], golden["forward/e_hs"].shape[2]}) == 5
    # the attention's too: N, T_d (queries), T_e (encoder steps), H, so that a softmax over the
    # decoder steps keeps the shape of the right one and is caught by its numbers
    n, t_d, h = golden["attention/q"].shape
    assert len({n, t_d, golden["attention/e"].shape[1], h}) == 4


def test_the_golden_file_is_shipped_as_package_data():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"numpy_seq2seq.exercises" = ["golden.npz"]' in text


@pytest.mark.slow  # builds the Keras models and layers the file needs (about 20 s)
def test_the_golden_file_is_what_keras_computes_now(golden, tmp_path, capsys):
    """``python -m reference_keras golden`` with live Keras writes exactly the shipped file
    (to 1e-12), so it can never go stale; the command's old seed-run CLI is unchanged."""
    pytest.importorskip("tensorflow")
    from reference_keras.__main__ import main

    out = tmp_path / "golden.npz"
    assert main(["golden", "--out", str(out)]) == 0
    fresh = load_golden(out)
    assert set(fresh) == set(golden)
    for k in sorted(fresh):
        if fresh[k].dtype.kind == "U":  # the Keras version that wrote it
            continue
        assert fresh[k].shape == golden[k].shape, k
        assert np.max(np.abs(fresh[k] - golden[k]), initial=0) <= TOL, k
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0 and "--epochs" in capsys.readouterr().out


# -- the checker never imports TensorFlow ---------------------------------------------------
BLOCKER = textwrap.dedent(
    """
    import sys
    from importlib.abc import MetaPathFinder

    class NoTensorFlow(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("tensorflow", "keras", "reference_keras"):
                raise ImportError(f"{name} is hidden for this test")
            return None

    sys.meta_path.insert(0, NoTensorFlow())
    from numpy_seq2seq.exercises.cli import main
    rcs = [main(["new", sys.argv[1] + "/new"]), main(["solve", sys.argv[1] + "/sol"]),
           main(["check", sys.argv[1] + "/sol"]), main(["check", sys.argv[1] + "/new"])]
    hidden = [m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras")]
    assert not hidden, hidden
    print("RCS", rcs)
    """
)


def test_the_checker_works_with_tensorflow_hidden(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER, str(tmp_path)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "RCS [0, 0, 0, 1]" in done.stdout  # new, solve, solved passes, fresh fails
    n = len(EXERCISES)
    assert f"{n} of {n} exercise(s) pass." in done.stdout
    assert "Keras golden" in done.stdout  # graded against Keras's numbers all the same
