"""The bad-input catalogue: every public entry point, one row per mistake.

Each row asserts the exception type and a message that names the argument and
says how to fix it. Rows are (entry point, call, exception, pattern).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

import tsrnn
from tsrnn import metrics
from tsrnn.model_selection import PanelSplitter, backtest

TINY = dict(hidden_size=4, max_epochs=1, random_state=0)
X2 = np.random.default_rng(0).normal(size=(12, 5))
Y1 = np.arange(12.0)
DAILY = pd.Series(
    np.arange(40.0), index=pd.date_range("2021-01-01", periods=40, freq="D")
)

MONTHLY40 = pd.Series(
    np.arange(40.0) + 1, index=pd.date_range("2020-01-01", periods=40, freq="MS")
)
LONG_SHUFFLED = pd.DataFrame(
    {
        "id": np.repeat(["a", "b"], 6),
        "date": np.tile(pd.date_range("2020-01-01", periods=6, freq="D"), 2),
        "y": np.arange(12.0),
    }
).sample(frac=1, random_state=0)


HOLIDAY = pd.Series(  # 60 business days from 2024-01-01, Wednesday 2024-01-10 missing
    np.arange(60.0), index=pd.bdate_range("2024-01-01", periods=60)
).drop(pd.Timestamp("2024-01-10"))
HOURLY = pd.Series(
    np.arange(48.0), index=pd.date_range("2024-01-01", periods=48, freq="h")
)


class CLIFailed(Exception):
    """``tsrnn`` exited with code 1; the message is its one stderr line."""


def _cli_error(csv: str, *argv: str):
    """Run ``tsrnn forecast`` on ``csv``; raise CLIFailed(its stderr line)."""
    import contextlib
    import io
    import tempfile

    from tsrnn.__main__ import main

    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/data.csv"
        with open(path, "w") as f:
            f.write(csv)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["forecast", path, "--horizon", "2", "--quiet", *argv])
    assert code == 1
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and "freq=" not in lines[0] and "time_col=" not in lines[0]
    raise CLIFailed(lines[0])


def fitted_regressor():
    return tsrnn.RNNRegressor(**TINY).fit(X2, Y1)


def fitted_forecaster():
    return tsrnn.LSTMForecaster(horizon=2, **TINY).fit(DAILY)


# -- issue 18 items 2, 5, 6: keys, columns and alignment of pandas input -------------
DAYS = pd.date_range("2024-01-01", periods=30, freq="D")
SNAIVE = tsrnn.SeasonalNaiveForecaster


def two_targets():
    return pd.DataFrame(
        {"demand": np.arange(30.0), "returns": np.arange(30.0) % 7}, index=DAYS
    )


def long_frame(ids=None, times=None):
    """Two daily series of 15 rows in id_col / time_col columns; row 5 may lose a key."""
    frame = pd.DataFrame(
        {"id": ["a"] * 15 + ["b"] * 15, "t": list(DAYS[:15]) * 2, "v": np.arange(30.0)}
    )
    if ids is not None:
        frame["id"] = ids
    if times is not None:
        frame["t"] = times
    return frame


#: series ids with row 5 missing, in each dtype an id can come in
MISSING_IDS = {
    "object None": pd.array(["a"] * 5 + [None] + ["a"] * 9 + ["b"] * 15, dtype=object),
    "object NaN": np.array(["a"] * 5 + [np.nan] + ["a"] * 9 + ["b"] * 15, dtype=object),
    "float NaN": [1.0] * 5 + [np.nan] + [1.0] * 9 + [2.0] * 15,
    "Int64 NA": pd.array([1] * 5 + [None] + [1] * 9 + [2] * 15, dtype="Int64"),
    "string NA": pd.array(["a"] * 5 + [None] + ["a"] * 9 + ["b"] * 15, dtype="string"),
    "category NaN": pd.Categorical(["a"] * 5 + [None] + ["a"] * 9 + ["b"] * 15),
}
#: times with row 5 missing: NaT, NaN in float steps, NA in Int64 steps
MISSING_TIMES = {
    "NaT": [*DAYS[:5], pd.NaT, *DAYS[6:15], *DAYS[:15]],
    "float NaN": [*range(5), np.nan, *range(6, 15), *range(15)],
    "Int64 NA": pd.array([*range(5), None, *range(6, 15), *range(15)], dtype="Int64"),
}


CATALOGUE = [
    # -- RNNRegressor / RNNClassifier ----------------------------------------------------
    (
        "regressor.fit empty X",
        lambda: tsrnn.RNNRegressor(**TINY).fit(np.empty((0, 5)), []),
        ValueError,
        "0 sample",
    ),
    (
        "regressor.fit X/y length",
        lambda: tsrnn.RNNRegressor(**TINY).fit(X2, Y1[:5]),
        ValueError,
        "X and y have different numbers of samples.*one target per sequence",
    ),
    (
        "regressor.fit 4-D X",
        lambda: tsrnn.RNNRegressor(**TINY).fit(np.zeros((3, 2, 2, 2)), [1, 2, 3]),
        ValueError,
        "X must be 2-D or 3-D.*4-D",
    ),
    (
        "regressor.fit inf",
        lambda: tsrnn.RNNRegressor(**TINY).fit(np.full((3, 3), np.inf), [1, 2, 3]),
        ValueError,
        "Input X contains infinity",
    ),
    (
        "regressor.fit strings",
        lambda: tsrnn.RNNRegressor(**TINY).fit(
            np.array([["a", "b"], ["c", "d"]]), [1, 2]
        ),
        TypeError,
        "X must hold numbers.*Encode strings",
    ),
    (
        "regressor.fit ragged inf",
        lambda: tsrnn.RNNRegressor(**TINY).fit(
            [np.ones(3), np.array([1.0, np.inf])], [1, 2]
        ),
        ValueError,
        "Input X contains infinity.*NaN to mark",
    ),
    (
        "regressor.fit list feature counts",
        lambda: tsrnn.RNNRegressor(**TINY).fit(
            [np.ones((3, 2)), np.ones((4, 3))], [1, 2]
        ),
        ValueError,
        "different numbers of features",
    ),
    (
        "regressor.fit all-NaN row",
        lambda: tsrnn.RNNRegressor(**TINY).fit(
            np.vstack([np.full(5, np.nan), X2[1:]]), Y1
        ),
        ValueError,
        "no observed step.*Drop them or fill",
    ),
    (
        "regressor.fit y None",
        lambda: tsrnn.RNNRegressor(**TINY).fit(X2, None),
        ValueError,
        "requires y to be passed",
    ),
    (
        "regressor.fit NaN y",
        lambda: tsrnn.RNNRegressor(**TINY).fit(X2, np.r_[np.nan, Y1[1:]]),
        ValueError,
        r"y has 1 sample\(s\) with no target.*positions \[0\].*Drop those samples",
    ),
    (
        "regressor unknown cell",
        lambda: tsrnn.RNNRegressor(cell="transformer").fit(X2, Y1),
        ValueError,
        "'cell' parameter",
    ),
    (
        "regressor negative learning_rate",
        lambda: tsrnn.RNNRegressor(learning_rate=-1).fit(X2, Y1),
        ValueError,
        "'learning_rate' parameter",
    ),
    (
        "regressor bad device",
        lambda: tsrnn.RNNRegressor(device="gpu", **TINY).fit(X2, Y1),
        ValueError,
        "device must be 'cpu', 'cuda'",
    ),
    (
        "regressor.predict before fit",
        lambda: tsrnn.RNNRegressor().predict(X2),
        NotFittedError,
        "not fitted",
    ),
    (
        "regressor.predict changed columns",
        lambda: fitted_regressor().predict(X2[:, :3]),
        ValueError,
        "X has 3 features, but RNNRegressor is expecting 5",
    ),
    (
        "regressor.predict changed step features",
        lambda: fitted_regressor().predict(np.ones((2, 4, 3))),
        ValueError,
        "3 features per step.*expecting 1",
    ),
    (
        "regressor.predict interior NaN",
        lambda: fitted_regressor().predict(np.array([[1.0, np.nan, 2, 3, 4]])),
        ValueError,
        "missing values.*Impute",
    ),
    (
        "classifier one class",
        lambda: tsrnn.RNNClassifier(**TINY).fit(X2, ["a"] * 12),
        ValueError,
        "only one class.*at least two",
    ),
    (
        "classifier continuous y",
        lambda: tsrnn.RNNClassifier(**TINY).fit(X2, Y1 + 0.5),
        ValueError,
        "Unknown label type",
    ),
    (
        "classifier token ids negative",
        lambda: tsrnn.RNNClassifier(embedding_dim=2, **TINY).fit(
            [np.array([1, -2, 3]), np.array([2, 3])], [0, 1]
        ),
        ValueError,
        "non-negative integer token ids",
    ),
    (
        "classifier unseen token id",
        lambda: (
            tsrnn.RNNClassifier(embedding_dim=2, **TINY)
            .fit([np.array([1, 2, 3]), np.array([2, 3])], [0, 1])
            .predict([np.array([1, 99])])
        ),
        ValueError,
        "token id 99.*reserved id",
    ),
    # -- issue 18 items 14 and 16: sample_weight / class_weight ----------------------------
    (
        "regressor.fit sample_weight wrong length",
        lambda: tsrnn.RNNRegressor(**TINY).fit(X2, Y1, sample_weight=np.ones(5)),
        ValueError,
        r"sample_weight.*one finite, non-negative weight per sequence of X \(12 here\)",
    ),
    (
        "regressor.fit sample_weight negative",
        lambda: tsrnn.RNNRegressor(**TINY).fit(
            X2, Y1, sample_weight=np.r_[-1.0, np.ones(11)]
        ),
        ValueError,
        r"[Nn]egative.*sample_weight.*non-negative weight per sequence",
    ),
    (
        "classifier.fit sample_weight all zero",
        lambda: tsrnn.RNNClassifier(**TINY).fit(X2, Y1 > 5, sample_weight=np.zeros(12)),
        ValueError,
        r"non-zero.*sample_weight.*not all zero",
    ),
    (
        "classifier.fit sample_weight NaN",
        lambda: tsrnn.RNNClassifier(**TINY).fit(
            X2, Y1 > 5, sample_weight=np.r_[np.nan, np.ones(11)]
        ),
        ValueError,
        r"NaN.*sample_weight.*finite",
    ),
    (
        "classifier.fit class_weight unknown string",
        lambda: tsrnn.RNNClassifier(class_weight="auto", **TINY).fit(X2, Y1 > 5),
        ValueError,
        "'class_weight' parameter of RNNClassifier must be",
    ),
    (
        "classifier.fit class_weight all zero",
        lambda: tsrnn.RNNClassifier(class_weight={False: 0, True: 0}, **TINY).fit(
            X2, Y1 > 5
        ),
        ValueError,
        "class_weight and sample_weight leave every sample with weight 0",
    ),
    # -- forecasters ----------------------------------------------------------------------
    (
        "forecaster.fit empty",
        lambda: tsrnn.LSTMForecaster(**TINY).fit(pd.Series([], dtype=float)),
        ValueError,
        "X is empty",
    ),
    (
        "forecaster.fit too short",
        lambda: tsrnn.LSTMForecaster(horizon=5, **TINY).fit(DAILY[:4]),
        ValueError,
        "horizon=5 needs at least 6",
    ),
    (
        "forecaster.fit duplicate time",
        lambda: tsrnn.LSTMForecaster(**TINY).fit(
            pd.Series([1.0, 2, 3], index=[0, 0, 1])
        ),
        ValueError,
        "duplicate timestamps",
    ),
    (
        "forecaster.fit unsorted",
        lambda: tsrnn.LSTMForecaster(**TINY).fit(
            pd.Series([1.0, 2, 3], index=[3, 2, 1])
        ),
        ValueError,
        "not sorted by time",
    ),
    (
        "forecaster.fit irregular",
        lambda: tsrnn.LSTMForecaster(**TINY).fit(DAILY.drop(DAILY.index[[3, 9]])),
        ValueError,
        "irregular DatetimeIndex.*asfreq",
    ),
    (
        "forecaster.fit all NaN",
        lambda: tsrnn.LSTMForecaster(**TINY).fit(pd.Series(np.full(20, np.nan))),
        ValueError,
        "no observed target value",
    ),
    (
        "forecaster.fit strings",
        lambda: tsrnn.LSTMForecaster(**TINY).fit(pd.Series(list("abcdefgh"))),
        TypeError,
        "non-numeric column.*to_numeric",
    ),
    (
        "forecaster bidirectional",
        lambda: tsrnn.LSTMForecaster(bidirectional=True, **TINY).fit(DAILY),
        TypeError,
        "unexpected keyword argument 'bidirectional'",
    ),
    (
        "forecaster id_col missing",
        lambda: tsrnn.LSTMForecaster(id_col="store", **TINY).fit(DAILY.to_frame("y")),
        ValueError,
        "lacks the column\\(s\\) id_col='store'",
    ),
    (
        "forecaster numpy input",
        lambda: tsrnn.LSTMForecaster(**TINY).fit(np.arange(30.0)),
        TypeError,
        "must be a pandas Series or DataFrame",
    ),
    (
        "forecaster.predict other freq",
        lambda: fitted_forecaster().predict(
            pd.Series(
                np.arange(20.0),
                index=pd.date_range("2021-01-03", periods=20, freq="W-SUN"),
            )
        ),
        ValueError,
        "frequency 'W-SUN'.*fitted on 'D'",
    ),
    (
        "forecaster.predict missing future",
        lambda: (
            tsrnn.LSTMForecaster(horizon=2, future_covariates="promo", **TINY)
            .fit(DAILY.to_frame("y").assign(promo=1.0))
            .predict()
        ),
        ValueError,
        "future_covariates \\['promo'\\] are known ahead.*future=",
    ),
    (
        "forecaster.score too short",
        lambda: fitted_forecaster().score(DAILY[:1] + 0),
        ValueError,
        "too short to evaluate",
    ),
    (
        "forecaster.predict before fit",
        lambda: tsrnn.GRUForecaster().predict(),
        NotFittedError,
        "not fitted",
    ),
    # -- make_windows ----------------------------------------------------------------------
    (
        "make_windows window 0",
        lambda: tsrnn.make_windows(DAILY, window=0),
        ValueError,
        "window must be a positive integer",
    ),
    (
        "make_windows too long",
        lambda: tsrnn.make_windows(DAILY, window=50),
        ValueError,
        "at least window \\+ horizon",
    ),
    (
        "make_windows unknown target",
        lambda: tsrnn.make_windows(DAILY.to_frame("y"), window=3, target="z"),
        ValueError,
        "target \\['z'\\] not among the columns",
    ),
    # -- metrics ----------------------------------------------------------------------------
    (
        "smape shape mismatch",
        lambda: metrics.smape([1.0, 2.0], [1.0]),
        ValueError,
        "y_pred",
    ),
    (
        "mase m too large",
        lambda: metrics.mase([1.0], [1.0], [1.0, 2.0], m=5),
        ValueError,
        "y_train",
    ),
    (
        "pinball quantile",
        lambda: metrics.pinball_loss([1.0], [1.0], quantile=1.5),
        ValueError,
        "quantile",
    ),
    ("get_scorer unknown", lambda: metrics.get_scorer("r2"), ValueError, "r2"),
    # -- model_selection -------------------------------------------------------------------
    (
        "backtest start",
        lambda: backtest(tsrnn.SeasonalNaiveForecaster(), DAILY, start=2.0),
        ValueError,
        "start=2.0",
    ),
    (
        "backtest stride",
        lambda: backtest(tsrnn.SeasonalNaiveForecaster(), DAILY, stride=0),
        ValueError,
        "stride must be a positive integer",
    ),
    (
        "PanelSplitter too many",
        lambda: list(PanelSplitter(n_splits=50).split(DAILY)),
        ValueError,
        "Cannot make n_splits=50",
    ),
    (
        "PanelSplitter numpy",
        lambda: list(PanelSplitter().split(np.arange(10))),
        TypeError,
        "pandas Series or DataFrame",
    ),
    # -- persistence ------------------------------------------------------------------------
    (
        "save a Pipeline",
        lambda: tsrnn.save(
            __import__("sklearn.pipeline").pipeline.make_pipeline(tsrnn.RNNRegressor()),
            "/tmp/x.tsrnn",
        ),
        TypeError,
        "joblib.dump",
    ),
    (
        "load a missing file",
        lambda: tsrnn.load("/nonexistent/model.tsrnn"),
        ValueError,
        "is not a file",
    ),
    # -- issue 18 items 1 and 8: frequency hints from the data, freq= -----------------
    (
        "forecaster.fit business days with a holiday",
        lambda: tsrnn.SeasonalNaiveForecaster().fit(HOLIDAY),
        ValueError,
        r"^X has an irregular DatetimeIndex.*steps by 'B', and 1 step\(s\) are missing, "
        r"e\.g\. 2024-01-10 .*Pass freq='B' .*data\.asfreq\('B'\)\.$",
    ),
    (
        "forecaster.fit hourly with missing hours",
        lambda: tsrnn.SeasonalNaiveForecaster().fit(HOURLY.drop(HOURLY.index[[3, 9]])),
        ValueError,
        r"steps by 'h', and 2 step\(s\) are missing.*Pass freq='h'.*asfreq\('h'\)",
    ),
    (
        "forecaster.fit integer index with a missing step",
        lambda: tsrnn.SeasonalNaiveForecaster().fit(
            pd.Series(Y1[:5], index=[0, 1, 2, 4, 5])
        ),
        ValueError,
        r"uneven steps \[1 2\]; its regular part steps by 1.*Pass freq=1 .*"
        r"data\.reindex\(range\(0, 6, 1\)\)",
    ),
    (
        "forecaster.fit freq not an alias",
        lambda: tsrnn.SeasonalNaiveForecaster(freq="fortnightly").fit(HOLIDAY),
        ValueError,
        r"freq='fortnightly' is not a pandas frequency alias.*\(its labels step by 'B'\)",
    ),
    (
        "forecaster.fit int freq for dates",
        lambda: tsrnn.SeasonalNaiveForecaster(freq=2).fit(HOLIDAY),
        TypeError,
        r"freq=2 does not fit X's DatetimeIndex: pass a pandas frequency alias "
        r"\(its labels step by 'B'\)",
    ),
    (
        "forecaster.fit alias freq for integers",
        lambda: tsrnn.SeasonalNaiveForecaster(freq="D").fit(pd.Series(Y1)),
        TypeError,
        r"freq='D' does not fit X's RangeIndex: pass an int step \(its labels step by 1\)",
    ),
    (
        "forecaster.fit freq unlike a PeriodIndex",
        lambda: tsrnn.SeasonalNaiveForecaster(freq="Q").fit(
            pd.Series(Y1, index=pd.period_range("2020-01", periods=12, freq="M"))
        ),
        ValueError,
        r"freq='Q' differs from the frequency 'M' of X's PeriodIndex\. Pass freq='M'",
    ),
    (
        "forecaster.fit freq with a label off its grid",
        lambda: tsrnn.SeasonalNaiveForecaster(freq="h").fit(
            HOURLY.rename(
                index={HOURLY.index[4]: HOURLY.index[4] + pd.Timedelta("30min")}
            )
        ),
        ValueError,
        r"X has 1 label\(s\) that are not on the grid of freq='h' starting at "
        r"2024-01-01 00:00:00, e\.g\. 2024-01-01 04:30:00\. Move them onto the grid",
    ),
    (
        "forecaster.fit freq coarser than the data",
        lambda: tsrnn.SeasonalNaiveForecaster(freq="W-SUN").fit(HOLIDAY),
        ValueError,
        r"not on the grid of freq='W-SUN'.*Its labels follow 'B'\. Pass freq='B'",
    ),
    (
        "forecaster.predict new history with a gap",
        lambda: (
            tsrnn.SeasonalNaiveForecaster().fit(HOLIDAY.asfreq("B")).predict(HOLIDAY)
        ),
        ValueError,
        r"Pass freq='B'.*data\.asfreq\('B'\)",
    ),
    (
        "cli forecast time column not dates with --time-col",
        lambda: _cli_error("t,v\nx,1\ny,2\nz,3\n", "--time-col", "t"),
        CLIFailed,
        r"^tsrnn forecast: error: the time column 't' cannot be read as dates or "
        r"integer steps \(no date format fits its first value 'x'\)\. Pass "
        r"--date-format FORMAT, the strftime codes of its values \(e\.g\. "
        r"%d\.%m\.%Y %H:%M\), or --time-col NAME if another column holds the times\.$",
    ),
    (
        "cli forecast holiday names --freq",
        lambda: _cli_error(HOLIDAY.rename_axis("day").to_csv()),
        CLIFailed,
        r"^tsrnn forecast: error: the data has an irregular DatetimeIndex.*steps by 'B'.*"
        r"Pass --freq B to put it on that grid \(missing steps become NaN, which "
        r"tsrnn masks\)\.$",
    ),
    # -- issue 18 items 9, 10, 11, 12, 13, 15: sequence estimators' real-world inputs --
    (
        "regressor.fit warm_start changed hidden_size",
        lambda: (
            tsrnn.RNNRegressor(warm_start=True, **TINY)
            .fit(X2, Y1)
            .set_params(hidden_size=5)
            .fit(X2, Y1)
        ),
        ValueError,
        r"warm_start=True continues.*hidden_size 4 -> 5.*warm_start=False",
    ),
    (
        "regressor.fit warm_start new missing values",
        lambda: (
            tsrnn.RNNRegressor(warm_start=True, **TINY)
            .fit(X2, Y1)
            .fit(np.where(X2 > 1, np.nan, X2), Y1)
        ),
        ValueError,
        r"missing values.*no missing-value channel.*warm_start=False to start over",
    ),
    (
        "classifier.fit warm_start larger token ids",
        lambda: (
            tsrnn.RNNClassifier(embedding_dim=2, warm_start=True, **TINY)
            .fit([[1, 2], [3, 1]], ["a", "b"])
            .fit([[1, 7], [3, 1]], ["a", "b"])
        ),
        ValueError,
        r"token id 7.*vocab_size_=4.*warm_start=False",
    ),
    (
        "forecaster.fit warm_start changed hidden_size",
        lambda: (
            tsrnn.LSTMForecaster(horizon=2, warm_start=True, **TINY)
            .fit(DAILY)
            .set_params(hidden_size=6)
            .fit(DAILY)
        ),
        ValueError,
        r"hidden_size 4 -> 6.*warm_start=False",
    ),
    (
        "regressor.predict reordered step columns",
        lambda: (
            lambda X, Y: (
                tsrnn.RNNRegressor(**TINY).fit(X, Y).predict(X.sort_index(axis=1))
            )
        )(*tsrnn.make_windows(pd.DataFrame({"a": DAILY, "b": -DAILY}), 12, target="a")),
        ValueError,
        r"step labels of X.*another order.*X = X.reindex\(columns=pd.MultiIndex"
        r".from_product\(\[est.feature_names_in_, est.step_names_in_\]\)\)",
    ),
    (
        "regressor.fit features_per_step does not divide the columns",
        lambda: tsrnn.RNNRegressor(features_per_step=2, **TINY).fit(X2, Y1),
        ValueError,
        r"features_per_step=2.*5 columns.*not a multiple",
    ),
    (
        "regressor.fit nullable y with pd.NA",
        lambda: tsrnn.RNNRegressor(**TINY).fit(
            X2, pd.Series(Y1).convert_dtypes().mask(Y1 > 9)
        ),
        ValueError,
        r"y has 2 sample\(s\) with no target.*positions \[10, 11\]",
    ),
    (
        "classifier.fit object labels with NaN",
        lambda: tsrnn.RNNClassifier(**TINY).fit(
            X2, pd.Series(["up", "down"] * 5 + [np.nan, "up"])
        ),
        ValueError,
        r"y has 1 sample\(s\) with no label.*positions \[10\].*Drop those",
    ),
    (
        "classifier.fit category labels with NaN",
        lambda: tsrnn.RNNClassifier(**TINY).fit(
            X2, pd.Series([np.nan] + ["up", "down"] * 5 + ["up"], dtype="category")
        ),
        ValueError,
        r"no label.*positions \[0\]",
    ),
    (
        "regressor.fit validation_fraction leaves no training sample",
        lambda: tsrnn.RNNRegressor(
            early_stopping=True, validation_fraction=0.95, **TINY
        ).fit(X2[:10], Y1[:10]),
        ValueError,
        r"validation_fraction=0.95 holds out 10 of the 10.*validation_fraction <= 0.9\b",
    ),
    # -- issue 18 items 3, 4, 7: scale-free thresholds, empty origin lists, --------------
    # -- PanelSplitter by time -------------------------------------------------------------
    (
        "backtest refit no origin left",
        lambda: backtest(
            tsrnn.SeasonalNaiveForecaster(horizon=3), MONTHLY40, start=38, refit=True
        ),
        ValueError,
        r"start=38 leaves 2 timestamp\(s\) after the first origin, but horizon=3 "
        r"needs 3: .*Use start <= 37 \(or the timestamp 2023-02-01 00:00:00\), or a "
        r"horizon <= 2",
    ),
    (
        "backtest no origin left",
        lambda: backtest(
            tsrnn.SeasonalNaiveForecaster(horizon=3), MONTHLY40, start=38, refit=False
        ),
        ValueError,
        r"start=38 leaves 2 timestamp\(s\) .*Use start <= 37",
    ),
    (
        "backtest timestamp start no origin left",
        lambda: backtest(
            tsrnn.SeasonalNaiveForecaster(horizon=3),
            MONTHLY40,
            start=pd.Timestamp("2023-04-01"),
            refit=True,
        ),
        ValueError,
        r"leaves 1 timestamp\(s\) .*horizon=3 .*Use start <= 37",
    ),
    (
        "backtest series too short for any horizon",
        lambda: backtest(
            tsrnn.SeasonalNaiveForecaster(horizon=3), MONTHLY40.iloc[:3], start=1
        ),
        ValueError,
        r"X has 3 timestamps: it needs at least 4",
    ),
    (
        "forecaster.rolling_forecasts no origin left",
        lambda: (
            tsrnn.SeasonalNaiveForecaster(horizon=3)
            .fit(MONTHLY40.iloc[:38])
            .rolling_forecasts(MONTHLY40.iloc[38:])
        ),
        ValueError,
        r"horizon=3 steps after the context .*has at most 2\. Pass at least 1 more "
        r"step\(s\) of X, or refit with horizon <= 2",
    ),
    (
        "make_windows no window",
        lambda: tsrnn.make_windows(MONTHLY40, window=39, horizon=3),
        ValueError,
        r"window \+ horizon = 42 steps; the longest series has 40\. .*window <= 37 "
        r"works with horizon=3",
    ),
    (
        "PanelSplitter no fold",
        lambda: list(PanelSplitter(n_splits=5, test_size=10).split(MONTHLY40)),
        ValueError,
        r"n_splits=5 folds of test_size=10 with gap=0 from 40 timestamps.*"
        r"Use n_splits <= 3 or test_size <= 7",
    ),
    (
        "PanelSplitter long panel by row position",
        lambda: list(PanelSplitter(n_splits=2).split(LONG_SHUFFLED)),
        ValueError,
        r"time column\(s\) \['date'\], but time_col=None .*by position, not by "
        r"time\. Pass time_col='date'",
    ),
    (
        "PanelSplitter time not the last level",
        lambda: list(
            PanelSplitter(n_splits=2).split(LONG_SHUFFLED.set_index(["date", "id"]))
        ),
        ValueError,
        r"last level \('id'\) is not the time.*X\.swaplevel\(\)",
    ),
    (
        "PanelSplitter negative gap",
        lambda: list(PanelSplitter(n_splits=2, gap=-1).split(MONTHLY40)),
        ValueError,
        r"gap must be an integer >= 0 \(a number of timestamps\); got -1",
    ),
    (
        "forecaster scaler mean with log",
        lambda: tsrnn.LSTMForecaster(scaler="mean", target_transform="log", **TINY).fit(
            MONTHLY40
        ),
        ValueError,
        r"scaler='mean' .*after target_transform='log' depends on the unit.*Use "
        r"scaler='standard' or scaler='robust' with target_transform='log'",
    ),
    # -- issue 18 items 2, 5, 6: missing keys, missing columns, misaligned X/y ---------
    *[
        (
            f"forecaster.fit missing id ({kind})",
            lambda ids=ids: SNAIVE(horizon=2, id_col="id", time_col="t").fit(
                long_frame(ids=ids)
            ),
            ValueError,
            "X has 1 row\\(s\\) with a missing series id .* in id_col='id', e.g. "
            "the rows labelled \\[5\\].*X.dropna\\(subset=\\['id'\\]\\)",
        )
        for kind, ids in MISSING_IDS.items()
    ],
    *[
        (
            f"forecaster.fit missing time ({kind})",
            lambda times=times: SNAIVE(horizon=2, id_col="id", time_col="t").fit(
                long_frame(times=times)
            ),
            ValueError,
            "X has 1 row\\(s\\) with a missing time .* in time_col='t', e.g. the "
            "rows labelled \\[5\\].*X.dropna\\(subset=\\['t'\\]\\)",
        )
        for kind, times in MISSING_TIMES.items()
    ],
    (
        "forecaster.fit missing id in the index level",
        lambda: SNAIVE(horizon=2).fit(
            long_frame(ids=MISSING_IDS["Int64 NA"]).set_index(["id", "t"])
        ),
        ValueError,
        "missing series id .* in level 0 \\('id'\\) of the index of X, e.g. the rows "
        "at positions \\[5\\].*X\\[X.index.get_level_values\\(0\\).notna\\(\\)\\]",
    ),
    (
        "forecaster.fit missing time in the index level",
        lambda: SNAIVE(horizon=2).fit(
            long_frame(times=MISSING_TIMES["NaT"]).set_index(["id", "t"])
        ),
        ValueError,
        "missing time .* in level 1 \\('t'\\) of the index of X.*positions \\[5\\]",
    ),
    (
        "forecaster.fit NaT in the index",
        lambda: SNAIVE(horizon=2).fit(
            pd.Series(np.arange(30.0), index=DAYS.insert(5, pd.NaT)[:30])
        ),
        ValueError,
        "X has 1 row\\(s\\) with a missing time .* in the index of X.*"
        "positions \\[5\\].*X\\[X.index.notna\\(\\)\\]",
    ),
    (
        "make_windows missing id",
        lambda: tsrnn.make_windows(
            long_frame(ids=MISSING_IDS["object None"]),
            window=3,
            id_col="id",
            time_col="t",
        ),
        ValueError,
        "data has 1 row\\(s\\) with a missing series id",
    ),
    (
        "forecaster.predict future with a missing id",
        lambda: (
            SNAIVE(horizon=2, id_col="id", time_col="t", future_covariates="p")
            .fit(long_frame().assign(p=1.0))
            .predict(
                future=pd.DataFrame(
                    {"id": ["a", "a", None, "b"], "t": list(DAYS[15:17]) * 2, "p": 1.0}
                )
            )
        ),
        ValueError,
        "future has 1 row\\(s\\) with a missing series id .* id_col='id'.*labelled \\[2\\]",
    ),
    (
        "forecaster.fit times as strings in time_col",
        lambda: SNAIVE(horizon=2, time_col="t").fit(
            pd.DataFrame({"t": DAYS.strftime("%Y-%m-%d"), "v": np.arange(30.0)})
        ),
        TypeError,
        "times as strings in time_col='t'.*X\\['t'\\] = pd.to_datetime\\(X\\['t'\\], "
        "format='%Y-%m-%d'\\)",
    ),
    (
        "forecaster.fit times as strings in the index level",
        lambda: SNAIVE(horizon=2).fit(
            long_frame(times=[str(d.date()) for d in DAYS[:15]] * 2).set_index(
                ["id", "t"]
            )
        ),
        TypeError,
        "level 1 \\('t'\\).*X.index = X.index.set_levels\\(pd.to_datetime\\(X.index"
        ".levels\\[1\\], format='%Y-%m-%d'\\), level=1\\)",
    ),
    (
        "forecaster.fit step numbers as strings in the index",
        lambda: SNAIVE(horizon=2).fit(
            pd.Series(np.arange(30.0), index=[str(i) for i in range(30)])
        ),
        TypeError,
        "X.index = pd.to_numeric\\(X.index\\)",
    ),
    (
        "forecaster.fit unsorted panel in columns",
        lambda: SNAIVE(horizon=2, id_col="id", time_col="t").fit(
            long_frame().iloc[::-1]
        ),
        ValueError,
        "not sorted by time, e\\.g\\. .* Sort it by time first "
        "\\(X.sort_values\\(\\['id', 't'\\]\\)\\)",
    ),
    (
        "forecaster.fit duplicate times in columns",
        lambda: SNAIVE(horizon=2, id_col="id", time_col="t").fit(
            long_frame(times=[DAYS[0], *DAYS[:14], *DAYS[:15]])
        ),
        ValueError,
        "duplicate timestamps.*X.groupby\\(\\['id', 't'\\], as_index=False\\)",
    ),
    (
        "forecaster.predict lacks a target seen in fit",
        lambda: SNAIVE(horizon=2).fit(two_targets()).predict(two_targets()[["demand"]]),
        ValueError,
        "^X lacks the column\\(s\\) target=\\['returns'\\]; its columns are "
        "\\['demand'\\]. It was fitted with target=\\['demand', 'returns'\\]",
    ),
    (
        "forecaster.score lacks a target seen in fit",
        lambda: (
            tsrnn.LSTMForecaster(horizon=2, **TINY)
            .fit(two_targets())
            .score(two_targets()[["demand"]])
        ),
        ValueError,
        "^X lacks the column\\(s\\) target=\\['returns'\\]",
    ),
    (
        "forecaster.rolling_forecasts lacks target and covariates in one message",
        lambda: (
            SNAIVE(horizon=2, past_covariates="p", static_covariates="s")
            .fit(two_targets().assign(p=1.0, s=2.0))
            .rolling_forecasts(two_targets()[["demand"]])
        ),
        ValueError,
        "lacks the column\\(s\\) target=\\['returns'\\], past_covariates=\\['p'\\], "
        "static_covariates=\\['s'\\]; its columns are \\['demand'\\]",
    ),
    (
        "forecaster.future_index lacks the panel keys",
        lambda: (
            SNAIVE(horizon=2, id_col="id", time_col="t")
            .fit(long_frame())
            .future_index(long_frame()[["v"]])
        ),
        ValueError,
        "lacks the column\\(s\\) id_col='id', time_col='t'.*fitted with id_col='id', "
        "time_col='t', target=\\['v'\\]",
    ),
    (
        "backtest lacks a covariate",
        lambda: backtest(
            SNAIVE(horizon=2, past_covariates="p"), two_targets(), start=20
        ),
        ValueError,
        "lacks the column\\(s\\) past_covariates=\\['p'\\].*Name existing columns",
    ),
    (
        "forecaster.predict future lacks keys and covariates in one message",
        lambda: (
            SNAIVE(horizon=2, id_col="id", time_col="t", future_covariates="p")
            .fit(long_frame().assign(p=1.0))
            .predict(future=pd.DataFrame({"id": ["a"], "x": [1.0]}))
        ),
        ValueError,
        "^future lacks the column\\(s\\) time_col='t', future_covariates=\\['p'\\]",
    ),
    (
        "forecaster.predict a column not seen in fit",
        lambda: (
            SNAIVE(horizon=2)
            .fit(two_targets())
            .predict(two_targets().assign(extra=1.0))
        ),
        ValueError,
        "X has column\\(s\\) \\['extra'\\] not seen in fit.*target=\\['demand', "
        "'returns'\\]",
    ),
    (
        "forecaster.fit X stamped 12 hours off y",
        lambda: SNAIVE(horizon=2, past_covariates="x").fit(
            pd.DataFrame({"x": np.ones(30)}, index=DAYS + pd.Timedelta("12h")),
            two_targets()["demand"],
        ),
        ValueError,
        "X and y have different indexes.*row 0: X has Timestamp\\('2024-01-01 12:00:00'\\)"
        ", y has Timestamp\\('2024-01-01 00:00:00'\\).*correct X's timestamps",
    ),
    (
        "forecaster.predict X shorter than y",
        lambda: (
            tsrnn.LSTMForecaster(horizon=2, past_covariates="x", **TINY)
            .fit(pd.DataFrame({"x": np.ones(30)}, index=DAYS), two_targets()["demand"])
            .predict(
                pd.DataFrame({"x": np.ones(29)}, index=DAYS[:29]),
                two_targets()["demand"],
            )
        ),
        ValueError,
        "X and y have different indexes \\(29 and 30 rows\\).*row 29: y goes on "
        "with Timestamp\\('2024-01-30",
    ),
    (
        "forecaster.score X in another order than y",
        lambda: (
            SNAIVE(horizon=2, past_covariates="x")
            .fit(pd.DataFrame({"x": np.ones(30)}, index=DAYS), two_targets()["demand"])
            .score(
                pd.DataFrame({"x": np.ones(30)}, index=DAYS[::-1]),
                two_targets()["demand"],
            )
        ),
        ValueError,
        "different indexes.*same labels in another order: pass X.reindex\\(y.index\\)",
    ),
    (
        "forecaster.fit X longer than y",
        lambda: SNAIVE(horizon=2, past_covariates="x").fit(
            pd.DataFrame({"x": np.ones(30)}, index=DAYS), two_targets()["demand"][:20]
        ),
        ValueError,
        "X has rows y lacks: pass X.loc\\[y.index\\]",
    ),
    (
        "forecaster.fit X column with no role next to y",
        lambda: SNAIVE(horizon=2, past_covariates="x").fit(
            pd.DataFrame({"x": np.ones(30), "promo": 0.0}, index=DAYS),
            two_targets()["demand"],
        ),
        ValueError,
        "X has column\\(s\\) \\['promo'\\] with no role.*past_covariates=.*"
        "future_covariates=.*static_covariates=",
    ),
    (
        "forecaster.predict future stamped 12 hours off",
        lambda: (
            SNAIVE(horizon=2, future_covariates="p")
            .fit(two_targets()[["demand"]].assign(p=1.0))
            .predict(
                future=pd.DataFrame(
                    {"p": [1.0, 1.0]},
                    index=pd.date_range("2024-01-31 12:00", periods=2, freq="D"),
                )
            )
        ),
        ValueError,
        "future has no complete future_covariates values for the forecast steps "
        "\\(2024-01-31 00:00:00 ... 2024-02-01 00:00:00\\): 2 of them have no row, "
        "the first 2024-01-31 00:00:00; its timestamps run from 2024-01-31 12:00:00",
    ),
    # -- issue 18 items 1, 2, 3, 5 (second round): class_weight, score, pairing ------
    *[
        (
            f"classifier.fit class_weight {name}",
            lambda value=value: tsrnn.RNNClassifier(
                class_weight={"rare": value, "common": 1.0}, **TINY
            ).fit(X2, np.where(Y1 > 8, "rare", "common")),
            exc,
            "class_weight must map each label to a finite, non-negative number; "
            f"got 'rare': {shown}.*class_weight=\\{{'rare': 1.0, 'common': 1.0\\}}",
        )
        for name, value, exc, shown in [
            ("NaN", np.nan, ValueError, "nan"),
            ("inf", np.inf, ValueError, "inf"),
            ("negative", -5.0, ValueError, "-5.0"),
            ("string", "5", TypeError, "'5'"),
        ]
    ],
    (
        "classifier.fit class_weight keyed by strings for integer labels",
        lambda: tsrnn.RNNClassifier(class_weight={"1": 5.0, "0": 1.0}, **TINY).fit(
            X2, (Y1 > 8).astype(int)
        ),
        ValueError,
        r"class_weight has key\(s\) \['1', '0'\] that are not labels of y.*"
        r"class\(es\) \[0, 1\].*class_weight=\{1: 5.0, 0: 1.0\}",
    ),
    (
        "regressor.score sample_weight negative",
        lambda: fitted_regressor().score(X2, Y1, sample_weight=-np.ones(12)),
        ValueError,
        r"[Nn]egative.*sample_weight.*non-negative weight per sequence",
    ),
    (
        "classifier.score sample_weight NaN",
        lambda: (
            tsrnn.RNNClassifier(**TINY)
            .fit(X2, Y1 > 5)
            .score(X2, Y1 > 5, sample_weight=np.r_[np.nan, np.ones(11)])
        ),
        ValueError,
        r"NaN.*sample_weight.*finite",
    ),
    *[
        (
            f"classifier.score label missing ({name})",
            lambda labels=labels: (
                tsrnn.RNNClassifier(**TINY)
                .fit(X2, np.where(Y1 > 5, "up", "down"))
                .score(X2, labels)
            ),
            ValueError,
            r"y has 1 sample\(s\) with no label.*positions \[3\].*before scoring.*"
            r"score\(X\[keep\], y\[keep\]\)",
        )
        for name, labels in [
            ("object None", np.array(["down"] * 3 + [None] + ["up"] * 8, dtype=object)),
            (
                "category NaN",
                pd.Series(pd.Categorical(["down"] * 3 + [None] + ["up"] * 8)),
            ),
        ]
    ],
    (
        "regressor.score target NaN",
        lambda: fitted_regressor().score(X2, np.r_[Y1[:3], np.nan, Y1[4:]]),
        ValueError,
        r"y has 1 sample\(s\) with no target.*positions \[3\]",
    ),
    (
        "regressor.fit y in another order than X",
        lambda: (lambda X, Y: tsrnn.RNNRegressor(**TINY).fit(X, Y[::-1]))(
            *tsrnn.make_windows(DAILY, 5)
        ),
        ValueError,
        r"X and y have different indexes \(35 and 35 rows\).*first difference is at "
        r"row 0: X has Timestamp\('2021-01-05.*y has Timestamp\('2021-02-08.*"
        r"same labels in another order: pass y.loc\[X.index\]",
    ),
    (
        "regressor.fit y shifted by one step",
        lambda: (lambda X, Y: tsrnn.RNNRegressor(**TINY).fit(X, Y.shift(1, freq="D")))(
            *tsrnn.make_windows(DAILY, 5)
        ),
        ValueError,
        r"X has 1 label\(s\) that y's index lacks \(the first "
        r"Timestamp\('2021-01-05.*y = y.reindex\(X.index\); keep = "
        r"y.notna\(\).all\(axis=1\).to_numpy\(\); fit\(X\[keep\], y\[keep\]\)",
    ),
    (
        "classifier.score y with a fresh RangeIndex",
        lambda: (
            lambda X, Y: (
                tsrnn.RNNClassifier(**TINY)
                .fit(X, Y["t+1"] > 20)
                .score(X, (Y["t+1"] > 20).reset_index(drop=True))
            )
        )(*tsrnn.make_windows(DAILY, 5)),
        ValueError,
        r"different indexes.*X has Timestamp\('2021-01-05 00:00:00'\), y has 0\. .*"
        r"None of X's labels are in y's index.*pair by position with y.to_numpy\(\)",
    ),
    (
        "forecaster.fit warm_start adds a past covariate",
        lambda: (
            tsrnn.GRUForecaster(horizon=2, warm_start=True, **TINY)
            .fit(DAILY)
            .set_params(past_covariates="c")
            .fit(pd.DataFrame({"c": np.arange(40.0)}, index=DAILY.index), DAILY)
        ),
        ValueError,
        r"warm_start=True continues training the fitted network.*covariate columns "
        r"of the first fit.*past_covariates=\[\] -> \['c'\].*warm_start=False",
    ),
    (
        "forecaster.fit warm_start moves a covariate to future_covariates",
        lambda: (
            tsrnn.LSTMForecaster(
                horizon=2, warm_start=True, past_covariates="c", **TINY
            )
            .fit(pd.DataFrame({"c": np.arange(40.0)}, index=DAILY.index), DAILY)
            .set_params(past_covariates=None, future_covariates="c")
            .fit(pd.DataFrame({"c": np.arange(40.0)}, index=DAILY.index), DAILY)
        ),
        ValueError,
        r"past_covariates=\['c'\] -> \[\]; future_covariates=\[\] -> \['c'\]",
    ),
    # -- issue 18 second round, items 1-4 (missing keys in splits, gap sizes, freq) ----
    *[
        (
            f"PanelSplitter missing time in time_col ({kind})",
            lambda times=times: list(
                PanelSplitter(n_splits=2, test_size=3, time_col="t").split(
                    long_frame(times=times)
                )
            ),
            ValueError,
            "X has 1 row\\(s\\) with a missing time \\(NaN, None, NA or NaT\\) in "
            "time_col='t', e.g. the rows labelled \\[5\\].*X.dropna\\(subset=\\['t'\\]\\)",
        )
        for kind, times in MISSING_TIMES.items()
    ],
    (
        "PanelSplitter missing time in the index level",
        lambda: list(
            PanelSplitter(n_splits=2, test_size=3).split(
                long_frame(times=MISSING_TIMES["NaT"]).set_index(["id", "t"])
            )
        ),
        ValueError,
        "missing time .* in level 1 \\('t'\\) of the index of X.*positions \\[5\\]",
    ),
    (
        "backtest missing time in time_col",
        lambda: backtest(
            SNAIVE(horizon=2, id_col="id", time_col="t"),
            long_frame(times=MISSING_TIMES["NaT"]),
            start=10,
        ),
        ValueError,
        "X has 1 row\\(s\\) with a missing time .* in time_col='t'",
    ),
    (
        "backtest missing id in id_col",
        lambda: backtest(
            SNAIVE(horizon=2, id_col="id", time_col="t"),
            long_frame(ids=MISSING_IDS["object None"]),
            start=10,
        ),
        ValueError,
        "X has 1 row\\(s\\) with a missing series id .* in id_col='id'",
    ),
    # -- issue 18 (items 1, 2 and 8, second round): CLI advice in flags and CSV lines
    (
        "cli forecast empty id cell",
        lambda: _cli_error(
            "t,id,v\n2024-01-01,a,1\n2024-01-02,,2\n2024-01-03,a,3\n", "--id-col", "id"
        ),
        CLIFailed,
        r"^tsrnn forecast: error: the data has 1 row\(s\) with a missing series id .* in "
        r"--id-col id, e\.g\. CSV line 3\. Every row must belong to a series at a "
        r"time: drop those rows or fill in their series id\.$",
    ),
    (
        "cli forecast repeated timestamp",
        lambda: _cli_error(
            DAILY.to_csv().replace("2021-01-03,2.0", "2021-01-03,2.0\n2021-01-03,2.5")
        ),
        CLIFailed,
        r"^tsrnn forecast: error: the data has duplicate timestamps, e\.g\. CSV lines 4, 5\. "
        r"Aggregate or drop duplicates first: one row per timestamp\.$",
    ),
    (
        "cli forecast --horizon 0",
        lambda: _cli_error(DAILY.to_csv(), "--horizon", "0"),
        CLIFailed,
        r"^tsrnn forecast: error: --horizon 0 is not valid: it must be an int in the "
        r"range \[1, inf\)\. Pass --horizon 1\.$",
    ),
    (
        "cli forecast --quantiles outside (0, 1)",
        lambda: _cli_error(DAILY.to_csv(), "--quantiles", "0.1,1.5"),
        CLIFailed,
        r"quantiles must be values strictly between 0 and 1; got \[0\.1, 1\.5\]\. "
        r"Pass --quantiles 0\.1,0\.9 for an 80% interval\.$",
    ),
    (
        "cli forecast --freq coarser than the data",
        lambda: _cli_error(HOURLY.to_csv(), "--freq", "D"),
        CLIFailed,
        r"not on the grid of --freq D .*Its labels follow 'h'\. Pass --freq h, or "
        r"move or drop those labels\.$",
    ),
    (
        "cli forecast panel rows out of time order",
        lambda: _cli_error(
            "id,t,v\na,2024-01-02,1\na,2024-01-01,2\na,2024-01-03,3\n",
            "--id-col",
            "id",
            "--time-col",
            "t",
        ),
        CLIFailed,
        r"^tsrnn forecast: error: the data \(series 'a'\) is not sorted by time, e\.g\. CSV "
        r"line 3\. Sort it by time first\.$",
    ),
    (
        "cli forecast two timestamps",
        lambda: _cli_error("t,v\n2024-01-01,1\n2024-01-02,2\n", "--horizon", "1"),
        CLIFailed,
        r"fewer than 3 timestamps\. Its timestamps step by '24h'\. Pass --freq 24h if "
        r"that is the frequency, or pass longer series\.$",
    ),
    # Issue 19 (sequence defaults): local_level
    (
        "regressor local_level negative feature",
        lambda: tsrnn.RNNRegressor(local_level=-1, **TINY).fit(X2, Y1),
        ValueError,
        "'local_level' parameter",
    ),
    (
        "regressor local_level=True with several features",
        lambda: tsrnn.RNNRegressor(local_level=True, **TINY).fit(
            np.zeros((4, 3, 2)), np.arange(4.0)
        ),
        ValueError,
        r"local_level=True .* X has 2 features per step\. Pass local_level=k",
    ),
    (
        "regressor local_level feature out of range",
        lambda: tsrnn.RNNRegressor(local_level=2, **TINY).fit(
            np.zeros((4, 3, 2)), np.arange(4.0)
        ),
        ValueError,
        r"local_level=2 names feature 2, but X has 2 feature\(s\).*below 2",
    ),
    (
        "regressor local_level with token ids",
        lambda: tsrnn.RNNRegressor(local_level=True, embedding_dim=2, **TINY).fit(
            np.array([[1, 2, 3], [2, 3, 1]]), np.arange(2.0)
        ),
        ValueError,
        r"token ids, which have no level\. Set local_level=False",
    ),
    (
        "regressor local_level feature never observed",
        lambda: tsrnn.RNNRegressor(local_level=1, **TINY).fit(
            np.dstack([np.ones((4, 3)), [[1.0] * 3, [np.nan] * 3, [1.0] * 3, [2] * 3]]),
            np.arange(4.0),
        ),
        ValueError,
        r"local_level.*last observed value of feature 1.*1 sequence\(s\).*rows \[1\]",
    ),
]


@pytest.mark.parametrize(
    "call,exc,match", [row[1:] for row in CATALOGUE], ids=[row[0] for row in CATALOGUE]
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_catalogue_is_large_and_covers_every_entry_point():
    assert len(CATALOGUE) >= 30
    prefixes = {row[0].split()[0].split(".")[0] for row in CATALOGUE}
    for entry in (
        "regressor",
        "classifier",
        "forecaster",
        "make_windows",
        "backtest",
        "save",
        "load",
    ):
        assert entry in prefixes


def test_cli_errors_are_one_line(capsys):
    from tsrnn.__main__ import main

    with pytest.raises(SystemExit) as info:
        main(["no-such-command"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err and "Traceback" not in err


@pytest.mark.parametrize("warm", [False, True])
def test_a_refit_refused_for_the_target_transform_leaves_the_model_as_it_was(warm):
    """A value outside target_transform's domain is refused before the fit
    changes anything: the fitted model still forecasts as before (found by a
    differential test of issue 23's lazily transformed targets)."""
    y = pd.Series(
        np.arange(40.0) % 7 + 5, index=pd.date_range("2021-01-01", periods=40, freq="D")
    )
    est = tsrnn.LSTMForecaster(
        horizon=2,
        window=7,
        local_level="last",
        target_transform="log" if warm else None,
        warm_start=warm,
        hidden_size=8,
        max_steps=10,
        n_ensembles=1,
        random_state=0,
    ).fit(y)
    before = est.predict()
    attrs = {k: v for k, v in vars(est).items() if k.endswith("_") and k != "module_"}
    bad = y.copy()
    bad.iloc[3], bad.iloc[5] = np.nan, -1.0  # a missing value would add a channel
    if not warm:
        est.set_params(target_transform="log")
    with pytest.raises(ValueError, match=r"needs target values > 0; X has 1 value"):
        est.fit(bad)
    for k, v in attrs.items():
        assert repr(getattr(est, k)) == repr(v), k
    pd.testing.assert_frame_equal(est.predict(y), before)


def test_the_first_series_with_a_covariate_problem_is_named_whatever_its_role():
    """Covariates are checked over the whole frame at once, yet the error names
    the first series with a problem, and in it: past, future, static NaN, then a
    static that varies."""
    t = pd.date_range("2021-01-01", periods=12, freq="D")
    frame = pd.concat(
        [
            pd.DataFrame({"id": k, "t": t, "y": 1.0, "p": 1.0, "f": 1.0, "s": 0.0})
            for k in "abc"
        ],
        ignore_index=True,
    )
    est = tsrnn.LSTMForecaster(
        horizon=2,
        id_col="id",
        time_col="t",
        past_covariates="p",
        future_covariates="f",
        static_covariates="s",
    )
    cases = [
        ({(3, "f"): np.nan, (15, "p"): np.nan}, r"future_covariates \['f'\].*'a'"),
        ({(3, "s"): 1.0, (15, "p"): np.nan}, r"static_covariates \['s'\] vary.*'a'"),
        ({(3, "s"): np.nan, (4, "f"): np.nan}, r"future_covariates \['f'\].*'a'"),
        ({(27, "p"): np.nan, (15, "s"): 2.0}, r"static_covariates \['s'\] vary.*'b'"),
    ]
    for changes, match in cases:
        bad = frame.copy()
        for (row, col), value in changes.items():
            bad.loc[row, col] = value
        with pytest.raises(ValueError, match=match):
            est.fit(bad)
        # interleaved rows (gathered per series) name the same series
        with pytest.raises(ValueError, match=match):
            est.fit(bad.sort_values(["t", "id"], kind="stable"))
