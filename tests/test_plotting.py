"""tsrnn.plotting draws on the Agg backend and imports matplotlib lazily."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import tsrnn
from tsrnn.model_selection import backtest
from tsrnn.plotting import plot_backtest, plot_forecast, plot_history


def test_import_tsrnn_does_not_import_matplotlib_or_torch():
    code = (
        "import sys, tsrnn; print('matplotlib' in sys.modules, 'torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_plot_forecast_with_interval():
    y = tsrnn.datasets.load_air_passengers()
    fc = tsrnn.LSTMForecaster(
        horizon=6, quantiles=[0.1, 0.9], hidden_size=4, max_epochs=1, random_state=0
    ).fit(y)
    ax = plot_forecast(y, fc.predict(), last=36)
    assert len(ax.lines) == 2 and len(ax.collections) == 1  # history, forecast, band
    assert len(ax.lines[0].get_xdata()) == 36


def test_plot_forecast_panel_picks_a_series():
    panel = tsrnn.datasets.load_us_weather()[["actual_mean_temp"]]
    fc = tsrnn.SeasonalNaiveForecaster(season=1, horizon=3).fit(panel)
    ax = plot_forecast(panel, fc.predict(), series_id="KSEA")
    assert "KSEA" in ax.get_title()
    with pytest.raises(ValueError, match="series_id='XXXX' is not a series"):
        plot_forecast(panel, fc.predict(), series_id="XXXX")


def test_plot_backtest_and_history():
    y = tsrnn.datasets.load_air_passengers()
    out = backtest(tsrnn.SeasonalNaiveForecaster(horizon=6), y, start=120, stride=6)
    assert len(plot_backtest(out).lines) == 1 + out["cutoff"].nunique()
    reg = tsrnn.RNNRegressor(
        hidden_size=4, max_epochs=3, early_stopping=True, random_state=0
    ).fit(np.ones((20, 4)), np.arange(20.0))
    assert len(plot_history(reg).lines) == 2


def test_plot_history_draws_each_network_of_an_ensemble():
    y = tsrnn.datasets.load_air_passengers()
    fc = tsrnn.LSTMForecaster(horizon=3, hidden_size=4, max_steps=30, random_state=0)
    fc.fit(y)
    assert fc.n_ensembles_ == 3
    lines = plot_history(fc).lines
    assert [line.get_label() for line in lines] == [
        f"network {k} {part}" for k in (1, 2, 3) for part in ("train", "validation")
    ]
    for line in lines:  # each curve runs over its own epochs, never back to 1
        assert (np.diff(line.get_xdata()) > 0).all()
