"""The M4 measures: MASE, OWA, and the benchmark forecasts Naive2 and sNaive.

Definitions from ``Benchmarks and Evaluation.R`` of M4-methods
(github.com/Mcompetitions/M4-methods); the forecasts themselves are computed by
:mod:`tsrnn._naive`, the one copy that the forecasters use too.
"""

from __future__ import annotations

from numbers import Real
from typing import TYPE_CHECKING

import numpy as np

from tsrnn._naive import naive2, naive_mae, seasonal_positions
from tsrnn.metrics._checks import as_float, check_pair, check_series, check_values
from tsrnn.metrics._point import observed_mean

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["mase", "naive2_forecast", "owa", "seasonal_naive_forecast"]


def _positive_int(value, name: str) -> int:
    """:func:`tsrnn._param_validation.check_positive_int`, imported on first use:
    ``import tsrnn.metrics`` stays free of scikit-learn and pandas."""
    from tsrnn._param_validation import check_positive_int

    return check_positive_int(value, name)


def _train_series(y_train) -> tuple[list[np.ndarray], bool]:
    """``y_train`` -> (list of 1-D series, whether it was given as one per row)."""
    if isinstance(y_train, (list, tuple)) and any(np.ndim(s) > 0 for s in y_train):
        series = [
            check_values(as_float(s, f"y_train[{i}]"), f"y_train[{i}]", (1,))
            for i, s in enumerate(y_train)
        ]
        return series, True
    arr = check_values(as_float(y_train, "y_train"), "y_train", (1, 2))
    return (list(arr), True) if arr.ndim == 2 else ([arr], False)


def naive_scale_checked(
    y: np.ndarray, m: int, where: str, metric: str = "MASE"
) -> float:
    """:func:`tsrnn._naive.naive_mae` of one series, refused where ``metric`` (MASE,
    MSIS) cannot use it."""
    if len(y) < m + 1:
        raise ValueError(
            f"{where} has {len(y)} values, fewer than m + 1 = {m + 1}: the seasonal-"
            f"naive scale of {metric} with lag m={m} needs at least m + 1 values. Pass "
            "a longer y_train or a smaller m."
        )
    scale = float(naive_mae(y, m))
    if np.isnan(scale):
        raise ValueError(
            f"{where} has no two observed values m={m} steps apart, so the seasonal-"
            f"naive scale of {metric} is undefined. Pass more history in y_train or a "
            "smaller m."
        )
    if scale == 0.0:
        raise ValueError(
            f"{where} repeats itself exactly at lag m={m} (its seasonal-naive "
            f"in-sample error is 0), so {metric} would divide by zero. Check m, leave "
            "that series out, or score it with smape or mae instead."
        )
    return scale


def scaled_mean(
    errors: np.ndarray, observed: np.ndarray, y_train, m: int, metric: str = "MASE"
) -> float:
    """The mean of pointwise ``errors`` over the seasonal-naive MAE of ``y_train``.

    The one computation of MASE and MSIS: ``errors`` (the shape of ``y_true``,
    used where ``observed``) over one ``y_train`` (1-D errors, or rows as windows
    of one series: pooled), or per row over that row's ``y_train`` series and
    then averaged over the rows that have an observed value, as in M4.
    """
    m = _positive_int(m, "m")
    series, per_row = _train_series(y_train)
    if not per_row or (errors.ndim == 1 and len(series) == 1):
        scale = naive_scale_checked(series[0], m, "y_train", metric)
        return observed_mean(errors, observed) / scale
    if errors.ndim == 1 or errors.shape[0] != len(series):
        raise ValueError(
            f"y_train holds {len(series)} series but y_true has shape "
            f"{errors.shape}: pass one y_train series per row of y_true (y_true and "
            f"its forecasts of shape ({len(series)}, horizon)), or a single 1-D "
            "y_train when the rows are windows of one series."
        )
    scales = np.array(
        [
            naive_scale_checked(s, m, f"y_train[{i}]", metric)
            for i, s in enumerate(series)
        ]
    )
    err = np.where(observed, errors, 0.0).sum(axis=1)
    count = observed.sum(axis=1)
    rows = count > 0  # a series with no observed actual has no score
    return float(np.mean(err[rows] / count[rows] / scales[rows]))


def mase(y_true: ArrayLike, y_pred: ArrayLike, y_train, m: int = 1) -> float:
    """Mean absolute scaled error (M4 definition).

    The MAE of the forecast divided by the in-sample MAE of the seasonal naive
    with lag ``m`` on the training part, ``mean(|y_t - y_{t-m}|)`` over
    ``t = m+1..n`` (pairs with a NaN are skipped). With one ``y_train`` series
    per row of ``y_true`` the MASE of each series is computed and then averaged
    over the series, as in M4.

    Parameters
    ----------
    y_true : array-like of shape (horizon,) or (n_series_or_windows, horizon)
        Actual values; NaN marks a missing value, which is left out.
    y_pred : array-like of the same shape as ``y_true``
        Forecasts.
    y_train : array-like of shape (n_train,), or a sequence of 1-D arrays
        The in-sample part. One 1-D array: a single series, and the rows of a
        2-D ``y_true`` are forecast windows of it (their errors are pooled).
        A list of 1-D arrays (lengths may differ) or a 2-D array: one series per
        row of ``y_true``.
    m : int, default=1
        Seasonal lag of the naive scale (M4: 24 for hourly, 1 for daily and
        weekly data).

    Returns
    -------
    error : float
        Below 1: better than the in-sample seasonal naive.

    Examples
    --------
    >>> from tsrnn.metrics import mase
    >>> mase([5.0, 6.0], [5.5, 5.0], y_train=[1.0, 2.0, 4.0, 5.0])  # 0.75 / 4/3
    0.5625
    >>> mase([[5.0, 6.0], [10.0, 10.0]], [[5.0, 7.0], [12.0, 10.0]],
    ...      y_train=[[1.0, 2.0, 3.0], [8.0, 4.0, 8.0, 4.0, 8.0]])  # (0.5/1 + 1/4)/2
    0.375
    """
    t, p, obs = check_pair(y_true, y_pred)
    return scaled_mean(np.abs(t - p), obs, y_train, m)


def owa(
    smape_value: float, mase_value: float, smape_naive2: float, mase_naive2: float
) -> float:
    """Overall weighted average of sMAPE and MASE relative to Naive2 (M4).

    ``0.5 * (smape_value / smape_naive2 + mase_value / mase_naive2)``. As in M4,
    pass averages over a whole subset (all series of a frequency, or all series),
    not per-series values. Below 1: better than Naive2.

    Parameters
    ----------
    smape_value, mase_value : float
        The method's average sMAPE (percent) and MASE.
    smape_naive2, mase_naive2 : float
        Naive2's average sMAPE and MASE on the same series, both > 0.

    Returns
    -------
    owa : float

    Examples
    --------
    ES-RNN on the M4 hourly subset:

    >>> from tsrnn.metrics import owa
    >>> round(owa(9.328, 0.893, smape_naive2=18.383, mase_naive2=2.395), 3)
    0.44
    """
    values = {}
    for name, value, strict in (
        ("smape_value", smape_value, False),
        ("mase_value", mase_value, False),
        ("smape_naive2", smape_naive2, True),
        ("mase_naive2", mase_naive2, True),
    ):
        ok = isinstance(value, Real) and not isinstance(value, bool)
        ok = ok and np.isfinite(value) and (value > 0 if strict else value >= 0)
        if not ok:
            what = "a positive" if strict else "a non-negative"
            raise ValueError(
                f"{name} must be {what} finite number (an average over a subset, as "
                f"returned by smape or mase); got {value!r}."
            )
        values[name] = float(value)
    return 0.5 * (
        values["smape_value"] / values["smape_naive2"]
        + values["mase_value"] / values["mase_naive2"]
    )


def naive2_forecast(y_train: ArrayLike, horizon: int, m: int) -> np.ndarray:
    """The M4 Naive2 benchmark: naive forecast of the seasonally adjusted series.

    The series is tested for seasonality at lag ``m`` with the 90% ACF test,
    ``|r_m| > 1.645 * sqrt((1 + 2 * sum(r_k**2, k=1..m-1)) / n)``; series shorter
    than ``3 * m`` and ``m = 1`` count as not seasonal. A seasonal series is
    divided by its seasonal indices from a classical multiplicative decomposition
    (centred moving average of order ``m``, ``2 x m`` when ``m`` is even; the mean
    of ``y / trend`` per season position, normalised to average 1, as R's
    ``decompose``), its last adjusted value is repeated and re-seasonalised with
    the indices of the coming seasons. A non-seasonal series gets its last value.

    Parameters
    ----------
    y_train : array-like of shape (n_train,)
        One complete series (no NaN). It must be positive when it is seasonal.
    horizon : int
        Number of steps to forecast.
    m : int
        Season length (M4: 24 hourly, 12 monthly, 4 quarterly, 1 yearly, daily
        and weekly).

    Returns
    -------
    forecast : ndarray of shape (horizon,)

    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn.metrics import naive2_forecast
    >>> naive2_forecast([3.0, 1.0, 4.0, 1.0, 5.0], horizon=3, m=1)
    array([5., 5., 5.])
    >>> y = np.tile([10.0, 20.0, 30.0, 40.0], 4)
    >>> naive2_forecast(y, horizon=4, m=4)
    array([10., 20., 30., 40.])
    """
    y = check_series(y_train)
    horizon = _positive_int(horizon, "horizon")
    m = _positive_int(m, "m")
    return naive2(y, horizon, m)


def seasonal_naive_forecast(y_train: ArrayLike, horizon: int, m: int = 1) -> np.ndarray:
    """Seasonal naive (sNaive): repeat the last ``m`` values; ``m=1`` is Naive1.

    Parameters
    ----------
    y_train : array-like of shape (n_train,)
        One series, at least ``m`` values long, with no NaN in its last ``m``.
    horizon : int
        Number of steps to forecast.
    m : int, default=1
        Season length.

    Returns
    -------
    forecast : ndarray of shape (horizon,)

    Examples
    --------
    >>> from tsrnn.metrics import seasonal_naive_forecast
    >>> seasonal_naive_forecast([1.0, 2.0, 3.0, 4.0, 5.0], horizon=5, m=2)
    array([4., 5., 4., 5., 4.])
    """
    y = check_values(as_float(y_train, "y_train"), "y_train", (1,))
    horizon = _positive_int(horizon, "horizon")
    m = _positive_int(m, "m")
    if len(y) < m:
        raise ValueError(
            f"y_train has {len(y)} values, fewer than one season m={m}. Pass a "
            "longer y_train or a smaller m."
        )
    last = y[-m:]
    if np.isnan(last).any():
        raise ValueError(
            f"y_train has NaN among its last m={m} values, which sNaive repeats. "
            "Fill the missing values first."
        )
    return y[seasonal_positions(len(y) - 1, horizon, m)[0]]
