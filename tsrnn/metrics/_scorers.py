"""Scorers of tsrnn forecasters: errors of the tidy ``rolling_forecasts`` frame."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tsrnn.metrics._checks import check_pair
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


def _frame_mase(frame) -> float:
    import pandas as pd

    if "scale" not in frame.columns:
        raise ValueError(
            "the estimator must provide a 'scale' column in rolling_forecasts (the "
            "in-sample seasonal-naive MAE of each row's series) for MASE; tsrnn "
            "forecasters do. Add it, or score with 'mae' or 'smape'."
        )
    t, p, obs = check_pair(_column(frame, "y"), _column(frame, "y_pred"))
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


#: metric name -> its error on a tidy forecast frame (lower is better)
_FRAME_ERRORS: dict[str, Callable[[Any], float]] = {
    "mae": _frame_mae,
    "rmse": _frame_rmse,
    "smape": _frame_smape,
    "mase": _frame_mase,
    "pinball": _frame_pinball,
}


def evaluate(forecasts, metrics=("smape", "mase", "mae")) -> dict[str, float]:
    """Errors of a tidy forecast frame, e.g. of :func:`tsrnn.model_selection.backtest`.

    The same definitions as the scorers (see the module docstring): ``"mae"``,
    ``"rmse"`` and ``"smape"`` pool every row with an observed ``y``; ``"mase"``
    averages each series' scaled error over the series; ``"pinball"`` averages
    over the ``q{q}`` columns. Rows whose ``y`` is NaN are left out.

    Parameters
    ----------
    forecasts : DataFrame
        Columns ``y`` and ``y_pred`` (and ``id``, ``scale``, ``target``,
        ``q{q}`` as the metrics need), as ``rolling_forecasts`` returns.
    metrics : sequence of str, default=("smape", "mase", "mae")
        Names among ``"mae"``, ``"rmse"``, ``"smape"``, ``"mase"``, ``"pinball"``.

    Returns
    -------
    errors : dict of str to float
        Each metric's error (not negated: lower is better), in the order asked.

    Raises
    ------
    ValueError
        An unknown metric name, or a frame the metric cannot score (no observed
        ``y``, no ``scale`` column for MASE, no quantile column for pinball).

    Examples
    --------
    >>> import pandas as pd
    >>> from tsrnn.metrics import evaluate
    >>> frame = pd.DataFrame({"id": ["a", "a", "b"], "y": [1.0, float("nan"), 4.0],
    ...                       "y_pred": [2.0, 0.0, 4.0], "scale": [0.5, 0.5, 1.0]})
    >>> evaluate(frame, ["mae", "mase"])  # the NaN actual is left out
    {'mae': 0.5, 'mase': 1.0}
    """
    if isinstance(metrics, str):
        metrics = [metrics]
    unknown = [m for m in metrics if m not in _FRAME_ERRORS]
    if unknown:
        raise ValueError(
            f"metrics={unknown} are not tsrnn metrics; use names among "
            f"{sorted(_FRAME_ERRORS)}."
        )
    return {name: float(_FRAME_ERRORS[name](forecasts)) for name in metrics}


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
    name: _ForecastScorer(name, error) for name, error in _FRAME_ERRORS.items()
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
