"""Forecast accuracy metrics (M4 definitions), the M4 benchmarks and scorers.

Array metrics
    :func:`mae`, :func:`rmse`, :func:`smape`, :func:`mase` and :func:`pinball_loss`
    compare ``y_true`` with ``y_pred`` of the same shape: 1-D ``(horizon,)`` for one
    forecast, or 2-D ``(n_series_or_windows, horizon)``. NaN in ``y_true`` marks a
    missing actual: that point is left out (not counted as zero). Pandas inputs are
    used by position; their index is not aligned. Every metric returns a float.

Interval and quantile metrics
    :func:`msis`, :func:`coverage` and :func:`interval_width` score prediction
    intervals given as ``lower`` and ``upper`` of the shape of ``y_true``;
    :func:`crps` scores quantile forecasts ``y_quantiles`` of shape
    ``y_true.shape + (n_quantiles,)`` at levels ``quantiles`` (twice the mean
    pinball loss, an estimate of the CRPS). NaN in ``y_true`` is left out here too.

M4
    :func:`smape`, :func:`mase`, :func:`owa` and :func:`msis` follow the M4
    competition (``Benchmarks and Evaluation.R`` of M4-methods, and Makridakis et
    al., 2020, for MSIS): sMAPE in percent, MASE and MSIS scaled by the in-sample
    seasonal-naive MAE of each series' training part, and OWA relative to the
    Naive2 benchmark, which :func:`naive2_forecast` computes
    (:func:`seasonal_naive_forecast` is sNaive). M4's absolute coverage
    difference (ACD) is ``abs(coverage(...) - 0.95)``.

Scorers for tsrnn forecasters
    ``SCORERS`` maps ``"mae"``, ``"rmse"``, ``"smape"``, ``"mase"``,
    ``"pinball"``, ``"crps"``, ``"msis"`` and ``"acd"`` to a callable
    ``scorer(estimator, X, y=None) -> float``; higher is better (the error is
    negated), so it can be passed as ``scoring=`` to ``GridSearchCV`` or
    ``cross_val_score``. :func:`get_scorer` looks one up by name, and
    ``get_scorer(name, coverage=0.8)`` scores the 80% interval instead of the 95%
    one. :func:`evaluate` computes the same metrics of a frame, not negated, and
    also ``"coverage"`` and ``"interval_width"``, which are no scores (neither a
    higher nor a lower value is better). A scorer calls ``estimator.rolling_forecasts(X, y)``, which must return a
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
    ``"crps"`` is the scaled CRPS estimate: per row :func:`crps` of every
    ``q{q}`` column and of ``y_pred`` as the median (0.5; unless a ``q0.5``
    column is there), divided by ``scale`` and averaged as MASE is. With a few
    levels it understates the CRPS (see :func:`crps`): compare it between
    forecasts with the same levels.

    The interval of nominal coverage ``c`` (``coverage=``, 0.95 by default) is the
    pair of columns ``q{(1 - c) / 2}`` and ``q{(1 + c) / 2}``: ``q0.025`` and
    ``q0.975`` for 0.95, ``q0.1`` and ``q0.9`` for 0.8. ``"msis"`` divides each
    row's interval score by ``scale`` and averages as MASE does, with
    ``alpha = 1 - c``; ``"coverage"`` is the share of rows inside their interval,
    ``"acd"`` its distance ``|coverage - c|`` and ``"interval_width"`` the mean
    width, all three pooled over every row.

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

from tsrnn.metrics._interval import coverage, crps, interval_width, msis
from tsrnn.metrics._m4 import mase, naive2_forecast, owa, seasonal_naive_forecast
from tsrnn.metrics._point import mae, pinball_loss, rmse, smape
from tsrnn.metrics._scorers import SCORERS, evaluate, get_scorer

__all__ = [
    "SCORERS",
    "coverage",
    "crps",
    "evaluate",
    "get_scorer",
    "interval_width",
    "mae",
    "mase",
    "msis",
    "naive2_forecast",
    "owa",
    "pinball_loss",
    "rmse",
    "seasonal_naive_forecast",
    "smape",
]
