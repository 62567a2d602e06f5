"""The same seeds give bit-identical weights, histories and predictions, run after
run, in this process and in fresh Python processes."""

import json
import os
import subprocess
import sys

import numpy as np

from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos

# One run, reduced to SHA-256 digests of the exact bytes (and the floats' hex
# forms), so that two runs can be compared bit for bit across processes.
RUN = """
import hashlib, json
import numpy as np
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos


def digest(arrays):
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.dtype.str, a.shape)).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def run(dtype):
    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
    m = Seq2Seq(hidden=6, dtype=dtype, seed=7)
    initial = digest(m.get_weights())
    h = m.fit([ex, dx], dy, batch_size=16, epochs=3, seed=11)
    return {
        "initial": initial,
        "history": {k: [float(v).hex() for v in vs] for k, vs in h.history.items()},
        "trained": digest(m.get_weights()),
        "predict": digest([m.predict(ex[::5], steps=30)]),
    }


result = {dtype: run(dtype) for dtype in ("float32", "float64")}
"""


def in_this_process() -> dict:
    namespace: dict = {}
    exec(compile(RUN, "<run>", "exec"), namespace)
    return namespace["result"]


def in_a_new_process(**env) -> dict:
    code = RUN + "\nprint(json.dumps(result))\n"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
        timeout=120,
    )
    return json.loads(out.stdout)


def test_same_seed_same_initial_weights_and_another_seed_other_weights():
    a, b, c = Seq2Seq(seed=5), Seq2Seq(seed=5), Seq2Seq(seed=6)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        assert wa.tobytes() == wb.tobytes()
    # Another seed draws other kernels; the biases start at zero for every seed.
    differ = [not np.array_equal(x, y) for x, y in zip(a.get_weights(), c.get_weights())]
    assert differ == [True, True, False, True, True, False, True, False]


def test_same_seeds_same_run_in_this_process():
    first, second = in_this_process(), in_this_process()
    assert first == second
    # ...and the digests do see a difference: another fit seed changes the history.
    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
    h1 = Seq2Seq(hidden=6, seed=7).fit([ex, dx], dy, epochs=2, seed=11).history
    h2 = Seq2Seq(hidden=6, seed=7).fit([ex, dx], dy, epochs=2, seed=12).history
    assert h1 != h2


def test_same_seeds_same_run_in_separate_processes():
    """Two fresh interpreters (with different string-hash seeds) agree with each
    other and with this process, bit for bit."""
    first = in_a_new_process(PYTHONHASHSEED="1")
    second = in_a_new_process(PYTHONHASHSEED="2")
    assert first == second == in_this_process()
    assert set(first) == {"float32", "float64"}
    assert first["float32"]["predict"] != first["float64"]["predict"]
