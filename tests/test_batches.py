"""tsrnn._batches: batch sources, the stacked encoding of a panel, window offsets."""

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from tsrnn._batches import (
    Batch,
    SequenceBatches,
    WindowBatches,
    encode,
    gather_in_order,
    n_pad,
)
from tsrnn._panel import Roles, read_panel
from tsrnn._windowing import WindowRuns, training_windows


def panel_of(lengths, *, past=False):
    parts = {}
    for k, n in enumerate(lengths):
        t = np.arange(float(n)) + 100 * k
        data = {"y": t}
        if past:
            data["x"] = -t
        parts[f"s{k}"] = pd.DataFrame(
            data, index=pd.date_range("2021-01-01", periods=n, freq="D")
        )
    roles = Roles.from_params(past_covariates="x" if past else None)
    return read_panel(pd.concat(parts, names=["id", "t"]), None, roles)


def encoded(panel, *, future_rows=None):
    n = len(panel.ids)
    return encode(
        panel,
        center=np.zeros((n, 1)),
        scale=np.full((n, 1), 2.0),
        cov_center=np.zeros(panel.past[0].shape[1] + panel.future[0].shape[1]),
        cov_scale=np.ones(panel.past[0].shape[1] + panel.future[0].shape[1]),
        mask_channel=True,
        target_values=[t.copy() for t in panel.target],
        future_rows=future_rows,
    )


def test_encode_stacks_the_series_one_block_after_the_other():
    panel = panel_of([4, 2], past=True)
    targets = [t.copy() for t in panel.target]  # read views the caller's frame
    targets[1][0, 0] = np.nan  # a missing target
    enc = encoded(dataclasses.replace(panel, target=targets))
    assert enc.offsets.tolist() == [0, 4] and enc.data.shape == (4 + 2, 3)
    # channels: scaled target, observed flag, covariates
    np.testing.assert_array_equal(enc.data[:4, 0], np.arange(4.0) / 2)
    np.testing.assert_array_equal(enc.data[4:, 0], [0.0, 101 / 2])  # NaN -> 0
    np.testing.assert_array_equal(enc.observed[4:, 0], [0.0, 1.0])
    np.testing.assert_array_equal(enc.data[4:, 1], [0.0, 1.0])
    np.testing.assert_array_equal(enc.data[:4, 2], -np.arange(4.0))
    tensors = enc.tensors("cpu")
    assert tensors["data"].dtype == torch.float32 and tensors["future"] is None
    # the targets are the data's target channel, not a copy
    assert tensors["targets"].data_ptr() == tensors["data"].data_ptr()
    np.testing.assert_array_equal(tensors["targets"], enc.data[:, :1])
    assert encoded(panel_of([4, 2])).observed is None  # all observed


def test_n_pad_counts_the_rows_before_a_series_starts():
    # series block at row 3; a window of 4 ending at row 4 starts at row 1, two
    # rows before the series' first step
    assert n_pad(np.array([4, 6, 7]), np.array([3, 3, 3]), window=4).tolist() == [
        2,
        0,
        0,
    ]


def test_training_windows_hold_out_the_temporal_tail():
    panel = panel_of([40, 30])
    enc = encoded(panel)
    h = 3
    train_runs, valid_runs = training_windows(
        enc,
        [40, 30],
        window=5,
        horizon=h,
        validation_fraction=0.2,
        early_stopping=True,
    )
    (train, train_pad), (valid, valid_pad) = train_runs.windows(), valid_runs.windows()
    assert not train_pad.any() and not valid_pad.any()
    assert len(train_runs.count) == 2  # one run per series: O(series) memory
    for start, length in zip(enc.offsets, [40, 30]):
        t = train[(train >= start) & (train < start + length)]
        v = valid[(valid >= start) & (valid < start + length)]
        assert v.max() + h == start + length - 1  # the last target is the last step
        assert t.max() + h < v.min() + 1  # training targets end before validation's
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        every, none = training_windows(
            enc,
            [40, 30],
            window=5,
            horizon=h,
            validation_fraction=0.2,
            early_stopping=False,
        )
    assert none is None and len(every) == (40 - 5 - h + 1) + (30 - 5 - h + 1)
    with pytest.warns(UserWarning, match="no series is long enough"):
        training_windows(
            encoded(panel_of([6])),
            [6],
            window=5,
            horizon=h,
            validation_fraction=0.2,
            early_stopping=True,
        )


def test_window_runs_number_windows_run_after_run():
    # run 0: cutoffs 10, 11, 12 (padding 2, 1, 0); run 1: none; run 2: 30, 31
    runs = WindowRuns(np.array([10, 20, 30]), np.array([3, 0, 2]), np.array([2, 5, 0]))
    assert len(runs) == 5
    cutoffs, pads = runs.windows()
    assert cutoffs.tolist() == [10, 11, 12, 30, 31]
    assert pads.tolist() == [2, 1, 0, 0, 0]
    located = runs.locate(np.array([4, 0, 3]))
    assert [x.tolist() for x in located] == [[31, 10, 30], [0, 2, 0]]
    data = torch.arange(40.0)[:, None]
    batches = WindowBatches(data, None, None, runs, window=3, horizon=1, n_targets=1)
    (x, lengths, _), *_ = batches.gather(torch.tensor([0, 4], dtype=torch.int32))
    assert len(batches) == 5 and lengths.tolist() == [1, 3]
    np.testing.assert_array_equal(x[:, :, 0].numpy(), [[10, 10, 10], [29, 30, 31]])


def test_batches_are_named_and_read_in_order():
    inputs = torch.arange(10.0).reshape(5, 2, 1)
    source = SequenceBatches(inputs, np.full(5, 2), torch.arange(5.0))
    batch = source.gather(torch.tensor([3, 1]))
    assert isinstance(batch, Batch)
    np.testing.assert_array_equal(batch.targets.numpy(), [3.0, 1.0])
    assert batch.mask is None and batch.inputs[1] is None  # full length: no packing
    chunks = gather_in_order(source, batch_size=2)
    assert [len(c.inputs[0]) for c in chunks] == [2, 2, 1]
    np.testing.assert_array_equal(
        torch.cat([c.inputs[0] for c in chunks]).numpy(), inputs
    )


def test_window_batches_read_valid_steps_first_and_the_future_rows():
    panel = panel_of([3])
    ahead = [np.zeros((2, 0))]
    enc = encoded(panel, future_rows=ahead)
    rows = np.array([2])  # cutoff: the last step
    pads = n_pad(rows, np.array([0]), 5)
    assert pads.tolist() == [2]
    t = enc.tensors("cpu")
    batches = WindowBatches(
        t["data"],
        None,
        None,
        WindowRuns.single(rows, pads),
        window=5,
        horizon=2,
        n_targets=1,
    )
    (x, lengths, extra), y, m, _ = batches.gather(torch.arange(1))
    assert lengths.tolist() == [3] and y is None and m is None and extra is None
    np.testing.assert_array_equal(x[0, :3, 0].numpy(), np.arange(3.0) / 2)


# -- WindowBatches: local levels and the seasonal baseline -------------------------
def offset_batches(values, cutoffs, pads, *, window, horizon, level, season=1):
    data = torch.tensor(values, dtype=torch.float32)[:, None]
    return WindowBatches(
        data,
        data.clone(),
        torch.ones_like(data),
        WindowRuns.single(cutoffs, pads),
        window=window,
        horizon=horizon,
        n_targets=1,
        local_level=level,
        season=season,
    )


@pytest.mark.parametrize("level", [None, "last", "seasonal"])
def test_window_batches_targets_are_relative_to_the_baseline(level):
    values = np.arange(30.0) ** 1.5  # no two differences alike
    b = offset_batches(
        values, [9, 20], [0, 0], window=8, horizon=6, level=level, season=4
    )
    (x, lengths, _), y, _, base = b.gather(torch.arange(2))
    assert (base is None) == (level is None)
    base = np.zeros((2, 6)) if base is None else base.numpy()[..., 0]
    assert lengths is None
    np.testing.assert_allclose(
        y.numpy() + base,
        values[[[10 + k for k in range(6)], [21 + k for k in range(6)]]],
        rtol=1e-6,
    )
    last = values[[9, 20]]
    if level is None:
        assert not base.any()
        np.testing.assert_allclose(x[0, :, 0].numpy(), values[2:10], rtol=1e-6)
    else:  # inputs are relative to the last input value in both modes
        np.testing.assert_allclose(
            x[0, :, 0].numpy(), values[2:10] - last[0], rtol=1e-5, atol=1e-4
        )
    if level == "last":
        np.testing.assert_allclose(base, np.repeat(last[:, None], 6, axis=1))
    if level == "seasonal":  # seasonal naive: the last season, repeated
        np.testing.assert_allclose(base[0], values[[6, 7, 8, 9, 6, 7]])
        np.testing.assert_allclose(base[1], values[[17, 18, 19, 20, 17, 18]])


def test_seasonal_baseline_falls_back_to_the_last_value_where_the_window_ends():
    values = np.arange(1.0, 21.0)
    # a window of 3 cannot hold a season of 4; a padded start holds fewer steps
    b = offset_batches(
        values, [10], [0], window=3, horizon=4, level="seasonal", season=4
    )
    np.testing.assert_allclose(
        b.gather(torch.arange(len(b))).baseline.numpy()[0, :, 0], values[[10, 8, 9, 10]]
    )
    padded = offset_batches(
        values, [4], [3], window=6, horizon=2, level="seasonal", season=4
    )
    (_, lengths, _), y, _, base = padded.gather(torch.arange(1))
    assert lengths.tolist() == [3]  # rows 2, 3, 4 are the window's valid steps
    # target 1 would copy row 1 (padding): the last value; target 2 copies row 2
    base = base.numpy()[0, :, 0]
    np.testing.assert_allclose(base, values[[4, 2]])
    np.testing.assert_allclose(y.numpy()[0] + base, values[[5, 6]])


# -- issue 18 item 14: sequences back to back, batches of similar length ----------------
def test_sequence_batches_store_steps_back_to_back_and_pad_per_batch():
    lengths = np.array([2, 5, 1, 3])
    flat = torch.arange(11.0)[:, None]  # steps 0-1 | 2-6 | 7 | 8-10
    source = SequenceBatches(flat, lengths, torch.arange(4.0))
    x, got = source.gather(torch.tensor([3, 0])).inputs
    assert x.shape == (2, 3, 1)  # this batch's own longest row, not the data's (5)
    np.testing.assert_array_equal(got, [3, 2])
    np.testing.assert_array_equal(x[:, :, 0], [[8, 9, 10], [0, 1, 1]])
    # a padded (n, T, F) tensor, valid-steps-first, is the same source
    padded = torch.full((4, 5, 1), -1.0)
    for i, (start, n) in enumerate(zip([0, 2, 7, 8], lengths)):
        padded[i, :n, 0] = flat[start : start + n, 0]
    same = SequenceBatches(padded, lengths).gather(torch.tensor([3, 0])).inputs[0]
    np.testing.assert_array_equal(same, x)
    part = source.subset(np.array([1, 3]))
    np.testing.assert_array_equal(part.inputs[:, 0], [2, 3, 4, 5, 6, 8, 9, 10])
    np.testing.assert_array_equal(part.targets, [1.0, 3.0])


def test_sorted_batches_cover_every_row_and_bound_the_padded_size():
    lengths = np.r_[np.full(300, 12), 20_000, np.full(200, 7)]
    source = SequenceBatches(torch.zeros(int(lengths.sum()), 1), lengths)
    plan = source.sorted_batches(batch_size=128, max_steps=2048)
    order = torch.cat(plan).numpy()
    np.testing.assert_array_equal(np.sort(order), np.arange(len(lengths)))
    assert (np.diff(lengths[order]) >= 0).all()  # sorted by length
    for idx in plan:
        rows = lengths[idx.numpy()]
        assert len(rows) <= 128
        assert len(rows) == 1 or len(rows) * rows.max() <= 2048
    assert [len(idx) for idx in plan if lengths[idx.numpy()].max() == 20_000] == [1]


def test_shuffled_batches_group_similar_lengths_and_follow_the_generator():
    lengths = np.r_[np.full(320, 5), np.full(320, 50)]
    rng = np.random.default_rng(0)
    source = SequenceBatches(
        torch.zeros(int(lengths.sum()), 1), rng.permutation(lengths)
    )
    plan = source.shuffled_batches(32, torch.Generator().manual_seed(0))
    order = torch.cat(plan).numpy()
    np.testing.assert_array_equal(np.sort(order), np.arange(640))
    mixed = [idx for idx in plan if len(set(source.lengths[idx].tolist())) > 1]
    assert len(mixed) <= 1  # only where the sorted run turns from 5 to 50
    again = source.shuffled_batches(32, torch.Generator().manual_seed(0))
    assert all(torch.equal(a, b) for a, b in zip(plan, again))
    # equal lengths: exactly the random permutation cut in batches
    uniform = SequenceBatches(torch.zeros(640, 1), np.ones(640, dtype=int))
    expected = torch.randperm(640, generator=torch.Generator().manual_seed(0))
    got = uniform.shuffled_batches(32, torch.Generator().manual_seed(0))
    assert torch.equal(torch.cat(got), expected)
