"""Per-series target scaling: fit on each series' own history, invert on forecasts.

``SCALERS`` maps the ``scaler`` parameter to a function that returns per-series
``(center, scale)`` arrays of shape ``(n_series, n_targets)``; scaling is
``(y - center) / scale`` and is inverted exactly. NaN values are ignored when
fitting, column by column, and a target with no observed value is left as it is
(center 0, scale 1). No threshold is absolute: a series times 1e-11 or 1e10 is
scaled to the same numbers. A constant target (all observed values equal) gets
its value as center and scale 0: its inputs are divided by :func:`divisor` (``|center|``, 1 when it is
0) and a forecast adds nothing to its baseline (:func:`inverse_transform`), so a
constant series is forecast as its constant whatever the network outputs. A
non-constant target whose scaler gives no positive scale (a robust IQR of 0 for
mostly-equal values) is scaled by its standard deviation instead.
``TRANSFORMS`` are the optional monotone target transforms applied before scaling
(``target_transform``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "SCALERS",
    "TRANSFORMS",
    "apply_target_transform",
    "check_target_domain",
    "check_target_scaling",
    "divisor",
    "fit_covariate_scaler",
    "fit_scaler",
    "inverse_transform",
    "transform",
]


# numpy's nan-functions copy and mask; a complete history takes the plain ones
def _standard(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if np.isnan(values).any():
        return np.nanmean(values, axis=0), np.nanstd(values, axis=0)
    return values.mean(axis=0), values.std(axis=0)


def _robust(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    percentile = np.nanpercentile if np.isnan(values).any() else np.percentile
    q25, q50, q75 = percentile(values, [25, 50, 75], axis=0)
    return q50, q75 - q25


def _mean(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = np.nanmean if np.isnan(values).any() else np.mean
    return np.zeros(values.shape[1]), mean(np.abs(values), axis=0)


def _identity(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(values.shape[1]), np.ones(values.shape[1])


#: ``scaler`` parameter -> ``f(values (n_steps, n_targets)) -> (center, scale)``.
SCALERS: dict[str | None, Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "standard": _standard,
    "robust": _robust,
    "mean": _mean,
    None: _identity,
}


#: ``target_transform`` parameter -> ``(forward, inverse, bound)``: applied to the
#: targets before scaling and inverted on forecasts; defined for values > bound.
TRANSFORMS: dict[str, tuple[Callable, Callable, float]] = {
    "log": (np.log, np.exp, 0.0),
    "log1p": (np.log1p, np.expm1, -1.0),
}


#: ``target_transform="auto"`` takes the log only where it makes the spread of a
#: series' blocks at least this much steadier (coefficients of variation, log
#: against none); chosen on the validation suite of ``benchmarks/defaults.py``.
LOG_EVIDENCE = 0.9


def log_is_better(series: list[np.ndarray], season: int, total=None) -> bool:
    """``target_transform="auto"``: is the log scale better for these targets?

    Guerrero's criterion (Guerrero, 1993, "Time-series analysis supported by power
    transformations", J. of Forecasting 12(1); the method of R's
    ``forecast::BoxCox.lambda``), asked between the log (lambda 0) and no transform
    (lambda 1): cut each series into blocks of ``max(2, season)`` steps; a series
    votes for the log when the block standard deviations divided by the block
    means vary less (coefficient of variation) than the standard deviations
    themselves, by at least the factor :data:`LOG_EVIDENCE` (0.9), i.e. when the
    spread clearly grows with the level. A near tie keeps the data as they are: on
    the validation suite the log lost wherever the evidence was that thin
    (bike sharing daily, ratio 0.99; US macro series, median 0.95) and won where
    it was clear (M4, CO2, electrical equipment). Decided on more than half of the
    series (each column of a 2-D one) with at least 3 complete blocks, and only
    when every value is positive. ``total`` (a distributed fit's sum over its
    processes) turns this process' counts ``[votes for the log, votes,
    series with a value <= 0]`` into the whole panel's.

    Examples
    --------
    >>> t = np.arange(144.0)
    >>> level = 100 * 1.01**t
    >>> log_is_better([level * (1 + 0.2 * np.sin(2 * np.pi * t / 12))], 12)
    True
    >>> log_is_better([level + 20 * np.sin(2 * np.pi * t / 12)], 12)
    False
    """
    block = max(2, int(season))
    votes, not_positive = [], 0
    for y in series:
        y = np.asarray(y, dtype=np.float64)
        with np.errstate(invalid="ignore"):
            if (y <= 0).any():
                if total is None:
                    return False
                not_positive += 1
                continue
        for col in y.reshape(len(y), -1).T:
            k = len(col) // block
            blocks = col[len(col) - k * block :].reshape(k, block)
            blocks = blocks[np.isfinite(blocks).all(axis=1)]
            if len(blocks) < 3:
                continue
            sd = blocks.std(axis=1, ddof=1)
            ratio = sd / blocks.mean(axis=1)
            if sd.mean() > 0:
                votes.append(
                    ratio.std() / ratio.mean() < LOG_EVIDENCE * sd.std() / sd.mean()
                )
    counts = np.array([sum(votes), len(votes), not_positive], dtype=np.float64)
    yes, n, not_positive = counts if total is None else total(counts)
    return bool(not_positive == 0 and n > 0 and yes / n > 0.5)


def check_target_scaling(scaler: str | None, target_transform: str | None) -> None:
    """Refuse a ``scaler`` / ``target_transform`` pair whose scaling depends on units.

    Raises
    ------
    ValueError
        ``scaler="mean"`` with ``target_transform="log"``: mean ``|log y|`` depends
        on the unit of ``y`` (``log(1000 y) = log y + 6.9``), so the same series in
        other units would be scaled, and forecast, otherwise.
    """
    if scaler == "mean" and target_transform == "log":
        raise ValueError(
            "scaler='mean' divides by the mean absolute value, which after "
            "target_transform='log' depends on the unit of the data (a series "
            "times 1000 is shifted by log(1000), not scaled). Use "
            "scaler='standard' or scaler='robust' with target_transform='log'."
        )


def divisor(center: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """What the inputs are divided by: ``scale``, or for a constant target (scale 0)
    its own magnitude ``|center|`` (1 when that is 0), never an absolute number."""
    magnitude = np.where(center != 0, np.abs(center), 1.0)
    return np.where(scale > 0, scale, magnitude)


def _checked_scale(values: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """The scaler's ``scale`` of complete-column ``values``, 0 where a column is
    constant (exactly: every observed value equal, so rounding in a standard
    deviation of identical values never counts as spread), and the column's
    standard deviation (or range) where the scaler found no positive spread in a
    column that has one."""
    # fmax / fmin skip NaN without the copies of nanmax / nanmin
    spread = np.fmax.reduce(values, axis=0) - np.fmin.reduce(values, axis=0)
    scale = np.asarray(scale, dtype=np.float64)
    bad = ~(np.isfinite(scale) & (scale > 0)) & (spread > 0)
    if bad.any():
        std = np.nanstd(values, axis=0)
        fallback = np.where(np.isfinite(std) & (std > 0), std, spread)
        scale = np.where(bad, fallback, scale)
    return np.where(spread > 0, scale, 0.0)


def fit_scaler(
    series: list[np.ndarray], scaler: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-series ``(center, scale)``, float64 arrays of shape ``(n_series, n_targets)``.

    Parameters
    ----------
    series : list of ndarray of shape (n_steps, n_targets)
        Each series' history; NaN values are ignored.
    scaler : {"standard", "robust", "mean"} or None
        A key of :data:`SCALERS`.

    Examples
    --------
    >>> import numpy as np
    >>> center, scale = fit_scaler([np.array([[1.0], [3.0]])], "standard")
    >>> center, scale
    (array([[2.]]), array([[1.]]))
    """
    fit = SCALERS[scaler]
    if not len(series):
        return np.zeros((0, 0)), np.zeros((0, 0))
    # rows written in place: no list of small arrays per series (whose memory
    # Python's allocator would keep through the fit)
    centers = np.empty((len(series), series[0].shape[1]))
    scales = np.empty_like(centers)
    for i, values in enumerate(series):
        seen = ~np.isnan(values).all(axis=0)
        center, scale = _identity(values)  # targets with no observed value keep these
        if seen.any():
            c, sc = fit(values[:, seen])
            center[seen], scale[seen] = c, sc
            if scaler is not None:  # None leaves the values as they are
                scale[seen] = _checked_scale(values[:, seen], sc)
                # a constant is its own center (the mean scaler's is 0): it is what
                # a forecast with scale 0 gives back
                const = seen.copy()
                const[seen] = scale[seen] == 0
                center[const] = np.fmax.reduce(values[:, const], axis=0)
        scales[i], centers[i] = scale, center
    return centers, scales


def transform(values: np.ndarray, center: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``(values - center) / divisor(center, scale)``: what the network reads.

    Inverse: :func:`inverse_transform`.
    """
    return (values - center) / divisor(center, scale)


def inverse_transform(
    values: np.ndarray,
    center: np.ndarray,
    scale: np.ndarray,
    transform: str | None = None,
    baseline: np.ndarray | None = None,
) -> np.ndarray:
    """Network units back to original units: ``values * scale + center``, then
    the inverse of ``transform`` (see :data:`TRANSFORMS`).

    ``baseline`` (network units, broadcast like ``values``) is what ``values``
    are a change from (the forecasters' ``local_level``): it is inverted with
    :func:`divisor`, the change with ``scale``, so a constant target (scale 0)
    gets its baseline back exactly, whatever ``values`` hold.

    An inverse transform that overflows gives inf (no warning): the caller
    reports it.
    """
    out = values * scale + center
    if baseline is not None:
        out = out + baseline * divisor(center, scale)
    if transform is None:
        return out
    with np.errstate(over="ignore"):
        return TRANSFORMS[transform][1](out)


def apply_target_transform(
    values: np.ndarray, transform: str | None, where: str = "X", fix: str = ""
) -> np.ndarray:
    """One series' targets through ``transform`` (None: unchanged).

    Raises
    ------
    ValueError
        A value outside the transform's domain (e.g. <= 0 for ``"log"``); the
        message names ``where`` and the fix: ``fix`` when given (a fitted model
        forecasting a new history is refit, not reconfigured), else the
        ``target_transform`` to use instead.
    """
    if transform is None:
        return values
    check_target_domain(values, transform, where, fix)
    return TRANSFORMS[transform][0](values)


def check_target_domain(
    values: np.ndarray, transform: str, where: str = "X", fix: str = ""
) -> None:
    """Raise the error of :func:`apply_target_transform` for a value of ``values``
    outside ``transform``'s domain (nothing is transformed)."""
    bound = TRANSFORMS[transform][2]
    with np.errstate(invalid="ignore"):
        outside = values <= bound
    if outside.any():
        raise ValueError(
            f"target_transform={transform!r} needs target values > {bound:g}; "
            f"{where} has {int(outside.sum())} value(s) <= {bound:g} (the smallest "
            f"is {np.nanmin(values):g}). "
            + (
                fix
                or "Use target_transform='log1p' for non-negative data with zeros, "
                "shift the target, or target_transform=None."
            )
        )


def fit_covariate_scaler(
    covariates: np.ndarray, gather=None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each covariate column over every series' rows.

    ``covariates`` is ``(n_rows, n_covariates)`` (complete: covariates have no
    NaN). A constant column (every value equal) gets scale 1, a varying one its
    standard deviation however small; no column: empty arrays. ``gather`` (a
    distributed fit's gather over its processes) pools every process' rows:
    their counts, means, sums of squared deviations and ranges are combined
    (Chan, Golub and LeVeque, 1979, "Updating formulae and a pairwise algorithm
    for computing sample variances").
    """
    if gather is not None:
        return _pooled_scaler(gather(_moments(covariates)))
    if covariates.size == 0:
        return np.zeros(covariates.shape[1]), np.ones(covariates.shape[1])
    scale = _checked_scale(covariates, covariates.std(axis=0))
    return covariates.mean(axis=0), np.where(scale > 0, scale, 1.0)


def _moments(x: np.ndarray) -> tuple:
    """``(n, mean, sum of squared deviations, min, max)`` of each column of ``x``."""
    if len(x) == 0:
        return 0, None, None, None, None
    mean = x.mean(axis=0)
    return len(x), mean, ((x - mean) ** 2).sum(axis=0), x.min(axis=0), x.max(axis=0)


def _pooled_scaler(parts: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`fit_covariate_scaler` of the rows whose :func:`_moments` are ``parts``."""
    parts = [p for p in parts if p[0] > 0]
    n, mean, m2, low, high = parts[0]
    for k, mu, s2, lo, hi in parts[1:]:
        delta = mu - mean
        m2 = m2 + s2 + delta**2 * n * k / (n + k)
        mean = mean + delta * k / (n + k)
        n, low, high = n + k, np.minimum(low, lo), np.maximum(high, hi)
    std = np.sqrt(m2 / n)
    scale = np.where(high > low, np.where(std > 0, std, high - low), 0.0)
    return mean, np.where(scale > 0, scale, 1.0)
