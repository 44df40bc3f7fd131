"""tsrnn: recurrent networks for sequences and time series, the scikit-learn way.

The public API is re-exported here. Heavy modules (torch, pandas, scikit-learn)
load on first use of a name that needs them, so ``import tsrnn`` stays cheap.

Examples
--------
>>> import numpy as np
>>> import tsrnn
>>> X = np.random.default_rng(0).normal(size=(32, 6))
>>> reg = tsrnn.RNNRegressor(hidden_size=4, max_epochs=2, random_state=0)
>>> reg.fit(X, X.mean(axis=1)).predict(X).shape
(32,)
"""

from __future__ import annotations

import importlib
from typing import Any

from tsrnn._version import __version__

# public name -> private module that defines it
_LAZY = {
    "RNNRegressor": "tsrnn._supervised",
    "RNNClassifier": "tsrnn._supervised",
    "make_windows": "tsrnn._windowing",
    "RNNForecaster": "tsrnn._forecasting",
    "LSTMForecaster": "tsrnn._fixed_cell",
    "GRUForecaster": "tsrnn._fixed_cell",
    "SeasonalNaiveForecaster": "tsrnn._baselines",
    "ConformalForecaster": "tsrnn._conformal",
    "RNNSequenceClassifier": "tsrnn._per_step",
    "RNNSequenceRegressor": "tsrnn._per_step",
    "save": "tsrnn._persistence",
    "load": "tsrnn._persistence",
}

_SUBMODULES = ("datasets", "exceptions", "metrics", "model_selection", "plotting")

__all__ = [
    "ConformalForecaster",
    "GRUForecaster",
    "LSTMForecaster",
    "RNNClassifier",
    "RNNForecaster",
    "RNNRegressor",
    "RNNSequenceClassifier",
    "RNNSequenceRegressor",
    "SeasonalNaiveForecaster",
    "__version__",
    "datasets",
    "exceptions",
    "load",
    "make_windows",
    "metrics",
    "model_selection",
    "plotting",
    "save",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"tsrnn.{name}")
    raise AttributeError(f"module 'tsrnn' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
