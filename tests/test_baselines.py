"""SeasonalNaiveForecaster: its parameters, short series, new histories."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from tsrnn import SeasonalNaiveForecaster


def daily(values, start="2021-01-01"):
    return pd.Series(
        np.asarray(values, dtype=float),
        index=pd.date_range(start, periods=len(values), freq="D"),
    )


def test_defaults_forecast_one_step_with_the_frequency_season():
    est = SeasonalNaiveForecaster()
    assert est.get_params() == clone(est).get_params()
    assert est.get_params()["horizon"] == 1 and est.season is None
    y = daily(np.arange(20.0))  # daily: season 7
    fc = est.fit(y).predict()
    assert est.season_ == 7
    assert list(fc.index) == [pd.Timestamp("2021-01-21")]
    assert fc["y"].tolist() == [13.0]  # one week before the forecast day


def test_target_and_covariate_roles_choose_the_forecast_columns():
    t = pd.date_range("2021-01-01", periods=14, freq="D")
    frame = pd.DataFrame(
        {"sales": np.arange(14.0), "temp": 20.0 + np.arange(14.0), "promo": 1.0},
        index=t,
    )
    assert list(SeasonalNaiveForecaster().fit(frame).predict().columns) == [
        "sales",
        "temp",
        "promo",
    ]
    for params in (
        {"target": "sales"},
        {"past_covariates": ["temp", "promo"]},
        {"future_covariates": "temp", "static_covariates": "promo"},
    ):
        fc = SeasonalNaiveForecaster(horizon=2, **params).fit(frame)
        assert list(fc.predict(**_future(params, t)).columns) == ["sales"], params


def _future(params, t):
    """predict() keywords: known-ahead values when future_covariates are set."""
    if "future_covariates" not in params:
        return {}
    ahead = pd.date_range(t[-1] + pd.Timedelta(days=1), periods=2, freq="D")
    return {"future": pd.DataFrame({"temp": [1.0, 2.0]}, index=ahead)}


def test_a_series_shorter_than_the_season_repeats_its_history():
    short = daily([1.0, 2.0, 3.0])  # daily: season 7
    fc = SeasonalNaiveForecaster(horizon=5).fit(short).predict()
    assert fc["y"].tolist() == [1.0, 2.0, 3.0, 1.0, 2.0]


def test_a_new_history_gets_its_own_season_and_scale():
    est = SeasonalNaiveForecaster(horizon=4).fit(daily(np.arange(30.0)))
    new = daily([5.0, 6.0, 7.0], start="2022-01-01")  # shorter than a week
    assert est.predict(new)["y"].tolist() == [5.0, 6.0, 7.0, 5.0]
    out = est.rolling_forecasts(daily(np.r_[np.arange(10.0), 0.0, 5.0], "2023-01-01"))
    # context: the first min(7, 12 - 4) = 7 steps, so the first origin is step 6
    assert out["cutoff"].iloc[0] == pd.Timestamp("2023-01-07")
    assert out["y_pred"].iloc[:4].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert out["scale"].iloc[0] == pytest.approx(1.0)  # lag 1 on 7 context steps


def test_missing_values_are_carried_forward():
    y = daily([1.0, 2.0, np.nan, 4.0, 5.0, np.nan, np.nan])
    fc = SeasonalNaiveForecaster(season=3, horizon=3).fit(y).predict()
    assert fc["y"].tolist() == [5.0, 5.0, 5.0]


def test_the_torch_free_layer_loads_no_torch():
    """Seasonal naive, the forecaster template, panels and naive forecasts import
    without torch (a baseline never pays for the network)."""
    import subprocess
    import sys

    code = (
        "import sys, tsrnn._baselines, tsrnn._forecaster, tsrnn._panel, tsrnn._naive, "
        "tsrnn._scaling, tsrnn._time_index, tsrnn._frequency, tsrnn._state, "
        "tsrnn.metrics\n"
        "import pandas as pd\n"
        "from tsrnn._baselines import SeasonalNaiveForecaster\n"
        "y = pd.Series(range(20), dtype=float)\n"
        "SeasonalNaiveForecaster(season=4, horizon=3).fit(y).rolling_forecasts(y)\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_the_persisted_state_is_plain_values():
    est = SeasonalNaiveForecaster(horizon=2).fit(daily(np.arange(20.0)))
    est.predict()  # builds the predict plan, which is never persisted
    state = est._persisted_state()
    assert set(state) == {
        "season_",
        "window_",
        "freq_",
        "target_names_",
        "series_ids_",
        "history",
        "axis_kind",
        "naive_scale",
        "scale_note",
        "fit_horizon",
    }
    assert "_plan" not in est.__getstate__()["state"]


def _long_and_short_monthly():
    """A 36-month seasonal series and a 5-month one, as a long panel."""
    rng = np.random.default_rng(0)
    t = np.arange(36)
    long = 100 + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, 36)
    frames = {
        "long": pd.Series(long, pd.date_range("2020-01-01", periods=36, freq="MS")),
        "short": pd.Series(
            [5.0, 6, 7, 8, 9], pd.date_range("2022-08-01", periods=5, freq="MS")
        ),
    }
    panel = pd.concat(frames, names=["id", "time"])
    return panel, long


def test_a_short_series_falls_back_alone_with_a_warning_naming_it():
    # issue 18 item 4: season 5 for both series forecast the long one as months
    # 8..12, 8..12; each series keeps its own season
    from tsrnn._naive import naive_mae
    from tsrnn.model_selection import backtest

    panel, long = _long_and_short_monthly()
    with pytest.warns(UserWarning, match=r"Series 'short' of X") as record:
        fc = SeasonalNaiveForecaster(horizon=12).fit(panel)
        forecast = fc.predict()
    messages = " ".join(str(w.message) for w in record)
    assert "'long'" not in messages
    assert "Series 'short' of X (5 steps): fewer steps" in messages
    assert "the other series keep season 12" in messages
    assert fc.season_ == 12
    np.testing.assert_array_equal(forecast.loc["long", "y"], long[-12:])
    np.testing.assert_array_equal(
        forecast.loc["short", "y"], [5, 6, 7, 8, 9] * 2 + [5, 6]
    )
    # the long series' MASE scale is its own lag-12 one, in fit and in a backtest
    np.testing.assert_allclose(fc._naive_scale[0], naive_mae(long, 12), rtol=1e-12)
    with pytest.warns(UserWarning, match="Series 'short' of X"):
        out = backtest(SeasonalNaiveForecaster(horizon=3), panel, start=30)
    scale = out.groupby("id")["scale"].unique()
    np.testing.assert_allclose(scale["long"], [naive_mae(long[:30], 12)], rtol=1e-12)
    assert scale["long"][0] != pytest.approx(naive_mae(long[:30], 1))
    # so the long series' seasonal-naive MASE is that of metrics.mase at lag 12
    from tsrnn.metrics import evaluate

    rows = out[out["id"] == "long"]
    expected = np.mean(np.abs(rows["y"] - rows["y_pred"])) / naive_mae(long[:30], 12)
    assert evaluate(rows, ["mase"])["mase"] == pytest.approx(expected, rel=1e-12)
    assert expected < 1.5  # on its season; at lag 1 it was about 4 (issue 18 item 4)


def test_the_seasonal_level_of_an_rnn_falls_back_for_the_short_series_only():
    from tsrnn import LSTMForecaster

    panel, _ = _long_and_short_monthly()
    est = LSTMForecaster(
        horizon=3,
        window=24,
        local_level="seasonal",
        hidden_size=4,
        max_epochs=1,
        random_state=0,
    )
    with pytest.warns(
        UserWarning, match=r"Series 'short' of X \(5 steps\): no longer"
    ) as record:
        est.fit(panel)
    assert not any("'long'" in str(w.message) for w in record)
