"""Interval and quantile forecasts: MSIS, coverage and width (M4), the CRPS estimate.

MSIS and the coverage follow the M4 competition (Makridakis, Spiliotis and
Assimakopoulos, 2020, "The M4 Competition: 100,000 time series and 61
forecasting methods", International Journal of Forecasting 36(1), 54-74): the
interval score of Gneiting and Raftery (2007) scaled, as MASE is, by the
in-sample seasonal-naive MAE of ``mase_cal`` in ``Benchmarks and Evaluation.R``
of M4-methods (github.com/Mcompetitions/M4-methods).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tsrnn._pointwise import pinball
from tsrnn.metrics._checks import (
    as_float,
    check_fraction,
    check_interval,
    check_pair,
    check_values,
)
from tsrnn.metrics._m4 import scaled_mean
from tsrnn.metrics._point import observed_mean

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["coverage", "crps", "interval_width", "msis"]


def interval_levels(coverage: float) -> tuple[float, float]:
    """The quantile levels that bound the central interval of ``coverage``.

    ``((1 - c) / 2, (1 + c) / 2)``, rounded to 10 decimals so that 0.95 gives
    exactly 0.025 and 0.975 (the levels of the ``q{level}`` column names).

    Examples
    --------
    >>> interval_levels(0.95)
    (0.025, 0.975)
    """
    c = float(coverage)
    return round((1.0 - c) / 2.0, 10), round((1.0 + c) / 2.0, 10)


def interval_score(
    y: np.ndarray, lower: np.ndarray, upper: np.ndarray, alpha: float
) -> np.ndarray:
    """The interval score of each point (M4's MSIS before its scaling).

    ``(U - L) + (2 / alpha) * (L - y) * [y < L] + (2 / alpha) * (y - U) * [y > U]``:
    the width, plus a penalty of ``2 / alpha`` per unit the actual falls outside.

    Examples
    --------
    >>> import numpy as np
    >>> interval_score(np.array([5.0, 9.0]), np.array([4.0, 4.0]),
    ...                np.array([6.0, 8.0]), alpha=0.05)
    array([ 2., 44.])
    """
    below = (lower - y) * (y < lower)
    above = (y - upper) * (y > upper)
    return (upper - lower) + (2.0 / alpha) * (below + above)


def check_quantile_forecasts(
    y_true, y_quantiles, quantiles, names=None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validated ``(y_true, y_quantiles, levels, observed)`` of quantile forecasts.

    ``y_quantiles`` has the shape of ``y_true`` plus a last axis of one forecast
    per level; each of those is checked against ``y_true`` as :func:`check_pair`
    checks a forecast, named in messages by ``names`` (default
    ``y_quantiles[..., j]``).
    """
    levels = as_float(quantiles, "quantiles")
    if levels.ndim != 1 or levels.size == 0:
        raise ValueError(
            "quantiles must be a non-empty 1-D sequence of levels, e.g. [0.1, 0.5, "
            f"0.9]; got shape {levels.shape}."
        )
    for i, q in enumerate(levels):
        check_fraction(q, f"quantiles[{i}]", "e.g. 0.1 or 0.9")
    t = check_values(as_float(y_true, "y_true"), "y_true", (1, 2))
    forecasts = as_float(y_quantiles, "y_quantiles")
    want = (*t.shape, len(levels))
    if forecasts.shape != want:
        raise ValueError(
            f"y_quantiles must have shape y_true.shape + (n_quantiles,) = {want}; "
            f"got {forecasts.shape}. Pass the forecast of each level of quantiles on "
            "a last axis, e.g. np.stack([q10, q50, q90], axis=-1)."
        )
    names = names or [f"y_quantiles[..., {j}]" for j in range(len(levels))]
    for j, name in enumerate(names):
        t, _, observed = check_pair(t, forecasts[..., j], name)
    return t, forecasts, levels, observed


def crps_points(
    y: np.ndarray, y_quantiles: np.ndarray, levels: np.ndarray
) -> np.ndarray:
    """The quantile estimate of the CRPS at each point: twice the pinball loss
    integrated over the levels by the midpoint rule (see :func:`crps`).

    Examples
    --------
    >>> import numpy as np
    >>> crps_points(np.array([10.0]), np.array([[9.0, 11.0]]), np.array([0.25, 0.75]))
    array([0.5])
    """
    order = np.argsort(levels)
    levels, y_quantiles = levels[order], y_quantiles[..., order]
    edges = np.r_[0.0, (levels[1:] + levels[:-1]) / 2, 1.0]  # each level's cell
    losses = pinball(y[..., None] - y_quantiles, levels)
    return 2.0 * (losses * np.diff(edges)).sum(axis=-1)


def msis(
    y_true: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike,
    y_train,
    alpha: float = 0.05,
    m: int = 1,
) -> float:
    """Mean scaled interval score (M4 definition).

    For the ``100 * (1 - alpha)`` % prediction interval ``[L, U]`` and the actual
    ``y``, the interval score is
    ``(U - L) + (2 / alpha) * (L - y) * [y < L] + (2 / alpha) * (y - U) * [y > U]``
    (Gneiting and Raftery, 2007): narrow intervals score well unless the actual
    falls outside. Its mean over the observed points is divided by the in-sample
    MAE of the seasonal naive with lag ``m``, the scale of :func:`mase`. With one
    ``y_train`` series per row of ``y_true`` the MSIS of each series is computed
    and then averaged over the series, as in M4.

    Parameters
    ----------
    y_true : array-like of shape (horizon,) or (n_series_or_windows, horizon)
        Actual values; NaN marks a missing value, which is left out.
    lower, upper : array-like of the same shape as ``y_true``
        Lower and upper bounds of the prediction interval, ``lower <= upper``.
    y_train : array-like of shape (n_train,), or a sequence of 1-D arrays
        The in-sample part. One 1-D array: a single series, and the rows of a
        2-D ``y_true`` are forecast windows of it (their scores are pooled).
        A list of 1-D arrays (lengths may differ) or a 2-D array: one series per
        row of ``y_true``.
    alpha : float, default=0.05
        One minus the interval's nominal coverage, in (0, 1): 0.05 for the 95%
        interval of M4.
    m : int, default=1
        Seasonal lag of the naive scale (M4: 24 for hourly, 1 for daily and
        weekly data).

    Returns
    -------
    score : float
        Lower is better.

    Examples
    --------
    Widths 2, 4, 4 and 2; the third actual is 1 above the interval and the last
    1 below, each costing ``2 / 0.05 = 40``; the scale of ``y_train`` is 2:

    >>> from tsrnn.metrics import msis
    >>> msis([5.0, 6.0, 9.0, 2.0], lower=[4.0, 4.0, 4.0, 3.0],
    ...      upper=[6.0, 8.0, 8.0, 5.0], y_train=[1.0, 3.0, 5.0])  # 92 / 4 / 2
    11.5
    """
    t, lo, hi, obs = check_interval(y_true, lower, upper)
    a = check_fraction(alpha, "alpha", "0.05 for a 95% interval")
    return scaled_mean(interval_score(t, lo, hi, a), obs, y_train, m, "MSIS")


def coverage(y_true: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> float:
    """Share of the observed actuals inside their prediction interval.

    A point counts as covered when ``lower <= y <= upper``. Compare it with the
    interval's nominal coverage: M4's absolute coverage difference (ACD) is
    ``abs(coverage(...) - 0.95)`` for its 95% intervals.

    Parameters
    ----------
    y_true : array-like of shape (horizon,) or (n_series_or_windows, horizon)
        Actual values; NaN marks a missing value, which is left out.
    lower, upper : array-like of the same shape as ``y_true``
        Lower and upper bounds of the prediction interval, ``lower <= upper``.

    Returns
    -------
    coverage : float
        In [0, 1].

    Examples
    --------
    >>> from tsrnn.metrics import coverage
    >>> coverage([1.0, 5.0, 10.0, float("nan")], lower=[0.0, 0.0, 0.0, 0.0],
    ...          upper=[4.0, 4.0, 10.0, 1.0])  # 5 is outside; NaN is left out
    0.6666666666666666
    """
    t, lo, hi, obs = check_interval(y_true, lower, upper)
    return observed_mean((lo <= t) & (t <= hi), obs)


def interval_width(
    lower: ArrayLike, upper: ArrayLike, y_true: ArrayLike | None = None
) -> float:
    """Mean width ``upper - lower`` of prediction intervals.

    Parameters
    ----------
    lower, upper : array-like of shape (horizon,) or (n_series_or_windows, horizon)
        Lower and upper bounds of the prediction intervals, ``lower <= upper``.
    y_true : array-like of the same shape, default=None
        Actual values: the mean is then over the points where ``y_true`` is
        observed (not NaN), those the other metrics score. None: over every
        point, so the bounds must have no NaN.

    Returns
    -------
    width : float
        In the units of the series.

    Examples
    --------
    >>> from tsrnn.metrics import interval_width
    >>> interval_width([0.0, 1.0], [4.0, 2.0])
    2.5
    >>> interval_width([0.0, 1.0], [4.0, 2.0], y_true=[float("nan"), 1.5])
    1.0
    """
    _, lo, hi, obs = check_interval(y_true, lower, upper)
    return observed_mean(hi - lo, obs)


def crps(y_true: ArrayLike, y_quantiles: ArrayLike, quantiles) -> float:
    """Continuous ranked probability score, estimated from quantile forecasts.

    The CRPS (Gneiting and Raftery, 2007) of a forecast distribution ``F`` is
    twice the integral over the levels ``tau`` in (0, 1) of the pinball loss of
    its quantile ``F^-1(tau)``, its quantile decomposition (Laio and Tamea, 2007;
    Gneiting and Ranjan, 2011). This estimate integrates by the midpoint rule:
    twice the sum over the given levels of :func:`pinball_loss`, each weighted
    by the share of (0, 1) nearer to it than to the other levels (the plain mean
    for evenly spread levels ``(i - 0.5) / K``). It approaches the CRPS as the
    levels get dense; with few levels it understates it (for a calibrated
    normal forecast, levels 0.025, 0.1, 0.5, 0.9 and 0.975 give 0.50 sigma
    against the CRPS of 0.56 sigma; the tails alone, without 0.5, 0.32). For a
    point forecast (every quantile the same) at levels symmetric about 0.5 it is
    the MAE.

    Parameters
    ----------
    y_true : array-like of shape (horizon,) or (n_series_or_windows, horizon)
        Actual values; NaN marks a missing value, which is left out.
    y_quantiles : array-like of shape ``y_true.shape + (n_quantiles,)``
        Quantile forecasts: ``y_quantiles[..., j]`` forecasts the level
        ``quantiles[j]`` at every point.
    quantiles : sequence of float of length n_quantiles
        The levels, each strictly between 0 and 1.

    Returns
    -------
    score : float
        In the units of the series; lower is better.

    Examples
    --------
    >>> from tsrnn.metrics import crps
    >>> # pinball losses 0.25 * 1 and 0.25 * 1: 2 * mean = 0.5
    >>> crps([10.0], [[9.0, 11.0]], quantiles=[0.25, 0.75])
    0.5
    """
    t, forecasts, levels, obs = check_quantile_forecasts(y_true, y_quantiles, quantiles)
    return observed_mean(crps_points(t, forecasts, levels), obs)
