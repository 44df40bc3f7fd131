"""Panels: pandas in, each role as one block of rows per series out; future rows.

:func:`read_panel` reads every input form (a Series, a frame indexed by time, a
long panel keyed by ``(series_id, time)`` or by ``id_col`` / ``time_col``) into a
:class:`Panel`: each series' index, its target, past and future covariates
(blocks ``(n_steps, n_columns)`` of one array, NaN = missing target; see
:mod:`tsrnn._ragged`), its static covariates and the common time axis. No
estimator, no torch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tsrnn._arrow import from_arrow
from tsrnn._frequency import TimeAxis, common_axis, on_grid
from tsrnn._ragged import Ragged, concat, contiguous
from tsrnn._time_index import split_series
from tsrnn.exceptions import _listed, _warn_user

__all__ = [
    "Panel",
    "Roles",
    "extend_history",
    "first_difference",
    "future_rows",
    "join_target",
    "read_panel",
    "role_names",
    "series_name",
    "warn_left_out",
    "warn_short_series",
]


@dataclass
class Panel:
    """Series of one fit/predict call, split by role. Item ``i`` of each role is series ``i``.

    A role is a list, or a :class:`~tsrnn._ragged.Ragged` (blocks of one array,
    as :func:`read_panel` reads a frame: memory O(series), not O(series x
    objects)); both index as ``panel.target[i]``.
    """

    ids: list
    index: Sequence[pd.Index]
    target: Sequence[np.ndarray]  # (L, T) float64, NaN = missing
    past: Sequence[np.ndarray]  # (L, P)
    future: Sequence[np.ndarray]  # (L, Fu)
    static: np.ndarray  # (n_series, S)
    axis: TimeAxis
    index_names: list
    target_names: list[str]

    @property
    def panel(self) -> bool:
        return self.ids[0] is not None

    def covariates(self, i: int) -> np.ndarray:
        """Series ``i``'s covariate columns: past, future, then static (repeated)."""
        static = self.static[i]
        return np.concatenate(
            [
                self.past[i],
                self.future[i],
                np.broadcast_to(static, (len(self.past[i]), len(static))),
            ],
            axis=1,
        )

    @property
    def lengths(self) -> np.ndarray:
        """Each series' number of steps (int64)."""
        if isinstance(self.target, Ragged):
            return self.target.lengths
        return np.array([len(t) for t in self.target], dtype=np.int64)

    def covariate_rows(self) -> np.ndarray:
        """Every series' :meth:`covariates`, one series after the other
        ``(total steps, P + Fu + S)``: one copy of the covariate columns, none
        per series."""
        lengths = self.lengths
        if not self.past[0].shape[1] + self.future[0].shape[1] + self.static.shape[1]:
            return np.zeros((int(lengths.sum()), 0))
        return np.concatenate(
            [
                contiguous(self.past).data,
                contiguous(self.future).data,
                np.repeat(self.static, lengths, axis=0),
            ],
            axis=1,
        )

    def tail(self, n: int) -> Panel:
        """The last ``n`` steps of every series (the context a forecast needs)."""
        return self._steps(slice(-n, None))

    def drop_last(self, n: int) -> Panel:
        """Every series without its last ``n`` steps (``n`` >= 1)."""
        return self._steps(slice(None, -n))

    def copy(self) -> Panel:
        """The same series in arrays and indexes of their own: a part kept after
        fit (the training tail) holds its steps, never the caller's whole data."""
        return self._each(
            lambda r: r.compact(),
            lambda seq: [
                x.copy(deep=True) if isinstance(x, pd.Index) else x.copy() for x in seq
            ],
            static=self.static.copy(),
        )

    def _steps(self, part: slice) -> Panel:
        """The same ``part`` of every series, in every role but the static one."""
        return self._each(lambda r: r.steps(part), lambda seq: [x[part] for x in seq])

    def select(self, rows: list[int]) -> Panel:
        """The series at positions ``rows``, in that order."""
        return self._each(
            lambda r: r.take(rows),
            lambda seq: [seq[i] for i in rows],
            ids=[self.ids[i] for i in rows],
            static=self.static[rows],
        )

    def _each(self, ragged, listed, **changes) -> Panel:
        """Every per-step role through ``ragged`` (a Ragged role) or ``listed``
        (a list role), with ``changes`` to the other fields."""
        for role in ROLES:
            seq = getattr(self, role)
            changes[role] = ragged(seq) if isinstance(seq, Ragged) else listed(seq)
        return dataclasses.replace(self, **changes)

    @classmethod
    def concat(cls, parts: list[Panel]) -> Panel:
        """The series of ``parts`` one after the other (the same roles and axis)."""
        return dataclasses.replace(
            parts[0],
            ids=[x for p in parts for x in p.ids],
            static=np.concatenate([p.static for p in parts]),
            **{role: concat([getattr(p, role) for p in parts]) for role in ROLES},
        )


#: the roles of a :class:`Panel` with one item per step of each series
ROLES = ("index", "target", "past", "future")


def series_name(sid, name: str = "X") -> str:
    """How errors name a series: ``X`` alone, or ``Series 'a' of X`` in a panel."""
    return name if sid is None else f"Series {sid!r} of {name}"


def warn_short_series(panel: Panel, lengths, shortest: int, effect: str) -> None:
    """One warning naming the series of ``panel`` with fewer than ``shortest`` steps.

    Per-series decisions stay per series: ``effect`` says how those series fall
    back alone while the others keep their own treatment.
    """
    short = [
        f"{series_name(sid)} ({n} steps)"
        for sid, n in zip(panel.ids, lengths)
        if n < shortest
    ]
    if short:
        _warn_user(f"{_listed(short)}: {effect}", UserWarning)


def warn_left_out(ids, kept, reason: str, name: str = "X") -> None:
    """One warning naming the series of ``ids`` that have no row in ``kept``.

    An evaluation over a panel (``rolling_forecasts``, ``backtest``) leaves no
    series out silently: ``reason`` says why those have no forecast; an error
    when no series has one.
    """
    kept = set(kept)
    left = [series_name(sid, name) for sid in ids if sid not in kept]
    if left and len(left) == len(ids):
        raise ValueError(f"No series of {name} has a forecast: {reason}")
    if left:
        _warn_user(f"{_listed(left)}: no forecast, left out: {reason}", UserWarning)


def role_names(value) -> list[str]:
    """A role parameter (None, one column name or several) as a list of names."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True)
class Roles:
    """Which columns are the target and the covariates, and how a panel is keyed."""

    target: list[str]
    past: list[str]
    future: list[str]
    static: list[str]
    id_col: str | None
    time_col: str | None
    freq: object = None  # the forecasters' freq=: the grid to put each series on

    @classmethod
    def from_params(
        cls,
        *,
        target=None,
        past_covariates=None,
        future_covariates=None,
        static_covariates=None,
        id_col=None,
        time_col=None,
        freq=None,
    ) -> Roles:
        """From the forecasters' role parameters (each None, a name or names)."""
        return cls(
            role_names(target),
            role_names(past_covariates),
            role_names(future_covariates),
            role_names(static_covariates),
            id_col,
            time_col,
            freq,
        )


def join_target(X, y, name: str):
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
        raise ValueError(_index_mismatch(X.index, y.index))
    return pd.concat([y, X], axis=1)


def first_difference(x: pd.Index, y: pd.Index) -> str:
    """Where the indexes of ``X`` and ``y`` first differ, for a message: ``row k: ...``."""
    n = min(len(x), len(y))
    # object arrays compare any two label types (a date with an integer: unequal)
    differ = np.flatnonzero(
        np.asarray(x[:n], dtype=object) != np.asarray(y[:n], dtype=object)
    )
    k = int(differ[0]) if differ.size else n
    if k < n:
        return f"row {k}: X has {x[k]!r}, y has {y[k]!r}"
    longer = "X" if len(x) > n else "y"
    return f"row {k}: {longer} goes on with {(x if len(x) > n else y)[k]!r}"


def _index_mismatch(x: pd.Index, y: pd.Index) -> str:
    """Why ``X`` (covariates) and ``y`` (target) cannot be joined row for row.

    They are never realigned: that would invent covariate values (NaN) or drop
    rows without a word.
    """
    first = first_difference(x, y)
    xs, ys = set(x), set(y)
    if xs == ys and len(x) == len(y):
        fix = "They hold the same labels in another order: pass X.reindex(y.index)."
    elif ys < xs:
        fix = "X has rows y lacks: pass X.loc[y.index] (the covariates at y's rows)."
    elif xs < ys:
        fix = (
            "y has rows X lacks: give X a row for each of y's, or keep the rows "
            "of both that X has (y.loc[X.index])."
        )
    else:
        fix = (
            f"{len(ys - xs)} of y's labels are not in X's index: correct X's "
            "timestamps (a time zone or clock offset?) or give X a row for each of "
            "y's, so that X.index equals y.index."
        )
    return (
        f"X and y have different indexes ({len(x)} and {len(y)} rows): with y given, "
        f"X holds the covariates of y's rows, label for label. First difference at "
        f"{first}. {fix}"
    )


def _columns_of(frame) -> list:
    """The variable names a frame (or a Series) brings, as split_series names them."""
    if isinstance(frame, pd.Series):
        return ["y" if frame.name is None else str(frame.name)]
    return [str(c) for c in frame.columns]


def _describe(named: list[tuple[str, object]]) -> str:
    """``[("id_col", "store"), ("past_covariates", ["temp"])]`` -> ``id_col='store',
    past_covariates=['temp']``."""
    return ", ".join(f"{role}={names!r}" for role, names in named)


def _check_columns(
    frame, needed: list[tuple[str, object]], name: str, fitted: str | None = None
) -> None:
    """Every column ``needed`` (``(parameter, name or names)``) is in ``frame``.

    One message lists all that are missing, by the parameter that names them;
    ``fitted`` describes what the model saw in fit (None while fitting).
    """
    if not isinstance(frame, (pd.Series, pd.DataFrame)):
        return  # split_series says what it must be
    present = set(_columns_of(frame))  # variables, by name as in split_series
    keys = frame.columns if isinstance(frame, pd.DataFrame) else []
    missing = []
    for role, names in needed:
        if isinstance(names, list):
            lack = [c for c in names if c not in present]
            if lack:
                missing.append((role, lack))
        elif names is not None and names not in keys:  # id_col / time_col
            missing.append((role, names))
    if not missing:
        return
    fix = (
        "Name existing columns in these parameters, or add the columns."
        if fitted is None
        else f"It was fitted with {fitted}; pass the columns seen in fit (rename or "
        "add them)."
    )
    raise ValueError(
        f"{name} lacks the column(s) {_describe(missing)}; its columns are "
        f"{_columns_of(frame)}. {fix}"
    )


def _check_covariate_frame(X: pd.DataFrame, roles: Roles) -> None:
    """With ``y`` given, every column of ``X`` is a covariate or a panel key.

    A column of ``X`` with no role would otherwise become a target or be ignored
    without a word.
    """
    named = {*roles.past, *roles.future, *roles.static, roles.id_col, roles.time_col}
    loose = [c for c in X.columns if c not in named and str(c) not in named]
    if loose:
        raise ValueError(
            f"X has column(s) {loose} with no role. With y given, y is the target and "
            "X holds the covariates: name each column of X in past_covariates= "
            "(known up to now), future_covariates= (known ahead) or "
            "static_covariates= (constant per series), or drop it from X."
        )


def read_panel(
    X, y, roles: Roles, *, name: str = "X", targets: list[str] | None = None
) -> Panel:
    """Read ``X`` (and ``y``) as series split by column ``roles``.

    ``targets`` (the names seen in fit) overrides ``roles.target``; by default the
    target is every column that is not a covariate. ``X`` may also be Arrow data
    (see :func:`from_arrow`).
    """
    frame = join_target(from_arrow(X, roles, name), y, name)
    past, future, static = roles.past, roles.future, roles.static
    keys = [("id_col", roles.id_col), ("time_col", roles.time_col)]
    covariates = [
        ("past_covariates", past),
        ("future_covariates", future),
        ("static_covariates", static),
    ]
    if y is not None and X is not None:
        _check_covariate_frame(X, roles)
    if targets is None:
        _check_columns(frame, [*keys, *covariates, ("target", roles.target)], name)
    else:
        fitted = [("target", targets), *covariates]
        _check_columns(
            frame,
            [*keys, *fitted],
            name,
            fitted=_describe([(r, v) for r, v in [*keys, *fitted] if v]),
        )
    if roles.target and isinstance(frame, pd.DataFrame):
        # target= named: other columns are not read (a ticker name, a comment)
        used = {roles.id_col, roles.time_col, *roles.target, *past, *future, *static}
        frame = frame[[c for c in frame.columns if c in used]]
    blocks, columns, index_names = split_series(
        frame, id_col=roles.id_col, time_col=roles.time_col, name=name
    )
    if roles.freq is not None:
        blocks = on_grid(blocks, roles.freq, name=name)
    covs = set(past) | set(future) | set(static)
    if targets is None:
        targets = roles.target or [c for c in columns if c not in covs]
    elif not roles.target:
        # fit made every column that is not a covariate a target; a new one
        # would be ignored here, so it is refused as in scikit-learn
        unseen = [c for c in columns if c not in covs and c not in targets]
        if unseen:
            raise ValueError(
                f"{name} has column(s) {unseen} not seen in fit. The forecaster was "
                f"fitted with target={targets} (every column that was not a "
                "covariate); drop the new columns, or refit with them (name the "
                "targets in target= to ignore other columns)."
            )
    if not targets:
        raise ValueError(
            f"{name} has no target column: every column is a covariate. Set target= "
            "or pass the target as y."
        )
    pos = {c: i for i, c in enumerate(columns)}

    def take(cols):  # a run of columns is a slice: each role a view, not a copy
        p = [pos[c] for c in cols]
        return slice(p[0], p[-1] + 1) if p and p == list(range(p[0], p[-1] + 1)) else p

    t_pos, p_pos, f_pos, s_pos = take(targets), take(past), take(future), take(static)
    table, starts, stops = blocks.values.data, blocks.values.starts, blocks.values.stops
    statics = table[starts][:, s_pos] if static else np.zeros((len(starts), 0))
    # each check's first series with a problem: the earliest series is reported,
    # and in it the first check in this order (as reading series by series would)
    checks = []
    for role, cols, p in (
        ("past_covariates", past, p_pos),
        ("future_covariates", future, f_pos),
        ("static_covariates", static, s_pos),
    ):
        if cols:
            checks.append((np.isnan(table[:, p]).any(axis=1), role, cols, "missing"))
    if static:
        repeated = np.repeat(statics, stops - starts, axis=0)
        checks.append(((table[:, s_pos] != repeated).any(axis=1), "", static, "vary"))
    found = [
        (int(np.searchsorted(stops, np.argmax(bad), "right")), k)
        for k, (bad, *_) in enumerate(checks)
        if bad.any()
    ]
    if found:
        series, k = min(found)
        _, role, cols, problem = checks[k]
        sid = blocks.ids[series]
        if problem == "vary":
            raise ValueError(
                f"static_covariates {static} vary within series {sid!r}; a static "
                "covariate is one constant per series. Use past_covariates instead."
            )
        where = "" if sid is None else f" in series {sid!r}"
        raise ValueError(
            f"{role} {cols} have missing values (NaN){where}. Covariates must "
            "be complete: fill them (e.g. .ffill()) or drop the column."
        )
    role = lambda cols: Ragged(table, starts, stops, cols)  # noqa: E731
    return Panel(
        ids=list(blocks.ids),
        index=blocks.index,
        target=role(t_pos),
        past=role(p_pos),
        future=role(f_pos),
        static=np.asarray(statics, dtype=np.float64).reshape(len(starts), len(static)),
        axis=common_axis(blocks, name=name),
        index_names=index_names,
        target_names=list(targets),
    )


def future_rows(
    panel: Panel, future, roles: Roles, horizon: int
) -> list[np.ndarray] | None:
    """Each series' ``roles.future`` covariates over its next ``horizon`` steps.

    ``future`` is the frame passed to ``predict(..., future=)``; None when there
    are no future covariates. Every forecast timestamp must have a row.
    """
    names = roles.future
    if not names:
        if future is not None:
            raise ValueError(
                "future= was passed, but the forecaster has no future_covariates, so "
                "it would be ignored. Set future_covariates=[...] (the columns known "
                "ahead) and refit, or call predict without future=."
            )
        return None
    h = horizon
    expected = [panel.axis.after(ix[-1], h) for ix in panel.index]
    if future is None:
        raise ValueError(
            f"future_covariates {names} are known ahead, so predict needs their "
            f"values for the {h} forecast steps: pass predict(..., future=frame) "
            f"with those columns indexed by the future timestamps "
            f"({expected[0][0]} ... {expected[0][-1]} for the first series)."
        )
    keys = [("id_col", roles.id_col), ("time_col", roles.time_col)]
    _check_columns(future, [*keys, ("future_covariates", names)], "future")
    blocks, columns, _ = split_series(
        future, id_col=roles.id_col, time_col=roles.time_col, name="future"
    )
    by_id = {b.id: b for b in blocks}
    pos = [columns.index(c) for c in names]
    rows = []
    for sid, want in zip(panel.ids, expected):
        block = by_id.get(sid)
        where = "" if sid is None else f" of series {sid!r}"
        steps = (
            "future has no complete future_covariates values for the forecast "
            f"steps{where} ({want[0]} ... {want[-1]})"
        )
        if block is None:
            raise ValueError(
                f"{steps}: it has no rows for that series. Provide a row for every "
                "forecast timestamp."
            )
        absent = want.difference(block.index)
        if len(absent):
            raise ValueError(
                f"{steps}: {len(absent)} of them have no row, the first {absent[0]}; "
                f"its timestamps{where} run from {block.index[0]} to "
                f"{block.index[-1]}. Provide a row for every forecast timestamp "
                "(labelled as future_index() labels them)."
            )
        got = block.values[block.index.get_indexer(want)][:, pos]
        if np.isnan(got).any():
            at = want[np.isnan(got).any(axis=1)][0]
            raise ValueError(
                f"{steps}: they have missing values (NaN), the first at {at}. "
                "Future covariates must be complete: fill them."
            )
        rows.append(got)
    return rows


def extend_history(
    history: Panel, new: Panel, positions: list[int | None], window: int, horizon: int
) -> tuple[Panel, list[int | None], list[int]]:
    """``new`` series, each preceded by its training tail when it continues it.

    A series of ``new`` continues the training history when it was seen in fit
    (``positions[i]``, its row in ``history``) and starts one step after its
    tail. Returns the merged panel, each series' position in fit (None: treated
    as a new series) and its context length (the steps up to the first
    forecast origin: the whole tail, or ``min(window, n - horizon)`` of a new
    series, at least 1 and at least through its first observed value).
    """
    parts, fitted, context = [], [], []
    for i, pos in enumerate(positions):
        ix, target = new.index[i], new.target[i]
        cont = pos is not None and ix[0] == new.axis.after(history.index[pos][-1], 1)[0]
        if cont:
            ix = history.index[pos].append(ix)
            target = np.concatenate([history.target[pos], target])
            past = np.concatenate([history.past[pos], new.past[i]])
            future = np.concatenate([history.future[pos], new.future[i]])
            n_ctx = len(history.index[pos])
        else:
            past, future = new.past[i], new.future[i]
            n_ctx = max(1, min(window, len(ix) - horizon))
        # the first origin sees an observed value: leading NaN (a calendar shared
        # by a panel) are no history to forecast from
        seen = np.flatnonzero(~np.isnan(target).all(axis=1))
        first = int(seen[0]) if seen.size else len(ix)
        parts.append((ix, target, past, future))
        context.append(max(n_ctx, first + 1))
        fitted.append(pos if cont else None)
    index, target, past, future = (list(p) for p in zip(*parts))
    merged = dataclasses.replace(
        new, index=index, target=target, past=past, future=future
    )
    return merged, fitted, context
