"""The one training loop, its masked losses and in-memory batching.

Control flow is explicit (STYLE §8): early stopping breaks the loop, Ctrl-C warns
and restores the best weights, a non-finite loss restores the last good weights
and raises :class:`~tsrnn.exceptions.TrainingDivergedError`. Batches are random
index sets gathered from tensors that live on the training device for the whole
fit: no DataLoader, no per-sample Python, one host sync per epoch.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from tsrnn._batches import Batch, BatchSource, batch_plan
from tsrnn._pointwise import masked_mean, pinball
from tsrnn.exceptions import (
    TrainingDivergedError,
    TrainingInterruptedWarning,
    _warn_user,
)

__all__ = [
    "LOSSES",
    "PinballLoss",
    "TrainConfig",
    "auto_batch_size",
    "auto_ensembles",
    "forward_in_order",
    "make_loss",
    "train",
]


def mse_loss(pred, target, mask=None):
    return masked_mean((pred - target) ** 2, mask)


def mae_loss(pred, target, mask=None):
    return masked_mean((pred - target).abs(), mask)


def huber_loss(pred, target, mask=None):
    return masked_mean(F.huber_loss(pred, target, reduction="none"), mask)


def cross_entropy_loss(pred, target, mask=None):
    if pred.dim() == 3:  # per step: (batch, steps, classes) -> classes second
        pred = pred.transpose(1, 2)
    if mask is None:
        return F.cross_entropy(pred, target)
    return masked_mean(F.cross_entropy(pred, target, reduction="none"), mask)


class PinballLoss(nn.Module):
    """Pinball loss averaged over ``quantiles``; ``pred`` is ``(B, ... * Q)``.

    The levels are a buffer, so ``.to(device)`` moves them with the batches.
    ``pred`` is read as ``target``'s shape with one trailing entry per level.
    """

    def __init__(self, quantiles) -> None:
        super().__init__()
        self.register_buffer(
            "quantiles", torch.as_tensor(quantiles, dtype=torch.float32)
        )

    def forward(self, pred, target, mask=None):
        pred = pred.reshape(*target.shape, len(self.quantiles))
        loss = pinball(target.unsqueeze(-1) - pred, self.quantiles).mean(dim=-1)
        return masked_mean(loss, mask)


#: ``loss`` name -> ``f(pred, target, mask) -> scalar``; ``mask`` is 1 where a
#: target is observed (NaN targets are excluded from the loss), or a non-negative
#: weight (sample weights): the loss is then the weighted mean. ``"pinball"``
#: is a class: :func:`make_loss` builds it with its quantile levels.
LOSSES: dict[str, Callable[..., torch.Tensor]] = {
    "mse": mse_loss,
    "mae": mae_loss,
    "huber": huber_loss,
    "cross_entropy": cross_entropy_loss,
    "pinball": PinballLoss,
}


def make_loss(name: str, *, quantiles=None, device=None) -> Callable[..., torch.Tensor]:
    """The loss called ``name``, on ``device``; ``"pinball"`` needs ``quantiles``."""
    if name == "pinball":
        return PinballLoss(quantiles).to(device)
    return LOSSES[name]


@dataclass(frozen=True)
class TrainConfig:
    """Resolved training settings (validated by the estimator)."""

    learning_rate: float = 1e-3
    lr_schedule: str = "constant"
    weight_decay: float = 0.0
    batch_size: int = 32
    max_epochs: int | None = 100
    max_steps: int | None = None
    gradient_clip: float | None = None
    early_stopping: bool = False
    patience: int = 10
    verbose: int = 0


#: ``batch_size="auto"``: about this many gradient steps per epoch, within
#: :data:`AUTO_BATCH_RANGE` (a power of two)
AUTO_STEPS_PER_EPOCH = 150
AUTO_BATCH_RANGE = (16, 512)


def auto_batch_size(n_rows: int) -> int:
    """``batch_size="auto"``: the power of two nearest ``n_rows / 150``, in [16, 512].

    Small data gets small batches (many steps per epoch, as it needs); large data
    gets batches of up to 512, so that a step budget (``max_steps``) covers more of
    it: an epoch of 10,000 windows is about 150 steps of 64, one of 400,000 windows
    about 800 steps of 512.
    """
    low, high = AUTO_BATCH_RANGE
    target = max(n_rows, 1) / AUTO_STEPS_PER_EPOCH
    return int(min(max(2 ** round(math.log2(max(target, 1))), low), high))


#: ``n_ensembles="auto"``: this many networks for fewer training windows than
#: :data:`AUTO_ENSEMBLE_ROWS`, one above
AUTO_ENSEMBLE_MEMBERS = 3
AUTO_ENSEMBLE_ROWS = 3000


def auto_ensembles(n_rows: int) -> int:
    """``n_ensembles="auto"``: 3 networks for fewer than 3,000 training windows, else 1.

    On little data one network's forecast depends on its seed as much as on the
    data; the mean of a few networks does not, and such fits are cheap (a fit on
    fewer than 3,000 windows takes batches of 16 and at most ``max_steps`` steps,
    a few seconds). Chosen on the validation suite of ``benchmarks/defaults.py``
    (11 small datasets, seeds 0-2): the spread of the log MASE ratio across seeds
    fell from 0.057 to 0.024 with 3 members (0.023 with 5) and the geometric
    mean ratio to AutoETS from 1.019 to 1.001 (0.997). Larger data keep one
    network: a budget of steps already averages over many windows, and an
    ensemble would multiply the fit time that ``max_steps`` bounds.

    Examples
    --------
    >>> auto_ensembles(100), auto_ensembles(2999), auto_ensembles(3000)
    (3, 3, 1)
    """
    return AUTO_ENSEMBLE_MEMBERS if n_rows < AUTO_ENSEMBLE_ROWS else 1


def total_steps(config: TrainConfig, steps_per_epoch: int) -> int:
    """Gradient steps of one fit: ``max_epochs`` epochs or ``max_steps``, the fewer."""
    limits = [
        config.max_epochs * steps_per_epoch if config.max_epochs is not None else None,
        config.max_steps,
    ]
    return int(min(x for x in limits if x is not None))


def _state_copy(module: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


@torch.inference_mode()
def evaluate(module: nn.Module, batches, loss_fn, batch_size: int) -> float:
    """Mean loss over ``batches`` in fixed order.

    Each batch's loss is weighted by its number of targets, or by the sum of its
    mask when it has one (observed targets times sample weights), so the result is
    the masked (weighted) mean over the whole of ``batches``, however they are cut.
    """
    module.eval()
    group = getattr(batches, "group", None)  # a shard: this rank's rows, then reduced
    if group is not None:
        batches = batches.local
    total = weight = 0.0
    for idx in batch_plan(batches, batch_size):  # a mean: any order will do
        inputs, y, m, _ = batches.gather(idx)
        w = y.numel() if m is None else float(m.sum())  # targets in the mean
        total += float(loss_fn(module(*inputs), y, m)) * w
        weight += w
    if group is not None:
        total, weight = (float(v) for v in group.sum([total, weight]))
    return total / weight if weight > 0 else 0.0


def _epoch_batches(batches, batch_size: int, generator: torch.Generator):
    """One epoch's batches of row indices: the source's own plan, or a random
    permutation cut into ``batch_size`` batches."""
    if hasattr(batches, "shuffled_batches"):
        return batches.shuffled_batches(batch_size, generator)
    # int32 where it fits (the same permutation as int64, half the memory)
    dtype = torch.int32 if len(batches) < 2**31 else torch.int64
    perm = torch.randperm(len(batches), generator=generator, dtype=dtype)
    return (idx.long() for idx in perm.split(batch_size))


def train(
    module: nn.Module,
    batches,
    *,
    loss_fn: Callable[..., torch.Tensor],
    config: TrainConfig,
    generator: torch.Generator,
    valid: BatchSource | None = None,
    history: list[dict] | None = None,
    log: Callable[[str], None] = print,
) -> list[dict]:
    """Train ``module`` in place with Adam; return the per-epoch history.

    Parameters
    ----------
    module : nn.Module
        Called as ``module(*inputs)`` with the inputs a batch source gathers.
    batches : BatchSource
        Training rows (see :mod:`tsrnn._batches`).
    loss_fn : callable
        ``loss_fn(pred, target, mask)``, one of :data:`LOSSES`.
    config : TrainConfig
    generator : torch.Generator
        Source of the batch order (seeded by the estimator).
    valid : like ``batches`` or None
        Validation rows for early stopping, evaluated once per epoch.
    history : list of dict or None
        Earlier history to continue (``warm_start``); epochs are numbered on.

    Returns
    -------
    history : list of dict
        One ``{"epoch", "train_loss", "valid_loss", "steps", "seconds"}`` per
        epoch; ``steps`` counts this fit's gradient steps so far (the last epoch
        of a fit that ``max_steps`` ends may be partial).
    """
    history = [] if history is None else history
    first_epoch = history[-1]["epoch"] + 1 if history else 1
    # a shard of a distributed fit (tsrnn._distributed): the same global batches
    # on every rank, each rank back-propagating its part through DDP
    group = getattr(batches, "group", None)
    net = module if group is None else group.wrap(module)
    params = [p for p in module.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(
        params, lr=config.learning_rate, weight_decay=config.weight_decay
    )
    n = len(batches)
    bs = min(config.batch_size, n)
    per_epoch = math.ceil(n / bs)  # every batch source cuts an epoch this way
    budget = total_steps(config, per_epoch)
    schedule = None
    if config.lr_schedule == "cosine":  # half a cosine to 0 over this fit's steps
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(
            optimizer, T_max=budget, eta_min=0.0
        )
    last_good = _state_copy(module)
    best_state, best_loss, bad_epochs = None, math.inf, 0
    stop, start = "interrupted (Ctrl-C)", len(history)
    device = next(module.parameters()).device
    steps = 0
    try:
        for epoch in range(first_epoch, first_epoch + math.ceil(budget / per_epoch)):
            t0 = time.perf_counter()
            module.train()
            total = torch.zeros((), device=device)
            seen = 0
            for idx in _epoch_batches(batches, bs, generator):
                if steps == budget:  # max_steps ends the fit inside an epoch
                    break
                steps += 1
                seen += len(idx)
                optimizer.zero_grad(set_to_none=True)
                if group is None:
                    inputs, y, m, _ = batches.gather(idx)
                    loss = loss_fn(module(*inputs), y, m)
                    loss.backward()
                else:
                    loss = batches.backward(net, idx, loss_fn)
                if config.gradient_clip is not None:
                    nn.utils.clip_grad_norm_(params, config.gradient_clip)
                optimizer.step()
                if schedule is not None:
                    schedule.step()
                total += loss.detach() * len(idx)
            if group is not None:  # each rank's share of every batch's loss
                total = group.sum_tensor(total)
            train_loss = float(total) / seen  # the one sync per epoch
            valid_loss = (
                evaluate(module, valid, loss_fn, max(bs, 1024))
                if valid is not None
                else None
            )
            if not math.isfinite(train_loss) or (
                valid_loss is not None and not math.isfinite(valid_loss)
            ):
                module.load_state_dict(last_good)
                which, value = (
                    ("loss", train_loss)
                    if not math.isfinite(train_loss)
                    else ("validation loss", valid_loss)
                )
                raise TrainingDivergedError(
                    f"Training diverged: the {which} became {value} at epoch {epoch}. "
                    "The weights of the last finite epoch were restored. Lower "
                    f"learning_rate (now {config.learning_rate:g}) or set gradient_clip "
                    f"(now {config.gradient_clip}), e.g. gradient_clip=1.0, and refit."
                )
            last_good = _state_copy(module)
            seconds = time.perf_counter() - t0
            history.append(
                {
                    "epoch": epoch,
                    "train_loss": train_loss,
                    "valid_loss": valid_loss,
                    "steps": steps,
                    "seconds": seconds,
                }
            )
            if config.verbose:
                valid_txt = (
                    "" if valid_loss is None else f"  valid_loss {valid_loss:.5g}"
                )
                log(
                    f"epoch {epoch:4d}  train_loss {train_loss:.5g}{valid_txt}  "
                    f"{seconds:.2f}s"
                )
            if config.early_stopping and valid_loss is not None:
                if valid_loss < best_loss:
                    best_loss, best_state, bad_epochs = valid_loss, last_good, 0
                else:
                    bad_epochs += 1
                    if bad_epochs >= config.patience:
                        stop = (
                            f"the validation loss did not improve for {bad_epochs} "
                            "epochs (patience)"
                        )
                        break
        else:
            stop = (
                f"the budget of {budget} gradient steps was spent ("
                + (
                    "max_steps"
                    if config.max_steps is not None and budget == config.max_steps
                    else "max_epochs"
                )
                + ")"
            )
    except KeyboardInterrupt:
        _warn_user(
            "Training interrupted (KeyboardInterrupt); keeping the best weights so "
            "far. The estimator is fitted and can predict.",
            TrainingInterruptedWarning,
        )
        module.load_state_dict(last_good)
    if best_state is not None:
        module.load_state_dict(best_state)
    module.eval()
    if config.verbose:
        log(fit_summary(history[start:], stop, kept_best=best_state is not None))
    return history


def best_epoch(history: list[dict]) -> dict | None:
    """The epoch of ``history`` whose validation loss is lowest (the first of
    equals), or None without validation losses."""
    scored = [h for h in history if h.get("valid_loss") is not None]
    return min(scored, key=lambda h: h["valid_loss"]) if scored else None


def fit_summary(history: list[dict], stop: str, *, kept_best: bool = True) -> str:
    """The end-of-fit line: epochs run, why training stopped, the best epoch (and
    whether its weights were kept: early stopping keeps them, else the last
    epoch's stay).

    Examples
    --------
    >>> h = [{"epoch": 1, "valid_loss": 0.5}, {"epoch": 2, "valid_loss": 0.4}]
    >>> fit_summary(h, "the budget of 20 gradient steps was spent (max_steps)")
    'stopped after epoch 2: the budget of 20 gradient steps was spent (max_steps); best epoch 2 (valid_loss 0.4), its weights kept'
    """
    if not history:
        return f"stopped before the first epoch: {stop}"
    best = best_epoch(history)
    kept = (
        f"; best epoch {best['epoch']} (valid_loss {best['valid_loss']:.5g}), "
        + ("its weights kept" if kept_best else "the last epoch's weights kept")
        if best is not None
        else ""
    )
    return f"stopped after epoch {history[-1]['epoch']}: {stop}{kept}"


@torch.inference_mode()
def forward_in_order(
    module: nn.Module, batches: list[Batch], *, per_step: bool = False
) -> np.ndarray:
    """Network outputs of each gathered batch, in order, as float32 numpy.

    ``batches`` is :func:`~tsrnn._batches.gather_in_order` of a batch source.
    ``per_step``: the network outputs ``(batch, steps, outputs)``; each row's
    valid steps are kept, in turn: ``(total_steps, outputs)``, never padded to
    the longest row of the data.
    """
    if module.training:
        module.eval()
    outs = []
    for b in batches:
        out = module(*b.inputs).float()
        if per_step:
            x, lengths = b.inputs[0], b.inputs[1]
            if lengths is None:  # every row as long as the batch
                out = out.reshape(-1, out.shape[-1])
            else:
                inside = torch.arange(x.shape[1])[None, :] < lengths[:, None]
                out = out[inside.to(out.device)]
        outs.append(out.cpu())
    return torch.cat(outs).numpy()
