"""tsrnn._naive: the one seasonal naive, naive scale and Naive2, and everyone using it."""

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tsrnn import SeasonalNaiveForecaster
from tsrnn._batches import WindowBatches
from tsrnn._naive import (
    forecast_scale,
    is_seasonal,
    naive2,
    naive_mae,
    seasonal_lags,
    seasonal_positions,
)
from tsrnn._windowing import WindowRuns
from tsrnn.metrics import mase, naive2_forecast, seasonal_naive_forecast


@given(horizon=st.integers(1, 30), season=st.integers(1, 13), cutoff=st.integers(0, 60))
def test_positions_repeat_the_last_season(horizon, season, cutoff):
    """Lead time k (1-based) reads the value k steps ahead of one season back,
    wrapped into the last season: c - m + 1 + (k - 1) % m."""
    cutoff += season  # a whole season before the cutoff
    by_hand = [cutoff - season + 1 + (k - 1) % season for k in range(1, horizon + 1)]
    assert seasonal_positions([cutoff], horizon, season).tolist() == [by_hand]
    assert (cutoff - seasonal_lags(horizon, season)).tolist() == by_hand
    assert seasonal_lags(horizon, season).min() >= 0  # never past the cutoff


@pytest.mark.parametrize("season", [1, 4, 7])
def test_every_seasonal_naive_is_the_same_forecast(season):
    """The estimator, the metric's benchmark and the network's seasonal baseline
    (local_level="seasonal") read the same values."""
    rng = np.random.default_rng(season)
    y = rng.normal(size=40)
    h = 9
    expected = seasonal_naive_forecast(y, h, m=season)
    series = pd.Series(y, index=pd.RangeIndex(40))
    est = SeasonalNaiveForecaster(season=season, horizon=h).fit(series)
    np.testing.assert_array_equal(est.predict()["y"].to_numpy(), expected)
    data = torch.tensor(y, dtype=torch.float32)[:, None]
    batches = WindowBatches(
        data,
        None,
        None,
        WindowRuns.single([39], [0]),
        window=max(season, 2),
        horizon=h,
        n_targets=1,
        local_level="seasonal",
        season=season,
    )
    np.testing.assert_allclose(
        batches.gather(torch.arange(len(batches))).baseline.numpy()[0, :, 0],
        expected,
        rtol=1e-6,
    )


def test_naive_mae_skips_pairs_with_a_gap_column_by_column():
    y = np.array([[1.0, 1.0], [np.nan, 3.0], [2.0, np.nan], [4.0, 7.0]])
    # lag 1, column 0: pairs (1, nan) (nan, 2) skipped, (2, 4) -> 2
    # column 1: (1, 3) -> 2, (3, nan) and (nan, 7) skipped
    np.testing.assert_array_equal(naive_mae(y, 1), [2.0, 2.0])
    # lag 2: column 0 (1, 2) -> 1, (nan, 4) skipped; column 1 (1, nan), (3, 7) -> 4
    np.testing.assert_array_equal(naive_mae(y, 2), [1.0, 4.0])
    assert np.isnan(naive_mae(np.array([1.0, np.nan, 2.0]), 1))  # no observed pair
    assert np.isnan(naive_mae(np.array([1.0, 2.0]), 2))  # too short for the lag


@pytest.mark.parametrize("m", [1, 3, 12])
def test_the_mase_metric_divides_by_the_one_naive_scale(m):
    y = np.random.default_rng(m).normal(size=50).cumsum()
    actual, forecast = np.array([1.0, 2.0]), np.array([2.0, 4.0])  # MAE 1.5
    assert mase(actual, forecast, y_train=y, m=m) == pytest.approx(
        1.5 / naive_mae(y, m)
    )


def test_the_forecast_scale_falls_back_where_mase_cannot_divide():
    steps = np.array([[1.0], [1.5], [2.0], [2.5]])
    np.testing.assert_array_equal(forecast_scale(steps, 1), [0.5])
    np.testing.assert_array_equal(forecast_scale(steps, 4), [0.5])  # short: lag 1
    # issue 18 item 3: no absolute fallback where the series has a magnitude
    np.testing.assert_array_equal(forecast_scale(np.full((6, 1), 3.0), 2), [3.0])
    np.testing.assert_allclose(
        forecast_scale(np.full((6, 1), 3e-12), 2), [3e-12], rtol=1e-15
    )
    np.testing.assert_array_equal(forecast_scale(np.zeros((6, 1)), 2), [1.0])
    # a history that repeats its season exactly: lag 1, not 1.0
    notes = []
    seasonal = np.tile([1e-9, 3e-9], 4)[:, None]
    np.testing.assert_allclose(forecast_scale(seasonal, 2, notes), [2e-9], rtol=1e-12)
    assert notes == ["has no usable seasonal pair (lag 2): its MASE scale uses lag 1"]
    # each target falls back alone
    two = np.c_[np.full(6, 4.0), np.arange(6.0) ** 2]
    np.testing.assert_allclose(forecast_scale(two, 2), [4.0, 10.0])
    with pytest.raises(ValueError, match="repeats itself exactly"):
        mase([1.0], [2.0], y_train=np.full(6, 3.0), m=2)  # the metric refuses


def test_naive2_is_the_metric_and_the_last_value_without_seasonality():
    y = np.tile([10.0, 20.0, 30.0, 40.0], 4) * np.linspace(1, 1.3, 16)
    assert is_seasonal(y, 4)
    np.testing.assert_array_equal(naive2(y, 6, 4), naive2_forecast(y, 6, 4))
    walk = np.random.default_rng(0).normal(size=40).cumsum() + 100
    assert not is_seasonal(walk, 1) and not is_seasonal(np.full(40, 5.0), 4)
    np.testing.assert_array_equal(naive2(walk, 3, 1), np.full(3, walk[-1]))
