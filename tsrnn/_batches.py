"""Batch sources: the tensors a fit or a forecast reads, gathered by index.

Every source has ``len()`` and ``gather(idx) -> Batch`` (:class:`BatchSource`);
the training loop and :func:`gather_in_order` know nothing else about it.

* :class:`SequenceBatches`: rows of in-memory ``(n, T, F)`` tensors (the sequence
  estimators).
* :class:`WindowBatches`: forecasting windows as offsets into one contiguous
  tensor in which :func:`encode` stacks every series of a panel (memory O(data),
  not O(data x window)); :func:`n_pad` gives each window's padding rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
import torch

from tsrnn._naive import seasonal_lags
from tsrnn._padding import step_rows
from tsrnn._panel import Panel
from tsrnn._scaling import transform
from tsrnn._windowing import WindowRuns

__all__ = [
    "Batch",
    "BatchSource",
    "Encoded",
    "SequenceBatches",
    "WindowBatches",
    "batch_plan",
    "encode",
    "gather_in_order",
    "n_pad",
]


class Batch(NamedTuple):
    """One gathered batch: ``module(*inputs)`` runs it, ``loss(out, targets, mask)`` scores it.

    ``baseline`` is what the targets are relative to (a forecast adds it back to
    the outputs); None when they are not relative to anything.
    """

    inputs: tuple
    targets: torch.Tensor | None
    mask: torch.Tensor | None  # 1.0 where a target is observed
    baseline: torch.Tensor | None = None


class BatchSource(Protocol):
    """What the training loop reads: a number of rows and a gather by index.

    A source may also offer ``shuffled_batches(batch_size, generator)`` (one
    epoch's training batches; default: a random permutation cut in batches) and
    ``sorted_batches(batch_size)`` (see :func:`batch_plan`), as
    :class:`SequenceBatches` does to batch rows of similar length together.
    """

    def __len__(self) -> int: ...

    def gather(self, idx: torch.Tensor) -> Batch: ...

    @property
    def row_steps(self) -> float:
        """Mean input steps of a row (sets the thread policy's cost estimate)."""


def gather_in_order(batches: BatchSource, batch_size: int = 4096) -> list[Batch]:
    """Every row of ``batches``, in order, in batches of ``batch_size``."""
    n = len(batches)
    return [
        batches.gather(torch.arange(start, min(start + batch_size, n)))
        for start in range(0, n, batch_size)
    ]


def batch_plan(batches: BatchSource, batch_size: int) -> list[torch.Tensor]:
    """Every row once, in batches of at most ``batch_size`` (order not kept).

    The source's ``sorted_batches`` when it has one (rows of similar length
    together), else rows in order. For results whose order does not matter (a
    mean loss), or that the caller puts back with ``torch.cat(plan)``.
    """
    if hasattr(batches, "sorted_batches"):
        return batches.sorted_batches(batch_size)
    return [idx for idx in torch.arange(len(batches)).split(batch_size) if len(idx)]


class SequenceBatches:
    """Sequences stored back to back (memory O(total steps)), gathered by index.

    A batch is padded to its own longest sequence only; :meth:`shuffled_batches`
    (training) and :meth:`sorted_batches` (inference, validation) put sequences
    of similar length together, so one long sequence among short ones costs
    little more than its own steps.

    Parameters
    ----------
    inputs : Tensor of shape (total_steps, F) float32, or (total_steps,) int64 token ids
        Each sequence's steps in turn (see :func:`tsrnn._padding.align`), on the
        training device. A padded ``(n, T, F)`` (or ``(n, T)`` token) tensor,
        valid-steps-first, is accepted too: its first ``lengths[i]`` steps of
        each row are kept.
    lengths : array-like of shape (n,), int64
    targets : Tensor of shape (n, ...) or None
        One target per sequence; with ``step_targets``, one per step:
        ``(total_steps, ...)``, each sequence's steps in turn as ``inputs``.
    target_mask : Tensor like ``targets`` (1.0 = observed, or a sample weight) or None
    step_targets : bool, default=False
        Whether ``targets`` hold a target per step. A batch then gathers them
        padded like its inputs, ``(batch, longest, ...)``, with a mask that is 0
        on the padding steps (and the given mask elsewhere), so padding never
        enters the loss.
    """

    def __init__(
        self, inputs, lengths, targets=None, target_mask=None, *, step_targets=False
    ) -> None:
        self.step_targets = bool(step_targets)
        self.lengths = torch.as_tensor(lengths, dtype=torch.int64).cpu()
        flat_dims = 2 if inputs.is_floating_point() else 1
        if inputs.dim() == flat_dims + 1:  # padded rows: keep each row's own steps
            inside = torch.arange(inputs.shape[1]) < self.lengths[:, None]
            inputs = inputs[inside.to(inputs.device)]
        self.inputs = inputs
        self.targets = targets
        self.target_mask = target_mask
        n = len(self.lengths)
        self.offsets = torch.cumsum(self.lengths, 0) - self.lengths
        self.uniform = bool((self.lengths == self.lengths[:1]).all())
        device = inputs.device
        self._offsets = self.offsets.to(device)
        self._lengths = self.lengths.to(device)
        if self.uniform and n:  # all one length: rows are a free view
            self._rows = inputs.reshape(n, int(self.lengths[0]), *inputs.shape[1:])
            if self.step_targets and targets is not None:
                steps = int(self.lengths[0])
                self._target_rows = targets.reshape(n, steps, *targets.shape[1:])
                observed = target_mask is None or bool((target_mask == 1).all())
                self._mask_rows = (  # None: every step observed, a plain mean
                    None
                    if observed
                    else target_mask.reshape(n, steps, *target_mask.shape[1:])
                )

    @property
    def row_steps(self) -> float:
        """Mean input steps of a row (a sequence's length), for cost estimates."""
        return float(self.lengths.double().mean()) if len(self.lengths) else 0.0

    def __len__(self) -> int:
        return len(self.lengths)

    def to(self, device) -> SequenceBatches:
        """The same rows with tensors on ``device`` (moved once per fit)."""
        move = lambda t: None if t is None else t.to(device)  # noqa: E731
        return SequenceBatches(
            move(self.inputs),
            self.lengths,
            move(self.targets),
            move(self.target_mask),
            step_targets=self.step_targets,
        )

    def subset(self, idx: np.ndarray) -> SequenceBatches:
        """Rows ``idx`` as a new batch source (their steps copied back to back)."""
        idx = np.asarray(idx, dtype=np.int64)
        lengths = self.lengths.numpy()[idx]
        rows = step_rows(self.offsets.numpy()[idx], lengths)
        t = torch.from_numpy(rows if self.step_targets else idx)
        pick = lambda v: None if v is None else v[t.to(v.device)]  # noqa: E731
        return SequenceBatches(
            self.inputs[torch.from_numpy(rows).to(self.inputs.device)],
            lengths,
            pick(self.targets),
            pick(self.target_mask),
            step_targets=self.step_targets,
        )

    def gather(self, idx: torch.Tensor) -> Batch:
        """The :class:`Batch` of rows ``idx``; inputs ``(x, lengths)``.

        ``x`` is padded to the longest row of the batch (a shorter row repeats its
        last step, which packing never shows the network); ``lengths`` is None
        when every row of the batch has the same length (no packing).
        """
        dev_idx = idx.to(self.inputs.device, non_blocking=True)
        lengths = None
        if self.uniform:
            x = self._rows[dev_idx]
        else:
            lengths = self.lengths[idx]
            max_len = int(lengths.max())
            start = self._offsets[dev_idx]
            last = start + self._lengths[dev_idx] - 1
            steps = torch.arange(max_len, device=start.device)
            x = self.inputs[torch.minimum(start[:, None] + steps, last[:, None])]
            if bool((lengths == max_len).all()):
                lengths = None
        if self.step_targets and self.targets is not None:
            y, m = self._step_targets(dev_idx)
            return Batch((x, lengths), y, m)
        y = None if self.targets is None else self.targets[dev_idx]
        m = None if self.target_mask is None else self.target_mask[dev_idx]
        return Batch((x, lengths), y, m)

    def _step_targets(self, dev_idx: torch.Tensor):
        """Per-step targets of rows ``dev_idx``, padded like their inputs, and a
        mask that is 0 on padding steps: ``(batch, longest, ...)`` both."""
        if self.uniform:  # no padding step: views, as for the inputs
            m = self._mask_rows
            return self._target_rows[dev_idx], None if m is None else m[dev_idx]
        start, length = self._offsets[dev_idx], self._lengths[dev_idx]
        steps = torch.arange(int(length.max()), device=start.device)
        inside = steps[None, :] < length[:, None]
        at = torch.minimum(start[:, None] + steps, (start + length - 1)[:, None])
        y = self.targets[at]
        valid = inside.reshape(*inside.shape, *([1] * (y.dim() - 2))).to(torch.float32)
        if self.target_mask is None:
            return y, valid.expand_as(y).contiguous() if y.dim() > 2 else valid
        return y, self.target_mask[at] * valid

    def shuffled_batches(
        self, batch_size: int, generator: torch.Generator
    ) -> list[torch.Tensor]:
        """One epoch's random batches of row indices, of rows of similar length.

        A random permutation cut into ``batch_size`` batches. With lengths that
        differ, each run of ``50 * batch_size`` rows of the permutation is sorted
        by length before it is cut, and the batches are shuffled: each batch is
        padded to about its own rows' length (not the longest of the data), and
        the order stays random under ``generator``.
        """
        order = torch.randperm(len(self), generator=generator)
        if self.uniform:
            return list(order.split(batch_size))
        chunks = order.split(50 * batch_size)
        order = torch.cat(
            [c[torch.argsort(self.lengths[c], stable=True)] for c in chunks]
        )
        batches = order.split(batch_size)
        return [batches[i] for i in torch.randperm(len(batches), generator=generator)]

    def sorted_batches(
        self, batch_size: int = 4096, max_steps: int = 2**20
    ) -> list[torch.Tensor]:
        """Every row once, in batches of rows sorted by length (inference, validation).

        A batch holds at most ``batch_size`` rows and, unless one row alone is
        longer, at most ``max_steps`` padded steps (rows x its longest row).
        Concatenated, the batches are the stable sort of the rows by length:
        the caller puts the outputs back in row order.
        """
        order = torch.argsort(self.lengths, stable=True)
        lengths = self.lengths[order].numpy()
        batches, start, n = [], 0, len(order)
        while start < n:
            ahead = lengths[start : start + batch_size]  # ascending
            padded = np.arange(1, len(ahead) + 1) * ahead
            size = max(1, int(np.searchsorted(padded, max_steps, side="right")))
            batches.append(order[start : start + size])
            start += size
        return batches


@dataclass
class Encoded:
    """All series stacked along time, one block of rows after the other."""

    data: np.ndarray  # (N, C) float32 network inputs; the first T: scaled targets
    observed: np.ndarray | None  # (N, T) float32, 1 = observed; None: all observed
    offsets: np.ndarray  # (n_series,) first row of each series' block
    n_targets: int
    future: slice | None  # the channels of the known-ahead covariates

    def tensors(self, device) -> dict[str, torch.Tensor | None]:
        """``data`` as a tensor on ``device``; ``targets`` (NaN as 0) and ``future``
        are views of its channels, ``observed`` None when every target is."""
        data = torch.from_numpy(self.data).to(device)
        return {
            "data": data,
            "targets": data[:, : self.n_targets],
            "observed": None
            if self.observed is None
            else torch.from_numpy(self.observed).to(device),
            "future": None if self.future is None else data[:, self.future],
        }


def encode(
    panel: Panel,
    *,
    center: np.ndarray,
    scale: np.ndarray,
    cov_center: np.ndarray,
    cov_scale: np.ndarray,
    mask_channel: bool,
    target_values: Sequence[np.ndarray],
    future_rows: list[np.ndarray] | None = None,
) -> Encoded:
    """Scale and stack ``panel``; ``future_rows`` appends known-ahead rows per series.

    ``target_values`` are the targets as the network reads them (``panel.target``
    after ``target_transform``; same shapes). Each series' block is its steps,
    then its ``future_rows`` (known-ahead covariates; other channels 0): a window
    that begins before its series reads its valid steps only (``n_pad``), so no
    padding rows are stored. Targets are scaled ``(y - center) / scale`` and covariates
    ``(x - cov_center) / cov_scale``; a missing target is 0 with ``observed`` 0.
    """
    n_t = panel.target[0].shape[1]
    n_p, n_f, n_s = (
        panel.past[0].shape[1],
        panel.future[0].shape[1],
        panel.static.shape[1],
    )
    extra = 0 if future_rows is None else future_rows[0].shape[0]
    sizes = np.array([len(t) + extra for t in panel.target])
    offsets = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
    n_mask = n_t if mask_channel else 0
    n_ch = n_t + n_mask + n_p + n_f + n_s
    data = np.zeros((sizes.sum(), n_ch), dtype=np.float32)
    # the loss mask exists only where some target is missing (memory O(data))
    missing = any(np.isnan(t).any() for t in target_values)
    observed = np.zeros((sizes.sum(), n_t), dtype=np.float32) if missing else None
    c0 = n_t + n_mask
    for i, start in enumerate(offsets):
        length = len(panel.target[i])
        rows = slice(start, start + length)
        y = transform(target_values[i], center[i], scale[i])
        seen = ~np.isnan(y)
        data[rows, :n_t] = np.where(seen, y, 0.0)
        if observed is not None:
            observed[rows] = seen
        if mask_channel:
            data[rows, n_t:c0] = seen
        if n_p + n_f + n_s == 0:
            continue
        covs = panel.covariates(i)
        if extra:
            ahead = np.zeros((extra, covs.shape[1]))
            ahead[:, n_p : n_p + n_f] = future_rows[i]
            ahead[:, n_p + n_f :] = panel.static[i]
            covs = np.concatenate([covs, ahead])
            rows = slice(rows.start, rows.stop + extra)
        data[rows, c0:] = transform(covs, cov_center, cov_scale)
    future = slice(c0 + n_p, c0 + n_p + n_f) if n_f else None
    return Encoded(data, observed, offsets, n_t, future)


def n_pad(cutoffs: np.ndarray, block_start: np.ndarray, window: int) -> np.ndarray:
    """Padding rows at the start of each window: the steps it would read before
    its series begins (never read: the window holds its valid steps only).

    ``cutoffs`` are rows of the stacked tensor (see :func:`encode`), ``block_start``
    the first row of each window's series block.
    """
    return np.maximum(0, block_start - (cutoffs - (window - 1)))


class WindowBatches:
    """Forecasting windows as offsets into one contiguous tensor: memory O(data).

    Series are stacked along time in ``data``, one block of rows after the other.
    A window is its cutoff row ``cutoff`` (the last input step) and ``n_pad``, the
    number of its steps before its series begins (a short series' windows). A
    batch gathers rows ``cutoff - window + 1 + n_pad ...`` (valid steps first, as
    packing needs; the rows after them repeat ``cutoff`` and are never shown to
    the network) and the ``horizon`` target rows after ``cutoff``.

    Parameters
    ----------
    data : Tensor of shape (n_rows, n_channels), float32
        Input channels; the first ``n_targets`` are the (scaled) targets.
    targets : Tensor of shape (n_rows, n_targets) or None
        Scaled targets with NaN replaced by 0 (None when only predicting).
    observed : Tensor of shape (n_rows, n_targets) or None
        1.0 where a target is observed: the loss mask.
    windows : WindowRuns
        Each window's cutoff row and its number of padding rows (see :func:`n_pad`),
        as runs of consecutive cutoffs (memory O(runs)).
    window, horizon, n_targets : int
    future : Tensor of shape (n_rows, n_future) or None
        Known-ahead covariates; their ``horizon`` rows after the cutoff go to the
        network's head.
    local_level : {"last", "seasonal"} or None
        ``"last"``: inputs and targets relative to the last input target value.
        ``"seasonal"``: inputs relative to it as well, targets relative to the
        seasonal naive forecast read from the window (the value ``season`` steps
        before each target, the last season repeated), so the network learns a
        correction to seasonal naive. A lag the window does not hold (window
        shorter than the season, or a padded start) falls back to the last value.
    season : int
        Season length for ``local_level="seasonal"``.
    """

    def __init__(
        self,
        data,
        targets,
        observed,
        windows: WindowRuns,
        *,
        window,
        horizon,
        n_targets,
        future=None,
        local_level=None,
        season=1,
    ) -> None:
        self.data, self.targets, self.observed, self.future = (
            data,
            targets,
            observed,
            future,
        )
        device = data.device
        # runs of consecutive windows (three integers per series in training),
        # located per batch on the CPU
        self.windows = windows
        self.window, self.horizon, self.n_targets = window, horizon, n_targets
        if local_level not in (None, "last", "seasonal"):
            raise ValueError(f"unknown local_level {local_level!r}")
        self.local_level = local_level
        # the row seasonal naive repeats for each lead time, counted back from the cutoff
        self._lags = torch.as_tensor(seasonal_lags(horizon, season), device=device)
        self.uniform = not bool((windows.pad_first > 0).any())
        self._steps = torch.arange(window, device=device)
        self._ahead = torch.arange(1, horizon + 1, device=device)

    @property
    def row_steps(self) -> float:
        """Input steps of a row (the window), for cost estimates."""
        return float(self.window)

    def __len__(self) -> int:
        return len(self.windows)

    def gather(self, idx: torch.Tensor) -> Batch:
        """The :class:`Batch` of windows ``idx``; inputs ``(x, lengths, extra)``.

        Its ``baseline`` ``(len(idx), horizon, n_targets)`` is what the targets
        are relative to (see ``local_level``); None when ``local_level`` is None.
        """
        cutoff_cpu, pad_cpu = map(torch.from_numpy, self.windows.locate(idx.numpy()))
        device = self.data.device
        cutoff = cutoff_cpu.to(device, non_blocking=True)
        first = cutoff - (self.window - 1)
        lengths = None
        if self.uniform:
            rows = first[:, None] + self._steps
        else:
            pad = pad_cpu.to(device, non_blocking=True)
            rows = torch.minimum(
                first[:, None] + pad[:, None] + self._steps, cutoff[:, None]
            )
            if bool(pad_cpu.any()):
                lengths = self.window - pad_cpu
        x = self.data[rows]
        level = base = None
        if self.local_level is not None:
            level = self.data[cutoff, : self.n_targets]
            base = self._baseline(cutoff, rows[:, 0], level)
            x = torch.cat(
                (
                    x[:, :, : self.n_targets] - level[:, None, :],
                    x[:, :, self.n_targets :],
                ),
                dim=2,
            )
        ahead = cutoff[:, None] + self._ahead
        extra = None
        if self.future is not None:
            extra = self.future[ahead].reshape(len(idx), -1)
        y = m = None
        if self.targets is not None:
            y = self.targets[ahead]
            if base is not None:
                y = y - base
            y = y.reshape(len(idx), -1)
            if self.observed is not None:  # None: every target observed
                m = self.observed[ahead].reshape(len(idx), -1)
        return Batch((x, lengths, extra), y, m, base)

    def _baseline(self, cutoff, first_valid, level) -> torch.Tensor:
        """What the targets are relative to: ``(n, horizon, n_targets)``."""
        if self.local_level == "last":
            return level[:, None, :].expand(-1, self.horizon, -1)
        rows = cutoff[:, None] - self._lags
        held = rows >= first_valid[:, None]
        rows = torch.where(held, rows, cutoff[:, None])
        return self.data[rows, : self.n_targets]
