"""Plots of forecasts, backtests and training curves (matplotlib, imported lazily).

Every plot names its axes (time and target, or epoch and loss), keeps its legend
outside the data, and labels a date axis with concise, non-overlapping ticks. A
panel (several series) is drawn as small multiples, one subplot per series, up to
``max_series`` of them; the figure names the series it leaves out.

Figures that these functions create use matplotlib's constrained layout, which
makes room for the legend and the note on every draw: save them with
``fig.savefig`` as they are (``fig.tight_layout()`` would replace that layout and
matplotlib warns that it did).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import tsrnn
>>> from tsrnn.plotting import plot_forecast
>>> y = tsrnn.datasets.load_air_passengers()
>>> fc = tsrnn.SeasonalNaiveForecaster(horizon=12).fit(y)
>>> ax = plot_forecast(y, fc.predict())
>>> ax.get_title(), ax.get_xlabel(), ax.get_ylabel()
('passengers', 'month', 'passengers')
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_backtest", "plot_forecast", "plot_history"]

#: Ids named in the note on a panel figure before it says "...".
_NAMED_LEFT_OUT = 5


def _figure(n: int):
    """A constrained-layout figure with ``n`` axes in a grid, as a 1-D array."""
    import matplotlib.pyplot as plt

    ncols = 1 if n == 1 else 2 if n <= 4 else 3
    nrows = math.ceil(n / ncols)
    width = 9.0 if ncols == 1 else 5.0 * ncols
    height = 4.0 if nrows == 1 else 3.0 * nrows
    fig, grid = plt.subplots(
        nrows, ncols, figsize=(width, height), squeeze=False, layout="constrained"
    )
    grid = grid.ravel()
    for extra in grid[n:]:
        extra.remove()
    return fig, grid[:n]


def _check_max_series(max_series) -> None:
    if isinstance(max_series, bool) or not isinstance(max_series, (int, np.integer)):
        raise TypeError(
            f"max_series must be an int >= 1 (got {max_series!r}); it is how many "
            "series of a panel are drawn."
        )
    if max_series < 1:
        raise ValueError(
            f"max_series must be >= 1 (got max_series={max_series}); it is how many "
            "series of a panel are drawn. Pass series_id= to draw one series."
        )


def _note_left_out(fig, ids: list, shown: int) -> None:
    """Say on the figure how many series are not drawn and name the first few."""
    left = ids[shown:]
    if not left:
        return
    named = ", ".join(repr(i) for i in left[:_NAMED_LEFT_OUT])
    more = ", ..." if len(left) > _NAMED_LEFT_OUT else ""
    fig.suptitle(
        f"showing {shown} of {len(ids)} series; not shown: {named}{more} "
        "(pass max_series= or series_id=)",
        fontsize="medium",
    )


def _some(ids: list) -> str:
    """The first few ids, for an error message."""
    return f"{ids[:_NAMED_LEFT_OUT]}{' ...' if len(ids) > _NAMED_LEFT_OUT else ''}"


def _one_or_many(ids, series_id, ax, max_series: int, title: str, draw):
    """Draw one series on one axes, or a panel as small multiples.

    ``ids`` are a panel's series ids (None for one series), ``draw(ax, series_id)``
    draws one series; returns what the public ``plot_*`` function returns.
    """
    if ids is None or series_id is not None or ax is not None:
        if ids is not None:  # one series of a panel: say which, and of how many
            more = ""
            if series_id is None and len(ids) > 1:
                more = f"; first of {len(ids)} series, pass series_id= for another"
            series_id = ids[0] if series_id is None else series_id
            title = f"{title} ({series_id}{more})"
        ax = ax if ax is not None else _figure(1)[1][0]
        draw(ax, series_id)
        ax.set_title(title)
        _legend_outside(ax)
        return ax
    fig, axes = _figure(min(len(ids), max_series))
    for one, sid in zip(axes, ids):
        draw(one, sid)
        one.set_title(str(sid))
    _figure_legend(fig, axes[0])
    _note_left_out(fig, ids, len(axes))
    return axes


def _to_x(index: pd.Index) -> pd.Index:
    return index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index


def _time_axis(ax, x, xlabel, ylabel) -> None:
    """Axis labels, and concise date ticks spaced for the axes' width."""
    import matplotlib.dates as mdates

    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if not pd.api.types.is_datetime64_any_dtype(x):
        return
    ax.margins(x=0)  # a time axis spans its data, as pandas draws it
    width = ax.get_position().width * ax.figure.get_figwidth()  # inches
    most = max(3, int(width / 0.6))  # a concise label takes about half an inch
    locator = mdates.AutoDateLocator(minticks=min(5, max(3, most // 2)), maxticks=most)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _legend_outside(ax) -> None:
    """The legend right of the axes, where it covers no data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)


def _figure_legend(fig, ax) -> None:
    """One legend for all small multiples, right of the grid."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper")


def _panel_ids(frame: pd.DataFrame, series_id, what: str) -> list | None:
    """A long panel's series ids in order of appearance (None if not a panel)."""
    if not isinstance(frame.index, pd.MultiIndex):
        return None
    ids = list(frame.index.get_level_values(0).unique())
    if series_id is not None and series_id not in ids:
        raise ValueError(
            f"series_id={series_id!r} is not a series of {what}; its series are "
            f"{_some(ids)}."
        )
    return ids


def _one_series(frame, series_id, what: str):
    if isinstance(frame.index, pd.MultiIndex):
        _panel_ids(frame, series_id, what)
        return frame.xs(series_id, level=0)
    return frame


def _time_kind(index: pd.Index) -> str:
    """``"datetime"``, ``"period"``, ``"number"`` or ``"other"``: the kind of a
    (per-series) time axis."""
    if isinstance(index, pd.MultiIndex):
        index = index.levels[-1]
    if isinstance(index, pd.DatetimeIndex):
        return "datetime"
    if isinstance(index, pd.PeriodIndex):
        return "period"
    return "number" if pd.api.types.is_numeric_dtype(index) else "other"


def _check_history_axis(history, forecast, target) -> None:
    """Refuse a history that is not the forecast's series on its time axis (it
    would be drawn at meaningless x positions, or under another series): a panel
    forecast needs a ``(series_id, time)`` index, a single-series one a time
    index of the same kind, and a named Series must be the target's."""
    if not isinstance(history, pd.Series | pd.DataFrame):
        raise TypeError(
            f"history must be a pandas Series or DataFrame indexed by time, as "
            f"fitted; got {type(history).__name__}."
        )
    if target not in forecast.columns:
        raise ValueError(
            f"target={target!r} is not a column of the forecast; its columns are "
            f"{list(forecast.columns)}."
        )
    keys = "set_index([id_col, time_col]) for a long frame with id and time columns"
    panel = isinstance(forecast.index, pd.MultiIndex)
    if panel and not isinstance(history.index, pd.MultiIndex):
        ids = set(forecast.index.get_level_values(0))
        wide = isinstance(history, pd.DataFrame) and ids & set(history.columns)
        fix = (
            "stack().swaplevel().sort_index() for a wide frame (a column per series)"
            if wide
            else keys
        )
        raise ValueError(
            "history must be indexed (series_id, time) like the panel forecast; it "
            f"has a {type(history.index).__name__}. Pass history.{fix}."
        )
    if isinstance(history.index, pd.MultiIndex) and not panel:
        raise ValueError(
            "history is a panel (a MultiIndex) but the forecast is of one series: "
            "pass the history of that series (history.xs(series_id)), or the "
            "forecast of the panel."
        )
    have, want = _time_kind(history.index), _time_kind(forecast.index)
    if have != want:
        first = _time_kind(history.index.levels[0]) if panel else None
        fix = (
            "history.swaplevel().sort_index(): its levels are (time, series_id)"
            if first == want
            else "the history indexed by its times, as it was fitted (e.g. "
            f"history.set_index(time_col), or history.{keys})"
        )
        raise ValueError(
            f"history's index holds {have} labels ({type(history.index).__name__}) "
            f"but the forecast's time axis holds {want} labels, so they cannot share "
            f"an x axis. Pass {fix}."
        )
    name = history.name if isinstance(history, pd.Series) else None
    if name is not None and name != target and name in forecast.columns:
        raise ValueError(
            f"history is the series {name!r} but target={target!r}: pass the history "
            f"of {target!r}, or target={name!r}."
        )


def _draw_forecast(ax, history, forecast, target, series_id, last) -> None:
    forecast = _one_series(forecast, series_id, "forecast")
    if isinstance(history, pd.DataFrame):
        history = _one_series(history, series_id, "history")
        history = history[target] if target in history.columns else history.iloc[:, 0]
    elif isinstance(history.index, pd.MultiIndex):
        history = _one_series(history, series_id, "history")
    if last is not None:
        history = history.iloc[-last:]
    x = _to_x(forecast.index)
    ax.plot(_to_x(history.index), history.to_numpy(), color="black", label="history")
    ax.plot(x, forecast[target].to_numpy(), color="tab:red", label="forecast")
    bands = sorted(
        (float(c.rsplit("_q", 1)[1]), c)
        for c in forecast.columns
        if c.startswith(f"{target}_q")
    )
    # every interval, widest first: the outermost levels pair up, then the next
    for k in range(len(bands) // 2):
        (lo_q, lo), (hi_q, hi) = bands[k], bands[-1 - k]
        central = abs(lo_q + hi_q - 1.0) < 1e-9
        ax.fill_between(
            x,
            forecast[lo],
            forecast[hi],
            color="tab:red",
            alpha=0.15 + 0.1 * k,
            label=f"{hi_q - lo_q:.0%} interval"
            if central
            else f"{lo_q:g}-{hi_q:g} quantiles",
        )
    xlabel = forecast.index.name or history.index.name or "time"
    _time_axis(ax, x, str(xlabel), str(target))


def plot_forecast(
    history,
    forecast: pd.DataFrame,
    ax: Axes | None = None,
    *,
    target: str | None = None,
    series_id=None,
    last: int | None = None,
    max_series: int = 6,
) -> Axes | np.ndarray:
    """History, point forecast and its quantile intervals, on a time axis.

    The x axis is named after the forecast's time index (``"time"`` if it has no
    name), the y axis after the target; the legend sits right of the axes. A panel
    (a forecast indexed ``(series_id, time)``) is drawn as small multiples, one
    subplot per series, titled by its id.

    Parameters
    ----------
    history : Series or DataFrame
        The observed series. A DataFrame is read at column ``target`` (its first
        column if it has none); a long panel is indexed ``(series_id, time)``, as
        the forecast is.
    forecast : DataFrame
        What a forecaster's ``predict`` returned: a column per target, optional
        ``{target}_q{q}`` quantile columns (the lowest with the highest, the
        second lowest with the second highest ... are shaded as intervals), and
        a ``(series_id, time)`` MultiIndex for a panel.
    ax : matplotlib Axes, optional
        Axes to draw one series on. Default None: a new figure. Small multiples
        need a figure of their own, so with ``ax`` given a panel draws one series
        (``series_id``, by default the first) and the title says which, and of how
        many.
    target : str, optional
        The forecast column to plot, and the y-axis label. Default None: the first
        forecast column.
    series_id : optional
        Draw only this series of a panel, on one axes. Default None: every series
        of a panel, up to ``max_series``. Ignored for a single series.
    last : int, optional
        Show only the last ``last`` steps of (each series') history. Default None:
        all of it.
    max_series : int, default 6
        The most series of a panel drawn as small multiples, in order of
        appearance. When a panel has more, the figure's title says how many are
        not shown and names the first five of them.

    Returns
    -------
    ax : matplotlib Axes, or ndarray of Axes
        One Axes for a single series, for ``series_id=`` and when ``ax`` is given.
        For a panel drawn as small multiples, a 1-D array of its Axes, one per
        series shown, in order (as pandas' ``DataFrame.plot(subplots=True)``
        returns); ``axes[0].figure`` is the figure.

    Raises
    ------
    ValueError
        If ``series_id`` is not a series of the forecast or the history, if
        ``max_series`` is below 1, or if the history is not on the forecast's
        time axis (a long frame with id and time columns: pass
        ``history.set_index([id_col, time_col])``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tsrnn
    >>> panel = tsrnn.datasets.load_us_weather()[["actual_mean_temp"]]  # 10 cities
    >>> fc = tsrnn.SeasonalNaiveForecaster(season=7, horizon=14).fit(panel)
    >>> axes = plot_forecast(panel, fc.predict(), last=60)
    >>> len(axes), axes[0].get_title(), axes[0].get_ylabel()
    (6, 'KCLT', 'actual_mean_temp')
    >>> print(axes[0].figure.get_suptitle())
    showing 6 of 10 series; not shown: 'KNYC', 'KPHL', 'KPHX', 'KSEA' (pass max_series= or series_id=)
    >>> plot_forecast(panel, fc.predict(), series_id="KSEA").get_title()
    'actual_mean_temp (KSEA)'
    """
    _check_max_series(max_series)
    target = target if target is not None else forecast.columns[0]
    _check_history_axis(history, forecast, target)
    ids = _panel_ids(forecast, series_id, "forecast")

    def draw(ax, one):
        _draw_forecast(ax, history, forecast, target, one, last)

    return _one_or_many(ids, series_id, ax, max_series, str(target), draw)


def _backtest_ids(result: pd.DataFrame, series_id) -> list | None:
    ids = list(result["id"].unique())
    if all(pd.isna(i) for i in ids):
        return None
    if series_id is not None and series_id not in ids:
        raise ValueError(
            f"series_id={series_id!r} is not a series of the backtest; its series "
            f"are {_some(ids)}."
        )
    return ids


def _draw_backtest(ax, result, series_id, ylabel) -> None:
    part = (
        result[result["id"].isna()]
        if series_id is None
        else result[result["id"] == series_id]
    )
    actual = part.drop_duplicates("time").sort_values("time")
    x = pd.Index(actual["time"])
    ax.plot(_to_x(x), actual["y"], color="black", label="actual")
    for k, (_, one) in enumerate(part.groupby("cutoff")):
        ax.plot(
            _to_x(pd.Index(one["time"])),
            one["y_pred"],
            color="tab:red",
            alpha=0.6,
            lw=1,
            label="forecasts" if k == 0 else None,
        )
    _time_axis(ax, _to_x(x), "time", ylabel)


def plot_backtest(
    result: pd.DataFrame,
    ax: Axes | None = None,
    *,
    series_id=None,
    target: str | None = None,
    max_series: int = 6,
) -> Axes | np.ndarray:
    """Actuals and every rolling forecast of a backtest, per series.

    The x axis is ``time``, the y axis the target; the legend sits right of the
    axes. A panel's backtest is drawn as small multiples, one subplot per series.

    Parameters
    ----------
    result : DataFrame
        What :func:`tsrnn.model_selection.backtest` or ``rolling_forecasts``
        returned (columns ``id``, ``cutoff``, ``time``, ``y``, ``y_pred``, and
        ``target`` for several targets).
    ax : matplotlib Axes, optional
        Axes to draw one series on. Default None: a new figure. With ``ax`` given
        a panel draws one series (``series_id``, by default the first) and the
        title says which, and of how many.
    series_id : optional
        Draw only this series of a panel, on one axes. Default None: every series,
        up to ``max_series``.
    target : str, optional
        Which target of a several-target backtest (one with a ``target`` column);
        default None: the first. A one-target backtest does not name its target:
        there ``target`` only labels the y axis, which is ``"y"`` by default.
    max_series : int, default 6
        The most series drawn as small multiples, in order of appearance. When
        there are more, the figure's title says how many are not shown and names
        the first five of them.

    Returns
    -------
    ax : matplotlib Axes, or ndarray of Axes
        One Axes for a single series, for ``series_id=`` and when ``ax`` is given;
        for a panel drawn as small multiples, a 1-D array of its Axes, one per
        series shown, in order.

    Raises
    ------
    ValueError
        If ``series_id`` or ``target`` is not in the result, or if ``max_series``
        is below 1.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import tsrnn
    >>> from tsrnn.model_selection import backtest
    >>> out = backtest(tsrnn.SeasonalNaiveForecaster(horizon=6),
    ...                tsrnn.datasets.load_air_passengers(), start=120, stride=6)
    >>> ax = plot_backtest(out, target="passengers")
    >>> len(ax.lines) == 1 + out["cutoff"].nunique(), ax.get_ylabel()
    (True, 'passengers')
    """
    _check_max_series(max_series)
    if "target" in result.columns:
        names = list(result["target"].unique())
        target = names[0] if target is None else target
        if target not in names:
            raise ValueError(
                f"target={target!r} is not a target of the backtest; its targets "
                f"are {names}."
            )
        result = result[result["target"] == target]
    ylabel = "y" if target is None else str(target)
    ids = _backtest_ids(result, series_id)
    if ids is None:
        series_id = None  # one series: its id is missing, whatever was passed

    def draw(ax, one):
        _draw_backtest(ax, result, one, ylabel)

    return _one_or_many(ids, series_id, ax, max_series, "backtest", draw)


def plot_history(estimator, ax: Axes | None = None) -> Axes:
    """Training (and validation) loss per epoch of a fitted tsrnn estimator.

    An ensemble (a forecaster with ``n_ensembles_ > 1``) draws each network's
    curves, labelled ``network k``: each trained its own epochs. The axes are
    named ``epoch`` and ``loss``; the legend sits right of the axes.

    Parameters
    ----------
    estimator : fitted RNNRegressor, RNNClassifier or forecaster
        Any tsrnn estimator with a ``history_`` (one row per epoch).
    ax : matplotlib Axes, optional
        Axes to draw on. Default None: a new figure.

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
    >>> ax = plot_history(reg)
    >>> len(ax.lines), ax.get_xlabel(), ax.get_ylabel()
    (1, 'epoch', 'loss')
    """
    ax = ax if ax is not None else _figure(1)[1][0]
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
    _legend_outside(ax)
    return ax
