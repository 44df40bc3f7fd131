"""The forecaster template, torch-free: predict, rolling forecasts, score, output frames.

:class:`BaseForecaster` turns a fitted forecaster's two hooks (``_series_stats``
and ``_forecast``) into the public ``predict`` / ``future_index`` /
``rolling_forecasts`` / ``score`` with pandas output indexed by the future
timestamps. :class:`~tsrnn.SeasonalNaiveForecaster` and
:class:`~tsrnn.RNNForecaster` share it; it imports neither torch nor a network.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tsrnn._frequency import TimeAxis
from tsrnn._naive import forecast_scale
from tsrnn._panel import (
    Panel,
    Roles,
    extend_history,
    future_rows,
    read_panel,
    series_name,
    warn_left_out,
)
from tsrnn._param_validation import Integral, Interval, check_is_fitted
from tsrnn._ragged import Ragged
from tsrnn._state import (
    attributes_state,
    getstate,
    panel_from_state,
    panel_state,
    set_attributes_state,
    setstate,
)
from tsrnn.exceptions import ParameterFixableError, _listed, _warn_user

__all__ = ["BaseForecaster", "PredictPlan", "naive_scales"]


def naive_scales(ids, targets, season: int) -> tuple[np.ndarray, str]:
    """Each series' MASE scale (:func:`~tsrnn._naive.forecast_scale`),
    ``(n_series, n_targets)``, and the warning naming the series that fell back
    ("" when none did), for the scores that use the scale to give.

    Each series falls back alone: the others keep the lag of one season.
    """
    scales, fell = [], []
    for sid, target in zip(ids, targets):
        notes: list[str] = []
        scales.append(forecast_scale(target, season, notes))
        fell += [f"{series_name(sid)} {note}" for note in notes]
    note = (
        f"{_listed(fell, '; ')}. The 'scale' column of rolling_forecasts / backtest "
        f"(the MASE scale) falls back for these series only; the others keep lag "
        f"{season}. Pass a longer history to score them on their season."
        if fell
        else ""
    )
    return np.array(scales, dtype=np.float64), note


class PredictPlan:
    """What ``predict()`` reads on every call and is the same until the next fit.

    Built lazily on the first call, dropped by the next ``fit`` (in
    :meth:`BaseForecaster._remember`), never pickled nor saved. It holds the
    output columns, the output index of a forecast from the training tail, and
    ``inputs``: whatever the forecaster's ``_forecast`` keeps for the tail (the
    network inputs on its device, for the RNN).
    """

    def __init__(self, history: Panel, future_index: Ragged) -> None:
        self.history, self.future_index = history, future_index
        self.inputs = None
        self._columns: pd.Index | None = None
        self._index: pd.Index | None = None

    def columns(self, names: list[str]) -> pd.Index:
        """``names`` as the frame's columns (rebuilt when ``quantiles`` changed them)."""
        if self._columns is None or list(self._columns) != names:
            self._columns, self._index = pd.Index(names), None
        return self._columns

    def tail_labels(self, names: list[str], make_index) -> tuple[pd.Index, pd.Index]:
        """Index and columns of the forecast from the training tail;
        ``make_index(history, future_index)`` builds the index (again when the
        columns changed)."""
        columns = self.columns(names)
        if self._index is None:
            self._index = make_index(self.history, self.future_index)
        return self._index, columns


class BaseForecaster:
    """``predict``, ``rolling_forecasts`` and ``score`` on top of a ``_forecast`` hook.

    A forecaster's ``fit`` reads its data with :meth:`_read`, sets ``window_``,
    ``freq_``, ``_axis``, ``target_names_``, ``series_ids_`` and ``quantiles_``,
    and ends with :meth:`_remember`, which writes ``_history`` (the last
    ``window_`` steps of each training series), ``_future_index`` (the
    timestamps after each) and ``_naive_scale`` (each series' MASE scale), and
    drops the predict plan of an earlier fit. It provides two hooks:

    * ``_series_stats(panel, fitted_pos, upto)`` -> the per-series state that
      ``_forecast`` needs (the RNN's scaling, seasonal naive's seasons): the
      fitted series' own (``fitted_pos``), or fitted on the first ``upto`` steps
      of a series not seen in fit;
    * ``_forecast(panel, cutoffs, future_rows, stats, plan)`` -> array
      ``(n_windows, horizon, n_targets, n_quantiles)`` in original units, one
      window per cutoff (the position of the last input step in its series).
      ``plan`` is the :class:`PredictPlan` when ``panel`` is the training tail
      forecast by ``predict()`` (the hook may keep its inputs there), else None.

    It also has a ``quantiles`` parameter (None: point forecasts only) and, once
    fitted, ``quantiles_``: the sorted levels ``_forecast`` returns, 0.5 among them.
    """

    #: parameter constraints of the column roles every forecaster takes
    _role_constraints = {
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "target": [str, list, None],
        "past_covariates": [str, list, None],
        "future_covariates": [str, list, None],
        "static_covariates": [str, list, None],
        "id_col": [str, None],
        "time_col": [str, None],
        "freq": [str, Interval(Integral, 1, None, closed="left"), None],
    }

    #: how advice names this forecaster's role parameters (``horizon``, ``freq``):
    #: a wrapper that takes them from the forecaster it wraps prefixes them
    _param_prefix = ""

    # -- persistence (see tsrnn._state) ----------------------------------------------
    def _persisted_state(self) -> dict:
        """Fitted attributes (and the network, for the RNN) plus the training tail."""
        parent = getattr(super(), "_persisted_state", None)
        state = parent() if parent is not None else attributes_state(self)
        if "_history" in self.__dict__:
            state["history"] = panel_state(self._history)
            state["axis_kind"] = self._axis.kind
            state["naive_scale"] = self._naive_scale
            state["scale_note"] = self._scale_note
            state["fit_horizon"] = self._fit_horizon
        return state

    def _set_persisted_state(self, state: dict) -> None:
        state = dict(state)
        history = state.pop("history", None)
        kind, naive_scale = state.pop("axis_kind", None), state.pop("naive_scale", None)
        fit_horizon = state.pop("fit_horizon", None)
        scale_note = state.pop("scale_note", "")
        parent = getattr(super(), "_set_persisted_state", None)
        if parent is not None:
            parent(state)
        else:
            set_attributes_state(self, state)
        if history is not None:
            self._axis = TimeAxis.from_freqstr(kind, self.freq_)
            self._history = panel_from_state(history, self._axis)
            self._naive_scale = np.asarray(naive_scale, dtype=np.float64)
            self._scale_note = str(scale_note)
            self._fit_horizon = int(fit_horizon)
            self.__dict__.pop("_future_index_cache", None)

    __getstate__ = getstate
    __setstate__ = setstate

    def _roles(self) -> Roles:
        return Roles.from_params(
            target=self.target,
            past_covariates=self.past_covariates,
            future_covariates=self.future_covariates,
            static_covariates=self.static_covariates,
            id_col=self.id_col,
            time_col=self.time_col,
            freq=self.freq,
        )

    def _check_quantiles(self) -> np.ndarray:
        """The sorted levels to forecast: ``quantiles`` and 0.5 (the point forecast)."""
        if self.quantiles is None:
            return np.array([0.5])
        q = np.asarray(self.quantiles, dtype=np.float64).ravel()
        if q.size == 0 or ((q <= 0) | (q >= 1)).any():
            raise ParameterFixableError(
                "quantiles must be values strictly between 0 and 1; got "
                f"{self.quantiles!r}.",
                {"quantiles": [0.1, 0.9]},
                "for an 80% interval",
            )
        return np.unique(np.r_[q, 0.5])

    def _check_history(self, panel: Panel) -> np.ndarray:
        """Each series' length, once every series can train a ``horizon`` forecast.

        Raises
        ------
        ValueError
            A series with no observed target, or not longer than ``horizon``.
        """
        horizon = int(self.horizon)
        for sid, t in zip(panel.ids, panel.target):
            where = series_name(sid)
            if np.isnan(t).all():
                raise ValueError(
                    f"{where} has no observed target value (all NaN). Drop it or fill it."
                )
            if len(t) <= horizon:
                raise ValueError(
                    f"{where} has {len(t)} steps, but horizon={horizon} needs at least "
                    f"{horizon + 1} (one input step and {horizon} targets). Use a "
                    "smaller horizon or a longer series."
                )
        return panel.lengths

    def _read(self, X, y) -> Panel:
        """New data for a fitted forecaster: its targets, at its frequency."""
        panel = read_panel(X, y, self._roles(), name="X", targets=self.target_names_)
        if (panel.axis.kind, panel.axis.freqstr) != (
            self._axis.kind,
            self._axis.freqstr,
        ):
            raise ValueError(
                f"X has frequency {panel.axis.freqstr!r} ({panel.axis.kind} index), but "
                f"{type(self).__name__} was fitted on {self.freq_!r} "
                f"({self._axis.kind} index). Pass history at the training frequency "
                "(resample it first)."
            )
        return panel

    def _positions(self, panel: Panel) -> list[int | None]:
        lookup = {sid: i for i, sid in enumerate(self.series_ids_)}
        return [lookup.get(sid) for sid in panel.ids]

    def predict(self, X=None, y=None, *, future=None) -> pd.DataFrame:
        """Forecast ``horizon`` steps after the training data, or after history ``X``.

        Parameters
        ----------
        X : Series or DataFrame, optional
            New history (the same or other series) in the form used in ``fit``; the
            forecast starts after its last timestamp. None: after the training data.
        y : Series or DataFrame, optional
            The target of the new history when ``X`` holds only covariates.
        future : DataFrame, optional
            Values of the ``future_covariates`` for the forecast steps, indexed by
            the future timestamps (``(series_id, time)`` rows, or ``id_col`` /
            ``time_col`` columns, for panels). Required when ``future_covariates``
            is set.

        Returns
        -------
        forecast : DataFrame
            One row per future step (and series), indexed by the future
            timestamps (``(series_id, time)`` for panels); one column per target,
            plus ``{target}_q{q}`` columns when ``quantiles`` is set.
        """
        check_is_fitted(self)
        horizon = self._check_horizon()
        plan = self._predict_plan()
        tail = X is None and y is None
        if tail:  # after the training data
            panel, fitted = self._history, list(range(len(self.series_ids_)))
        else:
            panel = self._read(X, y)
            fitted = [None] * len(panel.ids)  # new history: scale on its own past
        for sid, t in zip(panel.ids, panel.target):
            if not np.isnan(t).all():
                continue
            if tail:
                which = "the series" if sid is None else f"series {sid!r}"
                raise ValueError(
                    f"The last window_={self.window_} steps of {which} seen in fit have "
                    "no observed target value, so predict() has nothing to forecast "
                    "from. Pass a history with observed values: predict(X=...)."
                )
            raise ValueError(
                f"{series_name(sid)} has no observed target value; cannot forecast it."
            )
        upto = [len(t) for t in panel.target]
        stats = self._series_stats(panel, fitted, upto)
        rows = future_rows(panel, future, self._roles(), horizon)
        cutoffs = [np.array([n - 1]) for n in upto]
        values = self._forecast(panel, cutoffs, rows, stats, plan if tail else None)
        heads = self._quantile_heads()
        if tail:
            index, columns = plan.tail_labels(self._columns(heads), self._frame_index)
        else:
            index = self._frame_index(panel, self._future_labels(panel))
            columns = plan.columns(self._columns(heads))
        # the plan's labels are shared: each frame gets its own Index objects, so
        # renaming one result's index or columns never reaches the next
        return pd.DataFrame(
            self._table(values, heads),
            index=index.copy(),
            columns=columns.copy(),
            copy=False,
        )

    def _future_labels(self, panel: Panel, horizon: int | None = None) -> Ragged:
        """The ``horizon`` timestamps after each series of ``panel``.

        Built once per distinct last timestamp (a panel's series mostly end
        together) and shared by the series that end there: memory O(series).
        """
        h = int(self.horizon) if horizon is None else horizon
        name = panel.index_names[-1]
        index = panel.index
        if isinstance(index, Ragged):
            last = index.data[index.stops - 1]
        else:
            last = pd.Index([ix[-1] for ix in index])
        codes, uniques = pd.factorize(last)
        after = [panel.axis.after(u, h, name=name) for u in uniques]
        return Ragged(after[0].append(after[1:]), codes * h, codes * h + h)

    @property
    def _future_index(self) -> Ragged:
        """The ``horizon`` timestamps after each training series, built on first
        use (one index per series: not while fitting, not in a saved model)."""
        labels = self.__dict__.get("_future_index_cache")
        if labels is None:
            labels = self._future_labels(self._history, self._fit_horizon)
            self.__dict__["_future_index_cache"] = labels
        return labels

    def _predict_plan(self) -> PredictPlan:
        """The predict plan of this fit, built on first use (see :class:`PredictPlan`)."""
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = PredictPlan(self._history, self._future_index)
        return plan

    def _remember(self, panel: Panel) -> None:
        """Keep what predict and score need after fit: never the training data.

        The one place where a refit drops the predict plan of the previous fit.
        """
        self.__dict__.pop("_plan", None)
        self._fit_horizon = int(self.horizon)
        self._history = panel.tail(self.window_).copy()  # not views of X
        self.__dict__.pop("_future_index_cache", None)
        # each series' own scale: it never depends on the other series of a panel
        # warned about where the scale is used (rolling_forecasts, backtest), not
        # at fit: a forecast does not use it
        self._naive_scale, self._scale_note = naive_scales(
            panel.ids, panel.target, panel.axis.season
        )

    def future_index(self, X=None, y=None) -> pd.Index:
        """The timestamps ``predict`` will forecast (to build its ``future`` frame).

        Parameters
        ----------
        X, y : optional
            New history, as in :meth:`predict`; None: after the training data.

        Returns
        -------
        index : Index or MultiIndex
            The ``horizon`` timestamps after each series' end; ``(series_id, time)``
            for panels, named like the training index.

        Examples
        --------
        >>> import pandas as pd
        >>> from tsrnn import SeasonalNaiveForecaster
        >>> y = pd.Series(range(10), index=pd.date_range("2024-01-01", periods=10), dtype=float)
        >>> SeasonalNaiveForecaster(horizon=2).fit(y).future_index()[0]
        Timestamp('2024-01-11 00:00:00')
        """
        check_is_fitted(self)
        self._check_horizon()
        panel = self._history if X is None and y is None else self._read(X, y)
        return self._frame_index(panel, self._future_labels(panel))

    def _quantile_heads(self) -> tuple[int, list[tuple[float, int]]]:
        """Where the median and each quantile asked for sit in ``quantiles_``.

        ``quantiles_`` is what ``_forecast`` returns. The median is the point
        forecast; ``(level, position)`` follow, sorted, for each level of the
        ``quantiles`` parameter (none when it is None).
        """
        levels = list(self.quantiles_)
        if self.quantiles is None:
            return levels.index(0.5), []
        asked = np.unique(np.asarray(self.quantiles, dtype=float))
        missing = [float(q) for q in asked if q not in levels]
        if missing:
            raise ValueError(
                f"quantiles={list(self.quantiles)!r} asks for {missing}, but this "
                f"{type(self).__name__} was fitted for the levels "
                f"{[float(q) for q in levels]}. Ask for some of those, or refit with "
                f"quantiles={[float(q) for q in asked]}."
            )
        return levels.index(0.5), [(q, levels.index(q)) for q in asked]

    def _check_horizon(self) -> int:
        """``horizon``, which must be the one of the fit (the network's output size)."""
        horizon, fitted = int(self.horizon), self._fit_horizon
        if horizon != fitted:
            raise ValueError(
                f"horizon={horizon} was set after fit, but this {type(self).__name__} "
                f"was fitted to forecast {fitted} steps. Refit it for horizon={horizon}"
                f", or set_params({self._param_prefix}horizon={fitted})."
            )
        return horizon

    def _columns(self, heads: tuple[int, list[tuple[float, int]]]) -> list[str]:
        """The forecast frame's columns: the targets, then each quantile's."""
        _, heads = heads
        columns = list(self.target_names_)
        for q, _ in heads:
            columns += [f"{name}_q{q:g}" for name in self.target_names_]
        return columns

    def _table(self, values: np.ndarray, heads) -> np.ndarray:
        """Forecast array ``(n_series, horizon, T, Q)`` -> rows x :meth:`_columns`."""
        median, heads = heads
        blocks = [values[:, :, :, median]] + [values[:, :, :, k] for _, k in heads]
        table = np.concatenate(blocks, axis=2)
        return table.reshape(-1, table.shape[2])

    @staticmethod
    def _frame_index(panel: Panel, index: Ragged) -> pd.Index:
        """The forecast frame's index: ``(id, time)`` rows of each series' labels."""
        if panel.panel:
            ids = np.fromiter(panel.ids, dtype=object, count=len(panel.ids))
            return pd.MultiIndex.from_arrays(
                [ids.repeat(index.lengths), index.compact().data],
                names=panel.index_names,
            )
        name = panel.index_names[-1]
        return index[0] if index[0].name == name else index[0].rename(name)

    def rolling_forecasts(self, X, y=None) -> pd.DataFrame:
        """Every rolling-origin forecast over ``X``, as a tidy DataFrame.

        ``X`` is treated as the continuation of the training history when it
        starts right after it (the training tail gives the context of the first
        origins, the first origin being the last training step); other series are
        evaluated on their own, the first ``min(window_, n - horizon)`` steps
        serving as context. The model is not refit. A series too short for one
        forecast is named in a ``UserWarning`` (an error when every series is).

        Parameters
        ----------
        X, y : as in ``fit``

        Returns
        -------
        forecasts : DataFrame
            Columns ``id``, ``cutoff`` (last input timestamp), ``time``, ``y``
            (actual), ``y_pred``, ``q{q}`` per quantile, ``scale`` (the series'
            in-sample seasonal-naive MAE at the lag of one season, or of one step
            when its history is no longer than a season: the MASE scale, computed
            on the training history, or on the context of a series not seen in
            fit) and ``target`` when there are several targets.
        """
        frame, ids = self._rolling(X, y)
        warn_left_out(
            ids,
            frame["id"],
            f"fewer than horizon={int(self.horizon)} steps after their context (the "
            "training tail, or the first min(window_, n_steps - horizon) steps of a "
            "series not seen in fit). Pass a longer history for them.",
        )
        return frame

    def _rolling(self, X, y=None, *, context: int | None = None):
        """:meth:`rolling_forecasts` and the ids of every series of ``X``.

        ``context``: the steps of a series not seen in fit before its first origin
        (at most; default ``window_``). ``backtest`` passes 1, so a series that
        starts after the first origin is forecast from its first step on, as a
        refit at each origin forecasts it.
        """
        check_is_fitted(self)
        self._check_horizon()
        merged, cutoffs, values, fitted, upto = self._rolling_arrays(
            self._read(X, y), context
        )
        return self._tidy(merged, cutoffs, values, fitted, upto), merged.ids

    def _rolling_arrays(self, new: Panel, context: int | None = None):
        """The rolling-origin forecasts over ``new`` (read already) as arrays.

        ``(merged, cutoffs, values, fitted, upto)``: ``new`` after the training
        tail of the series it continues, each series' origins, the forecasts
        ``(n_windows, horizon, n_targets, n_quantiles)``, each series' position in
        fit (None: new) and its context length (see :func:`extend_history`).
        """
        h = int(self.horizon)
        merged, fitted, upto = extend_history(
            self._history, new, self._positions(new), context or self.window_, h
        )
        cutoffs = [np.arange(n - 1, len(t) - h) for n, t in zip(upto, merged.target)]
        if sum(len(c) for c in cutoffs) == 0:
            most = max(len(t) - n for n, t in zip(upto, merged.target))
            raise ValueError(
                f"X is too short to evaluate: it needs at least horizon={h} steps after "
                "the context (the training tail, or the first window_ steps of a new "
                f"series), and has at most {most}. Pass at least {h - most} more "
                f"step(s) of X, or refit with {self._param_prefix}horizon <= {most}."
                if most >= 1
                else f"X is too short to evaluate: it needs at least horizon={h} steps "
                "after the context (the training tail, or the first window_ steps of "
                "a new series), and has none. Pass a longer X."
            )
        stats = self._series_stats(merged, fitted, upto)
        values = self._forecast(merged, cutoffs, None, stats, None)
        return merged, cutoffs, values, fitted, upto

    def _scales(self, panel: Panel, fitted, upto, used=None) -> tuple[list, list[str]]:
        """Each series' MASE scale ``(n_targets,)``: from fit for a series seen in
        fit (``fitted[i]``), else of its first ``upto[i]`` steps; and the notes of
        the series that fell back (see :func:`naive_scales`). ``used``: which
        series are needed (default all); the others get None."""
        used = [True] * len(fitted) if used is None else used
        new = [i for i, u in enumerate(used) if u and fitted[i] is None]
        new_scale, note = naive_scales(
            [panel.ids[i] for i in new],
            [panel.target[i][: upto[i]] for i in new],
            self._axis.season,
        )
        uses_fitted = any(f is not None for f, u in zip(fitted, used) if u)
        notes = [t for t in (self._scale_note if uses_fitted else "", note) if t]
        scales = [None] * len(fitted)
        for i, u in enumerate(used):
            if u:
                scales[i] = (
                    self._naive_scale[fitted[i]]
                    if fitted[i] is not None
                    else new_scale[new.index(i)]
                )
        return scales, notes

    def _tidy(self, panel, cutoffs, values, fitted, upto) -> pd.DataFrame:
        h, names = int(self.horizon), self.target_names_
        median, heads = self._quantile_heads()
        parts, start = [], 0
        scales, notes = self._scales(panel, fitted, upto, [len(c) > 0 for c in cutoffs])
        for text in notes:
            _warn_user(text, UserWarning)
        for i, cut in enumerate(cutoffs):
            n = len(cut)
            if n == 0:
                continue
            v = values[start : start + n]  # (n, h, T, Q)
            start += n
            steps = cut[:, None] + np.arange(1, h + 1)  # (n, h)
            scale = scales[i]
            for j, name in enumerate(names):
                part = {
                    "id": np.full(n * h, panel.ids[i], dtype=object),
                    "cutoff": np.repeat(panel.index[i][cut], h),
                    "time": panel.index[i][steps.ravel()],
                    "y": panel.target[i][steps.ravel(), j],
                    "y_pred": v[:, :, j, median].ravel(),
                }
                for q, k in heads:
                    part[f"q{q:g}"] = v[:, :, j, k].ravel()
                part["scale"] = np.full(n * h, scale[j])
                if len(names) > 1:
                    part["target"] = name
                parts.append(pd.DataFrame(part))
        return pd.concat(parts, ignore_index=True)

    def score(self, X, y=None) -> float:
        """Negative mean absolute error of every rolling-origin forecast over ``X``.

        Higher is better. ``X`` continues the training history (see
        :meth:`rolling_forecasts`); the error is in the target's units, averaged
        over every origin, step and target. For a scale-free score across a panel
        use ``tsrnn.metrics.get_scorer("mase")`` as ``scoring=``.

        Parameters
        ----------
        X, y : as in ``fit``

        Returns
        -------
        score : float
        """
        frame = self.rolling_forecasts(X, y)
        err = np.abs(frame["y"].to_numpy() - frame["y_pred"].to_numpy())
        if np.isnan(err).all():
            raise ValueError("X has no observed target values to score against.")
        return -float(np.nanmean(err))
