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
from tsrnn._panel import ROLES, Panel
from tsrnn._ragged import Ragged, contiguous
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
    """A :class:`~tsrnn._panel.Panel` as plain values: each per-step role one
    array (or index) of every series' steps and the series' lengths, so that a
    model of many series is written as a few arrays, not one per series."""
    state = {
        "ids": list(panel.ids),
        "static": panel.static,
        "index_names": list(panel.index_names),
        "target_names": list(panel.target_names),
    }
    for role in ROLES:
        stacked = contiguous(getattr(panel, role))
        state[role] = {"rows": stacked.data, "lengths": stacked.lengths}
    return state


def _role(value, dtype=None):
    """A role of :func:`panel_state` back as a Ragged; the list form written by
    an earlier tsrnn version is read as it was written."""
    if isinstance(value, dict):
        rows = value["rows"] if dtype is None else np.asarray(value["rows"], dtype)
        return Ragged.from_lengths(rows, value["lengths"])
    return list(value) if dtype is None else [np.asarray(a, dtype) for a in value]


def panel_from_state(state: dict[str, Any], axis: TimeAxis) -> Panel:
    """The inverse of :func:`panel_state`, on the time ``axis`` of the fit."""
    return Panel(
        ids=list(state["ids"]),
        index=_role(state["index"]),
        target=_role(state["target"], np.float64),
        past=_role(state["past"], np.float64),
        future=_role(state["future"], np.float64),
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
