"""ConformalForecaster: coverage, calibration, intervals around every forecaster."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import tsrnn
from tsrnn import ConformalForecaster, LSTMForecaster, SeasonalNaiveForecaster
from tsrnn.metrics._interval import interval_levels
from tsrnn.model_selection import backtest

TINY = dict(hidden_size=4, max_epochs=2, random_state=0)


def _exchangeable_panel(n_series, n_steps, seed):
    """Independent noise around a level, each series with its own level and spread:
    the scaled forecast errors of every series and origin are exchangeable."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(-10, 10, size=(n_series, 1))
    spread = rng.uniform(0.5, 5.0, size=(n_series, 1))
    return level + spread * rng.normal(size=(n_series, n_steps))


def _long(values, start=0):
    n, steps = values.shape
    return pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), steps),
            "t": np.tile(np.arange(start, start + steps), n),
            "y": values.ravel(),
        }
    )


@pytest.mark.parametrize("coverage", [0.8, 0.95])
def test_split_conformal_covers_the_nominal_share_of_exchangeable_series(coverage):
    """The guarantee: on exchangeable data the share of next-horizon actuals inside
    the interval is the nominal coverage (within 2 points over 3,000 series x 3
    steps; the binomial standard error is under 0.8 points)."""
    n_series, n_steps, h = 3000, 40, 3
    values = _exchangeable_panel(n_series, n_steps + h, seed=7)
    inner = SeasonalNaiveForecaster(horizon=h, id_col="id", time_col="t")
    est = ConformalForecaster(inner, coverage=coverage, n_origins=1)
    forecast = est.fit(_long(values[:, :n_steps])).predict()
    lo, hi = interval_levels(coverage)
    actual = values[:, n_steps:].ravel()
    inside = (forecast[f"y_q{lo:g}"].to_numpy() <= actual) & (
        actual <= forecast[f"y_q{hi:g}"].to_numpy()
    )
    assert abs(inside.mean() - coverage) <= 0.02, inside.mean()


def test_the_margin_is_the_split_conformal_order_statistic():
    """By hand: seasonal naive with season 1 on one series; the calibration
    forecasts are the last value repeated, scored by |error| / the naive MAE of
    the whole history (the scale the bands are drawn with)."""
    y = pd.Series([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0, 9.0])
    est = ConformalForecaster(
        SeasonalNaiveForecaster(season=1, horizon=2), coverage=0.5, n_origins=4
    ).fit(y)
    # held out: the last 4 + 2 - 1 = 5 steps; origins at positions 7..10
    full = y.to_numpy()
    scale = np.mean(np.abs(np.diff(full)))
    for step in (1, 2):
        scores = sorted(abs(full[o + step] - full[o]) / scale for o in range(7, 11))
        k = math.ceil((len(scores) + 1) * 0.5)
        assert est.margins_[0, step - 1, 0] == pytest.approx(scores[k - 1])
    assert est.n_calibration_.ravel().tolist() == [4, 4]
    forecast = est.predict()
    half = (forecast["y_q0.75"] - forecast["y"]).to_numpy()
    np.testing.assert_allclose(half, est.margins_[0, :, 0] * scale)
    np.testing.assert_allclose((forecast["y"] - forecast["y_q0.25"]).to_numpy(), half)


def _panel_with_covariates():
    rng = np.random.default_rng(3)
    parts = []
    for sid, n in (("a", 90), ("b", 130), ("c", 70)):
        x = rng.normal(size=n)
        y = 10 + 3 * np.sin(np.arange(n) * 2 * np.pi / 7) + np.r_[0, x[:-1]]
        parts.append(
            pd.DataFrame(
                {
                    "id": sid,
                    "time": pd.date_range("2021-01-01", periods=n, freq="D"),
                    "y": y + rng.normal(size=n),
                    "x": x,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _bounds(frame, prefix):
    cols = [c for c in frame.columns if c.startswith(prefix)]
    levels = sorted(float(c[len(prefix) :]) for c in cols)
    return [frame[f"{prefix}{q:g}"].to_numpy() for q in levels]


def _check_nested(frame, point, prefix):
    """Bounds in level order: each interval contains the point forecast and the
    narrower intervals (the quantile columns never cross)."""
    columns = _bounds(frame, prefix)
    middle = len(columns) // 2
    ordered = [*columns[:middle], frame[point].to_numpy(), *columns[middle:]]
    for a, b in itertools.pairwise(ordered):
        assert (a <= b + 1e-12).all()


def test_panel_of_unequal_lengths_with_covariates_cqr_and_new_history():
    data = _panel_with_covariates()
    before = data.copy()
    inner = LSTMForecaster(
        horizon=4,
        id_col="id",
        time_col="time",
        target="y",
        past_covariates="x",
        quantiles=[0.1, 0.9],
        **TINY,
    )
    est = ConformalForecaster(inner, coverage=[0.95, 0.8]).fit(data)
    pd.testing.assert_frame_equal(data, before)  # the caller's data is untouched
    assert est.methods_ == ["cqr", "split"]  # 0.8 from the heads; 0.95 has none
    assert est.coverage_.tolist() == [0.8, 0.95]
    assert est.margins_.shape == (2, 4, 1)
    # more than horizon=4 origins: 3 series give 19 = 0.95 / 0.05 scores with 7
    assert est.n_origins_ == 7
    assert (est.n_calibration_ == 21).all()
    forecast = est.predict()
    assert forecast.columns.tolist() == [
        "y",
        "y_q0.025",
        "y_q0.1",
        "y_q0.9",
        "y_q0.975",
    ]
    assert forecast.index.get_level_values(0).unique().tolist() == ["a", "b", "c"]
    _check_nested(forecast, "y", "y_q")
    # after new history: a series not seen in fit, scaled on its own past
    new = data[data["id"] == "b"].assign(id="z", y=lambda d: 3 * d["y"]).iloc[:80]
    other = est.predict(new)
    _check_nested(other, "y", "y_q")
    width = (other["y_q0.975"] - other["y_q0.025"]).to_numpy()
    assert (width > 0).all()
    # the rolling forecasts and the backtest carry the intervals
    frame = backtest(est, data, start=pd.Timestamp("2021-02-20"))
    assert {"q0.025", "q0.1", "q0.9", "q0.975", "scale"} <= set(frame.columns)
    _check_nested(frame, "y_pred", "q")


def test_split_bands_around_an_rnn_point_forecast_are_symmetric():
    y = tsrnn.datasets.load_air_passengers()
    est = ConformalForecaster(LSTMForecaster(horizon=6, **TINY), coverage=0.9).fit(y)
    assert est.methods_ == ["split"]
    forecast = est.predict()
    up = forecast["passengers_q0.95"] - forecast["passengers"]
    down = forecast["passengers"] - forecast["passengers_q0.05"]
    np.testing.assert_allclose(up, down)
    # the point forecast is the wrapped forecaster's
    np.testing.assert_allclose(
        forecast["passengers"], est.forecaster_.predict()["passengers"]
    )


def test_a_series_too_short_to_calibrate_is_named_and_uses_the_others_margins():
    values = _exchangeable_panel(5, 60, seed=1)
    data = _long(values)
    data = data[(data["id"] != 4) | (data["t"] < 8)]  # series 4: 8 steps
    inner = SeasonalNaiveForecaster(horizon=3, id_col="id", time_col="t")
    with pytest.warns(UserWarning, match=r"Series 4 of X.*left out of the calibration"):
        est = ConformalForecaster(inner, coverage=0.8, n_origins=5).fit(data)
    assert (est.n_calibration_ == 4 * 5).all()
    forecast = est.predict()
    assert 4 in forecast.index.get_level_values(0)
    assert forecast.notna().all().all()


def test_wrong_settings_are_refused_with_the_fix():
    y = tsrnn.datasets.load_air_passengers()
    with pytest.raises(ValueError, match=r"coverage must be .* strictly between 0"):
        ConformalForecaster(SeasonalNaiveForecaster(), coverage=[0.8, 1.0]).fit(y)
    with pytest.raises(ValueError, match=r"SeasonalNaiveForecaster has none.*'split'"):
        ConformalForecaster(
            SeasonalNaiveForecaster(horizon=2), coverage=0.95, method="cqr"
        ).fit(y)
    heads = LSTMForecaster(horizon=2, quantiles=[0.1, 0.9], **TINY)
    with pytest.raises(ValueError, match=r"forecaster__quantiles=\[0.025, 0.975\]"):
        ConformalForecaster(heads, coverage=0.95, method="cqr").fit(y)
    with pytest.raises(ValueError, match=r"n_origins=120 \(or fewer\)"):
        ConformalForecaster(
            SeasonalNaiveForecaster(horizon=12), coverage=0.8, n_origins=200
        ).fit(y)
    est = ConformalForecaster(SeasonalNaiveForecaster(horizon=2), coverage=0.8).fit(y)
    est.set_params(coverage=0.9)
    with pytest.raises(ValueError, match=r"coverage=0.9 was set after fit.*Refit"):
        est.predict()
    with pytest.raises(TypeError, match="forecaster"):
        ConformalForecaster(tsrnn.RNNRegressor()).fit(y)


def test_default_origins_give_enough_scores_for_one_series():
    """One series: at least c / (1 - c) scores per step for the largest coverage."""
    y = tsrnn.datasets.load_air_passengers()
    est = ConformalForecaster(SeasonalNaiveForecaster(horizon=6)).fit(y)
    assert est.n_origins_ == 19  # 0.95 / 0.05; more than horizon=6
    assert np.isfinite(est.margins_).all()


def test_clone_params_and_grid_search_over_the_wrapped_forecaster():
    from sklearn.model_selection import GridSearchCV

    from tsrnn.model_selection import PanelSplitter

    est = ConformalForecaster(SeasonalNaiveForecaster(horizon=3), coverage=0.8)
    params = est.get_params()
    assert params["forecaster__horizon"] == 3
    twin = clone(est).set_params(forecaster__horizon=2, n_origins=7)
    assert twin.horizon == 2 and twin.n_origins == 7
    assert est.get_params() == params  # the original is untouched
    y = tsrnn.datasets.load_air_passengers()
    search = GridSearchCV(
        est,
        {"forecaster__season": [1, 12]},
        cv=PanelSplitter(n_splits=2, test_size=12),
        scoring=tsrnn.metrics.get_scorer("msis", coverage=0.8),
        n_jobs=2,  # the estimator and the scorer go to other processes
    ).fit(y)
    assert search.best_params_ == {"forecaster__season": 12}
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert "y_q0.1" not in search.best_estimator_.predict().columns
    assert "passengers_q0.1" in search.best_estimator_.predict().columns


def test_quantile_heads_and_points_of_the_wrapped_forecaster_are_unchanged_by_it():
    """Wrapping never refits the argument: the original forecaster stays unfitted."""
    inner = SeasonalNaiveForecaster(horizon=2)
    ConformalForecaster(inner).fit(tsrnn.datasets.load_air_passengers())
    assert not hasattr(inner, "season_")


def test_no_warning_on_a_plain_fit():
    y = tsrnn.datasets.load_air_passengers()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ConformalForecaster(SeasonalNaiveForecaster(horizon=12)).fit(y).predict()


def _follow(message: str, est: ConformalForecaster) -> ConformalForecaster:
    """The first ``Pass name=value`` of an error message, applied to ``est``."""
    import re

    name, value = re.search(r"Pass (\w+)=([\d.]+)", message).groups()
    return clone(est).set_params(**{name: float(value) if "." in value else int(value)})


@pytest.mark.parametrize(
    "n_steps, horizon, coverage, n_origins, advice",
    [
        (144, 2, 0.99, 20, "Pass n_origins=99"),  # more origins give enough
        (30, 2, 0.95, 16, "Pass n_origins=19"),
        (20, 2, 0.95, None, "Pass coverage=0.94"),  # 16 origins, the most there are
        (20, 7, 0.95, None, "Pass coverage=0.85"),  # 6: 6/7 of the 7th score
        (20, 7, 0.95, 6, "Pass coverage=0.85"),
        (120, 2, 0.999, None, "Pass coverage=0.99"),
    ],
)
def test_too_few_scores_are_refused_with_advice_that_works(
    n_steps, horizon, coverage, n_origins, advice
):
    """The fix the message gives is the one that works for that data: more
    origins where the history has them, else the largest coverage it supports."""
    y = pd.Series(np.random.default_rng(0).normal(size=n_steps))
    est = ConformalForecaster(
        SeasonalNaiveForecaster(horizon=horizon),
        coverage=coverage,
        n_origins=n_origins,
    )
    with pytest.raises(ValueError, match=advice) as info:
        est.fit(y)
    fixed = _follow(str(info.value), est).fit(y)
    assert np.isfinite(fixed.margins_).all()


def test_default_origins_count_the_series_and_actuals_that_calibrate():
    """The default raises n_origins until every step has enough observed scores,
    counting only series long enough to take part and actuals that are there."""
    rng = np.random.default_rng(5)
    y = pd.Series(rng.normal(0, 3, 120), index=pd.date_range("2024-01-01", periods=120))
    panel = pd.concat({"long": y, "short": y[:15]}).rename_axis(["id", "t"])
    with pytest.warns(UserWarning, match="'short'.*left out of the calibration") as w:
        est = ConformalForecaster(SeasonalNaiveForecaster(horizon=7)).fit(panel)
    assert "smaller n_origins" not in str(w[0].message)  # not set: no advice
    assert est.n_origins_ == 19 and (est.n_calibration_ >= 19).all()
    gaps = y[:100].copy()
    gaps.iloc[[-1, -9]] = np.nan  # missing actuals among the calibration steps
    est = ConformalForecaster(SeasonalNaiveForecaster(horizon=7)).fit(gaps)
    assert (est.n_calibration_ >= 19).all() and est.n_origins_ == 21


def test_advice_names_the_wrapped_forecasters_parameters():
    """Advice about the wrapped forecaster's settings names them as this
    estimator's set_params does (forecaster__freq), and following it works."""
    y = pd.Series(np.arange(60.0), index=pd.date_range("2024-01-01", periods=60))
    gappy = y.drop(y.index[30])
    est = ConformalForecaster(SeasonalNaiveForecaster(horizon=3))
    with pytest.raises(ValueError, match=r"Pass forecaster__freq='D'") as info:
        est.fit(gappy)
    assert _follow_text(str(info.value), est).fit(gappy).freq_ == "D"
    est.fit(y).set_params(forecaster__horizon=5)
    with pytest.raises(ValueError, match=r"set_params\(forecaster__horizon=3\)"):
        est.predict()
    est.set_params(forecaster__horizon=3).predict()  # the advice works


def _follow_text(message: str, est):
    import re

    name, value = re.search(r"Pass (\w+)='(\w+)'", message).groups()
    return clone(est).set_params(**{name: value})


def test_a_constant_history_gets_zero_width_intervals_whatever_its_panel():
    """A flat history has no scaled errors: zero-width bands (as when it is
    fitted alone), and the panel's margins are calibrated on the others only."""
    idx = pd.date_range("2024-01-01", periods=60)
    noisy = pd.Series(np.random.default_rng(0).normal(5, 1, 60), index=idx)
    panel = pd.concat({"flat": pd.Series(5.0, index=idx), "noisy": noisy})
    panel = panel.rename_axis(["id", "t"]).rename("v")
    est = ConformalForecaster(SeasonalNaiveForecaster(horizon=7)).fit(panel)
    forecast = est.predict()
    flat_rows = forecast.loc["flat"]
    assert (flat_rows["v_q0.025"] == 5.0).all() and (flat_rows["v_q0.975"] == 5.0).all()
    alone = ConformalForecaster(SeasonalNaiveForecaster(horizon=7)).fit(noisy)
    np.testing.assert_allclose(alone.margins_, est.margins_)  # the flat one: no score
    unseen = pd.Series(15.0, index=idx).rename("v")
    other = est.predict(pd.concat({"new": unseen}).rename_axis(["id", "t"]))
    assert (other["v_q0.975"] - other["v_q0.025"] == 0).all()
    assert (forecast.loc["noisy", "v_q0.975"] > forecast.loc["noisy", "v"]).all()


def _seasonal(n, seed, level=10.0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level + 3 * np.sin(2 * np.pi * t / 7) + rng.normal(size=n)


def test_a_nearly_flat_history_does_not_widen_the_other_series_intervals():
    """Scores are scaled by the scale the bands are drawn with (the whole
    history's): a series flat until a late ramp has a tiny scale on its early
    part only, and its errors must not fill the top of everyone's scores."""
    idx = pd.date_range("2021-01-01", periods=60)
    ramp = np.full(60, 5.0)
    ramp[45:] = 5 + 2 * np.arange(15)
    parts = {"a": _seasonal(60, 1), "b": _seasonal(60, 2)}
    two = pd.concat({k: pd.Series(v, idx) for k, v in parts.items()})
    three = pd.concat(
        {**{k: pd.Series(v, idx) for k, v in parts.items()}, "k": pd.Series(ramp, idx)}
    )
    inner = SeasonalNaiveForecaster(horizon=7)
    base = ConformalForecaster(inner).fit(two.rename_axis(["id", "t"]))
    more = ConformalForecaster(inner).fit(three.rename_axis(["id", "t"]))
    assert more.margins_.max() < 3 * base.margins_.max()

    def width(est):
        forecast = est.predict().loc["a"]
        return forecast["y_q0.975"] - forecast["y_q0.025"]

    assert width(more).max() < 3 * width(base).max()


def test_flat_targets_and_series_get_zero_width_bands_without_failing():
    idx = pd.date_range("2024-01-01", periods=80)
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(
        {"a": rng.normal(10, 1, 80), "b": rng.normal(0, 100, 80), "c": 5.0}, index=idx
    )
    forecast = (
        ConformalForecaster(SeasonalNaiveForecaster(horizon=7)).fit(wide).predict()
    )
    assert (forecast["c_q0.975"] == forecast["c_q0.025"]).all()
    assert (forecast["b_q0.975"] - forecast["b_q0.025"] > 50).all()
    alone = ConformalForecaster(SeasonalNaiveForecaster(horizon=7))
    constant = alone.fit(pd.Series(0.0, index=pd.date_range("2024-01-01", periods=600)))
    out = constant.predict()
    assert (out["y_q0.025"] == 0).all() and (out["y_q0.975"] == 0).all()
    with pytest.raises(ValueError, match="no observed target value"):
        alone.fit(pd.Series(np.nan, index=idx))


def test_advice_never_offers_a_horizon_below_one():
    y = pd.Series(np.random.default_rng(0).normal(size=10))
    with pytest.raises(ValueError) as info:
        ConformalForecaster(SeasonalNaiveForecaster(horizon=1)).fit(y)
    assert "Pass coverage=0.88" in str(info.value)
    assert "smaller horizon" not in str(info.value)


def test_warnings_of_the_calibration_fit_say_so():
    """The calibration fit sees each series without its last steps: its warnings
    (here: a series shorter than the season) say which lengths they count."""
    idx = pd.date_range("2024-01-01", periods=60)
    panel = {f"s{i}": pd.Series(_seasonal(60, i), idx) for i in range(10)}
    panel["short"] = pd.Series(_seasonal(10, 99), idx[-10:])
    data = pd.concat(panel).rename_axis(["id", "t"])
    with pytest.warns(UserWarning) as caught:
        ConformalForecaster(SeasonalNaiveForecaster(horizon=3)).fit(data)
    (text,) = [str(w.message) for w in caught if "season_" in str(w.message)]
    assert text.startswith(
        "In the calibration fit (each series without its last 5 steps): "
        "Series 'short' of X (5 steps)"
    )
