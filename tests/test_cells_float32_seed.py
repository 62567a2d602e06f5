"""The float32 seed task for every cell (SimpleRNN included), over 12 initialisations each.

Keras's own initialisations (``set_random_seed(s)``, s = 0-5, Keras -> NumPy) and ours
(``Seq2Seq(seed=s)``, NumPy -> Keras): both sides train exactly as the seed does
(float32, 320 Adam steps) and predict the four ``init_points`` for 24 fed-back steps.
Every one of the 36 runs must stay within the bound; docs/keras-mapping.md ("The float32
seed task for every cell") shows the measured spread (written by the same ``measure``,
``scripts/float32_spread.py``) and explains the bound.

One test per run, so that the runs spread over the workers; ``keras_helpers.float32_seed_run``
makes each once per session, and ``test_cross_keras_fit.py::test_seed_task_float32`` reads
NumPy's seed-0 SimpleRNN run from the same cache (both in one xdist group).
"""

import numpy as np
import pytest
from keras_helpers import TOL_F32_SEED_LOSS, TOL_F32_SEED_PRED_ANY_INIT, float32_seed_run

import reference_keras as rk
from scripts.float32_spread import CELLS, ORIGINS, SEED_FIT, SEEDS, Reusable, seed_task, start

SHARED = ("simple_rnn", "numpy", 0)  # also test_cross_keras_fit.py::test_seed_task_float32
RUNS = [
    pytest.param(
        cell,
        origin,
        seed,
        marks=[pytest.mark.xdist_group("float32-shared")] if (cell, origin, seed) == SHARED else [],
    )
    for cell in CELLS
    for origin in ORIGINS
    for seed in SEEDS
]


def test_the_runs_are_every_cell_origin_and_seed():
    assert len(RUNS) == len(CELLS) * 2 * 6 == 36


@pytest.mark.slow
@pytest.mark.parametrize("cell, origin, seed", RUNS)
def test_float32_seed_task_every_cell_every_initialisation(cell, origin, seed):
    row = float32_seed_run(cell, origin, seed)
    assert (row["cell"], row["origin"], row["seed"]) == (cell, origin, seed)
    assert row["loss"] <= TOL_F32_SEED_LOSS, row
    assert row["predictions"] <= TOL_F32_SEED_PRED_ANY_INIT, row
    # and the two sides are not trivially identical: float32 rounding does differ
    assert row["weights"] > 0 or row["predictions"] > 0, row


@pytest.mark.slow
@pytest.mark.parametrize("cell", CELLS)
def test_a_restarted_model_trains_exactly_as_a_new_one(cell):
    """What sharing the Keras models across the runs above rests on: models that were
    trained before, then ``restart``-ed from new weights, give the history and weights of
    models built new, bit for bit (three epochs of the seed's training)."""
    ex, dx, dy = seed_task()
    fit = dict(SEED_FIT, epochs=3)
    with rk.floatx("float32"):
        (new, _, _), _ = start(cell, "keras", 1)
        h_new = new.fit([ex, dx], dy, verbose=0, **fit).history
        reused = Reusable(cell)
        (used, _, _), _ = start(cell, "numpy", 2, reuse=reused)  # trained once before
        used.fit([ex, dx], dy, verbose=0, **fit)
        (again, _, _), _ = start(cell, "keras", 1, reuse=reused)
        h_again = again.fit([ex, dx], dy, verbose=0, **fit).history
    assert again is used
    assert h_again == h_new
    for a, b in zip(again.get_weights(), new.get_weights()):
        np.testing.assert_array_equal(a, b)
