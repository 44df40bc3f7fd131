"""GridSearchCV over forecasters, PanelSplitter and backtest."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from tsrnn import GRUForecaster, LSTMForecaster, SeasonalNaiveForecaster
from tsrnn.model_selection import PanelSplitter, backtest

TINY = dict(hidden_size=4, max_epochs=2, batch_size=64, n_ensembles=1, random_state=0)


def seasonal(n=96, freq="MS", name="y", seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = 50 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)
    return pd.Series(
        values, index=pd.date_range("2000-01-01", periods=n, freq=freq), name=name
    )


def long_panel():
    parts = []
    for k, sid in enumerate(["a", "b", "c"]):
        s = seasonal(72, seed=k)
        parts.append(pd.DataFrame({"id": sid, "t": s.index, "y": s.to_numpy()}))
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search_with_time_series_split(n_jobs):
    y = seasonal()
    search = GridSearchCV(
        LSTMForecaster(horizon=6, **TINY),
        {"window": [12, 24]},
        cv=TimeSeriesSplit(n_splits=2),
        n_jobs=n_jobs,
    ).fit(y)
    # every fold's score is the forecaster's own score, refitted by hand ...
    results = search.cv_results_
    for i, params in enumerate(results["params"]):
        for k, (train, test) in enumerate(TimeSeriesSplit(n_splits=2).split(y)):
            est = LSTMForecaster(horizon=6, **TINY, **params).fit(y.iloc[train])
            expected = est.score(y.iloc[test])  # minus the MAE
            assert results[f"split{k}_test_score"][i] == pytest.approx(expected)
    # ... and the search ranks the candidates by them
    best = int(np.argmax(results["mean_test_score"]))
    assert search.best_params_ == results["params"][best]
    assert list(results["rank_test_score"]) == [1 + (best != 0), 1 + (best != 1)]
    fc = search.best_estimator_.predict()
    assert fc.index[0] == y.index[-1] + pd.offsets.MonthBegin(1)


def test_grid_search_finds_the_season():
    # seasonal naive with the true season beats the naive (season 1) and a wrong one
    y = seasonal(96)
    search = GridSearchCV(
        SeasonalNaiveForecaster(horizon=6),
        {"season": [1, 5, 12]},
        cv=TimeSeriesSplit(n_splits=3, test_size=12),
    ).fit(y)
    assert search.best_params_ == {"season": 12}
    assert list(search.cv_results_["rank_test_score"]) == [2, 3, 1]


def test_panel_splitter_cuts_every_series_at_the_same_timestamps():
    data = long_panel()
    splitter = PanelSplitter(n_splits=3, test_size=6, time_col="t")
    folds = list(splitter.split(data))
    assert len(folds) == splitter.get_n_splits() == 3
    for train, test in folds:
        cut = data.iloc[test]["t"].min()
        assert (data.iloc[train]["t"] < cut).all()
        # every series is cut at the same timestamp
        assert data.iloc[train].groupby("id")["t"].max().nunique() == 1
        assert data.iloc[test].groupby("id").size().eq(6).all()


def test_grid_search_with_panel_splitter():
    data = long_panel()
    search = GridSearchCV(
        GRUForecaster(horizon=3, id_col="id", time_col="t", **TINY),
        {"hidden_size": [4, 6]},
        cv=PanelSplitter(n_splits=2, test_size=6, time_col="t"),
    ).fit(data)
    splitter = PanelSplitter(n_splits=2, test_size=6, time_col="t")
    for i, params in enumerate(search.cv_results_["params"]):
        for k, (train, test) in enumerate(splitter.split(data)):
            est = GRUForecaster(horizon=3, id_col="id", time_col="t", **TINY)
            est.set_params(**params).fit(data.iloc[train])
            expected = est.score(data.iloc[test])
            assert search.cv_results_[f"split{k}_test_score"][i] == pytest.approx(
                expected
            )
    best = int(np.argmax(search.cv_results_["mean_test_score"]))
    assert search.best_params_ == search.cv_results_["params"][best]
    fc = search.best_estimator_.predict()
    assert fc.groupby(level="id").size().eq(3).all()


def test_backtest_without_refit_returns_every_origin():
    y = seasonal(60)
    out = backtest(LSTMForecaster(horizon=3, **TINY), y, start=40)
    assert list(out.columns[:5]) == ["id", "cutoff", "time", "y", "y_pred"]
    assert out["cutoff"].min() == y.index[39]
    assert out["cutoff"].nunique() == 60 - 40 - 3 + 1
    strided = backtest(LSTMForecaster(horizon=3, **TINY), y, start=40, stride=5)
    assert strided["cutoff"].nunique() == 4


def test_backtest_with_refit_matches_refitting_by_hand():
    y = seasonal(60)
    est = SeasonalNaiveForecaster(horizon=4)
    out = backtest(est, y, start=48, refit=True, stride=4, n_jobs=2)
    assert out["cutoff"].nunique() == 3
    origin = out["cutoff"].iloc[0]
    by_hand = SeasonalNaiveForecaster(horizon=4).fit(y[y.index <= origin]).predict()
    np.testing.assert_allclose(out[out["cutoff"] == origin]["y_pred"], by_hand["y"])
    assert not hasattr(est, "season_")  # the argument is cloned, never fitted


def test_backtest_runs_on_a_panel():
    data = long_panel().set_index(["id", "t"])
    out = backtest(LSTMForecaster(horizon=2, **TINY), data, start=60)
    assert set(out["id"]) == {"a", "b", "c"}
    assert np.isfinite(out["y_pred"]).all()


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(start=0), ValueError, "start=0 must be between 1"),
        (dict(start=1.5), ValueError, "share of timestamps"),
        (dict(start=30, stride=0), ValueError, "stride must be a positive integer"),
    ],
)
def test_backtest_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        backtest(SeasonalNaiveForecaster(horizon=2), seasonal(60), **kwargs)


def test_panel_splitter_too_many_splits():
    with pytest.raises(ValueError, match="Cannot make n_splits=10"):
        list(PanelSplitter(n_splits=10, test_size=10).split(seasonal(60)))


def test_backtest_reads_the_times_from_x_when_y_is_the_target():
    data = long_panel()
    data["temp"] = np.arange(len(data), dtype=float)
    # with y given, X holds covariates only: temp has its role
    est = SeasonalNaiveForecaster(
        horizon=2, id_col="id", time_col="t", past_covariates="temp"
    )
    joined = backtest(est, data, start=48)
    split = backtest(est, data[["id", "t", "temp"]], data["y"], start=48)
    pd.testing.assert_frame_equal(split, joined)


@pytest.mark.parametrize(
    "params",
    [
        {"gap": 200},
        {"n_splits": 20, "test_size": 12},
        {"n_splits": 1, "test_size": 200},
        {"n_splits": 200},
        {"n_splits": 2, "test_size": 50, "gap": 60},
        {"n_splits": 3, "test_size": 40, "gap": 30},
        {"n_splits": 1, "test_size": 200, "gap": 200},
    ],
)
def test_panel_splitter_size_error_names_every_parameter_and_its_fixes_work(params):
    # issue 18 (item 3, second round): "Use fewer splits" was wrong when gap was
    # the cause; every suggested value must make the split work
    y = pd.Series(np.arange(144.0))
    with pytest.raises(ValueError, match="n_splits=.*test_size=.*gap=") as info:
        list(PanelSplitter(**params).split(y))
    message = str(info.value)
    if "n_splits=1, test_size=1 and gap <=" in message:  # no one parameter does it
        gap = int(re.search(r"gap <= (\d+)", message).group(1))
        assert list(PanelSplitter(1, test_size=1, gap=gap).split(y))
        return
    fixes = re.findall(r"(n_splits|test_size|gap) <= (\d+)", message)
    assert fixes
    for name, value in fixes:
        folds = list(PanelSplitter(**{**params, name: int(value)}).split(y))
        assert all(len(train) and len(test) for train, test in folds)
        with pytest.raises(ValueError):  # the bound is tight
            list(PanelSplitter(**{**params, name: int(value) + 1}).split(y))


@pytest.mark.parametrize("start,horizon", [(140, 12), (143, 3), (130, 20)])
def test_backtest_origin_error_fixes_work(start, horizon):
    y = pd.Series(np.tile(np.arange(12.0), 12))
    fc = SeasonalNaiveForecaster(season=12, horizon=horizon)
    with pytest.raises(ValueError, match=f"start={start}.*horizon={horizon}") as info:
        backtest(fc, y, start=start)
    message = str(info.value)
    latest = int(re.search(r"start <= (\d+)", message).group(1))
    assert len(backtest(fc, y, start=latest))
    shorter = re.search(r"horizon <= (\d+)", message)
    if shorter:
        fc2 = fc.set_params(horizon=int(shorter.group(1)))
        assert len(backtest(fc2, y, start=start))


def _late_panel():
    y = pd.Series(
        np.tile(np.arange(12.0), 12) + np.arange(144.0),
        pd.date_range("1949-01-01", periods=144, freq="MS"),
    )
    return pd.concat(
        {"long": y, "ends_early": y.iloc[:100], "starts_late": y.iloc[130:]},
        names=["id", "t"],
    )


def test_backtest_refit_paths_forecast_the_same_series_and_name_those_left_out():
    # issue 18 (item 2, second round): refit=False dropped a series that starts
    # after the first origin (refit=True kept it), and nothing said so
    panel = _late_panel()
    fc = SeasonalNaiveForecaster(horizon=3)
    frames = {}
    for refit in (False, True):
        with pytest.warns(UserWarning, match="Series 'ends_early' of X: no forecast"):
            out = backtest(
                fc, panel, start=pd.Timestamp("1959-06-01"), stride=3, refit=refit
            )
        frames[refit] = out.sort_values(["id", "cutoff", "time"], ignore_index=True)
    assert frames[False].groupby("id").size().to_dict() == {
        "long": 18,
        "starts_late": 12,
    }
    rows = ["id", "cutoff", "time", "y"]
    pd.testing.assert_frame_equal(frames[False][rows], frames[True][rows])
    # where the model is the same (a full season of history), so are the forecasts;
    # 'starts_late' has under a season, whose fallback season is its history length
    # at fit (refit) or at its first origin (no refit)
    long = [frame[frame["id"] == "long"]["y_pred"] for frame in frames.values()]
    np.testing.assert_array_equal(*long)


def test_rolling_forecasts_names_a_series_too_short_to_forecast():
    panel = _late_panel()
    fc = SeasonalNaiveForecaster(horizon=12).fit(panel)
    new = pd.concat(
        {"long": panel.loc["long"].iloc[-30:], "tiny": panel.loc["long"].iloc[-5:]},
        names=["id", "t"],
    )
    with pytest.warns(UserWarning, match="Series 'tiny' of X: no forecast, left out"):
        out = fc.rolling_forecasts(new)
    assert set(out["id"]) == {"long"}


@pytest.mark.parametrize("refit", [False, True])
def test_backtest_forecasts_a_series_too_short_to_fit_as_an_unseen_one(refit):
    # a refit at an origin where 'starts_late' has <= horizon steps raised
    # (fit refuses such a series); it is forecast as a series unseen in fit
    fc = GRUForecaster(
        horizon=3, window=12, hidden_size=4, max_epochs=1, random_state=0
    )
    with pytest.warns(UserWarning, match="'ends_early' of X: no forecast"):
        out = backtest(
            fc, _late_panel(), start=pd.Timestamp("1959-06-01"), stride=3, refit=refit
        )
    assert out.groupby("id").size().to_dict() == {"long": 18, "starts_late": 12}
    assert np.isfinite(out["y_pred"]).all()


@pytest.mark.parametrize("history,new", [(140, slice(140, 144)), (100, slice(0, 10))])
def test_rolling_forecasts_too_short_error_fixes_work(history, new):
    # issue 18 (item 3, second round): each suggested size really works
    y = pd.Series(np.tile(np.arange(12.0), 20) + np.arange(240.0))
    X = y.iloc[new] if new.start else pd.concat({"a": y.iloc[new]}, names=["id", "t"])
    fc = SeasonalNaiveForecaster(horizon=12).fit(y.iloc[:history])
    with pytest.raises(ValueError, match="horizon=12") as info:
        fc.rolling_forecasts(X)
    more, most = map(
        int, re.search(r"at least (\d+) more .* <= (\d+)", str(info.value)).groups()
    )
    assert len(
        SeasonalNaiveForecaster(horizon=most).fit(y.iloc[:history]).rolling_forecasts(X)
    )
    longer = (
        y.iloc[new.start : new.start + len(X) + more]
        if new.start
        else pd.concat({"a": y.iloc[: len(X) + more]}, names=["id", "t"])
    )
    assert len(fc.rolling_forecasts(longer))


def test_make_windows_too_short_error_fix_works():
    from tsrnn import make_windows

    y = pd.Series(np.arange(144.0))
    with pytest.raises(ValueError, match="window <= (\\d+) works") as info:
        make_windows(y, window=140, horizon=12)
    window = int(re.search(r"window <= (\d+)", str(info.value)).group(1))
    assert len(make_windows(y, window=window, horizon=12)[0]) == 1
