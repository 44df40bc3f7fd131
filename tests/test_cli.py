"""The tsrnn command line: forecast, backtest, datasets, info, errors."""

import re
import subprocess
import sys

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
            *FAST,
        ]
    )
    assert code == 0
    assert "2015-07-03" in capsys.readouterr().out
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
    out = capsys.readouterr().out
    assert out.count("train_loss") == 2


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
            "--target 'nope' is not a column",
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
