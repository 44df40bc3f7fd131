"""Per-series target scaling: fit on each series' own history, invert on forecasts.

``SCALERS`` maps the ``scaler`` parameter to a function that returns per-series
``(center, scale)`` arrays of shape ``(n_series, n_targets)``; scaling is
``(y - center) / scale`` and is inverted exactly. NaN values are ignored when
fitting; a constant (or all-NaN) series gets scale 1 so nothing divides by zero.
``TRANSFORMS`` are the optional monotone target transforms applied before scaling
(``target_transform``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["SCALERS", "TRANSFORMS", "fit_scaler"]


def _standard(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.nanmean(values, axis=0), np.nanstd(values, axis=0)


def _robust(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    q25, q50, q75 = np.nanpercentile(values, [25, 50, 75], axis=0)
    return q50, q75 - q25


def _mean(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(values.shape[1]), np.nanmean(np.abs(values), axis=0)


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


def fit_scaler(
    series: list[np.ndarray], scaler: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-series ``(center, scale)``, each of shape ``(n_series, n_targets)``.

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
        if np.isnan(values).all(axis=0).any():
            center, scale = _identity(values)
        else:
            center, scale = fit(values)
        scale = np.where(np.isfinite(scale) & (scale > 1e-12), scale, 1.0)
        centers.append(np.nan_to_num(center))
        scales.append(scale)
    return np.asarray(centers, dtype=np.float64), np.asarray(scales, dtype=np.float64)
