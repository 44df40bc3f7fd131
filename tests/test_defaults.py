"""Defaults chosen from the data (issue 19): budget, window, patches, transform, level.

Each rule is tested on data made to have (or not have) the property it looks for,
and the forecaster is checked to resolve it into its fitted ``*_`` attribute.
"""

import numpy as np
import pandas as pd
import pytest

from tsrnn import GRUForecaster, LSTMForecaster, RNNForecaster, _scaling
from tsrnn._naive import seasonal_baseline_wins
from tsrnn._network import members
from tsrnn._scaling import log_is_better
from tsrnn._training import auto_batch_size, auto_ensembles
from tsrnn._windowing import default_patch_size, default_window

FAST = dict(hidden_size=4, max_steps=5, random_state=0)


def monthly(values) -> pd.Series:
    return pd.Series(
        values, index=pd.date_range("2000-01-01", periods=len(values), freq="MS")
    )


def multiplicative(n=144, seed=0):
    t = np.arange(n)
    noise = 1 + 0.02 * np.random.default_rng(seed).standard_normal(n)
    return 100 * 1.015**t * (1 + 0.25 * np.sin(2 * np.pi * t / 12)) * noise


def additive(n=144, seed=0):
    t = np.arange(n)
    noise = np.random.default_rng(seed).standard_normal(n)
    return 100 + 0.8 * t + 20 * np.sin(2 * np.pi * t / 12) + noise


def random_walk(n=144, seed=0):
    return 100 + np.cumsum(np.random.default_rng(seed).standard_normal(n))


# -- training budget ----------------------------------------------------------------
@pytest.mark.parametrize(
    "n_rows,expected",
    [(1, 16), (100, 16), (4_800, 32), (10_000, 64), (40_000, 256), (400_000, 512)],
)
def test_auto_batch_size_is_a_power_of_two_near_150_steps_per_epoch(n_rows, expected):
    assert auto_batch_size(n_rows) == expected


def test_max_steps_ends_the_fit_inside_an_epoch_and_bounds_the_cosine():
    y = monthly(additive(300))
    fc = LSTMForecaster(
        horizon=3,
        hidden_size=4,
        max_steps=7,
        n_ensembles=1,
        early_stopping=False,
        random_state=0,
    ).fit(y)
    # 16 windows per batch ("auto" for ~290 windows): 19 steps per epoch
    assert fc.batch_size_ == 16
    assert fc.n_epochs_ == 1 and fc.history_[-1]["steps"] == 7
    both = fc.set_params(max_steps=40, max_epochs=1).fit(y)
    assert both.n_epochs_ == 1 and both.history_[-1]["steps"] == 18  # epoch first


def test_small_data_get_an_ensemble_of_three_networks_and_large_data_one():
    assert [auto_ensembles(n) for n in (1, 2999, 3000, 10**6)] == [3, 3, 1, 1]
    small = LSTMForecaster(horizon=3, **FAST).fit(monthly(additive()))
    assert small.n_ensembles_ == 3 and len(members(small.module_)) == 3
    assert {h["member"] for h in small.history_} == {0, 1, 2}
    t = np.arange(4000)  # about 3,400 training windows of a week
    hourly = pd.Series(
        10 + np.sin(2 * np.pi * t / 24),
        index=pd.date_range("2024-01-01", periods=len(t), freq="h"),
    )
    large = LSTMForecaster(horizon=24, hidden_size=4, max_steps=2).fit(hourly)
    assert large.n_ensembles_ == 1 and len(members(large.module_)) == 1
    # a number given is kept, whatever the data size
    two = LSTMForecaster(horizon=3, n_ensembles=2, **FAST).fit(monthly(additive()))
    assert two.n_ensembles_ == 2 and len(members(two.module_)) == 2


def test_warm_start_keeps_the_fitted_ensemble():
    fc = LSTMForecaster(horizon=3, warm_start=True, **FAST).fit(monthly(additive()))
    first = list(members(fc.module_))
    fc.fit(monthly(additive()))  # continues the same 3 networks
    assert fc.n_ensembles_ == 3 and list(members(fc.module_)) == first


@pytest.mark.parametrize(
    "change", [{"target_transform": None}, {"local_level": "seasonal"}]
)
def test_warm_start_refuses_targets_on_another_scale_or_baseline(change):
    y = monthly(multiplicative())
    fc = LSTMForecaster(horizon=3, warm_start=True, **FAST).fit(y)
    assert (fc.target_transform_, fc.local_level_) == ("log", "last")
    before = (fc.center_.copy(), fc.predict())
    with pytest.raises(ValueError, match="warm_start=True continues") as err:
        fc.set_params(**change).fit(y)
    assert "or set warm_start=False" in str(err.value)
    np.testing.assert_array_equal(fc.center_, before[0])  # left as it was
    pd.testing.assert_frame_equal(fc.predict(), before[1])
    # both fixes work: the fitted values (or "auto") continue, a cold fit restarts
    fc.set_params(target_transform="auto", local_level="auto").fit(y)
    cold = fc.set_params(warm_start=False, **change).fit(y)
    assert np.isfinite(cold.predict().to_numpy()).all()


def test_a_history_outside_the_fitted_log_says_to_refit_and_refitting_works():
    y = monthly(multiplicative())
    fc = LSTMForecaster(horizon=3, **FAST).fit(y)
    assert fc.target_transform_ == "log"
    history = y.copy()
    history.iloc[-5] = 0.0
    with pytest.raises(ValueError) as err:
        fc.predict(history)
    message = str(err.value)
    assert "target_transform_='log' (chosen by target_transform='auto')" in message
    assert "refit from scratch" in message
    fc.set_params(target_transform=None, warm_start=False).fit(history)
    assert np.isfinite(fc.predict(history).to_numpy()).all()


def test_no_budget_at_all_is_refused_with_the_fix():
    with pytest.raises(ValueError, match="max_epochs and max_steps are both None"):
        LSTMForecaster(horizon=2, max_steps=None, max_epochs=None).fit(
            monthly(additive(60))
        )


def test_tiny_data_train_at_most_100_passes():
    # 4 series of 14 years: no room for an early-stopping tail, 1 step per epoch
    years = pd.date_range("2000", periods=14, freq="YS")
    panel = pd.concat(
        [pd.Series(random_walk(14, seed=s), index=years) for s in range(4)],
        keys=list("abcd"),
    )
    with pytest.warns(UserWarning, match="no series is long enough"):
        fc = LSTMForecaster(horizon=3, hidden_size=4, random_state=0).fit(panel)
    assert fc.max_epochs == 100 and fc.max_steps == 1000
    per_network = [h for h in fc.history_ if h.get("member", 0) == 0]
    assert len(per_network) == 100 and per_network[-1]["steps"] < 1000


# -- window and patches ---------------------------------------------------------------
def test_default_window_covers_a_week_of_hourly_data_and_fewer_seasons_when_short():
    assert default_window(24, 48, [700, 960]) == 168  # hourly: a week
    assert default_window(12, 12, [96]) == 24  # monthly: two years
    assert default_window(52, 13, [934, 80]) == 104  # weekly: two years
    assert default_window(12, 18, [60]) == 12  # a short monthly series: one season
    assert default_window(1, 6, [30]) == 8  # no season
    assert default_window(12, 12, [20]) == 8  # shorter than two seasons of windows
    assert default_window(24, 4, [10]) == 6  # capped by the longest series


def test_default_patch_is_a_season_for_long_windows_else_at_most_16_steps():
    assert default_patch_size(168, 24) == 24
    assert default_patch_size(104, 52) == 7  # 15 patches
    assert default_patch_size(24, 12) == 2
    assert default_patch_size(16, 12) == 1
    for window in range(1, 400):
        assert -(-window // default_patch_size(window)) <= 16


def test_forecaster_resolves_window_and_patch_and_reads_the_patched_network():
    t = np.arange(24 * 60)
    y = pd.Series(
        10 + np.sin(2 * np.pi * t / 24),
        index=pd.date_range("2024-01-01", periods=len(t), freq="h"),
    )
    fc = LSTMForecaster(horizon=24, **FAST).fit(y)
    assert (fc.window_, fc.patch_size_) == (168, 24)
    assert [net.patch_size for net in members(fc.module_)] == [24] * fc.n_ensembles_
    assert fc.predict().shape == (24, 1)


# -- target transform ---------------------------------------------------------------
def test_log_is_better_when_the_spread_grows_with_the_level():
    assert log_is_better([multiplicative()], 12)
    assert not log_is_better([additive()], 12)
    assert not log_is_better([multiplicative() - 200], 12)  # not all positive
    assert not log_is_better(
        [multiplicative()[:30]], 12
    )  # under 3 seasons: no evidence
    # a panel: most series decide
    panel = [multiplicative(seed=s) for s in range(3)] + [additive()]
    assert log_is_better(panel, 12)
    assert not log_is_better([additive(seed=s) for s in range(3)] + panel[:1], 12)


def spread_grows_as(power, n=144, seed=0):
    """A season whose amplitude grows as ``level**power`` (1: multiplicative)."""
    t = np.arange(n)
    level = 100 * 1.015**t
    noise = 0.005 * np.random.default_rng(seed).standard_normal(n)
    amplitude = 0.25 * 100 ** (1 - power) * np.sin(2 * np.pi * t / 12)
    return level + level**power * (amplitude + noise)


@pytest.mark.parametrize("seed", range(3))
def test_a_near_tie_keeps_the_data_as_they_are(seed, monkeypatch):
    # spread ~ level**0.62: the log steadies the block spreads by only ~6 %, short
    # of LOG_EVIDENCE; a plain "log steadier than none" would have taken it
    tied = spread_grows_as(0.62, seed=seed)
    assert not log_is_better([tied], 12)
    assert log_is_better([spread_grows_as(1.0, seed=seed)], 12)
    assert not log_is_better([spread_grows_as(0.3, seed=seed)], 12)
    monkeypatch.setattr(_scaling, "LOG_EVIDENCE", 1.0)
    assert log_is_better([tied], 12)


@pytest.mark.parametrize("make", [LSTMForecaster, GRUForecaster])
def test_forecaster_resolves_target_transform_auto_from_the_data(make):
    assert make(horizon=3, **FAST).fit(monthly(multiplicative())).target_transform_ == (
        "log"
    )
    assert make(horizon=3, **FAST).fit(monthly(additive())).target_transform_ is None
    # never with mean scaling (refused as unit-dependent when asked for)
    fc = make(horizon=3, scaler="mean", **FAST).fit(monthly(multiplicative()))
    assert fc.target_transform_ is None
    # a set value is kept
    fc = make(horizon=3, target_transform="log", **FAST).fit(monthly(additive()))
    assert fc.target_transform_ == "log"


def test_auto_log_forecast_keeps_a_swing_that_grows_with_the_level():
    y = monthly(multiplicative(n=156))
    fc = RNNForecaster(horizon=12, random_state=0).fit(y)
    assert fc.target_transform_ == "log" and fc.local_level_ == "seasonal"
    forecast = fc.predict().iloc[:, 0].to_numpy()
    last_year = y.to_numpy()[-12:]
    # the swing of the forecast year grows with the level, as in the history
    assert np.ptp(forecast) > np.ptp(last_year)


# -- local level ----------------------------------------------------------------------
def test_seasonal_baseline_wins_only_where_seasonal_naive_forecasts_better():
    assert seasonal_baseline_wins([additive()], horizon=6, season=12)
    assert not seasonal_baseline_wins([random_walk()], horizon=6, season=12)
    assert not seasonal_baseline_wins([additive()], horizon=6, season=1)
    # NaN are skipped, a series without a value one season back has no vote
    gappy = additive()
    gappy[::7] = np.nan
    assert seasonal_baseline_wins([gappy, additive()[:10]], horizon=6, season=12)
    assert not seasonal_baseline_wins([additive()[:10]], horizon=6, season=12)


def test_forecaster_resolves_local_level_auto_and_keeps_a_set_value():
    fc = LSTMForecaster(horizon=3, **FAST)
    assert fc.fit(monthly(additive())).local_level_ == "seasonal"
    assert fc.fit(monthly(random_walk())).local_level_ == "last"
    assert (
        fc.set_params(local_level=False).fit(monthly(additive())).local_level_ is None
    )
    assert (
        fc.set_params(local_level=True).fit(monthly(additive())).local_level_ == "last"
    )


def test_warm_start_keeps_the_resolved_choices_of_the_first_fit():
    fc = LSTMForecaster(horizon=3, warm_start=True, **FAST).fit(
        monthly(multiplicative())
    )
    first = (fc.target_transform_, fc.local_level_)
    # the same series, continued: its scaling (on the log scale) must stay
    fc.fit(monthly(multiplicative(seed=1)))
    assert (fc.target_transform_, fc.local_level_) == first


def test_warm_start_on_a_longer_history_keeps_the_fitted_window_and_patches():
    """window=None chooses from the history of the first fit; a continued fit on
    more of the series keeps reading windows of that length, patched alike."""
    y = monthly(multiplicative(n=300))
    fc = LSTMForecaster(horizon=3, warm_start=True, **FAST).fit(y.iloc[:40])
    first = (fc.window_, fc.patch_size_)
    assert LSTMForecaster(horizon=3, **FAST).fit(y).window_ != first[0]
    fc.fit(y)  # was refused: "patch_size 1 -> 2", no parameter changed
    assert (fc.window_, fc.patch_size_) == first


def test_seasonal_level_on_an_axis_without_season_warns_and_says_last():
    y = pd.Series(5 + np.sin(np.arange(80) * 2 * np.pi / 10))  # integer index
    with pytest.warns(UserWarning, match="has no season, so it is the last value"):
        fc = LSTMForecaster(horizon=10, local_level="seasonal", **FAST).fit(y)
    assert fc.local_level_ == "last"
    last = LSTMForecaster(horizon=10, local_level="last", **FAST).fit(y)
    pd.testing.assert_frame_equal(fc.predict(), last.predict())


def test_a_series_shorter_than_two_seasons_has_no_vote_on_the_seasonal_baseline():
    walk = random_walk(60)  # under two seasons of 52: no vote, so "last"
    assert not seasonal_baseline_wins([walk], horizon=13, season=52)
    assert not seasonal_baseline_wins([additive(20)], horizon=6, season=12)
