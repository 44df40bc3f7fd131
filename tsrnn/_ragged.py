"""Ragged: one block of rows of a shared array per series, sliced on demand.

A panel read from a long frame holds each series as rows ``starts[i]:stops[i]``
of the frame's own columns (a view, or one array when the rows had to be
gathered). :class:`Ragged` is the list-like of those blocks that
:class:`~tsrnn._panel.Panel` keeps per role (the time index, the target, the
covariates): ``ragged[i]`` is series ``i``'s block, built when asked for, so a
million series cost two integers each, not a pandas Index and three arrays.
No estimator, no torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["Ragged", "concat", "ranges"]


def ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """The positions ``starts[0]:stops[0]``, then ``starts[1]:stops[1]``, ...

    int32 where they fit, built in place: 8 bytes per position at the peak.
    """
    starts = np.asarray(starts, dtype=np.int64)
    stops = np.asarray(stops, dtype=np.int64)
    lengths = stops - starts
    before = np.cumsum(lengths) - lengths  # positions of the earlier blocks
    total = int(lengths.sum())
    wide = max(int(stops.max(initial=0)), total) >= 2**31
    dtype = np.int64 if wide else np.int32
    at = np.repeat((starts - before).astype(dtype), lengths)
    at += np.arange(total, dtype=dtype)
    return at


def _bound(value: int | None, lengths: np.ndarray, default: np.ndarray) -> np.ndarray:
    """A slice bound as each block's position (Python's rules, clipped)."""
    if value is None:
        return default
    if value < 0:
        return np.maximum(lengths + value, 0)
    return np.minimum(value, lengths)


class Ragged(Sequence):
    """Blocks of rows of one array (or pandas Index), one per series.

    Parameters
    ----------
    data : ndarray of shape (n_rows, ...) or pandas Index
        The rows of every series.
    starts, stops : ndarray of shape (n_series,), int64
        Series ``i`` is ``data[starts[i]:stops[i]]``.
    columns : slice or list of int, optional
        The columns of a 2-D ``data`` each block holds (a slice keeps blocks views).

    ``ragged[i]`` is that block; a slice of a Ragged is a Ragged of those series.
    """

    __slots__ = ("columns", "data", "starts", "stops")

    def __init__(self, data, starts, stops, columns=None) -> None:
        self.data = data
        self.starts = np.asarray(starts, dtype=np.int64)
        self.stops = np.asarray(stops, dtype=np.int64)
        self.columns = columns

    @classmethod
    def stack(cls, blocks: list) -> Ragged:
        """One Ragged over a copy of ``blocks`` (arrays or Indexes) stacked."""
        lengths = np.array([len(b) for b in blocks], dtype=np.int64)
        stops = np.cumsum(lengths)
        if isinstance(blocks[0], pd.Index):
            data = blocks[0].append(list(blocks[1:])) if len(blocks) > 1 else blocks[0]
        else:
            data = np.concatenate(blocks)
        return cls(data, stops - lengths, stops)

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self.take(np.arange(len(self))[i])
        block = self.data[int(self.starts[i]) : int(self.stops[i])]
        return block if self.columns is None else block[:, self.columns]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    @property
    def lengths(self) -> np.ndarray:
        """Each block's number of rows."""
        return self.stops - self.starts

    def take(self, rows) -> Ragged:
        """The blocks at positions ``rows``, in that order (no copy)."""
        rows = np.asarray(rows, dtype=np.int64)
        return Ragged(self.data, self.starts[rows], self.stops[rows], self.columns)

    def steps(self, part: slice) -> Ragged:
        """The same ``part`` (a slice of steps, no stride) of every block (no copy)."""
        if part.step not in (None, 1):
            raise ValueError("Ragged.steps takes a slice without a stride")
        n = self.lengths
        first = _bound(part.start, n, np.zeros_like(n))
        last = np.maximum(_bound(part.stop, n, n), first)
        return Ragged(self.data, self.starts + first, self.starts + last, self.columns)

    def compact(self) -> Ragged:
        """The same blocks in an array of their own: only their rows, contiguous
        (what a fitted model keeps must not hold the caller's whole data)."""
        stops = np.cumsum(self.lengths)
        starts = stops - self.lengths
        total = int(stops[-1]) if len(stops) else 0
        if self._width() == 0:  # no columns (a role without covariates)
            return Ragged(np.zeros((total, 0)), starts, stops)
        at = ranges(self.starts, self.stops)
        if isinstance(self.data, pd.Index):
            data = self.data.take(at)
        elif self.columns is None:
            data = self.data[at]
        elif isinstance(self.columns, slice):
            data = self.data[at, self.columns]
        else:
            data = self.data[np.ix_(at, self.columns)]
        return Ragged(data, starts, stops)

    def _width(self) -> int | None:
        """The number of columns of each block (None: 1-D data or an Index)."""
        if isinstance(self.data, pd.Index) or self.data.ndim == 1:
            return None
        if self.columns is None:
            return self.data.shape[1]
        return (
            len(range(self.data.shape[1])[self.columns])
            if isinstance(self.columns, slice)
            else len(self.columns)
        )

    def __reduce__(self):  # pickled as its own rows only
        part = self.compact()
        return (Ragged, (part.data, part.starts, part.stops))


def concat(parts: list[Sequence]) -> Sequence:
    """The blocks of ``parts`` one after the other: a Ragged over one copy when
    every part is a Ragged, else a list."""
    if all(isinstance(p, Ragged) for p in parts):
        own = [p.compact() for p in parts]
        offset = np.cumsum([0] + [len(p.data) for p in own[:-1]])
        if isinstance(own[0].data, pd.Index):
            data = own[0].data.append([p.data for p in own[1:]])
        else:
            data = np.concatenate([p.data for p in own])
        return Ragged(
            data,
            np.concatenate([p.starts + o for p, o in zip(own, offset)]),
            np.concatenate([p.stops + o for p, o in zip(own, offset)]),
        )
    return [x for p in parts for x in p]
