"""Property-based tests (hypothesis): padding, scaling, windows, future index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tsrnn
from tsrnn._frequency import infer_axis
from tsrnn._padding import align
from tsrnn._scaling import SCALERS, fit_scaler, inverse_transform, transform
from tsrnn._windowing import window_starts

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def fitted_gru():
    rng = np.random.default_rng(0)
    X = [rng.normal(size=n) for n in rng.integers(2, 10, size=20)]
    est = tsrnn.RNNRegressor("gru", hidden_size=4, max_epochs=1, random_state=0)
    return est.fit(X, np.array([x.sum() for x in X]))


@settings(max_examples=40, deadline=None)
@given(
    seq=st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=12),
    lead=st.integers(0, 6),
    trail=st.integers(0, 6),
    others=st.lists(st.integers(1, 15), max_size=4),
)
def test_pad_invariance(fitted_gru, seq, lead, trail, others):
    alone = fitted_gru.predict([np.asarray(seq)])[0]
    padded = np.r_[np.full(lead, np.nan), seq, np.full(trail, np.nan)]
    batch = [padded] + [np.ones(n) for n in others]
    assert abs(fitted_gru.predict(batch)[0] - alone) < 1e-5
    width = len(padded) + max(others, default=0)
    table = np.full((1 + len(others), width), np.nan)
    table[0, : len(padded)] = padded
    for i, n in enumerate(others, start=1):
        table[i, width - n :] = 1.0  # right-aligned (left-padded) neighbours
    assert abs(fitted_gru.predict(table)[0] - alone) < 1e-5


@settings(max_examples=60, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 9), min_size=1, max_size=6), lead=st.integers(0, 4)
)
def test_align_moves_valid_steps_first(lengths, lead):
    width = max(lengths) + lead + 2
    values = np.full((len(lengths), width, 1), np.nan, dtype=np.float32)
    for i, n in enumerate(lengths):
        values[i, lead : lead + n, 0] = np.arange(1, n + 1)
    aligned = align(values)
    np.testing.assert_array_equal(aligned.lengths, lengths)
    np.testing.assert_array_equal(
        aligned.values[:, 0], np.concatenate([np.arange(1, n + 1) for n in lengths])
    )
    padded = aligned.padded()
    for i, n in enumerate(lengths):
        np.testing.assert_array_equal(padded[i, :n, 0], np.arange(1, n + 1))
        assert np.isnan(padded[i, n:]).all()


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=2, max_size=40),
    scaler=st.sampled_from([s for s in SCALERS]),
)
def test_scaler_round_trip(values, scaler):
    y = np.asarray(values)[:, None]
    center, scale = fit_scaler([y], scaler)
    # scale 0 only for a constant (issue 18 item 3), which transform still divides
    # by a positive number and inverse_transform gives back as its center
    assert (scale >= 0).all() and np.isfinite(center).all()
    if scaler is not None:
        assert (scale == 0).all() == (np.ptp(y) == 0)
    back = inverse_transform(transform(y, center[0], scale[0]), center[0], scale[0])
    np.testing.assert_allclose(back, y, rtol=1e-9, atol=1e-6)


@settings(max_examples=100, deadline=None)
@given(
    length=st.integers(1, 200),
    window=st.integers(1, 30),
    horizon=st.integers(1, 10),
    step=st.integers(1, 7),
)
def test_window_starts_cover_the_series_end(length, window, horizon, step):
    starts = window_starts(length, window, horizon, step)
    if length < window + horizon:
        assert starts.size == 0
        return
    assert starts[-1] + window + horizon == length
    assert starts[0] >= 0 and starts[0] < step
    assert (np.diff(starts) == step).all()


@settings(max_examples=80, deadline=None)
@given(
    length=st.integers(3, 60),
    horizon=st.integers(1, 12),
    n=st.sampled_from([1, 2, 3, 5, 15]),
    base=st.sampled_from(["h", "D", "min", "W-SUN", "MS", "QS", "YS", "B"]),
)
def test_future_index_continues_any_frequency(length, horizon, n, base):
    # 3-5 weekdays in a row are daily data as far as anyone can tell: business-day
    # frequency shows only once the history crosses a weekend; and pandas cannot
    # infer a multiple of business days ("2B") at all
    assume(base != "B" or (n == 1 and length >= 6))
    index = pd.date_range("2001-01-01", periods=length + horizon, freq=f"{n}{base}")
    axis = infer_axis(pd.DatetimeIndex(list(index[:length])), name="y")  # no freq set
    pd.testing.assert_index_equal(
        axis.after(index[length - 1], horizon),
        index[length:],
        check_names=False,
        check_freq=False,
    )


@settings(max_examples=40, deadline=None)
@given(
    start=st.integers(-50, 50),
    step=st.integers(1, 9),
    length=st.integers(4, 30),
    horizon=st.integers(1, 6),
    as_range=st.booleans(),
)
def test_integer_index_continues_with_its_own_step(
    start, step, length, horizon, as_range
):
    labels = start + step * np.arange(length + 2 * horizon)
    index = pd.RangeIndex(start, labels[-1] + 1, step) if as_range else pd.Index(labels)
    history = index[:length]
    axis = infer_axis(history, name="y")
    assert (axis.kind, axis.freq) == ("integer", step)
    expected = list(labels[length : length + horizon])
    assert list(axis.after(history[-1], horizon)) == expected
    # through a forecaster: predict() and the rolling forecasts over a continuation
    y = pd.Series(np.sin(np.arange(len(index))), index=index)
    est = tsrnn.SeasonalNaiveForecaster(horizon=horizon).fit(y.iloc[:length])
    assert list(est.predict().index) == expected
    out = est.rolling_forecasts(y.iloc[length:])
    assert out["cutoff"].iloc[0] == history[-1]  # a continuation, not a new series
    assert list(out["time"].iloc[:horizon]) == expected
    assert list(np.unique(np.diff(np.unique(out["time"])))) == [step]


@settings(max_examples=25, deadline=None)
@given(
    length=st.integers(2, 40),
    horizon=st.integers(1, 6),
    freq=st.sampled_from(["M", "Q", "D", "Y"]),
)
def test_future_period_index(length, horizon, freq):
    index = pd.period_range("2001-01", periods=length + horizon, freq=freq)
    axis = infer_axis(index[:length], name="y")
    pd.testing.assert_index_equal(
        axis.after(index[length - 1], horizon), index[length:]
    )


def test_the_default_profile_is_derandomized():
    # CI runs the same examples every time (tests/conftest.py); the "explore"
    # profile (--hypothesis-profile=explore) draws new ones
    assert settings.get_profile("ci").derandomize
    assert settings.get_profile("ci").database is None
    assert not settings.get_profile("explore").derandomize
