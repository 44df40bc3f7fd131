"""Supervised windows: :func:`make_windows` (public) and window starts as index arithmetic.

``window_starts`` is the O(data) representation the forecasters train on: a window
is a (series, start offset) pair over one contiguous tensor, gathered per batch.
:func:`make_windows` materializes windows as pandas for users who want a table
(e.g. to train :class:`~tsrnn.RNNRegressor` in a Pipeline).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from numpy.lib.stride_tricks import sliding_window_view

from tsrnn._naive import seasonal_lags
from tsrnn._param_validation import check_positive_int
from tsrnn._time_index import split_series
from tsrnn.exceptions import _warn_user

__all__ = ["WindowBatches", "make_windows", "window_starts"]


def window_starts(length: int, window: int, horizon: int, step: int = 1) -> np.ndarray:
    """Start offsets of every ``window + horizon`` span inside a series of ``length``.

    Windows end on the last step: the last window's targets are the series' last
    ``horizon`` values, and the first start is ``(length - window - horizon) % step``.

    Examples
    --------
    >>> window_starts(10, window=4, horizon=2, step=2)
    array([0, 2, 4])
    """
    last = length - window - horizon
    if last < 0:
        return np.empty(0, dtype=np.int64)
    return np.arange(last % step, last + 1, step, dtype=np.int64)


def _step_labels(window: int, horizon: int) -> tuple[list[str], list[str]]:
    lags = [f"t-{k}" for k in range(window - 1, 0, -1)] + ["t"]
    return lags, [f"t+{k}" for k in range(1, horizon + 1)]


def _columns(names: list[str], steps: list[str]) -> pd.Index:
    if len(names) == 1:
        return pd.Index(steps, name="step")
    return pd.MultiIndex.from_product([names, steps], names=["feature", "step"])


def make_windows(
    data,
    window: int,
    horizon: int = 1,
    step: int = 1,
    *,
    target=None,
    id_col: str | None = None,
    time_col: str | None = None,
    dropna: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cut a series, a multivariate frame or a long panel into supervised windows.

    Each row of ``X`` holds ``window`` consecutive steps; the same row of ``Y``
    holds the ``horizon`` steps that follow. Windows never cross series boundaries,
    and the last window of each series ends on its last observation.

    Parameters
    ----------
    data : Series or DataFrame
        A Series, a DataFrame indexed by time (every column is an input feature),
        or a long panel (MultiIndex ``(series_id, time)`` rows, or ``id_col`` /
        ``time_col`` columns).
    window : int
        Input steps per window.
    horizon : int, default=1
        Target steps per window.
    step : int, default=1
        Distance between consecutive window starts.
    target : str or list of str, optional
        Column(s) that form ``Y``; default all columns.
    id_col, time_col : str, optional
        Columns naming the series and the time of a long panel's rows.
    dropna : bool, default=True
        Drop windows with a NaN among their targets (NaN inputs are kept: tsrnn
        estimators treat them as padding or missing values).

    Returns
    -------
    X : DataFrame of shape (n_windows, window) or (n_windows, n_features * window)
        Columns ``"t-{k}" ... "t"`` (one feature), else MultiIndex
        ``(feature, step)``. The index is the time of each window's last input
        step (``(series_id, time)`` for panels).
    Y : DataFrame of shape (n_windows, horizon) or (n_windows, n_targets * horizon)
        Columns ``"t+1" ... "t+{horizon}"``, MultiIndex ``(target, step)`` when
        there are several targets; same index as ``X``.

    Examples
    --------
    >>> import pandas as pd
    >>> from tsrnn import make_windows
    >>> y = pd.Series(range(6), index=pd.date_range("2024-01-01", periods=6))
    >>> X, Y = make_windows(y, window=3, horizon=2)
    >>> X
    step        t-2  t-1    t
    2024-01-03  0.0  1.0  2.0
    2024-01-04  1.0  2.0  3.0
    >>> Y
    step        t+1  t+2
    2024-01-03  3.0  4.0
    2024-01-04  4.0  5.0
    """
    window = check_positive_int(window, "window")
    horizon = check_positive_int(horizon, "horizon")
    step = check_positive_int(step, "step")
    blocks, columns, index_names = split_series(
        data, id_col=id_col, time_col=time_col, name="data"
    )
    targets = (
        columns
        if target is None
        else [target]
        if isinstance(target, str)
        else list(target)
    )
    missing = [t for t in targets if t not in columns]
    if missing:
        raise ValueError(
            f"target {missing} not among the columns of data {columns}. Pass existing "
            "column names (or target=None for all columns)."
        )
    target_pos = [columns.index(t) for t in targets]
    xs, ys, keys, skipped = [], [], [], []
    for block in blocks:
        starts = window_starts(len(block.values), window, horizon, step)
        if starts.size == 0:
            skipped.append(block.id)
            continue
        values = block.values
        # sliding_window_view is a view: only the selected windows are copied.
        x = sliding_window_view(values, window, axis=0)[starts]  # (n, F, window)
        y = sliding_window_view(values[window:, target_pos], horizon, axis=0)[starts]
        xs.append(x.reshape(len(starts), -1))
        ys.append(y.reshape(len(starts), -1))
        cutoffs = block.index[starts + window - 1]
        keys.append(
            cutoffs
            if block.id is None
            else pd.MultiIndex.from_arrays(
                [np.repeat(np.array([block.id], dtype=object), len(starts)), cutoffs]
            )
        )
    longest = max(len(b.values) for b in blocks)
    if not xs:
        raise ValueError(
            f"make_windows needs series of at least window + horizon = "
            f"{window + horizon} steps; the longest series has {longest}. Use a "
            "smaller window or horizon."
        )
    if skipped:
        _warn_user(
            f"{len(skipped)} series shorter than window + horizon = {window + horizon} "
            f"steps gave no window and were skipped, e.g. {skipped[:3]}.",
            UserWarning,
        )
    index = keys[0].append(keys[1:]) if len(keys) > 1 else keys[0]
    index.names = index_names
    lags, leads = _step_labels(window, horizon)
    X = pd.DataFrame(np.concatenate(xs), index=index, columns=_columns(columns, lags))
    Y = pd.DataFrame(np.concatenate(ys), index=index, columns=_columns(targets, leads))
    if dropna:
        keep = ~Y.isna().any(axis=1).to_numpy()
        X, Y = X[keep], Y[keep]
    return X, Y


class WindowBatches:
    """Forecasting windows as offsets into one contiguous tensor: memory O(data).

    Series are stacked along time in ``data`` (each left-padded so that a window
    may start before the series does). A window is its cutoff row ``cutoff`` (the
    last input step) and ``lead``, the number of padding rows at its start. A
    batch gathers rows ``cutoff - window + 1 + lead ...`` (valid steps first, as
    packing needs) and the ``horizon`` target rows after ``cutoff``.

    Parameters
    ----------
    data : Tensor of shape (n_rows, n_channels), float32
        Input channels; the first ``n_targets`` are the (scaled) targets.
    targets : Tensor of shape (n_rows, n_targets) or None
        Scaled targets with NaN replaced by 0 (None when only predicting).
    observed : Tensor of shape (n_rows, n_targets) or None
        1.0 where a target is observed: the loss mask.
    cutoffs, leads : ndarray of shape (n_windows,), int64
    window, horizon, n_targets : int
    future : Tensor of shape (n_rows, n_future) or None
        Known-ahead covariates; their ``horizon`` rows after the cutoff go to the
        network's head.
    local_level : {"last", "seasonal"} or None
        ``"last"``: inputs and targets relative to the last input target value.
        ``"seasonal"``: inputs relative to it as well, targets relative to the
        seasonal naive forecast read from the window (the value ``season`` steps
        before each target, the last season repeated), so the network learns a
        correction to seasonal naive. A lag the window does not hold (window
        shorter than the season, or a padded start) falls back to the last value.
    season : int
        Season length for ``local_level="seasonal"``.
    """

    def __init__(
        self,
        data,
        targets,
        observed,
        cutoffs,
        leads,
        *,
        window,
        horizon,
        n_targets,
        future=None,
        local_level=None,
        season=1,
    ) -> None:
        self.data, self.targets, self.observed, self.future = (
            data,
            targets,
            observed,
            future,
        )
        device = data.device
        self.cutoffs = torch.as_tensor(cutoffs, dtype=torch.int64, device=device)
        self.leads_cpu = torch.as_tensor(leads, dtype=torch.int64)
        self.leads = self.leads_cpu.to(device)
        self.window, self.horizon, self.n_targets = window, horizon, n_targets
        if local_level not in (None, "last", "seasonal"):
            raise ValueError(f"unknown local_level {local_level!r}")
        self.local_level = local_level
        # the row seasonal naive repeats for each lead time, counted back from the cutoff
        self._lags = torch.as_tensor(seasonal_lags(horizon, season), device=device)
        self.uniform = not bool(self.leads_cpu.any())
        self._steps = torch.arange(window, device=device)
        self._ahead = torch.arange(1, horizon + 1, device=device)

    def __len__(self) -> int:
        return self.cutoffs.shape[0]

    def gather(self, idx: torch.Tensor):
        """``((x, lengths, extra), y, mask)`` for windows ``idx``."""
        dev_idx = idx.to(self.cutoffs.device, non_blocking=True)
        cutoff = self.cutoffs[dev_idx]
        first = cutoff - (self.window - 1)
        lengths = None
        if self.uniform:
            rows = first[:, None] + self._steps
        else:
            lead = self.leads[dev_idx]
            rows = torch.minimum(
                first[:, None] + lead[:, None] + self._steps, cutoff[:, None]
            )
            lead_cpu = self.leads_cpu[idx]
            if bool(lead_cpu.any()):
                lengths = self.window - lead_cpu
        x = self.data[rows]
        level = base = None
        if self.local_level is not None:
            level = self.data[cutoff, : self.n_targets]
            base = self._baseline(cutoff, rows[:, 0], level)
            x = torch.cat(
                (
                    x[:, :, : self.n_targets] - level[:, None, :],
                    x[:, :, self.n_targets :],
                ),
                dim=2,
            )
        ahead = cutoff[:, None] + self._ahead
        extra = None
        if self.future is not None:
            extra = self.future[ahead].reshape(len(idx), -1)
        y = m = None
        if self.targets is not None:
            y = self.targets[ahead]
            if base is not None:
                y = y - base
            y = y.reshape(len(idx), -1)
            m = self.observed[ahead].reshape(len(idx), -1)
        return (x, lengths, extra), y, m

    def _baseline(self, cutoff, first_valid, level) -> torch.Tensor:
        """What the targets are relative to: ``(n, horizon, n_targets)``."""
        if self.local_level == "last":
            return level[:, None, :].expand(-1, self.horizon, -1)
        rows = cutoff[:, None] - self._lags
        held = rows >= first_valid[:, None]
        rows = torch.where(held, rows, cutoff[:, None])
        return self.data[rows, : self.n_targets]

    def levels(self) -> torch.Tensor:
        """The baseline of every window ``(n_windows, horizon, n_targets)`` (0 when off)."""
        n = len(self)
        if self.local_level is None:
            return torch.zeros(n, self.horizon, self.n_targets, device=self.data.device)
        cutoff = self.cutoffs
        first = cutoff - (self.window - 1)
        if not self.uniform:
            first = torch.minimum(first + self.leads, cutoff)
        return self._baseline(cutoff, first, self.data[cutoff, : self.n_targets])


class GatheredBatches:
    """:class:`WindowBatches` whose gathers are kept: the same index, the same tensors.

    For inputs read again and again unchanged (``predict()`` from the training tail):
    the second call skips the gather. Holds inputs only, never network outputs.
    """

    def __init__(self, batches: WindowBatches) -> None:
        self.batches = batches
        self._gathered: dict[bytes, tuple] = {}

    def __len__(self) -> int:
        return len(self.batches)

    def gather(self, idx: torch.Tensor):
        key = idx.numpy().tobytes()
        got = self._gathered.get(key)
        if got is None:
            got = self._gathered[key] = self.batches.gather(idx)
        return got

    def levels(self) -> torch.Tensor:
        return self.batches.levels()
