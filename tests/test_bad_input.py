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


def fitted_regressor():
    return tsrnn.RNNRegressor(**TINY).fit(X2, Y1)


def fitted_forecaster():
    return tsrnn.LSTMForecaster(horizon=2, **TINY).fit(DAILY)


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
        "Input y contains NaN",
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
        "id_col='store' is not a column",
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
