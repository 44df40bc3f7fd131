"""The tsrnn command line: forecast, backtest, datasets, info, errors."""

import re
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import tsrnn
from tsrnn.__main__ import main

FAST = ["--max-epochs", "3", "--quiet"]


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"tsrnn {tsrnn.__version__}"


def test_info_reports_torch_and_device(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "torch" in out and "threads" in out and "cuda" in out


def test_no_command_prints_usage_and_fails(capsys):
    assert main([]) == 2
    assert "usage: tsrnn" in capsys.readouterr().out


def test_datasets_lists_bundled_data(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "air_passengers" in out and "japanese_vowels" in out


def test_forecast_bundled_dataset_with_plot_and_csv(tmp_path, capsys):
    png, csv = tmp_path / "f.png", tmp_path / "f.csv"
    code = main(
        [
            "forecast",
            "air_passengers",
            "--horizon",
            "12",
            "--quantiles",
            "0.1,0.9",
            "--plot",
            str(png),
            "--output",
            str(csv),
            *FAST,
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert png.stat().st_size > 10_000
    # the forecast is the library's, with the same parameters
    y = tsrnn.datasets.load_air_passengers()
    expected = (
        tsrnn.LSTMForecaster(
            horizon=12, quantiles=[0.1, 0.9], max_epochs=3, random_state=0
        )
        .fit(y)
        .predict()
    )
    written = pd.read_csv(csv, index_col=0, parse_dates=True)
    pd.testing.assert_frame_equal(written, expected, check_freq=False, rtol=1e-9)
    # and so is the printed table (rounded to 3 decimals)
    lines = out.splitlines()
    assert [line.split() for line in lines if "passengers_q0.9" in line] == [
        list(expected.columns)
    ]
    rows = [line.split() for line in lines if re.match(r"\d{4}-\d\d-\d\d ", line)]
    assert [r[0] for r in rows] == [f"{t:%Y-%m-%d}" for t in expected.index]
    printed = np.array([[float(v) for v in r[1:]] for r in rows])
    np.testing.assert_allclose(printed, expected.to_numpy(), atol=6e-4)


def test_forecast_csv_panel(tmp_path, capsys):
    panel = tsrnn.datasets.load_us_weather().reset_index()
    panel = panel[panel["city"].isin(["KNYC", "KSEA"])][
        ["city", "date", "actual_mean_temp"]
    ]
    path = tmp_path / "weather.csv"
    panel.to_csv(path, index=False)
    code = main(
        [
            "forecast",
            str(path),
            "--horizon",
            "3",
            "--id-col",
            "city",
            "--time-col",
            "date",
            "--target",
            "actual_mean_temp",
            "--model",
            "gru",
            "--output",
            str(tmp_path / "f.csv"),
            "--plot",  # a panel: plot_forecast returns an array of Axes
            str(tmp_path / "f.png"),
            *FAST,
        ]
    )
    assert code == 0
    assert "2015-07-03" in capsys.readouterr().out
    assert (tmp_path / "f.png").stat().st_size > 10_000
    expected = (
        tsrnn.GRUForecaster(
            horizon=3,
            target="actual_mean_temp",
            id_col="city",
            time_col="date",
            max_epochs=3,
            random_state=0,
        )
        .fit(pd.read_csv(path, parse_dates=["date"]))
        .predict()
    )
    written = pd.read_csv(tmp_path / "f.csv", index_col=[0, 1], parse_dates=["date"])
    assert list(written.index.get_level_values("city").unique()) == ["KNYC", "KSEA"]
    pd.testing.assert_frame_equal(written, expected, rtol=1e-9)


def test_progress_lines_by_default(capsys):
    assert (
        main(["forecast", "air_passengers", "--horizon", "3", "--max-epochs", "2"]) == 0
    )
    captured = capsys.readouterr()
    err, out = captured.err, captured.out
    # progress on stderr, the forecast alone on stdout
    assert "train_loss" not in out and "passengers" in out
    # AirPassengers is small: an ensemble of 3 networks, each line naming its own
    assert err.count("train_loss") == 6
    for k in (1, 2, 3):
        assert err.count(f"network {k}/3  epoch") == 2
    lines = err.splitlines()
    # start-up: what was read, then the data and the model before the first epoch
    assert lines[0] == "read air_passengers (bundled): 144 rows, 1 series"
    assert "training windows" in lines[1] and "parameters" in lines[1]
    # end of each network's fit: epochs run, why it stopped, the best epoch kept
    stops = [line for line in lines if "stopped after epoch 2" in line]
    assert len(stops) == 3 and all("best epoch" in line for line in stops)
    assert all("max_epochs" in line for line in stops)


def _table(out: str) -> dict[str, dict[str, float]]:
    """The printed score table: {model: {column: value}}."""
    lines = out.strip().splitlines()
    columns = lines[0].split()[1:]
    rows = {}
    for line in lines[1:]:
        name, *values = line.rsplit(maxsplit=len(columns))
        rows[name.strip()] = dict(zip(columns, map(float, values)))
    return rows


def test_backtest_prints_the_scores_of_the_model_and_seasonal_naive(capsys):
    from tsrnn.metrics import mae, mase, smape
    from tsrnn.model_selection import backtest

    argv = ["backtest", "air_passengers", "--horizon", "12", "--start", "120", *FAST]
    assert main(argv) == 0
    printed = _table(capsys.readouterr().out)
    assert list(printed) == ["LSTMForecaster", "seasonal naive"]
    y = tsrnn.datasets.load_air_passengers()
    models = {
        "LSTMForecaster": tsrnn.LSTMForecaster(
            horizon=12, max_epochs=3, random_state=0
        ),
        "seasonal naive": tsrnn.SeasonalNaiveForecaster(horizon=12),
    }
    for name, est in models.items():
        frame = backtest(est, y, start=120)
        expected = {
            "sMAPE": smape(frame["y"], frame["y_pred"]),
            "MASE": mase(frame["y"], frame["y_pred"], y_train=y.iloc[:120], m=12),
            "MAE": mae(frame["y"], frame["y_pred"]),
        }
        assert printed[name] == pytest.approx(expected, abs=6e-4), name
    assert printed["seasonal naive"]["MASE"] == pytest.approx(1.801, abs=6e-4)


def test_backtest_scores_a_panel_per_series(tmp_path, capsys):
    from tsrnn.metrics import smape
    from tsrnn.model_selection import backtest

    panel = tsrnn.datasets.load_us_weather().reset_index()
    panel = panel[panel["city"].isin(["KNYC", "KSEA"])][
        ["city", "date", "actual_mean_temp"]
    ]
    path = tmp_path / "weather.csv"
    panel.to_csv(path, index=False)
    argv = ["backtest", str(path), "--horizon", "7", "--id-col", "city"]
    argv += ["--time-col", "date", "--start", "300", "--stride", "7", *FAST]
    assert main(argv) == 0
    printed = _table(capsys.readouterr().out)["seasonal naive"]
    naive = tsrnn.SeasonalNaiveForecaster(horizon=7, id_col="city", time_col="date")
    data = pd.read_csv(path, parse_dates=["date"])
    frame = backtest(naive, data, start=300, stride=7)
    assert printed["sMAPE"] == pytest.approx(smape(frame.y, frame.y_pred), abs=6e-4)
    by_city = [  # MASE per city, then averaged over the cities
        (part.y - part.y_pred).abs().mean() / part.scale.iloc[0]
        for _, part in frame.groupby("id")
    ]
    assert printed["MASE"] == pytest.approx(np.mean(by_city), abs=6e-4)


def test_backtest_start_may_be_a_timestamp(capsys):
    argv = ["backtest", "air_passengers", "--horizon", "3", "--start", "1958-01-01"]
    assert main([*argv, *FAST]) == 0
    printed = _table(capsys.readouterr().out)["seasonal naive"]
    from tsrnn.metrics import evaluate
    from tsrnn.model_selection import backtest

    y = tsrnn.datasets.load_air_passengers()
    frame = backtest(tsrnn.SeasonalNaiveForecaster(horizon=3), y, start="1958-01-01")
    assert frame["cutoff"].min() == pd.Timestamp("1957-12-01")  # the last fitted step
    assert printed["MASE"] == pytest.approx(evaluate(frame)["mase"], abs=6e-4)


@pytest.mark.parametrize("panel", [False, True], ids=["single-series", "panel"])
def test_backtest_scores_equal_tsrnn_metrics_with_a_missing_actual(
    panel, tmp_path, capsys
):
    """The printed sMAPE / MASE are tsrnn.metrics' on the same backtest frame; a
    missing actual is left out (never a perfect sMAPE), a single series' id None
    is one series (never MASE = nan)."""
    from tsrnn.metrics import mase, smape
    from tsrnn.model_selection import backtest

    rng = np.random.default_rng(0)
    n, ids = 60, ["a", "b"] if panel else [None]
    parts = []
    for k, sid in enumerate(ids):
        t = np.arange(n)
        y = 10 + 3 * k + np.sin(2 * np.pi * t / 7) + rng.normal(0, 0.3, n)
        y[50 + k] = np.nan  # a missing actual after the first origin
        part = pd.DataFrame(
            {"date": pd.date_range("2024-01-01", periods=n, freq="D"), "y": y}
        )
        if sid is not None:
            part.insert(0, "city", sid)
        parts.append(part)
    data = pd.concat(parts, ignore_index=True)
    path = tmp_path / "data.csv"
    data.to_csv(path, index=False)
    argv = ["backtest", str(path), "--horizon", "3", "--start", "40", *FAST]
    if panel:
        argv += ["--id-col", "city", "--time-col", "date"]
    assert main(argv) == 0
    printed = _table(capsys.readouterr().out)["seasonal naive"]

    roles = dict(id_col="city", time_col="date") if panel else {}
    frame = backtest(
        tsrnn.SeasonalNaiveForecaster(horizon=3, **roles),
        data if panel else data.set_index("date"),
        start=40,
    )
    assert frame["y"].isna().any()
    seen = frame.dropna(subset=["y"])
    assert printed["sMAPE"] == pytest.approx(smape(seen.y, seen.y_pred), abs=6e-4)
    assert printed["sMAPE"] == pytest.approx(smape(frame.y, frame.y_pred), abs=6e-4)
    per_series = [  # tsrnn.metrics.mase of each series on its training part
        mase(part.y, part.y_pred, y_train=train.y.to_numpy()[:40], m=7)
        for (_, part), (_, train) in zip(
            frame.groupby("id", dropna=False),
            data.groupby(["city"] if panel else np.zeros(len(data))),
        )
    ]
    assert np.isfinite(printed["MASE"])
    assert printed["MASE"] == pytest.approx(np.mean(per_series), abs=6e-4)


@pytest.mark.parametrize(
    "argv,pattern",
    [
        (
            ["forecast", "missing.csv", "--horizon", "3"],
            "neither a CSV file nor a bundled dataset",
        ),
        (
            ["forecast", "CSV", "--horizon", "3", "--target", "nope"],
            "--target nope is not a column",
        ),
        (
            ["forecast", "CSV", "--horizon", "3", "--quantiles", "a,b"],
            "--quantiles must be",
        ),
        (["forecast", "CSV", "--horizon", "0"], "horizon"),
    ],
)
def test_errors_are_one_line_with_exit_code_1(argv, pattern, tmp_path, capsys):
    csv = tmp_path / "s.csv"
    pd.DataFrame(
        {"t": pd.date_range("2020", periods=30, freq="D"), "v": range(30)}
    ).to_csv(csv, index=False)
    argv = [str(csv) if a == "CSV" else a for a in argv]
    assert main([*argv, "--quiet"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert pattern in err


def test_python_dash_m_runs():
    done = subprocess.run(
        [sys.executable, "-m", "tsrnn", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == f"tsrnn {tsrnn.__version__}"


def test_the_installed_version_is_the_one_in_version_py():
    from importlib.metadata import version

    from tsrnn import _version

    # hatchling reads tsrnn/_version.py at build time; the package face re-exports it
    assert version("tsrnn") == _version.__version__ == tsrnn.__version__


# -- issue 18: the CSV read as written (item 8), --freq (item 1) ----------------------


def test_utc_offsets_across_a_dst_change_are_read_as_instants(tmp_path, capsys):
    index = pd.date_range(
        "2024-03-29", periods=24 * 5, freq="h", tz="Europe/Berlin", name="ts"
    )
    frame = pd.DataFrame({"load": np.sin(np.arange(len(index)) / 4)}, index=index)
    path = tmp_path / "berlin.csv"
    frame.to_csv(path)  # 2024-03-31 01:00:00+01:00 then 2024-03-31 03:00:00+02:00
    assert "2024-03-31 03:00:00+02:00" in path.read_text()
    out = tmp_path / "f.csv"
    argv = ["forecast", str(path), "--time-col", "ts", "--horizon", "3"]
    assert main([*argv, "--model", "rnn", "--output", str(out), *FAST]) == 0
    written = pd.read_csv(out, index_col=0)
    # the hours after the last one, written with the offsets of the author's zone
    assert list(written.index) == [
        "2024-04-03 01:00:00+02:00",
        "2024-04-03 02:00:00+02:00",
        "2024-04-03 03:00:00+02:00",
    ]
    # what the tz-aware frame forecasts in Python
    expected = tsrnn.RNNForecaster(horizon=3, max_epochs=3, random_state=0)
    expected = expected.fit(frame).predict()
    assert list(pd.to_datetime(written.index, utc=True)) == list(expected.index)
    np.testing.assert_allclose(written["load"], expected["load"], rtol=1e-6)


def test_daily_dates_written_across_a_dst_change_stay_daily(tmp_path):
    index = pd.date_range("2024-03-01", periods=60, freq="D", tz="Europe/Berlin")
    path = tmp_path / "daily.csv"
    pd.DataFrame({"v": np.arange(60.0)}, index=index.rename("day")).to_csv(path)
    out = tmp_path / "f.csv"
    argv = ["forecast", str(path), "--horizon", "2", "--model", "rnn"]
    assert main([*argv, "--output", str(out), *FAST]) == 0
    # local midnights, not 22:00 / 23:00 UTC
    assert pd.read_csv(out)["day"].tolist() == [
        "2024-04-30 00:00:00+02:00",
        "2024-05-01 00:00:00+02:00",
    ]


def test_naive_timestamps_stay_naive_and_ids_as_written(tmp_path):
    times = pd.date_range("2024-03-29", periods=100, freq="h")
    data = pd.DataFrame(
        {
            "store": np.repeat(["007", "010"], 100),
            "t": np.tile(times.strftime("%Y-%m-%d %H:%M:%S"), 2),
            "v": np.arange(200.0) % 7,
        }
    )
    path = tmp_path / "stores.csv"
    data.to_csv(path, index=False)
    out = tmp_path / "f.csv"
    argv = ["forecast", str(path), "--id-col", "store", "--time-col", "t"]
    assert main([*argv, "--horizon", "2", "--output", str(out), *FAST]) == 0
    written = pd.read_csv(out, dtype={"store": str})
    assert written["store"].unique().tolist() == ["007", "010"]  # not 7 and 10
    assert written["t"].tolist()[:2] == ["2024-04-02 04:00:00", "2024-04-02 05:00:00"]


def test_freq_flag_regularises_business_days_in_forecast_and_backtest(tmp_path, capsys):
    days = pd.bdate_range("2024-01-01", periods=60, name="day")
    data = pd.DataFrame({"v": np.arange(60.0) % 5}, index=days).drop(days[7])
    path = tmp_path / "b.csv"
    data.to_csv(path)
    argv = [str(path), "--horizon", "3", *FAST]
    assert main(["forecast", *argv]) == 1
    err = capsys.readouterr().err
    assert "Pass --freq B to put it on that grid" in err and "asfreq" not in err
    out = tmp_path / "f.csv"
    assert main(["forecast", *argv, "--freq", "B", "--output", str(out)]) == 0
    written = pd.read_csv(out, index_col=0, parse_dates=True)
    assert list(written.index) == list(pd.bdate_range("2024-03-25", periods=3))
    assert main(["backtest", *argv, "--freq", "B", "--model", "rnn"]) == 0
    assert "seasonal naive" in capsys.readouterr().out


# -- issue 18 (second round): advice that can be followed from the command line -----

PYTHON = ("X.", "pd.", "=[", "dropna", "groupby", "freq=", "horizon=", "quantiles=")


def _csv(tmp_path, text: str) -> str:
    path = tmp_path / "data.csv"
    path.write_text(text)
    return str(path)


def _one_error(argv, capsys) -> str:
    """Run ``tsrnn`` expecting one error line; return it, checked free of Python."""
    assert main([argv[0], *FAST, *argv[1:]]) == 1  # argv's flags win over FAST's
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert not any(p in lines[0] for p in PYTHON), lines[0]
    return lines[0]


def _daily(n=30, start="2024-01-01") -> list[str]:
    return [str(d.date()) for d in pd.date_range(start, periods=n, freq="D")]


def _panel_text(blank_at=None, column="shop") -> str:
    """Two shops of 30 days; the row ``blank_at`` (0-based) has ``column`` empty."""
    rows = [["001", d, str(float(i))] for i, d in enumerate(_daily())]
    rows += [["002", d, str(float(i + 1))] for i, d in enumerate(_daily())]
    if blank_at is not None:
        rows[blank_at][{"shop": 0, "date": 1}[column]] = ""
    return "shop,date,sales\n" + "".join(",".join(r) + "\n" for r in rows)


@pytest.mark.parametrize("column,flag", [("shop", "--id-col"), ("date", "--time-col")])
def test_rows_without_an_id_or_time_are_named_by_csv_line(
    column, flag, tmp_path, capsys
):
    path = _csv(tmp_path, _panel_text(blank_at=3, column=column))
    line = _one_error(
        ["forecast", path, "--horizon", "2", "--id-col", "shop", "--time-col", "date"],
        capsys,
    )
    # row 3 after the header is line 5 of the file
    assert f"in {flag} {column}, e.g. CSV line 5." in line
    assert "drop those rows or fill in their" in line


def test_duplicate_timestamps_name_the_lines_that_repeat(tmp_path, capsys):
    days = _daily(20)
    text = "date,v\n" + "".join(f"{d},{i}.0\n" for i, d in enumerate(days))
    text = text.replace(f"{days[5]},5.0\n", f"{days[5]},5.0\n{days[5]},5.5\n")
    line = _one_error(["forecast", _csv(tmp_path, text), "--horizon", "2"], capsys)
    assert "duplicate timestamps, e.g. CSV lines 7, 8." in line
    assert "one row per timestamp" in line and "--id-col" not in line


def test_a_panel_read_as_one_series_is_told_its_id_column(tmp_path, capsys):
    path = _csv(tmp_path, _panel_text())
    argv = ["forecast", path, "--horizon", "2", "--time-col", "date"]
    line = _one_error(argv, capsys)
    assert "CSV lines 2, 32." in line  # both rows of 2024-01-01
    assert line.endswith("pass --id-col shop (its column of series ids).")
    assert main([*argv, "--id-col", "shop", *FAST]) == 0  # the advice works


def _follow(line: str, argv: list[str]) -> list[str]:
    """``argv`` with the flag the error line advises (``Pass --flag value``)."""
    flag, value = re.search(r"Pass (--[\w-]+) (\S+?)[.,]?(?: |$)", line).groups()
    out = list(argv)
    out[out.index(flag) + 1] = value
    return out


@pytest.mark.parametrize(
    "flag,bad,advice",
    [
        ("--horizon", "0", "--horizon 1"),
        ("--window", "0", "--window 1"),
        ("--max-epochs", "0", "--max-epochs 1"),
        ("--max-steps", "0", "--max-steps 1000"),
        ("--validation-fraction", "1.5", "--validation-fraction 0.1"),
        ("--quantiles", "0.1,1.5", "--quantiles 0.1,0.9"),
    ],
)
def test_a_bad_flag_value_is_named_with_a_valid_one_that_works(
    flag, bad, advice, tmp_path, capsys
):
    text = "date,v\n" + "".join(f"{d},{i}.0\n" for i, d in enumerate(_daily()))
    argv = ["forecast", _csv(tmp_path, text), "--horizon", "2", flag, bad]
    if flag == "--horizon":
        argv = argv[:4]
        argv[3] = bad
    line = _one_error(argv, capsys)
    assert f"Pass {advice}" in line
    if flag != "--quantiles":  # the value is named as the flag it came from
        assert line.startswith(f"tsrnn forecast: error: {flag} {bad} is not valid")
    fixed = _follow(line, argv)
    assert main(["forecast", "--quiet", "--max-epochs", "2", *fixed[1:]]) == 0


def test_freq_that_does_not_fit_the_data_is_advised_as_a_flag(tmp_path, capsys):
    hours = pd.date_range("2024-01-01", periods=60, freq="h")
    text = "t,v\n" + "".join(f"{t},{i}.0\n" for i, t in enumerate(hours))
    argv = ["forecast", _csv(tmp_path, text), "--horizon", "2", "--freq", "D"]
    line = _one_error(argv, capsys)
    assert "grid of --freq D" in line and "Pass --freq h" in line
    assert main(["forecast", *FAST, *_follow(line, argv)[1:]]) == 0


def test_the_early_stopping_warning_speaks_in_flags(tmp_path, capsys):
    text = "date,v\n" + "".join(f"{d},{i}.0\n" for i, d in enumerate(_daily(14)))
    assert main(["forecast", _csv(tmp_path, text), "--horizon", "5", *FAST]) == 0
    err = capsys.readouterr().err
    assert "tsrnn forecast: warning: early stopping" in err
    assert "--validation-fraction 0.1 and --horizon 5" in err
    assert "validation_fraction=" not in err and "horizon=" not in err


def test_library_messages_keep_their_python_advice():
    """The same faults, raised to a Python caller, advise in Python."""
    y = pd.Series(np.arange(30.0), pd.date_range("2024", periods=30))
    with pytest.raises(ValueError, match=r"Pass quantiles=\[0\.1, 0\.9\]"):
        tsrnn.GRUForecaster(horizon=2, quantiles=[0.1, 1.5], max_epochs=1).fit(y)
    frame = pd.read_csv(__import__("io").StringIO(_panel_text(3)), dtype={"shop": str})
    with pytest.raises(ValueError, match=r"\(X\.dropna\(subset=\['shop'\]\)\)\.$"):
        tsrnn.SeasonalNaiveForecaster(horizon=2, id_col="shop", time_col="date").fit(
            frame.assign(date=pd.to_datetime(frame["date"]))
        )


def _options(command: str) -> list:
    from tsrnn.__main__ import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return [a for a in sub._actions if a.option_strings and a.dest != "help"]


@pytest.mark.parametrize("command", ["forecast", "backtest"])
def test_help_documents_every_flag_with_its_default(command, capsys):
    for action in _options(command):
        text = action.help or ""
        assert text and (
            "default" in text or "required" in text or action.dest == "debug"
        ), action.option_strings
    with pytest.raises(SystemExit):
        main([command, "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for action in _options(command):
        assert action.option_strings[0] in shown
    assert "(default: 0, where the library's random_state=None draws one)" in shown


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback_wherever_it_is_given(where, tmp_path):
    argv = ["forecast", str(tmp_path / "missing.csv"), "--horizon", "2"]
    argv = ["--debug", *argv] if where == "before" else [*argv, "--debug"]
    with pytest.raises(Exception, match="neither a CSV file"):
        main(argv)


def test_a_missing_optional_dependency_is_one_line_naming_the_extra(
    monkeypatch, capsys
):
    import importlib.util

    find = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "matplotlib" else find(name, *a),
    )
    argv = ["forecast", "air_passengers", "--horizon", "2", "--plot", "p.png"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "pip install 'tsrnn[plot]'" in err and "read air_passengers" not in err


def test_an_unexpected_failure_is_one_line_naming_debug(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("out of cheese")

    monkeypatch.setattr(tsrnn.LSTMForecaster, "fit", broken)
    assert main(["forecast", "air_passengers", "--horizon", "2", "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "tsrnn forecast: error: RuntimeError: out of cheese (run with --debug for "
        "the traceback)"
    )


def _untrainable(**params):
    """A forecaster whose steps change nothing: its validation loss is the same
    after every epoch, so the first epoch stays the best one."""
    return tsrnn.LSTMForecaster(
        horizon=3, learning_rate=1e-12, patience=3, max_epochs=10, **params
    )


def test_a_network_that_barely_trained_is_warned_about():
    from sklearn.exceptions import ConvergenceWarning

    y = pd.Series(np.sin(np.arange(120) / 3.0))
    with pytest.warns(ConvergenceWarning, match="lowest after the first epoch") as w:
        _untrainable(n_ensembles=2, random_state=0).fit(y)
    assert "2 of the 2 networks" in str(w[0].message)
    assert w[0].filename == __file__  # the user's line, not tsrnn's
    with warnings.catch_warnings():  # a network that learns is not warned about
        warnings.simplefilter("error", ConvergenceWarning)
        tsrnn.LSTMForecaster(horizon=3, max_epochs=30, n_ensembles=1).fit(y)


def test_the_barely_trained_warning_is_one_line_on_the_command_line(tmp_path, capsys):
    text = "t,v\n" + "".join(f"{i},{np.sin(i / 3):.4f}\n" for i in range(120))
    argv = ["forecast", _csv(tmp_path, text), "--horizon", "3", "--quiet"]
    assert main([*argv, "--learning-rate", "1e-12", "--max-epochs", "25"]) == 0
    warned = [
        line for line in capsys.readouterr().err.splitlines() if "first epoch" in line
    ]
    assert len(warned) == 1
    assert warned[0].startswith("tsrnn forecast: warning: The validation loss of")


def test_backtest_refit_shows_progress_over_origins_and_quiet_is_silent(capsys):
    argv = ["backtest", "air_passengers", "--horizon", "3", "--start", "138"]
    argv += ["--max-epochs", "1", "--n-ensembles", "1", "--refit"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "seasonal naive" in captured.out and "origin" not in captured.out
    assert "backtest of LSTMForecaster, refitted at every origin" in captured.err
    assert "epoch" not in captured.err  # the bar, not each refit's epochs
    # origins 1960-05 .. 1960-08 (the last with 3 steps after it), each counted
    assert captured.err.count("origin 4/4 done") == 2
    assert main([*argv, "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_backtest_start_may_be_a_year_of_integer_times(tmp_path, capsys):
    text = "year,v\n" + "".join(f"{y},{np.sin(y / 3):.4f}\n" for y in range(1950, 2020))
    csv = _csv(tmp_path, text)
    argv = ["backtest", csv, "--horizon", "3", "--max-epochs", "1", "--quiet"]
    assert main([*argv, "--start", "2010"]) == 0  # the year, not 2010 steps
    by_year = capsys.readouterr().out
    assert main([*argv, "--start", "60"]) == 0  # 1950 + 60 steps: the same origin
    assert capsys.readouterr().out == by_year


def test_intervals_flag_wraps_the_model_in_a_conformal_forecaster(tmp_path, capsys):
    out = tmp_path / "f.csv"
    argv = ["forecast", "air_passengers", "--horizon", "6", "--intervals", "0.8,0.95"]
    assert main([*argv, "--output", str(out), *FAST]) == 0
    frame = pd.read_csv(out, index_col=0)
    assert frame.columns.tolist() == [
        "passengers",
        "passengers_q0.025",
        "passengers_q0.1",
        "passengers_q0.9",
        "passengers_q0.975",
    ]
    assert (frame["passengers_q0.025"] <= frame["passengers_q0.1"]).all()
    # the same as the library's ConformalForecaster with the command's settings
    y = tsrnn.datasets.load_air_passengers()
    est = tsrnn.ConformalForecaster(
        tsrnn.LSTMForecaster(horizon=6, max_epochs=3, random_state=0, verbose=0),
        coverage=[0.8, 0.95],
    )
    np.testing.assert_allclose(frame.to_numpy(), est.fit(y).predict().to_numpy(), 1e-4)


def test_backtest_with_intervals_prints_their_coverage_and_msis(capsys):
    from tsrnn.metrics import evaluate
    from tsrnn.model_selection import backtest

    argv = ["backtest", "air_passengers", "--horizon", "6", "--start", "120"]
    argv += ["--intervals", "0.8", "--model", "gru", *FAST]
    assert main(argv) == 0
    printed = _table(capsys.readouterr().out)
    assert list(printed["seasonal naive"]) == [
        "sMAPE",
        "MASE",
        "MAE",
        "cover80",
        "MSIS80",
    ]
    naive = tsrnn.ConformalForecaster(
        tsrnn.SeasonalNaiveForecaster(horizon=6), coverage=[0.8]
    )
    frame = backtest(naive, tsrnn.datasets.load_air_passengers(), start=120)
    expected = evaluate(frame, ["coverage", "msis"], coverage=0.8)
    assert printed["seasonal naive"]["cover80"] == pytest.approx(
        expected["coverage"], abs=6e-4
    )
    assert printed["seasonal naive"]["MSIS80"] == pytest.approx(
        expected["msis"], abs=6e-4
    )


@pytest.mark.parametrize(
    "flags, said",
    [
        (["--intervals", "95"], "--intervals must be numbers strictly between 0 and 1"),
        (["--intervals", "0.8;0.9"], "--intervals must be comma-separated numbers"),
        (["--calibration-origins", "5"], "--calibration-origins needs --intervals"),
        (["--intervals", ""], "--intervals needs at least one number, like 0.8,0.95"),
        (
            ["--intervals", "0.8", "--calibration-origins", "200"],
            "Pass --calibration-origins 126 (or fewer)",
        ),
    ],
)
def test_interval_flags_are_checked_with_advice_in_flags(flags, said, capsys):
    argv = ["forecast", "air_passengers", "--horizon", "9", *flags, *FAST]
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert said in err and "n_origins" not in err


def test_intervals_keep_advice_in_flags_for_the_wrapped_model(tmp_path, capsys):
    """With --intervals the model is wrapped; its advice is still a flag."""
    dates = pd.date_range("2024-01-01", periods=60).delete(30)
    path = tmp_path / "gap.csv"
    pd.DataFrame({"date": dates, "sales": np.arange(59.0)}).to_csv(path, index=False)
    argv = ["forecast", str(path), "--horizon", "3", "--intervals", "0.8", *FAST]
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert "Pass --freq D" in err and "forecaster__" not in err
    assert main([*argv, "--freq", "D"]) == 0


def test_a_flag_of_the_wrong_type_is_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        main(["forecast", "air_passengers", "--horizon", "abc"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "argument --horizon: invalid int value: 'abc'" in err


def test_a_reader_that_stops_early_does_not_stop_the_files(tmp_path):
    """``tsrnn forecast ... | head -1``: the table's reader goes away, the CSV
    and the plot are still written and the command succeeds."""
    out, png = tmp_path / "f.csv", tmp_path / "f.png"
    command = (
        f"{sys.executable} -m tsrnn forecast air_passengers --horizon 3 "
        f"--max-epochs 1 --quiet --output {out} --plot {png} | head -1"
    )
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert out.is_file() and png.is_file()
    assert "Broken pipe" not in done.stderr
