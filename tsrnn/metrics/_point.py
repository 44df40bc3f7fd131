"""Point and quantile errors: MAE, RMSE, sMAPE (M4) and the pinball loss."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tsrnn._pointwise import masked_mean, pinball
from tsrnn.metrics._checks import check_fraction, check_pair

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["mae", "pinball_loss", "rmse", "smape"]


def observed_mean(values: np.ndarray, observed: np.ndarray) -> float:
    """The mean of ``values`` where the actual is observed (NaN elsewhere is ignored)."""
    return float(masked_mean(np.where(observed, values, 0.0), observed))


def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Mean absolute error, over every observed point.

    Parameters
    ----------
    y_true : array-like of shape (horizon,) or (n_series_or_windows, horizon)
        Actual values; NaN marks a missing value, which is left out.
    y_pred : array-like of the same shape as ``y_true``
        Forecasts.

    Returns
    -------
    error : float
        ``mean(|y_true - y_pred|)`` over the points where ``y_true`` is observed.

    Examples
    --------
    >>> from tsrnn.metrics import mae
    >>> mae([1.0, 2.0, 3.0], [2.0, 2.0, 1.0])
    1.0
    >>> mae([[1.0, float("nan")], [3.0, 4.0]], [[1.0, 9.0], [5.0, 5.0]])
    1.0
    """
    t, p, obs = check_pair(y_true, y_pred)
    return observed_mean(np.abs(t - p), obs)


def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Root mean squared error, over every observed point.

    Parameters
    ----------
    y_true : array-like of shape (horizon,) or (n_series_or_windows, horizon)
        Actual values; NaN marks a missing value, which is left out.
    y_pred : array-like of the same shape as ``y_true``
        Forecasts.

    Returns
    -------
    error : float
        ``sqrt(mean((y_true - y_pred) ** 2))`` over the observed points.

    Examples
    --------
    >>> from tsrnn.metrics import rmse
    >>> rmse([0.0, 0.0, 0.0, 0.0], [1.0, -1.0, 1.0, -1.0])
    1.0
    >>> rmse([3.0, float("nan")], [7.0, 0.0])
    4.0
    """
    t, p, obs = check_pair(y_true, y_pred)
    return float(np.sqrt(observed_mean((t - p) ** 2, obs)))


def smape(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Symmetric mean absolute percentage error, in percent (M4 definition).

    The mean of ``200 * |y - f| / (|y| + |f|)`` over the observed points; a point
    where both ``y`` and ``f`` are 0 counts as 0. The result is in [0, 200].

    Parameters
    ----------
    y_true : array-like of shape (horizon,) or (n_series_or_windows, horizon)
        Actual values; NaN marks a missing value, which is left out.
    y_pred : array-like of the same shape as ``y_true``
        Forecasts.

    Returns
    -------
    error : float
        sMAPE in percent. When every row has the same observed steps (as in M4),
        this equals the mean of the per-series sMAPEs.

    Examples
    --------
    >>> from tsrnn.metrics import smape
    >>> round(smape([100.0, 100.0], [110.0, 90.0]), 4)  # mean of 2000/210, 2000/190
    10.0251
    >>> smape([0.0, 1.0], [0.0, -1.0])
    100.0
    """
    t, p, obs = check_pair(y_true, y_pred)
    num = np.abs(t - p)
    den = np.abs(t) + np.abs(p)
    # the ratio first: in floating point |y - f| <= |y| + |f| still holds, so the
    # ratio is <= 1 and the result <= 200 exactly (200 * |y - f| / ... is not);
    # where y = f = 0 the numerator is 0, and so is the ratio
    ratio = num / np.where(den > 0, den, 1.0)
    return 200.0 * observed_mean(ratio, obs)


def pinball_loss(y_true: ArrayLike, y_pred: ArrayLike, quantile: float) -> float:
    """Mean pinball (quantile) loss of a forecast of one quantile.

    For the error ``d = y - f`` the loss is ``quantile * d`` when ``d >= 0`` and
    ``(quantile - 1) * d`` otherwise; at ``quantile=0.5`` it is half the MAE.

    Parameters
    ----------
    y_true : array-like of shape (horizon,) or (n_series_or_windows, horizon)
        Actual values; NaN marks a missing value, which is left out.
    y_pred : array-like of the same shape as ``y_true``
        Forecasts of the ``quantile``.
    quantile : float
        The quantile forecast, in the open interval (0, 1).

    Returns
    -------
    loss : float

    Examples
    --------
    >>> from tsrnn.metrics import pinball_loss
    >>> pinball_loss([10.0, 10.0], [8.0, 12.0], quantile=0.9)  # (0.9*2 + 0.1*2) / 2
    1.0
    """
    t, p, obs = check_pair(y_true, y_pred)
    q = check_fraction(quantile, "quantile", "e.g. 0.1 or 0.9")
    return observed_mean(pinball(t - p, q), obs)
