"""Exceptions and warnings raised by tsrnn.

Every tsrnn error subclasses a built-in (``ValueError`` or ``RuntimeError``), so
code that already catches those keeps working.

Examples
--------
>>> from tsrnn.exceptions import TrainingDivergedError
>>> issubclass(TrainingDivergedError, RuntimeError)
True
"""

from __future__ import annotations

import os
import sys
import warnings

__all__ = [
    "ParameterFixableError",
    "ParameterFixableWarning",
    "TrainingDivergedError",
    "TrainingInterruptedWarning",
    "VersionMismatchWarning",
]


class _Fixable:
    """The parts of a fixable problem and the message they make (see
    :class:`ParameterFixableError`, which documents them)."""

    def __init__(
        self,
        problem: str,
        params: dict,
        effect: str = "",
        alternative: str = "",
        *,
        remedy: str = "",
        rows=None,
        examples: str = "",
    ) -> None:
        self.problem, self.params = problem, dict(params)
        self.effect, self.alternative = effect, alternative
        self.remedy, self.examples = remedy, examples
        self.rows = None if rows is None else [int(r) for r in rows]
        if self.params:
            settings = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
            advice = " ".join(p for p in (f"Pass {settings}", effect) if p)
            if remedy:
                advice += f", or {remedy}"
            if alternative:
                advice += f", or fix the data first: {alternative}"
            message = f"{problem} {advice}."
        else:
            where = f", e.g. {examples}." if examples else "."
            how = f" ({alternative})" if alternative else ""
            message = f"{problem.rstrip('.')}{where} {remedy}{how}."
        super().__init__(message)

    def __reduce__(self):
        return _rebuild, (type(self), self.__dict__.copy())

    def nested(self, prefix: str):
        """The same problem with its parameters named ``prefix + name``, as a
        meta-estimator's ``set_params`` names those of the estimator it wraps."""
        return type(self)(
            self.problem,
            {prefix + k: v for k, v in self.params.items()},
            self.effect,
            self.alternative,
            remedy=self.remedy,
            rows=self.rows,
            examples=self.examples,
        )


class ParameterFixableError(_Fixable, ValueError):
    """Bad input whose fix (a parameter, or a change to the data) is kept apart.

    The message says the problem, then ``Pass name=value ...`` and, when there
    is one, a pandas way to fix the data instead. When no parameter fixes it,
    the message says the problem, names the rows at fault (``examples``) and
    what to change in the data (``remedy``, in plain words, then the pandas
    ``alternative``). The parts stay readable, so a front end (the ``tsrnn``
    command line) can give the same advice in its own terms: a flag instead of
    a keyword, a CSV line instead of a row label.

    Parameters
    ----------
    problem : str
        What is wrong, as a sentence (without ``params``, ``examples`` follow
        it before the full stop).
    params : dict
        The parameter settings that fix it, ``{name: value}``; empty when only
        a change to the data does.
    effect : str, default=""
        What those settings do, e.g. ``"to put it on that grid"``.
    alternative : str, default=""
        A fix of the data itself, in Python (e.g. ``"data.asfreq('B')"``).
    remedy : str, default=""
        The fix of the data in plain words, no Python (e.g. ``"Fill in their
        series id or drop those rows"``).
    rows : array-like of int or None, default=None
        Positions (0-based) of the rows at fault in the data as passed.
    examples : str, default=""
        The rows at fault as a Python user names them (``"the rows labelled
        [3]"``).

    Examples
    --------
    >>> from tsrnn.exceptions import ParameterFixableError
    >>> err = ParameterFixableError("X has gaps.", {"freq": "B"}, "to fill them")
    >>> str(err)
    "X has gaps. Pass freq='B' to fill them."
    >>> err.params
    {'freq': 'B'}
    >>> str(ParameterFixableError("X has a row with no id", {}, remedy="Drop it",
    ...     alternative="X.dropna()", rows=[3], examples="the row labelled 3"))
    'X has a row with no id, e.g. the row labelled 3. Drop it (X.dropna()).'
    """


class ParameterFixableWarning(_Fixable, UserWarning):
    """A warning whose fix (a parameter setting) is kept apart from the problem.

    Built from the same parts as :class:`ParameterFixableError`, so a front end
    gives its advice in its own terms.

    Examples
    --------
    >>> from tsrnn.exceptions import ParameterFixableWarning
    >>> str(ParameterFixableWarning("Too short.", {"window": 3}, "to fit"))
    'Too short. Pass window=3 to fit.'
    """


def _rebuild(cls, state: dict) -> _Fixable:
    """Unpickle a ParameterFixableError or ParameterFixableWarning (its keyword-only parts included)."""
    keys = ("problem", "params", "effect", "alternative")
    rest = {k: state[k] for k in ("remedy", "rows", "examples")}
    return cls(*(state[k] for k in keys), **rest)


class TrainingDivergedError(RuntimeError):
    """Training produced a non-finite loss (NaN or inf).

    The estimator keeps the weights of the last epoch whose loss was finite, so it
    stays usable, but its predictions come from that earlier state. Lower
    ``learning_rate`` or set ``gradient_clip`` (for example ``1.0``) and refit.

    Examples
    --------
    >>> from tsrnn.exceptions import TrainingDivergedError
    >>> err = TrainingDivergedError("loss became nan at epoch 3")
    >>> isinstance(err, RuntimeError)
    True
    """


class TrainingInterruptedWarning(UserWarning):
    """``fit`` was stopped by Ctrl-C (``KeyboardInterrupt``).

    The estimator is fitted with the best weights seen so far (or the last finished
    epoch's weights when ``early_stopping=False``) and can predict.

    Examples
    --------
    >>> from tsrnn.exceptions import TrainingInterruptedWarning
    >>> issubclass(TrainingInterruptedWarning, UserWarning)
    True
    """


class VersionMismatchWarning(UserWarning):
    """A pickled estimator was written by another tsrnn version than the one loading it.

    Predictions usually still work; refit or re-save with this version to be sure.

    Examples
    --------
    >>> from tsrnn.exceptions import VersionMismatchWarning
    >>> issubclass(VersionMismatchWarning, UserWarning)
    True
    """


def _listed(items, sep: str = ", ", limit: int = 5) -> str:
    """``items`` for a message: the first ``limit``, and how many more."""
    items = [str(v) for v in items]
    more = len(items) - limit
    return sep.join(items[:limit]) + (f"{sep}and {more} more" if more > 0 else "")


def _first(items, limit: int) -> str:
    """``items`` for a message: the first ``limit``, then ``...`` if there are more."""
    items = [str(v) for v in items]
    return ", ".join(items[:limit]) + (", ..." if len(items) > limit else "")


def _warn_user(message: str | Warning, category: type[Warning]) -> None:
    """``warnings.warn`` pointing at the user's line, not at tsrnn's internals.

    The warning is attributed to the first caller outside tsrnn and scikit-learn
    (whose ``fit`` wrappers and meta-estimators sit between the user and tsrnn),
    however deep inside the package it is raised: the same call from
    ``RNNRegressor.fit`` or from ``LSTMForecaster.fit`` names the user's file.
    """
    import sklearn  # here: importing tsrnn.exceptions stays light

    inside = (
        os.path.dirname(os.path.abspath(__file__)) + os.sep,
        os.path.dirname(os.path.abspath(sklearn.__file__)) + os.sep,
    )
    frame, level = sys._getframe(1), 1  # level 1: the function that called us
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        inside
    ):
        frame, level = frame.f_back, level + 1
    # level now counts up to the user's frame; warnings.warn adds our own frame
    warnings.warn(message, category, stacklevel=level + 1)
