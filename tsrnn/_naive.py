"""Naive forecasts and the naive scale: the one copy of each.

Seasonal naive repeats the last season: the forecast ``k`` steps (1-based) after
the cutoff ``c`` is the value at position ``c - m + 1 + (k - 1) % m``
(:func:`seasonal_positions`). :class:`~tsrnn.SeasonalNaiveForecaster`,
:func:`tsrnn.metrics.seasonal_naive_forecast` and the forecasters'
``local_level="seasonal"`` baseline all read their values there.

The in-sample seasonal-naive MAE (:func:`naive_mae`) is the scale of MASE;
:func:`tsrnn.metrics.mase` refuses a series whose scale is undefined or 0, while
the ``scale`` column of ``rolling_forecasts`` falls back, series by series, as
:func:`forecast_scale` documents.

Naive2 (:func:`naive2`) is the M4 benchmark: the naive forecast of the
seasonally adjusted series, with M4's 90% autocorrelation test
(:func:`is_seasonal`) and a classical multiplicative decomposition (R's
``decompose``). Source: ``Benchmarks and Evaluation.R`` of
github.com/Mcompetitions/M4-methods.

No torch and no pandas here: numpy in, numpy out.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "forecast_scale",
    "is_seasonal",
    "naive2",
    "naive_mae",
    "seasonal_lags",
    "seasonal_positions",
]

#: one-sided 90% normal quantile of the M4 seasonality test
_TCRIT = 1.645


def seasonal_lags(horizon: int, season: int) -> np.ndarray:
    """Steps before the cutoff of the value seasonal naive repeats, per lead time.

    Returns an int64 array of shape ``(horizon,)``: ``season - 1 - (k - 1) % season``
    for lead times ``k = 1 .. horizon`` (0 is the cutoff itself).

    Examples
    --------
    >>> seasonal_lags(5, 2)
    array([1, 0, 1, 0, 1])
    """
    return (season - 1) - np.arange(horizon, dtype=np.int64) % season


def seasonal_positions(cutoffs, horizon: int, season: int) -> np.ndarray:
    """Positions of the values seasonal naive repeats, ``(n_cutoffs, horizon)``.

    ``cutoffs`` are positions of the last observed step (int array of any length);
    the result is ``cutoff - seasonal_lags(horizon, season)`` row by row.

    Examples
    --------
    >>> seasonal_positions([4], horizon=5, season=2)
    array([[3, 4, 3, 4, 3]])
    """
    cut = np.asarray(cutoffs, dtype=np.int64).reshape(-1, 1)
    return cut - seasonal_lags(horizon, season)


def seasonal_baseline_wins(
    series: list[np.ndarray], horizon: int, season: int, recent: int = 2000, total=None
) -> bool:
    """``local_level="auto"``: does seasonal naive beat the last value over the horizon?

    For each series (each column of a 2-D one), the in-sample error of each
    baseline over lead times ``1 .. horizon``: the last value forecasts step
    ``t + k`` with ``y_t`` (error ``|y_{t+k} - y_t|``), seasonal naive with the value
    one season before (lag ``season * ceil(k / season)``), averaged over lead times
    and over the last ``recent`` steps of the series. Seasonal naive wins when it
    has the lower error on more than half of the series with at least two
    seasons of observed values (shorter ones have too few pairs to vote). A test on the forecast task itself, not on autocorrelation: M4
    Weekly passes M4's 90% seasonality test at lag 52 on 84% of its series, yet
    seasonal naive beats the last value over 13 weeks on 8% of them. ``total`` (a
    distributed fit's sum over its processes) turns this process' counts
    ``[votes for seasonal naive, votes]`` into the whole panel's.

    Examples
    --------
    >>> t = np.arange(120.0)
    >>> seasonal_baseline_wins([np.sin(2 * np.pi * t / 12)], horizon=6, season=12)
    True
    >>> seasonal_baseline_wins([np.cumsum(np.ones(120))], horizon=6, season=12)
    False
    """
    if season <= 1:
        return False
    lead = np.arange(1, horizon + 1)
    lags, counts = np.unique(season * ((lead - 1) // season + 1), return_counts=True)
    votes = []
    for y in series:  # each column of a series votes: (n_steps, n_columns)
        y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)[-recent:]
        last = np.array([naive_mae(y, int(k)) for k in lead])  # (horizon, n_columns)
        errs = np.array([naive_mae(y, int(k)) for k in lags])
        voting = (  # too few seasonal pairs (under two seasons observed): no vote
            (np.isfinite(y).sum(axis=0) >= 2 * season)
            & np.isfinite(last).all(axis=0)
            & np.isfinite(errs).all(axis=0)
        )
        votes.extend((counts @ errs < last.sum(axis=0))[voting])
    tally = np.array([sum(votes), len(votes)], dtype=np.float64)
    yes, n = tally if total is None else total(tally)
    return bool(n > 0 and yes / n > 0.5)


def naive_mae(y: np.ndarray, m: int) -> np.ndarray:
    """In-sample MAE of the seasonal naive with lag ``m``: ``mean |y_t - y_{t-m}|``.

    Parameters
    ----------
    y : ndarray of shape (n_steps,) or (n_steps, n_targets)
        One series (columns: its targets); NaN marks a missing value.
    m : int
        The lag (the season; 1 for the naive).

    Returns
    -------
    scale : float ndarray of shape () or (n_targets,)
        Pairs with a NaN are skipped; NaN where no pair ``m`` steps apart is
        observed (always when ``n_steps <= m``).

    Examples
    --------
    >>> float(naive_mae(np.array([1.0, 2.0, 4.0, 5.0]), 1))  # (1 + 2 + 1) / 3
    1.3333333333333333
    """
    y = np.asarray(y, dtype=np.float64)
    diffs = np.abs(y[m:] - y[:-m])  # empty when the series is no longer than m
    seen = ~np.isnan(diffs)
    count = seen.sum(axis=0)
    total = np.where(seen, diffs, 0.0).sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def forecast_scale(
    target: np.ndarray, season: int, notes: list[str] | None = None
) -> np.ndarray:
    """The MASE scale that ``rolling_forecasts`` reports for one series' history.

    :func:`naive_mae` at the lag of one season. Each target falls back on its
    own, never to an absolute number when its data have a magnitude: to lag 1
    when the seasonal scale is undefined (the history is no longer than a
    season, or has no observed pair a season apart) or 0 (the history repeats
    its season exactly); then, when that is undefined or 0 too (a constant
    history), to the mean absolute value of the history, so the scaled error is
    relative to the series' level; to 1 only when every observed value is 0 or
    none is observed.

    Parameters
    ----------
    target : ndarray of shape (n_steps, n_targets)
    season : int
    notes : list of str, optional
        Where to append a sentence saying which fallback was taken (for the
        caller's warning, which names the series); nothing when none was.

    Returns
    -------
    scale : ndarray of shape (n_targets,)

    Examples
    --------
    >>> forecast_scale(np.array([[1.0], [2.0], [4.0]]), season=12)  # short: lag 1
    array([1.5])
    >>> forecast_scale(np.full((6, 1), 0.25), season=2)  # constant: its level
    array([0.25])
    """
    usable = lambda s: np.isfinite(s) & (s > 0)  # noqa: E731
    with np.errstate(invalid="ignore"):
        scale = naive_mae(target, season)
        lag1 = ~usable(scale)
        if lag1.any() and season > 1:
            if notes is not None:
                why = (
                    f"has {len(target)} steps, no more than one season ({season})"
                    if len(target) <= season
                    else f"has no usable seasonal pair (lag {season})"
                )
                notes.append(f"{why}: its MASE scale uses lag 1")
            scale = np.where(lag1, naive_mae(target, 1), scale)
        level = ~usable(scale)
        if level.any():
            if notes is not None:
                notes.append(
                    "is constant: its MASE scale is its mean absolute value (1 if 0)"
                )
            seen = ~np.isnan(target)
            total = np.where(seen, np.abs(target), 0.0).sum(axis=0)
            mean_abs = total / np.maximum(seen.sum(axis=0), 1)
            scale = np.where(level, np.where(mean_abs > 0, mean_abs, 1.0), scale)
    return scale


def is_seasonal(y: np.ndarray, m: int) -> bool:
    """M4's 90% autocorrelation test for seasonality at lag ``m``.

    ``|r_m| > 1.645 * sqrt((1 + 2 * sum(r_k**2, k=1..m-1)) / n)``; a series shorter
    than ``3 * m``, ``m = 1`` and a constant series count as not seasonal.
    """
    n = len(y)
    # a constant is found exactly: its deviations from the mean are rounding only
    if m == 1 or n < 3 * m or np.ptp(y) == 0:
        return False
    x = y - y.mean()
    x = x / np.abs(x).max()  # the ACF is scale-free; this keeps x @ x from underflowing
    denom = float(x @ x)
    acf = np.array([x[k:] @ x[:-k] for k in range(1, m + 1)]) / denom
    limit = _TCRIT * np.sqrt((1.0 + 2.0 * np.sum(acf[:-1] ** 2)) / n)
    return bool(abs(acf[-1]) > limit)


def centred_moving_average(y: np.ndarray, m: int) -> np.ndarray:
    """Centred moving average of order ``m`` ("2 x m" if ``m`` is even); NaN at the ends."""
    # half weights at both ends when m is even, so the window stays centred
    weights = np.ones(m + 1 - m % 2)
    weights[[0, -1]] = 1.0 if m % 2 else 0.5
    weights /= m
    half = len(weights) // 2
    trend = np.full(len(y), np.nan)
    trend[half : len(y) - half] = np.convolve(y, weights, mode="valid")
    return trend


def seasonal_indices(y: np.ndarray, m: int) -> np.ndarray:
    """Multiplicative seasonal indices (R ``decompose``); index 0 is ``y[0]``'s season."""
    ratio = y / centred_moving_average(y, m)
    figure = np.array([np.nanmean(ratio[i::m]) for i in range(m)])
    return figure / figure.mean()


def naive2(y: np.ndarray, horizon: int, m: int) -> np.ndarray:
    """Naive2 of one complete series (validated by the caller), ``(horizon,)``.

    A seasonal series (:func:`is_seasonal`) must be positive: it is divided by
    its seasonal indices, its last adjusted value is repeated and
    re-seasonalised with the indices of the coming seasons. Otherwise the last
    value is repeated.

    Raises
    ------
    ValueError
        A seasonal series with values <= 0.
    """
    if not is_seasonal(y, m):
        return np.full(horizon, y[-1])
    if (y <= 0).any():
        raise ValueError(
            "y_train is seasonal but has values <= 0, which a multiplicative "
            f"decomposition (m={m}) cannot handle. Shift the series to positive "
            "values, or use seasonal_naive_forecast."
        )
    index = seasonal_indices(y, m)
    n = len(y)
    level = y[-1] / index[(n - 1) % m]
    return level * index[(n + np.arange(horizon)) % m]
