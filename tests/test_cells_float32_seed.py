"""The float32 seed task for every cell (SimpleRNN included), over 12 initialisations each.

Keras's own initialisations (``set_random_seed(s)``, s = 0-5, Keras -> NumPy) and ours
(``Seq2Seq(seed=s)``, NumPy -> Keras): both sides train exactly as the seed does
(float32, 320 Adam steps) and predict the four ``init_points`` for 24 fed-back steps.
Every one of the 36 runs must stay within the bound; docs/keras-mapping.md ("The float32
seed task for every cell") shows the measured spread (written by the same ``measure``,
``scripts/float32_spread.py``) and explains the bound.

One test per cell and origin (6 runs each), so that the runs spread over the workers;
``keras_helpers.float32_seed_runs`` makes them once per session, and
``test_cross_keras_fit.py::test_seed_task_float32`` reads its run from the same rows.
"""

import pytest
from keras_helpers import TOL_F32_SEED_LOSS, TOL_F32_SEED_PRED_ANY_INIT, float32_seed_runs

from scripts.float32_spread import CELLS, ORIGINS, SEEDS

CASES = [
    pytest.param(cell, origin, marks=pytest.mark.xdist_group(f"float32-{cell}-{origin}"))
    for cell in CELLS
    for origin in ORIGINS
]


def test_the_cases_are_every_cell_and_origin():
    assert len(CASES) * len(SEEDS) == len(CELLS) * 2 * 6 == 36


@pytest.mark.slow
@pytest.mark.parametrize("cell, origin", CASES)
def test_float32_seed_task_every_cell_every_initialisation(cell, origin):
    rows = float32_seed_runs(cell, origin)
    assert [(r["cell"], r["origin"], r["seed"]) for r in rows] == [(cell, origin, s) for s in SEEDS]
    for row in rows:
        assert row["loss"] <= TOL_F32_SEED_LOSS, row
        assert row["predictions"] <= TOL_F32_SEED_PRED_ANY_INIT, row
    # and the two sides are not trivially identical: float32 rounding does differ
    assert max(row["predictions"] for row in rows) > 0
