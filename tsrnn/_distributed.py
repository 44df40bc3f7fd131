"""One global model trained by several processes: data parallelism on ``torch.distributed``.

When a forecaster's ``fit`` runs inside an initialised process group (started by
``torchrun``, or by a Dask / Ray cluster that starts torch workers) with more than
one process, :func:`current_group` returns a :class:`Group` and the fit

* reads only this rank's shard of the series (:func:`shard_frame`,
  :func:`shard_panel`): contiguous blocks of the panel's series in order, so
  that the global order of series (and of training windows) is the one a
  single process would use;
* makes every data-dependent choice (window, target transform, baseline,
  covariate scaling, batch size, ensemble size) on the statistics of the whole
  panel, reduced across ranks;
* trains the network wrapped in ``DistributedDataParallel``: every rank draws
  the same permutation of the *global* windows, takes the windows of each
  global batch that it holds (:class:`ShardedWindows`), and weighs its loss so
  that the averaged gradient is the gradient of the masked mean loss over the
  whole global batch: the same steps as one process with the same batch size,
  up to floating-point summation order;
* reduces the training and validation losses, so early stopping stops every
  rank at the same epoch;
* gathers each series' fitted state (scaling, training tail, MASE scale), so
  that every rank ends with the same fitted estimator.

Nothing here runs for a single process: :func:`current_group` is None and the
fit is the one of every other day.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import distributed as dist

from tsrnn._arrow import arrow_source, from_arrow, is_arrow
from tsrnn._panel import Panel, Roles

__all__ = [
    "Group",
    "ShardedWindows",
    "current_group",
    "gather_fitted",
    "shard_frame",
    "shard_panel",
]


@dataclass(frozen=True)
class Group:
    """The default process group of this fit: this process' ``rank`` of ``size``."""

    rank: int
    size: int
    device: torch.device  # where collective tensors live: the GPU for NCCL

    def gather(self, obj) -> list:
        """``obj`` of every rank, in rank order (any picklable object)."""
        out = [None] * self.size
        dist.all_gather_object(out, obj)
        return out

    def sum(self, values) -> np.ndarray:
        """The element-wise sum of ``values`` (numbers) over the ranks, float64."""
        t = torch.as_tensor(np.asarray(values, dtype=np.float64), device=self.device)
        t = t.clone()
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return t.cpu().numpy()

    def sum_tensor(self, t: torch.Tensor) -> torch.Tensor:
        """``t`` (a tensor on the training device) summed over the ranks."""
        out = t.detach().to(self.device, torch.float64).clone()
        dist.all_reduce(out, op=dist.ReduceOp.SUM)
        return out.to(t.device, t.dtype)

    def any(self, flag: bool) -> bool:
        """Whether ``flag`` is true on some rank."""
        return bool(self.sum([float(bool(flag))])[0] > 0)

    def max(self, value: float) -> float:
        return float(max(self.gather(value)))

    def concat(self, values) -> np.ndarray:
        """Every rank's ``values`` (1-D), one after the other in rank order."""
        return np.concatenate([np.asarray(v) for v in self.gather(np.asarray(values))])

    def wrap(self, module: torch.nn.Module) -> torch.nn.Module:
        """``module`` for training: its gradients averaged over the ranks."""
        from torch.nn.parallel import DistributedDataParallel

        device = next(module.parameters()).device
        return DistributedDataParallel(
            module, device_ids=[device] if device.type == "cuda" else None
        )


def current_group() -> Group | None:
    """The process group ``fit`` trains in, or None (one process: no group, or a
    group of size 1)."""
    if not (dist.is_available() and dist.is_initialized()):
        return None
    size = dist.get_world_size()
    if size < 2:
        return None
    backend = str(dist.get_backend()).lower()
    device = (
        torch.device("cuda", torch.cuda.current_device())
        if backend == "nccl"
        else torch.device("cpu")
    )
    return Group(dist.get_rank(), size, device)


def _frame_digest(X) -> str:
    """A fingerprint of a frame's (or Series') rows: index and values, in order.

    Hashed a million rows at a time, so the row hashes never take more memory
    than that.
    """
    digest = hashlib.sha256()
    for start in range(0, len(X), 2**20):
        rows = pd.util.hash_pandas_object(X.iloc[start : start + 2**20], index=True)
        digest.update(rows.to_numpy().tobytes())
    return digest.hexdigest()


def _series_digests(panel: Panel) -> dict:
    """Each series' id -> a fingerprint of its timestamps and values."""
    out = {}
    for i, sid in enumerate(panel.ids):
        index = panel.index[i]
        times = index.asi8 if hasattr(index, "asi8") else np.asarray(index)
        digest = hashlib.sha1(np.ascontiguousarray(times).tobytes())
        for part in (panel.target[i], panel.past[i], panel.future[i], panel.static[i]):
            digest.update(np.ascontiguousarray(part).tobytes())
        out[sid] = digest.hexdigest()
    return out


def _block(n: int, group: Group) -> slice:
    """This rank's contiguous part of ``n`` series (the first ``n % size`` ranks
    take one more)."""
    base, extra = divmod(n, group.size)
    start = group.rank * base + min(group.rank, extra)
    return slice(start, start + base + (group.rank < extra))


def _too_few(n: int, group: Group) -> ValueError:
    return ValueError(
        f"fit runs in a torch.distributed process group of {group.size} processes "
        f"(data-parallel training, one shard of series per process), but the panel "
        f"has {n} series, so some process would have none. Train with at most {n} "
        f"process{'es' * (n > 1)}, or call fit outside the process group for a "
        "single-process fit."
    )


def _series_keys(X, roles: Roles):
    """The series id of each row of a long panel ``X``, or None for other forms."""
    if not isinstance(X, (pd.Series, pd.DataFrame)):
        return None
    if roles.id_col is not None:
        has = isinstance(X, pd.DataFrame) and roles.id_col in X.columns
        return X[roles.id_col] if has else None
    if roles.time_col is None and X.index.nlevels == 2:
        return pd.Series(X.index.get_level_values(0), index=X.index)
    return None


def shard_frame(X, y, roles: Roles, group: Group | None):
    """``(X, y)`` cut to this rank's series when every rank passed the same long panel.

    Reading the rows of this rank's series only is what lets each process hold
    its shard, not the panel. Anything else is returned as it is:
    :func:`shard_panel` then tells shards from whole panels after reading.
    """
    if group is None or y is not None:
        return X, y
    X = _arrow_shard(X, roles, group)
    keys = _series_keys(X, roles)
    if keys is None:
        return X, y
    if len(set(group.gather(_frame_digest(X)))) != 1:
        return X, y  # not the same rows everywhere: told apart after reading
    ids = pd.unique(keys.to_numpy())
    if len(ids) < group.size:
        raise _too_few(len(ids), group)
    mine = ids[_block(len(ids), group)]
    return X[keys.isin(mine).to_numpy()], y


def _arrow_shard(X, roles: Roles, group: Group):
    """A Parquet path or Arrow dataset with ``id_col``: this rank's rows as pandas
    when every rank holds the same ids (read by a filter on the ids of its
    block), else ``X`` as it is (read whole, then told apart)."""
    if roles.id_col is None or roles.time_col is None:
        return X
    X = arrow_source(X)
    if not is_arrow(X) or not hasattr(X, "to_table"):  # a dataset, not a table
        return X
    import pyarrow.dataset as ds

    ids = pd.unique(X.to_table(columns=[roles.id_col]).column(0).to_numpy())
    digest = hashlib.sha256(pd.util.hash_array(np.asarray(ids, dtype=object)).tobytes())
    if len(set(group.gather(digest.hexdigest()))) != 1:
        return X
    if len(ids) < group.size:
        raise _too_few(len(ids), group)
    mine = ids[_block(len(ids), group)].tolist()
    rows = X.to_table(filter=ds.field(roles.id_col).isin(mine))
    return from_arrow(rows, roles)


def shard_panel(panel: Panel, group: Group, warm_start: bool = False) -> Panel:
    """This rank's shard of ``panel`` (``warm_start``: a fit that would continue
    an earlier one, refused).

    Every rank passed either the same panel (each then takes a contiguous block
    of its series) or its own series (disjoint sets: rank 0's come first in the
    fitted model, then rank 1's, ...). The ranks must agree on the targets and
    the time axis.

    Raises
    ------
    ValueError
        One series (no panel), fewer series than processes, series held by two
        ranks, ranks that read different targets or frequencies, or
        ``warm_start``.
    """
    if warm_start:
        raise ValueError(
            "warm_start=True cannot continue a fit in a torch.distributed process "
            "group (each process holds a shard of the series): set "
            "warm_start=False, or continue the fit in one process."
        )
    if not panel.panel:
        raise ValueError(
            "fit runs in a torch.distributed process group (data-parallel training "
            "shards the series of a panel over the processes), but X is one series. "
            "Pass a panel (id_col= or (series_id, time) rows), or call fit outside "
            "the process group."
        )
    seen = group.gather((list(panel.target_names), panel.axis.kind, panel.axis.freqstr))
    for r, (names, kind, freq) in enumerate(seen):
        if (names, kind, freq) != seen[0]:
            raise ValueError(
                f"The processes of the group read different data: rank 0 has targets "
                f"{seen[0][0]} on a {seen[0][1]} axis of frequency {seen[0][2]!r}, "
                f"rank {r} targets {names} at {freq!r} ({kind}). Pass every rank the "
                "same columns, and freq= when a shard's frequency cannot be inferred."
            )
    shards = group.gather(list(_series_digests(panel).items()))  # in rank order
    if all(dict(part) == dict(shards[0]) for part in shards):  # the same panel
        order = [sid for sid, _ in shards[0]]  # rank 0's order of series
        if len(order) < group.size:
            raise _too_few(len(order), group)
        position = {sid: i for i, sid in enumerate(panel.ids)}
        return panel.select([position[sid] for sid in order[_block(len(order), group)]])
    owner: dict = {}
    for r, part in enumerate(shards):
        for sid, digest in part:
            if sid in owner:
                first, other = owner[sid]
                differ = " with different values" if other != digest else ""
                raise ValueError(
                    f"Series {sid!r} is held by ranks {first} and {r} of the process "
                    f"group{differ}, but not every rank passed the same series. Pass "
                    "every rank either the same panel (the same series and values, "
                    "in any order: each trains on its block of series) or its own "
                    "series, each series on one rank."
                )
            owner[sid] = (r, digest)
    if min(len(part) for part in shards) == 0:
        raise _too_few(len(owner), group)
    return panel


class ShardedWindows:
    """This rank's training windows, indexed by their position among all ranks'.

    The windows of the whole panel, in the global order of series, are numbered
    ``0 .. n_global - 1``; this rank holds the contiguous run ``start ..
    start + len(local) - 1`` (its series are a contiguous block). ``len()`` is
    ``n_global``, so the training loop draws the same permutation of global
    windows on every rank; :meth:`backward` takes this rank's part of a global
    batch.
    """

    def __init__(self, local, start: int, n_global: int, group: Group) -> None:
        self.local, self.start, self.n_global, self.group = (
            local,
            start,
            n_global,
            group,
        )

    @classmethod
    def build(cls, local, group: Group) -> ShardedWindows:
        counts = group.gather(len(local))
        return cls(local, int(sum(counts[: group.rank])), int(sum(counts)), group)

    def __len__(self) -> int:
        return self.n_global

    @property
    def row_steps(self) -> float:
        return self.local.row_steps

    def backward(self, net, idx: torch.Tensor, loss_fn) -> torch.Tensor:
        """Back-propagate this rank's share of the loss of global batch ``idx``.

        The share is ``sum of this rank's masked losses / the global batch's
        mask total``, times the group size because ``DistributedDataParallel``
        averages gradients over the ranks. A rank holding no window of the batch
        runs one of its windows with weight 0, as every rank must take part in
        each gradient reduction. Returns the share (detached): summed over the
        ranks it is the batch's loss.
        """
        held = (idx >= self.start) & (idx < self.start + len(self.local))
        local = idx[held] - self.start
        empty = local.numel() == 0
        if empty:
            local = torch.zeros(1, dtype=idx.dtype)
        inputs, y, m, _ = self.local.gather(local)
        loss = loss_fn(net(*inputs), y, m)
        weight = (
            torch.tensor(float(y.numel()), device=loss.device)
            if m is None
            else m.sum().to(loss.dtype)
        )
        if empty:
            weight = weight * 0
        total = self.group.sum_tensor(weight)
        share = loss * weight / (total + (total == 0))
        (share * self.group.size).backward()
        return share.detach()


def gather_fitted(est, group: Group) -> None:
    """Give ``est`` (fitted on this rank's shard) the fitted state of every series.

    The network is the same on every rank after training; what is per series
    (ids, scaling, the training tail ``predict`` starts from, the MASE scale)
    is gathered in rank order, the global order of the series.
    """
    parts = group.gather(
        (
            est.series_ids_,
            est.center_,
            est.scale_,
            est._history,
            est._naive_scale,
            est._scale_note,
        )
    )
    ids, center, scale, history, naive, notes = zip(*parts)
    est.series_ids_ = [sid for part in ids for sid in part]
    est.center_, est.scale_ = np.concatenate(center), np.concatenate(scale)
    est._history = Panel.concat(list(history))
    est._naive_scale = np.concatenate(naive)
    est._scale_note = " ".join(note for note in notes if note)
