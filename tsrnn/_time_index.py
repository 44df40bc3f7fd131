"""Time-indexed pandas input -> series: the keys (series id, time) and the panel split.

Knows no estimator. The forecasters and :func:`tsrnn.make_windows` both go through
:func:`split_series`, so a Series, a wide DataFrame and a long panel are read the
same way everywhere. What the time labels' frequency is, and the regular grid of
``freq=``, live in :mod:`tsrnn._frequency`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tsrnn._ragged import Ragged
from tsrnn.exceptions import ParameterFixableError

__all__ = ["SeriesBlock", "SeriesBlocks", "split_series"]


class NonNumericError(ParameterFixableError, TypeError):
    """Columns that are not numbers: a TypeError, its fix kept apart."""


@dataclass(frozen=True)
class SeriesBlock:
    """One series of a panel: its id (None for a single series), time index, values."""

    id: object
    index: pd.Index
    values: np.ndarray  # float64 (n_steps, n_columns)


class SeriesBlocks(Sequence):
    """The series of a frame as :class:`SeriesBlock` items, each built when asked
    for from ``index`` and ``values`` (blocks of the frame's rows, see
    :class:`~tsrnn._ragged.Ragged`): memory O(series), not a pandas Index and an
    array per series."""

    def __init__(self, ids: list, index: Ragged, values: Ragged) -> None:
        self.ids, self.index, self.values = ids, index, values

    @classmethod
    def of(cls, blocks: list[SeriesBlock]) -> SeriesBlocks:
        """Blocks built one by one (``freq=``'s grid), stacked in one array."""
        values = Ragged.stack([b.values for b in blocks])
        index = Ragged.stack([b.index for b in blocks])
        return cls([b.id for b in blocks], index, values)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, k) -> SeriesBlock:
        return SeriesBlock(self.ids[k], self.index[k], self.values[k])


def split_series(
    data, *, id_col=None, time_col=None, name: str
) -> tuple[SeriesBlocks, list[str], list[str | None]]:
    """Split a Series, a time-indexed DataFrame or a long panel into series.

    Parameters
    ----------
    data : Series or DataFrame
        A Series, a DataFrame indexed by time (columns are variables), or a long
        panel: MultiIndex ``(series_id, time)`` rows, or ``id_col`` / ``time_col``
        columns.
    id_col, time_col : str or None
        Columns naming the series and the time of each row of a long panel.
    name : str
        What the caller calls ``data`` (``"X"``, ``"future"``, ...), for errors.

    Returns
    -------
    blocks : SeriesBlocks
        In order of first appearance.
    columns : list of str
        Variable names (a Series' name, or ``"y"``).
    index_names : list
        ``[id_name, time_name]`` for panels, ``[time_name]`` otherwise.
    """
    if isinstance(data, pd.Series):
        if len(data) and not (id_col or time_col or data.index.nlevels > 1):
            # one series: read as it is, without building a frame
            column = "y" if data.name is None else str(data.name)
            values = _numeric_values(
                [(column, data.dtype)], data.to_numpy, name
            ).reshape(-1, 1)
            _check_keys(data, None, None, name)
            _check_time_index(data.index, name, None, _hints(name, None, None, 1))
            return _one(data.index, values), [column], [data.index.name]
        data = data.to_frame(name="y" if data.name is None else data.name)
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{name} must be a pandas Series or DataFrame; got {type(data).__name__}. "
            "Wrap a numpy array as pd.Series(values) or pd.DataFrame(values)."
        )
    if len(data) == 0:
        raise ValueError(f"{name} is empty (0 rows); pass a series with observations.")
    for col, role in ((id_col, "id_col"), (time_col, "time_col")):
        if col is not None and col not in data.columns:
            raise ValueError(
                f"{role}={col!r} is not a column of {name}; its columns are "
                f"{list(data.columns)}. Pass the name of an existing column."
            )
    _check_keys(data, id_col, time_col, name)
    hints = _hints(name, id_col, time_col, data.index.nlevels)
    if id_col is not None and time_col is not None:  # the keys stay columns: no copy
        frame = data[[c for c in data.columns if c not in (id_col, time_col)]]
        values = _numeric_values(
            list(zip(frame.columns, frame.dtypes)), frame.to_numpy, name
        )
        blocks = _series_blocks(
            data[id_col].to_numpy(), pd.Index(data[time_col]), values, name, hints
        )
        return blocks, [str(c) for c in frame.columns], [id_col, time_col]
    if id_col is not None or time_col is not None:
        keys = [c for c in (id_col, time_col) if c is not None]
        data = data.set_index(keys)
    values = _numeric_values(list(zip(data.columns, data.dtypes)), data.to_numpy, name)
    columns = [str(c) for c in data.columns]
    if isinstance(data.index, pd.MultiIndex):
        if data.index.nlevels != 2:
            raise ValueError(
                f"{name} has a {data.index.nlevels}-level MultiIndex; a long panel needs "
                "exactly two levels (series_id, time)."
            )
        ids = data.index.get_level_values(0)
        times = data.index.get_level_values(1)
        blocks = _series_blocks(ids, times, values, name, hints)
        return blocks, columns, list(data.index.names)
    _check_time_index(data.index, name, None, hints)
    return _one(data.index, values), columns, [data.index.name]


def _one(index: pd.Index, values: np.ndarray) -> SeriesBlocks:
    """A single series (no id) as blocks."""
    ends = np.array([len(index)])
    return SeriesBlocks([None], Ragged(index, [0], ends), Ragged(values, [0], ends))


def _series_blocks(ids, times: pd.Index, values: np.ndarray, name: str, hints):
    """The rows of each series id, in order of first appearance, as blocks.

    A panel whose series are each one run of rows (the usual, sorted layout) is
    cut into blocks of ``values`` and ``times`` themselves: no copy. Otherwise
    the rows are gathered per series once (a stable sort of the ids).
    """
    ids = np.asarray(ids)
    starts = np.r_[0, np.flatnonzero(ids[1:] != ids[:-1]) + 1]
    order = None
    uniques = pd.Index(ids[starts])
    if uniques.has_duplicates:  # a series in several runs: gather its rows
        codes, uniques = pd.factorize(ids, sort=False)
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        starts = np.r_[0, np.flatnonzero(codes[1:] != codes[:-1]) + 1]
        times, values = times.take(order), values[order]
    stops = np.r_[starts[1:], len(ids)]
    uniques = pd.Index(uniques).tolist()  # Python scalars, as pandas' groupby keys
    labels = _integer_labels(times)
    if labels is not None:  # each series strictly increasing: one pass
        back = np.empty(len(labels), dtype=bool)  # not after the row before
        np.less_equal(labels[1:], labels[:-1], out=back[:-1])
        back[stops - 1] = False  # a series may start before the last one ended
        suspects = np.unique(np.searchsorted(stops, np.flatnonzero(back), "right"))
    else:
        suspects = range(len(starts))
    for k in suspects:
        rows = np.arange(starts[k], stops[k])
        _check_time_index(
            times[starts[k] : stops[k]],
            name,
            uniques[k],
            hints,
            rows if order is None else order[rows],
        )
    return SeriesBlocks(
        uniques, Ragged(times, starts, stops), Ragged(values, starts, stops)
    )


def _numeric_values(dtypes: list[tuple], to_numpy, name: str) -> np.ndarray:
    """``to_numpy(dtype=float64)`` once every ``(column, dtype)`` is numeric; no inf."""
    bad = [c for c, dt in dtypes if not pd.api.types.is_numeric_dtype(dt)]
    if bad:
        raise NonNumericError(
            f"{name} has non-numeric column(s) {bad}",
            {},
            alternative="pd.to_numeric, one-hot encoding",
            remedy="Convert them to numbers or drop them",
        )
    values = to_numpy(dtype=np.float64)
    if np.isinf(values).any():
        raise ValueError(
            f"{name} contains infinity. Replace inf with finite values or with NaN "
            "(a missing value)."
        )
    return values


def _key_forms(data, id_col, time_col, name: str) -> list[tuple]:
    """``(values, what, where, drop, convert)`` for each key of ``data``'s rows.

    ``what`` is "series id" or "time"; ``where`` names the argument holding the
    key; ``drop`` is a pandas expression, right for this form, that drops the rows
    without the key; ``convert(f)`` is the statement that replaces the key by
    ``f(expression of the key)``.
    """
    if id_col is not None or time_col is not None:
        return [
            (
                data[col],
                what,
                f"{role}={col!r}",
                f"{name}.dropna(subset=[{col!r}])",
                lambda f, v=f"{name}[{col!r}]": f"{v} = {f(v)}",
            )
            for col, role, what in (
                (id_col, "id_col", "series id"),
                (time_col, "time_col", "time"),
            )
            if col is not None
        ]
    index = data.index
    if index.nlevels == 1:
        return [
            (
                index,
                "time",
                f"the index of {name}",
                f"{name}[{name}.index.notna()]",
                lambda f, v=f"{name}.index": f"{v} = {f(v)}",
            )
        ]
    if index.nlevels != 2:
        return []  # refused by split_series
    return [
        (
            index.get_level_values(level),
            what,
            f"level {level} ({index.names[level]!r}) of the index of {name}",
            f"{name}[{name}.index.get_level_values({level}).notna()]",
            lambda f, v=f"{name}.index", level=level: (
                f"{v} = {v}.set_levels({f(f'{v}.levels[{level}]')}, level={level})"
            ),
        )
        for level, what in ((0, "series id"), (1, "time"))
    ]


def _check_keys(data, id_col, time_col, name: str) -> None:
    """Every row has its series id and time, and times are not strings.

    pandas' groupby drops rows whose key is missing without a word, so a row
    without a key is refused here, naming the rows and how to drop them.
    """
    for values, what, where, drop, convert in _key_forms(data, id_col, time_col, name):
        if values.hasnans:
            missing = np.flatnonzero(pd.isna(values))
            rows = (
                f"the rows labelled {data.index[missing[:5]].tolist()}"
                if id_col is not None or time_col is not None
                else f"the rows at positions {missing[:5].tolist()}"
            )
            raise ParameterFixableError(
                f"{name} has {missing.size} row(s) with a missing {what} (NaN, None, "
                f"NA or NaT) in {where}",
                {},
                alternative=drop,
                remedy=f"Every row must belong to a series at a time: drop those "
                f"rows or fill in their {what}",
                rows=missing,
                examples=rows,
            )
        if what != "time" or _readable_times(values.dtype):
            continue
        kind = pd.api.types.infer_dtype(values, skipna=True)
        first = np.asarray(values[:1]).tolist()[0] if len(values) else None
        if kind == "string":
            fix = _string_time_fix(pd.Index(values), convert)
            if fix is not None:
                raise TypeError(
                    f"{name} has its times as strings in {where} (e.g. {first!r}). "
                    f"Convert them first: {fix}."
                )
        steps = {
            "floating": "floats (a missing value makes integers float)",
            "integer": f"{values.dtype} integers, which the time axis does not read",
        }
        if (
            kind == "floating" and (np.asarray(values) % 1 == 0).all()
        ) or (  # a nullable or pyarrow integer dtype
            kind == "integer" and not isinstance(values.dtype, np.dtype)
        ):
            fix = convert(lambda v: v + ".astype('int64')")
            raise TypeError(
                f"{name} has its time steps in {where} as {steps[kind]}, e.g. "
                f"{first!r}. Convert them to int64 first: {fix}."
            )


def _readable_times(dtype) -> bool:
    """Whether keys of ``dtype`` are times the time axis reads as they are."""
    return (
        isinstance(dtype, pd.PeriodDtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or (isinstance(dtype, np.dtype) and dtype.kind == "i")
    )


def _string_time_fix(values: pd.Index, convert) -> str | None:
    """``convert`` with the conversion that reads these strings as times.

    ``pd.to_numeric`` for step numbers; for dates, ``pd.to_datetime`` with the
    format that reads every label (both when day-first and month-first both do:
    only the user knows which is meant); None when they read as neither.
    """
    unique = values.dropna().unique()
    fill = lambda fn, args="": convert(lambda v: f"{fn}({v}{args})")  # noqa: E731
    if pd.to_numeric(pd.Series(unique[:5]), errors="coerce").notna().all():
        return fill("pd.to_numeric")
    guess = pd.tseries.api.guess_datetime_format
    formats = []
    for dayfirst in (False, True):
        fmt = guess(str(unique[0]), dayfirst=dayfirst)
        if fmt is not None and fmt not in formats and _reads(unique, fmt):
            formats.append(fmt)
        if fmt is not None and fmt.startswith("%Y"):
            break  # year first (ISO 8601) is year-month-day
    if formats:
        fixes = [fill("pd.to_datetime", f", format={fmt!r}") for fmt in formats]
        if len(fixes) == 1:
            return fixes[0]
        return (
            f"{fixes[0]} or {fixes[1]}; the strings read both ways (day or month "
            "first), use the one your data is written in"
        )
    if _reads(unique[:5], None):
        return fill("pd.to_datetime")
    return None


def _reads(values, fmt: str | None) -> bool:
    """Whether ``pd.to_datetime`` reads every one of ``values`` with ``fmt``."""
    try:
        with warnings.catch_warnings():  # "could not infer format": a guess will do
            warnings.simplefilter("ignore")
            pd.to_datetime(values, format=fmt)
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def _hints(name: str, id_col, time_col, nlevels: int) -> dict[str, str]:
    """How to sort, and to aggregate duplicates, in the form ``data`` came in."""
    keys = [c for c in (id_col, time_col) if c is not None]
    if keys:
        return {
            "sort": f"{name}.sort_values({keys!r})",
            "dedup": f"{name}.groupby({keys!r}, as_index=False).mean()",
        }
    levels = "0" if nlevels == 1 else "[0, 1]"
    return {
        "sort": f"{name}.sort_index()",
        "dedup": f"{name}.groupby(level={levels}).mean()",
    }


def _strictly_increasing(index: pd.Index) -> bool:
    """Whether every label of ``index`` is after the one before it.

    Read off the labels' integer form, without building the hash table that
    ``has_duplicates`` caches on the index (as large as the labels, for each
    series of a panel, for as long as the series is kept).
    """
    values = _integer_labels(index)
    if values is None:
        return False  # other labels: pandas' checks
    return bool((values[1:] > values[:-1]).all())


def _integer_labels(index: pd.Index) -> np.ndarray | None:
    """The labels' integer form (datetimes, periods and integers; no copy), or
    None for other labels."""
    values = index.asi8 if hasattr(index, "asi8") else index.to_numpy()
    return values if values.dtype.kind in "iu" else None


def _check_time_index(
    index: pd.Index, name: str, key, hints: dict[str, str], positions=None
) -> None:
    """Refuse duplicate or unsorted timestamps; ``positions``: the rows of the data
    that ``index`` labels (default: ``index`` is the data's own index)."""
    if _strictly_increasing(index):  # sorted, no duplicates: nothing to report
        return
    where = "" if key is None else f" (series {key!r})"
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        twice = index == dup  # the rows of the first timestamp that repeats
        rows = np.flatnonzero(twice) if positions is None else positions[twice]
        raise ParameterFixableError(
            f"{name}{where} has duplicate timestamps",
            {},
            alternative=f"e.g. {hints['dedup']}",
            remedy="Aggregate or drop duplicates first: one row per "
            + ("timestamp" if key is None else "series and timestamp"),
            rows=rows,
            examples=repr(dup),
        )
    if not index.is_monotonic_increasing:
        back = np.flatnonzero(index[1:] < index[:-1])[:1] + 1  # first step back
        raise ParameterFixableError(
            f"{name}{where} is not sorted by time",
            {},
            alternative=hints["sort"],
            remedy="Sort it by time first",
            rows=back if positions is None else positions[back],
            examples=f"{index[back[0]]!r} comes after {index[back[0] - 1]!r}",
        )
