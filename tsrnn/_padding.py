"""NaN padding -> lengths, valid-steps-first alignment, masks and packing.

The contract (DESIGN §2.1, STYLE §7): NaN at the start or end of a sequence means
"no step here"; NaN between observed steps is a missing value. Every sequence is
moved valid-steps-first, because ``pack_padded_sequence`` keeps the FIRST
``length`` steps of each row; the network reads its final state from ``h_n``. A
padded sequence therefore predicts exactly what the unpadded one does, whatever
the pad length and whatever else is in the batch.

A step "exists" when any of its features is observed; a step whose features are all
NaN is padding at the ends and a missing step in the interior.
"""

from __future__ import annotations

import numpy as np

__all__ = ["align", "has_interior_missing", "network_values", "token_ids"]


def align(values: np.ndarray, *, name: str = "X") -> tuple[np.ndarray, np.ndarray]:
    """Move each row's valid steps to the front and trim the common padding.

    Parameters
    ----------
    values : ndarray of shape (n_samples, n_steps, n_features), float32
        NaN marks absent values; leading and trailing all-NaN steps are padding.

    Returns
    -------
    aligned : ndarray of shape (n_samples, max_length, n_features), float32
        Row ``i`` holds its steps ``0 .. lengths[i] - 1`` and NaN after them.
    lengths : ndarray of shape (n_samples,), int64
    """
    present = ~np.isnan(values).all(axis=2)
    empty = ~present.any(axis=1)
    if empty.any():
        rows = np.flatnonzero(empty)
        raise ValueError(
            f"{name} has {rows.size} sequence(s) with no observed step (all NaN), "
            f"e.g. row {rows[0]}. Drop them or fill them before fitting/predicting."
        )
    n_steps = values.shape[1]
    first = present.argmax(axis=1)
    last = n_steps - 1 - present[:, ::-1].argmax(axis=1)
    lengths = (last - first + 1).astype(np.int64)
    max_len = int(lengths.max())
    if not first.any():
        aligned = values[:, :max_len]
        if (lengths == max_len).all():
            return aligned, lengths
        aligned = aligned.copy()
    else:
        steps = np.arange(max_len)
        index = np.minimum(first[:, None] + steps, n_steps - 1)
        aligned = np.take_along_axis(values, index[:, :, None], axis=1)
    aligned[np.arange(max_len) >= lengths[:, None]] = np.nan
    return aligned, lengths


def _inside(aligned: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    return np.arange(aligned.shape[1]) < lengths[:, None]


def has_interior_missing(aligned: np.ndarray, lengths: np.ndarray) -> bool:
    """Whether any value inside a sequence's length is NaN (a missing value)."""
    return bool((np.isnan(aligned) & _inside(aligned, lengths)[:, :, None]).any())


def network_values(aligned: np.ndarray, *, mask_channel: bool) -> np.ndarray:
    """Float32 network input: NaN -> 0, plus one observed-indicator channel per feature.

    With ``mask_channel`` the network can tell a missing value from a real zero.
    Padding steps are zero too, but packing never shows them to the network.
    """
    observed = ~np.isnan(aligned)
    out = np.where(observed, aligned, np.float32(0.0))
    if mask_channel:
        out = np.concatenate([out, observed], axis=2)  # True -> 1.0
    return np.ascontiguousarray(out, dtype=np.float32)


def token_ids(aligned: np.ndarray, *, name: str = "X") -> np.ndarray:
    """Integer token ids ``(n_samples, max_length)`` from aligned float values.

    Padding (and NaN) become id 0, the embedding's ``padding_idx``.
    """
    if aligned.shape[2] != 1:
        raise ValueError(
            f"With embedding_dim set, {name} must hold one token id per step; got "
            f"{aligned.shape[2]} features per step. Pass 2-D token ids "
            "(n_samples, n_steps) or a list of 1-D id arrays."
        )
    ids = aligned[:, :, 0]
    finite = ids[~np.isnan(ids)]
    if (finite < 0).any() or (finite != np.round(finite)).any():
        raise ValueError(
            f"With embedding_dim set, {name} must hold non-negative integer token ids "
            "(0 = padding). Map your tokens to ids 1..vocab_size-1 first."
        )
    return np.where(np.isnan(ids), 0.0, ids).astype(np.int64)
