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
    "TrainingDivergedError",
    "TrainingInterruptedWarning",
    "VersionMismatchWarning",
]


class ParameterFixableError(ValueError):
    """Bad input that setting a parameter fixes; its advice is kept apart.

    The message says the problem, then ``Pass name=value ...`` and, when there
    is one, a pandas way to fix the data instead. The parts stay readable, so a
    front end (the ``tsrnn`` command line) can give the same advice in its own
    terms (a flag instead of a keyword).

    Parameters
    ----------
    problem : str
        What is wrong, as one sentence ending in a full stop.
    params : dict
        The parameter settings that fix it, ``{name: value}``.
    effect : str, default=""
        What those settings do, e.g. ``"to put it on that grid"``.
    alternative : str, default=""
        A fix of the data itself, in Python (e.g. ``"data.asfreq('B')"``).

    Examples
    --------
    >>> from tsrnn.exceptions import ParameterFixableError
    >>> err = ParameterFixableError("X has gaps.", {"freq": "B"}, "to fill them")
    >>> str(err)
    "X has gaps. Pass freq='B' to fill them."
    >>> err.params
    {'freq': 'B'}
    """

    def __init__(
        self, problem: str, params: dict, effect: str = "", alternative: str = ""
    ) -> None:
        self.problem, self.params = problem, dict(params)
        self.effect, self.alternative = effect, alternative
        settings = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        advice = " ".join(p for p in (f"Pass {settings}", effect) if p)
        if alternative:
            advice += f", or fix the data first: {alternative}"
        super().__init__(f"{problem} {advice}.")

    def __reduce__(self):
        return type(self), (self.problem, self.params, self.effect, self.alternative)


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


def _warn_user(message: str, category: type[Warning]) -> None:
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
