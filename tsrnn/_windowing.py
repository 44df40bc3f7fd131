"""Supervised windows: :func:`make_windows` (public) and window starts as index arithmetic.

``window_starts`` is the O(data) representation the forecasters train on: a window
is a (series, start offset) pair over one contiguous tensor, gathered per batch.
:func:`make_windows` materializes windows as pandas for users who want a table
(e.g. to train :class:`~tsrnn.RNNRegressor` in a Pipeline).
:func:`training_windows` gives the forecasters' training and validation windows
over the stacked series (cutoff rows and padding, as narrow integers), and
:func:`chunked` cuts many forecast windows into parts of bounded size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from tsrnn._param_validation import check_positive_int
from tsrnn._time_index import split_series
from tsrnn.exceptions import ParameterFixableWarning, _warn_user

if TYPE_CHECKING:
    from tsrnn._batches import Encoded

__all__ = [
    "WindowRuns",
    "chunked",
    "default_patch_size",
    "default_window",
    "make_windows",
    "training_windows",
    "window_starts",
]


#: season length -> the longest cycle a default window should cover, where it is
#: longer than the season: hourly data (season 24) repeats weekly (168 steps)
CYCLES = {24: 168}
#: ``patch_size="auto"``: the longest recurrence (patches per window) it leaves
MAX_RECURRENCE = 16


def default_window(season: int, horizon: int, lengths: list[int]) -> int:
    """The forecasters' default input length, from the season and the history.

    The first of these that leaves at least half of the typical (median) series
    to slide windows over (``window + horizon <= median / 2``): the longest cycle
    of the frequency or two seasons, whichever is longer (hourly: a week, 168
    steps; monthly: 24; weekly: 104), at least ``2 * horizon``; then two seasons;
    one season; ``max(2 * horizon, 8)``; ``max(horizon, 8)``. Short series so get
    fewer seasons. Capped so the longest series still holds one window and its
    ``horizon``.

    Examples
    --------
    >>> default_window(24, 48, [900] * 10)
    168
    >>> default_window(12, 18, [60])
    12
    """
    cycle = max(CYCLES.get(season, season), 2 * season) if season > 1 else 1
    candidates = [max(cycle, 2 * horizon, 8)]
    if season > 1:
        candidates += [2 * season, season]
    candidates += [max(2 * horizon, 8), max(horizon, 8)]
    typical = float(np.median(lengths))
    window = next((w for w in candidates if w + horizon <= typical / 2), candidates[-1])
    return int(max(1, min(window, max(lengths) - horizon)))


def default_patch_size(window: int, season: int = 1) -> int:
    """``patch_size="auto"``: one patch per season when the window holds at least
    4 seasons, otherwise the fewest steps per patch that keep the recurrence at
    most :data:`MAX_RECURRENCE` (16) patches, ``ceil(window / 16)``.

    A week of hourly data (168 steps) is read as 7 patches of a day, a 7-step
    recurrence instead of 168, which makes an epoch many times cheaper (and, on
    M4 Hourly's validation tail, forecasts better than patches of 8 hours: OWA
    0.494 against 0.551); windows of 16 steps or fewer are read step by step.

    Examples
    --------
    >>> default_patch_size(168, 24), default_patch_size(104, 52), default_patch_size(16)
    (24, 7, 1)
    """
    if season > 1 and window >= 4 * season:
        return int(season)
    return int(-(-window // MAX_RECURRENCE))


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

    Notes
    -----
    Windows of a trending series hold levels that later windows exceed, and a
    network fitted on absolute values cannot extrapolate to levels it never saw.
    :class:`~tsrnn.RNNRegressor` with ``local_level=True`` reads each window
    relative to its last value and predicts the targets as changes from it (for
    multivariate windows, ``local_level=k`` names the feature holding the level:
    the target's position among the features). It works behind a per-column
    scaler such as ``StandardScaler`` in a Pipeline as well (second example).

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

    Windows of a trending series, each fold tested on levels above those it was
    fitted on:

    >>> import numpy as np
    >>> from sklearn.model_selection import TimeSeriesSplit, cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from tsrnn import RNNRegressor
    >>> t = np.arange(150)
    >>> trend = pd.Series(0.5 * t + 10 * np.sin(2 * np.pi * t / 12))
    >>> X, Y = make_windows(trend, window=12)
    >>> model = make_pipeline(
    ...     StandardScaler(), RNNRegressor(local_level=True, random_state=0)
    ... )
    >>> scores = cross_val_score(model, X, Y, cv=TimeSeriesSplit(3))
    >>> bool(scores.min() > 0.8)
    True
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
            "smaller window or horizon"
            + (
                f" (window <= {longest - horizon} works with horizon={horizon})."
                if longest > horizon
                else f" (the series need more than horizon={horizon} steps)."
            )
        )
    if skipped:
        _warn_user(
            f"{len(skipped)} series shorter than window + horizon = {window + horizon} "
            f"steps gave no window and were skipped, e.g. {skipped[:3]}.",
            UserWarning,
        )
    index = keys[0].append(keys[1:]) if len(keys) > 1 else keys[0]
    index.names = index_names
    lags, ahead = _step_labels(window, horizon)
    X = pd.DataFrame(np.concatenate(xs), index=index, columns=_columns(columns, lags))
    Y = pd.DataFrame(np.concatenate(ys), index=index, columns=_columns(targets, ahead))
    if dropna:
        keep = ~Y.isna().any(axis=1).to_numpy()
        X, Y = X[keep], Y[keep]
    return X, Y


def training_windows(
    enc: Encoded,
    lengths: list[int],
    *,
    window: int,
    horizon: int,
    validation_fraction: float,
    early_stopping: bool,
    group=None,
) -> tuple[WindowRuns, WindowRuns | None]:
    """The training windows and the validation windows, one run per series.

    Every window of each series with at least ``min(window, length - horizon)``
    input steps. With ``early_stopping`` the validation windows are the temporal
    tail of every series long enough (the last ``validation_fraction`` of its
    windows, at least ``horizon + 2`` windows in all, never shuffled), and the
    training targets end before the first validation target. None: no
    validation windows (a warning says so when early stopping was asked for).
    ``group``: a distributed fit's :class:`~tsrnn._distributed.Group` (``enc``
    is this process' shard); validation windows are held out when some process
    has them (this one's may then be none: no runs).
    """
    h, w = horizon, window
    starts = np.asarray(enc.offsets, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    min_ctx = np.minimum(w, lengths - h)
    first = starts + min_ctx - 1  # each series' first cutoff row
    count = lengths - h - min_ctx + 1  # and its number of windows
    most = int(count.max()) if count.size else 0  # for the warning below
    n_val = np.maximum(1, np.round(validation_fraction * count)).astype(np.int64)
    held = (count >= n_val + h + 1) if early_stopping else np.zeros(len(count), bool)
    n_train = np.where(held, count - n_val - h + 1, count)
    # the training targets end before the first validation target
    train_part = WindowRuns(first, n_train, w - min_ctx)
    valid = bool(held.any())
    if group is not None:  # the same collectives on every rank, in this order
        anywhere, most = group.any(valid), int(group.max(most))
        if anywhere and not valid:
            return train_part, WindowRuns(*(np.zeros((3, 0), np.int64)))
    if not valid:
        if early_stopping:
            # a tail of max(1, round(validation_fraction * n)) windows + horizon + 1
            works = np.floor((most - h - 1) / most * 100) / 100 if most else 0.0
            problem = (
                "early_stopping=True but no series is long enough to hold out a "
                f"validation tail with validation_fraction={validation_fraction} and "
                f"horizon={h}: a series needs max(1, round(validation_fraction * "
                "its windows)) + horizon + 1 windows (at least horizon + 2 = "
                f"{h + 2}), and the longest has {most}; training for max_epochs "
                "without early stopping."
            )
            if works > 0 and round(works * most) >= 1:
                warning = ParameterFixableWarning(
                    problem,
                    {"validation_fraction": float(works)},
                    "(or less)",
                    remedy="use longer series",
                )
            else:
                warning = ParameterFixableWarning(
                    problem,
                    {},
                    remedy="Use longer series or a smaller window or horizon",
                )
            _warn_user(warning, UserWarning)
        return train_part, None
    v_first = first + count - n_val  # the last n_val windows of each held series
    v_pad = np.maximum(0, w - min_ctx - (count - n_val))
    return train_part, WindowRuns(v_first[held], n_val[held], v_pad[held])


@dataclass(frozen=True)
class WindowRuns:
    """Windows as runs of consecutive cutoffs: memory O(runs), not O(windows).

    Run ``i`` is ``count[i]`` windows whose cutoff rows (the last input step, a
    row of the stacked tensor of :func:`~tsrnn._batches.encode`) are ``first[i],
    first[i] + 1, ...``; the first has ``pad_first[i]`` padding rows (steps
    before its series starts), one fewer for each window after it, down to 0.
    The training windows of a series are one run, so a million series of a few
    hundred steps take three integers per series, not one per window; windows
    are numbered run after run, and a batch of numbers finds its runs by a
    binary search (:meth:`locate`).
    """

    first: np.ndarray  # (n_runs,) int64
    count: np.ndarray  # (n_runs,) int64, >= 0
    pad_first: np.ndarray  # (n_runs,) int64, >= 0
    #: derived: each run's end in the window numbering, and whether every run
    #: is one window (forecasts: located without a search)
    end: np.ndarray = field(init=False, repr=False)
    singles: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "end", np.cumsum(self.count))
        object.__setattr__(self, "singles", bool((self.count == 1).all()))

    @classmethod
    def single(cls, cutoffs, n_pad) -> WindowRuns:
        """One run per window: ``cutoffs[k]`` with ``n_pad[k]`` padding rows."""
        cutoffs = np.asarray(cutoffs, dtype=np.int64)
        return cls(
            cutoffs, np.ones(len(cutoffs), np.int64), np.asarray(n_pad, np.int64)
        )

    def __len__(self) -> int:
        return int(self.end[-1]) if len(self.end) else 0

    def locate(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(cutoffs, n_pad)`` of the windows numbered ``idx`` (int64 arrays)."""
        if self.singles:
            return self.first[idx], self.pad_first[idx]
        run = np.searchsorted(self.end, idx, side="right")
        into = idx - (self.end[run] - self.count[run])
        return self.first[run] + into, np.maximum(0, self.pad_first[run] - into)

    def windows(self) -> tuple[np.ndarray, np.ndarray]:
        """``(cutoffs, n_pad)`` of every window, in order (O(windows))."""
        return self.locate(np.arange(len(self), dtype=np.int64))


def chunked(cutoffs: list[np.ndarray], size: int):
    """``(series, their cutoffs)`` parts of at most ``size`` windows, in order.

    Series are taken whole while they fit; a series with more than ``size``
    cutoffs is cut into parts of ``size``. Forecasts of a large panel so gather
    the inputs of one part at a time (bounded memory).
    """
    pieces = [  # (series, some of its cutoffs), in order
        (i, cut[k : k + size])
        for i, cut in enumerate(cutoffs)
        for k in range(0, max(len(cut), 1), size)
    ]
    part: list = []
    held = 0  # windows in part
    for i, cut in pieces:
        if part and held + len(cut) > size:
            yield [j for j, _ in part], [c for _, c in part]
            part, held = [], 0
        part.append((i, cut))
        held += len(cut)
    if part:
        yield [j for j, _ in part], [c for _, c in part]
