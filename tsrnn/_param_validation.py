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
    make_constraint,
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
    "invalid_parameter",
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


def invalid_parameter(estimator, names: list[str]):
    """A :class:`~tsrnn.exceptions.ParameterFixableError` for the first of
    ``names`` whose value breaks ``estimator``'s constraints, or None.

    Its fix is a valid value: the class default when that is valid and set,
    else the smallest value of the parameter's interval. For front ends (the
    command line) that name the parameter in their own terms; ``fit`` raises
    scikit-learn's ``InvalidParameterError`` for the same values.
    """
    import inspect

    from tsrnn.exceptions import ParameterFixableError

    defaults = {
        k: p.default for k, p in inspect.signature(type(estimator)).parameters.items()
    }
    params = estimator.get_params(deep=False)
    for name in names:
        rules = estimator._parameter_constraints.get(name)
        if rules is None or name not in params:
            continue
        value = params[name]
        constraints = [make_constraint(c) for c in rules]
        if any(c.is_satisfied_by(value) for c in constraints):
            continue
        intervals = [c for c in constraints if isinstance(c, Interval)]
        default = defaults.get(name)
        if default is not None and any(c.is_satisfied_by(default) for c in constraints):
            good = default
        elif intervals and intervals[0].left is not None:
            i = intervals[0]
            step = 1 if i.type is Integral else 0.1
            good = i.left if i.closed in ("left", "both") else i.left + step
        else:
            continue
        shown = [str(c) for c in rules and constraints if str(c) != "None"]
        optional = None in rules
        raise_it = ParameterFixableError(
            f"{name}={value!r} is not valid: it must be {' or '.join(shown)}"
            + (" (or left unset)" if optional else "")
            + ".",
            {name: good},
        )
        return raise_it
    return None
