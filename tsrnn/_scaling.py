"""Per-series target scaling: fit on each series' own history, invert on forecasts.

``SCALERS`` maps the ``scaler`` parameter to a function that returns per-series
``(center, scale)`` arrays of shape ``(n_series, n_targets)``; scaling is
``(y - center) / scale`` and is inverted exactly. NaN values are ignored when
fitting, column by column; a constant target gets scale 1 so nothing divides by
zero, and a target with no observed value is left as it is (center 0, scale 1).
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


#: a scale at or below this is a constant target: it gets scale 1 instead
_TINY = 1e-12


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
    centers, scales = [], []
    for values in series:
        seen = ~np.isnan(values).all(axis=0)
        if seen.all():
            center, scale = (np.asarray(a, dtype=np.float64) for a in fit(values))
        else:  # targets with no observed value keep center 0, scale 1
            center, scale = _identity(values)
            if seen.any():
                center[seen], scale[seen] = fit(values[:, seen])
        scales.append(np.where(np.isfinite(scale) & (scale > _TINY), scale, 1.0))
        centers.append(center)
    return np.asarray(centers), np.asarray(scales)


def transform(values: np.ndarray, center: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``(values - center) / scale``: what the network reads. Inverse: :func:`inverse_transform`."""
    return (values - center) / scale


def inverse_transform(
    values: np.ndarray,
    center: np.ndarray,
    scale: np.ndarray,
    transform: str | None = None,
) -> np.ndarray:
    """Network units back to original units: ``values * scale + center``, then
    the inverse of ``transform`` (see :data:`TRANSFORMS`).

    An inverse transform that overflows gives inf (no warning): the caller
    reports it.
    """
    out = values * scale + center
    if transform is None:
        return out
    with np.errstate(over="ignore"):
        return TRANSFORMS[transform][1](out)


def apply_target_transform(
    values: np.ndarray, transform: str | None, where: str = "X"
) -> np.ndarray:
    """One series' targets through ``transform`` (None: unchanged).

    Raises
    ------
    ValueError
        A value outside the transform's domain (e.g. <= 0 for ``"log"``); the
        message names ``where`` and the fix.
    """
    if transform is None:
        return values
    forward, _, bound = TRANSFORMS[transform]
    with np.errstate(invalid="ignore"):
        outside = values <= bound
    if outside.any():
        raise ValueError(
            f"target_transform={transform!r} needs target values > {bound:g}; "
            f"{where} has {int(outside.sum())} value(s) <= {bound:g} (the smallest "
            f"is {np.nanmin(values):g}). Use target_transform='log1p' for "
            "non-negative data with zeros, shift the target, or target_transform=None."
        )
    return forward(values)


def fit_covariate_scaler(covariates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each covariate column over every series' rows.

    ``covariates`` is ``(n_rows, n_covariates)`` (complete: covariates have no
    NaN). A constant column gets scale 1; no column: empty arrays.
    """
    if covariates.size == 0:
        return np.zeros(covariates.shape[1]), np.ones(covariates.shape[1])
    std = covariates.std(axis=0)
    return covariates.mean(axis=0), np.where(std > _TINY, std, 1.0)
