"""Forecasters: :class:`RNNForecaster` and its fixed-cell twins, on series and panels.

Data flow: pandas -> :class:`Panel` (one array per series, roles split into target,
past, future and static covariates, one time axis) -> :class:`Encoded` (all series
stacked in one contiguous float32 tensor, scaled, left-padded) -> windows as
(cutoff, lead) offsets (:class:`~tsrnn._windowing.WindowBatches`) -> the shared
network and training loop -> forecasts back in original units with future
timestamps.
"""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import torch

from tsrnn._base import BaseRNN
from tsrnn._naive import forecast_scale
from tsrnn._param_validation import (
    Integral,
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
)
from tsrnn._scaling import SCALERS, TRANSFORMS, fit_scaler
from tsrnn._time_index import TimeAxis, common_axis, split_series
from tsrnn._training import LOSSES
from tsrnn._windowing import GatheredBatches, WindowBatches
from tsrnn.exceptions import TrainingDivergedError, _warn_user

__all__ = ["GRUForecaster", "LSTMForecaster", "RNNForecaster"]


# -- panel: pandas -> one array per series, by role ------------------------------------
@dataclass
class Panel:
    """Series of one fit/predict call, split by role. Row ``i`` of each list is series ``i``."""

    ids: list
    index: list[pd.Index]
    target: list[np.ndarray]  # (L, T) float64, NaN = missing
    past: list[np.ndarray]  # (L, P)
    future: list[np.ndarray]  # (L, Fu)
    static: np.ndarray  # (n_series, S)
    axis: TimeAxis
    index_names: list
    target_names: list[str]

    @property
    def panel(self) -> bool:
        return self.ids[0] is not None

    def tail(self, n: int) -> Panel:
        """The last ``n`` steps of every series (the context a forecast needs)."""
        return dataclasses.replace(
            self,
            index=[ix[-n:] for ix in self.index],
            target=[t[-n:] for t in self.target],
            past=[p[-n:] for p in self.past],
            future=[f[-n:] for f in self.future],
        )


def _names(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _join(X, y, name: str):
    """One frame of target and covariates: ``y`` (if given) is the target."""
    if y is None:
        if X is None:
            raise ValueError(f"{name} is None: pass the series to forecast.")
        return X
    if isinstance(y, pd.Series):
        y = y.to_frame(name="y" if y.name is None else y.name)
    if not isinstance(y, pd.DataFrame):
        raise TypeError(
            f"y must be a pandas Series or DataFrame indexed like X; got {type(y).__name__}."
        )
    if X is None:
        return y
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"When y is given, X holds the covariates and must be a DataFrame; got "
            f"{type(X).__name__}."
        )
    clash = sorted(set(X.columns) & set(y.columns))
    if clash:
        raise ValueError(
            f"y and X share the column(s) {clash}; y is the target and X the "
            "covariates. Rename or drop the duplicates."
        )
    if not X.index.equals(y.index):
        X = X.reindex(y.index)
    return pd.concat([y, X], axis=1)


def read_panel(
    est, X, y=None, *, name: str = "X", targets: list[str] | None = None
) -> Panel:
    """Read ``X`` (and ``y``) as series split by the estimator's column roles."""
    frame = _join(X, y, name)
    blocks, columns, index_names = split_series(
        frame, id_col=est.id_col, time_col=est.time_col, name=name
    )
    past, future, static = (
        _names(est.past_covariates),
        _names(est.future_covariates),
        _names(est.static_covariates),
    )
    for role, cols in (
        ("past_covariates", past),
        ("future_covariates", future),
        ("static_covariates", static),
        ("target", _names(est.target)),
    ):
        missing = [c for c in cols if c not in columns]
        if missing:
            raise ValueError(
                f"{role}={missing} not among the columns of {name} {columns}. Pass "
                "existing column names."
            )
    if targets is None:
        covs = set(past) | set(future) | set(static)
        targets = _names(est.target) or [c for c in columns if c not in covs]
    if not targets:
        raise ValueError(
            f"{name} has no target column: every column is a covariate. Set target= "
            "or pass the target as y."
        )
    pos = {c: i for i, c in enumerate(columns)}
    take = lambda cols: [pos[c] for c in cols]  # noqa: E731
    t_pos, p_pos, f_pos, s_pos = take(targets), take(past), take(future), take(static)
    statics = []
    for b in blocks:
        for role, cols, p in (
            ("past_covariates", past, p_pos),
            ("future_covariates", future, f_pos),
            ("static_covariates", static, s_pos),
        ):
            if p and np.isnan(b.values[:, p]).any():
                where = "" if b.id is None else f" in series {b.id!r}"
                raise ValueError(
                    f"{role} {cols} have missing values (NaN){where}. Covariates must "
                    "be complete: fill them (e.g. .ffill()) or drop the column."
                )
        if s_pos:
            values = b.values[:, s_pos]
            if (values != values[0]).any():
                raise ValueError(
                    f"static_covariates {static} vary within series {b.id!r}; a static "
                    "covariate is one constant per series. Use past_covariates instead."
                )
            statics.append(values[0])
        else:
            statics.append(np.zeros(0))
    return Panel(
        ids=[b.id for b in blocks],
        index=[b.index for b in blocks],
        target=[b.values[:, t_pos] for b in blocks],
        past=[b.values[:, p_pos] for b in blocks],
        future=[b.values[:, f_pos] for b in blocks],
        static=np.asarray(statics, dtype=np.float64).reshape(len(blocks), len(static)),
        axis=common_axis(blocks, name=name),
        index_names=index_names,
        target_names=list(targets),
    )


# -- encoding: series -> one contiguous scaled tensor -----------------------------------
@dataclass
class Encoded:
    """All series stacked along time, each left-padded by ``pad`` rows."""

    data: np.ndarray  # (N, C) float32 network inputs
    targets: np.ndarray  # (N, T) float32, scaled, NaN -> 0
    observed: np.ndarray  # (N, T) float32, 1 = observed target
    future: np.ndarray | None  # (N, Fu) float32 scaled known-ahead covariates
    offsets: np.ndarray  # (n_series,) first row of each series' block
    pad: int


def encode(
    panel: Panel,
    *,
    center: np.ndarray,
    scale: np.ndarray,
    cov_center: np.ndarray,
    cov_scale: np.ndarray,
    pad: int,
    mask_channel: bool,
    target_values: list[np.ndarray],
    future_rows: list[np.ndarray] | None = None,
) -> Encoded:
    """Scale and stack ``panel``; ``future_rows`` appends known-ahead rows per series.

    ``target_values`` are the targets as the network reads them (``panel.target``
    after ``target_transform``; same shapes). Each series' block is ``pad`` zero
    rows, its steps, then its ``future_rows`` (known-ahead covariates; other
    channels 0). Targets are scaled ``(y - center) / scale`` and covariates
    ``(x - cov_center) / cov_scale``; a missing target is 0 with ``observed`` 0.
    """
    n_t = panel.target[0].shape[1]
    n_p, n_f, n_s = (
        panel.past[0].shape[1],
        panel.future[0].shape[1],
        panel.static.shape[1],
    )
    extra = 0 if future_rows is None else future_rows[0].shape[0]
    sizes = np.array([pad + len(t) + extra for t in panel.target])
    offsets = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
    n_mask = n_t if mask_channel else 0
    n_ch = n_t + n_mask + n_p + n_f + n_s
    data = np.zeros((sizes.sum(), n_ch), dtype=np.float32)
    targets = np.zeros((sizes.sum(), n_t), dtype=np.float32)
    observed = np.zeros((sizes.sum(), n_t), dtype=np.float32)
    c0 = n_t + n_mask
    for i, start in enumerate(offsets):
        length = len(panel.target[i])
        rows = slice(start + pad, start + pad + length)
        y = (target_values[i] - center[i]) / scale[i]
        seen = ~np.isnan(y)
        y = np.where(seen, y, 0.0)
        data[rows, :n_t] = y
        targets[rows] = y
        observed[rows] = seen
        if mask_channel:
            data[rows, n_t:c0] = seen
        covs = np.concatenate(
            [
                panel.past[i],
                panel.future[i],
                np.broadcast_to(panel.static[i], (length, n_s)),
            ],
            axis=1,
        )
        if extra:
            ahead = np.zeros((extra, covs.shape[1]))
            ahead[:, n_p : n_p + n_f] = future_rows[i]
            ahead[:, n_p + n_f :] = panel.static[i]
            covs = np.concatenate([covs, ahead])
            rows = slice(rows.start, rows.stop + extra)
        data[rows, c0:] = (covs - cov_center) / cov_scale
    future = data[:, c0 + n_p : c0 + n_p + n_f] if n_f else None
    return Encoded(data, targets, observed, future, offsets, pad)


def _leads(
    cutoffs: np.ndarray, block_start: np.ndarray, pad: int, window: int
) -> np.ndarray:
    first = cutoffs - (window - 1) - block_start
    return np.maximum(0, pad - first)


def _quantile_loss(pred, target, mask=None, *, quantiles: torch.Tensor):
    """Pinball loss averaged over quantiles; ``pred`` is ``(B, H*T*Q)``."""
    pred = pred.reshape(*target.shape, len(quantiles))
    diff = target.unsqueeze(-1) - pred
    loss = torch.maximum(quantiles * diff, (quantiles - 1) * diff).mean(dim=-1)
    if mask is None:
        return loss.mean()
    return (loss * mask).sum() / mask.sum().clamp_min(1.0)


#: ``local_level`` parameter -> WindowBatches' baseline
_LEVELS = {True: "last", False: None, "last": "last", "seasonal": "seasonal"}


def _default_window(axis: TimeAxis, horizon: int, lengths: list[int]) -> int:
    season = axis.season
    window = max(2 * season, 2 * horizon, 8)
    return int(max(1, min(window, max(lengths) - horizon)))


# -- what every forecaster shares: predict, rolling forecasts, score, output ------------
class ForecasterMixin:
    """``predict``, ``rolling_forecasts`` and ``score`` on top of a ``_forecast`` hook.

    A forecaster provides ``_fit_panel`` state (``_history``: the last
    ``window_`` steps of each training series, ``target_names_``, ``series_ids_``,
    ``_axis``, ``_naive_scale``) and two hooks:

    * ``_series_stats(panel, fitted_pos, upto)`` -> the per-series state that
      ``_forecast`` needs (the RNN's scaling, seasonal naive's seasons): the
      fitted series' own (``fitted_pos``), or fitted on the first ``upto`` steps
      of a series not seen in fit;
    * ``_forecast(panel, cutoffs, future_rows, stats)`` -> array
      ``(n_windows, horizon, n_targets, n_quantiles)`` in original units, one
      window per cutoff (the position of the last input step in its series).

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
    }

    def _new_panel(self, X, y) -> Panel:
        panel = read_panel(self, X, y, name="X", targets=self.target_names_)
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
        if X is None and y is None:
            panel, fitted = self._history, list(range(len(self.series_ids_)))
        else:
            panel = self._new_panel(X, y)
            fitted = [None] * len(panel.ids)  # new history: scale on its own past
        for sid, t in zip(panel.ids, panel.target):
            if np.isnan(t).all():
                where = "X" if sid is None else f"Series {sid!r} of X"
                raise ValueError(
                    f"{where} has no observed target value; cannot forecast it."
                )
        upto = [len(t) for t in panel.target]
        stats = self._series_stats(panel, fitted, upto)
        future_rows = self._future_rows(panel, future)
        cutoffs = [np.array([n - 1]) for n in upto]
        values = self._forecast(panel, cutoffs, future_rows, stats)
        if panel is self._history:
            index = self._future_index
        else:
            index = [panel.axis.after(ix[-1], int(self.horizon)) for ix in panel.index]
        return self._frame(panel, index, values)

    def _remember(self, panel: Panel, lengths: list[int]) -> None:
        """Keep what predict and score need after fit: never the training data."""
        self._history = panel.tail(self.window_)
        self._future_index = [
            panel.axis.after(ix[-1], int(self.horizon)) for ix in panel.index
        ]
        # each series' own scale: it never depends on the other series of a panel
        self._naive_scale = np.array(
            [forecast_scale(t, panel.axis.season) for t in panel.target]
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
        panel = self._history if X is None and y is None else self._new_panel(X, y)
        index = [panel.axis.after(ix[-1], int(self.horizon)) for ix in panel.index]
        return self._frame_index(panel, index)

    def _future_rows(self, panel: Panel, future) -> list[np.ndarray] | None:
        names = _names(getattr(self, "future_covariates", None))
        if not names:
            return None
        h = int(self.horizon)
        expected = [panel.axis.after(ix[-1], h) for ix in panel.index]
        if future is None:
            raise ValueError(
                f"future_covariates {names} are known ahead, so predict needs their "
                f"values for the {h} forecast steps: pass predict(..., future=frame) "
                f"with those columns indexed by the future timestamps "
                f"({expected[0][0]} ... {expected[0][-1]} for the first series)."
            )
        blocks, columns, _ = split_series(
            future, id_col=self.id_col, time_col=self.time_col, name="future"
        )
        missing = [c for c in names if c not in columns]
        if missing:
            raise ValueError(
                f"future lacks the future_covariates column(s) {missing}; its columns "
                f"are {columns}."
            )
        by_id = {b.id: b for b in blocks}
        pos = [columns.index(c) for c in names]
        rows = []
        for sid, want in zip(panel.ids, expected):
            block = by_id.get(sid)
            got = (
                None
                if block is None
                else pd.DataFrame(block.values[:, pos], index=block.index)
            )
            got = None if got is None else got.reindex(want)
            if got is None or got.isna().to_numpy().any():
                where = "" if sid is None else f" of series {sid!r}"
                raise ValueError(
                    f"future has no complete future_covariates values for the forecast "
                    f"steps{where} ({want[0]} ... {want[-1]}). Provide a row for every "
                    "forecast timestamp."
                )
            rows.append(got.to_numpy(dtype=np.float64))
        return rows

    def _quantile_heads(self) -> tuple[int, list[tuple[float, int]]]:
        """Where the median and each quantile asked for sit in ``quantiles_``.

        ``quantiles_`` is what ``_forecast`` returns. The median is the point
        forecast; ``(level, position)`` follow, sorted, for each level of the
        ``quantiles`` parameter (none when it is None).
        """
        levels = list(self.quantiles_)
        asked = [] if self.quantiles is None else self.quantiles
        return levels.index(0.5), [
            (q, levels.index(q)) for q in np.unique(np.asarray(asked, dtype=float))
        ]

    def _frame(
        self, panel: Panel, index: list[pd.Index], values: np.ndarray
    ) -> pd.DataFrame:
        """Forecast array ``(n_series, horizon, T, Q)`` -> the documented DataFrame."""
        median, heads = self._quantile_heads()
        columns = list(self.target_names_)
        blocks = [values[:, :, :, median]]  # the point forecast
        for q, k in heads:
            columns += [f"{name}_q{q:g}" for name in self.target_names_]
            blocks.append(values[:, :, :, k])
        table = np.concatenate(blocks, axis=2).reshape(-1, len(columns))
        if panel is self._history:
            # predict() from the training tail: the same labels every call until a
            # refit (fit drops them) or a set_params(quantiles=...) changes the columns
            cached = self.__dict__.get("_predict_cache_labels")
            if cached is None or list(cached[1]) != columns:
                cached = (self._frame_index(panel, index), pd.Index(columns))
                self._predict_cache_labels = cached
            idx, columns = cached
        else:
            idx = self._frame_index(panel, index)
        return pd.DataFrame(table, index=idx, columns=columns, copy=False)

    @staticmethod
    def _frame_index(panel: Panel, index: list[pd.Index]) -> pd.Index:
        if panel.panel:
            ids = np.repeat(
                np.array(panel.ids, dtype=object), [len(ix) for ix in index]
            )
            return pd.MultiIndex.from_arrays(
                [ids, index[0].append(index[1:]) if len(index) > 1 else index[0]],
                names=panel.index_names,
            )
        return index[0].rename(panel.index_names[-1])

    def rolling_forecasts(self, X, y=None) -> pd.DataFrame:
        """Every rolling-origin forecast over ``X``, as a tidy DataFrame.

        ``X`` is treated as the continuation of the training history when it
        starts right after it (the training tail gives the context of the first
        origins, the first origin being the last training step); other series are
        evaluated on their own, the first ``min(window_, n - horizon)`` steps
        serving as context. The model is not refit.

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
        check_is_fitted(self)
        new = self._new_panel(X, y)
        h = int(self.horizon)
        merged_t, merged_p, merged_f, merged_ix, fitted, upto, cutoffs = (
            [] for _ in range(7)
        )
        hist = self._history
        for i, pos in enumerate(self._positions(new)):
            ix = new.index[i]
            cont = (
                pos is not None and ix[0] == new.axis.after(hist.index[pos][-1], 1)[0]
            )
            if cont:
                t = np.concatenate([hist.target[pos], new.target[i]])
                p = np.concatenate([hist.past[pos], new.past[i]])
                f = np.concatenate([hist.future[pos], new.future[i]])
                ix = hist.index[pos].append(ix)
                n_ctx = len(hist.index[pos])
            else:
                t, p, f = new.target[i], new.past[i], new.future[i]
                n_ctx = max(1, min(self.window_, len(t) - h))
            merged_t.append(t)
            merged_p.append(p)
            merged_f.append(f)
            merged_ix.append(ix)
            fitted.append(pos if cont else None)
            upto.append(n_ctx)
            cutoffs.append(np.arange(n_ctx - 1, len(t) - h))
        if sum(len(c) for c in cutoffs) == 0:
            raise ValueError(
                f"X is too short to evaluate: it needs at least horizon={h} steps after "
                "the context (the training tail, or the first window_ steps of a new "
                "series). Pass a longer X."
            )
        merged = Panel(
            new.ids,
            merged_ix,
            merged_t,
            merged_p,
            merged_f,
            new.static,
            new.axis,
            new.index_names,
            new.target_names,
        )
        stats = self._series_stats(merged, fitted, upto)
        values = self._forecast(merged, cutoffs, None, stats)
        return self._tidy(merged, cutoffs, values, fitted, upto)

    def _tidy(self, panel, cutoffs, values, fitted, upto) -> pd.DataFrame:
        h, names = int(self.horizon), self.target_names_
        median, heads = self._quantile_heads()
        parts, start = [], 0
        for i, cut in enumerate(cutoffs):
            n = len(cut)
            if n == 0:
                continue
            v = values[start : start + n]  # (n, h, T, Q)
            start += n
            steps = cut[:, None] + np.arange(1, h + 1)  # (n, h)
            scale = (
                self._naive_scale[fitted[i]]
                if fitted[i] is not None
                else forecast_scale(panel.target[i][: upto[i]], self._axis.season)
            )
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


# -- the estimator ----------------------------------------------------------------------
class RNNForecaster(ForecasterMixin, BaseRNN):
    """Recurrent network forecaster for one series, a multivariate frame or a panel.

    One global model is trained on windows of every series (windows are offsets
    into one contiguous tensor: memory grows with the data, not with data x
    window). Each series' target is scaled on its own history; forecasts come
    back in original units, indexed by the future timestamps.

    Input (``fit``, ``predict``, ``score``):

    * a Series (DatetimeIndex, PeriodIndex or integer/RangeIndex) -> one series;
    * a DataFrame indexed by time: the ``target`` columns (default: every column
      that is not a covariate) are forecast; ``past_covariates`` are known up to
      now, ``future_covariates`` are also known for the horizon;
    * a long panel: MultiIndex ``(series_id, time)`` rows, or ``id_col`` /
      ``time_col`` columns. Series may differ in length and start; series shorter
      than ``window + horizon`` are left-padded and masked.
    * ``fit(X, y)``: ``y`` is the target and ``X`` holds the covariates.

    Interior NaN in a target are missing values: masked in the inputs (an
    observed-indicator channel) and excluded from the loss.

    Parameters
    ----------
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Recurrent cell.
    window : int or None, default=None
        Input steps per window. None: ``max(2 * season, 2 * horizon, 8)`` where the
        season comes from the frequency (24 hourly, 7 daily, 12 monthly, ...),
        capped by the longest series. Resolved in ``window_``.
    horizon : int, default=1
        Steps forecast at once (direct multi-output head).
    patch_size : int, default=1
        Input steps per recurrent step: the window is read as non-overlapping
        patches of ``patch_size`` steps, each one input vector (as ES-RNN and
        SegRNN do), so the recurrence is ``patch_size`` times shorter and an epoch
        that many times cheaper. A season (24 for hourly data) is a natural
        choice; a window that is not a multiple is zero-filled at its start. Must
        not exceed the window.
    hidden_size : int, default=64
    num_layers : int, default=1
    n_ensembles : int, default=1
        Networks trained (one after the other, by the same training loop on the
        same windows, each from its own seed: ``random_state`` + member); the
        forecast is their mean. Costs ``n_ensembles`` fits; an ensemble of
        networks trained for fewer epochs often beats one network trained longer.
    dropout : float, default=0.0
        Dropout between recurrent layers.
    bidirectional : bool, default=False
        Must stay False: a forecaster reading its window backwards is allowed, but a
        bidirectional encoder is refused to keep the API honest about causality.
    scaler : {"standard", "robust", "mean"} or None, default="standard"
        Per-series target scaling fit on each series' history (mean/std,
        median/IQR, mean absolute value, or none).
    target_transform : {"log", "log1p"} or None, default=None
        A monotone transform of the targets before scaling, inverted on the
        forecasts. ``"log"`` (targets must be positive) makes the model
        multiplicative: levels become ratios, the loss weighs relative errors
        (what sMAPE and MAPE score) and a seasonal swing that grows with the level
        is one pattern. ``"log1p"`` is ``log(1 + y)``, for counts with zeros. The
        MAE-trained forecast is then the median in the original units.
    local_level : bool or {"last", "seasonal"}, default=True
        ``True`` / ``"last"``: feed each window relative to its last observed
        target value (after scaling) and forecast the change from it; this lets one
        model serve trending series and series at other levels. ``"seasonal"``:
        the same inputs, but forecast the change from the seasonal naive forecast
        (the value one season before each target step, read from the window; the
        season comes from the frequency, e.g. 24 for hourly data), so an untrained
        network already forecasts seasonal naive. ``False``: neither.
    loss : {"mae", "mse", "huber"}, default="mae"
        Point loss (ignored when ``quantiles`` is set: pinball loss is used).
    quantiles : list of float or None, default=None
        Train with the pinball loss on these quantiles (0.5 is always added for the
        point forecast) and output one column per requested quantile.
    target, past_covariates, future_covariates, static_covariates : str, list of str or None
        Column roles. Static covariates are constant per series (panels).
    id_col, time_col : str or None
        Columns of a long panel naming the series and the time.
    learning_rate : float, default=3e-3
        Adam step size.
    lr_schedule : {"constant", "cosine"}, default="constant"
        ``"cosine"`` decays the step size from ``learning_rate`` to 0 over
        ``max_epochs`` (half a cosine, updated every batch), which settles the
        weights of a short fit; early stopping may end it before the decay does.
    weight_decay : float, default=0.0
    batch_size : int, default=16
        Windows per gradient step (small data needs many steps; raise it for
        large panels).
    max_epochs : int, default=200
    gradient_clip : float or None, default=1.0
    early_stopping : bool, default=True
        Hold out the temporal tail of every series (the last ``validation_fraction``
        of its windows, never shuffled; training targets end before the validation
        targets start) and keep the best weights.
    validation_fraction : float, default=0.1
    patience : int, default=20
    random_state : int, RandomState instance or None, default=None
    device : {"cpu", "cuda", "auto"} or "cuda:N", default="cpu"
    verbose : int, default=0
    warm_start : bool, default=False

    Attributes
    ----------
    module_ : torch.nn.Module
        The network; with ``n_ensembles > 1`` an ensemble whose ``members`` are
        the networks.
    history_ : list of dict
        Per-epoch losses (on the scaled, level-relative targets); with
        ``n_ensembles > 1`` each entry names its ``"member"``.
    n_epochs_ : int
        Epochs trained (summed over the members of an ensemble).
    window_ : int
        The resolved input length.
    freq_ : str
        Frequency of the training index (a pandas alias, or the integer step).
    target_names_ : list of str
    series_ids_ : list
        Series ids seen in fit (``[None]`` for one series).
    center_, scale_ : ndarray of shape (n_series, n_targets)
        Per-series target scaling.
    mask_channel_ : bool
        Whether the training targets had missing values (observed-indicator inputs).
    device_ : str

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tsrnn import LSTMForecaster
    >>> t = np.arange(120)
    >>> y = pd.Series(10 + np.sin(2 * np.pi * t / 12),
    ...               index=pd.date_range("2015-01-01", periods=120, freq="MS"))
    >>> fc = LSTMForecaster(horizon=6, hidden_size=8, max_epochs=3, random_state=0)
    >>> fc.fit(y).predict().index[0]
    Timestamp('2025-01-01 00:00:00')
    """

    _parameter_constraints = {
        **BaseRNN._parameter_constraints,
        "window": [Interval(Integral, 1, None, closed="left"), None],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "patch_size": [Interval(Integral, 1, None, closed="left")],
        "n_ensembles": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "scaler": [StrOptions({s for s in SCALERS if s is not None}), None],
        "target_transform": [StrOptions(set(TRANSFORMS)), None],
        "local_level": ["boolean", StrOptions({"last", "seasonal"})],
        "loss": [StrOptions({"mae", "mse", "huber"})],
        "quantiles": ["array-like", None],
        **ForecasterMixin._role_constraints,
    }

    def __init__(
        self,
        cell: str = "lstm",
        *,
        window: int | None = None,
        horizon: int = 1,
        patch_size: int = 1,
        hidden_size: int = 64,
        num_layers: int = 1,
        n_ensembles: int = 1,
        dropout: float = 0.0,
        bidirectional: bool = False,
        scaler: str | None = "standard",
        target_transform: str | None = None,
        local_level: bool | str = True,
        loss: str = "mae",
        quantiles=None,
        target=None,
        past_covariates=None,
        future_covariates=None,
        static_covariates=None,
        id_col: str | None = None,
        time_col: str | None = None,
        learning_rate: float = 3e-3,
        lr_schedule: str = "constant",
        weight_decay: float = 0.0,
        batch_size: int = 16,
        max_epochs: int = 200,
        gradient_clip: float | None = 1.0,
        early_stopping: bool = True,
        validation_fraction: float = 0.1,
        patience: int = 20,
        random_state=None,
        device: str = "cpu",
        verbose: int = 0,
        warm_start: bool = False,
    ) -> None:
        self.cell = cell
        self.window = window
        self.horizon = horizon
        self.patch_size = patch_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.n_ensembles = n_ensembles
        self.dropout = dropout
        self.bidirectional = bidirectional
        self.scaler = scaler
        self.target_transform = target_transform
        self.local_level = local_level
        self.loss = loss
        self.quantiles = quantiles
        self.target = target
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.static_covariates = static_covariates
        self.id_col = id_col
        self.time_col = time_col
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.gradient_clip = gradient_clip
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.random_state = random_state
        self.device = device
        self.verbose = verbose
        self.warm_start = warm_start

    embedding_dim = None  # forecasters read values, never token ids

    # -- fit ---------------------------------------------------------------------------
    def _check_params(self) -> np.ndarray:
        if self.bidirectional:
            raise ValueError(
                f"bidirectional=True is not allowed for {type(self).__name__}: a "
                "bidirectional encoder is for whole sequences, and a forecaster must "
                "only read the past. Use bidirectional=False (or RNNRegressor on "
                "windows)."
            )
        if self.quantiles is None:
            return np.array([0.5])
        q = np.asarray(self.quantiles, dtype=np.float64).ravel()
        if q.size == 0 or ((q <= 0) | (q >= 1)).any():
            raise ValueError(
                f"quantiles must be values strictly between 0 and 1; got {self.quantiles!r}. "
                "For an 80% interval pass quantiles=[0.1, 0.9]."
            )
        return np.unique(np.r_[q, 0.5])

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> RNNForecaster:
        """Train on the history of one or many series.

        Parameters
        ----------
        X : Series or DataFrame
            The series (see the class docstring for the forms), or the covariates
            when ``y`` is given.
        y : Series or DataFrame, optional
            The target, aligned with ``X`` on the index.

        Returns
        -------
        self : RNNForecaster
        """
        quantiles = self._check_params()
        panel = read_panel(self, X, y, name="X")
        horizon = int(self.horizon)
        lengths = [len(t) for t in panel.target]
        for sid, t in zip(panel.ids, panel.target):
            where = "X" if sid is None else f"Series {sid!r} of X"
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
        window = self.window or _default_window(panel.axis, horizon, lengths)
        if self.patch_size > window:
            raise ValueError(
                f"patch_size={self.patch_size} exceeds the window of {window} steps; "
                "a patch is a piece of the window. Use a patch_size of at most "
                f"{window} (e.g. the season) or a longer window."
            )
        values = self._model_targets(panel)
        if not (self.warm_start and hasattr(self, "center_")):
            self.center_, self.scale_ = fit_scaler(values, self.scaler)
            covs = np.concatenate(
                [
                    np.concatenate([p, f, np.broadcast_to(s, (len(p), len(s)))], axis=1)
                    for p, f, s in zip(panel.past, panel.future, panel.static)
                ]
            )
            self._cov_center = (
                covs.mean(axis=0) if covs.size else np.zeros(covs.shape[1])
            )
            scale = covs.std(axis=0) if covs.size else np.ones(covs.shape[1])
            self._cov_scale = np.where(scale > 1e-12, scale, 1.0)
        mask = any(np.isnan(t).any() for t in panel.target)
        self.window_, self.freq_, self._axis = (
            int(window),
            panel.axis.freqstr,
            panel.axis,
        )
        self.target_names_ = panel.target_names
        self.series_ids_ = list(panel.ids)
        self.mask_channel_ = bool(mask)
        self.quantiles_ = quantiles
        self._index_names = panel.index_names
        self._panel_input = panel.panel
        enc = self._encode(panel, target_values=values)
        del values
        train_c, train_l, valid_c, valid_l = self._training_windows(enc, lengths)
        n_t, n_q = len(self.target_names_), len(quantiles)
        n_future = len(_names(self.future_covariates))
        arch = dict(
            cell=self.cell,
            input_size=enc.data.shape[1],
            hidden_size=int(self.hidden_size),
            num_layers=int(self.num_layers),
            dropout=float(self.dropout),
            bidirectional=False,
            output_size=horizon * n_t * (n_q if self.quantiles is not None else 1),
            extra_size=horizon * n_future,
            patch_size=int(self.patch_size),
            n_members=int(self.n_ensembles),
        )
        loss = LOSSES[self.loss]
        if self.quantiles is not None:
            loss = partial(
                _quantile_loss, quantiles=torch.tensor(quantiles, dtype=torch.float32)
            )

        def make_batches(device):
            tensors = self._tensors(enc, device)
            train = self._batches(tensors, train_c, train_l, with_targets=True)
            valid = (
                None
                if valid_c is None
                else self._batches(tensors, valid_c, valid_l, with_targets=True)
            )
            if self.quantiles is not None:
                loss.keywords["quantiles"] = loss.keywords["quantiles"].to(device)
            return train, valid

        self._fit_network(arch, make_batches, loss, self._seed())
        self._remember(panel, lengths)
        self._context = self._encode(self._history)  # predict() reuses it as is
        self.__dict__.pop("_predict_cache", None)
        self.__dict__.pop("_predict_cache_labels", None)
        return self

    # -- forecasting hooks (see ForecasterMixin) ----------------------------------------
    def _series_stats(self, panel: Panel, fitted: list, upto: list[int]):
        if panel is self._history:
            return self.center_, self.scale_
        center = np.empty((len(panel.ids), len(self.target_names_)))
        scale = np.empty_like(center)
        for i, pos in enumerate(fitted):
            if pos is not None:
                center[i], scale[i] = self.center_[pos], self.scale_[pos]
            else:
                c, sc = fit_scaler(
                    [self._model_target(panel.target[i][: upto[i]], panel.ids[i])],
                    self.scaler,
                )
                center[i], scale[i] = c[0], sc[0]
        return center, scale

    def _forecast(self, panel: Panel, cutoffs, future_rows, stats) -> np.ndarray:
        center, scale = stats
        if panel is self._history and future_rows is None:
            enc = self._context
        else:
            enc = self._encode(panel, center, scale, future_rows)
        starts = np.repeat(enc.offsets, [len(c) for c in cutoffs])
        global_cut = np.concatenate(cutoffs) + starts + enc.pad
        device = self._module_device()
        # predict() from the training tail reads the same windows every call: keep
        # them (inputs, never outputs) on the module's device; not pickled
        key = (str(device), global_cut.tobytes()) if enc is self._context else None
        cache = self.__dict__.get("_predict_cache")
        if key is not None and cache is not None and cache[0] == key:
            batches, levels = cache[1:]
        else:
            leads = _leads(global_cut, starts, enc.pad, self.window_)
            batches = self._batches(
                self._tensors(enc, device), global_cut, leads, with_targets=False
            )
            levels = batches.levels().cpu().numpy().astype(np.float64)
            if key is not None:
                batches = GatheredBatches(batches)
                self._predict_cache = (key, batches, levels)
        out = self._outputs(batches).astype(np.float64)
        n, h, n_t = len(global_cut), int(self.horizon), len(self.target_names_)
        out = out.reshape(n, h, n_t, -1) + levels[..., None]
        out = np.sort(out, axis=3)  # quantiles never cross
        series = np.repeat(np.arange(len(cutoffs)), [len(c) for c in cutoffs])
        out = out * scale[series][:, None, :, None] + center[series][:, None, :, None]
        if self.target_transform is not None:
            with np.errstate(over="ignore"):  # an overflow is reported just below
                out = TRANSFORMS[self.target_transform][1](out)
            if not np.isfinite(out).all():
                raise TrainingDivergedError(
                    f"The forecast of this {type(self).__name__} overflows when "
                    f"target_transform={self.target_transform!r} is inverted: the "
                    "network forecasts far outside the range of its training data. "
                    "Refit with a lower learning_rate or with gradient_clip set, or "
                    "with target_transform=None."
                )
        return out

    def _model_target(self, values: np.ndarray, sid=None) -> np.ndarray:
        """One series' targets as the network reads them: ``target_transform``ed."""
        if self.target_transform is None:
            return values
        forward, _, bound = TRANSFORMS[self.target_transform]
        with np.errstate(invalid="ignore"):
            outside = values <= bound
        if outside.any():
            where = "X" if sid is None else f"Series {sid!r} of X"
            raise ValueError(
                f"target_transform={self.target_transform!r} needs target values "
                f"> {bound:g}; {where} has {int(outside.sum())} value(s) <= {bound:g} "
                f"(the smallest is {np.nanmin(values):g}). Use target_transform="
                "'log1p' for non-negative data with zeros, shift the target, or "
                "target_transform=None."
            )
        return forward(values)

    def _model_targets(self, panel: Panel) -> list[np.ndarray]:
        return [self._model_target(t, sid) for sid, t in zip(panel.ids, panel.target)]

    def _encode(
        self,
        panel: Panel,
        center=None,
        scale=None,
        future_rows=None,
        target_values=None,
    ) -> Encoded:
        return encode(
            panel,
            center=self.center_ if center is None else center,
            scale=self.scale_ if scale is None else scale,
            cov_center=self._cov_center,
            cov_scale=self._cov_scale,
            pad=self.window_ - 1,
            mask_channel=self.mask_channel_,
            future_rows=future_rows,
            target_values=(
                self._model_targets(panel) if target_values is None else target_values
            ),
        )

    def _training_windows(self, enc: Encoded, lengths: list[int]):
        """Cutoffs and leads of training and (temporal tail) validation windows."""
        h, w, pad = int(self.horizon), self.window_, enc.pad
        train, valid, t_starts, v_starts = [], [], [], []
        for start, length in zip(enc.offsets, lengths):
            min_ctx = min(w, length - h)
            cutoffs = np.arange(start + pad + min_ctx - 1, start + pad + length - h)
            n_val = max(1, round(self.validation_fraction * len(cutoffs)))
            if self.early_stopping and len(cutoffs) >= n_val + h + 1:
                # validation targets are the series' last steps; training targets
                # end before the first validation target
                valid.append(cutoffs[-n_val:])
                v_starts.append(np.full(n_val, start))
                cutoffs = cutoffs[: len(cutoffs) - n_val - h + 1]
            train.append(cutoffs)
            t_starts.append(np.full(len(cutoffs), start))
        train_c = np.concatenate(train)
        train_l = _leads(train_c, np.concatenate(t_starts), pad, w)
        if not valid:
            if self.early_stopping:
                _warn_user(
                    "early_stopping=True but no series is long enough to hold out a "
                    f"validation tail (needs at least horizon + 2 = {h + 2} windows); "
                    "training for max_epochs without early stopping.",
                    UserWarning,
                )
            return train_c, train_l, None, None
        valid_c = np.concatenate(valid)
        return (
            train_c,
            train_l,
            valid_c,
            _leads(valid_c, np.concatenate(v_starts), pad, w),
        )

    def _tensors(self, enc: Encoded, device) -> dict:
        def as_t(a):
            return (
                None
                if a is None
                else torch.from_numpy(np.ascontiguousarray(a)).to(device)
            )

        return {
            "data": as_t(enc.data),
            "targets": as_t(enc.targets),
            "observed": as_t(enc.observed),
            "future": as_t(enc.future),
        }

    def _batches(
        self, tensors: dict, cutoffs, leads, *, with_targets: bool
    ) -> WindowBatches:
        return WindowBatches(
            tensors["data"],
            tensors["targets"] if with_targets else None,
            tensors["observed"] if with_targets else None,
            cutoffs,
            leads,
            window=self.window_,
            horizon=int(self.horizon),
            n_targets=len(self.target_names_),
            future=tensors["future"],
            local_level=_LEVELS[self.local_level],
            season=self._axis.season,
        )


def _init_without_cell():
    """An ``__init__`` with RNNForecaster's parameters minus ``cell``.

    The fixed-cell forecasters are RNNForecaster with ``cell`` pinned as a class
    attribute; their signature (what ``get_params`` reads) simply lacks it.
    """
    signature = inspect.signature(RNNForecaster.__init__)
    signature = signature.replace(
        parameters=[p for p in signature.parameters.values() if p.name != "cell"]
    )

    def __init__(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        for name, value in list(bound.arguments.items())[1:]:
            setattr(self, name, value)

    __init__.__signature__ = signature
    return __init__


class LSTMForecaster(RNNForecaster):
    """:class:`RNNForecaster` with ``cell="lstm"``.

    Takes every parameter of :class:`RNNForecaster` except ``cell``.

    Examples
    --------
    >>> import pandas as pd
    >>> from tsrnn import LSTMForecaster
    >>> y = pd.Series(range(40), dtype=float)
    >>> LSTMForecaster(horizon=3, hidden_size=4, max_epochs=2, random_state=0).fit(y).predict()
          y
    40  ...
    41  ...
    42  ...
    """

    cell = "lstm"
    __init__ = _init_without_cell()


class GRUForecaster(RNNForecaster):
    """:class:`RNNForecaster` with ``cell="gru"``.

    Takes every parameter of :class:`RNNForecaster` except ``cell``.

    Examples
    --------
    >>> import pandas as pd
    >>> from tsrnn import GRUForecaster
    >>> y = pd.Series(range(40), dtype=float)
    >>> GRUForecaster(horizon=2, hidden_size=4, max_epochs=2, random_state=0).fit(y).predict().shape
    (2, 1)
    """

    cell = "gru"
    __init__ = _init_without_cell()
