"""What a forecaster's ``fit`` decides from the data: its "auto" and None defaults.

One place resolves ``window``, ``patch_size``, ``target_transform`` and
``local_level`` into the values the fitted model keeps (``window_``,
``patch_size_``, ``target_transform_``, ``local_level_``). Each rule lives with
its concept and is only called from here: the window rules in
:mod:`tsrnn._windowing`, the log test in :mod:`tsrnn._scaling`, the seasonal
baseline test in :mod:`tsrnn._naive`. The training budget (``batch_size="auto"``)
and the thread policy (``n_threads="auto"``) are resolved by the fit seam that
every estimator shares (:mod:`tsrnn._base`). A ``warm_start`` fit keeps the
choices of the first fit, and :func:`check_warm_data` refuses data it cannot
continue on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tsrnn._naive import seasonal_baseline_wins
from tsrnn._panel import Panel, series_name, warn_short_series
from tsrnn._scaling import apply_target_transform, check_target_domain, log_is_better
from tsrnn._windowing import default_patch_size, default_window
from tsrnn.exceptions import _warn_user

__all__ = [
    "LEVELS",
    "Choices",
    "check_warm_data",
    "network_targets",
    "refit_fix",
    "resolve",
]

#: ``local_level`` parameter -> WindowBatches' baseline
LEVELS = {True: "last", False: None, "last": "last", "seasonal": "seasonal"}


@dataclass(frozen=True)
class Choices:
    """The resolved settings of one fit."""

    window: int
    patch_size: int
    target_transform: str | None
    local_level: str | None


def network_targets(panel: Panel, transform: str | None, fix: str = "") -> Sequence:
    """Each series' targets as the network reads them: through ``transform``
    (``fix``: the remedy an out-of-domain value's error gives, see
    :func:`~tsrnn._scaling.apply_target_transform`).

    ``panel.target`` itself without a transform; otherwise each series is
    transformed when it is read (and again at each read), so the transformed
    panel never exists in memory at once beside the network's inputs. Every
    series' domain is checked here, in order, before the caller changes
    anything: a value outside it raises now, not at a later read.
    """
    if transform is None:
        return panel.target
    for sid, t in zip(panel.ids, panel.target):
        check_target_domain(t, transform, series_name(sid), fix)
    return _Transformed(panel, transform, fix)


class _Transformed(Sequence):
    """``panel``'s targets through a target transform, one series at a time."""

    def __init__(self, panel: Panel, transform: str, fix: str) -> None:
        self.panel, self.transform, self.fix = panel, transform, fix

    def __len__(self) -> int:
        return len(self.panel.target)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(len(self))[i]]
        sid = self.panel.ids[i]
        return apply_target_transform(
            self.panel.target[i], self.transform, series_name(sid), self.fix
        )


def refit_fix(transform: str | None, auto: bool) -> str:
    """The remedy for a new history outside the fitted ``transform``'s domain
    (``auto``: chosen by ``target_transform="auto"``): a refit, since the fitted
    scaling and network read the transformed scale."""
    chosen = " (chosen by target_transform='auto')" * auto
    return (
        f"This model was fitted with target_transform_={transform!r}{chosen} and "
        "forecasts only histories in its domain. To forecast this one, refit from "
        "scratch with target_transform='log1p' (non-negative data with zeros) or "
        "None, e.g. est.set_params(target_transform=None, warm_start=False)"
        ".fit(X); or shift the target."
    )


def resolve(
    est, panel: Panel, lengths: np.ndarray, fitted: Choices | None, group=None
) -> tuple[Choices, Sequence]:
    """``est``'s settings for a fit on ``panel`` (series ``lengths``), and the
    targets on the chosen scale (:func:`network_targets`, computed once).

    ``fitted`` holds a ``warm_start`` fit's earlier choices, which the continued
    fit keeps where the parameter is left to choose (``window=None``,
    ``"auto"``): the window and patch size, the target transform and the
    baseline (the scaling and the network were fit on them); None for a fresh
    fit. ``group`` (a distributed fit's :class:`~tsrnn._distributed.Group`,
    ``panel`` being this process' shard) makes each choice on the whole panel.

    Raises
    ------
    ValueError
        ``patch_size`` longer than the window.
    """
    horizon, season = int(est.horizon), panel.axis.season
    if est.window:
        window = int(est.window)
    elif fitted is not None:  # the network was fit on windows of this length
        window = fitted.window
    else:
        every = lengths if group is None else group.concat(lengths)
        window = default_window(season, horizon, every)
    if est.patch_size != "auto":
        patch = int(est.patch_size)
    elif fitted is not None and window == fitted.window:
        patch = fitted.patch_size
    else:
        patch = default_patch_size(window, season)
    if patch > window:
        raise ValueError(
            f"patch_size={est.patch_size} exceeds the window of {window} steps; "
            "a patch is a piece of the window. Use a patch_size of at most "
            f"{window} (e.g. the season) or a longer window."
        )
    if est.local_level == "seasonal" and season > 1:
        warn_short_series(
            panel,
            lengths,
            season + 1,
            f"no longer than the season ({season}), so with "
            "local_level='seasonal' these series' forecasts are relative to "
            "their last value where no value one season earlier exists; the "
            "other series keep the seasonal naive baseline.",
        )
    if est.local_level == "seasonal" and season <= 1:
        _warn_user(
            f"local_level='seasonal' forecasts from the value one season back, but "
            f"the time axis of X ({panel.axis.freqstr!r}) has no season, so it is "
            "the last value: local_level_ is 'last'. Pass X on a DatetimeIndex or "
            "PeriodIndex of a seasonal frequency (e.g. 'h', 'D', 'MS'), or set "
            "local_level='last'.",
            UserWarning,
        )
    transform = est.target_transform
    if transform == "auto":
        if fitted is not None:
            transform = fitted.target_transform
        elif est.scaler == "mean":  # the log with mean scaling is unit-dependent
            transform = None
        else:
            total = None if group is None else group.sum
            transform = "log" if log_is_better(panel.target, season, total) else None
    values = network_targets(panel, transform)
    level = LEVELS.get(est.local_level)
    if level == "seasonal" and season <= 1:
        level = "last"  # the same forecasts, named for what they are
    if est.local_level == "auto":
        if fitted is not None:
            level = fitted.local_level
        else:
            wins = seasonal_baseline_wins(
                values, horizon, season, total=None if group is None else group.sum
            )
            level = "seasonal" if wins else "last"
    if fitted is not None:
        _check_warm_choices(fitted, transform, level)
    return Choices(window, patch, transform, level), values


def _check_warm_choices(fitted: Choices, transform, level) -> None:
    """With ``warm_start``, refuse a fit whose targets mean something else: the
    fitted scaling and network read them on the first fit's scale, relative to
    its baseline, and continuing on another would forecast nonsense."""
    changed = [
        f"{name} {old!r} -> {new!r}"
        for name, old, new in (
            ("target_transform", fitted.target_transform, transform),
            ("local_level", fitted.local_level, level),
        )
        if old != new
    ]
    if changed:
        raise ValueError(
            "warm_start=True continues training the fitted network and keeps the "
            "scaling of the first fit, which read the targets on its scale and "
            f"relative to its baseline; this fit changes them: {'; '.join(changed)}."
            " Set these parameters to the fitted values (or 'auto') to continue, "
            "or set warm_start=False to refit from scratch."
        )


def check_warm_data(est, panel: Panel, covariates: dict[str, list]) -> None:
    """With ``warm_start``, refuse data the fitted network and scalers cannot take.

    Called before anything is changed: the series and targets keep their
    scaling, the covariate columns (each role, in order) their input channels.
    """
    if list(panel.ids) != list(est.series_ids_) or list(panel.target_names) != list(
        est.target_names_
    ):
        raise ValueError(
            "warm_start=True continues training on the series and targets of the "
            f"first fit ({len(est.series_ids_)} series, targets "
            f"{est.target_names_}); X has {len(panel.ids)} series, targets "
            f"{panel.target_names}. Pass the same series (each series keeps its "
            "scaling), or set warm_start=False to refit from scratch."
        )
    fitted = getattr(est, "covariates_", None)  # None: saved before it existed
    changed = [
        f"{role}={fitted[role]} -> {names}"
        for role, names in covariates.items()
        if fitted is not None and list(fitted[role]) != names
    ]
    n_columns = sum(len(names) for names in covariates.values())
    if not changed and n_columns != len(est._cov_center):
        changed = [f"{len(est._cov_center)} -> {n_columns} covariate columns"]
    if changed:
        raise ValueError(
            "warm_start=True continues training the fitted network, whose "
            "inputs are the covariate columns of the first fit, each in its "
            f"role; this fit changes them: {'; '.join(changed)}. Restore the "
            "covariate parameters of the first fit to continue, or set "
            "warm_start=False to refit from scratch."
        )
