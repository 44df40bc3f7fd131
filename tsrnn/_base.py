"""Shared estimator base: parameters, seeding, device, the fit/predict plumbing, pickling.

:class:`BaseRNN` holds everything the estimators have in common. A concrete class
adds only its input adapter, head size, loss and output adapter.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state

from tsrnn._batches import Batch, BatchSource
from tsrnn._network import CELLS, build_network, members
from tsrnn._param_validation import Integral, Interval, Real, StrOptions
from tsrnn._state import attributes_state, getstate, set_attributes_state, setstate
from tsrnn._training import (
    TrainConfig,
    auto_batch_size,
    best_epoch,
    forward_in_order,
    total_steps,
    train,
)
from tsrnn.exceptions import TrainingDivergedError, _warn_user

__all__ = ["BaseRNN", "auto_threads", "resolve_device", "torch_threads"]

#: multiply-adds per gradient step from which ``n_threads="auto"`` uses more than
#: one thread (where there are cores to spare, see :func:`auto_threads`): where two
#: threads first paid on a quiet 2-core machine, 1.43x at 3.1e8 (a batch of 512
#: hourly windows in daily patches, hidden 64) and 1.05x at 3.9e7; beside another
#: job the same steps were 2.5x slower on two threads (``benchmarks/threads.py``)
AUTO_THREADS_WORK = 3e8
#: recurrent gates per cell: the multiply-adds of a step scale with them
_GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def resolve_device(device: str) -> torch.device:
    """``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"auto"`` -> an available torch device."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not re.fullmatch(r"cpu|cuda(:\d+)?", device):
        raise ValueError(
            f"device must be 'cpu', 'cuda', 'cuda:N' or 'auto'; got {device!r}."
        )
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available on this "
            "machine. Use device='cpu', or device='auto' to use a GPU when there is one."
        )
    return torch.device(device)


def auto_threads(work: float, cpu_count: int | None = None) -> int:
    """``n_threads="auto"``: torch threads for a fit whose steps cost ``work``.

    One thread, unless a step costs at least :data:`AUTO_THREADS_WORK`
    multiply-adds (forward and backward); then half the cores, at most 4. A
    recurrent step is a chain of small matrix products: a second thread pays
    only for large batches, and on a machine where another job runs, threads
    that wait for each other cost many times what they save (see
    ``benchmarks/threads.py``). Half the cores leaves room for that other job,
    so on a 2-core machine "auto" is always one thread. The choice depends only
    on the model, the data size and the core count, never on the load, so the
    same seed gives the same result on a busy and a quiet machine.
    """
    cores = cpu_count if cpu_count is not None else (os.cpu_count() or 1)
    if work < AUTO_THREADS_WORK:
        return 1
    return max(1, min(4, cores // 2))


def step_work(arch: dict[str, Any], batch_size: int, row_steps: float) -> float:
    """Multiply-adds of one training step (forward and backward, about 3x the
    forward pass) of the network ``arch`` on ``batch_size`` rows of ``row_steps``."""
    patch = int(arch.get("patch_size", 1))
    hidden = int(arch["hidden_size"])
    inputs = int(arch.get("input_size", 1)) * patch
    per_step = _GATES[arch["cell"]] * hidden * (hidden + inputs)
    recurrence = math.ceil(row_steps / patch)
    return 3.0 * batch_size * recurrence * per_step * int(arch.get("num_layers", 1))


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the block with ``n`` torch threads; the caller's setting is restored."""
    before = torch.get_num_threads()
    if n != before:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


def _progress(member: int, n_members: int):
    """Where ``verbose`` progress lines go: printed, naming the network of an
    ensemble (``network 2/3  epoch 1 ...``)."""
    if n_members == 1:
        return print
    return lambda line: print(f"network {member + 1}/{n_members}  {line}")


class BaseRNN(BaseEstimator):
    """Parameters and plumbing common to every tsrnn estimator (private).

    Its ``__init__`` holds the sequence estimators' parameters (``RNNClassifier``
    uses it as is); other estimators declare their own.
    """

    _parameter_constraints: dict[str, list] = {
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "lr_schedule": [StrOptions({"constant", "cosine"})],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "max_epochs": [Interval(Integral, 1, None, closed="left"), None],
        "max_steps": [Interval(Integral, 1, None, closed="left"), None],
        "gradient_clip": [Interval(Real, 0, None, closed="neither"), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "device": [str],
        "n_threads": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        cell: str = "lstm",
        *,
        hidden_size: int = 32,
        num_layers: int = 1,
        dropout: float = 0.0,
        bidirectional: bool = False,
        embedding_dim: int | None = None,
        features_per_step: int | None = None,
        max_length: int | None = None,
        truncating: str = "pre",
        learning_rate: float = 1e-2,
        lr_schedule: str = "constant",
        weight_decay: float = 0.0,
        batch_size: int = 32,
        max_epochs: int | None = 100,
        max_steps: int | None = 2000,
        gradient_clip: float | None = None,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        patience: int = 10,
        random_state=None,
        device: str = "cpu",
        n_threads: int | str = "auto",
        verbose: int = 0,
        warm_start: bool = False,
    ) -> None:
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.bidirectional = bidirectional
        self.embedding_dim = embedding_dim
        self.features_per_step = features_per_step
        self.max_length = max_length
        self.truncating = truncating
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.gradient_clip = gradient_clip
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.verbose = verbose
        self.warm_start = warm_start

    # -- fitting ---------------------------------------------------------------
    #: what each architecture entry means to a user, for warm_start's error
    _ARCH_MEANING = {
        "input_size": "network inputs per step (features, plus one missing-value "
        "channel each when the training data had interior NaN)",
        "output_size": "network outputs (targets, classes or horizon x targets x "
        "quantiles)",
        "vocab_size": "token vocabulary (largest token id + 1)",
        "extra_size": "future-covariate inputs",
    }

    def _warm(self) -> bool:
        """Whether this fit continues the fitted network (``warm_start``)."""
        return self.warm_start and self.__sklearn_is_fitted__()

    def _check_warm_arch(self, arch: dict[str, Any]) -> None:
        """With ``warm_start``, refuse a fit that needs another network than the fitted one.

        Never start over silently: the error names each changed entry and the fix.
        """
        if not self._warm() or self._arch == arch:
            return
        changed = "; ".join(
            f"{k} {self._arch.get(k)!r} -> {arch.get(k)!r}"
            + (f" ({self._ARCH_MEANING[k]})" if k in self._ARCH_MEANING else "")
            for k in sorted(set(arch) | set(self._arch))
            if self._arch.get(k) != arch.get(k)
        )
        raise ValueError(
            "warm_start=True continues training the fitted network, but this fit "
            f"needs a network of another shape: {changed}. Restore the parameters "
            "of the first fit and pass data of the same shape to continue, or set "
            "warm_start=False to start over."
        )

    def _train_config(self, n_rows: int) -> TrainConfig:
        """The loop's settings for a fit on ``n_rows`` training rows (windows or
        sequences); ``batch_size="auto"`` is resolved from them."""
        if self.max_epochs is None and self.max_steps is None:
            raise ValueError(
                "max_epochs and max_steps are both None, so training would never "
                "end. Set max_steps (a budget of gradient steps) or max_epochs."
            )
        batch_size = (
            auto_batch_size(n_rows) if self.batch_size == "auto" else self.batch_size
        )
        return TrainConfig(
            learning_rate=float(self.learning_rate),
            lr_schedule=str(self.lr_schedule),
            weight_decay=float(self.weight_decay),
            batch_size=int(batch_size),
            max_epochs=None if self.max_epochs is None else int(self.max_epochs),
            max_steps=None if self.max_steps is None else int(self.max_steps),
            gradient_clip=None
            if self.gradient_clip is None
            else float(self.gradient_clip),
            early_stopping=bool(self.early_stopping),
            patience=int(self.patience),
            verbose=int(self.verbose),
        )

    def _seed(self) -> int:
        return int(
            check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        )

    def _fit_network(
        self,
        arch: dict[str, Any],
        batches: tuple[BatchSource, BatchSource | None],
        loss,
        seed: int,
        device: torch.device,
    ):
        """Build (or reuse, with ``warm_start``) the network and train it: the fit seam.

        The caller builds everything first, on ``device`` (from
        :func:`resolve_device`): ``batches`` is ``(train, valid or None)`` (data
        moves to the device once per fit) and ``loss`` a callable of
        :data:`~tsrnn._training.LOSSES` (see :func:`~tsrnn._training.make_loss`).
        """
        self._check_warm_arch(arch)
        config = self._train_config(len(batches[0]))
        group = getattr(batches[0], "group", None)  # a distributed fit's shard
        if group is not None and group.rank != 0:  # progress is rank 0's to print
            config = dataclasses.replace(config, verbose=0)
        reuse = self._warm()
        fork_devices = [device] if device.type == "cuda" else []
        with torch.random.fork_rng(devices=fork_devices):
            # Seed only the generators this fit uses, inside the fork that restores
            # them: torch.manual_seed would also reseed every GPU's generator for
            # good, even when training on the CPU. Ensemble member i
            # (arch["n_ensembles"] > 1) is seeded with seed + i: member 0 is the
            # single network this seed gives.
            seeds = [seed + i for i in range(int(arch.get("n_ensembles", 1)))]
            if device.type == "cuda":
                with torch.cuda.device(device):
                    torch.cuda.manual_seed(seed)  # dropout on the GPU
            if reuse:
                torch.default_generator.manual_seed(seed)  # dropout on the CPU
                module = self.module_.to(device)
            else:  # weights are initialized on the CPU from each member's seed
                module = build_network(**arch, seeds=seeds).to(device)
            nets = members(module)
            self.module_, self._arch, self.device_ = module, dict(arch), str(device)
            self.history_ = list(self.history_) if reuse else []
            # each member's own history, which warm_start continues
            parts = [
                [h for h in self.history_ if h.get("member", 0) == i]
                for i in range(len(nets))
            ]
            train_batches, valid_batches = batches
            self.batch_size_ = min(config.batch_size, len(train_batches))
            self.n_threads_ = (
                auto_threads(step_work(arch, self.batch_size_, train_batches.row_steps))
                if self.n_threads == "auto"
                else int(self.n_threads)
            )
            starts = [len(part) for part in parts]
            if config.verbose:
                print(self._start_line(nets, config, train_batches, valid_batches))
            try:
                with torch_threads(self.n_threads_):
                    for i, (net, member_seed, part) in enumerate(
                        zip(nets, seeds, parts)
                    ):
                        train(  # the one loop, once per member, on the same batches
                            net,
                            train_batches,
                            loss_fn=loss,
                            config=config,
                            generator=torch.Generator().manual_seed(member_seed),
                            valid=valid_batches,
                            history=part,
                            log=_progress(i, len(nets)),
                        )
            finally:  # also after TrainingDivergedError: the module keeps good weights
                self.history_ = [
                    {**h, "member": i} if len(nets) > 1 else h
                    for i, part in enumerate(parts)
                    for h in part
                ]
                self.n_epochs_ = len(self.history_)
        self._warn_if_stalled([part[k:] for part, k in zip(parts, starts)], config)
        return self

    def _start_line(self, nets, config: TrainConfig, train_batches, valid) -> str:
        """The first ``verbose`` line of a fit: data, model size, budget, threads."""
        unit = "windows" if hasattr(self, "window_") else "sequences"
        size = sum(p.numel() for p in nets[0].parameters())
        per_epoch = math.ceil(len(train_batches) / self.batch_size_)
        chosen = ", ".join(
            f"{name[:-1]} {getattr(self, name)}"
            for name in ("window_", "patch_size_", "target_transform_", "local_level_")
            if hasattr(self, name)
        )
        return (
            f"{type(self).__name__}: {len(train_batches):,} training {unit}"
            f"{f', {len(valid):,} for validation' if valid is not None else ''}; "
            + (f"{chosen}; " if chosen else "")
            + f"{len(nets)} network{'s' * (len(nets) > 1)} of {size:,} parameters; "
            f"batches of {self.batch_size_}, at most "
            f"{total_steps(config, per_epoch):,} gradient steps; "
            f"{self.n_threads_} thread{'s' * (self.n_threads_ > 1)}"
        )

    def _warn_if_stalled(self, fits: list[list[dict]], config: TrainConfig) -> None:
        """Warn when a network's validation loss was lowest after its first epoch
        of this fit (``fits``: each member's epochs of this fit) and did not
        improve in the ``patience`` or more epochs after it: it barely trained.
        An ensemble is warned about when half of its networks or more did so."""
        stalled = [
            h for h in fits if len(h) > config.patience and best_epoch(h) is h[0]
        ]
        if 2 * len(stalled) < len(fits):  # most networks of an ensemble learnt
            return
        from sklearn.exceptions import ConvergenceWarning

        which = (
            "the network"
            if len(fits) == 1
            else f"{len(stalled)} of the {len(fits)} networks"
        )
        first, last = stalled[0][0], stalled[0][-1]
        _warn_user(
            f"The validation loss of {which} was lowest after the first epoch of "
            f"the fit and did not improve in the {len(stalled[0]) - 1} epochs after "
            f"it (training loss {first['train_loss']:.4g} -> "
            f"{last['train_loss']:.4g}): training barely changed what the network "
            "predicts on held-out data, so its predictions may be no better than a "
            "naive model's. Compare them with a baseline before using them (for "
            "forecasters: tsrnn.model_selection.backtest, next to "
            "SeasonalNaiveForecaster).",
            ConvergenceWarning,
        )

    def __sklearn_is_fitted__(self) -> bool:
        # Not "any attribute ending in _": a fit that failed after validating X
        # leaves n_features_in_ but no network.
        return getattr(self, "module_", None) is not None

    def _module_device(self) -> torch.device:
        return next(self.module_.parameters()).device

    def _outputs(self, batches: list[Batch], *, per_step: bool = False) -> np.ndarray:
        """Network outputs for gathered ``batches``; never hands NaN/inf on silently.

        Runs with ``n_threads`` torch threads (``"auto"``: the fit's choice).
        """
        threads = (
            getattr(self, "n_threads_", 1)
            if self.n_threads == "auto"
            else int(self.n_threads)
        )
        with torch_threads(threads):
            out = forward_in_order(self.module_, batches, per_step=per_step)
        if not np.isfinite(out).all():
            raise TrainingDivergedError(
                f"The network of this {type(self).__name__} produced non-finite outputs "
                "(NaN or inf): its weights or the input are out of range. Refit with a "
                "lower learning_rate or with gradient_clip set, and check X for extreme "
                "values."
            )
        return out

    # -- persistence: a CPU state_dict, rebuilt through the one network builder ---
    #: fitted attributes written by pickling and tsrnn.save besides the network;
    #: each estimator lists its own
    _persisted_attributes: tuple[str, ...] = (
        "batch_size_",
        "device_",
        "history_",
        "n_epochs_",
        "n_threads_",
    )

    def _persisted_state(self) -> dict[str, Any]:
        """The fitted state as plain values (see :mod:`tsrnn._state`)."""
        state = attributes_state(self)
        if getattr(self, "module_", None) is not None:
            state["module_"] = {
                k: v.detach().cpu().numpy().copy()
                for k, v in self.module_.state_dict().items()
            }
            state["arch"] = dict(self._arch)
        return state

    def _set_persisted_state(self, state: dict[str, Any]) -> None:
        state = dict(state)
        weights, arch = state.pop("module_", None), state.pop("arch", None)
        set_attributes_state(self, state)
        if weights is not None:
            module = build_network(**arch)
            module.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
            device = torch.device(getattr(self, "device_", "cpu"))
            if device.type == "cuda" and not torch.cuda.is_available():
                device = torch.device("cpu")
            self.module_, self._arch = module.to(device).eval(), dict(arch)
            self.device_ = str(device)

    __getstate__ = getstate
    __setstate__ = setstate
