"""The one place that imports scikit-learn's private validation helpers.

If a scikit-learn release moves them, this is the only file to change.
"""

from __future__ import annotations

from numbers import Integral, Real

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    Options,
    StrOptions,
)
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = [
    "HasMethods",
    "Integral",
    "Interval",
    "Options",
    "Real",
    "StrOptions",
    "_fit_context",
    "check_is_fitted",
    "check_positive_int",
    "validate_data",
]

_POSITIVE = Interval(Integral, 1, None, closed="left")


def check_positive_int(value, name: str) -> int:
    """``value`` as an int when it is an integer >= 1 (a bool is not); else ValueError.

    For the arguments of public functions (estimators declare constraints).
    """
    if isinstance(value, bool) or not _POSITIVE.is_satisfied_by(value):
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)
