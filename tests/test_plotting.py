"""tsrnn.plotting draws on the Agg backend and imports matplotlib lazily."""

import itertools
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

import tsrnn
from tsrnn.model_selection import backtest
from tsrnn.plotting import plot_backtest, plot_forecast, plot_history


@pytest.fixture(autouse=True)
def close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


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


def test_plot_forecast_shades_every_conformal_interval():
    y = tsrnn.datasets.load_air_passengers()
    inner = tsrnn.SeasonalNaiveForecaster(horizon=12)
    forecast = tsrnn.ConformalForecaster(inner, coverage=[0.8, 0.95]).fit(y).predict()
    ax = plot_forecast(y, forecast, last=36)
    assert len(ax.collections) == 2
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["history", "forecast", "95% interval", "80% interval"]


def test_plot_forecast_panel_picks_a_series():
    panel = tsrnn.datasets.load_us_weather()[["actual_mean_temp"]]
    fc = tsrnn.SeasonalNaiveForecaster(season=1, horizon=3).fit(panel)
    ax = plot_forecast(panel, fc.predict(), series_id="KSEA")
    assert isinstance(ax, Axes) and len(ax.figure.axes) == 1
    assert ax.get_title() == "actual_mean_temp (KSEA)"
    assert ax.lines[0].get_ydata()[-1] == panel.loc["KSEA", "actual_mean_temp"].iloc[-1]
    with pytest.raises(ValueError, match="series_id='XXXX' is not a series"):
        plot_forecast(panel, fc.predict(), series_id="XXXX")


def test_plot_backtest_and_history():
    y = tsrnn.datasets.load_air_passengers()
    out = backtest(tsrnn.SeasonalNaiveForecaster(horizon=6), y, start=120, stride=6)
    ax = plot_backtest(out)
    assert len(ax.lines) == 1 + out["cutoff"].nunique()
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("time", "y")
    reg = tsrnn.RNNRegressor(
        hidden_size=4, max_epochs=3, early_stopping=True, random_state=0
    ).fit(np.ones((20, 4)), np.arange(20.0))
    ax = plot_history(reg)
    assert len(ax.lines) == 2
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "loss")


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


def hourly_panel(n_series, n_steps=500):
    """``n_series`` hourly series 'a', 'b', ... in a (meter, timestamp) long frame."""
    t = pd.date_range("2024-03-01", periods=n_steps, freq="h", name="timestamp")
    rng = np.random.default_rng(0)
    daily = 3 * np.sin(np.arange(n_steps) * 2 * np.pi / 24)
    frames = [
        pd.DataFrame({"load": 10 + k + daily + rng.normal(size=n_steps)}, index=t)
        for k in range(n_series)
    ]
    ids = [chr(ord("a") + k) for k in range(n_series)]
    return pd.concat(frames, keys=ids, names=["meter", "timestamp"])


def naive_forecast(y, horizon=48):
    return tsrnn.SeasonalNaiveForecaster(season=24, horizon=horizon).fit(y).predict()


def test_axes_are_named_after_the_time_index_and_the_target():
    y = tsrnn.datasets.load_air_passengers()
    ax = plot_forecast(y, tsrnn.SeasonalNaiveForecaster(horizon=12).fit(y).predict())
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("month", "passengers")
    unnamed = pd.Series(np.arange(60.0) % 7, name="sales")  # RangeIndex, no name
    ax = plot_forecast(unnamed, naive_forecast(unnamed, horizon=5))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("time", "sales")


def test_a_panel_is_drawn_as_one_subplot_per_series():
    panel = hourly_panel(5)
    axes = plot_forecast(panel, naive_forecast(panel), last=100)
    assert isinstance(axes, np.ndarray) and axes.shape == (5,)
    fig = axes[0].figure
    assert fig.axes == list(axes)  # no empty grid cells left over
    assert [ax.get_title() for ax in axes] == list("abcde")
    for ax, meter in zip(axes, "abcde"):
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("timestamp", "load")
        history = ax.lines[0].get_ydata()
        np.testing.assert_array_equal(history, panel.loc[meter, "load"].iloc[-100:])
    assert fig.get_suptitle() == ""  # nothing left out, nothing to say
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "history",
        "forecast",
    ]


def test_a_panel_over_max_series_names_the_series_left_out():
    panel = hourly_panel(8)
    axes = plot_forecast(panel, naive_forecast(panel), max_series=6)
    assert len(axes) == 6
    note = axes[0].figure.get_suptitle()
    assert note.startswith("showing 6 of 8 series; not shown: 'g', 'h' ")
    panel = hourly_panel(20, n_steps=72)
    axes = plot_forecast(panel, naive_forecast(panel, horizon=6), max_series=3)
    note = axes[0].figure.get_suptitle()
    assert "showing 3 of 20 series; not shown: 'd', 'e', 'f', 'g', 'h', ..." in note


def test_a_panel_on_the_callers_axes_draws_the_first_series_and_says_so():
    import matplotlib.pyplot as plt

    panel = hourly_panel(5, n_steps=72)
    fig, ax = plt.subplots()
    assert plot_forecast(panel, naive_forecast(panel, horizon=6), ax=ax) is ax
    assert ax.get_title().startswith("load (a; first of 5 series, pass series_id=")
    assert len(fig.axes) == 1


def test_max_series_is_checked():
    panel = hourly_panel(2, n_steps=72)
    with pytest.raises(ValueError, match="max_series must be >= 1"):
        plot_forecast(panel, naive_forecast(panel, horizon=6), max_series=0)
    with pytest.raises(TypeError, match="max_series must be an int"):
        plot_forecast(panel, naive_forecast(panel, horizon=6), max_series=2.5)


def data_under(legend, axes):
    """Points of every line of ``axes`` that fall inside the legend's box."""
    legend.figure.canvas.draw()
    box = legend.get_window_extent()
    hits = []
    for ax in axes:
        for line in ax.lines:
            xy = ax.transData.transform(line.get_xydata())
            hits += [p for p in xy if box.contains(*p)]
    return hits


def test_the_legend_covers_no_data():
    y = tsrnn.datasets.load_air_passengers()[::-1].reset_index(drop=True)  # falls
    ax = plot_forecast(y, naive_forecast(y, horizon=12))
    assert data_under(ax.get_legend(), [ax]) == []
    panel = hourly_panel(5, n_steps=72)
    axes = plot_forecast(panel, naive_forecast(panel, horizon=6))
    assert data_under(axes[0].figure.legends[0], axes) == []


def visible_tick_boxes(ax):
    labels = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
    return sorted((b.x0, b.x1) for b in (t.get_window_extent() for t in labels))


@pytest.mark.parametrize("n_series, last", [(1, None), (1, 30), (6, None), (6, 30)])
def test_hourly_date_tick_labels_do_not_overlap(n_series, last):
    panel = hourly_panel(n_series)
    y = panel.xs("a")["load"] if n_series == 1 else panel
    axes = np.atleast_1d(plot_forecast(y, naive_forecast(y), last=last))
    axes[0].figure.canvas.draw()
    for ax in axes:
        boxes = visible_tick_boxes(ax)
        assert len(boxes) >= 3
        for (_, right), (left, _) in itertools.pairwise(boxes):
            assert right < left, [t.get_text() for t in ax.get_xticklabels()]


def test_plot_backtest_draws_a_panel_as_small_multiples():
    panel = tsrnn.datasets.load_us_weather()[["actual_mean_temp"]]
    out = backtest(
        tsrnn.SeasonalNaiveForecaster(season=7, horizon=7), panel, start=330, stride=7
    )
    axes = plot_backtest(out, target="actual_mean_temp")
    assert len(axes) == 6 and axes[0].get_title() == "KCLT"
    assert (axes[0].get_xlabel(), axes[0].get_ylabel()) == ("time", "actual_mean_temp")
    assert "showing 6 of 10 series; not shown: 'KNYC'" in axes[0].figure.get_suptitle()
    ax = plot_backtest(out, series_id="KSEA")
    assert isinstance(ax, Axes) and ax.get_title() == "backtest (KSEA)"
    with pytest.raises(ValueError, match="series_id='XXXX' is not a series"):
        plot_backtest(out, series_id="XXXX")


def test_plot_backtest_of_several_targets_draws_one_target():
    weather = tsrnn.datasets.load_us_weather()[["actual_mean_temp", "actual_max_temp"]]
    out = backtest(
        tsrnn.SeasonalNaiveForecaster(season=7, horizon=7),
        weather.loc["KSEA"],  # one series, not a panel: its id is missing
        start=330,
        stride=7,
    )
    ax = plot_backtest(out, target="actual_max_temp")
    actual = out[out["target"] == "actual_max_temp"].drop_duplicates("time")
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), actual["y"])
    assert ax.get_ylabel() == "actual_max_temp"
    with pytest.raises(ValueError, match="target='wind' is not a target"):
        plot_backtest(out, target="wind")


def test_plot_forecast_refuses_a_history_off_the_forecasts_time_axis():
    """A long frame with id and time columns (as fitted with id_col / time_col)
    would be drawn at row positions: refused, naming the set_index that works."""
    panel = tsrnn.datasets.load_us_weather()[["actual_mean_temp"]].reset_index()
    panel = panel[panel["city"].isin(["KSEA", "KNYC"])]
    fc = tsrnn.SeasonalNaiveForecaster(horizon=3, id_col="city", time_col="date").fit(
        panel
    )
    with pytest.raises(ValueError, match=r"set_index\(\[id_col, time_col\]\)"):
        plot_forecast(panel, fc.predict())
    axes = plot_forecast(panel.set_index(["city", "date"]), fc.predict())
    assert len(axes) == 2
    y = tsrnn.datasets.load_air_passengers()
    one = tsrnn.SeasonalNaiveForecaster(horizon=3).fit(y).predict()
    with pytest.raises(ValueError, match="holds number labels .*datetime labels"):
        plot_forecast(y.reset_index(drop=True), one)


def test_plot_forecast_refusals_name_a_fix_that_works():
    """Each history that would be drawn wrong is refused with the fix for it."""
    panel = tsrnn.datasets.load_us_weather()[["actual_mean_temp"]]
    panel = panel.loc[["KSEA", "KNYC"]]
    fc = tsrnn.SeasonalNaiveForecaster(horizon=3).fit(panel).predict()
    swapped = panel.swaplevel()
    with pytest.raises(ValueError, match=r"swaplevel\(\)\.sort_index\(\)"):
        plot_forecast(swapped, fc)
    assert len(plot_forecast(swapped.swaplevel().sort_index(), fc)) == 2
    wide = panel["actual_mean_temp"].unstack(0)  # a column per city
    with pytest.raises(ValueError, match=r"stack\(\)\.swaplevel\(\)\.sort_index\(\)"):
        plot_forecast(wide, fc)
    long = wide.stack().swaplevel().sort_index().rename("actual_mean_temp")
    assert len(plot_forecast(long, fc)) == 2
    with pytest.raises(ValueError, match=r"target='zz' is not a column"):
        plot_forecast(panel, fc, target="zz")
    with pytest.raises(TypeError, match="pandas Series or DataFrame"):
        plot_forecast(panel.to_numpy(), fc)
    single = tsrnn.SeasonalNaiveForecaster(horizon=3).fit(panel.loc["KSEA"]).predict()
    with pytest.raises(ValueError, match=r"history\.xs\(series_id\)"):
        plot_forecast(panel, single)
    assert isinstance(plot_forecast(panel.xs("KSEA"), single), Axes)


def test_plot_forecast_refuses_the_history_of_another_target():
    idx = pd.date_range("2024-01-01", periods=40)
    rng = np.random.default_rng(0)
    wide = pd.DataFrame({"a": rng.normal(10, 1, 40), "b": rng.normal(-30, 1, 40)}, idx)
    fc = tsrnn.SeasonalNaiveForecaster(horizon=3).fit(wide).predict()
    with pytest.raises(ValueError, match=r"history is the series 'a' but target='b'"):
        plot_forecast(wide["a"], fc, target="b")
    ax = plot_forecast(wide["b"], fc, target="b")
    assert ax.lines[0].get_ydata()[-1] == wide["b"].iloc[-1]
