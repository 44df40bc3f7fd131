"""Backtesting and time-aware splitting for forecasters.

* :func:`backtest` returns every rolling-origin forecast as a tidy DataFrame, with
  or without refitting at each origin.
* :class:`PanelSplitter` cuts every series of a long panel at the same timestamps,
  usable as ``cv=`` in ``GridSearchCV`` (for one series it behaves like
  ``TimeSeriesSplit``).

Examples
--------
>>> import numpy as np, pandas as pd
>>> from tsrnn import SeasonalNaiveForecaster
>>> from tsrnn.model_selection import backtest
>>> y = pd.Series(np.tile([1.0, 2.0, 3.0, 4.0], 6))
>>> out = backtest(SeasonalNaiveForecaster(season=4, horizon=2), y, start=16)
>>> out[["cutoff", "time", "y", "y_pred"]].head(2)
   cutoff  time    y  y_pred
0      15    16  1.0     1.0
1      15    17  2.0     2.0
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd

from tsrnn._panel import warn_left_out
from tsrnn._time_index import _check_keys

__all__ = ["PanelSplitter", "backtest"]


def _times(X, time_col: str | None, id_col: str | None = None) -> pd.Index:
    """The time label of every row of ``X`` (a Series/DataFrame, maybe a long panel).

    Every row must have its keys (series id and time), checked as ``fit`` checks
    them: a row without a time would be cut into no fold, or the wrong one.
    """
    if not isinstance(X, (pd.Series, pd.DataFrame)):
        raise TypeError(
            f"X must be a pandas Series or DataFrame indexed by time (or a long panel); "
            f"got {type(X).__name__}."
        )
    for col, role in ((time_col, "time_col"), (id_col, "id_col")):
        if col is not None and (isinstance(X, pd.Series) or col not in X.columns):
            columns = list(X.columns) if isinstance(X, pd.DataFrame) else []
            raise ValueError(
                f"{role}={col!r} is not a column of X; its columns are {columns}."
            )
    if time_col is not None:
        _check_keys(X, id_col, time_col, "X")
        return pd.Index(X[time_col])
    index = X.index
    times = index.get_level_values(-1) if isinstance(index, pd.MultiIndex) else index
    if not _is_time(times):
        # rows would be cut by a label that is no time: refuse if the time is elsewhere
        levels = [] if not isinstance(index, pd.MultiIndex) else list(index.levels)
        if any(_is_time(level) for level in levels):
            raise ValueError(
                f"X has a MultiIndex whose last level ({index.names[-1]!r}) is not the "
                f"time, but levels {list(index.names)} hold one: the time must be the "
                "last level of a (series_id, time) index. Reorder it, e.g. "
                "X.swaplevel(), or pass time_col= with the time as a column."
            )
        columns = (
            [c for c in X.columns if _is_time(X[c])]
            if isinstance(X, pd.DataFrame)
            else []
        )
        if columns:
            raise ValueError(
                f"X has the time column(s) {columns}, but time_col=None reads the time "
                f"from X's index ({type(index).__name__}), which would cut the rows "
                f"by position, not by time. Pass time_col={columns[0]!r}."
            )
    _check_keys(X, None, None, "X")
    if id_col is not None:
        _check_keys(X, id_col, None, "X")
    return times


def _is_time(values) -> bool:
    """Whether ``values`` (an Index or Series) hold timestamps or periods."""
    dtype = values.dtype
    return pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(
        dtype, pd.PeriodDtype
    )


class PanelSplitter:
    """Expanding-window splits that cut every series at the same timestamps.

    Like ``sklearn.model_selection.TimeSeriesSplit``, but on the distinct
    timestamps of the data rather than on rows, so a long panel (many series
    stacked) is split consistently: fold ``k`` trains on every row before its cut
    and tests on the next ``test_size`` timestamps of every series.

    Parameters
    ----------
    n_splits : int, default=3
    test_size : int or None, default=None
        Timestamps per test fold; None: ``n_timestamps // (n_splits + 1)``.
    gap : int, default=0
        Timestamps left out between train and test.
    time_col : str or None, default=None
        Column holding the time; None: the index (its last level for a MultiIndex).

    Examples
    --------
    >>> import pandas as pd
    >>> from tsrnn.model_selection import PanelSplitter
    >>> idx = pd.MultiIndex.from_product([["a", "b"], range(6)], names=["id", "t"])
    >>> panel = pd.Series(range(12), index=idx, dtype=float)
    >>> [(len(tr), len(te)) for tr, te in PanelSplitter(n_splits=2).split(panel)]
    [(4, 4), (8, 4)]
    """

    def __init__(
        self,
        n_splits: int = 3,
        *,
        test_size: int | None = None,
        gap: int = 0,
        time_col: str | None = None,
    ) -> None:
        self.n_splits = n_splits
        self.test_size = test_size
        self.gap = gap
        self.time_col = time_col

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Number of folds."""
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """Yield ``(train_rows, test_rows)`` integer positions for each fold."""
        if not isinstance(self.n_splits, Integral) or self.n_splits < 1:
            raise ValueError(
                f"n_splits must be a positive integer; got {self.n_splits!r}."
            )
        for name, value, least in (
            ("test_size", self.test_size, 1),
            ("gap", self.gap, 0),
        ):
            if value is None and name == "test_size":
                continue
            if (
                not isinstance(value, Integral)
                or isinstance(value, bool)
                or value < least
            ):
                raise ValueError(
                    f"{name} must be an integer >= {least} (a number of timestamps); "
                    f"got {value!r}."
                )
        times = _times(X, self.time_col)
        unique = np.sort(pd.unique(times))
        n = len(unique)
        test_size = self.test_size or n // (self.n_splits + 1)
        first_test = n - self.n_splits * test_size
        if test_size < 1 or first_test - self.gap < 1:
            raise ValueError(self._size_error(n, test_size))
        codes = np.searchsorted(unique, np.asarray(times))
        for k in range(self.n_splits):
            start = first_test + k * test_size
            train = np.flatnonzero(codes < start - self.gap)
            test = np.flatnonzero((codes >= start) & (codes < start + test_size))
            yield train, test

    def _size_error(self, n: int, test_size: int) -> str:
        """Why ``n`` timestamps hold no ``n_splits`` folds, with settings that fit.

        A split needs ``n_splits * test_size + gap + 1 <= n`` (one training
        timestamp); each suggestion changes one parameter and satisfies it.
        """
        k, gap, size = self.n_splits, self.gap, self.test_size

        def fits(k: int, size: int | None, gap: int) -> bool:
            size = size or n // (k + 1)
            return size >= 1 and k * size + gap + 1 <= n

        fixes = []
        splits = next((j for j in range(min(k, n), 0, -1) if fits(j, size, gap)), 0)
        if splits:
            fixes.append(f"n_splits <= {splits}")
        if (n - gap - 1) // k >= 1:
            fixes.append(f"test_size <= {(n - gap - 1) // k}")
        if fits(k, size, 0):
            fixes.append(f"gap <= {n - 1 - k * (size or n // (k + 1))}")
        if not fixes and n >= 2:
            fixes.append(f"n_splits=1, test_size=1 and gap <= {n - 2}")
        fix = (
            f"Use {' or '.join(fixes)} (or pass a longer X)"
            if fixes
            else "Pass at least 2 timestamps"
        )
        need = (
            f"they need n_splits * test_size + gap + 1 = {k * test_size + gap + 1} "
            "(one timestamp to fit the first fold)"
            if test_size >= 1
            else "a fold needs at least one test timestamp"
        )
        given = (
            "" if self.test_size is not None else " (the default n // (n_splits + 1))"
        )
        return (
            f"Cannot make n_splits={k} folds of test_size={test_size}{given} with "
            f"gap={gap} from {n} timestamps: {need}. {fix}."
        )

    def __repr__(self) -> str:
        return (
            f"PanelSplitter(n_splits={self.n_splits}, test_size={self.test_size}, "
            f"gap={self.gap}, time_col={self.time_col!r})"
        )


def _cut(times: pd.Index, start) -> object:
    """The first origin's time label from ``start`` (label, int count or fraction)."""
    unique = np.sort(pd.unique(times))
    if isinstance(start, (Integral, np.integer)) and not isinstance(start, bool):
        if not 1 <= start < len(unique):
            raise ValueError(
                f"start={start} must be between 1 and the number of timestamps - 1 "
                f"({len(unique) - 1}): the number of steps used for the first fit."
            )
        return unique[start]
    if isinstance(start, Real) and not isinstance(start, bool):
        if not 0 < start < 1:
            raise ValueError(
                f"start={start} as a float is the share of timestamps used for the first "
                "fit and must be in (0, 1); pass an int for a step count or a timestamp."
            )
        return unique[max(1, int(len(unique) * start))]
    try:
        label = pd.Index([start]).astype(times.dtype)[0] if len(times) else start
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"start={start!r} is neither a timestamp of X's time index nor a number."
        ) from exc
    return label


def _check_origins(times: pd.Index, before: np.ndarray, start, horizon: int) -> None:
    """Refuse a ``start`` after which no origin has ``horizon`` timestamps to forecast.

    Both ``refit`` paths build their origins from the timestamps from ``start`` on:
    the first origin is the last timestamp before ``start``, and an origin needs
    ``horizon`` timestamps after it.
    """
    unique = pd.Index(np.sort(pd.unique(np.asarray(times))))
    first = int(np.searchsorted(unique, np.asarray(times[before]).max()))
    after = len(unique) - 1 - first
    if after >= horizon:
        return
    latest = len(unique) - horizon  # the largest start (a step count) that works
    shorter = f", or a horizon <= {after}" if after >= 1 else ""
    fix = (
        f"Use start <= {latest} (or the timestamp {unique[latest]}){shorter}."
        if latest >= 1
        else f"X has {len(unique)} timestamps: it needs at least {horizon + 1}."
    )
    raise ValueError(
        f"start={start!r} leaves {after} timestamp(s) after the first origin, but "
        f"horizon={horizon} needs {horizon}: no origin is left to forecast from. {fix}"
    )


def backtest(
    forecaster,
    X,
    y=None,
    *,
    start=0.5,
    stride: int = 1,
    refit: bool = False,
    n_jobs: int | None = None,
    verbose: int = 0,
) -> pd.DataFrame:
    """Rolling-origin forecasts of ``forecaster`` over ``X``, as a tidy DataFrame.

    The forecaster is fitted on the data before ``start``. With ``refit=False`` it
    then forecasts from every ``stride``-th origin through the end of ``X`` without
    refitting (fast: one forward pass). With ``refit=True`` a fresh clone is
    fitted on all data up to each origin (expensive, run in parallel with
    ``n_jobs``). Both paths forecast from the same origins (every ``stride``-th
    timestamp from the first) and the same series: a series that starts after the
    first origin is forecast from its first step on. A series with no forecast
    (no history before a kept origin, or fewer than ``horizon`` steps after it) is
    named in a ``UserWarning``; none with a forecast is an error.

    Parameters
    ----------
    forecaster : RNNForecaster, SeasonalNaiveForecaster, ...
        Any tsrnn forecaster (it is cloned; the argument is not modified).
    X, y : as the forecaster's ``fit``
    start : timestamp, int or float, default=0.5
        Where the evaluation starts: the first time label forecast (the model is
        fitted on the data before it, so the first origin, ``cutoff``, is the step
        before), the number of timestamps used for the first fit, or that number
        as a share of all timestamps.
    stride : int, default=1
        Keep every ``stride``-th origin.
    refit : bool, default=False
        Refit at every kept origin.
    n_jobs : int or None, default=None
        Parallel refits (joblib); ignored when ``refit=False``.
    verbose : int, default=0
        ``>= 1``: with ``refit=True``, a progress bar over the origins on stderr
        (tqdm's when it is installed, else one line per finished origin). The
        forecaster's own ``verbose`` governs its training lines.

    Returns
    -------
    forecasts : DataFrame
        Columns ``id``, ``cutoff``, ``time``, ``y``, ``y_pred``, quantile columns
        ``q{q}``, ``scale`` (in-sample seasonal-naive MAE, for MASE), as
        :meth:`~tsrnn.RNNForecaster.rolling_forecasts` returns them.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tsrnn import SeasonalNaiveForecaster
    >>> from tsrnn.model_selection import backtest
    >>> y = pd.Series(np.tile([1.0, 2.0, 3.0], 8))
    >>> out = backtest(SeasonalNaiveForecaster(season=3, horizon=2), y, start=12)
    >>> float((out["y"] - out["y_pred"]).abs().max())
    0.0
    """
    from joblib import Parallel, delayed
    from sklearn.base import clone

    from tsrnn._param_validation import check_positive_int

    stride = check_positive_int(stride, "stride")
    time_col = getattr(forecaster, "time_col", None)
    # the time labels: from time_col, a column of X (with y as the target), else
    # from the index of the target
    with_column = time_col is not None and X is not None
    data = X if with_column or y is None else y  # the frame holding the keys
    id_col = getattr(forecaster, "id_col", None) if data is X else None
    times = _times(data, time_col, id_col)
    cut = _cut(times, start)
    before = np.asarray(times < cut)
    if not before.any() or before.all():
        raise ValueError(
            f"start={start!r} leaves no data before or after the first origin; pick a "
            "start inside the data."
        )
    _check_origins(times, before, start, int(forecaster.horizon))

    def rows(mask):
        take = lambda d: None if d is None else d.iloc[np.flatnonzero(mask)]  # noqa: E731
        return take(X), take(y)

    # one grid of origins for both paths: every stride-th timestamp from the first
    unique = np.sort(pd.unique(np.asarray(times)))
    last_train = np.searchsorted(unique, np.asarray(times[before]).max())
    horizon = int(forecaster.horizon)
    origins = unique[last_train : len(unique) - horizon : stride]
    series = pd.factorize(_row_ids(data, id_col), use_na_sentinel=False)[0]

    def fitted_at(upto: np.ndarray):
        """A clone fitted on the rows ``upto`` an origin, and the rows to forecast.

        A series with no more than ``horizon`` steps up to the origin cannot be
        fitted: it is forecast as a series unseen in fit, from its first step on.
        """
        short = pd.Series(upto).groupby(series).transform("sum").to_numpy() <= horizon
        fit = upto & ~short if (upto & ~short).any() else upto
        return clone(forecaster).fit(*rows(fit)), ~fit

    if not refit:
        est, rest = fitted_at(before)
        out, _ = est._rolling(*rows(rest), context=1)
        out = out[out["cutoff"].isin(origins)].reset_index(drop=True)
    else:

        def one(origin):
            est, rest = fitted_at(np.asarray(times <= origin))
            pred, _ = est._rolling(*rows(rest), context=1)
            return pred[pred["cutoff"] == origin]

        parts = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(one)(o) for o in origins
        )
        out = pd.concat(_progress_bar(parts, len(origins), verbose), ignore_index=True)
    kept = pd.Index(origins)
    warn_left_out(
        list(pd.unique(_row_ids(data, id_col))),
        out["id"],
        f"none of the origins backtest keeps (stride={stride}: {len(kept)} from "
        f"{kept[0]} through {kept[-1]}) has history of theirs and horizon={horizon} "
        f"of their steps after it. Use an earlier start"
        f"{' or a smaller stride' if stride > 1 else ''}, or drop those series.",
    )
    return out


def _progress_bar(items, total: int, verbose: int):
    """``items`` as they come, with a progress bar on stderr when ``verbose``:
    tqdm's when installed, else a line per item."""
    if not verbose:
        return list(items)
    import sys

    try:
        from tqdm.auto import tqdm
    except ImportError:
        done = []
        for k, item in enumerate(items, 1):
            print(f"backtest: origin {k}/{total} done", file=sys.stderr, flush=True)
            done.append(item)
        return done
    return list(tqdm(items, total=total, desc="backtest origins", file=sys.stderr))


def _row_ids(data, id_col: str | None) -> np.ndarray:
    """The series id of every row of ``data`` (None for one series), as fit reads it."""
    if id_col is not None:
        return data[id_col].to_numpy()
    if isinstance(data.index, pd.MultiIndex):
        return data.index.get_level_values(0).to_numpy()
    return np.full(len(data), None, dtype=object)
