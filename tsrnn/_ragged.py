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

__all__ = ["Ragged", "concat", "contiguous", "ranges"]


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
    def from_lengths(cls, data, lengths) -> Ragged:
        """The blocks of ``lengths`` rows of ``data``, back to back."""
        stops = np.cumsum(np.asarray(lengths, dtype=np.int64))
        return cls(data, stops - np.asarray(lengths, dtype=np.int64), stops)

    @classmethod
    def stack(cls, blocks: list) -> Ragged:
        """One Ragged over a copy of ``blocks`` (arrays or Indexes) stacked."""
        return cls.from_lengths(_join(blocks), [len(b) for b in blocks])

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
        if self._width() == 0:  # no columns (a role without covariates)
            return Ragged.from_lengths(
                np.zeros((int(self.lengths.sum()), 0)), self.lengths
            )
        at = ranges(self.starts, self.stops)
        if isinstance(self.data, pd.Index):
            data = self.data.take(at)
        elif self.columns is None:
            data = self.data[at]
        elif isinstance(self.columns, slice):
            data = self.data[at, self.columns]
        else:
            data = self.data[np.ix_(at, self.columns)]
        return Ragged.from_lengths(data, self.lengths)

    def _width(self) -> int | None:
        """The number of columns of each block (None: 1-D data or an Index)."""
        if isinstance(self.data, pd.Index) or self.data.ndim == 1:
            return None
        empty = self.data[:0]
        return (empty if self.columns is None else empty[:, self.columns]).shape[1]

    def __reduce__(self):  # pickled as its own rows only
        part = self.compact()
        return (Ragged, (part.data, part.starts, part.stops))


def contiguous(seq: Sequence) -> Ragged:
    """The blocks of ``seq`` (a Ragged or a list) back to back in one array of
    their own."""
    return seq.compact() if isinstance(seq, Ragged) else Ragged.stack(list(seq))


def concat(parts: list[Sequence]) -> Sequence:
    """The blocks of ``parts`` one after the other: a Ragged over one copy when
    every part is a Ragged, else a list."""
    if not all(isinstance(p, Ragged) for p in parts):
        return [x for p in parts for x in p]
    own = [p.compact() for p in parts]
    return Ragged.from_lengths(
        _join([p.data for p in own]), np.concatenate([p.lengths for p in own])
    )


def _join(parts: list):
    """Arrays (or pandas Indexes) one after the other."""
    if isinstance(parts[0], pd.Index):
        return parts[0].append(list(parts[1:])) if len(parts) > 1 else parts[0]
    return np.concatenate(parts)
