"""The command line on CSV files as people write them: dialects and quirks.

Each file holds the same series as a plain ISO, comma-separated file. The command
line either forecasts it as it forecasts the plain file (same numbers), or stops
with one line that names the flag that reads it, and then, given that flag, does.
"""

import re
import shlex

import numpy as np
import pandas as pd
import pytest

from tsrnn.__main__ import main

FAST = ["--horizon", "3", "--max-epochs", "1", "--n-ensembles", "1", "--quiet"]
DAYS = pd.date_range("2021-01-05", periods=60, freq="D")  # day numbers above 12
MONTHS = pd.date_range("2001-01-01", periods=60, freq="MS")  # always day 1
VALUES = np.round(1200 + 150 * np.sin(np.arange(60) / 3) + np.arange(60) * 2.5, 2)


def _write(path, times, values=VALUES, *, sep=",", decimal=".", header="value", **kw):
    text = [f"time{sep}{header}"]
    for t, v in zip(times, values):
        number = "" if np.isnan(v) else f"{v:.2f}".replace(".", decimal)
        text.append(f"{t}{sep}{number}")
    path.write_bytes(("\n".join(text) + "\n").encode(kw.get("encoding", "utf-8")))
    return path


def _run(path, capsys, *flags):
    """(exit code, forecast frame or None, stderr) of ``tsrnn forecast``."""
    out = path.with_suffix(".out.csv")
    code = main(["forecast", str(path), *FAST, "--output", str(out), *flags])
    err = capsys.readouterr().err
    frame = pd.read_csv(out, index_col=0) if code == 0 else None
    if code == 0:
        out.unlink()
    return code, frame, err


@pytest.fixture
def plain(tmp_path, capsys):
    """The forecasts of the plain files, daily and monthly."""
    found = {}
    for name, times in (("daily", DAYS), ("monthly", MONTHS)):
        path = _write(tmp_path / f"plain_{name}.csv", times.strftime("%Y-%m-%d"))
        code, frame, err = _run(path, capsys)
        assert code == 0, err
        found[name] = frame
    return found


def _same(frame, expected):
    assert list(frame.index) == list(expected.index)
    np.testing.assert_allclose(frame.to_numpy(), expected.to_numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    "case, times, write, flag",
    [
        (
            "semicolon, decimal comma",
            "daily",
            dict(sep=";", decimal=","),
            "--decimal ,",
        ),
        ("tab separated", "daily", dict(sep="\t"), None),
        ("pipe separated", "daily", dict(sep="|"), None),
        ("semicolon, dot decimals", "daily", dict(sep=";"), None),
    ],
)
def test_separators_are_found_and_a_decimal_comma_is_named(
    case, times, write, flag, tmp_path, capsys, plain
):
    path = _write(tmp_path / "f.csv", DAYS.strftime("%Y-%m-%d"), **write)
    code, frame, err = _run(path, capsys)
    if flag is None:
        assert code == 0, err
    else:
        assert code == 1 and len(err.strip().splitlines()) == 1
        assert f"Pass {flag} " in err, err
        code, frame, err = _run(path, capsys, *flag.split())
        assert code == 0, err
    _same(frame, plain[times])


@pytest.mark.parametrize(
    "fmt", ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m/%d/%Y", "%d/%m/%y %H:%M"]
)
def test_dates_in_the_one_order_every_value_allows_are_read_so(
    fmt, tmp_path, capsys, plain
):
    path = _write(tmp_path / "f.csv", DAYS.strftime(fmt))
    code, frame, err = _run(path, capsys)
    assert code == 0, err
    _same(frame, plain["daily"])


def test_dates_that_read_both_ways_are_refused_naming_the_flag(tmp_path, capsys, plain):
    path = _write(tmp_path / "f.csv", MONTHS.strftime("%d/%m/%Y"))  # 01/02/2001
    code, _, err = _run(path, capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "read both day-first and month-first" in err
    assert "only read day-first are they evenly spaced" in err
    assert "Pass --dayfirst " in err and "--date-format %m/%d/%Y" in err
    code, frame, err = _run(path, capsys, "--dayfirst")
    assert code == 0, err
    _same(frame, plain["monthly"])
    # the other way, as the message says: month-first is then what is read
    code, _, err = _run(path, capsys, "--date-format", "%m/%d/%Y")
    assert code == 1 and "irregular" in err  # 1 Jan, 2 Jan, ...: not a grid


def test_dayfirst_that_no_value_allows_names_the_format_that_reads_them(
    tmp_path, capsys
):
    path = _write(tmp_path / "f.csv", DAYS.strftime("%m/%d/%Y"))  # 01/13/2021
    code, _, err = _run(path, capsys, "--dayfirst")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "cannot be read day-first" in err and "--date-format %m/%d/%Y" in err


def test_a_date_format_that_does_not_match_is_one_line(tmp_path, capsys):
    path = _write(tmp_path / "f.csv", DAYS.strftime("%Y-%m-%d"))
    code, _, err = _run(path, capsys, "--date-format", "%d.%m.%Y")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "--date-format" in err and "does not read the time column" in err


def test_text_times_that_are_no_dates_name_the_format_and_time_flags(tmp_path, capsys):
    path = _write(tmp_path / "f.csv", [f"week {k}" for k in range(60)])
    code, _, err = _run(path, capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "--date-format FORMAT" in err and "--time-col NAME" in err


def test_whole_float_years_are_integer_steps_and_fractions_are_refused(
    tmp_path, capsys
):
    years = np.arange(1900, 1960)
    code, as_int, err = _run(_write(tmp_path / "i.csv", years), capsys)
    assert code == 0, err
    code, as_float, err = _run(_write(tmp_path / "f.csv", years.astype(float)), capsys)
    assert code == 0, err
    assert list(as_float.index) == [1960, 1961, 1962]
    _same(as_float, as_int)
    code, _, err = _run(_write(tmp_path / "x.csv", years + 0.5), capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "not whole" in err and "1900.5" in err


def test_a_byte_order_mark_is_not_part_of_the_first_column_name(
    tmp_path, capsys, plain
):
    path = _write(tmp_path / "f.csv", DAYS.strftime("%Y-%m-%d"), encoding="utf-8-sig")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    code, frame, err = _run(path, capsys, "--time-col", "time")
    assert code == 0, err
    _same(frame, plain["daily"])


def test_thousands_separators_are_named(tmp_path, capsys, plain):
    lines = ["time,value"] + [
        f'{t},"{v:,.2f}"' for t, v in zip(DAYS.strftime("%Y-%m-%d"), VALUES)
    ]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(lines) + "\n")
    code, _, err = _run(path, capsys)
    assert code == 1 and "Pass --thousands , " in err
    code, frame, err = _run(path, capsys, "--thousands", ",")
    assert code == 0, err
    _same(frame, plain["daily"])


def test_a_file_in_another_encoding_names_the_encoding_flag(tmp_path, capsys, plain):
    path = _write(
        tmp_path / "f.csv",
        DAYS.strftime("%Y-%m-%d"),
        header="Größe",
        encoding="latin-1",
    )
    code, _, err = _run(path, capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "Pass --encoding latin-1 " in err
    code, frame, err = _run(path, capsys, "--encoding", "latin-1")
    assert code == 0, err
    assert list(frame.columns) == ["Größe"]
    _same(frame, plain["daily"])


@pytest.mark.parametrize(
    "times, freq, drop",
    [
        (pd.date_range("2021-01-01", periods=60, freq="h"), "h", [10, 11, 12, 40]),
        (np.arange(1900, 1960), "1", [5, 30, 31]),
        (MONTHS, "MS", [7]),
    ],
    ids=["hours", "integer years", "months"],
)
def test_missing_rows_are_named_with_the_freq_flag_that_masks_them(
    times, freq, drop, tmp_path, capsys
):
    keep = np.setdiff1d(np.arange(60), drop)
    written = times.strftime("%Y-%m-%d %H:%M") if freq == "h" else times
    path = _write(tmp_path / "f.csv", np.asarray(written)[keep], VALUES[keep])
    code, _, err = _run(path, capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert f"Pass --freq {freq} " in err, err
    code, frame, err = _run(path, capsys, "--freq", freq)
    assert code == 0, err
    assert len(frame) == 3 and np.isfinite(frame.to_numpy()).all()


def test_missing_values_are_masked_not_dropped(tmp_path, capsys):
    values = VALUES.copy()
    values[[3, 20, 21]] = np.nan
    path = _write(tmp_path / "f.csv", DAYS.strftime("%Y-%m-%d"), values)
    code, frame, err = _run(path, capsys)
    assert code == 0, err
    assert list(frame.index) == ["2021-03-06", "2021-03-07", "2021-03-08"]
    assert np.isfinite(frame.to_numpy()).all()


def test_a_text_column_names_the_target_flag_and_is_then_not_read(tmp_path, capsys):
    path = tmp_path / "f.csv"
    pd.DataFrame(
        {"date": DAYS.strftime("%Y-%m-%d"), "weekday": DAYS.day_name(), "v": VALUES}
    ).to_csv(path, index=False)
    code, _, err = _run(path, capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "['weekday'] holds text" in err and "Pass --target v " in err
    code, frame, err = _run(path, capsys, "--target", "v")
    assert code == 0, err
    assert list(frame.columns) == ["v"]


def test_a_column_of_series_ids_names_the_id_flag(tmp_path, capsys):
    path = tmp_path / "f.csv"
    pd.DataFrame(
        {
            "date": np.tile(DAYS.strftime("%Y-%m-%d"), 2),
            "symbol": np.repeat(["AAPL", "MSFT"], 60),
            "close": np.r_[VALUES, VALUES * 2],
        }
    ).to_csv(path, index=False)
    code, _, err = _run(path, capsys)
    assert code == 1 and "pass --id-col symbol" in err
    code, frame, err = _run(path, capsys, "--id-col", "symbol")
    assert code == 0, err
    assert len(frame) == 6 and np.isfinite(frame["close"]).all()


def test_quarters_are_read_as_quarterly_periods(tmp_path, capsys):
    quarters = pd.period_range("2006Q1", periods=60, freq="Q")
    path = _write(tmp_path / "f.csv", [f"{q.year}-Q{q.quarter}" for q in quarters])
    code, frame, err = _run(path, capsys)
    assert code == 0, err
    assert list(frame.index) == ["2021Q1", "2021Q2", "2021Q3"]


def test_what_a_spreadsheet_export_adds_is_left_out_and_said(tmp_path, capsys, plain):
    # a separator at the end of every line (a column with neither header nor
    # cell) and rows of separators only at the end
    lines = ["time;value;"] + [
        f"{t};{v:.2f};".replace(f"{v:.2f}", f"{v:.2f}".replace(".", ","))
        for t, v in zip(DAYS.strftime("%d.%m.%Y"), VALUES)
    ]
    path = tmp_path / "f.csv"
    path.write_text("\r\n".join([*lines, ";;", ";;"]) + "\r\n")
    code, frame, err = _run(path, capsys, "--decimal", ",")
    assert code == 0, err
    _same(frame, plain["daily"])
    assert main(["forecast", str(path), *FAST[:-1], "--decimal", ","]) == 0
    said = capsys.readouterr().err.splitlines()[0]
    assert "left out 2 rows with no cell" in said
    assert "left out 1 columns with neither header nor cell" in said


def test_a_panel_whose_ids_come_first_is_timed_by_its_date_column(tmp_path, capsys):
    rows = [
        f'"{sid}",{t},{v:.2f}'
        for sid in ("007", "012")
        for t, v in zip(DAYS.strftime("%Y-%m-%d"), VALUES)
    ]
    path = tmp_path / "f.csv"
    path.write_text("store,date,sales\n" + "\n".join(rows) + "\n")
    code, _, err = _run(path, capsys)
    assert code == 1 and "pass --id-col store " in err
    out = tmp_path / "o.csv"
    argv = ["forecast", str(path), *FAST, "--id-col", "store", "--output", str(out)]
    assert main(argv) == 0
    ids = pd.read_csv(out, dtype=str)["store"].unique().tolist()
    assert ids == ["007", "012"]


def test_thousands_dots_leave_day_first_dates_alone(tmp_path, capsys, plain):
    german = [f"{v:,.2f}".translate(str.maketrans(",.", ".,")) for v in VALUES]
    lines = ["time;value"] + [
        f"{t};{v}" for t, v in zip(DAYS.strftime("%d.%m.%Y"), german)
    ]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(lines) + "\n")
    code, _, err = _run(path, capsys, "--decimal", ",")
    assert code == 1 and "Pass --thousands . " in err
    code, frame, err = _run(path, capsys, "--decimal", ",", "--thousands", ".")
    assert code == 0, err
    _same(frame, plain["daily"])  # dates stayed dates: 05.01.2021 is not 5012021


def test_decimal_commas_with_whole_numbers_among_them(tmp_path, capsys):
    values = [f"{v:.2f}".replace(".", ",") for v in VALUES]
    values[0] = "100"  # pandas would read this one, and the column as text
    path = tmp_path / "f.csv"
    body = "".join(f"{t};{v}\n" for t, v in zip(DAYS.strftime("%Y-%m-%d"), values))
    path.write_text("time;value\n" + body)
    code, _, err = _run(path, capsys)
    assert code == 1 and "Pass --decimal , " in err
    code, frame, err = _run(path, capsys, "--decimal", ",")
    assert code == 0, err
    assert np.isfinite(frame.to_numpy()).all()


def test_thousands_marks_with_small_numbers_among_them(tmp_path, capsys):
    values = [f'"{v:,.2f}"' for v in VALUES]
    values[5] = "959.90"  # under a thousand: no mark
    path = tmp_path / "f.csv"
    body = "".join(f"{t},{v}\n" for t, v in zip(DAYS.strftime("%Y-%m-%d"), values))
    path.write_text("time,value\n" + body)
    code, _, err = _run(path, capsys)
    assert code == 1 and "Pass --thousands , " in err
    assert _run(path, capsys, "--thousands", ",")[0] == 0


def test_cells_that_are_no_numbers_are_named_with_their_lines(tmp_path, capsys):
    values = [f"{v:.2f}" for v in VALUES]
    values[9], values[30] = "-", "n.a."
    path = tmp_path / "f.csv"
    body = "".join(f"{t},{v}\n" for t, v in zip(DAYS.strftime("%Y-%m-%d"), values))
    path.write_text("time,value\n" + body)
    code, _, err = _run(path, capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "'-' (CSV line 11), 'n.a.' (CSV line 32)" in err
    assert "Pass --na-values=-,n.a. if they mark missing values" in err
    code, frame, err = _run(path, capsys, "--na-values=-,n.a.")
    assert code == 0, err
    assert np.isfinite(frame.to_numpy()).all()
    # a number with a unit is no placeholder: no flag reads it, the advice says so
    values[9], values[30] = "20.9%", "21%"
    path.write_text(
        "time,value,other\n"
        + "".join(f"{t},{v},1\n" for t, v in zip(DAYS.strftime("%Y-%m-%d"), values))
    )
    code, _, err = _run(path, capsys)
    assert code == 1 and "'20.9%' (CSV line 11)" in err
    assert "Write them as plain numbers" in err
    assert "--target NAME, one of ['other']" in err


def test_month_first_dates_that_read_both_ways_advise_the_regular_order_first(
    tmp_path, capsys
):
    path = _write(tmp_path / "f.csv", MONTHS.strftime("%m/%d/%Y"))  # 02/01/2001
    code, _, err = _run(path, capsys)
    assert code == 1
    assert "only read month-first are they evenly spaced" in err
    assert "Pass --date-format %m/%d/%Y to read them month-first, or --dayfirst" in err


@pytest.mark.parametrize(
    "text, problem",
    [("", "the file is empty"), ("date,value\n", "has a header")],
)
def test_a_file_without_rows_is_one_line(text, problem, tmp_path, capsys):
    path = tmp_path / "f.csv"
    path.write_text(text)
    code, _, err = _run(path, capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1 and problem in err


@pytest.mark.parametrize("flag", ["--output", "--plot"])
def test_an_output_folder_that_does_not_exist_is_refused_before_fitting(
    flag, tmp_path, capsys, monkeypatch
):
    path = _write(tmp_path / "f.csv", DAYS.strftime("%Y-%m-%d"))
    monkeypatch.setattr("tsrnn._cli._load", lambda args: pytest.fail("read the data"))
    target = str(tmp_path / "nowhere" / "f.out")
    assert main(["forecast", str(path), "--horizon", "2", flag, target]) == 1
    err = capsys.readouterr().err
    assert f"{flag} {target}: the folder" in err and "does not exist" in err


def test_a_grid_that_is_mostly_missing_is_warned_about():
    import tsrnn

    # month-first dates read day-first, or the wrong freq: 12 days a year
    days = pd.to_datetime(
        [f"{y}-01-{d:02d}" for y in range(2001, 2006) for d in range(1, 13)]
    )
    y = pd.Series(VALUES, index=days)
    with pytest.warns(UserWarning, match=r"of which 1413 \(96%\) are missing"):
        tsrnn.SeasonalNaiveForecaster(horizon=2, freq="D").fit(y)


@pytest.mark.parametrize(
    "mark, flag",
    [
        (" ", ["--thousands", " "]),
        ("\xa0", ["--thousands", "nbsp"]),
        ("\u202f", ["--thousands", "nnbsp"]),
        ("'", ["--thousands", "'"]),
        ("\u2019", ["--thousands", "\u2019"]),
    ],
    ids=["space", "no-break space", "narrow no-break space", "apostrophe", "quote"],
)
def test_other_thousands_marks_are_named_and_read(mark, flag, tmp_path, capsys, plain):
    cells = [f"{v:,.2f}".replace(",", mark) for v in VALUES]
    body = "".join(f"{t};{v}\n" for t, v in zip(DAYS.strftime("%Y-%m-%d"), cells))
    path = tmp_path / "f.csv"
    path.write_text("time;value\n" + body, encoding="utf-8")
    code, _, err = _run(path, capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    advice = re.search(r"Pass (--thousands (?:'[^']*'|\"[^\"]*\"|\S+)) to", err)
    assert advice and shlex.split(advice.group(1)) == flag, err  # as a shell reads it
    code, frame, err = _run(path, capsys, *flag)
    assert code == 0, err
    _same(frame, plain["daily"])


def test_dots_that_may_group_thousands_are_refused_in_a_european_file(tmp_path, capsys):
    whole = np.round(VALUES).astype(int)  # 1200 -> '1.200' in every cell
    cells = [f"{v:,}".replace(",", ".") for v in whole]
    body = "".join(f"{t};{v}\n" for t, v in zip(DAYS.strftime("%d.%m.%Y"), cells))
    path = tmp_path / "f.csv"
    path.write_text("Datum;Absatz\n" + body)
    code, _, err = _run(path, capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "Pass --thousands . if it groups thousands, or --decimal . if it is" in err
    code, as_thousands, err = _run(path, capsys, "--thousands", ".")
    assert code == 0, err
    code, as_decimals, err = _run(path, capsys, "--decimal", ".")
    assert code == 0, err
    # the two readings differ by the factor the dot means
    ratio = as_thousands.to_numpy() / as_decimals.to_numpy()
    assert np.all((ratio > 300) & (ratio < 3000))


def test_compact_dates_are_named_with_their_format(tmp_path, capsys, plain):
    path = _write(tmp_path / "f.csv", DAYS.strftime("%Y%m%d"))
    code, _, err = _run(path, capsys)
    assert code == 1 and "Pass --date-format %Y%m%d to read them as dates" in err
    code, frame, err = _run(path, capsys, "--date-format", "%Y%m%d")
    assert code == 0, err
    _same(frame, plain["daily"])


def test_iso_weeks_are_read_as_their_mondays(tmp_path, capsys):
    weeks = pd.date_range("2019-12-30", periods=60, freq="W-MON")
    path = _write(tmp_path / "f.csv", weeks.strftime("%G-W%V"))
    code, frame, err = _run(path, capsys)
    assert code == 0, err
    assert list(frame.index) == ["2021-02-22", "2021-03-01", "2021-03-08"]


def test_comment_lines_before_the_header_are_left_out_and_said(tmp_path, capsys, plain):
    path = _write(tmp_path / "f.csv", DAYS.strftime("%Y-%m-%d"))
    path.write_text("# exported by a logger, sensor T-17\n#\n" + path.read_text())
    code, frame, err = _run(path, capsys)
    assert code == 0, err
    _same(frame, plain["daily"])
    assert main(["forecast", str(path), *FAST[:-1]]) == 0
    assert "left out 2 '#' lines before the header" in capsys.readouterr().err


def test_header_names_are_read_without_their_surrounding_blanks(tmp_path, capsys):
    body = "".join(
        f"{t}\t{v:.2f} \n" for t, v in zip(DAYS.strftime("%Y-%m-%d"), VALUES)
    )
    path = tmp_path / "f.tsv"
    path.write_text("date \tsales \n" + body)
    code, frame, err = _run(path, capsys, "--target", "sales", "--time-col", "date")
    assert code == 0, err
    assert list(frame.columns) == ["sales"]


def test_text_ids_with_digits_are_named_as_an_id_column(tmp_path, capsys):
    ids = np.repeat(["A-01", "00123", "a-01"], 60)
    path = tmp_path / "f.csv"
    pd.DataFrame(
        {
            "store": ids,
            "date": np.tile(DAYS.strftime("%Y-%m-%d"), 3),
            "sales": 3 * [*VALUES],
        }
    ).to_csv(path, index=False)
    code, _, err = _run(path, capsys)
    assert code == 1 and "pass --id-col store " in err


def test_placeholders_are_named_together_with_those_already_given(tmp_path, capsys):
    values = [f"{v:.2f}" for v in VALUES]
    values[3], values[8] = "mm", "%"
    path = tmp_path / "f.csv"
    body = "".join(f"{t},{v}\n" for t, v in zip(DAYS.strftime("%Y-%m-%d"), values))
    path.write_text("time,value\n" + body)
    code, _, err = _run(path, capsys, "--na-values", "mm")
    assert code == 1 and "Pass --na-values mm,% " in err and "or or" not in err
    assert _run(path, capsys, "--na-values", "mm,%")[0] == 0
