"""tsrnn.metrics: M4 metrics by hand, Naive2 vs statsmodels, errors, scorers."""

import doctest
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge
from sklearn.metrics import check_scoring, make_scorer, mean_pinball_loss
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

import tsrnn.metrics
from tsrnn.metrics import (
    SCORERS,
    coverage,
    crps,
    evaluate,
    get_scorer,
    interval_width,
    mae,
    mase,
    msis,
    naive2_forecast,
    owa,
    pinball_loss,
    rmse,
    seasonal_naive_forecast,
    smape,
)

NAN = np.nan


def seasonal_series(n, m, seed=0, amplitude=0.2):
    """Positive series with a trend and multiplicative season ``m``, plus noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = 1 + amplitude * np.sin(2 * np.pi * t / m)
    return (100 + 0.5 * t) * season + rng.normal(0, 1, n)


# -- the module -------------------------------------------------------------------------
def test_docstring_examples():
    result = doctest.testmod(
        tsrnn.metrics, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0 and result.failed == 0


def test_every_public_function_has_an_example():
    for name in tsrnn.metrics.__all__:
        obj = getattr(tsrnn.metrics, name)
        if callable(obj):
            assert "Examples" in (obj.__doc__ or ""), name


def test_import_is_cheap():
    code = (
        "import sys, tsrnn.metrics; "
        "print(sorted({'torch', 'sklearn', 'pandas'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# -- point errors by hand ---------------------------------------------------------------
@pytest.mark.parametrize(
    "metric, y_true, y_pred, expected",
    [
        (mae, [1.0, 2.0, 3.0], [2.0, 2.0, 1.0], 1.0),
        (mae, [[1.0, 2.0], [3.0, 4.0]], [[1.0, 3.0], [6.0, 4.0]], 1.0),
        (rmse, [1.0, 2.0, 3.0], [2.0, 2.0, 1.0], np.sqrt(5 / 3)),
        (rmse, [[0.0, 0.0], [0.0, 0.0]], [[3.0, 0.0], [0.0, 4.0]], 2.5),
        (smape, [100.0, 100.0], [110.0, 90.0], (2000 / 210 + 2000 / 190) / 2),
        (smape, [1.0, -1.0], [-1.0, 1.0], 200.0),  # opposite signs: the maximum
        (smape, [0.0, 0.0], [0.0, 0.0], 0.0),  # 0/0 counts as 0
        (smape, [0.0, 5.0], [3.0, 5.0], 100.0),  # y = 0, f != 0: 200
        (
            smape,
            [[2.0, 4.0], [1.0, 1.0]],
            [[2.0, 2.0], [3.0, 1.0]],
            (200 / 3 + 100) / 4,
        ),
    ],
)
def test_known_values(metric, y_true, y_pred, expected):
    got = metric(y_true, y_pred)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("metric", [mae, rmse, smape])
def test_nan_in_y_true_is_left_out_not_zero(metric):
    y_true = np.array([[1.0, NAN, 3.0], [NAN, 5.0, 6.0]])
    y_pred = np.array([[2.0, 100.0, 3.0], [NAN, 7.0, 4.0]])  # NaN forecast: unused
    keep = ~np.isnan(y_true)
    assert metric(y_true, y_pred) == metric(y_true[keep], y_pred[keep])
    as_zero = metric(np.nan_to_num(y_true), np.nan_to_num(y_pred, nan=1.0))
    assert metric(y_true, y_pred) != as_zero


def test_panel_pools_every_point_and_pandas_inputs_work():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    assert mae(y_true, y_pred) == pytest.approx(np.mean(np.abs(y_true - y_pred)))
    assert mae(pd.DataFrame(y_true), pd.DataFrame(y_pred)) == mae(y_true, y_pred)
    # pandas inputs are used by position: the index is not aligned
    s_true = pd.Series([1.0, 2.0], index=[0, 1])
    s_pred = pd.Series([1.0, 4.0], index=[1, 0])
    assert mae(s_true, s_pred) == 1.0
    assert smape(pd.Series([1.0, None]), [1.0, 2.0]) == 0.0  # None is missing


@pytest.mark.parametrize("quantile", [0.1, 0.5, 0.9])
def test_pinball_loss_matches_sklearn(quantile):
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.normal(size=30), rng.normal(size=30)
    expected = mean_pinball_loss(y_true, y_pred, alpha=quantile)
    assert pinball_loss(y_true, y_pred, quantile) == pytest.approx(expected)
    if quantile == 0.5:
        assert pinball_loss(y_true, y_pred, 0.5) == pytest.approx(
            mae(y_true, y_pred) / 2
        )


def test_pinball_loss_by_hand_with_nan():
    # under-forecast by 2 costs 0.9 * 2, over-forecast by 2 costs 0.1 * 2
    y_true = [[10.0, 10.0], [NAN, 1.0]]
    y_pred = [[8.0, 12.0], [0.0, 1.0]]
    assert pinball_loss(y_true, y_pred, quantile=0.9) == pytest.approx(2.0 / 3)


# -- MASE -------------------------------------------------------------------------------
def test_mase_m1_by_hand():
    y_train = [1.0, 2.0, 4.0, 5.0]  # |diffs| 1, 2, 1: scale 4/3
    assert mase([5.0, 6.0], [5.5, 5.0], y_train) == pytest.approx(0.75 / (4 / 3))
    # NaN in y_train: pairs with a NaN are skipped (|diffs| 1 and 2: scale 1.5)
    assert mase([4.0], [3.0], [1.0, 2.0, NAN, 3.0, 5.0]) == pytest.approx(1 / 1.5)


def test_mase_seasonal_panel_with_train_series_of_different_lengths():
    m, h = 24, 6
    lengths = [72, 100, 49]
    y_train = [seasonal_series(n, m, seed=k) for k, n in enumerate(lengths)]
    rng = np.random.default_rng(3)
    y_true = rng.uniform(50, 150, size=(3, h))
    y_pred = y_true + rng.normal(0, 5, size=(3, h))
    y_true[1, 2] = NAN  # left out of series 1's mean
    expected = []
    for k in range(3):
        s = y_train[k]
        scale = sum(abs(s[t] - s[t - m]) for t in range(m, len(s))) / (len(s) - m)
        err = [abs(a - f) for a, f in zip(y_true[k], y_pred[k]) if not np.isnan(a)]
        expected.append(sum(err) / len(err) / scale)
    got = mase(y_true, y_pred, y_train, m=m)
    assert got == pytest.approx(np.mean(expected), rel=1e-12)
    # a 2-D y_train is one series per row, too
    same = [s[:49] for s in y_train]
    assert mase(y_true, y_pred, np.stack(same), m=m) == mase(y_true, y_pred, same, m=m)


def test_mase_one_train_series_pools_windows_and_skips_unobserved_rows():
    y_train = np.arange(10.0)  # scale 1
    y_true = np.array([[10.0, 11.0], [11.0, 12.0]])
    y_pred = np.array([[10.0, 13.0], [12.0, 12.0]])
    assert mase(y_true, y_pred, y_train) == pytest.approx(0.75)
    # per-series: a series with no observed actual is left out of the average
    panel_true = np.array([[10.0, 11.0], [NAN, NAN]])
    assert mase(panel_true, y_pred, [y_train, y_train]) == pytest.approx(1.0)


def test_owa_reproduces_the_m4_es_rnn_hourly_figure():
    assert owa(9.328, 0.893, 18.383, 2.395) == pytest.approx(
        0.5 * (9.328 / 18.383 + 0.893 / 2.395)
    )
    assert round(owa(9.328, 0.893, 18.383, 2.395), 3) == 0.440
    assert owa(18.383, 2.395, 18.383, 2.395) == 1.0  # Naive2 itself


# -- benchmarks -------------------------------------------------------------------------
@pytest.mark.parametrize("m", [4, 7, 12, 24])
def test_naive2_matches_statsmodels_multiplicative_decomposition(m):
    from statsmodels.tsa.seasonal import seasonal_decompose

    n, h = 5 * m + 3, 2 * m + 1  # odd length: the last season is incomplete
    y = seasonal_series(n, m, seed=m)
    seasonal = seasonal_decompose(y, model="multiplicative", period=m).seasonal
    last_season = seasonal[n - m :]
    expected = y[-1] / seasonal[-1] * last_season[np.arange(h) % m]
    got = naive2_forecast(y, h, m)
    assert got.shape == (h,)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert not np.allclose(got, y[-1])  # the series was found seasonal


def test_seasonality_test_is_the_m4_acf_rule():
    from statsmodels.tsa.stattools import acf

    from tsrnn._naive import is_seasonal as _is_seasonal

    rng = np.random.default_rng(0)
    m, t, seen = 12, np.arange(48), set()
    for amplitude in rng.uniform(0, 0.08, size=40):  # weak seasons: near the limit
        y = 100 * (1 + amplitude * np.sin(2 * np.pi * t / m)) + rng.normal(0, 3, 48)
        r = acf(y, nlags=m, fft=False)[1:]
        limit = 1.645 * np.sqrt((1 + 2 * np.sum(r[: m - 1] ** 2)) / len(y))
        expected = abs(r[m - 1]) > limit
        assert _is_seasonal(y, m) == expected
        seen.add(bool(expected))
    assert seen == {True, False}  # both branches exercised


def test_naive2_non_seasonal_cases_repeat_the_last_value():
    rng = np.random.default_rng(5)
    walk = 50 + np.cumsum(rng.normal(size=60))  # hand-made, no season
    np.testing.assert_array_equal(naive2_forecast(walk, 5, 12), np.full(5, walk[-1]))
    short = seasonal_series(35, 12)  # < 3m: not seasonal by definition
    np.testing.assert_array_equal(naive2_forecast(short, 3, 12), np.full(3, short[-1]))
    y = seasonal_series(60, 12)
    expected = seasonal_naive_forecast(y, 4, m=1)  # m=1: Naive2 = Naive1 = sNaive
    np.testing.assert_array_equal(naive2_forecast(y, 4, 1), expected)
    np.testing.assert_array_equal(naive2_forecast(np.full(40, 3.0), 2, 4), [3.0, 3.0])


def test_seasonal_naive_forecast():
    y = [1.0, 2.0, 3.0, 4.0, 5.0]
    np.testing.assert_array_equal(seasonal_naive_forecast(y, 3), [5.0, 5.0, 5.0])
    np.testing.assert_array_equal(seasonal_naive_forecast(y, 4, m=3), [3, 4, 5, 3])
    assert seasonal_naive_forecast([NAN, 1.0, 2.0], 2, m=2).tolist() == [1.0, 2.0]


# -- errors -----------------------------------------------------------------------------
GOOD = np.array([1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: mae([1.0, 2.0], GOOD), r"same shape.*y_true \(2,\).*y_pred \(3,\)"),
        (lambda: mae(GOOD.reshape(1, 3), GOOD), "same shape"),
        (lambda: rmse([], []), "y_true is empty.*at least one"),
        (lambda: smape(GOOD, [1.0, np.inf, 3.0]), "y_pred contains inf.*finite"),
        (lambda: mae([1.0, -np.inf, 3.0], GOOD), "y_true contains inf"),
        (lambda: mae([NAN, NAN], [1.0, 2.0]), "y_true has no observed value"),
        (lambda: mae(GOOD, [1.0, NAN, 3.0]), "y_pred has NaN where y_true is observed"),
        (lambda: mae(5.0, 5.0), "y_true must be 1-D or 2-D"),
        (lambda: mae(np.ones((2, 2, 2)), np.ones((2, 2, 2))), r"got shape \(2, 2, 2\)"),
        (lambda: mae(["a", "b"], ["c", "d"]), "y_true must be numeric"),
        (lambda: pinball_loss(GOOD, GOOD, 1.0), "quantile must be .* between 0 and 1"),
        (lambda: pinball_loss(GOOD, GOOD, 0), "quantile must be"),
        (lambda: pinball_loss(GOOD, GOOD, "0.5"), "quantile must be"),
        (lambda: mase(GOOD, GOOD, [1.0, 2.0], m=0), "m must be a positive integer"),
        (lambda: mase(GOOD, GOOD, [1.0, 2.0], m=True), "m must be a positive integer"),
        (
            lambda: mase(GOOD, GOOD, [1.0, 2.0], m=2),
            r"y_train has 2 values, fewer than m \+ 1 = 3.*longer y_train or a smaller m",
        ),
        (
            lambda: mase(GOOD, GOOD, [1.0, 2.0, 1.0, 2.0], m=2),
            "y_train repeats itself exactly at lag m=2.*divide by zero",
        ),
        (
            lambda: mase(GOOD, GOOD, [1.0, NAN, NAN, 2.0], m=2),
            "y_train has no two observed values m=2 steps apart",
        ),
        (
            lambda: mase(np.ones((2, 3)), np.ones((2, 3)), [np.arange(5.0), [1.0]]),
            r"y_train\[1\] has 1 values, fewer than m \+ 1 = 2",
        ),
        (
            lambda: mase(
                np.ones((2, 3)), np.ones((2, 3)), [np.ones(5), np.arange(4.0)]
            ),
            r"y_train\[0\] repeats itself",
        ),
        (
            lambda: mase(np.ones((3, 2)), np.ones((3, 2)), [np.arange(5.0)] * 2),
            r"y_train holds 2 series but y_true has shape \(3, 2\)",
        ),
        (
            lambda: mase(GOOD, GOOD, [np.arange(5.0)] * 2),
            "y_train holds 2 series .* one y_train series per row",
        ),
        (lambda: mase(GOOD, GOOD, [1.0, np.inf, 3.0]), "y_train contains inf"),
        (lambda: mase(GOOD, GOOD, []), "y_train is empty"),
        (lambda: owa(10.0, 1.0, 0.0, 1.0), "smape_naive2 must be a positive finite"),
        (lambda: owa(10.0, 1.0, 10.0, NAN), "mase_naive2 must be a positive finite"),
        (lambda: owa(-1.0, 1.0, 10.0, 1.0), "smape_value must be a non-negative"),
        (lambda: naive2_forecast([1.0, NAN, 2.0], 2, 1), "y_train contains NaN.*Fill"),
        (lambda: naive2_forecast(GOOD, 0, 1), "horizon must be a positive integer"),
        (lambda: naive2_forecast(GOOD, 2, 1.5), "m must be a positive integer"),
        (lambda: naive2_forecast(np.ones((2, 3)), 2, 1), "y_train must be 1-D"),
        (
            lambda: naive2_forecast(seasonal_series(48, 12) - 100, 2, 12),
            "y_train is seasonal but has values <= 0.*seasonal_naive_forecast",
        ),
        (
            lambda: seasonal_naive_forecast(GOOD, 2, m=4),
            "y_train has 3 values, fewer than one season m=4",
        ),
        (
            lambda: seasonal_naive_forecast([1.0, NAN, 2.0], 2, m=2),
            "y_train has NaN among its last m=2 values",
        ),
    ],
)
def test_errors_name_the_argument_and_the_fix(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- properties -------------------------------------------------------------------------
_values = st.floats(-1e3, 1e3).map(lambda v: round(v, 3))
_pairs = st.integers(1, 12).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, n, elements=_values), arrays(np.float64, n, elements=_values)
    )
)


@settings(max_examples=60, deadline=None)
@given(_pairs)
def test_smape_is_bounded_and_symmetric(pair):
    y_true, y_pred = pair
    value = smape(y_true, y_pred)
    assert 0.0 <= value <= 200.0
    assert value == smape(y_pred, y_true)


@settings(max_examples=60, deadline=None)
@given(_pairs)
def test_mae_rmse_are_nonnegative_and_zero_only_when_equal(pair):
    y_true, y_pred = pair
    assert mae(y_true, y_pred) >= 0.0
    assert rmse(y_true, y_pred) >= mae(y_true, y_pred) - 1e-9
    assert (mae(y_true, y_pred) == 0.0) == np.array_equal(y_true, y_pred)
    assert mae(y_true, y_true) == rmse(y_true, y_true) == smape(y_true, y_true) == 0.0


# -- scorers ----------------------------------------------------------------------------
class FakeForecaster(BaseEstimator):
    """Returns a hand-made ``rolling_forecasts`` frame: two series, two quantiles."""

    def __init__(self, bias=0.0, scale=True, quantiles=True):
        self.bias = bias
        self.scale = scale
        self.quantiles = quantiles

    def fit(self, X, y=None):
        self.is_fitted_ = True
        return self

    def rolling_forecasts(self, X, y=None):
        frame = pd.DataFrame(
            {
                "id": ["a", "a", "a", "b", "b"],
                "cutoff": [0, 0, 1, 0, 0],
                "time": [1, 2, 2, 1, 2],
                "y": [10.0, 12.0, 12.0, 100.0, NAN],
                "y_pred": [11.0, 12.0, 10.0, 90.0, 50.0],
            }
        )
        frame["y_pred"] += self.bias
        levels = (0.1, 0.9) if self.quantiles is True else self.quantiles or ()
        for q in levels:  # q0.1 and q0.9 are y_pred -/+ 2
            frame[f"q{q:g}"] = frame["y_pred"] + 5.0 * (q - 0.5)
        if self.scale:
            frame["scale"] = [2.0, 2.0, 2.0, 5.0, 5.0]
        return frame


def test_scorers_are_minus_the_metric_of_rolling_forecasts():
    est = FakeForecaster()
    y, f = np.array([10.0, 12.0, 12.0, 100.0]), np.array([11.0, 12.0, 10.0, 90.0])
    assert get_scorer("mae")(est, None) == -np.mean([1, 0, 2, 10])
    assert get_scorer("rmse")(est, None) == pytest.approx(-np.sqrt(105 / 4))
    assert get_scorer("smape")(est, None) == pytest.approx(-smape(y, f))
    # MASE: per series (a: errors 1, 0, 2 over scale 2; b: 10 over 5), then averaged
    assert get_scorer("mase")(est, None) == pytest.approx(-(0.5 + 2.0) / 2)
    pin = (pinball_loss(y, f - 2, 0.1) + pinball_loss(y, f + 2, 0.9)) / 2
    assert get_scorer("pinball")(est, None) == pytest.approx(-pin)


def test_mase_scorer_groups_by_id_and_target_and_handles_single_series():
    frame = pd.DataFrame(
        {
            "id": [None] * 4,
            "y": [1.0, 2.0, 1.0, 2.0],
            "y_pred": [2.0, 2.0, 1.0, 5.0],
            "scale": [1.0, 1.0, 3.0, 3.0],
            "target": ["u", "u", "v", "v"],
        }
    )

    class Est:
        def __init__(self, frame):
            self.frame = frame

        def rolling_forecasts(self, X, y=None):
            return self.frame

    # target u: errors 1, 0 over scale 1; target v: 0, 3 over scale 3
    assert get_scorer("mase")(Est(frame), None) == pytest.approx(-(0.5 + 0.5) / 2)
    single = Est(frame.drop(columns="target"))  # one series: every row pooled
    assert get_scorer("mase")(single, None) == pytest.approx(-(1 + 0 + 0 + 1) / 4)


def test_scorer_errors():
    with pytest.raises(ValueError, match="must provide a 'scale' column"):
        get_scorer("mase")(FakeForecaster(scale=False), None)
    with pytest.raises(ValueError, match="no quantile column.*quantiles="):
        get_scorer("pinball")(FakeForecaster(quantiles=False), None)
    with pytest.raises(TypeError, match=r"rolling_forecasts.*make_scorer\(tsrnn"):
        get_scorer("smape")(Ridge(), None)
    with pytest.raises(ValueError, match=r"not a tsrnn scorer.*'mae'"):
        get_scorer("r2")


def test_scorers_work_with_sklearn():
    est = FakeForecaster(quantiles=(0.025, 0.1, 0.9, 0.975))  # 95% and 80%
    X = np.arange(20.0).reshape(-1, 1)
    for name, scorer in SCORERS.items():
        assert check_scoring(est, scoring=scorer) is scorer
        assert repr(scorer) == f"tsrnn.metrics.get_scorer({name!r})"
        copy = pickle.loads(pickle.dumps(scorer))  # n_jobs > 1 pickles scorers
        assert copy(est, X) == scorer(est, X)
    search = GridSearchCV(
        FakeForecaster(),
        {"bias": [-1.0, 0.0, 3.0]},
        scoring={"smape": get_scorer("smape"), "mase": get_scorer("mase")},
        refit="mase",
        cv=KFold(2),
    ).fit(X)
    assert search.best_params_ == {"bias": 0.0}
    assert (search.cv_results_["mean_test_smape"] < 0).all()


def test_scorers_on_a_real_forecaster_frame():
    from tsrnn import SeasonalNaiveForecaster

    t = np.arange(48)
    y = pd.Series(10 + np.sin(2 * np.pi * t / 4) + 0.1 * t)
    est = SeasonalNaiveForecaster(season=4, horizon=2).fit(y.iloc[:36])
    frame = est.rolling_forecasts(y.iloc[36:])
    assert get_scorer("mae")(est, y.iloc[36:]) == pytest.approx(est.score(y.iloc[36:]))
    expected = mae(frame["y"], frame["y_pred"]) / frame["scale"].iloc[0]
    assert get_scorer("mase")(est, y.iloc[36:]) == pytest.approx(-expected)


def test_make_scorer_wraps_the_array_metrics_for_regressors():
    rng = np.random.default_rng(0)
    X = rng.uniform(1, 2, size=(40, 2))
    y = 10 + X @ [1.0, 2.0] + rng.normal(0, 0.1, 40)
    for metric, kwargs in [(smape, {}), (mae, {}), (pinball_loss, {"quantile": 0.9})]:
        scoring = make_scorer(metric, greater_is_better=False, **kwargs)
        scores = cross_val_score(Ridge(alpha=1e-3), X, y, cv=3, scoring=scoring)
        assert ((scores < 0) & (scores > -1.0)).all()


# -- the forecasters' MASE is tsrnn.metrics.mase, computed independently ----------------
@pytest.mark.parametrize("model", ["snaive", "lstm"])
def test_forecaster_mase_is_metrics_mase_at_the_seasonal_lag(model):
    from tsrnn import LSTMForecaster, SeasonalNaiveForecaster
    from tsrnn.datasets import load_air_passengers

    y = load_air_passengers()  # monthly: season 12
    train, test = y.iloc[:120], y.iloc[120:]
    est = (
        SeasonalNaiveForecaster(horizon=12)
        if model == "snaive"
        else LSTMForecaster(horizon=12, hidden_size=4, max_epochs=2, random_state=0)
    ).fit(train)
    frame = est.rolling_forecasts(test)
    values = train.to_numpy()
    np.testing.assert_allclose(
        frame["scale"], np.abs(values[12:] - values[:-12]).mean()
    )
    expected = mase(frame["y"], frame["y_pred"], y_train=values, m=12)
    assert get_scorer("mase")(est, test) == pytest.approx(-expected, rel=1e-12)
    if model == "snaive":  # 13 origins x 12 months; at lag 1 it would read 2.32
        assert expected == pytest.approx(1.8010, abs=1e-4)


def test_panel_mase_averages_each_series_own_mase():
    from tsrnn import SeasonalNaiveForecaster

    def monthly(n, seed, start="2000-01-01"):
        values = seasonal_series(n, 12, seed=seed) * (10.0**seed)
        return pd.Series(values, index=pd.date_range(start, periods=n, freq="MS"))

    # lengths 84, 40 and 20 months (20 < 2 seasons); "new" is not seen in fit
    full = {"a": monthly(96, 0), "b": monthly(52, 1), "c": monthly(32, 2)}
    fit = {k: s.iloc[:-12] for k, s in full.items()}
    later = {k: s.iloc[-12:] for k, s in full.items()}
    later["new"] = monthly(30, 3, start="2003-01-01")
    est = SeasonalNaiveForecaster(horizon=3).fit(pd.concat(fit, names=["id", "t"]))
    X = pd.concat(later, names=["id", "t"])
    frame = est.rolling_forecasts(X)
    per_series = []
    for sid, part in frame.groupby("id", sort=False):
        if sid == "new":  # scaled on its context: the first season, lag 1
            y_train, m = later["new"].to_numpy()[:12], 1
        else:  # scaled on its whole training history, lag 12
            y_train, m = fit[sid].to_numpy(), 12
            # its own scale: the same as when fitted alone
            alone = SeasonalNaiveForecaster(horizon=3).fit(fit[sid])
            expected = alone.rolling_forecasts(later[sid])["scale"]
            np.testing.assert_allclose(part["scale"], expected)
        per_series.append(mase(part["y"], part["y_pred"], y_train=y_train, m=m))
    assert len(per_series) == 4
    assert get_scorer("mase")(est, X) == pytest.approx(-np.mean(per_series))


# -- edges: boundaries and argument names (each found by mutation testing) -------------
@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: mae([1.0, 2.0], ["a", "b"]), "^y_pred must be numeric"),
        (lambda: mae(["a"], [1.0]), "^y_true must be numeric"),
        (lambda: seasonal_naive_forecast(["a", "b"], 2), "^y_train must be numeric"),
        (lambda: seasonal_naive_forecast([[1.0, 2.0]], 2), "^y_train must be 1-D"),
        (lambda: seasonal_naive_forecast([1.0, 2.0], 0), "^horizon must be a positive"),
        (lambda: seasonal_naive_forecast([1.0, 2.0], 2, m=0), "^m must be a positive"),
        (lambda: naive2_forecast(["a", "b", "c"], 2, 1), "^y_train must be numeric"),
        (lambda: naive2_forecast([1.0, NAN], 2, 1), "^y_train contains NaN"),
        (lambda: mase([1.0], [1.0], y_train=["a", "b"]), "^y_train must be numeric"),
        (
            lambda: mase([[1.0], [2.0]], [[1.0], [2.0]], y_train=[[1.0, 2.0], ["a"]]),
            r"^y_train\[1\] must be numeric",
        ),
        (
            lambda: mase([[1.0], [2.0]], [[1.0], [2.0]], y_train=[[1.0, 2.0], [[1.0]]]),
            r"^y_train\[1\] must be 1-D",
        ),
        (
            lambda: mase([[1.0], [2.0]], [[1.0], [2.0]], y_train=[[1.0, 2.0, 4.0]]),
            "^y_train holds 1 series but y_true has shape",
        ),
        (lambda: owa("1", 1.0, 1.0, 1.0), "^smape_value must be a non-negative"),
        (lambda: owa(True, 1.0, 1.0, 1.0), "^smape_value must be a non-negative"),
        (lambda: owa(1.0, 1.0, 1.0, 0.0), "^mase_naive2 must be a positive"),
    ],
)
def test_errors_name_the_argument_first(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_owa_accepts_a_perfect_method_and_small_benchmarks():
    assert owa(0.0, 0.0, 10.0, 2.0) == 0.0  # a perfect forecast
    assert owa(5.0, 0.0, 10.0, 2.0) == 0.25
    assert owa(1.0, 1.0, 0.5, 0.5) == 2.0  # benchmark errors below 1 are fine


def test_smape_counts_small_values_and_both_zero_as_zero():
    assert smape([0.2], [0.4]) == pytest.approx(200 * 0.2 / 0.6)  # |y| + |f| < 1
    assert smape([0.0, 0.0, 2.0], [0.0, 0.0, 2.0]) == 0.0


def test_mase_boundaries():
    # m + 1 training values: one seasonal difference is enough
    assert mase([3.0], [4.0], y_train=[1.0, 5.0, 3.0], m=2) == pytest.approx(1 / 2)
    # one y_train series as a list, one forecast: the same as a plain series
    assert mase([3.0, 5.0], [4.0, 5.0], y_train=[[1.0, 2.0, 4.0]]) == mase(
        [3.0, 5.0], [4.0, 5.0], y_train=[1.0, 2.0, 4.0]
    )
    # a series observed at a single forecast step still has its MASE
    got = mase(
        [[1.0, NAN], [2.0, 4.0]],
        [[2.0, 0.0], [2.0, 2.0]],
        y_train=[[0.0, 1.0], [0.0, 2.0]],
    )
    assert got == pytest.approx((1 / 1 + 1 / 2) / 2)


def test_seasonal_naive_forecast_needs_one_season_only():
    np.testing.assert_array_equal(
        seasonal_naive_forecast([1.0, 2.0, 3.0], 4, m=3), [1.0, 2.0, 3.0, 1.0]
    )


def test_naive2_seasonality_boundaries():
    # 11 < 3 * 4 steps with a clear season at lag 4 (the ACF test alone would say
    # seasonal): not tested, so not seasonal
    spikes = np.where(np.arange(11) % 4 == 0, 50.0, 10.0)
    np.testing.assert_array_equal(naive2_forecast(spikes, 3, 4), [10.0, 10.0, 10.0])
    pattern = [10.0, 20.0, 30.0, 40.0]
    # exactly 3 seasons: tested, and seasonal
    np.testing.assert_allclose(naive2_forecast(np.tile(pattern, 3), 4, 4), pattern)
    # fewer than 3 seasons: not seasonal by definition, the last value
    np.testing.assert_array_equal(naive2_forecast(np.tile(pattern, 2), 2, 4), [40, 40])
    # a season of 2 is a season
    np.testing.assert_allclose(
        naive2_forecast(np.tile([5.0, 9.0], 12), 3, 2), [5, 9, 5]
    )
    # m = 1: no seasonality test, so no positivity needed
    alternating = np.tile([-1.0, 1.0], 10)
    np.testing.assert_array_equal(naive2_forecast(alternating, 2, 1), [1.0, 1.0])


def test_naive2_positivity_is_required_only_when_seasonal():
    y = np.tile([0.1, 0.2, 0.3, 0.5], 6)  # positive, below 1
    np.testing.assert_allclose(naive2_forecast(y, 4, 4), [0.1, 0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="seasonal but has values <= 0"):
        naive2_forecast(np.tile([0.0, 2.0, 3.0, 5.0], 6), 2, 4)


def test_naive2_of_a_constant_series_is_the_constant_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division by a zero variance
        for level in (0.0, 3.0, -2.0):
            np.testing.assert_array_equal(
                naive2_forecast(np.full(40, level), 3, 4), np.full(3, level)
            )


def test_seasonal_indices_are_normalised_to_mean_one():
    from statsmodels.tsa.seasonal import seasonal_decompose

    from tsrnn._naive import seasonal_indices as _seasonal_indices

    y = seasonal_series(50, 6, seed=3)
    got = _seasonal_indices(y, 6)
    assert got.mean() == pytest.approx(1.0)
    expected = seasonal_decompose(y, model="multiplicative", period=6).seasonal[:6]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("m", [4, 5])
def test_centred_moving_average_is_the_classical_decomposition_trend(m):
    from statsmodels.tsa.seasonal import seasonal_decompose

    from tsrnn._naive import centred_moving_average as _centred_moving_average

    y = seasonal_series(30, m, seed=1)
    expected = seasonal_decompose(y, model="additive", period=m).trend
    np.testing.assert_allclose(_centred_moving_average(y, m), expected, rtol=1e-12)


def _frame(**extra):
    frame = pd.DataFrame({"id": ["a", "a"], "y": [10.0, 20.0], "y_pred": [12.0, 20.0]})
    return frame.assign(**extra)


def test_pinball_scorer_reads_every_quantile_column_and_nothing_else():
    from tsrnn.metrics._scorers import _frame_pinball

    # a column "quality" before the quantiles, an integer column name, and the
    # quantile 1e-05, written "q1e-05" as the forecasters write it
    frame = _frame(quality=[1.0, 2.0], **{"q1e-05": [0.0, 0.0], "q0.9": [11.0, 25.0]})
    frame[0] = 1.0
    expected = np.mean(
        [
            pinball_loss(frame.y, frame["q1e-05"], 1e-05),
            pinball_loss(frame.y, frame["q0.9"], 0.9),
        ]
    )
    assert _frame_pinball(frame) == pytest.approx(expected)


def test_scorers_read_nullable_float_columns_as_missing_values():
    from tsrnn.metrics._scorers import _frame_mae

    frame = _frame(scale=[1.0, 1.0])
    frame["y"] = pd.array([10.0, None], dtype="Float64")  # pandas' NA, not NaN
    assert _frame_mae(frame) == 2.0


def test_mase_scale_column_must_be_finite_and_positive():
    from tsrnn.metrics._scorers import _frame_mase

    for bad in (np.inf, 0.0, -1.0, NAN):
        with pytest.raises(ValueError, match="'scale' column has values that are not"):
            _frame_mase(_frame(scale=[1.0, bad]))


def test_mase_of_a_frame_averages_per_series_and_target():
    from tsrnn.metrics._scorers import _frame_mase

    # the series "a" comes first and has no observed actual, so no MASE; series
    # "b", target u: one error of 1 (scale 1); target v: errors 0, 0, 3 (scale 2)
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "b", "b", "b"],
            "target": ["u", "u", "v", "v", "v"],
            "y": [NAN, 1.0, 2.0, 2.0, 8.0],
            "y_pred": [5.0, 2.0, 2.0, 2.0, 5.0],
            "scale": [1.0, 1.0, 2.0, 2.0, 2.0],
        }
    )
    # per (series, target): (1 + 0.5) / 2; pooled over b's rows it would be 0.625
    assert _frame_mase(frame) == pytest.approx(0.75)
    # pandas' nullable floats read as numbers, NA as missing
    nullable = frame.astype({"y": "Float64", "scale": "Float64"})
    nullable.loc[0, "y"] = pd.NA
    assert _frame_mase(nullable) == pytest.approx(0.75)
    assert _frame_mase(frame.astype({"scale": object})) == pytest.approx(0.75)


class _Recorder(BaseEstimator):
    """A forecaster whose rolling_forecasts records its arguments."""

    def __init__(self, frame=None):
        self.frame = frame

    def rolling_forecasts(self, X, y=None):
        self.seen_ = (X, y)
        return self.frame


def test_scorers_pass_y_on_and_check_the_frame():
    est = _Recorder(_frame(scale=[1.0, 1.0]))
    assert get_scorer("mae")(est, "X", "Y") == -1.0
    assert est.seen_ == ("X", "Y")
    for returned, lacks in ((_frame().drop(columns="y_pred"), "y_pred"), ([1, 2], "y")):
        with pytest.raises(
            TypeError, match=f"must return a DataFrame.*lacks.*'{lacks}'"
        ):
            get_scorer("mae")(_Recorder(returned), None)


def test_a_scorer_built_anew_equals_the_registered_one():
    from tsrnn.metrics._scorers import _ForecastScorer, _frame_mae

    scorer = _ForecastScorer("mae", _frame_mae)
    assert (scorer.name, scorer.error) == ("mae", _frame_mae)
    assert repr(scorer) == repr(SCORERS["mae"])
    est = _Recorder(_frame())
    assert scorer(est, None) == SCORERS["mae"](est, None) == -1.0


@pytest.mark.parametrize("factor", [1e-150, 1e-11, 1e-8, 1e10, 1e150])
def test_every_metric_is_the_same_in_other_units(factor):
    # issue 18 item 3: no absolute epsilon in MASE, sMAPE, OWA or the benchmarks
    y = seasonal_series(60, 12, seed=3)
    train, test = y[:48], y[48:]
    snaive = seasonal_naive_forecast(train, 12, m=12)
    n2 = naive2_forecast(train, 12, m=12)
    s = lambda a: np.asarray(a) * factor  # noqa: E731
    np.testing.assert_allclose(
        seasonal_naive_forecast(s(train), 12, m=12), s(snaive), rtol=1e-12
    )
    np.testing.assert_allclose(naive2_forecast(s(train), 12, m=12), s(n2), rtol=1e-9)
    for metric in (
        lambda t, p, tr: mase(t, p, tr, m=12),
        lambda t, p, tr: mase(t, p, tr, m=1),
        lambda t, p, tr: smape(t, p),
    ):
        assert metric(s(test), s(n2), s(train)) == pytest.approx(
            metric(test, n2, train), rel=1e-9
        )
    args = (smape(test, snaive), mase(test, snaive, train, m=12))
    ref = (smape(test, n2), mase(test, n2, train, m=12))
    scaled = (
        smape(s(test), s(snaive)),
        mase(s(test), s(snaive), s(train), m=12),
        smape(s(test), s(n2)),
        mase(s(test), s(n2), s(train), m=12),
    )
    assert owa(*scaled) == pytest.approx(owa(*args, *ref), rel=1e-9)
    # a constant in other units is still refused by MASE, and sMAPE of equal values 0
    with pytest.raises(ValueError, match="repeats itself exactly"):
        mase(s([1.0, 1.0]), s([1.0, 1.0]), s(np.full(6, 0.3)), m=1)
    assert smape(s([0.3, 0.3]), s([0.3, 0.3])) == 0.0


# -- interval and quantile metrics ------------------------------------------------------
def test_interval_metrics_by_hand():
    # y_train [1, 3, 5]: |diffs| 2, 2, scale 2. 95% interval, 2 / alpha = 40:
    # 5 in [4, 6]: 2; 6 in [4, 8]: 4; 9 > 8: 4 + 40 * 1; 2 < 3: 2 + 40 * 1
    y, lo, hi = [5.0, 6.0, 9.0, 2.0], [4.0, 4.0, 4.0, 3.0], [6.0, 8.0, 8.0, 5.0]
    got = msis(y, lo, hi, y_train=[1.0, 3.0, 5.0])
    assert isinstance(got, float)
    assert got == pytest.approx((2 + 4 + 44 + 42) / 4 / 2, rel=1e-12)
    # alpha = 0.5 (2 / alpha = 4) and lag m = 2 (y_train |diffs| 4, 2: scale 3)
    got = msis(y, lo, hi, y_train=[1.0, 3.0, 5.0, 1.0], alpha=0.5, m=2)
    assert got == pytest.approx((2 + 4 + (4 + 4) + (2 + 4)) / 4 / 3, rel=1e-12)
    assert coverage(y, lo, hi) == 0.5
    assert coverage(y, y, y) == 1.0  # the bounds count as inside
    assert interval_width(lo, hi) == 3.0
    assert interval_width(lo, hi, y_true=[NAN, 6.0, 9.0, NAN]) == 4.0
    # crps: levels 0.1, 0.5, 0.9 at 8, 10, 13 and y = 9: pinball 0.1 * 1,
    # 0.5 * 1 and 0.1 * 4; the levels' cells of (0, 1) are 0.3, 0.4, 0.3
    # (edges at the midpoints 0.3 and 0.7): 2 * (0.03 + 0.2 + 0.12)
    assert crps([9.0], [[8.0, 10.0, 13.0]], [0.1, 0.5, 0.9]) == pytest.approx(0.7)
    # the levels in any order, each with its forecast
    assert crps([[9.0]], [[[10.0, 8.0, 13.0]]], [0.5, 0.1, 0.9]) == pytest.approx(0.7)


def test_msis_matches_a_transcription_of_the_m4_code():
    # the scale transcribed from mase_cal of M4-methods' "Benchmarks and
    # Evaluation.R" (1-based R indices):
    #   forecastsNaiveSD <- rep(NA,frq)
    #   for (j in (frq+1):length(insample)){
    #     forecastsNaiveSD <- c(forecastsNaiveSD, insample[j-frq]) }
    #   masep <- mean(abs(insample-forecastsNaiveSD), na.rm = TRUE)
    # and MSIS as the M4 paper (Makridakis et al. 2020) defines it:
    #   mean(U - L + 2/a*(L - Y)*(Y < L) + 2/a*(Y - U)*(Y > U)) / masep
    def r_msis(insample, outsample, lower, upper, a, frq):
        naive_sd = [NAN] * frq
        for j in range(frq + 1, len(insample) + 1):
            naive_sd.append(insample[j - frq - 1])
        masep = np.nanmean(np.abs(np.asarray(insample) - np.asarray(naive_sd)))
        total = 0.0
        for y, lo, hi in zip(outsample, lower, upper):
            total += hi - lo
            if y < lo:
                total += 2 / a * (lo - y)
            if y > hi:
                total += 2 / a * (y - hi)
        return total / len(outsample) / masep

    m, h, rng = 12, 8, np.random.default_rng(7)
    y_train = [seasonal_series(n, m, seed=k) for k, n in enumerate((60, 37, 90))]
    y_true = rng.uniform(80, 140, size=(3, h))
    centre = y_true + rng.normal(0, 6, size=(3, h))
    half = rng.uniform(1, 12, size=(3, h))
    lower, upper = centre - half, centre + half
    assert 0 < coverage(y_true, lower, upper) < 1  # misses on both sides
    assert (y_true < lower).any() and (y_true > upper).any()
    for a in (0.05, 0.2):
        expected = [
            r_msis(y_train[k], y_true[k], lower[k], upper[k], a, m) for k in range(3)
        ]
        got = msis(y_true, lower, upper, y_train, alpha=a, m=m)
        assert got == pytest.approx(np.mean(expected), rel=1e-12)
        alone = msis(y_true[1], lower[1], upper[1], y_train[1], alpha=a, m=m)
        assert alone == pytest.approx(expected[1], rel=1e-12)


def test_interval_score_is_the_scaled_pinball_of_its_bounds():
    # Gneiting and Raftery (2007): IS_a = 2 / a * (QS_{a/2}(L) + QS_{1-a/2}(U))
    from tsrnn.metrics._interval import interval_score

    rng = np.random.default_rng(2)
    y, centre = rng.normal(size=50), rng.normal(size=50)
    half = rng.uniform(0, 2, size=50)
    for a in (0.05, 0.5):
        lo, hi = centre - half, centre + half
        expected = 2 / a * (pinball_loss(y, lo, a / 2) + pinball_loss(y, hi, 1 - a / 2))
        assert interval_score(y, lo, hi, a).mean() == pytest.approx(expected)


def test_crps_estimate():
    from scipy.stats import norm

    rng = np.random.default_rng(4)
    y, f = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    levels = [0.1, 0.3, 0.7, 0.9]
    quantile_forecasts = f[..., None] + np.array([-1.0, -0.2, 0.3, 1.5])
    cells = [0.2, 0.3, 0.3, 0.2]  # of (0, 1), split at the midpoints of the levels
    expected = 2 * np.sum(
        [
            w * pinball_loss(y, quantile_forecasts[..., j], q)
            for j, (q, w) in enumerate(zip(levels, cells))
        ]
    )
    assert crps(y, quantile_forecasts, levels) == pytest.approx(expected)
    # few levels of a calibrated normal forecast: the docstring's 0.50 sigma
    # against the CRPS of 1 / sqrt(pi) = 0.564 sigma (0.32 without the median)
    draws = np.random.default_rng(0).normal(size=200_000)
    few = np.array([0.025, 0.1, 0.5, 0.9, 0.975])
    at = np.broadcast_to(norm.ppf(few), (len(draws), len(few)))
    assert crps(draws, at, few) == pytest.approx(0.50, abs=0.005)
    tails = few[[0, 1, 3, 4]]
    assert crps(draws, at[:, [0, 1, 3, 4]], tails) == pytest.approx(0.32, abs=0.005)
    # a point forecast at levels symmetric about 0.5: the MAE
    point = np.repeat(f[..., None], 4, axis=-1)
    assert crps(y, point, [0.1, 0.25, 0.75, 0.9]) == pytest.approx(mae(y, f))
    # dense levels: the closed-form CRPS of a normal forecast N(mu, sigma^2)
    k = 999
    dense = (np.arange(1, k + 1) - 0.5) / k
    mu, sigma = np.array([0.0, 2.0, -1.0]), np.array([1.0, 0.5, 3.0])
    actual = np.array([0.3, 4.0, -1.0])
    z = (actual - mu) / sigma
    exact = sigma * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / np.sqrt(np.pi))
    forecasts = mu[:, None] + sigma[:, None] * norm.ppf(dense)
    assert crps(actual, forecasts, dense) == pytest.approx(exact.mean(), rel=1e-4)


def test_interval_metrics_leave_nan_actuals_out():
    y = np.array([[1.0, NAN, 3.0], [NAN, 5.0, 6.0]])
    lo = np.array([[0.0, NAN, 3.5], [NAN, 4.0, 5.0]])  # NaN bound: unused
    hi = np.array([[2.0, NAN, 4.0], [9.0, 8.0, 7.0]])
    keep = ~np.isnan(y)
    for metric in (coverage, lambda t, lo, hi: interval_width(lo, hi, t)):
        assert metric(y, lo, hi) == metric(y[keep], lo[keep], hi[keep])
    y_train = np.arange(10.0)
    assert msis(y, lo, hi, y_train) == msis(y[keep], lo[keep], hi[keep], y_train)
    # per series: a series with no observed actual has no MSIS
    rows = np.array([[1.0, 2.0], [NAN, NAN]])
    bounds = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[2.0, 4.0], [1.0, 1.0]])
    got = msis(rows, *bounds, [y_train, y_train])
    assert got == msis(rows[0], bounds[0][0], bounds[1][0], y_train) == 3.0
    quantile_forecasts = np.stack([lo, hi], axis=-1)
    assert crps(y, quantile_forecasts, [0.2, 0.8]) == crps(
        y[keep], quantile_forecasts[keep], [0.2, 0.8]
    )
    # pandas inputs by position
    assert coverage(pd.Series([1.0, 5.0], index=[1, 0]), [0.0, 0.0], [2.0, 2.0]) == 0.5


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: coverage(GOOD, [1.0, 2.0], GOOD),
            r"^lower and upper must have the same shape; got lower \(2,\)",
        ),
        (
            lambda: coverage([1.0, 2.0], GOOD, GOOD),
            r"^y_true and lower must have the same shape; got y_true \(2,\) and "
            r"lower \(3,\)",
        ),
        (
            lambda: coverage(GOOD, [0.0, 3.0, 2.0], [5.0, 1.0, 0.5]),
            r"^lower > upper at 2 point\(s\), the first at index 1 \(lower 3, upper "
            r"1\); every lower bound must be at most its upper bound.*swap them",
        ),
        (
            lambda: coverage(np.ones((2, 2)), [[0, 0], [0, 3]], [[1, 1], [1, 1]]),
            r"^lower > upper at 1 point\(s\), the first at index \(1, 1\) \(lower 3, "
            r"upper 1\).*swap them",
        ),
        (
            lambda: coverage(GOOD, [0.0, NAN, 0.0], [9.0, 9.0, 9.0]),
            "^lower has NaN where y_true is observed",
        ),
        (
            lambda: interval_width([0.0, 1.0], [1.0, NAN]),
            "^upper has NaN where y_true is observed.*set y_true to NaN",
        ),
        (lambda: coverage(GOOD, GOOD, [1.0, np.inf, 3.0]), "^upper contains inf"),
        (lambda: interval_width(["a"], [1.0]), "^lower must be numeric"),
        (lambda: coverage([NAN], [0.0], [1.0]), "^y_true has no observed value"),
        (lambda: msis(GOOD, GOOD, GOOD, GOOD, alpha=0.0), "^alpha must be a number"),
        (lambda: msis(GOOD, GOOD, GOOD, GOOD, alpha=1.0), "strictly between 0 and 1"),
        (lambda: msis(GOOD, GOOD, GOOD, GOOD, alpha=True), "^alpha must be a number"),
        (lambda: msis(GOOD, GOOD, GOOD, GOOD, m=0), "^m must be a positive integer"),
        (
            lambda: msis(GOOD, GOOD, GOOD, [1.0, 1.0, 1.0]),
            "^y_train repeats itself exactly at lag m=1.*so MSIS would divide by zero",
        ),
        (
            lambda: msis(GOOD, GOOD, GOOD, [np.arange(4.0)] * 2),
            r"^y_train holds 2 series but y_true has shape \(3,\)",
        ),
        (
            lambda: crps(GOOD, np.ones((3, 2)), [0.5]),
            r"^y_quantiles must have shape y_true.shape \+ \(n_quantiles,\) = \(3, 1\)"
            r"; got \(3, 2\)",
        ),
        (
            lambda: crps(GOOD, np.ones((3, 1)), [1.5]),
            r"^quantiles\[0\] must be a number strictly between 0 and 1",
        ),
        (
            lambda: crps(GOOD, np.ones((3, 1)), 0.5),
            "^quantiles must be a non-empty 1-D",
        ),
        (lambda: crps(GOOD, np.ones((3, 0)), []), "^quantiles must be a non-empty 1-D"),
        (
            lambda: crps(GOOD, [[1.0, 1.0], [NAN, 1.0], [1.0, 1.0]], [0.1, 0.9]),
            r"^y_quantiles\[\.\.\., 0\] has NaN where y_true is observed",
        ),
    ],
)
def test_interval_errors_name_the_argument_and_the_fix(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_lower_above_upper_is_refused_even_where_y_true_is_missing():
    with pytest.raises(ValueError, match="lower > upper at 1 point"):
        coverage([1.0, NAN], [0.0, 5.0], [2.0, 4.0])
    # but NaN bounds there are fine: nothing to score
    assert coverage([1.0, NAN], [0.0, NAN], [2.0, NAN]) == 1.0


def two_interval_frame():
    """Two series (scales 2 and 5), a missing actual, the 80% and 95% intervals."""
    return pd.DataFrame(
        {
            "id": ["a", "a", "a", "b", "b"],
            "y": [10.0, 12.0, NAN, 100.0, 96.0],
            "y_pred": [10.0, 11.0, 5.0, 99.0, 100.0],
            "q0.025": [7.0, 9.0, NAN, 90.0, 97.0],
            "q0.1": [8.0, 10.0, NAN, 94.0, 98.0],
            "q0.9": [12.0, 13.0, NAN, 99.0, 102.0],
            "q0.975": [13.0, 15.0, NAN, 110.0, 104.0],
            "scale": [2.0, 2.0, 2.0, 5.0, 5.0],
        }
    )


def test_evaluate_interval_metrics_of_a_frame_by_hand():
    frame = two_interval_frame()
    # 95% (2 / alpha = 40): a: 6 / 2, 6 / 2; b: 20 / 5, (7 + 40 * 1) / 5
    got = evaluate(frame, ["msis", "coverage", "acd", "interval_width"])
    assert got == pytest.approx(
        {
            "msis": (3.0 + (4.0 + 9.4) / 2) / 2,
            "coverage": 0.75,  # 96 < 97
            "acd": 0.2,
            "interval_width": (6 + 6 + 20 + 7) / 4,
        }
    )
    # 80% (2 / alpha = 10): a: 4 / 2, 3 / 2; b: (5 + 10 * 1) / 5, (4 + 10 * 2) / 5
    got = evaluate(frame, ["msis", "coverage", "acd", "interval_width"], coverage=0.8)
    assert got == pytest.approx(
        {"msis": (1.75 + 3.9) / 2, "coverage": 0.5, "acd": 0.3, "interval_width": 4.0}
    )
    # scaled CRPS over the 4 levels and y_pred as the median (0.5); the levels'
    # cells of (0, 1): 0.0625, 0.2375, 0.4, 0.2375, 0.0625. Row 0 (y = 10):
    # pinball 0.025 * 3, 0.1 * 2, 0, 0.1 * 2, 0.025 * 3: 2 * 0.104375 / 2;
    # row 1 (y = 12; 9, 10, 11, 13, 15): 0.075, 0.2, 0.5, 0.1, 0.075: 0.280625;
    # row 3 (y = 100; 90, 94, 99, 99, 110): 0.25, 0.6, 0.5, 0.9, 0.25: 0.235;
    # row 4 (y = 96; 97, 98, 100, 102, 104): 0.975, 1.8, 2, 0.6, 0.2: 0.577375.
    # Per series (a: 0.1925, b: 0.4061875), then over the series
    assert evaluate(frame, "crps") == pytest.approx({"crps": 0.29934375})
    # a q0.5 column is the median when the frame has one, not y_pred
    with_median = frame.assign(**{"q0.5": frame["y_pred"]}, y_pred=0.0)
    assert evaluate(with_median, "crps") == pytest.approx({"crps": 0.29934375})
    # the point metrics in the same call, in the order asked
    assert list(evaluate(frame, ["mae", "msis", "crps"])) == ["mae", "msis", "crps"]


def test_frame_msis_is_the_array_msis_per_series():
    frame = two_interval_frame()
    y_train = {"a": np.array([1.0, 3.0, 5.0]), "b": np.array([0.0, 5.0, 10.0, 5.0])}
    per_series = []
    for sid, part in frame.groupby("id"):
        assert (part["scale"] == np.abs(np.diff(y_train[sid])).mean()).all()
        per_series.append(
            msis(part["y"], part["q0.1"], part["q0.9"], y_train[sid], alpha=0.2)
        )
    assert evaluate(frame, "msis", coverage=0.8)["msis"] == pytest.approx(
        np.mean(per_series)
    )


def test_interval_scorers_on_a_frame_with_two_intervals():
    est = _Recorder(two_interval_frame())
    expected = {
        c: evaluate(est.frame, ["msis", "acd"], coverage=c) for c in (0.8, 0.95)
    }
    for name in ("msis", "acd"):
        assert SCORERS[name](est, None) == -expected[0.95][name]
        assert get_scorer(name)(est, None) == -expected[0.95][name]
        assert get_scorer(name, coverage=0.95) is SCORERS[name]
        scorer = get_scorer(name, coverage=0.8)
        assert scorer(est, None) == -expected[0.8][name]
        assert repr(scorer) == f"tsrnn.metrics.get_scorer({name!r}, coverage=0.8)"
        copy = pickle.loads(pickle.dumps(scorer))  # n_jobs > 1 pickles scorers
        assert repr(copy) == repr(scorer)
        assert copy(est, None) == scorer(est, None)
    assert get_scorer("crps")(est, None) == pytest.approx(-0.29934375)
    assert get_scorer("crps", coverage=0.8) is SCORERS["crps"]  # no interval used
    assert get_scorer("mae", coverage=0.8) is SCORERS["mae"]


def test_a_missing_interval_names_the_columns_and_the_fix():
    frame = two_interval_frame()
    with pytest.raises(
        ValueError,
        match=r"^coverage=0.9 needs the quantile columns 'q0.05' and 'q0.95'.*"
        r"\['q0.025', 'q0.1', 'q0.9', 'q0.975'\], the intervals of coverage 0.8, "
        r"0.95. Pass one of those as coverage=.*quantiles=\[0.05, 0.95\].*"
        r"ConformalForecaster with coverage=0.9",
    ):
        evaluate(frame, ["mae", "msis"], coverage=0.9)
    with pytest.raises(ValueError, match=r"\['q0.1'\], no pair q and 1 - q"):
        evaluate(frame[["y", "y_pred", "q0.1"]], "coverage", coverage=0.8)
    with pytest.raises(ValueError, match="they have no quantile column. Fit"):
        evaluate(frame[["y", "y_pred"]], "interval_width")
    # through a scorer: the scorer is named, with its coverage
    with pytest.raises(
        ValueError,
        match=r"get_scorer\('acd', coverage=0.5\) on _Recorder.*q0.25",
    ):
        get_scorer("acd", coverage=0.5)(_Recorder(frame), None)


def test_interval_metric_errors_of_a_frame():
    frame = two_interval_frame()
    frame.loc[1, "q0.9"] = NAN
    with pytest.raises(
        ValueError,
        match=r"^the interval of coverage 0.8 \(column 'y' is y_true, 'q0.1' is lower, "
        r"'q0.9' is upper\): upper has NaN where y_true is observed",
    ):
        evaluate(frame, "coverage", coverage=0.8)
    with pytest.raises(ValueError, match=r"^column 'q0.9' has NaN where y_true"):
        evaluate(frame, "crps")
    swapped = two_interval_frame().rename(columns={"q0.1": "q0.9", "q0.9": "q0.1"})
    with pytest.raises(ValueError, match="'q0.1' is lower.*lower > upper.*swap them"):
        evaluate(swapped, "msis", coverage=0.8)
    no_scale = two_interval_frame().drop(columns="scale")
    for name, what in (("msis", "MSIS"), ("crps", "CRPS")):
        with pytest.raises(ValueError, match=f"must provide a 'scale' column.*{what}"):
            evaluate(no_scale, name)
    assert evaluate(no_scale, ["coverage", "acd", "interval_width"])  # no scale used
    with pytest.raises(ValueError, match="^coverage must be a number strictly"):
        evaluate(frame, "mae", coverage=95)
    with pytest.raises(ValueError, match="^coverage must be a number strictly"):
        get_scorer("msis", coverage=1.0)
    with pytest.raises(ValueError, match=r"not tsrnn metrics.*'interval_width'"):
        evaluate(frame, ["msis", "width"])
    for name in ("coverage", "interval_width"):
        with pytest.raises(ValueError, match=f"'{name}' is not a score.*evaluate"):
            get_scorer(name)
    with pytest.raises(TypeError, match=r"tsrnn.metrics.coverage"):
        get_scorer("acd")(Ridge(), None)
