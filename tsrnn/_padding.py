"""NaN padding -> lengths, valid-steps-first alignment, masks and packing.

The contract (DESIGN §2.1, STYLE §7): NaN at the start or end of a sequence means
"no step here"; NaN between observed steps is a missing value. Every sequence is
trimmed to its valid steps and stored back to back (:class:`Ragged`: memory
O(total steps), never O(n x longest)); a batch is padded only to its own longest
sequence, valid steps first, because ``pack_padded_sequence`` keeps the FIRST
``length`` steps of each row; the network reads its final state from ``h_n``. A
padded sequence therefore predicts exactly what the unpadded one does, whatever
the pad length and whatever else is in the batch.

A step "exists" when any of its features is observed; a step whose features are all
NaN is padding at the ends and a missing step in the interior.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = [
    "Ragged",
    "align",
    "as_ragged",
    "has_interior_missing",
    "network_values",
    "step_rows",
    "take",
    "token_ids",
    "truncate",
    "truncated_spans",
    "valid_spans",
]


class Ragged(NamedTuple):
    """Sequences stored back to back: memory O(total steps), not O(n x longest).

    ``values[offsets[i] : offsets[i] + lengths[i]]`` are the steps of sequence
    ``i``. ``shape`` is the shape the sequences would have NaN-padded to the
    longest, ``(n, max_length, n_features)``, so that shape checks read alike for
    a padded array and a ``Ragged``; nothing of that size is ever made.
    """

    values: np.ndarray  # (total_steps, n_features)
    lengths: np.ndarray  # (n,) int64

    @property
    def offsets(self) -> np.ndarray:
        """First row of each sequence in ``values``."""
        return np.concatenate([[0], np.cumsum(self.lengths)[:-1]]).astype(np.int64)

    @property
    def shape(self) -> tuple[int, ...]:
        longest = int(self.lengths.max()) if len(self.lengths) else 0
        return (len(self.lengths), longest, *self.values.shape[1:])

    def padded(self) -> np.ndarray:
        """The NaN-padded ``(n, max_length, n_features)`` array (small data only)."""
        out = np.full(self.shape, np.nan, dtype=self.values.dtype)
        out[np.arange(self.shape[1]) < self.lengths[:, None]] = self.values
        return out


def step_rows(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Rows ``starts[i] .. starts[i] + lengths[i] - 1`` of every ``i``, in turn (int64)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    ends = np.cumsum(lengths)
    shift = np.asarray(starts, dtype=np.int64) - (ends - lengths)
    return np.repeat(shift, lengths) + np.arange(ends[-1] if len(ends) else 0)


def align(
    values: np.ndarray | Ragged, *, name: str = "X", padding: float | None = None
) -> Ragged:
    """Trim each sequence to its valid steps and store them back to back.

    Parameters
    ----------
    values : ndarray of shape (n_samples, n_steps, n_features), or Ragged
        Float32; NaN marks absent values; leading and trailing all-NaN steps are
        padding.
    name : str, default="X"
        The argument named in errors.
    padding : float or None, default=None
        A value that also means "no value" (token id 0): a step whose features
        all equal it, or are NaN, is padding at the ends.

    Returns
    -------
    aligned : Ragged
        Sequence ``i`` is its steps from its first to its last present one
        (``lengths[i]`` of them); NaN inside are missing values. Memory is
        O(total steps), whatever the longest sequence; nothing is copied when
        there is nothing to trim.
    """
    values = as_ragged(values)
    return take(values, *valid_spans(values, name=name, padding=padding))


def as_ragged(values: np.ndarray | Ragged) -> Ragged:
    """A padded ``(n, T, ...)`` array as a :class:`Ragged` of ``n`` rows of ``T``
    steps (a view), or a Ragged as it is."""
    if isinstance(values, Ragged):
        return values
    n, n_steps = values.shape[:2]
    return Ragged(
        values.reshape(n * n_steps, *values.shape[2:]),
        np.full(n, n_steps, dtype=np.int64),
    )


def valid_spans(
    values: Ragged, *, name: str = "X", padding: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each sequence's first present step (counted from its own start) and the
    number of steps from there to its last present one; see :func:`align`."""
    flat, sizes = values
    absent = np.isnan(flat)
    if padding is not None:
        absent |= flat == padding
    if absent.ndim > 1:
        absent = absent.all(axis=tuple(range(1, absent.ndim)))
    present = np.flatnonzero(~absent)
    owner = np.searchsorted(np.cumsum(sizes), present, side="right")
    seqs = np.arange(len(sizes))
    begin = np.searchsorted(owner, seqs, side="left")
    end = np.searchsorted(owner, seqs, side="right")
    empty = begin == end
    if empty.any():
        rows = np.flatnonzero(empty)
        raise ValueError(
            f"{name} has {rows.size} sequence(s) with no observed step (all NaN), "
            f"e.g. row {rows[0]}. Drop them or fill them before fitting/predicting."
        )
    first, last = present[begin], present[end - 1]
    return first - values.offsets, (last - first + 1).astype(np.int64)


def take(values: Ragged, starts: np.ndarray, lengths: np.ndarray) -> Ragged:
    """Steps ``starts[i] .. starts[i] + lengths[i] - 1`` of each sequence ``i``
    (``values`` itself, no copy, when that is every step)."""
    if (starts == 0).all() and (lengths == values.lengths).all():
        return Ragged(values.values, lengths)
    return Ragged(values.values[step_rows(values.offsets + starts, lengths)], lengths)


def truncated_spans(
    starts: np.ndarray, lengths: np.ndarray, max_length: int | None, truncating: str
) -> tuple[np.ndarray, np.ndarray]:
    """The spans :func:`truncate` keeps of spans ``(starts, lengths)``."""
    if max_length is None:
        return starts, lengths
    kept = np.minimum(lengths, max_length)
    return starts + (lengths - kept if truncating == "pre" else 0), kept


def truncate(
    aligned: Ragged, max_length: int | None, truncating: str = "pre"
) -> Ragged:
    """Keep at most ``max_length`` steps of each aligned sequence.

    ``truncating="pre"`` drops steps from the start (keeps the most recent ones,
    as a forecaster reads a history), ``"post"`` from the end; as Keras'
    ``pad_sequences(maxlen, truncating=...)``. Steps are counted after the
    padding is trimmed: a missing value inside a sequence is a step, padding is
    not. None keeps every step.

    Examples
    --------
    >>> r = Ragged(np.arange(7.0)[:, None], np.array([5, 2]))
    >>> truncate(r, 3).values[:, 0].tolist(), truncate(r, 3, "post").lengths.tolist()
    ([2.0, 3.0, 4.0, 5.0, 6.0], [3, 2])
    """
    if max_length is None or (aligned.lengths <= max_length).all():
        return aligned
    no_pad = np.zeros(len(aligned.lengths), dtype=np.int64)
    return take(
        aligned, *truncated_spans(no_pad, aligned.lengths, max_length, truncating)
    )


def has_interior_missing(aligned: Ragged) -> bool:
    """Whether any value inside a sequence is NaN (a missing value)."""
    return bool(np.isnan(aligned.values).any())


def network_values(aligned: Ragged, *, mask_channel: bool) -> np.ndarray:
    """Float32 network input ``(total_steps, C)``: NaN -> 0, plus one
    observed-indicator channel per feature.

    With ``mask_channel`` the network can tell a missing value from a real zero.
    """
    observed = ~np.isnan(aligned.values)
    out = np.where(observed, aligned.values, np.float32(0.0))
    if mask_channel:
        out = np.concatenate([out, observed], axis=1)  # True -> 1.0
    return np.ascontiguousarray(out, dtype=np.float32)


def token_ids(aligned: Ragged, *, name: str = "X") -> np.ndarray:
    """Integer token ids ``(total_steps,)`` from aligned float values.

    Missing values (NaN) become id 0, the embedding's ``padding_idx``.
    """
    if aligned.values.shape[1] != 1:
        raise ValueError(
            f"With embedding_dim set, {name} must hold one token id per step; got "
            f"{aligned.values.shape[1]} features per step. Pass 2-D token ids "
            "(n_samples, n_steps) or a list of 1-D id arrays."
        )
    ids = aligned.values[:, 0]
    finite = ids[~np.isnan(ids)]
    if (finite < 0).any() or (finite != np.round(finite)).any():
        raise ValueError(
            f"With embedding_dim set, {name} must hold non-negative integer token ids "
            "(0 = padding). Map your tokens to ids 1..vocab_size-1 first."
        )
    return np.where(np.isnan(ids), 0.0, ids).astype(np.int64)
