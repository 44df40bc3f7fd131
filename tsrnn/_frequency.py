"""The time axis of a fit: frequencies, season lengths, future labels, regular grids.

Knows no estimator. :func:`common_axis` reads the one frequency every series of
a panel follows (:class:`TimeAxis`); an index that misses steps or leaves its
grid gets a fix derived from the data (:func:`grid_error`: the grid its regular
part follows, never a fixed one), and the forecasters' ``freq=`` puts each series
on that grid (:func:`on_grid`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tsrnn._time_index import SeriesBlock, SeriesBlocks
from tsrnn.exceptions import ParameterFixableError, _first, _warn_user

__all__ = [
    "SEASONS",
    "TimeAxis",
    "common_axis",
    "grid_error",
    "infer_axis",
    "on_grid",
    "regular_grid",
]


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
        "time column as index (data.set_index(...)) or pass time_col=NAME, the column of "
        "times."
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


def common_axis(blocks: SeriesBlocks, *, name: str) -> TimeAxis:
    """The one time axis of all series; every series must follow it exactly.

    The axis is read off the longest series that tells it (a short one can look
    like another frequency: three weekdays look daily).
    """
    lengths = blocks.index.lengths
    longest_first = (blocks[k] for k in np.argsort(-lengths, kind="stable"))
    axes = (infer_axis(b.index, name=name, key=b.id) for b in longest_first)
    axis = next((a for a in axes if a is not None), None)
    if axis is None:
        longest_first = [blocks[int(np.argmax(lengths))]]
        problem = (
            f"The frequency of {name} cannot be inferred from fewer than 3 timestamps."
        )
        step = regular_grid(longest_first[0].index)[0]
        if step is None:
            raise ValueError(f"{problem} Pass longer series.")
        alias = _alias(longest_first[0].index, step)
        raise ParameterFixableError(
            f"{problem} Its timestamps step by {alias!r}.",
            {"freq": alias},
            "if that is the frequency",
            remedy="pass longer series",
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
    fixed length (and 'B' when that step is one day); an integer index: its most
    common step.
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
            if step == pd.Timedelta(days=1):
                # days with gaps may be business days with more missing (every
                # Monday): a grid of their own that no run of 8 shows
                found.append(pd.offsets.BDay())
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
    return _first(labels, 3)


def grid_error(index: pd.Index, problem: str, *, panel: bool, freq=None) -> ValueError:
    """The error for an ``index`` that misses steps or leaves its grid, with a fix
    derived from the data: ``freq=`` (and a pandas alternative for one series)
    when every label is on the grid of the data's frequency (``freq``: the
    frequency of the other series), else the labels off it."""
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


def on_grid(blocks: SeriesBlocks, freq, *, name: str) -> SeriesBlocks:
    """Each series on the regular grid of ``freq`` (the forecasters' ``freq=``).

    A missing step becomes a row of NaN; a label that is not on the grid (which
    starts at the series' first label, as ``asfreq`` does) is an error naming it,
    never dropped nor moved.

    Parameters
    ----------
    blocks : SeriesBlocks
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
            problem = (
                f"{name}{where} has {int((pos < 0).sum())} label(s) that are not on "
                f"the grid of freq={freq!r} starting at {index[0]}, e.g. "
                f"{_examples(index[pos < 0])}."
            )
            if own is not None and not len(_off_grid(index, own)):
                raise ParameterFixableError(
                    f"{problem} Its labels follow {_alias(index, own)!r}.",
                    {"freq": _alias(index, own)},
                    remedy="move or drop those labels",
                )
            raise ValueError(f"{problem} Move them onto the grid or drop them.")
        _check_not_finer(index, grid, freq, f"{name}{where}")
        values = np.full((len(grid), block.values.shape[1]), np.nan)
        values[pos] = block.values
        out.append(SeriesBlock(block.id, grid, values))
    on = int(blocks.index.lengths.sum())
    steps = sum(len(b.index) for b in out)
    if steps > 2 * on:  # most of the grid is missing: misread times, wrong freq?
        _warn_user(
            f"freq={freq!r} puts {name} on a grid of {steps} steps of which "
            f"{steps - on} ({(steps - on) / steps:.0%}) are missing: the forecasts "
            "learn from the few observed steps. Check that the times were read as "
            "written (day-first or month-first dates) and that freq is the step "
            "the data were recorded at.",
            UserWarning,
        )
    return SeriesBlocks.of(out)


def _check_not_finer(index: pd.Index, grid: pd.Index, freq, name: str) -> None:
    """Refuse a ``freq`` finer than the labels: its ``grid`` leaves at least as many
    steps missing as there are steps between the labels, while a coarser grid of
    their own holds every label (daily data at freq='12h' would be half NaN).
    """
    missing = len(grid) - len(index)
    if len(index) < 3 or missing < len(index) - 1:
        return
    own = regular_grid(index)[0]
    if own is None or len(_off_grid(index, own)) or len(_grid(index, own)) >= len(grid):
        return
    alias = _alias(index, own)
    complete = (
        " (or None: no step of it is missing)"
        if len(_grid(index, own)) == len(index)
        else ""
    )
    raise ParameterFixableError(
        f"freq={freq!r} is finer than the time labels of {name}: its grid from "
        f"{index[0]} to {index[-1]} has {len(grid)} steps, {missing} of them missing "
        f"(NaN) for {len(index)} observed, while every label is on the coarser grid "
        f"of freq={alias!r}.",
        {"freq": alias},
        complete.strip(),
    )


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
