"""The time index of forecaster input: errors that name the series, the axis, ids."""

import numpy as np
import pandas as pd
import pytest

from tsrnn import LSTMForecaster, SeasonalNaiveForecaster
from tsrnn._frequency import TimeAxis, common_axis, infer_axis
from tsrnn._time_index import split_series

TINY = dict(hidden_size=4, max_epochs=1, n_ensembles=1, random_state=0)


def long(parts: dict) -> pd.DataFrame:
    """A long panel (MultiIndex (id, time)) from {id: Series}."""
    return pd.concat(parts, names=["id", "time"]).rename("y").to_frame()


def days(n, start="2021-01-01"):
    return pd.date_range(start, periods=n, freq="D")


def good(n=12, start="2021-01-01"):
    return pd.Series(np.arange(float(n)), index=days(n, start))


def bad_series(kind):
    """A series whose index has one fault of the given kind."""
    if kind == "duplicate":
        return pd.Series(
            np.arange(3.0), index=pd.to_datetime(["2021-01-01"] * 2 + ["2021-01-02"])
        )
    if kind == "unsorted":
        return pd.Series(np.arange(3.0), index=days(3)[::-1])
    if kind == "irregular":  # longer than the good series: its axis is read first
        index = days(14).to_series()
        index.iloc[5] += pd.Timedelta(hours=12)
        return pd.Series(np.arange(14.0), index=pd.DatetimeIndex(index))
    if kind == "uneven":
        return pd.Series(np.arange(14.0), index=pd.Index([0, 1, *range(3, 15)]))
    if kind == "gap":  # daily with one day missing, shorter than the good series
        return pd.Series(np.arange(9.0), index=days(10).delete(5))
    return pd.Series(np.arange(3.0), index=pd.Index(["a", "b", "c"]))


# fault -> (message for one series, message for the series 'b' of a panel)
FAULTS = {
    "duplicate": (r"has duplicate timestamps, e\.g\. Timestamp\('2021-01-01",) * 2,
    "unsorted": ("is not sorted by time",) * 2,
    "irregular": ("has an irregular DatetimeIndex",) * 2,
    "uneven": (r"has an integer index with uneven steps \[1 2\]",) * 2,
    # alone, no frequency can be read; in a panel it is read off the longer series
    "gap": ("has an irregular DatetimeIndex", "does not follow the frequency 'D'"),
    "not_time": ("must be indexed by time",) * 2,
}


@pytest.mark.parametrize("kind", list(FAULTS))
def test_a_faulty_index_is_reported_with_its_series(kind):
    fault = bad_series(kind)
    alone, in_panel = FAULTS[kind]
    exc = TypeError if kind == "not_time" else ValueError
    # one series: the message starts with the argument, no series to name
    with pytest.raises(exc, match=f"^X {alone}"):
        LSTMForecaster(**TINY).fit(fault)
    # a panel: the message names the faulty series
    others = {
        "uneven": {"fine": good().reset_index(drop=True)},
        "not_time": {},  # a panel index level holds one kind of label
    }.get(kind, {"fine": good()})
    with pytest.raises(exc, match=f"^X \\(series 'b'\\) {in_panel}"):
        LSTMForecaster(**TINY).fit(long({**others, "b": fault}))


def test_a_period_index_with_a_gap_is_reported_alone_and_in_a_panel():
    months = pd.period_range("2020-01", periods=12, freq="M").delete(5)
    gap = pd.Series(np.arange(11.0), index=months)
    # a PeriodIndex carries its frequency, so the gap is measured against it
    with pytest.raises(ValueError, match="^X does not follow the frequency 'M'"):
        LSTMForecaster(**TINY).fit(gap)
    fine = pd.Series(
        np.arange(12.0), index=pd.period_range("2020-01", periods=12, freq="M")
    )
    with pytest.raises(ValueError, match="^X \\(series 'b'\\) does not follow"):
        LSTMForecaster(**TINY).fit(long({"a": fine, "b": gap}))


def test_frequency_needs_three_timestamps_and_three_are_enough():
    two = pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2021-01-01", "2021-01-02"]))
    with pytest.raises(ValueError, match="^The frequency of X cannot be inferred"):
        SeasonalNaiveForecaster().fit(two)
    three = pd.Series([1.0, 2.0, 3.0], index=pd.DatetimeIndex(list(days(3))))
    assert three.index.freq is None
    assert SeasonalNaiveForecaster().fit(three).freq_ == "D"
    odd = pd.Series(
        [1.0, 2.0, 3.0],
        index=pd.to_datetime(["2021-01-01", "2021-01-02", "2021-01-05"]),
    )
    with pytest.raises(ValueError, match="^X has an irregular DatetimeIndex"):
        SeasonalNaiveForecaster().fit(odd)


def test_the_axis_comes_from_the_longest_series():
    # three weekdays look daily; the long series shows they are business days
    long_b = pd.Series(np.arange(30.0), index=pd.bdate_range("2024-01-01", periods=30))
    short = pd.Series(
        [1.0, 2.0, 3.0],
        index=pd.DatetimeIndex(["2024-01-09", "2024-01-10", "2024-01-11"]),
    )
    est = SeasonalNaiveForecaster(horizon=2).fit(long({"short": short, "long": long_b}))
    assert est.freq_ == "B"
    future = est.predict().xs("short").index
    assert list(future) == list(pd.to_datetime(["2024-01-12", "2024-01-15"]))


def test_series_keep_their_order_of_first_appearance():
    data = long({"zeta": good(10), "alpha": good(12)})
    est = SeasonalNaiveForecaster(horizon=2).fit(data)
    assert est.series_ids_ == ["zeta", "alpha"]
    assert list(est.predict().index.get_level_values("id").unique()) == [
        "zeta",
        "alpha",
    ]


def test_a_time_column_alone_is_the_index():
    frame = good(10).rename("v").rename_axis("when").reset_index()
    est = SeasonalNaiveForecaster(horizon=2, time_col="when").fit(frame)
    assert est.predict().index[0] == pd.Timestamp("2021-01-11")
    with pytest.raises(ValueError, match="^X lacks the column\\(s\\) time_col='nope'"):
        SeasonalNaiveForecaster(time_col="nope").fit(frame)
    with pytest.raises(ValueError, match="^X lacks the column\\(s\\) id_col='nope'"):
        SeasonalNaiveForecaster(id_col="nope", time_col="when").fit(frame)


def test_non_numeric_columns_are_named_with_the_argument():
    frame = good(10).to_frame("v").assign(city="x")
    with pytest.raises(TypeError, match=r"^X has non-numeric column\(s\) \['city'\]"):
        SeasonalNaiveForecaster().fit(frame)


def test_integer_and_boolean_columns_are_numbers():
    # an integer target gives float forecasts; a boolean covariate beside a float
    # target is read as 0/1
    counts = pd.Series(np.arange(14), index=days(14), name="n")
    fc = SeasonalNaiveForecaster(horizon=3).fit(counts).predict()
    assert fc["n"].dtype == np.float64
    np.testing.assert_array_equal(fc["n"], [7.0, 8.0, 9.0])
    frame = pd.DataFrame(
        {"y": np.sin(np.arange(30.0)), "promo": np.arange(30) % 3 == 0}, index=days(30)
    )
    est = LSTMForecaster(horizon=2, past_covariates="promo", **TINY).fit(frame)
    assert np.isfinite(est.predict().to_numpy()).all()


def test_split_series_blocks():
    data = long({"b": good(4), "a": good(3, "2021-02-01")})
    blocks, columns, names = split_series(data, name="data")
    assert [b.id for b in blocks] == ["b", "a"]
    assert columns == ["y"] and names == ["id", "time"]
    assert all(b.values.dtype == np.float64 for b in blocks)
    np.testing.assert_array_equal(blocks[1].values[:, 0], [0.0, 1.0, 2.0])
    axis = common_axis(blocks, name="data")
    assert axis == TimeAxis("datetime", pd.tseries.frequencies.to_offset("D"))
    # integer and boolean columns are read as float64 numbers
    counts = long({"a": good(3).astype(np.int64)}).assign(flag=[True, False, True])
    (block,), columns, _ = split_series(counts, name="data")
    assert block.values.dtype == np.float64 and columns == ["y", "flag"]
    np.testing.assert_array_equal(block.values, [[0.0, 1.0], [1.0, 0.0], [2.0, 1.0]])


def test_period_and_integer_axes():
    index = pd.period_range("2001-01", periods=5, freq="M")
    axis = infer_axis(index, name="y")
    assert (axis.kind, axis.freqstr, axis.season) == ("period", "M", 12)
    assert list(axis.after(index[-1], 2)) == list(
        pd.period_range("2001-06", periods=2, freq="M")
    )
    axis = infer_axis(pd.Index([10, 13, 16]), name="y")
    assert (axis.kind, axis.freq, axis.freqstr, axis.season) == ("integer", 3, "3", 1)
    assert infer_axis(pd.Index([7]), name="y") is None  # one label: no step yet


FREQS = [
    ("datetime", "h"),
    ("datetime", "D"),
    ("datetime", "3D"),
    ("datetime", "B"),
    ("datetime", "W-SUN"),
    ("datetime", "MS"),
    ("datetime", "ME"),
    ("datetime", "QS-JAN"),
    ("datetime", "15min"),
    ("period", "M"),
    ("period", "Q-DEC"),
    ("period", "2D"),
    ("integer", "1"),
    ("integer", "5"),
]


def _labels(kind, freqstr, n):
    axis = TimeAxis.from_freqstr(kind, freqstr)
    start = {"datetime": pd.Timestamp("2024-01-01"), "period": None, "integer": 10}
    first = start[kind] if kind != "period" else pd.Period("2024-01", freq=freqstr)
    if kind == "datetime":
        first = pd.date_range(first, periods=1, freq=axis.freq)[0]  # on the offset
    return axis, axis.range(first, n)


@pytest.mark.parametrize("kind,freqstr", FREQS)
def test_an_axis_is_rebuilt_from_its_kind_and_freqstr(kind, freqstr):
    axis, labels = _labels(kind, freqstr, 6)
    assert TimeAxis.from_freqstr(axis.kind, axis.freqstr) == axis
    # the labels after the last one are the range's continuation, and named
    after = axis.after(labels[-1], 4, name="t")
    assert list(after) == list(axis.range(labels[0], 10)[6:])
    assert after.name == "t"


@pytest.mark.parametrize("kind,freqstr", FREQS)
def test_an_index_follows_the_axis_only_without_gaps(kind, freqstr):
    from tsrnn._frequency import _follows

    axis, labels = _labels(kind, freqstr, 8)
    assert _follows(labels, axis)
    assert _follows(pd.Index(list(labels)), axis)  # the same labels, no freq
    gap = labels.delete(4)
    assert not _follows(gap, axis)
    assert not _follows(pd.Index(list(gap)), axis)


@pytest.mark.parametrize("kind,freqstr", FREQS)
def test_forecasters_read_an_index_that_lost_its_freq(kind, freqstr):
    """Data read back from a CSV has no freq set: the axis is inferred, and the
    forecast continues it, the same as for the index with its freq."""
    _, labels = _labels(kind, freqstr, 30)
    y = pd.Series(np.arange(30.0), index=labels)
    bare = pd.Series(np.arange(30.0), index=pd.Index(list(labels)))
    expected = SeasonalNaiveForecaster(horizon=3).fit(y).predict()
    got = SeasonalNaiveForecaster(horizon=3).fit(bare).predict()
    assert list(got.index) == list(expected.index)
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())


# -- issue 18 item 1: hints derived from the data, and freq= ---------------------------

GAPPY = {  # freq -> (length, positions removed): one or two missing steps
    "h": (100, [5, 40]),
    "B": (60, [7]),  # a holiday: Wednesday 2024-01-10
    "D": (40, [3, 20]),
    "W-SUN": (30, [4]),
    "W-WED": (30, [4, 11]),
    "MS": (30, [6]),
    "ME": (30, [6]),
    "QS-JAN": (20, [5]),
    "YS-JAN": (12, [4]),
}


def gappy(freq):
    n, drop = GAPPY[freq]
    index = pd.date_range("2024-01-01", periods=n, freq=freq, name="t")
    return pd.Series(np.arange(float(n)), index=index, name="y").drop(index[drop])


def _fix(call):
    """The ParameterFixableError ``call`` raises."""
    from tsrnn.exceptions import ParameterFixableError

    with pytest.raises(ParameterFixableError) as info:
        call()
    return info.value


@pytest.mark.parametrize("freq", list(GAPPY))
def test_the_hint_for_missing_steps_is_the_data_s_frequency_and_following_it_works(
    freq,
):
    y = gappy(freq)
    err = _fix(lambda: SeasonalNaiveForecaster(horizon=3).fit(y))
    assert err.params == {"freq": freq}
    assert f"Pass freq={freq!r}" in str(err) and f"data.asfreq({freq!r})" in str(err)
    # the missing steps are named
    full = pd.date_range(y.index[0], y.index[-1], freq=freq)
    assert str(full.difference(y.index)[0]) in str(err)
    # following the hint as written: the forecast continues on the data's calendar
    followed = eval(err.alternative, {"pd": pd, "data": y})
    fc = SeasonalNaiveForecaster(horizon=3).fit(followed)
    want = pd.date_range(y.index[-1], periods=4, freq=freq, name="t")[1:]
    pd.testing.assert_index_equal(fc.predict().index, want)
    assert fc.freq_ == freq
    # and freq= gives the same forecast without touching the data
    same = SeasonalNaiveForecaster(horizon=3, freq=freq).fit(y)
    pd.testing.assert_frame_equal(same.predict(), fc.predict())
    assert y.index.freq is None and len(y) == len(y.index)  # not mutated


def test_business_days_with_a_holiday_forecast_business_days():
    y = gappy("B")
    err = _fix(lambda: LSTMForecaster(horizon=5, **TINY).fit(y))
    fc = LSTMForecaster(horizon=5, **TINY).fit(y.asfreq(err.params["freq"]))
    days_ahead = fc.predict().index
    assert (days_ahead.day_of_week < 5).all() and len(days_ahead) == 5
    assert fc.mask_channel_  # the holiday is a masked missing target


@pytest.mark.parametrize(
    "index,freq,alternative",
    [
        (pd.Index([0, 2, 4, 6, 10, 12, 14]), 2, "data.reindex(range(0, 16, 2))"),
        (
            pd.period_range("2020-01", periods=12, freq="M").delete(5),
            "M",
            "data.reindex(pd.period_range('2020-01', '2020-12', freq='M'))",
        ),
    ],
)
def test_integer_and_period_hints_reindex_on_the_data_s_own_step(
    index, freq, alternative
):
    y = pd.Series(np.arange(float(len(index))), index=index)
    err = _fix(lambda: SeasonalNaiveForecaster(horizon=2).fit(y))
    assert err.params == {"freq": freq} and err.alternative == alternative
    followed = eval(alternative, {"pd": pd, "data": y})
    fc = SeasonalNaiveForecaster(horizon=2).fit(followed)
    same = SeasonalNaiveForecaster(horizon=2, freq=freq).fit(y)
    pd.testing.assert_frame_equal(same.predict(), fc.predict())
    assert fc.freq_ == str(freq)


def test_in_a_panel_the_hint_is_freq_and_freq_puts_every_series_on_the_grid():
    b = gappy("B")
    fine = pd.Series(np.arange(60.0), index=pd.bdate_range("2024-01-01", periods=60))
    data = long({"a": fine, "b": b})
    err = _fix(lambda: SeasonalNaiveForecaster(horizon=2).fit(data))
    assert str(err).startswith("X (series 'b') does not follow the frequency 'B'")
    assert err.params == {"freq": "B"} and err.alternative == ""
    fc = SeasonalNaiveForecaster(horizon=2, freq="B").fit(data)
    out = fc.predict()
    assert (out.index.get_level_values("time").day_of_week < 5).all()
    assert out.index.get_level_values("time")[0] == pd.Timestamp("2024-03-25")


def test_labels_off_the_grid_are_named_not_hinted_away():
    y = good(14)
    y.index = y.index.where(y.index != y.index[5], y.index[5] + pd.Timedelta("12h"))
    with pytest.raises(ValueError) as info:
        SeasonalNaiveForecaster().fit(y)
    msg = str(info.value)
    assert "most steps are 'D', but 1 label(s) are not on that grid" in msg
    assert "2021-01-06 12:00:00" in msg and "freq=" not in msg
    # freq= never moves nor drops it
    with pytest.raises(ValueError, match=r"1 label\(s\) that are not on the grid"):
        SeasonalNaiveForecaster(freq="D").fit(y)


def test_freq_is_used_by_predict_score_and_backtest_and_persisted(tmp_path):
    from sklearn.base import clone

    import tsrnn
    from tsrnn.model_selection import backtest

    y = gappy("B")
    fc = LSTMForecaster(horizon=3, freq="B", **TINY)
    assert clone(fc).get_params()["freq"] == "B"
    fc.fit(y.iloc[:40])
    rest = y.iloc[40:].drop(y.index[45])  # a second gap in the new data
    assert np.isfinite(fc.score(rest))
    new = fc.predict(y.iloc[:30])
    assert (new.index.day_of_week < 5).all() and new.index[0] == pd.Timestamp(
        "2024-02-13"
    )
    frame = backtest(fc, y, start=40)
    assert (pd.DatetimeIndex(frame["time"]).day_of_week < 5).all()
    tsrnn.save(fc, tmp_path / "fc")
    loaded = tsrnn.load(tmp_path / "fc")
    assert loaded.freq == "B"
    pd.testing.assert_frame_equal(loaded.predict(y.iloc[:30]), new)


def test_covariate_frames_go_on_the_same_grid():
    y = gappy("B")
    frame = pd.DataFrame({"y": y, "c": np.ones(len(y))})
    # the inserted step has no covariate value: said, never filled silently
    with pytest.raises(ValueError, match=r"past_covariates \['c'\] have missing"):
        SeasonalNaiveForecaster(past_covariates="c", freq="B").fit(frame)
    filled = frame.asfreq("B").assign(c=lambda d: d["c"].ffill())
    out = SeasonalNaiveForecaster(past_covariates="c", freq="B").fit(filled)
    assert out.freq_ == "B"


def test_a_series_on_another_grid_is_told_its_own_step():
    daily = pd.Series(np.arange(60.0), index=pd.date_range("2024-01-01", periods=60))
    weekly = pd.Series(
        np.arange(8.0), index=pd.date_range("2024-01-07", periods=8, freq="W-SUN")
    )
    err = _fix(lambda: SeasonalNaiveForecaster().fit(long({"a": daily, "b": weekly})))
    assert str(err).startswith(
        "X (series 'b') does not follow the frequency 'D' of the data (its own "
        "labels step by 'W-SUN'); on that grid, 42 step(s) are missing"
    )


# -- issue 18 item 2 (and its hints): keys of every row, fixes that work -------------


def keyed(missing=None, dtype="object") -> pd.DataFrame:
    """Series 'a' and 'b' (12 days each) in id/t columns; with ``missing="id"`` or
    ``"time"``, an extra row 5 whose series id (of ``dtype``) or time is missing."""
    a, b = (1, 2) if dtype == "Int64" else ("a", "b")
    ids, times = [a] * 12 + [b] * 12, list(days(12)) * 2
    if missing is not None:
        ids.insert(5, None if missing == "id" else a)
        times.insert(5, pd.NaT if missing == "time" else times[5])
    return pd.DataFrame(
        {"id": pd.Series(ids, dtype=dtype), "t": times, "v": np.arange(float(len(ids)))}
    )


# (data, fit kwargs, pattern of the suggested fix in the message, fixed series ids)
PANEL = dict(id_col="id", time_col="t")
DROP = r"fill in their (?:series id|time) \((.*)\)\.$"
KEY_FAULTS = {
    **{
        f"id {dtype}": (
            keyed("id", dtype),
            PANEL,
            DROP,
            [1, 2] if dtype == "Int64" else ["a", "b"],
        )
        for dtype in ("object", "string", "category", "Int64")
    },
    "time NaT": (keyed("time"), PANEL, DROP, ["a", "b"]),
    "id level": (keyed("id").set_index(["id", "t"]), {}, DROP, ["a", "b"]),
    "time level": (keyed("time").set_index(["id", "t"]), {}, DROP, ["a", "b"]),
    "unsorted columns": (
        keyed().iloc[::-1],
        PANEL,
        r"Sort it by time first \((.*)\)\.$",
        ["a", "b"],
    ),
    "unsorted level": (
        keyed().set_index(["id", "t"]).iloc[::-1],
        {},
        r"Sort it by time first \((.*)\)\.$",
        ["a", "b"],
    ),
    "duplicates in columns": (
        pd.concat([keyed(), keyed().iloc[[3]]]),
        PANEL,
        r"\(e\.g\. (.*)\)\.$",
        ["a", "b"],
    ),
    "duplicates in levels": (
        pd.concat([keyed(), keyed().iloc[[3]]]).set_index(["id", "t"]),
        {},
        r"\(e\.g\. (.*)\)\.$",
        ["a", "b"],
    ),
}


@pytest.mark.parametrize("kind", list(KEY_FAULTS))
def test_a_missing_or_disordered_key_is_refused_with_a_fix_that_works(kind):
    """Nothing is dropped silently; the fix the message gives reads the data right."""
    X, kwargs, pattern, ids = KEY_FAULTS[kind]
    before = X.copy()
    est = SeasonalNaiveForecaster(horizon=2, **kwargs)
    with pytest.raises(ValueError) as info:
        est.fit(X)
    pd.testing.assert_frame_equal(X, before)  # the caller's data is untouched
    fix = __import__("re").search(pattern, str(info.value)).group(1)
    fixed = eval(fix, {"X": X, "pd": pd})  # the message's own expression
    assert est.fit(fixed).series_ids_ == ids
    assert est.predict().shape == (4, 1)


@pytest.mark.parametrize(
    "X,kwargs",
    [
        (
            pd.DataFrame({"t": days(40).strftime("%d/%m/%Y"), "v": np.arange(40.0)}),
            dict(time_col="t"),
        ),
        (pd.Series(np.arange(12.0), index=days(12).strftime("%Y-%m-%d")), {}),
        (pd.Series(np.arange(12.0), index=[str(i) for i in range(12)]), {}),
        (keyed().assign(t=lambda d: d["t"].astype(str)).set_index(["id", "t"]), {}),
    ],
    ids=["time_col", "index", "integer steps", "level"],
)
def test_times_as_strings_get_the_conversion_that_reads_them(X, kwargs):
    est = SeasonalNaiveForecaster(horizon=2, **kwargs)
    with pytest.raises(TypeError, match="times as strings") as info:
        est.fit(X)
    fix = __import__("re").search(r"Convert them first: (.*)\.$", str(info.value))
    X = X.copy()
    exec(fix.group(1), {"X": X, "pd": pd})  # the message's own conversion
    first = est.fit(X).predict().index[0]
    after = pd.Timestamp("2021-01-13")
    assert first in (12, after, ("a", after), pd.Timestamp("2021-02-10"))


def test_dates_that_read_day_or_month_first_get_both_formats():
    X = pd.DataFrame({"t": days(12).strftime("%d/%m/%Y"), "v": np.arange(12.0)})
    with pytest.raises(
        TypeError,
        match=r"format='%m/%d/%Y'\) or X\['t'\] = pd.to_datetime\(X\['t'\], "
        r"format='%d/%m/%Y'\); the strings read both ways",
    ):
        SeasonalNaiveForecaster(time_col="t").fit(X)


def test_strings_that_are_no_times_keep_the_index_hint():
    with pytest.raises(TypeError, match="must be indexed by time"):
        SeasonalNaiveForecaster().fit(pd.Series(np.arange(3.0), index=list("abc")))


@pytest.mark.parametrize(
    "steps",
    [
        pd.array(list(range(12)) * 2, dtype="Int64"),  # nullable integers
        [float(i) for i in range(12)] * 2,  # integers made float by a NaN
    ],
    ids=["Int64", "float"],
)
@pytest.mark.parametrize("form", ["columns", "levels", "index"])
def test_integer_steps_in_another_dtype_get_the_int64_conversion(steps, form):
    X = keyed().assign(t=steps)
    kwargs = PANEL if form == "columns" else {}
    if form != "columns":
        X = (
            X.set_index(["id", "t"])
            if form == "levels"
            else X.iloc[:12].set_index("t")[["v"]]
        )
    est = SeasonalNaiveForecaster(horizon=2, **kwargs)
    with pytest.raises(
        TypeError, match="time steps in .* as .*astype\\('int64'\\)"
    ) as info:
        est.fit(X)
    fix = __import__("re").search(
        r"Convert them to int64 first: (.*)\.$", str(info.value)
    )
    X = X.copy()
    exec(fix.group(1), {"X": X})  # the message's own conversion
    assert est.fit(X).predict().index[-1] in (13, ("b", 13))


def test_days_that_skip_every_monday_get_the_business_day_hint_and_it_works():
    # issue 18 (item 4, second round): 'D' masked 3 steps in 7 where 'B' masks 1 in 5
    days = pd.bdate_range("2023-01-03", periods=120)
    kept = days[days.day_of_week != 0]
    y = pd.Series(np.arange(len(kept), dtype=float), kept)
    with pytest.raises(ValueError, match="steps by 'B'.*Pass freq='B'"):
        SeasonalNaiveForecaster(horizon=2).fit(y)
    fc = SeasonalNaiveForecaster(horizon=2, freq="B").fit(y)
    assert fc.freq_ == "B"
    # the next business day after Friday 2023-06-16
    assert fc.predict().index[0] == pd.Timestamp("2023-06-19")


@pytest.mark.parametrize(
    "index,freq,hint",
    [
        (pd.date_range("2024-01-01", periods=30, freq="D"), "12h", "'D'"),
        (pd.date_range("2020-01-05", periods=30, freq="W"), "D", "'W-SUN'"),
        (pd.bdate_range("2024-01-01", periods=30), "h", "'B'"),
        (pd.RangeIndex(0, 60, 2), 1, "2"),
        (pd.Index(np.arange(0, 62, 2)).delete(7), 1, "2"),
    ],
)
def test_freq_finer_than_the_labels_is_refused_naming_their_grid(index, freq, hint):
    # issue 18 (item 4, second round): daily data at freq='12h' was half NaN
    y = pd.Series(np.arange(len(index), dtype=float), index)
    with pytest.raises(ValueError, match=f"freq={freq!r} is finer.*freq={hint}"):
        SeasonalNaiveForecaster(horizon=2, freq=freq).fit(y)
    fitted = SeasonalNaiveForecaster(horizon=2, season=1, freq=eval(hint)).fit(y)
    assert not np.isnan(fitted.predict().to_numpy()).any()


def test_freq_with_gaps_coarser_than_its_own_steps_is_still_accepted():
    # a sparse series at its own step (half of the days missing) is not refused
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    y = pd.Series(np.arange(30.0), days[np.r_[0:60:3, 1:60:6]].sort_values())
    assert SeasonalNaiveForecaster(horizon=2, freq="D").fit(y).freq_ == "D"
