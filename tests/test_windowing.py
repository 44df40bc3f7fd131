"""make_windows and window_starts: shapes, labels, index, panels, errors."""

import itertools

import numpy as np
import pandas as pd
import pytest

from tsrnn import make_windows
from tsrnn._windowing import chunked, window_starts

from helpers import warned_from


def test_univariate_series_values_columns_and_index():
    y = pd.Series(
        np.arange(10.0), index=pd.date_range("2024-01-01", periods=10, freq="D")
    )
    X, Y = make_windows(y, window=4, horizon=3)
    assert X.shape == (4, 4) and Y.shape == (4, 3)
    assert list(X.columns) == ["t-3", "t-2", "t-1", "t"]
    assert list(Y.columns) == ["t+1", "t+2", "t+3"]
    # the index is the time of each window's last input step
    assert X.index[0] == pd.Timestamp("2024-01-04")
    assert X.index.equals(Y.index)
    np.testing.assert_array_equal(X.iloc[0], [0, 1, 2, 3])
    np.testing.assert_array_equal(Y.iloc[0], [4, 5, 6])
    # the last window ends on the series' last value
    assert Y.iloc[-1, -1] == 9.0


@pytest.mark.parametrize(
    "length,window,horizon,step",
    [(10, 4, 2, 1), (10, 4, 2, 3), (8, 7, 1, 1), (50, 5, 5, 7)],
)
def test_window_starts_arithmetic(length, window, horizon, step):
    starts = window_starts(length, window, horizon, step)
    assert (starts >= 0).all()
    assert (starts + window + horizon <= length).all()
    assert starts[-1] == length - window - horizon  # last window ends at the end
    assert (np.diff(starts) == step).all()
    assert starts[0] < step  # no room for one more window before the first


def test_window_starts_too_short_is_empty():
    assert window_starts(5, 4, 2).size == 0


def test_multivariate_frame_multiindex_columns_and_target():
    idx = pd.period_range("2020-01", periods=8, freq="M")
    df = pd.DataFrame({"a": np.arange(8.0), "b": np.arange(8.0) * 10}, index=idx)
    X, Y = make_windows(df, window=3, horizon=2, target="a")
    assert X.columns.names == ["feature", "step"]
    assert X.shape == (4, 6)
    np.testing.assert_array_equal(X.loc[:, ("b", slice(None))].iloc[0], [0, 10, 20])
    assert list(Y.columns) == ["t+1", "t+2"]
    np.testing.assert_array_equal(Y.iloc[0], [3, 4])
    assert isinstance(X.index, pd.PeriodIndex)

    _, Y2 = make_windows(df, window=3, horizon=1)  # all columns are targets
    assert Y2.columns.names == ["feature", "step"]
    assert Y2.shape == (5, 2)


def test_long_panel_windows_never_cross_series():
    panel = pd.DataFrame(
        {
            "id": ["x"] * 5 + ["y"] * 7,
            "t": list(range(5)) + list(range(7)),
            "v": np.arange(12.0),
        }
    )
    X, Y = make_windows(panel, window=3, horizon=1, id_col="id", time_col="t")
    assert X.index.names == ["id", "t"]
    assert len(X.loc["x"]) == 2 and len(X.loc["y"]) == 4
    # every window's values are consecutive within one series
    diffs = np.diff(np.c_[X.to_numpy(), Y.to_numpy()], axis=1)
    assert (diffs == 1).all()
    # the same panel with a MultiIndex gives the same windows
    X2, _ = make_windows(panel.set_index(["id", "t"])["v"], window=3, horizon=1)
    pd.testing.assert_frame_equal(X, X2)


def test_panel_with_a_short_series_warns_and_skips():
    idx = pd.MultiIndex.from_tuples(
        [("a", t) for t in range(10)] + [("b", t) for t in range(2)]
    )
    y = pd.Series(np.arange(12.0), index=idx)
    with pytest.warns(UserWarning, match="skipped") as caught:
        X, _ = make_windows(y, window=3, horizon=2)
    assert warned_from(caught[0], __file__)  # the user's line, not tsrnn's
    assert set(X.index.get_level_values(0)) == {"a"}


def test_dropna_drops_windows_with_nan_targets_only():
    y = pd.Series([0, 1, np.nan, 3, 4, 5, 6, 7], dtype=float)
    X, Y = make_windows(y, window=2, horizon=1)
    assert not Y.isna().any().any()
    assert X.isna().any().any()  # NaN inputs are kept: estimators mask them
    _, Y_all = make_windows(y, window=2, horizon=1, dropna=False)
    assert Y_all.isna().any().any()


def test_windows_feed_rnn_regressor():
    from tsrnn import RNNRegressor

    y = pd.Series(np.sin(np.arange(80) / 3.0))
    X, Y = make_windows(y, window=8, horizon=2)
    reg = RNNRegressor(hidden_size=4, max_epochs=2, random_state=0).fit(X, Y)
    assert reg.predict(X).shape == Y.shape
    assert list(reg.feature_names_in_) == list(X.columns)


def test_input_not_mutated():
    df = pd.DataFrame({"a": [1.0, np.nan, 3, 4, 5, 6], "b": np.arange(6.0)})
    before = df.copy(deep=True)
    make_windows(df, window=2, horizon=1)
    pd.testing.assert_frame_equal(df, before)


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(window=0), ValueError, "window must be a positive integer"),
        (dict(window=2.5), ValueError, "window must be a positive integer"),
        (dict(window=3, horizon=0), ValueError, "horizon must be a positive integer"),
        (dict(window=3, step=-1), ValueError, "step must be a positive integer"),
        (
            dict(window=30),
            ValueError,
            "at least window \\+ horizon = 31 steps.*smaller window",
        ),
        (
            dict(window=3, target="nope"),
            ValueError,
            "target \\['nope'\\] not among the columns",
        ),
        (dict(window=3, id_col="nope"), ValueError, "id_col='nope' is not a column"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    df = pd.DataFrame({"v": np.arange(10.0)})
    with pytest.raises(exc, match=match):
        make_windows(df, **kwargs)


@pytest.mark.parametrize(
    "data,exc,match",
    [
        (np.arange(10.0), TypeError, "data must be a pandas Series or DataFrame"),
        (pd.Series([], dtype=float), ValueError, "data is empty"),
        (pd.Series(list("abcdef")), TypeError, "non-numeric column"),
        (pd.Series([1.0, np.inf, 3, 4, 5, 6]), ValueError, "contains infinity"),
        (
            pd.Series(np.arange(6.0), index=[0, 1, 1, 2, 3, 4]),
            ValueError,
            "duplicate timestamps",
        ),
        (
            pd.Series(np.arange(6.0), index=[5, 4, 3, 2, 1, 0]),
            ValueError,
            "not sorted by time.*sort_index",
        ),
    ],
)
def test_bad_data(data, exc, match):
    with pytest.raises(exc, match=match):
        make_windows(data, window=2)


# -- WindowBatches: the forecasters' offset windows and their baselines -------------


def test_chunks_hold_at_most_size_windows_in_order():
    rng = np.random.default_rng(0)
    cutoffs = [np.arange(n) for n in rng.integers(0, 9, 2000)]
    parts = list(chunked(cutoffs, 16))
    assert all(sum(len(c) for c in cuts) <= 16 for _, cuts in parts)
    # consecutive parts could not have been one: each is full up to its next piece
    for (_, cuts), (_, after) in itertools.pairwise(parts):
        assert sum(len(c) for c in cuts) + len(after[0]) > 16
    series = [i for rows, _ in parts for i in rows]
    assert series == list(range(2000))  # every series once, in order
    pairs = [(i, c) for rows, cuts in parts for i, c in zip(rows, cuts)]
    assert all(np.array_equal(c, cutoffs[i]) for i, c in pairs)
    long = list(chunked([np.arange(40)], 16))  # a long series is cut in parts
    assert [len(cuts[0]) for _, cuts in long] == [16, 16, 8]
