"""The one training loop: losses, batching, seeding, warm start, early stopping, guards."""

import math
import re
import time

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from tsrnn import RNNClassifier, RNNRegressor
from tsrnn._batches import SequenceBatches, gather_in_order
from tsrnn._network import build_network
from tsrnn._sequence import sequence_inputs as _sequence_inputs
from tsrnn._sequence import split_validation as _split_validation
from tsrnn._training import (
    LOSSES,
    PinballLoss,
    TrainConfig,
    evaluate,
    forward_in_order,
    train,
)
from tsrnn.exceptions import TrainingDivergedError, TrainingInterruptedWarning

from helpers import warned_from


def data(n=40, n_steps=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_steps))
    return X, X.mean(axis=1) + 0.1 * rng.normal(size=n)


def reg(**params):
    base = dict(hidden_size=4, max_epochs=3, batch_size=16, random_state=0)
    return RNNRegressor(**{**base, **params})


def weights(est):
    return {k: v.detach().clone() for k, v in est.module_.state_dict().items()}


def assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def assert_finite_weights(est):
    for key, value in est.module_.state_dict().items():
        assert torch.isfinite(value).all(), key


def calls_then(loss_fn, n_ok, action):
    """``loss_fn`` for the first ``n_ok`` calls, then ``action(loss)``."""
    count = {"n": 0}

    def wrapped(pred, target, mask=None):
        count["n"] += 1
        loss = loss_fn(pred, target, mask)
        return loss if count["n"] <= n_ok else action(loss)

    return wrapped


# -- losses and batches ---------------------------------------------------------------


def test_losses_registry():
    assert set(LOSSES) == {"mse", "mae", "huber", "cross_entropy", "pinball"}


@pytest.mark.parametrize("name", ["mse", "mae", "huber"])
def test_regression_losses_ignore_masked_targets(name):
    pred = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    target = torch.tensor([[1.0, 0.0], [3.0, 100.0]])
    mask = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    assert float(LOSSES[name](pred, target, mask)) == 0.0
    assert float(LOSSES[name](pred, target)) > 0.0


# pred - target = [[1, 2], [3, -6]]; the mask drops the 2: errors 1, 3, -6 remain
_PRED = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
_TARGET = torch.tensor([[0.0, 0.0], [0.0, 10.0]])
_MASK = torch.tensor([[1.0, 0.0], [1.0, 1.0]])


@pytest.mark.parametrize(
    "name,masked,full",
    [
        ("mae", (1 + 3 + 6) / 3, (1 + 2 + 3 + 6) / 4),
        ("mse", (1 + 9 + 36) / 3, (1 + 4 + 9 + 36) / 4),
        # Huber with delta 1: e^2 / 2 below 1, |e| - 1/2 above
        ("huber", (0.5 + 2.5 + 5.5) / 3, (0.5 + 1.5 + 2.5 + 5.5) / 4),
    ],
)
def test_masked_losses_average_over_the_observed_targets_only(name, masked, full):
    assert float(LOSSES[name](_PRED, _TARGET, _MASK)) == pytest.approx(masked)
    assert float(LOSSES[name](_PRED, _TARGET)) == pytest.approx(full)
    # nothing observed: zero loss (and zero gradient), not a division by zero
    assert float(LOSSES[name](_PRED, _TARGET, torch.zeros_like(_MASK))) == 0.0


def test_pinball_loss_is_masked_and_averaged_over_quantiles():
    q = torch.tensor([0.1, 0.5, 0.9])
    # one window, 3 steps x 3 quantiles; the third step's target is missing
    pred = torch.tensor([[8.0, 10.0, 13.0, 10.0, 10.0, 10.0, 50.0, 60.0, 70.0]])
    target = torch.tensor([[10.0, 10.0, 0.0]])
    mask = torch.tensor([[1.0, 1.0, 0.0]])
    # step 1: d = 2, 0, -3 -> 0.1 * 2, 0, (0.9 - 1) * -3; step 2: d = 0 -> 0
    step1 = (0.2 + 0.0 + 0.3) / 3
    masked = float(PinballLoss(q)(pred, target, mask))
    assert masked == pytest.approx((step1 + 0.0) / 2)  # over the 2 observed steps
    only_first = torch.tensor([[1.0, 0.0, 0.0]])
    assert float(PinballLoss(q)(pred, target, only_first)) == (
        pytest.approx(step1)  # one observed step: its own loss, not half of it
    )
    # step 3 counts without the mask (target 0): d = -50, -60, -70 -> 45, 30, 7
    every = (step1 + 0.0 + (45.0 + 30.0 + 7.0) / 3) / 3
    assert float(PinballLoss(q)(pred, target)) == pytest.approx(every)
    # the levels are a buffer: they move with the module, and only there
    moved = PinballLoss(q).to(torch.float64)
    assert moved.quantiles.dtype == torch.float64
    assert "quantiles" in dict(moved.named_buffers())


@settings(max_examples=40, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 5), st.integers(1, 6)),
    seed=st.integers(0, 10_000),
    name=st.sampled_from(["mse", "mae", "huber"]),
)
def test_masked_loss_is_the_loss_of_the_observed_targets(shape, seed, name):
    gen = torch.Generator().manual_seed(seed)
    pred, target = (
        torch.randn(*shape, generator=gen),
        torch.randn(*shape, generator=gen),
    )
    mask = (torch.rand(*shape, generator=gen) < 0.6).float()
    mask.view(-1)[seed % mask.numel()] = 1.0  # at least one observed target
    seen = mask.bool()
    expected = LOSSES[name](pred[seen], target[seen])
    got = LOSSES[name](pred, target, mask)
    assert float(got) == pytest.approx(float(expected), rel=1e-5, abs=1e-7)
    # whatever sits under the mask (e.g. the 0 a NaN target became) does not count
    noise = torch.randn(*shape, generator=gen) * 1e3
    moved = torch.where(seen, target, noise)
    assert float(LOSSES[name](pred, moved, mask)) == pytest.approx(float(got), rel=1e-5)


def test_mse_and_cross_entropy_values():
    pred = torch.tensor([[1.0], [3.0]])
    assert float(LOSSES["mse"](pred, torch.tensor([[0.0], [0.0]]))) == 5.0
    logits = torch.tensor([[0.0, 0.0]])
    value = float(LOSSES["cross_entropy"](logits, torch.tensor([1])))
    assert value == pytest.approx(math.log(2))


def test_gather_packs_only_batches_whose_lengths_differ():
    inputs = torch.arange(4 * 5, dtype=torch.float32).reshape(4, 5, 1)
    batches = SequenceBatches(inputs, np.array([5, 2, 3, 5]), torch.arange(4.0))
    assert len(batches) == 4
    assert not batches.uniform
    (x, lengths), y, mask, _ = batches.gather(torch.tensor([1, 2]))
    assert x.shape == (2, 3, 1)  # trimmed to the batch's longest row
    assert lengths.tolist() == [2, 3]
    assert y.tolist() == [1.0, 2.0]
    assert mask is None
    (x, lengths), _, _, _ = batches.gather(torch.tensor([3, 0]))
    assert lengths is None  # all full length: no packing
    assert torch.equal(x, inputs[[3, 0]])


def test_uniform_batches_never_pack():
    batches = SequenceBatches(torch.zeros(3, 4, 1), np.array([4, 4, 4]))
    assert batches.uniform
    (_, lengths), y, _, _ = batches.gather(torch.tensor([0, 2]))
    assert lengths is None and y is None


def test_subset_keeps_rows_and_lengths():
    batches = SequenceBatches(
        torch.arange(6.0).reshape(3, 2, 1), np.array([2, 1, 2]), torch.tensor([7, 8, 9])
    )
    part = batches.subset(np.array([2, 1]))
    assert part.lengths.tolist() == [2, 1]
    assert part.targets.tolist() == [9, 8]
    # the rows' own steps, back to back (row 1 has one step)
    assert part.inputs[:, 0].tolist() == [4.0, 5.0, 2.0]


def test_batches_move_to_a_device_but_lengths_stay_on_the_cpu():
    # "meta" stands in for a GPU on a CPU-only machine: tensors without data
    batches = SequenceBatches(
        torch.zeros(3, 2, 1), np.array([2, 1, 2]), torch.zeros(3), torch.ones(3)
    )
    moved = batches.to("meta")
    for tensor in (moved.inputs, moved.targets, moved.target_mask):
        assert tensor.device.type == "meta"
    assert moved.lengths.device.type == "cpu"  # pack_padded_sequence wants them there
    part = moved.subset(np.array([2, 1]))
    assert part.inputs.device.type == "meta" and part.inputs.shape == (3, 1)
    (x, lengths), y, mask, _ = moved.gather(torch.tensor([0, 1]))
    assert (x.device.type, y.device.type, mask.device.type) == ("meta",) * 3
    assert lengths.device.type == "cpu" and lengths.tolist() == [2, 1]


def test_a_target_mask_travels_with_its_rows():
    mask = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    batches = SequenceBatches(
        torch.arange(6.0).reshape(3, 2, 1),
        np.array([2, 2, 2]),
        torch.zeros(3, 2),
        target_mask=mask,
    )
    for source in (batches, batches.to("cpu")):
        _, _, m, _ = source.gather(torch.tensor([2, 0]))
        assert m.tolist() == [[1.0, 1.0], [1.0, 0.0]]
    part = batches.subset(np.array([1, 2]))
    assert part.target_mask.tolist() == [[0.0, 1.0], [1.0, 1.0]]
    assert part.to("cpu").target_mask.tolist() == [[0.0, 1.0], [1.0, 1.0]]


def _frozen_net(seed=0):
    """A small GRU network, seeded."""
    torch.manual_seed(seed)
    return build_network(
        cell="gru",
        input_size=1,
        hidden_size=4,
        num_layers=1,
        dropout=0.0,
        bidirectional=False,
        output_size=1,
    )


def test_a_flat_validation_loss_stops_after_patience_epochs():
    # zero learning rate: the validation loss is the same every epoch, which is
    # no improvement, so early stopping ends the fit after patience epochs more
    X = torch.randn(10, 5, 1, generator=torch.Generator().manual_seed(0))
    batches = SequenceBatches(X, np.full(10, 5), X.mean(dim=1))
    config = TrainConfig(
        learning_rate=0.0, batch_size=4, max_epochs=10, early_stopping=True, patience=2
    )
    history = train(
        _frozen_net(),
        batches,
        loss_fn=LOSSES["mse"],
        config=config,
        generator=torch.Generator().manual_seed(0),
        valid=batches,
    )
    assert [h["epoch"] for h in history] == [1, 2, 3]


def test_verbose_lines_show_the_validation_loss_only_when_there_is_one():
    X = torch.randn(10, 5, 1, generator=torch.Generator().manual_seed(0))
    batches = SequenceBatches(X, np.full(10, 5), X.mean(dim=1))
    for valid, pattern in [
        (None, r"epoch    1  train_loss [0-9.e+-]+  [0-9.]+s"),
        (
            batches,
            r"epoch    1  train_loss [0-9.e+-]+  valid_loss [0-9.e+-]+  [0-9.]+s",
        ),
    ]:
        lines = []
        train(
            _frozen_net(),
            batches,
            loss_fn=LOSSES["mse"],
            config=TrainConfig(batch_size=4, max_epochs=1, verbose=1),
            generator=torch.Generator().manual_seed(0),
            valid=valid,
            log=lines.append,
        )
        assert len(lines) == 2 and re.fullmatch(pattern, lines[0]), lines
        # then the end-of-fit line: why it stopped, and the best epoch when scored
        assert lines[1].startswith("stopped after epoch 1: the budget of 3 gradient")
        assert ("best epoch 1 (valid_loss" in lines[1]) == (valid is not None)


def test_the_end_of_fit_line_says_why_training_stopped_and_what_was_kept():
    X = torch.randn(40, 5, 1, generator=torch.Generator().manual_seed(0))
    batches = SequenceBatches(X, np.full(40, 5), X.mean(dim=1))
    for config, why in [
        (dict(early_stopping=True, patience=2), "did not improve for 2 epochs"),
        (
            dict(max_steps=7, max_epochs=None),
            "the budget of 7 gradient steps was spent (max_steps)",
        ),
    ]:
        lines = []
        history = train(
            _frozen_net(),
            batches,
            loss_fn=LOSSES["mse"],
            # no step moves the weights: epoch 1 stays the best
            config=TrainConfig(batch_size=4, verbose=1, learning_rate=0.0, **config),
            generator=torch.Generator().manual_seed(0),
            valid=batches,
            log=lines.append,
        )
        last = history[-1]["epoch"]
        assert (
            lines[-1].startswith(f"stopped after epoch {last}: ") and why in lines[-1]
        )
        kept = (
            "its weights kept" if config.get("early_stopping") else "the last epoch's"
        )
        assert "best epoch 1 (valid_loss" in lines[-1] and kept in lines[-1]


def test_reported_losses_are_the_mean_over_rows():
    # with a zero learning rate the weights never move, so an epoch's train_loss
    # is the loss of those weights over every row, whatever the batch split
    X = torch.randn(10, 5, 1, generator=torch.Generator().manual_seed(0))
    batches = SequenceBatches(X, np.full(10, 5), X.mean(dim=1) + 1.0)
    net = _frozen_net()
    expected = evaluate(net, batches, LOSSES["mae"], 10)
    started = time.perf_counter()
    history = train(
        net,
        batches,
        loss_fn=LOSSES["mae"],
        config=TrainConfig(learning_rate=0.0, batch_size=4, max_epochs=2),
        generator=torch.Generator().manual_seed(0),
        valid=batches,
    )
    call = time.perf_counter() - started
    for epoch in history:
        assert epoch["train_loss"] == pytest.approx(expected, rel=1e-6)
        assert epoch["valid_loss"] == pytest.approx(expected, rel=1e-6)
    # each epoch's seconds is a part of the call's own duration, not a clock reading
    assert 0.0 < sum(epoch["seconds"] for epoch in history) <= call


def test_train_directly_numbers_epochs_on_and_predicts_in_order():
    net = _frozen_net()
    X = torch.randn(10, 5, 1)
    batches = SequenceBatches(X, np.full(10, 5), X.mean(dim=1))
    config = TrainConfig(learning_rate=0.01, batch_size=4, max_epochs=2)
    history = train(
        net,
        batches,
        loss_fn=LOSSES["mse"],
        config=config,
        generator=torch.Generator().manual_seed(0),
    )
    assert [h["epoch"] for h in history] == [1, 2]
    assert set(history[0]) == {"epoch", "train_loss", "valid_loss", "steps", "seconds"}
    history = train(
        net,
        batches,
        loss_fn=LOSSES["mse"],
        config=config,
        generator=torch.Generator().manual_seed(0),
        history=history,
    )
    assert [h["epoch"] for h in history] == [1, 2, 3, 4]
    out = forward_in_order(net, gather_in_order(batches, batch_size=3))
    assert out.shape == (10, 1) and out.dtype == np.float32
    with torch.no_grad():
        np.testing.assert_allclose(out, net(X).numpy(), atol=1e-6)


# -- seeding ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        dict(cell="lstm"),
        dict(cell="gru", num_layers=2, dropout=0.3),
        dict(cell="rnn", bidirectional=True, early_stopping=True),
    ],
    ids=["lstm", "gru-dropout", "rnn-early-stopping"],
)
def test_same_random_state_gives_bit_identical_weights(params):
    X, y = data()
    torch.manual_seed(1)  # the global RNG plays no part
    first = weights(reg(**params).fit(X, y))
    torch.manual_seed(2)
    second = weights(reg(**params).fit(X, y))
    assert_same_weights(first, second)
    other = weights(reg(random_state=1, **params).fit(X, y))
    assert any(not torch.equal(first[k], other[k]) for k in first)


def test_fit_leaves_the_global_rngs_alone():
    X, y = data()
    torch.manual_seed(123)
    torch_state = torch.get_rng_state()
    np_state = np.random.get_state()  # noqa: NPY002 (the legacy global RNG is tested)
    reg(num_layers=2, dropout=0.5).fit(X, y)
    assert torch.equal(torch.get_rng_state(), torch_state)
    after = np.random.get_state()  # noqa: NPY002
    assert np.array_equal(after[1], np_state[1]) and after[2] == np_state[2]


def test_fit_on_cpu_does_not_reseed_the_gpu_generators(monkeypatch):
    # Regression: torch.manual_seed reseeds every GPU for good, outside the fork.
    calls = []
    monkeypatch.setattr(torch.cuda, "manual_seed_all", lambda s: calls.append(s))
    monkeypatch.setattr(torch.cuda, "manual_seed", lambda s: calls.append(s))
    reg(device="cpu").fit(*data())
    assert calls == []


# -- warm start ---------------------------------------------------------------------


def test_warm_start_continues_training():
    X, y = data()
    est = reg(warm_start=True).fit(X, y)
    module, before = est.module_, weights(est)
    est.fit(X, y)
    assert est.module_ is module
    assert [h["epoch"] for h in est.history_] == [1, 2, 3, 4, 5, 6]
    assert est.n_epochs_ == 6
    assert any(not torch.equal(before[k], v) for k, v in weights(est).items())


def test_warm_start_false_restarts():
    X, y = data()
    est = reg().fit(X, y)
    module = est.module_
    est.fit(X, y)
    assert est.module_ is not module
    assert [h["epoch"] for h in est.history_] == [1, 2, 3]
    assert_same_weights(weights(est), weights(reg().fit(X, y)))
    # and switching warm_start off after a warm fit restarts too
    est.set_params(warm_start=True).fit(X, y)
    est.set_params(warm_start=False).fit(X, y)
    assert [h["epoch"] for h in est.history_] == [1, 2, 3]


@pytest.mark.parametrize(
    "change, match",
    [
        (dict(hidden_size=5), r"hidden_size 4 -> 5"),
        (dict(cell="gru"), r"cell 'lstm' -> 'gru'"),
        (dict(num_layers=2), r"num_layers 1 -> 2"),
        (dict(bidirectional=True), r"bidirectional False -> True"),
        (dict(embedding_dim=3), r"embedding_dim None -> 3"),
    ],
)
def test_warm_start_refuses_a_new_architecture(change, match):
    # issue 18 item 9: a changed parameter used to rebuild the network silently
    X, y = data()
    est = reg(warm_start=True).fit(X, y)
    module, before = est.module_, weights(est)
    with pytest.raises(
        ValueError, match=f"warm_start=True continues.*{match}.*warm_start=False"
    ):
        est.set_params(**change).fit(X, y)
    assert est.module_ is module and est.n_epochs_ == 3  # the fitted model is intact
    assert_same_weights(before, weights(est))


def test_warm_start_regressor_refuses_a_new_number_of_outputs():
    X, y = data()
    est = reg(warm_start=True).fit(X, y)
    mean = est.y_mean_
    with pytest.raises(ValueError, match="1 target.*got 2.*warm_start=False"):
        est.fit(X, np.c_[y, 2 * y])
    assert est.y_mean_ is mean and est.n_outputs_ == 1
    assert est.predict(X).shape == (40,)


def test_warm_start_refuses_a_new_number_of_features():
    X, y = data()
    est = reg(warm_start=True).fit(X[:, :, None], y)
    with pytest.raises(
        ValueError, match="2 features per step.*expecting 1.*warm_start"
    ):
        est.fit(np.repeat(X[:, :, None], 2, axis=2), y)
    assert est.n_features_in_ == 1 and est.n_epochs_ == 3


def test_warm_start_keeps_the_mask_channel_of_the_first_fit():
    # issue 18 item 9: a batch without interior NaN after one with them used to drop
    # the mask channel (a new network), after which the first kind was refused
    X, y = data()
    holes = X.copy()
    holes[::3, 2] = np.nan
    est = reg(warm_start=True).fit(holes, y)
    module = est.module_
    est.fit(X, y)  # no interior NaN: the fitted channel says "observed"
    assert est.module_ is module and est.mask_channel_ and est.n_epochs_ == 6
    assert np.isfinite(est.predict(holes)).all()
    # the other way round the data does not fit the network: refused, not restarted
    plain = reg(warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="missing values.*warm_start=False to start"):
        plain.fit(holes, y)
    assert not plain.mask_channel_ and plain.n_epochs_ == 3


def test_warm_start_keeps_the_vocabulary_of_the_first_fit():
    # issue 18 item 9: a second text batch with smaller token ids used to shrink the
    # vocabulary, after which the first batch's documents were refused
    rng = np.random.default_rng(0)
    docs = [rng.integers(1, 50, size=n) for n in rng.integers(3, 9, size=40)]
    labels = np.array(["a", "b"] * 20)
    clf = RNNClassifier(
        embedding_dim=3, hidden_size=4, max_epochs=1, warm_start=True, random_state=0
    ).fit(docs, labels)
    vocab, module = clf.vocab_size_, clf.module_
    small = [np.minimum(d, 9) for d in docs]  # ids below 10
    clf.fit(small, labels)
    assert clf.vocab_size_ == vocab and clf.module_ is module and clf.n_epochs_ == 2
    assert clf.predict(docs).shape == (40,)
    with pytest.raises(
        ValueError, match=f"token id 59.*vocab_size_={vocab}.*warm_start"
    ):
        clf.fit([d + 10 for d in docs], labels)


def test_warm_start_classifier_needs_the_same_classes():
    X, y = data()
    labels = np.where(y > 0, "up", "down")
    clf = RNNClassifier(hidden_size=4, max_epochs=1, warm_start=True, random_state=0)
    clf.fit(X, labels)
    with pytest.raises(ValueError, match="classes of the first fit.*warm_start=False"):
        clf.fit(X, np.where(y > 0, "up", "flat"))


# -- early stopping -----------------------------------------------------------------


def valid_loss_of_final_weights(est, X):
    """Recompute the validation loss of ``est``'s weights on its held-out rows."""
    inputs, lengths, _ = _sequence_inputs(est, X, reset=False)
    _, valid_idx = _split_validation(est, len(lengths), est._seed())
    return inputs, lengths, valid_idx


def test_early_stopping_stops_and_keeps_the_best_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5))
    y = rng.normal(size=60)  # noise: the validation loss soon stops improving
    est = reg(
        hidden_size=8,
        learning_rate=0.05,
        max_epochs=200,
        early_stopping=True,
        validation_fraction=0.25,
        patience=3,
    ).fit(X, y)
    assert est.n_epochs_ < 200
    valid = [h["valid_loss"] for h in est.history_]
    assert all(v is not None and math.isfinite(v) for v in valid)
    best = int(np.argmin(valid))
    assert est.n_epochs_ == best + 1 + 3  # stopped after `patience` bad epochs
    inputs, lengths, valid_idx = valid_loss_of_final_weights(est, X)
    targets = torch.from_numpy(
        ((y[:, None] - est.y_mean_) / est.y_scale_).astype(np.float32)
    )
    held_out = SequenceBatches(inputs, lengths, targets).subset(valid_idx)
    final = evaluate(est.module_, held_out, LOSSES["mse"], 1024)
    assert final == pytest.approx(min(valid), rel=1e-6)
    assert final < valid[-1]


def test_without_early_stopping_there_is_no_valid_loss():
    est = reg().fit(*data())
    assert [h["valid_loss"] for h in est.history_] == [None] * 3
    assert all(h["seconds"] >= 0 for h in est.history_)


# -- divergence and interruption -------------------------------------------------------


def test_non_finite_loss_raises_and_keeps_the_last_good_weights(monkeypatch):
    X, y = data()  # 40 rows, batch_size 16: 3 batches per epoch
    nan_from_epoch_2 = calls_then(LOSSES["mse"], 3, lambda loss: loss * math.nan)
    monkeypatch.setitem(LOSSES, "mse", nan_from_epoch_2)
    est = reg(max_epochs=5)
    with pytest.raises(
        TrainingDivergedError,
        match=r"loss became nan at epoch 2.*learning_rate \(now 0.01\).*gradient_clip",
    ):
        est.fit(X, y)
    assert_finite_weights(est)
    assert est.n_epochs_ == 1
    assert np.isfinite(est.predict(X)).all()
    monkeypatch.undo()
    assert_same_weights(weights(est), weights(reg(max_epochs=1).fit(X, y)))


def test_a_non_finite_validation_loss_is_named_as_such(monkeypatch):
    X, y = data()
    real = LOSSES["mse"]

    def nan_in_evaluation(pred, target, mask=None):
        loss = real(pred, target, mask)
        return loss if torch.is_grad_enabled() else loss * math.nan

    monkeypatch.setitem(LOSSES, "mse", nan_in_evaluation)
    with pytest.raises(
        TrainingDivergedError,
        match="^Training diverged: the validation loss became nan",
    ):
        reg(early_stopping=True, validation_fraction=0.25).fit(X, y)


def test_weight_decay_shrinks_the_weights():
    X, y = data()
    plain = reg(learning_rate=0.01, max_epochs=5).fit(X, y)
    decayed = reg(learning_rate=0.01, max_epochs=5, weight_decay=50.0).fit(X, y)
    norm = lambda est: float(  # noqa: E731
        sum((p**2).sum() for p in est.module_.parameters())
    )
    assert norm(decayed) < 0.8 * norm(plain)


def test_huge_learning_rate_raises_diverged_error():
    X, y = data()
    est = reg(cell="rnn", learning_rate=1e30)
    with pytest.raises(TrainingDivergedError, match="learning_rate.*gradient_clip"):
        est.fit(X, y)
    assert isinstance(TrainingDivergedError("x"), RuntimeError)
    assert_finite_weights(est)
    assert np.isfinite(est.predict(X)).all()


def test_keyboard_interrupt_warns_and_leaves_a_fitted_estimator(monkeypatch):
    X, y = data()

    def interrupt(loss):
        raise KeyboardInterrupt

    # calls 1-3 are epoch 1; Ctrl-C in the middle of epoch 2
    monkeypatch.setitem(LOSSES, "mse", calls_then(LOSSES["mse"], 4, interrupt))
    est = reg(max_epochs=5)
    with pytest.warns(TrainingInterruptedWarning, match="interrupted") as caught:
        est.fit(X, y)
    assert warned_from(caught[0], __file__)  # it points at the user's fit call
    assert est.n_epochs_ == 1
    assert np.isfinite(est.predict(X)).all()
    assert_finite_weights(est)
    monkeypatch.undo()  # the half-trained epoch 2 was rolled back
    assert_same_weights(weights(est), weights(reg(max_epochs=1).fit(X, y)))


def test_keyboard_interrupt_keeps_the_best_weights_with_early_stopping(monkeypatch):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(64, 5)), rng.normal(size=64)

    def interrupt(loss):
        raise KeyboardInterrupt

    # 48 training rows, batch 16: 3 training calls + 1 validation call per epoch;
    # Ctrl-C in epoch 8, after the validation loss peaked at epoch 5
    monkeypatch.setitem(LOSSES, "mse", calls_then(LOSSES["mse"], 30, interrupt))
    est = reg(
        hidden_size=8,
        learning_rate=0.05,
        max_epochs=50,
        patience=50,
        early_stopping=True,
        validation_fraction=0.25,
    )
    with pytest.warns(TrainingInterruptedWarning):
        est.fit(X, y)
    monkeypatch.undo()
    valid = [h["valid_loss"] for h in est.history_]
    assert len(valid) == 7
    assert np.argmin(valid) < 6  # the best epoch is not the last one
    inputs, lengths, valid_idx = valid_loss_of_final_weights(est, X)
    targets = torch.from_numpy(
        ((y[:, None] - est.y_mean_) / est.y_scale_).astype(np.float32)
    )
    held_out = SequenceBatches(inputs, lengths, targets).subset(valid_idx)
    final = evaluate(est.module_, held_out, LOSSES["mse"], 1024)
    assert final == pytest.approx(min(valid), rel=1e-6)


# -- verbose and gradient clipping ----------------------------------------------------


def test_verbose_prints_one_line_per_epoch(capsys):
    X, y = data()
    reg(verbose=1).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    # what is trained, one line per epoch, and how training ended
    assert len(lines) == 5
    assert lines[0].startswith("RNNRegressor: 40 training sequences; 1 network of ")
    assert all(line.startswith("epoch") and "train_loss" in line for line in lines[1:4])
    assert lines[4].startswith("stopped after epoch 3: the budget of")
    reg(verbose=1, early_stopping=True, patience=10).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert "for validation" in lines[0]
    assert len(lines) == 5 and all("valid_loss" in line for line in lines[1:])


def test_verbose_zero_prints_nothing(capsys):
    reg(verbose=0).fit(*data())
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_gradient_clip_is_applied(monkeypatch):
    X, y = data()
    original = torch.nn.utils.clip_grad_norm_
    norms = []

    def spy(params, max_norm, *args, **kwargs):
        params = list(params)
        out = original(params, max_norm, *args, **kwargs)
        total = torch.norm(torch.stack([p.grad.norm() for p in params]))
        norms.append((max_norm, float(total)))
        return out

    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", spy)
    clipped = reg(gradient_clip=0.01).fit(X, y)
    assert len(norms) == 3 * 3  # every step of every epoch
    assert all(m == 0.01 and total <= 0.01 * (1 + 1e-4) for m, total in norms)
    norms.clear()
    free = reg().fit(X, y)
    assert norms == []
    a, b = weights(clipped), weights(free)
    assert any(not torch.equal(a[k], b[k]) for k in a)
    assert np.isfinite(clipped.predict(X)).all()


def record_learning_rates(monkeypatch):
    """The step size of every optimizer step, as Adam saw it."""
    original = torch.optim.Adam.step
    seen = []

    def spy(self, *args, **kwargs):
        seen.append(self.param_groups[0]["lr"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", spy)
    return seen


def test_cosine_schedule_decays_every_batch_from_learning_rate_to_zero(monkeypatch):
    X, y = data()  # 40 samples, batch 16: 3 steps per epoch, 9 in all
    seen = record_learning_rates(monkeypatch)
    reg(learning_rate=0.02, lr_schedule="cosine").fit(X, y)
    expected = [0.02 * 0.5 * (1 + math.cos(math.pi * s / 9)) for s in range(9)]
    np.testing.assert_allclose(seen, expected, rtol=1e-12)
    assert seen[0] == 0.02 and seen[-1] < 0.001
    seen.clear()
    reg(learning_rate=0.02).fit(X, y)
    assert seen == [0.02] * 9


def test_cosine_schedule_restarts_on_a_warm_start_fit(monkeypatch):
    X, y = data()
    seen = record_learning_rates(monkeypatch)
    est = reg(learning_rate=0.02, lr_schedule="cosine", warm_start=True).fit(X, y)
    first = list(seen)
    seen.clear()
    est.fit(X, y)
    assert seen == first and [h["epoch"] for h in est.history_] == list(range(1, 7))


def test_cosine_schedule_changes_the_fit_and_is_validated():
    X, y = data()
    a = weights(reg(learning_rate=0.02, lr_schedule="cosine").fit(X, y))
    b = weights(reg(learning_rate=0.02).fit(X, y))
    assert any(not torch.equal(a[k], b[k]) for k in a)
    with pytest.raises(ValueError, match="lr_schedule"):
        reg(lr_schedule="linear").fit(X, y)


# -- issue 18 item 16: weights in the masked loss ---------------------------------------
def test_losses_take_sample_weights_as_the_mask():
    pred, target = torch.tensor([1.0, 2.0, 4.0]), torch.zeros(3)
    w = torch.tensor([0.25, 0.25, 0.5])  # sums to 1: no clipping of the denominator
    assert float(LOSSES["mse"](pred, target, w)) == pytest.approx(
        0.25 * 1 + 0.25 * 4 + 0.5 * 16
    )
    assert float(LOSSES["mse"](pred, target, w / 10)) == pytest.approx(9.25)
    assert float(LOSSES["mse"](pred, target, torch.zeros(3))) == 0.0
    logits = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    labels = torch.tensor([0, 0])
    per_sample = torch.nn.functional.cross_entropy(logits, labels, reduction="none")
    got = LOSSES["cross_entropy"](logits, labels, torch.tensor([3.0, 1.0]))
    assert float(got) == pytest.approx(float((3 * per_sample[0] + per_sample[1]) / 4))


def test_validation_loss_is_the_weighted_mean_over_batches():
    # two validation batches of unequal total weight: the result is the weighted
    # mean over all samples, not the mean of the two batch means
    module = build_network(
        cell="rnn", input_size=1, hidden_size=2, num_layers=1, dropout=0.0,
        bidirectional=False, output_size=1, seeds=[0],
    )  # fmt: skip
    x = torch.randn(4, 3, 1)
    y, w = torch.randn(4, 1), torch.tensor([[1.0], [1.0], [6.0], [0.0]])
    source = SequenceBatches(x, np.full(4, 3), y, w)
    with torch.no_grad():
        errors = (module(x, None) - y) ** 2
    expected = float((errors * w).sum() / w.sum())
    assert evaluate(module, source, LOSSES["mse"], 2) == pytest.approx(expected)


# -- thread policy (issue 19) -------------------------------------------------------
def test_auto_threads_is_one_thread_below_the_work_threshold_and_on_two_cores():
    from tsrnn._base import AUTO_THREADS_WORK, auto_threads

    assert auto_threads(AUTO_THREADS_WORK / 2, cpu_count=64) == 1
    # a large step: half the cores, at most 4; a 2-core machine keeps one thread
    assert auto_threads(AUTO_THREADS_WORK, cpu_count=2) == 1
    assert auto_threads(AUTO_THREADS_WORK, cpu_count=6) == 3
    assert auto_threads(AUTO_THREADS_WORK, cpu_count=64) == 4


def test_step_work_grows_with_batch_hidden_and_recurrence_not_with_patching():
    from tsrnn._base import step_work

    arch = dict(cell="lstm", input_size=2, hidden_size=64, num_layers=1)
    base = step_work(arch, 32, 48)
    assert step_work(arch, 64, 48) == 2 * base
    assert step_work({**arch, "num_layers": 2}, 32, 48) == 2 * base
    assert step_work({**arch, "cell": "gru"}, 32, 48) == 0.75 * base
    # patches of 24: a 2-step recurrence over inputs 24 times wider
    patched = step_work({**arch, "patch_size": 24}, 32, 48)
    assert patched == 3.0 * 32 * 2 * 4 * 64 * (64 + 48)


@pytest.mark.parametrize("n_threads", [2, "auto"])
def test_fit_and_predict_run_with_n_threads_and_restore_the_callers_setting(
    n_threads, monkeypatch
):
    import tsrnn

    seen = []
    real = torch.set_num_threads

    def record(n):
        seen.append(n)
        real(n)

    monkeypatch.setattr(torch, "set_num_threads", record)
    y = pd.Series(np.sin(np.arange(60) / 3.0))
    before = torch.get_num_threads()
    fc = tsrnn.LSTMForecaster(
        horizon=2, hidden_size=4, max_steps=3, n_threads=n_threads, random_state=0
    ).fit(y)
    assert torch.get_num_threads() == before
    fc.predict()
    assert torch.get_num_threads() == before
    expected = 2 if n_threads == 2 else 1  # a tiny step: one thread
    assert fc.n_threads_ == expected
    if expected != before:
        assert seen == [expected, before] * 2  # fit, then predict
    else:
        assert seen == []


def test_threads_are_restored_when_training_fails(monkeypatch):
    import tsrnn

    def boom(*args, **kwargs):
        assert torch.get_num_threads() == 3
        raise RuntimeError("stop")

    monkeypatch.setattr("tsrnn._base.train", boom)
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError, match="stop"):
        tsrnn.RNNRegressor(hidden_size=2, n_threads=3).fit(
            np.zeros((8, 3)), np.zeros(8)
        )
    assert torch.get_num_threads() == before
