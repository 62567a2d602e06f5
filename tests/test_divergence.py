"""Training that diverges stops with an error naming the epoch and the batch, and
nothing is lost: the model keeps the weights (and Adam the moments) from before
that batch, and the error carries the history of the completed epochs.

The expected state comes from an independent replay: the same batches, in the
same order, through the public ``loss_and_grads`` and ``Adam.apply``, stopping
at the first batch whose loss, gradient or updated weights are not finite.
"""

import math

import numpy as np
import pytest

from numpy_seq2seq import Adam, DivergenceError, Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's overflow warnings


@pytest.fixture(scope="module")
def windows():
    _, seq_in, seq_out = sin_cos()
    ex, dx, dy = make_windows(seq_in, seq_out, steps=24)
    return ex[:24], dx[:24], dy[:24]  # 3 batches of 8 per epoch


def replay(ex, dx, dy, lr, batch_size, epochs):
    """The unshuffled fit, batch by batch; returns (epoch, batch, why, state before it)."""
    model, opt = Seq2Seq(seed=0), Adam(learning_rate=lr)
    for epoch in range(1, epochs + 1):
        for b, i in enumerate(range(0, len(ex), batch_size), start=1):
            s = slice(i, i + batch_size)
            before = model.get_weights(), _moments(opt), opt.iterations
            loss, grads = model.loss_and_grads(ex[s], dx[s], dy[s])
            if not math.isfinite(loss):
                return epoch, b, "loss", before
            if not all(np.all(np.isfinite(g)) for g in grads):
                return epoch, b, "gradient", before
            opt.apply(model.params, grads)
            if not all(np.all(np.isfinite(p)) for p in model.params):
                return epoch, b, "update", before
    raise AssertionError("the replay did not diverge")


def _moments(opt):
    return None if opt.m is None else [a.copy() for a in opt.m + opt.v]


# Three ways to diverge, found by trying scales and learning rates: a loss that
# overflows float32, a gradient that does, and an Adam step that does.
CASES = [
    pytest.param(1.0, 1e20, "loss", id="loss-overflows"),
    pytest.param(1e4, 1e14, "gradient", id="gradient-overflows"),
    pytest.param(1e6, 1e12, "update", id="update-overflows-in-epoch-2"),
]


@pytest.mark.parametrize("scale, lr, why", CASES)
def test_divergence_names_epoch_and_batch_and_keeps_the_last_finite_state(windows, scale, lr, why):
    ex, dx, dy = windows
    dy = dy * scale
    epoch, batch, found, (weights, moments, steps) = replay(ex, dx, dy, lr, 8, epochs=6)
    assert found == why  # the case exercises the path it claims to

    model = Seq2Seq(seed=0)
    with pytest.raises(DivergenceError) as info:
        model.fit(
            [ex, dx],
            dy,
            batch_size=8,
            epochs=6,
            shuffle=False,
            validation_split=0,
            optimizer=Adam(learning_rate=lr),
        )
    err = info.value
    assert (err.epoch, err.batch) == (epoch, batch)
    assert f"epoch {epoch}, batch {batch}" in str(err)
    assert "learning_rate" in str(err)  # it says what to try
    for a, b in zip(model.get_weights(), weights):
        assert np.array_equal(a, b)  # bit for bit: nothing lost, nothing half-applied
    opt = model.optimizer
    assert opt.iterations == steps
    if moments is None:  # diverged on the very first batch
        assert opt.m is None
    else:
        for a, b in zip(_moments(opt), moments):
            assert np.array_equal(a, b)
    assert len(err.history.epoch) == epoch - 1  # the completed epochs survive
    assert len(err.history.history["loss"]) == epoch - 1


def test_divergence_error_is_a_floating_point_error_not_a_value_error():
    """Bad arguments raise ValueError/TypeError before training; divergence happens
    with valid arguments, so ``except ValueError`` must not swallow it."""
    assert issubclass(DivergenceError, FloatingPointError)
    assert not issubclass(DivergenceError, ValueError)


def test_a_model_that_diverged_on_its_first_batch_is_as_good_as_new(windows):
    """Overflowing data on the first batch: the model and its optimizer are untouched,
    so training on sane data then gives exactly what a fresh model gives."""
    ex, dx, dy = windows
    model, fresh = Seq2Seq(seed=0), Seq2Seq(seed=0)
    with pytest.raises(DivergenceError, match="epoch 1, batch 1: the loss is inf"):
        model.fit([ex, dx], dy * 1e20, batch_size=8, epochs=2, seed=0)
    h = model.fit([ex, dx], dy, batch_size=8, epochs=2, seed=0)
    h_fresh = fresh.fit([ex, dx], dy, batch_size=8, epochs=2, seed=0)
    assert h.history == h_fresh.history
    for a, b in zip(model.get_weights(), fresh.get_weights()):
        assert np.array_equal(a, b)


def test_infinite_val_loss_stops_after_the_epoch(windows):
    ex, dx, dy = windows
    dy = dy.copy()
    dy[-1] = 1e20  # finite in float32, but its square is not: only val_loss overflows
    model = Seq2Seq(seed=0)
    with pytest.raises(DivergenceError, match="epoch 1: val_loss is inf") as info:
        model.fit([ex, dx], dy, batch_size=8, epochs=3, validation_split=0.25, seed=0)
    assert (info.value.epoch, info.value.batch) == (1, None)
    assert info.value.history.epoch == []
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())


def test_numpy_raise_mode_is_also_a_divergence_error(windows):
    """Under np.seterr(all='raise') NumPy raises mid-batch; fit still undoes the batch."""
    ex, dx, dy = windows
    model = Seq2Seq(seed=0)
    model.fit([ex, dx], dy, batch_size=8, epochs=1, validation_split=0, shuffle=False)
    before = model.get_weights()
    with np.errstate(all="raise"), pytest.raises(DivergenceError, match="NumPy raised") as info:
        model.fit(
            [ex, dx],
            dy * 1e20,
            batch_size=8,
            epochs=1,
            validation_split=0,
            shuffle=False,
        )
    assert (info.value.epoch, info.value.batch) == (1, 1)
    assert isinstance(info.value.__cause__, FloatingPointError)
    for a, b in zip(model.get_weights(), before):
        assert np.array_equal(a, b)


def _one_batch_fit(model, windows, optimizer):
    """One update from all 24 windows, in order."""
    ex, dx, dy = windows
    model.fit([ex, dx], dy, batch_size=24, epochs=1, validation_split=0, shuffle=False,
              optimizer=optimizer)  # fmt: skip


def test_an_interrupt_while_adam_computes_changes_nothing(windows):
    """Ctrl-C inside Adam's update: nothing has been written yet, so nothing changed."""
    model, opt = Seq2Seq(seed=0), Adam()
    _one_batch_fit(model, windows, opt)
    before = model.get_weights(), _moments(opt), opt.iterations

    def interrupted(params, grads):
        raise KeyboardInterrupt

    opt.update = interrupted
    with pytest.raises(KeyboardInterrupt):
        _one_batch_fit(model, windows, opt)
    for a, b in zip(model.get_weights(), before[0]):
        assert np.array_equal(a, b)
    for a, b in zip(_moments(opt), before[1]):
        assert np.array_equal(a, b)
    assert opt.iterations == before[2]


@pytest.mark.parametrize("written", [0, 1, 4, 7])
def test_an_interrupt_between_two_weights_writes_leaves_no_half_updated_weights(windows, written):
    """Ctrl-C after some weights of a step are written: fit finishes writing the step
    before the interrupt goes on, so the model holds the whole step, as if uninterrupted."""
    model, opt = Seq2Seq(seed=0), Adam()
    reference, ref_opt = Seq2Seq(seed=0), Adam()
    for m, o in ((model, opt), (reference, ref_opt)):
        _one_batch_fit(m, windows, o)
    _one_batch_fit(reference, windows, ref_opt)  # the step the interrupted fit must finish
    real_commit = opt.commit
    calls = []

    def commit_then_interrupt(params, step):
        calls.append(written)
        if len(calls) == 1:  # the first write stops after `written` weights
            for p, new in zip(params[:written], step.params[:written]):
                p[...] = new
            raise KeyboardInterrupt
        real_commit(params, step)

    opt.commit = commit_then_interrupt
    with pytest.raises(KeyboardInterrupt):
        _one_batch_fit(model, windows, opt)
    assert len(calls) == 2  # interrupted, then finished
    for a, b in zip(model.get_weights(), reference.get_weights()):
        assert np.array_equal(a, b)
    for a, b in zip(_moments(opt), _moments(ref_opt)):
        assert np.array_equal(a, b)
    assert opt.iterations == ref_opt.iterations
