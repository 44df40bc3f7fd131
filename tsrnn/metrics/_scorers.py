"""Scorers of tsrnn forecasters: errors of the tidy ``rolling_forecasts`` frame."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tsrnn.metrics import _interval
from tsrnn.metrics._checks import check_fraction, check_interval, check_pair
from tsrnn.metrics._interval import (
    check_quantile_forecasts,
    crps_points,
    interval_levels,
    interval_score,
)
from tsrnn.metrics._point import mae, pinball_loss, rmse, smape

__all__ = ["SCORERS", "evaluate", "get_scorer"]


def _column(frame, name: str) -> np.ndarray:
    return np.asarray(frame[name], dtype=np.float64)


def _frame_mae(frame) -> float:
    return mae(_column(frame, "y"), _column(frame, "y_pred"))


def _frame_rmse(frame) -> float:
    return rmse(_column(frame, "y"), _column(frame, "y_pred"))


def _frame_smape(frame) -> float:
    return smape(_column(frame, "y"), _column(frame, "y_pred"))


def _by_series_over_scale(
    frame, values: np.ndarray, observed: np.ndarray, metric: str, instead: str
) -> float:
    """``values / scale`` of the observed rows, averaged per series (``id`` and
    ``target``) and then over the series, as M4 averages MASE and MSIS."""
    import pandas as pd

    if "scale" not in frame.columns:
        raise ValueError(
            "the estimator must provide a 'scale' column in rolling_forecasts (the "
            f"in-sample seasonal-naive MAE of each row's series) for {metric}; tsrnn "
            f"forecasters do. Add it, or score with {instead}."
        )
    scale = _column(frame, "scale")
    if not (np.isfinite(scale[observed]) & (scale[observed] > 0)).all():
        raise ValueError(
            "the 'scale' column has values that are not finite and > 0 where y is "
            f"observed; {metric} needs a positive in-sample naive MAE for every series."
        )
    codes = np.zeros(len(frame), dtype=np.int64)
    for key in ("id", "target"):
        if key in frame.columns:
            c, uniques = pd.factorize(frame[key], use_na_sentinel=False)
            codes = codes * len(uniques) + c
    ratio = values[observed] / scale[observed]
    sums = np.bincount(codes[observed], weights=ratio)
    counts = np.bincount(codes[observed])
    seen = counts > 0
    return float(np.mean(sums[seen] / counts[seen]))


def _frame_mase(frame) -> float:
    t, p, obs = check_pair(_column(frame, "y"), _column(frame, "y_pred"))
    return _by_series_over_scale(frame, np.abs(t - p), obs, "MASE", "'mae' or 'smape'")


def _quantile_columns(frame) -> list[tuple[str, float]]:
    """``(column, level)`` of every ``q{q}`` column (``q0.1``, ``q1e-05``, ...)."""
    quantiles = []
    for col in frame.columns:
        if isinstance(col, str) and col.startswith("q"):
            try:
                quantiles.append((col, float(col[1:])))
            except ValueError:
                continue
    return quantiles


def _needed_quantiles(frame, metric: str) -> list[tuple[str, float]]:
    quantiles = _quantile_columns(frame)
    if not quantiles:
        raise ValueError(
            "rolling_forecasts returned no quantile column ('q0.1', 'q0.9', ...), "
            f"which the {metric} score needs. Fit the forecaster with quantiles=[...]."
        )
    return quantiles


def _frame_pinball(frame) -> float:
    y = _column(frame, "y")
    quantiles = _needed_quantiles(frame, "pinball")
    return float(np.mean([pinball_loss(y, _column(frame, c), q) for c, q in quantiles]))


def _frame_crps(frame) -> float:
    quantiles = _needed_quantiles(frame, "crps")
    if not any(abs(q - 0.5) <= 1e-9 for _, q in quantiles):
        quantiles.append(("y_pred", 0.5))  # tsrnn's point forecast is the median
    t, forecasts, levels, obs = check_quantile_forecasts(
        _column(frame, "y"),
        np.column_stack([_column(frame, c) for c, _ in quantiles]),
        [q for _, q in quantiles],
        names=[f"column {c!r}" for c, _ in quantiles],
    )
    values = crps_points(t, forecasts, levels)
    return _by_series_over_scale(frame, values, obs, "CRPS", "'pinball'")


def _interval_columns(frame, coverage: float) -> tuple[str, str]:
    """The ``q{(1 - c) / 2}`` and ``q{(1 + c) / 2}`` columns of coverage ``c``."""
    columns = _quantile_columns(frame)

    def column(level: float) -> str | None:
        found = [c for c, q in columns if abs(q - level) <= 1e-9]  # float noise
        return found[0] if found else None

    low, high = interval_levels(coverage)
    lower, upper = column(low), column(high)
    if lower is not None and upper is not None:
        return lower, upper
    names = [c for c, _ in columns]
    levels = sorted(1 - 2 * q for _, q in columns if q < 0.5 and column(1 - q))
    if levels:
        has = (
            f"they have {names}, the intervals of coverage "
            f"{', '.join(f'{c:g}' for c in levels)}. Pass one of those as coverage=, "
            "or fit"
        )
    elif names:
        has = f"they have {names}, no pair q and 1 - q that makes an interval. Fit"
    else:
        has = "they have no quantile column. Fit"
    raise ValueError(
        f"coverage={coverage:g} needs the quantile columns 'q{low:g}' and "
        f"'q{high:g}' in the forecasts; {has} the forecaster with quantiles=[{low:g}, "
        f"{high:g}] (or a ConformalForecaster with coverage={coverage:g})."
    )


def _frame_interval(frame, coverage: float):
    """``(y_true, lower, upper, observed)`` of the interval of that coverage."""
    lower, upper = _interval_columns(frame, coverage)
    try:
        return check_interval(
            _column(frame, "y"), _column(frame, lower), _column(frame, upper)
        )
    except ValueError as exc:
        raise ValueError(
            f"the interval of coverage {coverage:g} (column 'y' is y_true, "
            f"{lower!r} is lower, {upper!r} is upper): {exc}"
        ) from exc


def _frame_msis(frame, coverage: float) -> float:
    t, lo, hi, obs = _frame_interval(frame, coverage)
    values = interval_score(t, lo, hi, 1.0 - coverage)
    return _by_series_over_scale(frame, values, obs, "MSIS", "'acd'")


def _frame_coverage(frame, coverage: float) -> float:
    t, lo, hi, _ = _frame_interval(frame, coverage)
    return _interval.coverage(t, lo, hi)


def _frame_acd(frame, coverage: float) -> float:
    return abs(_frame_coverage(frame, coverage) - coverage)


def _frame_interval_width(frame, coverage: float) -> float:
    t, lo, hi, _ = _frame_interval(frame, coverage)
    return _interval.interval_width(lo, hi, t)


#: metric name -> its error on a tidy forecast frame (lower is better)
_FRAME_ERRORS: dict[str, Callable[[Any], float]] = {
    "mae": _frame_mae,
    "rmse": _frame_rmse,
    "smape": _frame_smape,
    "mase": _frame_mase,
    "pinball": _frame_pinball,
    "crps": _frame_crps,
}

#: metric name -> its value for the frame's interval of a coverage level
_INTERVAL_METRICS: dict[str, Callable[[Any, float], float]] = {
    "msis": _frame_msis,
    "acd": _frame_acd,
    "coverage": _frame_coverage,
    "interval_width": _frame_interval_width,
}

#: reported by evaluate, but no scorer: neither a higher nor a lower value is better
_NOT_SCORES = ("coverage", "interval_width")

_DEFAULT_COVERAGE = 0.95


def _checked_coverage(coverage) -> float:
    return check_fraction(coverage, "coverage", "the nominal level, e.g. 0.8 or 0.95")


def evaluate(
    forecasts, metrics=("smape", "mase", "mae"), *, coverage: float = 0.95
) -> dict[str, float]:
    """Errors of a tidy forecast frame, e.g. of :func:`tsrnn.model_selection.backtest`.

    The same definitions as the scorers (see the module docstring): ``"mae"``,
    ``"rmse"`` and ``"smape"`` pool every row with an observed ``y``; ``"mase"``
    averages each series' scaled error over the series; ``"pinball"`` averages
    over the ``q{q}`` columns and ``"crps"`` is the scaled CRPS estimate from
    them and ``y_pred`` as the median. ``"msis"``, ``"coverage"``, ``"acd"`` and ``"interval_width"`` score
    the interval of nominal ``coverage``. Rows whose ``y`` is NaN are left out.

    Parameters
    ----------
    forecasts : DataFrame
        Columns ``y`` and ``y_pred`` (and ``id``, ``scale``, ``target``,
        ``q{q}`` as the metrics need), as ``rolling_forecasts`` returns.
    metrics : sequence of str, default=("smape", "mase", "mae")
        Names among ``"mae"``, ``"rmse"``, ``"smape"``, ``"mase"``,
        ``"pinball"``, ``"crps"``, ``"msis"``, ``"coverage"``, ``"acd"`` and
        ``"interval_width"``.
    coverage : float, default=0.95
        Nominal coverage of the interval that ``"msis"``, ``"coverage"``,
        ``"acd"`` and ``"interval_width"`` score, in (0, 1): the interval of
        coverage ``c`` is the pair of columns ``q{(1 - c) / 2}`` and
        ``q{(1 + c) / 2}`` (0.95: ``q0.025`` and ``q0.975``; 0.8: ``q0.1`` and
        ``q0.9``).

    Returns
    -------
    errors : dict of str to float
        Each metric's value (not negated), in the order asked: lower is better,
        except ``"coverage"`` (best near ``coverage``) and ``"interval_width"``
        (narrow is good only with the coverage kept).

    Raises
    ------
    ValueError
        An unknown metric name, or a frame the metric cannot score (no observed
        ``y``, no ``scale`` column for MASE, MSIS or CRPS, no quantile column for
        pinball or CRPS, no interval of that ``coverage``).

    Examples
    --------
    >>> import pandas as pd
    >>> from tsrnn.metrics import evaluate
    >>> frame = pd.DataFrame({"id": ["a", "a", "b"], "y": [1.0, float("nan"), 4.0],
    ...                       "y_pred": [2.0, 0.0, 4.0], "scale": [0.5, 0.5, 1.0],
    ...                       "q0.1": [0.0, 0.0, 4.5], "q0.9": [3.0, 0.0, 5.5]})
    >>> evaluate(frame, ["mae", "mase"])  # the NaN actual is left out
    {'mae': 0.5, 'mase': 1.0}
    >>> evaluate(frame, ["coverage", "interval_width"], coverage=0.8)  # q0.1, q0.9
    {'coverage': 0.5, 'interval_width': 2.0}
    """
    if isinstance(metrics, str):
        metrics = [metrics]
    known = {**_FRAME_ERRORS, **_INTERVAL_METRICS}
    unknown = [m for m in metrics if m not in known]
    if unknown:
        raise ValueError(
            f"metrics={unknown} are not tsrnn metrics; use names among {sorted(known)}."
        )
    level = _checked_coverage(coverage)
    return {
        name: float(
            _INTERVAL_METRICS[name](forecasts, level)
            if name in _INTERVAL_METRICS
            else _FRAME_ERRORS[name](forecasts)
        )
        for name in metrics
    }


#: the array function to compute a scorer's metric with, for other estimators
_ARRAY_METRIC = {"pinball": "pinball_loss", "acd": "coverage"}


class _ForecastScorer:
    """``scorer(estimator, X, y=None)``: minus an error of ``rolling_forecasts(X, y)``.

    ``coverage`` is the nominal level of the interval that ``error(frame,
    coverage)`` scores, None for an ``error(frame)`` of the point or quantile
    forecasts.
    """

    def __init__(
        self, name: str, error: Callable[..., float], coverage: float | None = None
    ) -> None:
        self.name = name
        self.error = error
        self.coverage = coverage

    def __call__(self, estimator, X, y=None) -> float:
        method = getattr(estimator, "rolling_forecasts", None)
        if not callable(method):
            array_metric = _ARRAY_METRIC.get(self.name, self.name)
            other = (
                "For other estimators use sklearn.metrics.make_scorer(tsrnn.metrics."
                f"{array_metric}, greater_is_better=False)."
                if self.coverage is None and self.name != "crps"
                else "For other estimators compute it from their interval or "
                f"quantile forecasts with tsrnn.metrics.{array_metric}."
            )
            raise TypeError(
                f"get_scorer({self.name!r}) scores tsrnn forecasters, which provide "
                f"rolling_forecasts(X, y); {type(estimator).__name__} does not. "
                f"{other}"
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
            error = (
                self.error(frame)
                if self.coverage is None
                else self.error(frame, self.coverage)
            )
            return 0.0 - float(error)  # 0.0 - x: no "-0.0"
        except ValueError as exc:
            raise ValueError(
                f"{self!r} on {type(estimator).__name__}.rolling_forecasts(X, y) "
                "(column 'y' is y_true, 'y_pred' is y_pred): "
                f"{exc}"
            ) from exc

    def __repr__(self) -> str:
        level = (
            ""
            if self.coverage in (None, _DEFAULT_COVERAGE)
            else f", coverage={self.coverage!r}"
        )
        return f"tsrnn.metrics.get_scorer({self.name!r}{level})"


SCORERS: dict[str, _ForecastScorer] = {
    name: _ForecastScorer(name, error) for name, error in _FRAME_ERRORS.items()
}
SCORERS.update(
    (name, _ForecastScorer(name, error, _DEFAULT_COVERAGE))
    for name, error in _INTERVAL_METRICS.items()
    if name not in _NOT_SCORES
)


def get_scorer(name: str, *, coverage: float = 0.95) -> _ForecastScorer:
    """The scorer of a forecaster for a metric name, for ``scoring=``.

    Parameters
    ----------
    name : {"mae", "rmse", "smape", "mase", "pinball", "crps", "msis", "acd"}
        The metric. ``"mase"`` needs the ``scale`` column, ``"pinball"`` the
        ``q{q}`` columns, ``"crps"`` both, ``"msis"`` the ``scale`` column and
        the interval of ``coverage``, ``"acd"`` that interval (see the module
        docstring). ``"coverage"`` and ``"interval_width"`` are no scores
        (neither a higher nor a lower value is better): report them with
        :func:`evaluate`.
    coverage : float, default=0.95
        Nominal coverage of the interval that ``"msis"`` and ``"acd"`` score, in
        (0, 1); its columns are ``q{(1 - coverage) / 2}`` and
        ``q{(1 + coverage) / 2}``. The other metrics do not use it.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``, minus the metric over every
        rolling-origin forecast of ``estimator`` on ``X`` (higher is better).
        It can be pickled, as ``GridSearchCV(n_jobs=...)`` needs.

    Examples
    --------
    >>> import pandas as pd
    >>> from tsrnn import SeasonalNaiveForecaster
    >>> from tsrnn.metrics import get_scorer
    >>> y = pd.Series([1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0, 4.0])
    >>> est = SeasonalNaiveForecaster(season=3, horizon=1).fit(y.iloc[:6])
    >>> get_scorer("mae")(est, y.iloc[6:])
    -0.3333333333333333
    >>> get_scorer("msis", coverage=0.8)
    tsrnn.metrics.get_scorer('msis', coverage=0.8)
    """
    if name in _NOT_SCORES:
        raise ValueError(
            f"{name!r} is not a score: neither a higher nor a lower {name} is better. "
            f"Report it with tsrnn.metrics.evaluate(frame, [{name!r}]), or tune with "
            "'msis' (width and misses together) or 'acd' (|coverage - nominal|)."
        )
    try:
        scorer = SCORERS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"{name!r} is not a tsrnn scorer; use one of {sorted(SCORERS)}."
        ) from None
    level = _checked_coverage(coverage)
    if scorer.coverage is None or level == scorer.coverage:
        return scorer
    return _ForecastScorer(name, scorer.error, level)
