"""Panels: pandas in, one array per series and role out; future covariate rows.

:func:`read_panel` reads every input form (a Series, a frame indexed by time, a
long panel keyed by ``(series_id, time)`` or by ``id_col`` / ``time_col``) into a
:class:`Panel`: each series' index, its target, past and future covariates
(arrays ``(n_steps, n_columns)``, NaN = missing target), its static covariates
and the common time axis. No estimator, no torch.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tsrnn._time_index import TimeAxis, common_axis, on_grid, split_series

__all__ = [
    "Panel",
    "Roles",
    "extend_history",
    "future_rows",
    "join_target",
    "read_panel",
    "role_names",
    "series_name",
]


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

    def tail(self, n: int) -> Panel:
        """The last ``n`` steps of every series (the context a forecast needs)."""
        return dataclasses.replace(
            self,
            index=[ix[-n:] for ix in self.index],
            target=[t[-n:] for t in self.target],
            past=[p[-n:] for p in self.past],
            future=[f[-n:] for f in self.future],
        )


def series_name(sid, name: str = "X") -> str:
    """How errors name a series: ``X`` alone, or ``Series 'a' of X`` in a panel."""
    return name if sid is None else f"Series {sid!r} of {name}"


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
        X = X.reindex(y.index)
    return pd.concat([y, X], axis=1)


def read_panel(
    X, y, roles: Roles, *, name: str = "X", targets: list[str] | None = None
) -> Panel:
    """Read ``X`` (and ``y``) as series split by column ``roles``.

    ``targets`` (the names seen in fit) overrides ``roles.target``; by default the
    target is every column that is not a covariate.
    """
    frame = join_target(X, y, name)
    blocks, columns, index_names = split_series(
        frame, id_col=roles.id_col, time_col=roles.time_col, name=name
    )
    if roles.freq is not None:
        blocks = on_grid(blocks, roles.freq, name=name)
    past, future, static = roles.past, roles.future, roles.static
    for role, cols in (
        ("past_covariates", past),
        ("future_covariates", future),
        ("static_covariates", static),
        ("target", roles.target),
    ):
        missing = [c for c in cols if c not in columns]
        if missing:
            raise ValueError(
                f"{role}={missing} not among the columns of {name} {columns}. Pass "
                "existing column names."
            )
    if targets is not None:
        absent = [c for c in targets if c not in columns]
        if absent:
            raise ValueError(
                f"{name} lacks the target column(s) {absent} seen in fit; its columns "
                f"are {columns}. Pass the same columns as in fit (rename them, or "
                "name a Series like the fitted target)."
            )
    if targets is None:
        covs = set(past) | set(future) | set(static)
        targets = roles.target or [c for c in columns if c not in covs]
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
    blocks, columns, _ = split_series(
        future, id_col=roles.id_col, time_col=roles.time_col, name="future"
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
