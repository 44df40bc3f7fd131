"""tsrnn._panel: pandas in, one array per series and role out; future rows; history."""

import pickle

import numpy as np
import pandas as pd
import pytest

from tsrnn._panel import (
    Roles,
    extend_history,
    future_rows,
    join_target,
    read_panel,
    role_names,
)
from tsrnn._ragged import Ragged, concat


def days(n, start="2021-01-01"):
    return pd.date_range(start, periods=n, freq="D", name="date")


def frame(n=10, start="2021-01-01"):
    t = np.arange(float(n))
    return pd.DataFrame(
        {"sales": t, "price": 2 * t, "promo": t % 2, "size": 3.0}, index=days(n, start)
    )


ROLES = Roles.from_params(
    past_covariates="price", future_covariates=["promo"], static_covariates="size"
)


def test_role_names_and_roles_from_params():
    assert role_names(None) == [] and role_names("a") == ["a"]
    assert role_names(("a", "b")) == ["a", "b"]
    assert ROLES.past == ["price"] and ROLES.future == ["promo"]
    assert ROLES.target == [] and ROLES.id_col is None


def test_roles_split_the_columns_and_the_rest_is_the_target():
    panel = read_panel(frame(), None, ROLES)
    assert panel.target_names == ["sales"] and panel.ids == [None]
    assert not panel.panel
    np.testing.assert_array_equal(panel.target[0][:, 0], np.arange(10.0))
    np.testing.assert_array_equal(panel.past[0][:, 0], 2 * np.arange(10.0))
    np.testing.assert_array_equal(panel.future[0][:, 0], np.arange(10.0) % 2)
    np.testing.assert_array_equal(panel.static, [[3.0]])
    assert panel.index_names == ["date"] and panel.axis.freqstr == "D"
    # covariates side by side: past, future, static repeated over the steps
    np.testing.assert_array_equal(
        panel.covariates(0), np.c_[2 * np.arange(10.0), np.arange(10.0) % 2, [3.0] * 10]
    )
    # the last n steps of every role
    tail = panel.tail(3)
    assert list(tail.index[0]) == list(days(10)[-3:])
    np.testing.assert_array_equal(tail.target[0][:, 0], [7.0, 8.0, 9.0])
    assert tail.past[0].shape == (3, 1) and tail.static is panel.static


def test_with_target_named_other_columns_are_not_read():
    data = frame().assign(note="text", ticker="AAPL")  # not numbers, not named
    panel = read_panel(data, None, Roles.from_params(target="sales"))
    assert panel.target_names == ["sales"]
    np.testing.assert_array_equal(panel.target[0][:, 0], np.arange(10.0))
    long = data.reset_index().assign(store=lambda d: ["a"] * 5 + ["b"] * 5)
    roles = Roles.from_params(target=["sales"], id_col="store", time_col="date")
    panel = read_panel(long, None, roles)
    assert panel.ids == ["a", "b"] and panel.target_names == ["sales"]
    with pytest.raises(
        TypeError, match=r"non-numeric column\(s\) \['note', 'ticker'\]"
    ):
        read_panel(data, None, Roles.from_params())  # every column a target


def test_a_long_panel_keeps_the_order_of_first_appearance():
    parts = {"b": frame(6), "a": frame(4, "2021-01-03")}
    long = pd.concat(parts, names=["shop", "date"])
    panel = read_panel(long, None, ROLES)
    assert panel.ids == ["b", "a"] and panel.panel
    assert panel.index_names == ["shop", "date"]
    assert [len(t) for t in panel.target] == [6, 4]
    as_columns = long.reset_index()
    roles = Roles.from_params(
        past_covariates="price",
        future_covariates="promo",
        static_covariates="size",
        id_col="shop",
        time_col="date",
    )
    again = read_panel(as_columns, None, roles)
    assert again.ids == panel.ids
    for a, b in zip(again.target, panel.target):
        np.testing.assert_array_equal(a, b)


def test_y_is_the_target_and_x_the_covariates():
    data = frame()
    roles = Roles.from_params(past_covariates="price")
    panel = read_panel(data[["price"]], data["sales"], roles)
    assert panel.target_names == ["sales"]
    np.testing.assert_array_equal(panel.past[0][:, 0], data["price"].to_numpy())
    joined = (
        join_target(data[["price"]], data["sales"].to_numpy()[:0], "X")
        if False
        else None
    )
    assert joined is None
    with pytest.raises(ValueError, match="share the column.*Rename"):
        join_target(data, data["sales"], "X")
    with pytest.raises(
        TypeError, match="X holds the covariates and must be a DataFrame"
    ):
        join_target(data["price"], data["sales"], "X")
    with pytest.raises(TypeError, match="y must be a pandas Series or DataFrame"):
        join_target(None, data["sales"].to_numpy(), "X")
    with pytest.raises(ValueError, match="X is None"):
        join_target(None, None, "X")


@pytest.mark.parametrize(
    "data,roles,match",
    [
        (
            frame(),
            Roles.from_params(past_covariates="nope"),
            "lacks the column\\(s\\) past_covariates=\\['nope'\\]",
        ),
        (
            frame(),
            Roles.from_params(target="nope"),
            "lacks the column\\(s\\) target=\\['nope'\\]",
        ),
        (
            frame().assign(price=[np.nan] + [1.0] * 9),
            ROLES,
            "past_covariates \\['price'\\] have missing values.*ffill",
        ),
        (
            frame().assign(size=np.arange(10.0)),
            ROLES,
            "static_covariates \\['size'\\] vary within series.*past_covariates",
        ),
        (
            frame()[["price", "promo", "size"]],
            ROLES,
            "no target column: every column is a covariate",
        ),
    ],
)
def test_bad_roles_name_the_role_and_the_fix(data, roles, match):
    with pytest.raises(ValueError, match=match):
        read_panel(data, None, roles)


def test_future_rows_need_every_forecast_timestamp():
    panel = read_panel(frame(), None, ROLES)
    assert future_rows(panel, None, Roles.from_params(), 3) is None  # no future role
    ahead = pd.DataFrame({"promo": [1.0, 0.0, 1.0, 5.0]}, index=days(4, "2021-01-11"))
    with pytest.raises(
        ValueError, match="no future_covariates, so it would be ignored"
    ):
        future_rows(panel, ahead, Roles.from_params(), 3)  # never dropped silently
    rows = future_rows(panel, ahead, ROLES, 3)
    np.testing.assert_array_equal(rows[0], [[1.0], [0.0], [1.0]])
    with pytest.raises(
        ValueError, match="pass predict\\(..., future=frame\\).*2021-01-11"
    ):
        future_rows(panel, None, ROLES, 3)
    with pytest.raises(ValueError, match="no complete future_covariates values"):
        future_rows(panel, ahead.iloc[1:], ROLES, 3)
    with pytest.raises(ValueError, match="future lacks the column.*future_covariates"):
        future_rows(panel, ahead.rename(columns={"promo": "x"}), ROLES, 3)


def test_a_continuing_series_is_read_after_its_training_tail():
    roles = Roles.from_params()
    train = read_panel(pd.Series(np.arange(10.0), index=days(10)), None, roles)
    history = train.tail(4)
    follows = read_panel(
        pd.Series([10.0, 11.0, 12.0], index=days(3, "2021-01-11")), None, roles
    )
    merged, fitted, context = extend_history(history, follows, [0], window=4, horizon=1)
    assert fitted == [0] and context == [4]
    np.testing.assert_array_equal(merged.target[0][:, 0], [6, 7, 8, 9, 10, 11, 12])
    assert merged.index[0][0] == days(10)[6]
    # a gap, or a series unseen in fit: read on its own, its first steps as context
    later = read_panel(
        pd.Series(np.arange(8.0), index=days(8, "2021-02-01")), None, roles
    )
    merged, fitted, context = extend_history(history, later, [0], window=4, horizon=2)
    assert fitted == [None] and context == [4]  # min(window, n - horizon)
    merged, fitted, context = extend_history(
        history, later, [None], window=9, horizon=2
    )
    assert fitted == [None] and context == [6]
    np.testing.assert_array_equal(merged.target[0], later.target[0])


# -- issue 18 items 5, 6: columns checked by name, X and y joined label for label ----


def test_x_and_y_are_joined_only_when_their_labels_match():
    data = frame()
    roles = Roles.from_params(past_covariates="price")
    X, y = data[["price"]], data["sales"]
    aligned = read_panel(X, y, roles)
    # X stamped 12 hours off y: refused, not reindexed into NaN covariates
    off = X.set_axis(X.index + pd.Timedelta("12h"))
    before = off.copy()
    with pytest.raises(
        ValueError,
        match=r"different indexes \(10 and 10 rows\).*row 0: X has "
        r"Timestamp\('2021-01-01 12:00:00'\), y has Timestamp\('2021-01-01 00:00:00'\)",
    ):
        read_panel(off, y, roles)
    pd.testing.assert_frame_equal(off, before)
    # the same labels in another order: the fix the message gives reads it right
    shuffled = X.iloc[::-1]
    with pytest.raises(ValueError, match=r"pass X.reindex\(y.index\)"):
        read_panel(shuffled, y, roles)
    fixed = read_panel(shuffled.reindex(y.index), y, roles)
    np.testing.assert_array_equal(fixed.past[0], aligned.past[0])
    # X covering more rows than y: the message's X.loc[y.index]
    longer = frame(12)[["price"]]
    with pytest.raises(ValueError, match=r"pass X.loc\[y.index\]"):
        read_panel(longer, y, roles)
    np.testing.assert_array_equal(
        read_panel(longer.loc[y.index], y, roles).past[0], aligned.past[0]
    )
    # X lacking y's last rows: covariates are never invented for them
    shorter = X.iloc[:8]
    with pytest.raises(ValueError, match=r"row 8: y goes on with .*y.loc\[X.index\]"):
        read_panel(shorter, y, roles)
    kept = read_panel(shorter, y.loc[shorter.index], roles)
    np.testing.assert_array_equal(kept.target[0][:, 0], y.to_numpy()[:8])


def test_with_y_every_column_of_x_needs_a_role():
    data = frame()
    with pytest.raises(ValueError, match=r"\['promo'\] with no role"):
        read_panel(
            data[["price", "promo"]],
            data["sales"],
            Roles.from_params(past_covariates="price"),
        )
    # named, the same column is a covariate, never a target
    panel = read_panel(
        data[["price", "promo"]],
        data["sales"],
        Roles.from_params(past_covariates="price", future_covariates="promo"),
    )
    assert panel.target_names == ["sales"]
    np.testing.assert_array_equal(panel.future[0][:, 0], data["promo"].to_numpy())


def test_columns_are_checked_by_name_against_fit_in_one_message():
    data = frame()
    fitted = read_panel(data, None, ROLES)
    assert fitted.target_names == ["sales"]
    with pytest.raises(
        ValueError,
        match=r"^X lacks the column\(s\) target=\['sales'\], past_covariates="
        r"\['price'\], static_covariates=\['size'\]; its columns are \['promo'\]\. It "
        r"was fitted with target=\['sales'\], past_covariates=\['price'\], "
        r"future_covariates=\['promo'\], static_covariates=\['size'\]",
    ):
        read_panel(data[["promo"]], None, ROLES, targets=["sales"])
    # fit made every other column a target: a new one is refused, not ignored
    with pytest.raises(ValueError, match=r"\['extra'\] not seen in fit"):
        read_panel(data.assign(extra=1.0), None, ROLES, targets=["sales"])
    # with target= named, other columns are not read, in fit as at predict
    roles = Roles.from_params(target="sales")
    assert read_panel(data, None, roles).target_names == ["sales"]
    again = read_panel(data.assign(extra=1.0), None, roles, targets=["sales"])
    np.testing.assert_array_equal(again.target[0][:, 0], data["sales"].to_numpy())


def test_future_rows_tell_a_missing_row_from_a_missing_value():
    panel = read_panel(frame(), None, ROLES)
    ahead = pd.DataFrame({"promo": [1.0, 0.0, 1.0]}, index=days(3, "2021-01-11"))
    off = ahead.set_axis(ahead.index + pd.Timedelta("12h"))
    with pytest.raises(
        ValueError,
        match=r"3 of them have no row, the first 2021-01-11 00:00:00; its timestamps "
        r"run from 2021-01-11 12:00:00 to 2021-01-13 12:00:00",
    ):
        future_rows(panel, off, ROLES, 3)
    with pytest.raises(
        ValueError, match=r"missing values \(NaN\), the first at 2021-01-12"
    ):
        future_rows(panel, ahead.assign(promo=[1.0, np.nan, 1.0]), ROLES, 3)


def test_future_supplies_only_the_future_covariates():
    """Other columns of ``future`` (say, a frame built from future_index()) are not
    read, as fit reads no column outside the roles of future covariates there."""
    panel = read_panel(frame(), None, ROLES)
    ahead = pd.DataFrame({"promo": [1.0, 0.0, 1.0]}, index=days(3, "2021-01-11"))
    rows = future_rows(panel, ahead.assign(note=7.0), ROLES, 3)
    np.testing.assert_array_equal(rows[0], [[1.0], [0.0], [1.0]])


def test_a_sorted_long_panel_is_read_as_views_the_caller_cannot_change_through():
    """Issue 23: reading a long panel copies neither the frame nor each series;
    the views are read-only, and what a fitted forecaster keeps (the training
    tail) is its own copy, so the caller's frame is neither changed nor kept."""
    from tsrnn import SeasonalNaiveForecaster

    rows = pd.DataFrame(
        {
            "id": np.repeat(["a", "b", "c"], 12),
            "t": np.tile(np.arange(12), 3),
            "y": np.arange(36.0),
        }
    )
    values = rows["y"].to_numpy()
    panel = read_panel(rows, None, Roles.from_params(id_col="id", time_col="t"))
    assert all(np.shares_memory(t, values) for t in panel.target)
    with pytest.raises(ValueError, match="read-only"):
        panel.target[0][0, 0] = -1.0
    model = SeasonalNaiveForecaster(horizon=2, id_col="id", time_col="t").fit(rows)
    assert not any(np.shares_memory(t, values) for t in model._history.target)
    # interleaved rows (sorted by time, not by series) are gathered per series
    mixed = rows.sort_values(["t", "id"], kind="stable")
    again = read_panel(mixed, None, Roles.from_params(id_col="id", time_col="t"))
    for a, b in zip(panel.target, again.target):
        np.testing.assert_array_equal(a, b)


def test_arrow_tables_and_parquet_paths_read_as_the_same_panel(tmp_path):
    """Issue 23: data that was never a pandas frame: a pyarrow Table, a Parquet
    file, a folder of Parquet files (a dataset) give the frame's forecasts; the
    caller's table is not changed; target= reads only the roles' columns."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from tsrnn import LSTMForecaster

    rng = np.random.default_rng(0)
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "store": f"s{i}",
                    "date": pd.date_range("2024-01-01", periods=40 + 5 * i, freq="D"),
                    "sales": 10 + i + rng.normal(0, 1, 40 + 5 * i),
                    "note": "free text",  # not a number: left out by target=
                }
            )
            for i in range(3)
        ],
        ignore_index=True,
    )
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, tmp_path / "all.parquet")
    (tmp_path / "parts").mkdir()
    for i, (_, part) in enumerate(frame.groupby("store")):
        pq.write_table(
            pa.Table.from_pandas(part, preserve_index=False),
            tmp_path / "parts" / f"{i}.parquet",
        )
    params = dict(
        horizon=3,
        target="sales",
        id_col="store",
        time_col="date",
        max_steps=3,
        random_state=0,
    )
    expected = LSTMForecaster(**params).fit(frame).predict()
    for data in (table, tmp_path / "all.parquet", str(tmp_path / "parts")):
        got = LSTMForecaster(**params).fit(data).predict()
        pd.testing.assert_frame_equal(got, expected)
    assert table.num_rows == len(frame) and table.column_names == list(frame.columns)
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        LSTMForecaster(**params).fit(tmp_path / "missing.parquet")


def test_a_long_panel_is_read_into_roles_of_two_integers_per_series():
    """Issue 23: each role is one array and the series' row ranges (a Ragged),
    not an Index and arrays per series; unsorted or duplicate times are still
    found, per series, in the one pass over the frame."""
    n, length = 500, 7
    rows = pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), length),
            "t": np.tile(np.arange(length), n),
            "y": np.arange(n * length, dtype=float),
            "x": -np.arange(n * length, dtype=float),
        }
    )
    roles = Roles.from_params(id_col="id", time_col="t", past_covariates="x")
    panel = read_panel(rows, None, roles)
    for role in ("index", "target", "past", "future"):
        seq = getattr(panel, role)
        assert isinstance(seq, Ragged) and seq.lengths.tolist() == [length] * n
    assert panel.target.data is panel.past.data  # one table, columns per role
    np.testing.assert_array_equal(panel.past[3][:, 0], -panel.target[3][:, 0])
    assert list(panel.index[499]) == list(range(length))
    late = rows.copy()
    late.loc[late.index[[3 * length + 4, 3 * length + 5]], "t"] = [5, 4]  # swapped
    with pytest.raises(ValueError, match=r"series 3.*not sorted by time"):
        read_panel(late, None, roles)
    late["t"] = np.tile(np.arange(length), n)
    late.loc[late.index[length * n - 1], "t"] = length - 2  # the last series
    with pytest.raises(ValueError, match=r"series 499.*duplicate timestamps"):
        read_panel(late, None, roles)


def test_ragged_blocks_slice_take_compact_and_concatenate():
    data = np.arange(20.0).reshape(10, 2)
    r = Ragged(data, [0, 3, 7], [3, 7, 10], slice(0, 1))
    assert [b[:, 0].tolist() for b in r] == [[0, 2, 4], [6, 8, 10, 12], [14, 16, 18]]
    assert np.shares_memory(r[1], data)  # a block is a view
    for part in (slice(-2, None), slice(None, -1), slice(1, 3), slice(5, None)):
        got = [b[:, 0].tolist() for b in r.steps(part)]
        assert got == [b[part][:, 0].tolist() for b in r]
    assert [b[0, 0] for b in r.take([2, 0])] == [14, 0]
    assert [b[0, 0] for b in r[1:]] == [6, 14]
    own = r.steps(slice(-2, None)).compact()
    assert own.data.shape == (6, 1) and not np.shares_memory(own.data, data)
    both = concat([r, own])
    assert len(both) == 6 and both[4][:, 0].tolist() == [10, 12]
    assert concat([[np.zeros(1)], r])[1][0, 0] == 0  # a list part: a list
    times = pd.date_range("2024-01-01", periods=10, freq="D")
    ix = Ragged(times, [0, 4], [4, 10])
    stacked = Ragged.stack([ix[1], ix[0]])
    assert list(stacked[0]) == list(times[4:]) and list(stacked[1]) == list(times[:4])
    back = pickle.loads(pickle.dumps(r.steps(slice(-1, None))))
    assert len(back.data) == 3  # pickled as its own rows only
    assert [b[0, 0] for b in back] == [4, 12, 18]
