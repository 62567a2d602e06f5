"""The benchmarks' straightforward fused loops compute what ``fit`` computes, bit for bit.

``make bench`` divides ``fit``'s time by the fused loop's (``benchmarks/fused.py``), so the
ratio means something only if both do the same work: the same weights, the same per-epoch
losses, for every cell and both dtypes.  Exact equality, not a tolerance: the fused loop
does the same arithmetic in the same order.  (The bench also reports the difference after
its own runs, at the seed's size and at hidden 256.)
"""

import numpy as np
import pytest

from benchmarks.fused import CELLS, fit_fused
from numpy_seq2seq import Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cell", sorted(CELLS))
def test_fused_loop_reaches_fits_weights_and_losses_exactly(cell, dtype):
    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = (a.astype(dtype) for a in make_windows(seq_in, seq_out, 24))
    model = Seq2Seq(hidden=10, dtype=dtype, seed=3, cell=cell)
    initial = model.get_weights()
    # 60 training windows in batches of 16: the last batch is partial, as in the bench
    history = model.fit([ex, dx], dy, batch_size=16, epochs=2, seed=5)
    copies = [w.copy() for w in initial]
    fused, losses, val_losses = fit_fused(copies, ex, dx, dy, 16, 2, 0.2, seed=5, cell=cell)
    for name, ours, theirs in zip(range(8), model.get_weights(), fused):
        assert np.array_equal(ours, theirs), f"weight {name} differs"
    assert losses == history.history["loss"]
    assert val_losses == history.history["val_loss"]
    assert not np.array_equal(initial[1], fused[1])  # it did train
