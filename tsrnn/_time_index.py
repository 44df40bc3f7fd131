"""Time-indexed pandas input -> series: validation of the time index and panel split.

Knows no estimator. The forecasters and :func:`tsrnn.make_windows` both go through
:func:`split_series`, so a Series, a wide DataFrame and a long panel are read the
same way everywhere.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SeriesBlock", "on_grid", "regular_grid", "split_series"]


@dataclass(frozen=True)
class SeriesBlock:
    """One series of a panel: its id (None for a single series), time index, values."""

    id: object
    index: pd.Index
    values: np.ndarray  # float64 (n_steps, n_columns)


def split_series(
    data, *, id_col=None, time_col=None, name: str
) -> tuple[list[SeriesBlock], list[str], list[str | None]]:
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
    blocks : list of SeriesBlock
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
            return [SeriesBlock(None, data.index, values)], [column], [data.index.name]
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
        blocks = []
        for key, positions in pd.Series(np.arange(len(data)), index=ids).groupby(
            level=0, sort=False
        ):
            rows = positions.to_numpy()
            index = data.index[rows].get_level_values(1)
            _check_time_index(index, name, key, hints)
            blocks.append(SeriesBlock(key, index, values[rows]))
        return blocks, columns, list(data.index.names)
    _check_time_index(data.index, name, None, hints)
    block = SeriesBlock(None, data.index, values)
    return [block], columns, [data.index.name]


def _numeric_values(dtypes: list[tuple], to_numpy, name: str) -> np.ndarray:
    """``to_numpy(dtype=float64)`` once every ``(column, dtype)`` is numeric; no inf."""
    bad = [c for c, dt in dtypes if not pd.api.types.is_numeric_dtype(dt)]
    if bad:
        raise TypeError(
            f"{name} has non-numeric column(s) {bad}. Convert them to numbers "
            "(pd.to_numeric, one-hot encoding) or drop them."
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
        missing = np.flatnonzero(pd.isna(values))
        if missing.size:
            rows = (
                f"the rows labelled {data.index[missing[:5]].tolist()}"
                if id_col is not None or time_col is not None
                else f"the rows at positions {missing[:5].tolist()}"
            )
            raise ValueError(
                f"{name} has {missing.size} row(s) with a missing {what} (NaN, None, "
                f"NA or NaT) in {where}, e.g. {rows}. Every row must belong to a "
                f"series at a time: drop those rows ({drop}) or fill in their {what}."
            )
        if what != "time":
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


def _check_time_index(index: pd.Index, name: str, key, hints: dict[str, str]) -> None:
    where = "" if key is None else f" (series {key!r})"
    if index.has_duplicates:
        dup = index[index.duplicated()][0]
        raise ValueError(
            f"{name}{where} has duplicate timestamps, e.g. {dup!r}. Aggregate or drop "
            f"duplicates first (e.g. {hints['dedup']})."
        )
    if not index.is_monotonic_increasing:
        raise ValueError(
            f"{name}{where} is not sorted by time. Sort it first ({hints['sort']})."
        )


# -- frequency and future index -------------------------------------------------------

#: pandas frequency base -> season length used for default windows and baselines.
SEASONS = {
    "h": 24,
    "D": 7,
    "B": 5,
    "W": 52,
    "M": 12,
    "MS": 12,
    "ME": 12,
    "Q": 4,
    "QS": 4,
    "QE": 4,
    "min": 60,
    "s": 60,
}


@dataclass(frozen=True)
class TimeAxis:
    """The time axis shared by every series of a fit: its kind and step.

    ``kind`` is ``"datetime"``, ``"period"`` or ``"integer"``; ``freq`` is a pandas
    offset (datetime, period) or an int step (integer).
    """

    kind: str
    freq: object

    @classmethod
    def from_freqstr(cls, kind: str, freqstr: str) -> TimeAxis:
        """The axis whose ``kind`` and :attr:`freqstr` these are (the inverse)."""
        if kind == "integer":
            return cls("integer", int(freqstr))
        if kind == "period":
            return cls("period", pd.PeriodIndex([], freq=freqstr).freq)
        if kind == "datetime":
            return cls("datetime", pd.tseries.frequencies.to_offset(freqstr))
        raise ValueError(f"unknown time axis kind {kind!r}")

    @property
    def freqstr(self) -> str:
        if self.kind == "integer":
            return str(self.freq)
        if self.kind == "period":
            return pd.PeriodIndex([], freq=self.freq).freqstr
        return self.freq.freqstr

    @property
    def season(self) -> int:
        """Season length implied by the frequency (1 when there is none)."""
        if self.kind == "integer":
            return 1
        base = self.freq.rule_code.split("-")[0]
        base = {"H": "h", "T": "min", "S": "s", "A": "Y", "YS": "Y", "YE": "Y"}.get(
            base, base
        )
        return SEASONS.get(base, 1) if self.freq.n == 1 else 1

    def range(self, start, periods: int) -> pd.Index:
        """``periods`` labels starting at ``start``."""
        if self.kind == "datetime":
            return pd.date_range(start=start, periods=periods, freq=self.freq)
        if self.kind == "period":
            return pd.period_range(start=start, periods=periods, freq=self.freq)
        return pd.RangeIndex(start, start + self.freq * periods, self.freq)

    def after(self, last, periods: int, name=None) -> pd.Index:
        """The ``periods`` labels that follow ``last``, named ``name``."""
        if self.kind == "datetime":
            return pd.date_range(
                start=last + self.freq, periods=periods, freq=self.freq, name=name
            )
        if self.kind == "period":
            return pd.period_range(
                start=last + 1, periods=periods, freq=self.freq, name=name
            )
        step = self.freq
        return pd.RangeIndex(last + step, last + step * (periods + 1), step, name=name)


def _infer_freq(index: pd.DatetimeIndex):
    with warnings.catch_warnings():  # pandas 3 announces an offset return type
        warnings.simplefilter("ignore")
        return pd.infer_freq(index)


def infer_axis(index: pd.Index, *, name: str, key=None) -> TimeAxis | None:
    """The time axis of one series' index, or None when it cannot be told (too short).

    Raises for an index type that is not time-like and for an irregular index.
    """
    where = "" if key is None else f" (series {key!r})"
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq or (_infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            if len(index) < 3:
                return None
            raise grid_error(
                index,
                f"{name}{where} has an irregular DatetimeIndex: no frequency can be "
                "inferred",
                panel=key is not None,
            )
        return TimeAxis("datetime", pd.tseries.frequencies.to_offset(freq))
    if isinstance(index, pd.PeriodIndex):
        return TimeAxis("period", index.freq)
    if pd.api.types.is_integer_dtype(index.dtype):
        if isinstance(index, pd.RangeIndex):
            return TimeAxis("integer", int(index.step))
        if len(index) < 2:
            return None
        steps = np.unique(np.diff(index.to_numpy()))
        if len(steps) != 1:
            raise grid_error(
                index,
                f"{name}{where} has an integer index with uneven steps {steps[:5]}",
                panel=key is not None,
            )
        return TimeAxis("integer", int(steps[0]))
    raise TypeError(
        f"{name}{where} must be indexed by time: a DatetimeIndex, PeriodIndex or "
        f"integer index; got {type(index).__name__} of dtype {index.dtype}. Set the "
        "time column as index (data.set_index(...)) or pass time_col=."
    )


def _follows(index: pd.Index, axis: TimeAxis) -> bool:
    """Whether ``index`` is ``axis.range(index[0], len(index))``: every step, none
    missing. Read off the index's own ``freq``, or its steps (in the index's unit)
    for a fixed-length frequency, else compared with the range."""
    if axis.kind == "datetime" and isinstance(index, pd.DatetimeIndex):
        if index.freq is not None and index.freq == axis.freq:
            return True  # a DatetimeIndex with a freq holds every step of it
        if isinstance(axis.freq, pd.offsets.Tick) and index.tz is None:
            step = pd.Timedelta(axis.freq).to_timedelta64()
            diffs = np.diff(index.asi8).astype(f"m8[{index.unit}]")
            return bool((diffs == step).all())
    if axis.kind == "integer" and isinstance(index, pd.RangeIndex):
        return index.step == axis.freq or len(index) == 1
    return index.equals(axis.range(index[0], len(index)))


def common_axis(blocks: list[SeriesBlock], *, name: str) -> TimeAxis:
    """The one time axis of all series; every series must follow it exactly.

    The axis is read off the longest series that tells it (a short one can look
    like another frequency: three weekdays look daily).
    """
    longest_first = sorted(blocks, key=lambda b: -len(b.index))
    axes = (infer_axis(b.index, name=name, key=b.id) for b in longest_first)
    axis = next((a for a in axes if a is not None), None)
    if axis is None:
        raise ValueError(
            f"The frequency of {name} cannot be inferred from fewer than 3 "
            "timestamps. Pass longer series or an index with a set freq "
            "(e.g. pd.date_range(..., freq='D'))."
        )
    for block in blocks:
        if not _follows(block.index, axis):
            where = "" if block.id is None else f" (series {block.id!r})"
            raise grid_error(
                block.index,
                f"{name}{where} does not follow the frequency {axis.freqstr!r} of the "
                "data",
                panel=block.id is not None,
                freq=axis.freq,
            )
    return axis


# -- regular grids: the hint derived from the data, and freq= -------------------------


def _grid(index: pd.Index, freq) -> pd.Index:
    """The labels of ``freq`` from the first label of ``index`` through its last.

    As ``asfreq`` builds them: a datetime grid starts at the first timestamp (or
    the first label of an anchored offset on or after it), an integer grid at the
    first integer.
    """
    if isinstance(index, pd.DatetimeIndex):
        return pd.date_range(index[0], index[-1], freq=freq, name=index.name)
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[0], index[-1], freq=freq, name=index.name)
    first, last = int(index[0]), int(index[-1])
    return pd.RangeIndex(first, last + 1, freq, name=index.name)


def _candidates(index: pd.Index) -> list:
    """Frequencies the regular part of ``index`` suggests, most common first.

    A PeriodIndex has its own. A DatetimeIndex: what pandas infers on runs of 8
    consecutive timestamps (enough to span a weekend, so business days read as
    'B') and of 3 (short series with gaps), then its most common step as a
    fixed length; an integer index: its most common step.
    """
    if isinstance(index, pd.PeriodIndex):
        return [index.freq]
    if isinstance(index, pd.DatetimeIndex):
        n, counts = len(index), {}
        for k in sorted({min(n, 8), min(n, 3)}, reverse=True):
            starts = np.linspace(0, n - k, num=min(n - k + 1, 200)).astype(int)
            for start in np.unique(starts) if k >= 3 else []:
                freq = _infer_freq(index[start : start + k])
                if freq is not None:
                    offset = pd.tseries.frequencies.to_offset(freq)
                    counts[offset] = counts.get(offset, 0) + 1
        found = sorted(counts, key=lambda f: -counts[f])
        steps, times = np.unique(np.diff(index.asi8), return_counts=True)
        if len(steps) and steps[np.argmax(times)] > 0:
            step = pd.Timedelta(int(steps[np.argmax(times)]), unit=index.unit)
            found.append(pd.tseries.frequencies.to_offset(step))
        return found
    steps, times = np.unique(np.diff(index.to_numpy()), return_counts=True)
    return [int(steps[np.argmax(times)])] if len(steps) else []


def _off_grid(index: pd.Index, freq) -> pd.Index | None:
    """The labels of ``index`` that are not on the grid of ``freq`` (None: the grid
    would be too large to build, over 100 labels per label of ``index``)."""
    tick = isinstance(freq, pd.offsets.Tick) and isinstance(index, pd.DatetimeIndex)
    if tick and (index[-1] - index[0]) / pd.Timedelta(freq) > 100 * len(index) + 1000:
        return None
    if isinstance(index, pd.DatetimeIndex | pd.PeriodIndex):
        return index[_grid(index, freq).get_indexer(index) < 0]
    return index[(index.to_numpy() - index[0]) % freq != 0]


def regular_grid(index: pd.Index, freq=None) -> tuple[object, pd.Index]:
    """The grid that the regular part of ``index`` follows, and its labels off it.

    ``freq`` given: that grid. Otherwise, of the frequencies the data suggests
    (see :func:`_candidates`), the coarsest whose grid holds every label (the
    fewest missing steps); when none does, the one with the fewest labels off
    its grid. Returns ``(None, index[:0])`` when nothing can be derived.
    """
    best, best_key = None, None
    for cand in [freq] if freq is not None else _candidates(index):
        off = _off_grid(index, cand)
        if off is None:
            continue
        key = (len(off), 0 if len(off) else len(_grid(index, cand)))
        if best_key is None or key < best_key:
            best, best_key, best_off = cand, key, off
    return (None, index[:0]) if best is None else (best, best_off)


def _alias(index: pd.Index, freq):
    """``freq`` as the user passes it: an offset alias, or the int step."""
    if isinstance(index, pd.PeriodIndex):
        return pd.PeriodIndex([], freq=freq).freqstr
    if isinstance(index, pd.DatetimeIndex):
        return freq.freqstr
    return int(freq)


def _examples(labels: pd.Index) -> str:
    shown = ", ".join(str(v) for v in labels[:3])
    return shown + (", ..." if len(labels) > 3 else "")


def grid_error(index: pd.Index, problem: str, *, panel: bool, freq=None) -> ValueError:
    """The error for an ``index`` that misses steps or leaves its grid, with a fix
    derived from the data: ``freq=`` (and a pandas alternative for one series)
    when every label is on the grid of the data's frequency (``freq``: the
    frequency of the other series), else the labels off it."""
    from tsrnn.exceptions import ParameterFixableError

    grid, off = regular_grid(index, freq)
    if grid is None:
        return ValueError(
            f"{problem}, and no regular step can be read off its labels. Pass evenly "
            "spaced timestamps."
        )
    alias = _alias(index, grid)
    own = regular_grid(index)[0] if freq is not None else None
    mixed = (
        f" (its own labels step by {_alias(index, own)!r})"
        if own is not None and _alias(index, own) != alias
        else ""
    )
    # what the grid is: the data's own (its regular part), or the other series'
    said = (
        f"its regular part steps by {alias!r}, and" if freq is None else "on that grid,"
    )
    if len(off):
        most = f"most steps are {alias!r}, but " if freq is None else ""
        return ValueError(
            f"{problem}{mixed}; {most}{len(off)} label(s) are not on "
            f"{'that' if freq is None else 'its'} grid, e.g. {_examples(off)}. Move "
            f"them onto the {alias!r} grid (or aggregate the data to one frequency), "
            "or drop them."
        )
    full = _grid(index, grid)
    missing = full[index.get_indexer(full) < 0]
    gaps = f"{len(missing)} step(s) are missing, e.g. {_examples(missing)}"
    if panel:
        alternative = ""
    elif isinstance(index, pd.DatetimeIndex):
        alternative = f"data.asfreq({alias!r})"
    elif isinstance(index, pd.PeriodIndex):
        alternative = (
            f"data.reindex(pd.period_range('{index[0]}', '{index[-1]}', "
            f"freq={alias!r}))"
        )
    else:
        alternative = f"data.reindex(range({index[0]}, {index[-1] + alias}, {alias}))"
    return ParameterFixableError(
        f"{problem}{mixed}; {said} {gaps}.",
        {"freq": alias},
        "to put it on that grid (missing steps become NaN, which tsrnn masks)",
        alternative,
    )


def on_grid(blocks: list[SeriesBlock], freq, *, name: str) -> list[SeriesBlock]:
    """Each series on the regular grid of ``freq`` (the forecasters' ``freq=``).

    A missing step becomes a row of NaN; a label that is not on the grid (which
    starts at the series' first label, as ``asfreq`` does) is an error naming it,
    never dropped nor moved.

    Parameters
    ----------
    blocks : list of SeriesBlock
    freq : str or int
        A pandas offset alias ('h', 'B', 'W-SUN', 'MS', ...) for a DatetimeIndex
        or PeriodIndex, an int step for an integer index.
    name : str
        What the caller calls the data, for errors.
    """
    out = []
    for block in blocks:
        index, where = (
            block.index,
            "" if block.id is None else f" (series {block.id!r})",
        )
        if not isinstance(index, pd.DatetimeIndex | pd.PeriodIndex) and not (
            pd.api.types.is_integer_dtype(index.dtype)
        ):
            out.append(block)  # not a time index: reported by common_axis
            continue
        step = _check_freq(index, freq, f"{name}{where}")
        grid = _grid(index, step)
        pos = grid.get_indexer(index)
        if (pos < 0).any():
            own = regular_grid(index)[0]
            hint = (
                f" Its labels follow {_alias(index, own)!r}: pass freq="
                f"{_alias(index, own)!r}, or move or drop those labels."
                if own is not None and not len(_off_grid(index, own))
                else " Move them onto the grid or drop them."
            )
            raise ValueError(
                f"{name}{where} has {int((pos < 0).sum())} label(s) that are not on "
                f"the grid of freq={freq!r} starting at {index[0]}, e.g. "
                f"{_examples(index[pos < 0])}.{hint}"
            )
        values = np.full((len(grid), block.values.shape[1]), np.nan)
        values[pos] = block.values
        out.append(SeriesBlock(block.id, grid, values))
    return out


def _check_freq(index: pd.Index, freq, name: str):
    """``freq`` as the step of ``index``'s grid: an offset, or an int step."""
    integer = pd.api.types.is_integer_dtype(index.dtype)
    if isinstance(freq, str) and not integer:
        period = isinstance(index, pd.PeriodIndex)
        try:
            with warnings.catch_warnings():  # deprecated aliases still work
                warnings.simplefilter("ignore")
                offset = (
                    pd.PeriodIndex([], freq=freq).freq
                    if period
                    else pd.tseries.frequencies.to_offset(freq)
                )
        except (TypeError, ValueError):
            raise ValueError(
                f"freq={freq!r} is not a pandas {'period ' if period else ''}"
                f"frequency alias; pass the alias of the step of {name}'s time labels"
                f"{_own_step(index)}."
            ) from None
        if period and offset != index.freq:
            raise ValueError(
                f"freq={freq!r} differs from the frequency {index.freqstr!r} of "
                f"{name}'s PeriodIndex. Pass freq={index.freqstr!r} (or None)."
            )
        return offset
    elif integer and not isinstance(freq, str | bool):
        return int(freq)
    want = "an int step" if integer else "a pandas frequency alias"
    raise TypeError(
        f"freq={freq!r} does not fit {name}'s {type(index).__name__}: pass {want}"
        f"{_own_step(index)}."
    )


def _own_step(index: pd.Index) -> str:
    """`` (its labels step by 'B')``: the step derived from ``index``, if any."""
    own = regular_grid(index)[0] if len(index) > 1 else None
    return "" if own is None else f" (its labels step by {_alias(index, own)!r})"
