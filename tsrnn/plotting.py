"""Plots of forecasts, backtests and training curves (matplotlib, imported lazily).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import tsrnn
>>> from tsrnn.plotting import plot_forecast
>>> y = tsrnn.datasets.load_air_passengers()
>>> fc = tsrnn.SeasonalNaiveForecaster(horizon=12).fit(y)
>>> ax = plot_forecast(y, fc.predict())
>>> ax.get_title()
'passengers'
"""

from __future__ import annotations

import pandas as pd

__all__ = ["plot_backtest", "plot_forecast", "plot_history"]


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(9, 4))[1]


def _one_series(frame, series_id, what: str):
    if isinstance(frame.index, pd.MultiIndex):
        ids = frame.index.get_level_values(0)
        if series_id is None:
            series_id = ids[0]
        if series_id not in set(ids):
            raise ValueError(f"series_id={series_id!r} is not a series of {what}.")
        return frame.xs(series_id, level=0), series_id
    return frame, series_id


def plot_forecast(
    history,
    forecast: pd.DataFrame,
    ax=None,
    *,
    target: str | None = None,
    series_id=None,
    last: int | None = None,
):
    """History, point forecast and the widest quantile interval, on a time axis.

    Parameters
    ----------
    history : Series or DataFrame
        The observed series (a DataFrame needs ``target``, or its first column is
        used; long panels are indexed ``(series_id, time)``).
    forecast : DataFrame
        What a forecaster's ``predict`` returned.
    ax : matplotlib Axes, optional
    target : str, optional
        Column to plot (default: the first forecast column).
    series_id : optional
        Which series of a panel (default: the first).
    last : int, optional
        Show only the last ``last`` steps of history.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    See the module docstring.
    """
    ax = _axes(ax)
    forecast, series_id = _one_series(forecast, series_id, "forecast")
    target = target or forecast.columns[0]
    if isinstance(history, pd.DataFrame):
        history, _ = _one_series(history, series_id, "history")
        history = history[target] if target in history.columns else history.iloc[:, 0]
    elif isinstance(history.index, pd.MultiIndex):
        history = history.xs(series_id, level=0)
    if last is not None:
        history = history.iloc[-last:]
    to_x = lambda ix: ix.to_timestamp() if isinstance(ix, pd.PeriodIndex) else ix  # noqa: E731
    ax.plot(to_x(history.index), history.to_numpy(), color="black", label="history")
    ax.plot(
        to_x(forecast.index),
        forecast[target].to_numpy(),
        color="tab:red",
        label="forecast",
    )
    bands = sorted(
        (float(c.rsplit("_q", 1)[1]), c)
        for c in forecast.columns
        if c.startswith(f"{target}_q")
    )
    if len(bands) >= 2:
        (lo_q, lo), (hi_q, hi) = bands[0], bands[-1]
        ax.fill_between(
            to_x(forecast.index),
            forecast[lo],
            forecast[hi],
            color="tab:red",
            alpha=0.25,
            label=f"{lo_q:g}-{hi_q:g} quantiles",
        )
    title = str(target) if series_id is None else f"{target} ({series_id})"
    ax.set_title(title)
    ax.legend(loc="upper left")
    ax.figure.autofmt_xdate()
    return ax


def plot_backtest(result: pd.DataFrame, ax=None, *, series_id=None):
    """Actuals and every rolling forecast of a backtest, for one series.

    Parameters
    ----------
    result : DataFrame
        What :func:`tsrnn.model_selection.backtest` or ``rolling_forecasts``
        returned (columns ``id``, ``cutoff``, ``time``, ``y``, ``y_pred``).
    ax : matplotlib Axes, optional
    series_id : optional
        Which series (default: the first id).

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tsrnn
    >>> from tsrnn.model_selection import backtest
    >>> out = backtest(tsrnn.SeasonalNaiveForecaster(horizon=6),
    ...                tsrnn.datasets.load_air_passengers(), start=120, stride=6)
    >>> len(plot_backtest(out).lines) > 1
    True
    """
    ax = _axes(ax)
    if series_id is None:
        series_id = result["id"].iloc[0]
    part = (
        result[result["id"].isna()]
        if pd.isna(series_id)
        else result[result["id"] == series_id]
    )
    actual = part.drop_duplicates("time").sort_values("time")
    ax.plot(actual["time"], actual["y"], color="black", label="actual")
    for k, (_, one) in enumerate(part.groupby("cutoff")):
        ax.plot(
            one["time"],
            one["y_pred"],
            color="tab:red",
            alpha=0.6,
            lw=1,
            label="forecasts" if k == 0 else None,
        )
    ax.set_title("backtest" if pd.isna(series_id) else f"backtest ({series_id})")
    ax.legend(loc="upper left")
    return ax


def plot_history(estimator, ax=None):
    """Training (and validation) loss per epoch of a fitted tsrnn estimator.

    An ensemble (a forecaster with ``n_ensembles_ > 1``) draws each network's
    curves, labelled ``network k``: each trained its own epochs.

    Parameters
    ----------
    estimator : fitted RNNRegressor, RNNClassifier or forecaster
    ax : matplotlib Axes, optional

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np, tsrnn
    >>> X = np.random.default_rng(0).normal(size=(30, 5))
    >>> reg = tsrnn.RNNRegressor(hidden_size=4, max_epochs=3, random_state=0).fit(X, X[:, 0])
    >>> len(plot_history(reg).lines)
    1
    """
    ax = _axes(ax)
    history = pd.DataFrame(estimator.history_)
    if "member" not in history:
        history["member"] = 0
    networks = history.groupby("member", sort=True)
    for member, part in networks:
        name = f"network {member + 1} " if networks.ngroups > 1 else ""
        (line,) = ax.plot(part["epoch"], part["train_loss"], label=f"{name}train")
        if part["valid_loss"].notna().any():
            ax.plot(
                part["epoch"],
                part["valid_loss"],
                label=f"{name}validation",
                color=line.get_color(),
                linestyle="--",
            )
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    return ax
