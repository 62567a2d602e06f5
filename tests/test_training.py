"""fit's Keras semantics: split, shuffle, batches, loss weighting, history."""

import numpy as np
import pytest

from numpy_seq2seq import Adam, Seq2Seq
from numpy_seq2seq.data import make_windows, sin_cos
from numpy_seq2seq.model import batches, epoch_orders, split_windows


@pytest.fixture(scope="module")
def seed_data():
    _, seq_in, seq_out = sin_cos()
    return make_windows(seq_in, seq_out, 24)


def Recorder(**kw):
    """A model that records which windows each training batch holds, by their labels
    (see ``labelled``): it wraps the core's public ``loss_and_grads``, which ``fit`` calls."""
    m = Seq2Seq(**kw)
    m.seen = []
    math_step = m.net.loss_and_grads

    def recording(ex, dx, dy):
        m.seen.append(ex[:, 0, 0].copy())
        return math_step(ex, dx, dy)

    m.net.loss_and_grads = recording
    return m


def labelled(seed_data):
    """The seed data with each window's ex replaced by its own index, so the
    batches a model sees can be read back as window numbers."""
    _, dx, dy = seed_data
    ex = np.broadcast_to(np.arange(len(dx), dtype=float)[:, None, None], dx.shape).copy()
    return ex, dx, dy


@pytest.mark.parametrize(
    "n, split, n_train", [(76, 0.2, 60), (76, 0.0, 76), (10, 0.5, 5), (3, 0.34, 1), (100, 0.1, 90)]
)
def test_split_keeps_floor_of_n_times_one_minus_split_for_training(n, split, n_train):
    # Keras: split_at = floor(N * (1 - validation_split)); 76 * 0.8 = 60.8 -> 60.
    assert split_windows(n, split) == n_train


def test_seed_split_trains_on_the_first_60_and_validates_on_the_last_16(seed_data):
    ex, dx, dy = labelled(seed_data)
    m = Recorder(seed=0)
    m.fit([ex, dx], dy, epochs=2, batch_size=16, validation_split=0.2, seed=0)
    for epoch in (slice(0, 4), slice(4, 8)):
        np.testing.assert_array_equal(np.sort(np.concatenate(m.seen[epoch])), np.arange(60))


def test_batches_run_in_order_with_a_smaller_last_batch(seed_data):
    ex, dx, dy = labelled(seed_data)
    m = Recorder(seed=0)
    m.fit([ex, dx], dy, epochs=1, batch_size=16, shuffle=False)
    assert [len(b) for b in m.seen] == [16, 16, 16, 12]
    np.testing.assert_array_equal(np.concatenate(m.seen), np.arange(60))


def test_shuffle_permutes_the_training_windows_afresh_each_epoch(seed_data):
    ex, dx, dy = labelled(seed_data)
    m = Recorder(seed=0)
    m.fit([ex, dx], dy, epochs=3, batch_size=60, seed=5)
    orders = [tuple(b) for b in m.seen]
    assert len(set(orders)) == 3
    assert all(sorted(o) == list(range(60)) for o in orders)
    for got, want in zip(m.seen, epoch_orders(60, 3, True, 5)):
        np.testing.assert_array_equal(got, want)


def test_epoch_loss_is_batch_size_weighted_mean_of_losses_before_each_update(seed_data):
    ex, dx, dy = (a.astype(np.float64) for a in seed_data)
    m = Seq2Seq(seed=1, dtype="float64")
    replay = Seq2Seq(seed=1, dtype="float64")
    history = m.fit([ex, dx], dy, epochs=2, batch_size=16, validation_split=0.2, seed=3)

    opt = Adam()
    for epoch, order in enumerate(epoch_orders(60, 2, True, 3)):
        losses, sizes = [], []
        for idx in batches(order, 16):
            loss, grads = replay.loss_and_grads(ex[idx], dx[idx], dy[idx])
            losses.append(loss)
            sizes.append(len(idx))
            opt.apply(replay.params, grads)
        expected = np.average(losses, weights=sizes)  # 16, 16, 16, 12
        assert history.history["loss"][epoch] == pytest.approx(expected, rel=1e-14)
        val, _ = replay.loss_and_grads(ex[60:], dx[60:], dy[60:])  # after the epoch's updates
        assert history.history["val_loss"][epoch] == pytest.approx(val, rel=1e-14)
    for a, b in zip(m.get_weights(), replay.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_same_seed_same_history_and_weights(seed_data):
    ex, dx, dy = seed_data
    runs = []
    for _ in range(2):
        m = Seq2Seq(seed=4)
        h = m.fit([ex, dx], dy, epochs=5, seed=9)
        runs.append((h.history, m.get_weights()))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)


def test_history_without_validation_has_only_loss(seed_data):
    ex, dx, dy = seed_data
    h = Seq2Seq(seed=0).fit([ex, dx], dy, epochs=3, validation_split=0.0)
    assert list(h.history) == ["loss"] and len(h.history["loss"]) == 3
    assert h.epoch == [0, 1, 2]


def test_zero_epochs_changes_nothing(seed_data):
    ex, dx, dy = seed_data
    m = Seq2Seq(seed=0)
    before = m.get_weights()
    h = m.fit([ex, dx], dy, epochs=0)
    assert h.history == {"loss": [], "val_loss": []}
    for a, b in zip(before, m.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_second_fit_continues_with_the_same_optimizer(seed_data):
    """As a compiled Keras model keeps its optimizer across fit() calls."""
    ex, dx, dy = seed_data
    once, twice = Seq2Seq(seed=2, dtype="float64"), Seq2Seq(seed=2, dtype="float64")
    once.fit([ex, dx], dy, epochs=4, shuffle=False)
    twice.fit([ex, dx], dy, epochs=2, shuffle=False)
    twice.fit([ex, dx], dy, epochs=2, shuffle=False)
    assert twice.optimizer.iterations == 16
    for a, b in zip(once.get_weights(), twice.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_verbose_prints_one_keras_like_line_per_epoch(seed_data, capsys):
    ex, dx, dy = seed_data
    Seq2Seq(seed=0).fit([ex, dx], dy, epochs=3, verbose=1)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Epoch 1/3") and "loss: " in lines[0] and "val_loss: " in lines[0]


def test_seed_recipe_learns_for_most_seeds(seed_data):
    """The seed's recipe (hidden 10, batch 16, 80 epochs, validation 0.2):
    the course reports val_loss of about 0.01 or less by epoch 80."""
    ex, dx, dy = seed_data
    finals = []
    for seed in range(8):
        h = Seq2Seq(hidden=10, seed=seed).fit([ex, dx], dy, batch_size=16, epochs=80, seed=seed)
        assert h.history["loss"][-1] < h.history["loss"][0]
        finals.append(h.history["val_loss"][-1])
    assert sum(v < 0.02 for v in finals) >= 6, finals


def test_val_loss_is_evaluated_in_weighted_batches_like_keras_evaluate(seed_data):
    """16 validation windows in batches of 5: 5, 5, 5 and 1, weighted by size."""
    ex, dx, dy = (a.astype(np.float64) for a in seed_data)
    m = Seq2Seq(seed=6, dtype="float64")
    h = m.fit([ex, dx], dy, epochs=1, batch_size=5, seed=0)
    parts = [(60, 65), (65, 70), (70, 75), (75, 76)]
    losses = [m.loss_and_grads(ex[a:b], dx[a:b], dy[a:b])[0] for a, b in parts]
    expected = np.average(losses, weights=[5, 5, 5, 1])
    assert h.history["val_loss"][0] == pytest.approx(expected, rel=1e-14)
    whole = m.loss_and_grads(ex[60:], dx[60:], dy[60:])[0]  # the same number, up to rounding
    assert h.history["val_loss"][0] == pytest.approx(whole, rel=1e-12)
