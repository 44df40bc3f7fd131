"""Persisted state: what an estimator writes to a pickle or a safe file, and reads back.

Every estimator says what it persists with ``_persisted_state()`` -> a dict of
plain values (numpy arrays, pandas indexes, lists, numbers, strings, dicts with
string keys; never a private object) and restores it with
``_set_persisted_state(state)``. Pickling (:func:`getstate` / :func:`setstate`)
and :func:`tsrnn.save` / :func:`tsrnn.load` both go through them, so a refactor
of private attributes is not a file-format change. The forecasters' training
tail is written as the plain arrays of :func:`panel_state`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tsrnn._frequency import TimeAxis
from tsrnn._panel import Panel
from tsrnn._version import __version__
from tsrnn.exceptions import VersionMismatchWarning, _warn_user

__all__ = [
    "attributes_state",
    "getstate",
    "panel_from_state",
    "panel_state",
    "set_attributes_state",
    "setstate",
]


def attributes_state(est) -> dict[str, Any]:
    """The fitted attributes named in ``est._persisted_attributes`` that are set."""
    return {k: est.__dict__[k] for k in est._persisted_attributes if k in est.__dict__}


def set_attributes_state(est, state: dict[str, Any]) -> None:
    """Set the attributes of ``state``; a name the estimator does not persist is refused."""
    unknown = sorted(set(state) - set(est._persisted_attributes))
    if unknown:
        raise ValueError(
            f"the state of a {type(est).__name__} has unexpected entries {unknown}"
        )
    est.__dict__.update(state)


def panel_state(panel: Panel) -> dict[str, Any]:
    """A :class:`~tsrnn._panel.Panel` as plain lists of arrays and indexes."""
    return {
        "ids": list(panel.ids),
        "index": list(panel.index),
        "target": list(panel.target),
        "past": list(panel.past),
        "future": list(panel.future),
        "static": panel.static,
        "index_names": list(panel.index_names),
        "target_names": list(panel.target_names),
    }


def panel_from_state(state: dict[str, Any], axis: TimeAxis) -> Panel:
    """The inverse of :func:`panel_state`, on the time ``axis`` of the fit."""
    return Panel(
        ids=list(state["ids"]),
        index=list(state["index"]),
        target=[np.asarray(a, dtype=np.float64) for a in state["target"]],
        past=[np.asarray(a, dtype=np.float64) for a in state["past"]],
        future=[np.asarray(a, dtype=np.float64) for a in state["future"]],
        static=np.asarray(state["static"], dtype=np.float64),
        axis=axis,
        index_names=list(state["index_names"]),
        target_names=list(state["target_names"]),
    )


def getstate(est) -> dict[str, Any]:
    """``__getstate__`` of every tsrnn estimator: parameters, persisted state, version."""
    return {
        "params": est.get_params(deep=False),
        "state": est._persisted_state(),
        "tsrnn_version": __version__,
    }


def setstate(est, state: dict[str, Any]) -> None:
    """``__setstate__``: parameters first (the state may need them), then the state.

    Warns with :class:`~tsrnn.exceptions.VersionMismatchWarning` when the pickle
    was written by another tsrnn version.
    """
    version = state.get("tsrnn_version", state.get("_tsrnn_version"))
    if version != __version__:
        _warn_user(
            f"This {type(est).__name__} was pickled with tsrnn {version} and is "
            f"loaded with tsrnn {__version__}. It may behave differently; refit "
            "it or save it again with this version.",
            VersionMismatchWarning,
        )
    if "params" not in state or "state" not in state:
        raise ValueError(
            f"This {type(est).__name__} was pickled by tsrnn {version} in a layout "
            f"that tsrnn {__version__} no longer reads. Refit it, or load it with "
            f"tsrnn {version} and save it again."
        )
    est.__dict__.update(state["params"])
    est._set_persisted_state(state["state"])
