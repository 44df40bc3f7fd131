"""Every example runs, as a user would run it, and reaches its stated result."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name, argv=()):
    module = runpy.run_path(str(EXAMPLES / name))  # defines main() without running it
    old = sys.argv
    sys.argv = [name, *argv]
    try:
        return module["main"](list(argv)) if argv else module["main"]()
    finally:
        sys.argv = old


def test_air_passengers_windows_beats_seasonal_naive(tmp_path, capsys):
    png = tmp_path / "forecast.png"
    mae = run_example("air_passengers_windows.py", ["--plot", str(png)])
    out = capsys.readouterr().out
    assert "seasonal naive" in out
    assert mae < 47.33  # seasonal-naive MAE on these 12 months
    assert png.stat().st_size > 10_000


def test_variable_length_regression_learns():
    assert run_example("variable_length_regression.py") > 0.9


def test_text_classification_learns():
    assert run_example("text_classification.py") > 0.85


def test_forecast_air_passengers_beats_seasonal_naive(tmp_path, capsys):
    png = tmp_path / "forecast.png"
    mae = run_example("forecast_air_passengers.py", ["--plot", str(png)])
    out = capsys.readouterr().out
    assert "forecast for 1961" in out and "passengers_q0.9" in out
    assert mae < 47.6  # seasonal naive on the same two 12-month forecasts
    assert png.stat().st_size > 10_000


def test_panel_with_covariates_beats_naive():
    mae, mae_naive = run_example("panel_with_covariates.py")
    assert mae < mae_naive


def test_grid_search_ranks_candidates():
    search = run_example("grid_search.py")
    assert len(search.cv_results_["params"]) == 4
    assert search.best_score_ < 0


def test_dask_grid_search_runs_on_a_local_cluster(capsys):
    pytest.importorskip("distributed")
    search, forecasts = run_example("dask_grid_search.py")
    assert len(search.cv_results_["params"]) == 4
    assert search.best_score_ < 0
    assert forecasts["cutoff"].nunique() == 4 and forecasts["id"].nunique() == 10
    assert "backtest: 4 origins x 10 cities" in capsys.readouterr().out


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_every_example_is_tested(path):
    assert path.name in {
        "air_passengers_windows.py",
        "variable_length_regression.py",
        "text_classification.py",
        "forecast_air_passengers.py",
        "panel_with_covariates.py",
        "grid_search.py",
        "dask_grid_search.py",
    }, f"{path.name} has no test in tests/test_examples.py"
