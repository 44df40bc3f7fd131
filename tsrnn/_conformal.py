"""Conformal prediction intervals around any tsrnn forecaster.

:class:`ConformalForecaster` calibrates intervals on the forecaster's own
rolling-origin errors over the end of the training history (split conformal
prediction; Vovk, Gammerman & Shafer 2005, *Algorithmic Learning in a Random
World*; for quantile heads, conformalized quantile regression, Romano, Patterson
& Candès 2019, NeurIPS). It is a forecaster itself (:class:`BaseForecaster`'s
hooks delegate to the wrapped, fitted forecaster and add the bands), so
``predict``, ``rolling_forecasts``, ``backtest``, the scorers, the plots and
``tsrnn.save`` read its intervals as quantile columns.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, clone

from tsrnn._forecaster import BaseForecaster
from tsrnn._panel import Panel, read_panel, series_name
from tsrnn._param_validation import Integral, Interval, StrOptions, _fit_context
from tsrnn._state import attributes_state, set_attributes_state
from tsrnn.exceptions import ParameterFixableError, _listed, _warn_user
from tsrnn.metrics._interval import interval_levels

__all__ = ["ConformalForecaster"]


def _delegated(name: str, fitted: bool = False):
    """A read-only property: the wrapped forecaster's ``name`` (the fitted one's
    when ``fitted``), so every forecaster-level reader sees the wrapped settings."""

    def get(self):
        return getattr(self.forecaster_ if fitted else self.forecaster, name)

    return property(get, doc=f"The wrapped forecaster's ``{name}``.")


def _order_statistic(scores: np.ndarray, coverage: float) -> np.ndarray:
    """Per ``(step, target)``, the ``ceil((n + 1) * coverage)``-th smallest of the
    ``n`` observed scores (NaN: no actual); inf where ``n`` is too small.

    The split-conformal quantile: an interval of this half-width covers a new
    exchangeable score with probability at least ``coverage``.
    """
    n = np.sum(~np.isnan(scores), axis=0)  # (h, T)
    k = np.ceil((n + 1) * coverage - 1e-9).astype(np.int64)
    ordered = np.sort(scores, axis=0)  # NaN last
    take = np.clip(k - 1, 0, len(scores) - 1)
    margin = np.take_along_axis(ordered, take[None], axis=0)[0]
    return np.where(k <= n, margin, np.inf)


def flat(target: np.ndarray) -> np.ndarray:
    """``(n_targets,)``: True where a history ``(n_steps, n_targets)`` has at least
    two observed values, all the same. Its naive error is 0, so its scaled errors
    are undefined: it gets zero-width bands and takes no part in calibration."""
    missing = np.isnan(target)
    high = np.where(missing, -np.inf, target).max(axis=0, initial=-np.inf)
    low = np.where(missing, np.inf, target).min(axis=0, initial=np.inf)
    return ((~missing).sum(axis=0) >= 2) & (high == low)


def scores_needed(coverage: float) -> int:
    """The fewest scores with which the ``coverage`` margin is finite:
    ``ceil((n + 1) c) <= n`` holds from ``n = c / (1 - c)`` on."""
    return max(1, math.ceil(coverage / (1.0 - coverage) - 1e-9))


def calibration_counts(targets, flats, n_origins: int, h: int):
    """The fewest observed actuals at any horizon step over the ``n_origins``
    calibration origins of every series long enough to take part (each holds out
    its last ``n_origins + h - 1`` steps and keeps more than ``h`` to fit on),
    and those series. Targets flat in a series' history (``flats``) give no
    score; a target flat in every series is not counted (None when no target
    has a score to calibrate)."""
    held = n_origins + h - 1
    usable = [i for i, t in enumerate(targets) if len(t) - held > h]
    counts, live = 0, np.zeros(flats.shape[1], dtype=bool)
    for i in usable:
        t = targets[i]
        cut = np.arange(len(t) - held - 1, len(t) - h)  # the origins
        seen = ~np.isnan(t[cut[:, None] + np.arange(1, h + 1)])  # (n, h, T)
        counts = counts + (seen & ~flats[i]).sum(0)
        live |= ~flats[i]
    if not live.any():
        return None, usable
    return int(np.min(np.asarray(counts)[:, live])), usable


def plan_origins(targets, flats, coverage: float, h: int, n_origins: int | None):
    """``(n_origins, usable series)`` of a calibration: ``n_origins`` when given,
    else ``h``; raised (when not given) until every horizon step has the
    :func:`scores_needed` of the largest ``coverage``, counting observed actuals
    of histories that are not flat, at most to what the longest series allows.

    Raises
    ------
    ValueError
        No series long enough; ``n_origins`` too large for every series; too few
        scores, with the ``n_origins`` that gives enough or, when none does, the
        largest coverage the history supports.
    """
    longest = max(len(t) for t in targets) - 2 * h  # keeps h + 1 steps to fit on
    shorter = "a smaller horizon or " if h > 1 else ""
    if longest < 1:
        raise ValueError(
            f"X is too short to calibrate intervals: each calibration forecast needs "
            f"horizon={h} steps held out after more than {h} steps to fit on, and "
            f"the longest series has {longest + 2 * h}. Use {shorter}a longer "
            "history."
        )
    if n_origins is not None and n_origins > longest:
        raise ValueError(
            f"X is too short to calibrate intervals: n_origins={n_origins} "
            f"calibration origins and horizon={h} hold out the last "
            f"{n_origins + h - 1} steps of each series, leaving the longest "
            f"({longest + 2 * h} steps) no more than horizon={h} to fit on. Pass "
            f"n_origins={longest} (or fewer), {shorter}a longer history."
        )
    needed = scores_needed(coverage)
    n = min(h, longest) if n_origins is None else int(n_origins)
    count, usable = calibration_counts(targets, flats, n, h)
    first = (n, count, len(usable))
    while count is not None and count < needed and n < longest:  # more origins
        n = min(longest, n + max(1, math.ceil((needed - count) / max(1, len(usable)))))
        count, usable = calibration_counts(targets, flats, n, h)
    if count is None or (count >= needed and (n_origins is None or n == n_origins)):
        return n, usable
    start = (
        f"coverage={coverage:g} needs at least {needed} calibration forecasts per "
        f"horizon step (the ceil((n + 1) * coverage)-th smallest of n scores must "
        "exist)"
    )
    if count >= needed:
        raise ValueError(
            f"{start}, and n_origins={first[0]} gives {first[1]} ({first[2]} series "
            f"x {first[0]} origins, less missing actuals). Pass n_origins={n}, a "
            "longer history or a smaller coverage."
        )
    most = math.floor(100 * count / (count + 1)) / 100 if count else 0.0
    advice = (
        f"Pass coverage={most:g} (or less), {shorter}a longer history"
        if most > 0
        else f"Use {shorter}a longer history, with observed values in its last "
        f"{n + h - 1} steps"
    )
    raise ValueError(
        f"{start}, and X gives at most {count} (with n_origins={n}, the most its "
        f"longest series allows, less missing actuals). {advice}."
    )


@contextlib.contextmanager
def _calibration_warnings(held: int):
    """Warnings of the calibration fit, said as such: that fit sees each series
    without its last ``held`` steps, so its lengths are not the data's."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        _warn_user(
            f"In the calibration fit (each series without its last {held} steps): "
            f"{w.message}",
            w.category,
        )


def bands(values, levels, scale, margins, coverage, methods) -> np.ndarray:
    """Forecasts of the wrapped forecaster -> point forecast and conformal bounds.

    ``values`` ``(N, h, T, Q)`` at ``levels`` (0.5 among them: the point
    forecast); ``scale`` ``(N, T)``; ``margins`` ``(C, h, T)`` per coverage
    (ascending). Returns ``(N, h, T, 1 + 2C)`` at the sorted levels 0.5 and each
    interval's bounds. Each interval contains the point forecast and the
    narrower intervals (a bound is moved out to them when it would not).
    """
    levels = [float(q) for q in levels]
    point = values[..., levels.index(0.5)]
    out = {0.5: point}
    lower = upper = point
    for c, method, margin in zip(coverage, methods, margins):
        lo_q, hi_q = interval_levels(c)
        width = margin[None] * scale[:, None, :]  # (N, h, T)
        if method == "cqr":
            lo = values[..., levels.index(lo_q)] - width
            hi = values[..., levels.index(hi_q)] + width
        else:
            lo, hi = point - width, point + width
        lower, upper = np.minimum(lo, lower), np.maximum(hi, upper)
        out[lo_q], out[hi_q] = lower, upper
    return np.stack([out[q] for q in sorted(out)], axis=-1)


class ConformalForecaster(BaseForecaster, BaseEstimator):
    """Prediction intervals with a coverage guarantee around any tsrnn forecaster.

    ``fit`` calibrates the intervals, then fits the forecaster on all the data:

    1. A clone of ``forecaster`` is fitted on each series without its last
       ``n_origins + horizon - 1`` steps, and forecasts from every one of the
       ``n_origins`` origins in them (rolling origins one step apart, no refit):
       the calibration set. No data after the training history is used.
    2. Each calibration forecast's error is divided by its series' scale (the
       in-sample seasonal-naive MAE of MASE over the whole history given to
       ``fit``, ``scale`` in ``rolling_forecasts``: the scale the bands are
       drawn with) and, per horizon step and target, pooled over series and
       origins. The
       margin of a ``coverage`` ``c`` is the ``ceil((n + 1) c)``-th smallest of
       the ``n`` scaled scores (split conformal prediction).
    3. A clone of ``forecaster`` is fitted on all the data: ``forecaster_``.
       Its forecasts get the bands ``margin * scale`` of each series.

    Two kinds of score, per coverage level (``method``):

    ``"split"``
        ``|y - y_pred| / scale``: symmetric bands around the point forecast, for
        every forecaster (seasonal naive included).
    ``"cqr"``
        Conformalized quantile regression on the forecaster's quantile heads
        ``(1 - c) / 2`` and ``(1 + c) / 2``: ``max(lower - y, y - upper) /
        scale``, and the heads are moved out (or in) by ``margin * scale``.
        Needs ``quantiles`` with those levels on the forecaster.

    The guarantee (at least ``c`` of new forecasts covered) holds when the
    scaled errors of the forecast period are exchangeable with those of the
    calibration origins: on average over series and steps, not for each
    series, and only approximately for a time series whose errors drift.
    Intervals are nested (the 95 % one contains the 80 % one) and contain the
    point forecast. A series whose history is constant has no scaled errors:
    its intervals have zero width, and it takes no part in calibration (a new
    series with one observed value is scaled by its level, MASE's fallback). A
    series too short to hold out the calibration origins is left out of the
    calibration (a warning names it) and gets the others' margins. Fitting
    costs two fits of ``forecaster`` (``verbose`` of the forecaster prints
    which is which).

    Parameters
    ----------
    forecaster : RNNForecaster, LSTMForecaster, GRUForecaster or SeasonalNaiveForecaster
        The point (or quantile) forecaster to wrap; it is cloned, never
        modified. Its settings (``horizon``, ``target``, covariates, ``id_col``,
        ``time_col``, ``freq``) are the wrapper's: set them as
        ``forecaster__horizon`` in ``set_params`` or a grid.
    coverage : float or sequence of float, default=(0.8, 0.95)
        Nominal coverage of each central interval, strictly between 0 and 1.
        A coverage ``c`` adds the quantile columns ``q{(1 - c) / 2}`` and
        ``q{(1 + c) / 2}`` (``0.95``: ``q0.025`` and ``q0.975``).
    method : {"auto", "split", "cqr"}, default="auto"
        The conformity score. ``"auto"``: ``"cqr"`` for a coverage whose two
        levels are among the forecaster's ``quantiles``, ``"split"`` for the
        others.
    n_origins : int or None, default=None
        Rolling origins per series in the calibration set (the last
        ``n_origins + horizon - 1`` steps of every series are held out of the
        calibration fit; a series keeps more than ``horizon`` steps to fit on,
        or is left out of the calibration). None: ``horizon`` origins, more
        when the series that take part give fewer than ``c / (1 - c)``
        observed actuals per horizon step for the largest ``coverage`` (the
        fewest with which its margin is finite), at most what the longest
        series allows.

    Attributes
    ----------
    forecaster_ : forecaster
        The clone of ``forecaster`` fitted on all the data: it makes the point
        forecasts.
    coverage_ : ndarray of shape (n_intervals,)
        The coverage levels, sorted ascending.
    methods_ : list of str
        The score used for each level of ``coverage_``: ``"split"`` or ``"cqr"``.
    margins_ : ndarray of shape (n_intervals, horizon, n_targets)
        The calibrated margins in units of each series' scale: half-widths
        (``"split"``), or how far the quantile heads are moved out (``"cqr"``;
        negative: in).
    n_calibration_ : ndarray of shape (horizon, n_targets)
        Calibration scores (forecasts with an observed actual) per step and
        target.
    n_origins_ : int
        Rolling origins per series in the calibration set.
    quantiles_ : ndarray of shape (1 + 2 * n_intervals,)
        The quantile levels forecast: 0.5 (the point forecast) and each
        interval's bounds.
    window_, freq_, target_names_, series_ids_ : as ``forecaster_``'s
        Read from ``forecaster_`` (see the wrapped forecaster's Attributes).

    See Also
    --------
    tsrnn.metrics.msis, tsrnn.metrics.coverage : interval scores.

    Examples
    --------
    >>> from tsrnn import ConformalForecaster, SeasonalNaiveForecaster
    >>> from tsrnn.datasets import load_air_passengers
    >>> y = load_air_passengers()
    >>> est = ConformalForecaster(SeasonalNaiveForecaster(horizon=12), coverage=0.9)
    >>> forecast = est.fit(y).predict()
    >>> list(forecast.columns)
    ['passengers', 'passengers_q0.05', 'passengers_q0.95']
    >>> bool((forecast["passengers_q0.05"] <= forecast["passengers"]).all())
    True
    """

    _parameter_constraints = {
        "forecaster": [BaseForecaster],
        "coverage": [Interval(Real, 0, 1, closed="neither"), list, tuple, np.ndarray],
        "method": [StrOptions({"auto", "split", "cqr"})],
        "n_origins": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        forecaster: BaseForecaster,
        *,
        coverage=(0.8, 0.95),
        method: str = "auto",
        n_origins: int | None = None,
    ) -> None:
        self.forecaster = forecaster
        self.coverage = coverage
        self.method = method
        self.n_origins = n_origins

    # the wrapped forecaster's settings, read by BaseForecaster and backtest
    horizon = _delegated("horizon")
    target = _delegated("target")
    past_covariates = _delegated("past_covariates")
    future_covariates = _delegated("future_covariates")
    static_covariates = _delegated("static_covariates")
    id_col = _delegated("id_col")
    time_col = _delegated("time_col")
    freq = _delegated("freq")
    # what the fitted forecaster remembers of its training data
    window_ = _delegated("window_", fitted=True)
    freq_ = _delegated("freq_", fitted=True)
    target_names_ = _delegated("target_names_", fitted=True)
    series_ids_ = _delegated("series_ids_", fitted=True)
    _axis = _delegated("_axis", fitted=True)
    _history = _delegated("_history", fitted=True)
    _future_index = _delegated("_future_index", fitted=True)
    _naive_scale = _delegated("_naive_scale", fitted=True)
    _scale_note = _delegated("_scale_note", fitted=True)
    _fit_horizon = _delegated("_fit_horizon", fitted=True)

    _param_prefix = "forecaster__"
    _persisted_attributes = (
        "forecaster_",
        "coverage_",
        "methods_",
        "margins_",
        "n_calibration_",
        "n_origins_",
        "quantiles_",
        "_flat",
    )

    def _persisted_state(self) -> dict:
        return attributes_state(self)

    def _set_persisted_state(self, state: dict) -> None:
        set_attributes_state(self, state)

    @property
    def quantiles(self) -> list[float]:
        """The quantile levels of the intervals ``coverage`` asks for."""
        return sorted(q for c in self._check_coverage() for q in interval_levels(c))

    def _check_coverage(self) -> np.ndarray:
        c = np.unique(np.asarray(self.coverage, dtype=np.float64).ravel())
        if c.size == 0 or not ((c > 0) & (c < 1)).all():
            raise ValueError(
                f"coverage must be a number or a list of numbers strictly between 0 "
                f"and 1 (e.g. 0.95, or [0.8, 0.95]); got {self.coverage!r}."
            )
        return c

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None) -> ConformalForecaster:
        """Calibrate the intervals on the end of the history, then fit on all of it.

        Parameters
        ----------
        X : Series or DataFrame
            The history, in any form ``forecaster`` takes.
        y : Series or DataFrame, optional
            The target, when ``X`` holds only covariates.

        Returns
        -------
        self : ConformalForecaster

        Raises
        ------
        ValueError
            ``coverage`` out of (0, 1); ``method="cqr"`` without the quantile
            heads it needs; a history too short to hold out the calibration
            origins, or giving too few scores for the largest ``coverage``.
        """
        self.forecaster._validate_params()
        try:
            return self._fit_panel(read_panel(X, y, self.forecaster._roles(), name="X"))
        except ParameterFixableError as exc:  # advice in this estimator's names
            raise exc.nested(self._param_prefix) from None

    def _fit_panel(self, panel: Panel) -> ConformalForecaster:
        coverage = self._check_coverage()
        methods = self._methods(coverage)
        h = int(self.horizon)
        if all(np.isnan(t).all() for t in panel.target):
            raise ValueError(
                "X has no observed target value (all NaN): there is nothing to "
                "forecast or calibrate. Pass a history with observed values."
            )
        flats = np.array([flat(t) for t in panel.target])
        n_origins, usable = plan_origins(
            panel.target, flats, float(coverage.max()), h, self.n_origins
        )
        held = n_origins + h - 1
        if len(usable) < len(panel.ids):
            short = [
                series_name(sid) for i, sid in enumerate(panel.ids) if i not in usable
            ]
            _warn_user(
                f"{_listed(short)}: no more than horizon={h} steps before their last "
                f"{held} (the calibration origins, n_origins={n_origins}), so they "
                "are left out of the calibration; their intervals use the margins "
                "calibrated on the other series."
                + (
                    " Pass a smaller n_origins to calibrate on them too."
                    if self.n_origins is not None
                    else ""
                ),
                UserWarning,
            )
        say = print if getattr(self.forecaster, "verbose", 0) else lambda _: None
        say(
            f"conformal calibration: fitting on the series without their last {held} "
            f"steps, to forecast from {n_origins} origins in them"
        )
        with _calibration_warnings(held):
            calibrated = panel.select(usable)
            calibration = self._clone()._fit_panel(calibrated.drop_last(held))
            merged, cutoffs, values, _, _ = calibration._rolling_arrays(
                calibrated.tail(held)
            )
        say(
            f"conformal calibration: {n_origins} origins per series forecast; "
            "fitting on all the data"
        )
        final = self._clone()._fit_panel(panel)
        actual = np.concatenate(
            [
                t[c[:, None] + np.arange(1, h + 1)]
                for t, c in zip(merged.target, cutoffs)
            ]
        )  # (N, h, T)
        # scores in the scale the bands are drawn with (the final fit's MASE scale
        # of each whole history); a flat history (scale 0) has no score
        scale = np.repeat(
            np.where(flats[usable], np.nan, final._naive_scale[usable]),
            [len(c) for c in cutoffs],
            axis=0,
        )[:, None, :]
        levels = [float(q) for q in calibration.quantiles_]
        point = values[..., levels.index(0.5)]
        margins, counts = [], []
        for c, method in zip(coverage, methods):
            if method == "cqr":
                lo_q, hi_q = interval_levels(c)
                lo, hi = (
                    values[..., levels.index(lo_q)],
                    values[..., levels.index(hi_q)],
                )
                scores = np.maximum(lo - actual, actual - hi) / scale
            else:
                scores = np.abs(actual - point) / scale
            n = np.sum(~np.isnan(scores), axis=0)
            # a target flat in every series has no score and zero-width bands
            margin = np.where(n > 0, _order_statistic(scores, c), 0.0)
            if not np.isfinite(margin).all():  # plan_origins counted the actuals
                raise RuntimeError(f"calibration gave no finite margin for {c:g}")
            margins.append(margin)
            counts.append(n)
        self.__dict__.pop("_plan", None)  # the predict plan of an earlier fit
        self.forecaster_, self._flat = final, flats
        self.coverage_, self.methods_ = coverage, methods
        self.margins_ = np.stack(margins)
        self.n_calibration_ = counts[0]
        self.n_origins_ = n_origins
        self.quantiles_ = np.array(
            sorted({0.5, *(q for c in coverage for q in interval_levels(c))})
        )
        return self

    def _clone(self) -> BaseForecaster:
        est = clone(self.forecaster)
        est._validate_params()
        return est

    def _methods(self, coverage: np.ndarray) -> list[str]:
        """The score of each coverage level (see ``method``)."""
        heads = set(float(q) for q in self.forecaster._check_quantiles())
        if self.method == "cqr" and "quantiles" not in self.forecaster.get_params():
            raise ValueError(
                f"method='cqr' conformalizes a forecaster's quantile heads, and "
                f"{type(self.forecaster).__name__} has none. Pass method='split' "
                "(bands around its point forecast), or wrap a forecaster that takes "
                "quantiles=[...] (RNNForecaster, LSTMForecaster, GRUForecaster)."
            )
        methods = []
        for c in coverage:
            both = set(interval_levels(c)) <= heads
            if self.method == "cqr" and not both:
                need = sorted({q for c in coverage for q in interval_levels(c)})
                raise ValueError(
                    f"method='cqr' conformalizes the forecaster's quantile heads, and "
                    f"coverage={c:g} needs the levels {list(interval_levels(c))}, "
                    f"which quantiles={self.forecaster.quantiles!r} does not have. "
                    f"Pass forecaster__quantiles={need}, or method='split' (bands "
                    "around the point forecast)."
                )
            methods.append("cqr" if both and self.method != "split" else "split")
        return methods

    # -- forecasting hooks (see BaseForecaster) -----------------------------------------
    def _quantile_heads(self) -> tuple[int, list[tuple[float, int]]]:
        levels = [float(q) for q in self.quantiles_]
        asked = self.quantiles
        if not set(asked) <= set(levels):
            raise ValueError(
                f"coverage={self.coverage!r} was set after fit, but this "
                f"ConformalForecaster was calibrated for coverage="
                f"{[float(c) for c in self.coverage_]}. Refit it, or set coverage back."
            )
        return levels.index(0.5), [(q, levels.index(q)) for q in asked]

    def _series_stats(self, panel: Panel, fitted: list, upto: list[int]):
        """The wrapped forecaster's state and each series' scale ``(n_series, T)``."""
        scales, _ = self._scales(panel, fitted, upto)
        flats = [
            self._flat[f] if f is not None else flat(t[:n])
            for t, f, n in zip(panel.target, fitted, upto)
        ]
        stats = self.forecaster_._series_stats(panel, fitted, upto)
        return stats, np.where(flats, 0.0, np.array(scales))

    def _forecast(self, panel: Panel, cutoffs, future_rows, stats, plan) -> np.ndarray:
        inner, scales = stats
        values = self.forecaster_._forecast(panel, cutoffs, future_rows, inner, plan)
        scale = np.repeat(scales, [len(c) for c in cutoffs], axis=0)
        return bands(
            values,
            self.forecaster_.quantiles_,
            scale,
            self.margins_,
            self.coverage_,
            self.methods_,
        )
