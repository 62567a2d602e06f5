"""The benchmarks' straightforward fused loops compute what ``fit`` computes, bit for bit.

``make bench`` divides ``fit``'s time by the fused loop's (``benchmarks/fused.py``), so the
ratio means something only if both do the same work: the same weights, the same per-epoch
losses, for every cell and both dtypes.  Exact equality, not a tolerance: the fused loop
does the same arithmetic in the same order.  (The bench also reports the difference after
its own runs, at the seed's size and at hidden 256.)  And the attention section's tanh
floor, against which the additive score's ratio is read, covers exactly one ``fit``'s batches.
"""

import numpy as np
import pytest

from benchmarks import attention as attention_bench
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


def test_the_tanh_floor_passes_every_batch_of_one_fit(monkeypatch):
    """The additive score's floor (``benchmarks/attention.py``) takes the tanh of exactly the
    (N, T_d, T_e, H) arrays one seed ``fit`` passes forward: 4 training batches (16, 16, 16,
    12 of the 60 training windows) and one validation batch of 16, for 80 epochs."""
    shapes = []
    real_tanh = np.tanh

    def counting_tanh(x, *args, **kwargs):
        shapes.append(x.shape)
        return real_tanh(x, *args, **kwargs)

    monkeypatch.setattr(attention_bench.np, "tanh", counting_tanh)
    assert attention_bench.tanh_floor(76) > 0
    assert len(shapes) == 80 * 5
    assert shapes[:5] == [(n, 24, 24, 10) for n in (16, 16, 16, 12, 16)]


def test_the_additive_ceiling_is_keras_over_numpy_dot_plus_the_floor():
    results = {
        "dot": dict(numpy_median_s=0.5, keras_median_s=11.0),
        "additive": dict(keras_median_s=10.5, tanh_floor_s=[0.3, 0.2, 0.25]),
    }
    assert attention_bench.additive_ceiling(results) == pytest.approx(10.5 / (0.5 + 0.25))


def test_the_speedup_the_additive_score_would_need():
    results = {
        "dot": dict(numpy_median_s=0.5, keras_median_s=11.0),
        "additive": dict(keras_median_s=10.0, tanh_floor_s=[0.25]),
    }
    # 10.0 / 20 = 0.5 s in all; 0.25 s for the floor leaves 0.25 s: 0.5 / 0.25 = 2x
    assert "run 2.0x faster" in attention_bench.speedup_needed(results)
    results["additive"]["tanh_floor_s"] = [0.6]
    assert "floor alone costs more" in attention_bench.speedup_needed(results)
