"""Forecast accuracy metrics (M4 definitions), the M4 benchmarks and scorers.

Array metrics
    :func:`mae`, :func:`rmse`, :func:`smape`, :func:`mase` and :func:`pinball_loss`
    compare ``y_true`` with ``y_pred`` of the same shape: 1-D ``(horizon,)`` for one
    forecast, or 2-D ``(n_series_or_windows, horizon)``. NaN in ``y_true`` marks a
    missing actual: that point is left out (not counted as zero). Pandas inputs are
    used by position; their index is not aligned. Every metric returns a float.

M4
    :func:`smape`, :func:`mase` and :func:`owa` follow the M4 competition
    (``Benchmarks and Evaluation.R`` of M4-methods): sMAPE in percent, MASE scaled
    by the in-sample seasonal-naive MAE of each series' training part, and OWA
    relative to the Naive2 benchmark, which :func:`naive2_forecast` computes
    (:func:`seasonal_naive_forecast` is sNaive).

Scorers for tsrnn forecasters
    ``SCORERS`` maps ``"mae"``, ``"rmse"``, ``"smape"``, ``"mase"`` and
    ``"pinball"`` to a callable ``scorer(estimator, X, y=None) -> float``; higher
    is better (the error is negated), so it can be passed as ``scoring=`` to
    ``GridSearchCV`` or ``cross_val_score``. :func:`get_scorer` looks one up by
    name. A scorer calls ``estimator.rolling_forecasts(X, y)``, which must return a
    tidy DataFrame with one row per (origin, step) and the columns

    ============  ==============================================================
    ``id``        series identifier (None or NaN for a single series)
    ``cutoff``    last input timestamp of the forecast (its origin)
    ``time``      timestamp forecast
    ``y``         actual value (NaN: missing, left out of every score)
    ``y_pred``    point forecast
    ``q{q}``      optional: quantile forecasts, e.g. ``q0.1``, ``q0.9``
    ``scale``     optional: in-sample seasonal-naive MAE of the row's series
    ``target``    optional: target name, when the forecaster has several
    ============  ==============================================================

    ``"mae"``, ``"rmse"`` and ``"smape"`` pool every row. ``"mase"`` divides each
    absolute error by its row's ``scale``, averages per series (``id`` and
    ``target``) and then over series, as M4 does; it needs the ``scale`` column.
    ``"pinball"`` averages :func:`pinball_loss` over every ``q{q}`` column.

Plain scikit-learn estimators
    The array metrics are errors (lower is better). Wrap them with
    ``sklearn.metrics.make_scorer(metric, greater_is_better=False)`` to use them
    with any regressor; metrics with extra arguments take them as keywords, e.g.
    ``make_scorer(pinball_loss, greater_is_better=False, quantile=0.9)``.

Examples
--------
>>> import numpy as np
>>> from sklearn.linear_model import Ridge
>>> from sklearn.metrics import make_scorer
>>> from sklearn.model_selection import cross_val_score
>>> from tsrnn.metrics import smape
>>> X = np.arange(1.0, 21.0).reshape(-1, 1)
>>> y = 2 * X.ravel() + 1
>>> scoring = make_scorer(smape, greater_is_better=False)
>>> scores = cross_val_score(Ridge(alpha=1e-6), X, y, cv=2, scoring=scoring)
>>> bool(((scores <= 0) & (scores > -0.01)).all())  # minus sMAPE, in percent
True
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import ArrayLike

__all__ = [
    "SCORERS",
    "get_scorer",
    "mae",
    "mase",
    "naive2_forecast",
    "owa",
    "pinball_loss",
    "rmse",
    "seasonal_naive_forecast",
    "smape",
]

_TCRIT = 1.645  # one-sided 90% normal quantile of the M4 seasonality test


# -- input checks -----------------------------------------------------------------------
def _as_float(x: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be numeric (an array-like of numbers, NaN for missing "
            f"values); it could not be converted to floats: {exc}"
        ) from None


def _check_values(arr: np.ndarray, name: str, ndims: tuple[int, ...]) -> np.ndarray:
    if arr.ndim not in ndims:
        want = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(
            f"{name} must be {want}; got shape {arr.shape}. Pass one series as a 1-D "
            "array and several series or windows as rows of a 2-D array."
        )
    if arr.size == 0:
        raise ValueError(
            f"{name} is empty (shape {arr.shape}); pass at least one value."
        )
    if np.isinf(arr).any():
        raise ValueError(
            f"{name} contains inf; replace it with a finite value (or with NaN, to "
            "leave that point out when it is an actual value)."
        )
    return arr


def _check_pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated ``(y_true, y_pred, observed)``: same shape, 1-D or 2-D, no inf."""
    t = _check_values(_as_float(y_true, "y_true"), "y_true", (1, 2))
    p = _check_values(_as_float(y_pred, "y_pred"), "y_pred", (1, 2))
    if t.shape != p.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape; got y_true {t.shape} and "
            f"y_pred {p.shape}. Pass one forecast per actual value (2-D: one row per "
            "series or window, one column per step)."
        )
    observed = ~np.isnan(t)
    if not observed.any():
        raise ValueError(
            "y_true has no observed value (all NaN), so there is nothing to score. "
            "Pass actual values for at least one forecast step."
        )
    if np.isnan(p[observed]).any():
        raise ValueError(
            "y_pred has NaN where y_true is observed: a forecast is missing. Fill it, "
            "or set y_true to NaN there to leave that point out."
        )
    return t, p, observed


def _check_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)


def _check_series(y_train, name: str = "y_train") -> np.ndarray:
    """One complete 1-D series (no NaN, no inf), for the benchmark forecasts."""
    y = _check_values(_as_float(y_train, name), name, (1,))
    if np.isnan(y).any():
        raise ValueError(
            f"{name} contains NaN; the benchmark forecasts need a complete series. "
            "Fill or drop the missing values first."
        )
    return y


# -- point and quantile errors ----------------------------------------------------------
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
    t, p, obs = _check_pair(y_true, y_pred)
    return float(np.mean(np.abs(t[obs] - p[obs])))


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
    t, p, obs = _check_pair(y_true, y_pred)
    return float(np.sqrt(np.mean((t[obs] - p[obs]) ** 2)))


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
    t, p, obs = _check_pair(y_true, y_pred)
    num = np.abs(t[obs] - p[obs])
    den = np.abs(t[obs]) + np.abs(p[obs])
    # the ratio first: in floating point |y - f| <= |y| + |f| still holds, so the
    # ratio is <= 1 and the result <= 200 exactly (200 * |y - f| / ... is not);
    # where y = f = 0 the numerator is 0, and so is the ratio
    ratio = num / np.where(den > 0, den, 1.0)
    return float(200.0 * np.mean(ratio))


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
    t, p, obs = _check_pair(y_true, y_pred)
    if (
        isinstance(quantile, bool)
        or not isinstance(quantile, Real)
        or not 0.0 < float(quantile) < 1.0
    ):
        raise ValueError(
            f"quantile must be a number strictly between 0 and 1 (e.g. 0.1 or 0.9); "
            f"got {quantile!r}."
        )
    q = float(quantile)
    diff = t[obs] - p[obs]
    return float(np.mean(np.maximum(q * diff, (q - 1.0) * diff)))


# -- MASE -------------------------------------------------------------------------------
def _train_series(y_train) -> tuple[list[np.ndarray], bool]:
    """``y_train`` -> (list of 1-D series, whether it was given as one per row)."""
    if isinstance(y_train, (list, tuple)) and any(np.ndim(s) > 0 for s in y_train):
        series = [
            _check_values(_as_float(s, f"y_train[{i}]"), f"y_train[{i}]", (1,))
            for i, s in enumerate(y_train)
        ]
        return series, True
    arr = _check_values(_as_float(y_train, "y_train"), "y_train", (1, 2))
    return (list(arr), True) if arr.ndim == 2 else ([arr], False)


def _naive_scale(y: np.ndarray, m: int, where: str) -> float:
    """In-sample MAE of the seasonal naive with lag ``m`` (pairs with a NaN skipped)."""
    if len(y) < m + 1:
        raise ValueError(
            f"{where} has {len(y)} values, fewer than m + 1 = {m + 1}: the seasonal-"
            f"naive scale of MASE with lag m={m} needs at least m + 1 values. Pass a "
            "longer y_train or a smaller m."
        )
    diffs = np.abs(y[m:] - y[:-m])
    diffs = diffs[~np.isnan(diffs)]
    if diffs.size == 0:
        raise ValueError(
            f"{where} has no two observed values m={m} steps apart, so the seasonal-"
            "naive scale of MASE is undefined. Pass more history in y_train or a "
            "smaller m."
        )
    scale = float(diffs.mean())
    if scale == 0.0:
        raise ValueError(
            f"{where} repeats itself exactly at lag m={m} (its seasonal-naive "
            "in-sample error is 0), so MASE would divide by zero. Check m, leave that "
            "series out, or score it with smape or mae instead."
        )
    return scale


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
    t, p, obs = _check_pair(y_true, y_pred)
    m = _check_int(m, "m")
    series, per_row = _train_series(y_train)
    if not per_row or (t.ndim == 1 and len(series) == 1):
        scale = _naive_scale(series[0], m, "y_train")
        return float(np.mean(np.abs(t[obs] - p[obs])) / scale)
    if t.ndim == 1 or t.shape[0] != len(series):
        raise ValueError(
            f"y_train holds {len(series)} series but y_true has shape {t.shape}: pass "
            "one y_train series per row of y_true (y_true and y_pred of shape "
            f"({len(series)}, horizon)), or a single 1-D y_train when the rows are "
            "windows of one series."
        )
    scales = np.array(
        [_naive_scale(s, m, f"y_train[{i}]") for i, s in enumerate(series)]
    )
    err = np.where(obs, np.abs(t - p), 0.0).sum(axis=1)
    count = obs.sum(axis=1)
    rows = count > 0  # a series with no observed actual has no MASE
    return float(np.mean(err[rows] / count[rows] / scales[rows]))


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


# -- benchmark forecasts ----------------------------------------------------------------
def _is_seasonal(y: np.ndarray, m: int) -> bool:
    """M4's 90% autocorrelation test for seasonality at lag ``m``."""
    n = len(y)
    if m == 1 or n < 3 * m:
        return False
    x = y - y.mean()
    denom = float(x @ x)
    if denom == 0.0:
        return False  # a constant series has no seasonality
    acf = np.array([x[k:] @ x[:-k] for k in range(1, m + 1)]) / denom
    limit = _TCRIT * np.sqrt((1.0 + 2.0 * np.sum(acf[:-1] ** 2)) / n)
    return bool(abs(acf[-1]) > limit)


def _centred_moving_average(y: np.ndarray, m: int) -> np.ndarray:
    """Centred moving average of order ``m`` ("2 x m" if ``m`` is even); NaN at the ends."""
    # half weights at both ends when m is even, so the window stays centred
    weights = np.ones(m + 1 - m % 2)
    weights[[0, -1]] = 1.0 if m % 2 else 0.5
    weights /= m
    half = len(weights) // 2
    trend = np.full(len(y), np.nan)
    trend[half : len(y) - half] = np.convolve(y, weights, mode="valid")
    return trend


def _seasonal_indices(y: np.ndarray, m: int) -> np.ndarray:
    """Multiplicative seasonal indices (R ``decompose``); index 0 is ``y[0]``'s season."""
    ratio = y / _centred_moving_average(y, m)
    figure = np.array([np.nanmean(ratio[i::m]) for i in range(m)])
    return figure / figure.mean()


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
    y = _check_series(y_train)
    horizon = _check_int(horizon, "horizon")
    m = _check_int(m, "m")
    if not _is_seasonal(y, m):
        return np.full(horizon, y[-1])
    if (y <= 0).any():
        raise ValueError(
            "y_train is seasonal but has values <= 0, which a multiplicative "
            f"decomposition (m={m}) cannot handle. Shift the series to positive "
            "values, or use seasonal_naive_forecast."
        )
    index = _seasonal_indices(y, m)
    n = len(y)
    level = y[-1] / index[(n - 1) % m]
    return level * index[(n + np.arange(horizon)) % m]


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
    y = _check_values(_as_float(y_train, "y_train"), "y_train", (1,))
    horizon = _check_int(horizon, "horizon")
    m = _check_int(m, "m")
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
    return last[np.arange(horizon) % m]


# -- scorers for forecasters ------------------------------------------------------------
def _column(frame, name: str) -> np.ndarray:
    return np.asarray(frame[name], dtype=np.float64)


def _frame_mae(frame) -> float:
    return mae(_column(frame, "y"), _column(frame, "y_pred"))


def _frame_rmse(frame) -> float:
    return rmse(_column(frame, "y"), _column(frame, "y_pred"))


def _frame_smape(frame) -> float:
    return smape(_column(frame, "y"), _column(frame, "y_pred"))


def _frame_mase(frame) -> float:
    import pandas as pd

    if "scale" not in frame.columns:
        raise ValueError(
            "the estimator must provide a 'scale' column in rolling_forecasts (the "
            "in-sample seasonal-naive MAE of each row's series) for MASE; tsrnn "
            "forecasters do. Add it, or score with 'mae' or 'smape'."
        )
    t, p, obs = _check_pair(_column(frame, "y"), _column(frame, "y_pred"))
    scale = _column(frame, "scale")
    if not (np.isfinite(scale[obs]) & (scale[obs] > 0)).all():
        raise ValueError(
            "the 'scale' column has values that are not finite and > 0 where y is "
            "observed; MASE needs a positive in-sample naive MAE for every series."
        )
    codes = np.zeros(len(t), dtype=np.int64)
    for key in ("id", "target"):
        if key in frame.columns:
            c, uniques = pd.factorize(frame[key], use_na_sentinel=False)
            codes = codes * len(uniques) + c
    ratio = np.abs(t[obs] - p[obs]) / scale[obs]
    sums = np.bincount(codes[obs], weights=ratio)
    counts = np.bincount(codes[obs])
    seen = counts > 0
    return float(np.mean(sums[seen] / counts[seen]))


def _frame_pinball(frame) -> float:
    quantiles = []
    for col in frame.columns:
        if isinstance(col, str) and col.startswith("q"):
            try:
                quantiles.append((col, float(col[1:])))
            except ValueError:
                continue
    if not quantiles:
        raise ValueError(
            "rolling_forecasts returned no quantile column ('q0.1', 'q0.9', ...), "
            "which the pinball score needs. Fit the forecaster with quantiles=[...]."
        )
    y = _column(frame, "y")
    return float(np.mean([pinball_loss(y, _column(frame, c), q) for c, q in quantiles]))


class _ForecastScorer:
    """``scorer(estimator, X, y=None)``: minus an error of ``rolling_forecasts(X, y)``."""

    def __init__(self, name: str, error: Callable[[Any], float]) -> None:
        self.name = name
        self.error = error

    def __call__(self, estimator, X, y=None) -> float:
        method = getattr(estimator, "rolling_forecasts", None)
        if not callable(method):
            raise TypeError(
                f"get_scorer({self.name!r}) scores tsrnn forecasters, which provide "
                f"rolling_forecasts(X, y); {type(estimator).__name__} does not. For "
                "other estimators use sklearn.metrics.make_scorer(tsrnn.metrics."
                f"{'pinball_loss' if self.name == 'pinball' else self.name}, "
                "greater_is_better=False)."
            )
        frame = method(X, y)
        missing = [c for c in ("y", "y_pred") if c not in getattr(frame, "columns", ())]
        if missing:
            raise TypeError(
                f"{type(estimator).__name__}.rolling_forecasts(X, y) must return a "
                f"DataFrame with columns 'y' and 'y_pred' (see tsrnn.metrics); it "
                f"lacks {missing}."
            )
        try:
            return 0.0 - float(self.error(frame))  # 0.0 - x: no "-0.0"
        except ValueError as exc:
            raise ValueError(
                f"get_scorer({self.name!r}) on {type(estimator).__name__}."
                "rolling_forecasts(X, y) (column 'y' is y_true, 'y_pred' is y_pred): "
                f"{exc}"
            ) from exc

    def __repr__(self) -> str:
        return f"tsrnn.metrics.get_scorer({self.name!r})"


SCORERS: dict[str, _ForecastScorer] = {
    "mae": _ForecastScorer("mae", _frame_mae),
    "rmse": _ForecastScorer("rmse", _frame_rmse),
    "smape": _ForecastScorer("smape", _frame_smape),
    "mase": _ForecastScorer("mase", _frame_mase),
    "pinball": _ForecastScorer("pinball", _frame_pinball),
}


def get_scorer(name: str) -> _ForecastScorer:
    """The scorer of a forecaster for a metric name, for ``scoring=``.

    Parameters
    ----------
    name : {"mae", "rmse", "smape", "mase", "pinball"}
        The metric. ``"mase"`` needs the ``scale`` column and ``"pinball"`` the
        ``q{q}`` columns of ``rolling_forecasts`` (see the module docstring).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``, minus the metric over every
        rolling-origin forecast of ``estimator`` on ``X`` (higher is better).

    Examples
    --------
    >>> import pandas as pd
    >>> from tsrnn import SeasonalNaiveForecaster
    >>> from tsrnn.metrics import get_scorer
    >>> y = pd.Series([1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0, 4.0])
    >>> est = SeasonalNaiveForecaster(season=3, horizon=1).fit(y.iloc[:6])
    >>> get_scorer("mae")(est, y.iloc[6:])
    -0.3333333333333333
    """
    try:
        return SCORERS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"{name!r} is not a tsrnn scorer; use one of {sorted(SCORERS)}."
        ) from None
