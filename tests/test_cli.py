"""The tsrnn command line: forecast, backtest, datasets, info, errors."""

import subprocess
import sys

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
    assert "1961-12-01" in out and "passengers_q0.9" in out
    assert png.stat().st_size > 10_000
    written = pd.read_csv(csv, index_col=0, parse_dates=True)
    assert len(written) == 12 and written.index[0] == pd.Timestamp("1961-01-01")


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
            *FAST,
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "KNYC" in out and "KSEA" in out and "2015-07-03" in out


def test_progress_lines_by_default(capsys):
    assert (
        main(["forecast", "air_passengers", "--horizon", "3", "--max-epochs", "2"]) == 0
    )
    out = capsys.readouterr().out
    assert out.count("train_loss") == 2


def test_backtest_prints_model_and_seasonal_naive(capsys):
    assert (
        main(["backtest", "air_passengers", "--horizon", "12", "--start", "120", *FAST])
        == 0
    )
    out = capsys.readouterr().out
    assert (
        "sMAPE" in out
        and "MASE" in out
        and "seasonal naive" in out
        and "LSTMForecaster" in out
    )


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
