"""Input checks shared by the metrics: numbers, shapes, no inf, NaN = missing actual."""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np

__all__ = [
    "as_float",
    "check_fraction",
    "check_interval",
    "check_pair",
    "check_series",
    "check_values",
]


def as_float(x: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be numeric (an array-like of numbers, NaN for missing "
            f"values); it could not be converted to floats: {exc}"
        ) from None


def check_values(arr: np.ndarray, name: str, ndims: tuple[int, ...]) -> np.ndarray:
    if arr.ndim not in ndims:
        want = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(
            f"{name} must be {want}; got shape {arr.shape}. Pass one series as a 1-D "
            "array and several series or windows as rows of a 2-D array."
        )
    if arr.size == 0:
        raise ValueError(
            f"{name} is empty (shape {arr.shape}); pass at least one value."
        )
    if np.isinf(arr).any():
        raise ValueError(
            f"{name} contains inf; replace it with a finite value (or with NaN, to "
            "leave that point out when it is an actual value)."
        )
    return arr


def check_pair(
    y_true, y_pred, name: str = "y_pred"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated ``(y_true, y_pred, observed)``: same shape, 1-D or 2-D, no inf.

    ``name`` is the forecast's name in the messages (``"lower"`` for a bound).
    """
    t = check_values(as_float(y_true, "y_true"), "y_true", (1, 2))
    p = check_values(as_float(y_pred, name), name, (1, 2))
    if t.shape != p.shape:
        raise ValueError(
            f"y_true and {name} must have the same shape; got y_true {t.shape} and "
            f"{name} {p.shape}. Pass one forecast per actual value (2-D: one row per "
            "series or window, one column per step)."
        )
    observed = ~np.isnan(t)
    if not observed.any():
        raise ValueError(
            "y_true has no observed value (all NaN), so there is nothing to score. "
            "Pass actual values for at least one forecast step."
        )
    if np.isnan(p[observed]).any():
        raise ValueError(
            f"{name} has NaN where y_true is observed: a forecast is missing. Fill it, "
            "or set y_true to NaN there to leave that point out."
        )
    return t, p, observed


def check_interval(
    y_true, lower, upper
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validated ``(y_true, lower, upper, observed)`` of interval forecasts.

    Each bound is checked against ``y_true`` as :func:`check_pair` checks a
    forecast; ``y_true=None`` counts every point as observed (for the width
    alone). ``lower > upper`` is refused wherever both bounds are given.
    """
    lo = check_values(as_float(lower, "lower"), "lower", (1, 2))
    hi = check_values(as_float(upper, "upper"), "upper", (1, 2))
    if lo.shape != hi.shape:
        raise ValueError(
            f"lower and upper must have the same shape; got lower {lo.shape} and "
            f"upper {hi.shape}. Pass one lower and one upper bound per forecast step."
        )
    t, lo, observed = check_pair(
        np.zeros(lo.shape) if y_true is None else y_true, lo, "lower"
    )
    _, hi, _ = check_pair(t, hi, "upper")
    crossed = lo > hi  # False where a bound is NaN
    if crossed.any():
        first = tuple(int(i) for i in np.argwhere(crossed)[0])
        where = first[0] if len(first) == 1 else first
        raise ValueError(
            f"lower > upper at {int(crossed.sum())} point(s), the first at index "
            f"{where} (lower {lo[first]:g}, upper {hi[first]:g}); every lower bound "
            "must be at most its upper bound. If the bounds were passed the wrong way "
            "round, swap them."
        )
    return t, lo, hi, observed


def check_fraction(value, name: str, example: str) -> float:
    """``value`` as a float strictly between 0 and 1 (a quantile, alpha, a coverage)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not 0.0 < float(value) < 1.0
    ):
        raise ValueError(
            f"{name} must be a number strictly between 0 and 1 ({example}); got "
            f"{value!r}."
        )
    return float(value)


def check_series(y_train, name: str = "y_train") -> np.ndarray:
    """One complete 1-D series (no NaN, no inf), for the benchmark forecasts."""
    y = check_values(as_float(y_train, name), name, (1,))
    if np.isnan(y).any():
        raise ValueError(
            f"{name} contains NaN; the benchmark forecasts need a complete series. "
            "Fill or drop the missing values first."
        )
    return y
