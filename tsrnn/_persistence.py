"""Safe persistence: :func:`save` / :func:`load` without pickle.

A saved model is ONE zip file holding ``model.json`` (format version, tsrnn
version, estimator class, parameters and fitted state as tagged JSON) and
``tensors.pt`` (every array, written with ``torch.save`` and read back with
``torch.load(weights_only=True)``). The state is the estimator's
``_persisted_state()`` (plain arrays, indexes, numbers and strings: see
:mod:`tsrnn._state`), which pickling stores too; both paths restore it with
``_set_persisted_state`` and rebuild the network through the one network builder.

Loading never unpickles and never imports or calls anything named in the file:
the class comes from an allow-list of tsrnn estimators and every JSON value is
decoded by a fixed set of tags (arrays, pandas indexes, timestamps); anything
else is refused with a clear error. Format 1 (tsrnn before the 2026-11 redesign)
stored the estimators' private attributes; it is refused with a message naming
both formats.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from tsrnn._version import __version__
from tsrnn.exceptions import VersionMismatchWarning, _warn_user

__all__ = ["FORMAT_VERSION", "load", "save"]

#: Version of the file layout; bumped on incompatible changes (2: the explicit
#: persisted state instead of the private ``__dict__``).
FORMAT_VERSION = 2


def _estimator_classes() -> dict[str, type]:
    from tsrnn._baselines import SeasonalNaiveForecaster
    from tsrnn._conformal import ConformalForecaster
    from tsrnn._fixed_cell import GRUForecaster, LSTMForecaster
    from tsrnn._forecasting import RNNForecaster
    from tsrnn._per_step import RNNSequenceClassifier, RNNSequenceRegressor
    from tsrnn._supervised import RNNClassifier, RNNRegressor

    return {
        c.__name__: c
        for c in (
            RNNRegressor,
            RNNClassifier,
            RNNSequenceRegressor,
            RNNSequenceClassifier,
            RNNForecaster,
            LSTMForecaster,
            GRUForecaster,
            SeasonalNaiveForecaster,
            ConformalForecaster,
        )
    }


class _Encoder:
    """State -> JSON-able tree; arrays go to ``tensors`` and are referenced by key.

    A tsrnn estimator inside the state or the parameters (the forecaster a
    :class:`~tsrnn.ConformalForecaster` wraps) is written as its class name,
    parameters and persisted state, like the estimator saved itself.
    """

    def __init__(self) -> None:
        self.tensors: dict[str, torch.Tensor] = {}

    def estimator(self, estimator) -> dict:
        name = type(estimator).__name__
        if _estimator_classes().get(name) is not type(estimator):
            raise TypeError(
                f"cannot save a {name}: tsrnn.save stores tsrnn estimators only"
            )
        return {
            "__estimator__": name,
            "params": {k: self(v) for k, v in estimator.get_params(deep=False).items()},
            "state": self(estimator._persisted_state()),
        }

    def array(self, arr: np.ndarray) -> dict:
        if arr.dtype.kind in "biuf":
            key = f"t{len(self.tensors)}"
            self.tensors[key] = torch.from_numpy(np.ascontiguousarray(arr))
            return {"__array__": key, "dtype": arr.dtype.str}
        if arr.dtype.kind in "USO":
            return {
                "__objects__": [self(v) for v in arr.ravel().tolist()],
                "shape": list(arr.shape),
                "dtype": arr.dtype.str if arr.dtype.kind != "O" else "O",
            }
        raise TypeError(f"cannot save an array of dtype {arr.dtype}")

    def __call__(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, (float, np.floating)):
            v = float(value)
            return v if np.isfinite(v) else {"__float__": repr(v)}
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.ndarray):
            return self.array(value)
        if isinstance(value, torch.Tensor):
            return self.array(value.detach().cpu().numpy())
        if isinstance(value, (list, tuple)):
            items = [self(v) for v in value]
            return items if isinstance(value, list) else {"__tuple__": items}
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise TypeError("cannot save a dict with non-string keys")
            return {"__dict__": {k: self(v) for k, v in value.items()}}
        if isinstance(value, pd.Index):
            return self.index(value)
        if isinstance(value, pd.Timestamp):
            return {"__timestamp__": value.isoformat()}
        if hasattr(value, "_persisted_state") and hasattr(value, "get_params"):
            return self.estimator(value)
        raise TypeError(
            f"cannot save a value of type {type(value).__name__} in the safe format; "
            "use joblib/pickle for this estimator"
        )

    def index(self, index: pd.Index) -> dict:
        out = {"__index__": type(index).__name__, "name": self(index.name)}
        if isinstance(index, pd.RangeIndex):
            out.update(start=index.start, stop=index.stop, step=index.step)
        elif isinstance(index, pd.DatetimeIndex):
            out.update(
                values=self.array(index.asi8),
                unit=index.unit,
                tz=None if index.tz is None else str(index.tz),
                freq=None if index.freq is None else index.freqstr,
            )
        elif isinstance(index, pd.PeriodIndex):
            out.update(values=self.array(index.asi8), freq=index.freqstr)
        else:
            out.update(values=self.array(index.to_numpy()))
        return out


class _Decoder:
    """The inverse of :class:`_Encoder`, accepting nothing but its tags."""

    def __init__(self, tensors: dict[str, torch.Tensor]) -> None:
        self.tensors = tensors

    def __call__(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, list):
            return [self(v) for v in value]
        if not isinstance(value, dict) or len(value) == 0:
            raise ValueError(f"unexpected value {value!r}")
        tag = next(iter(value))
        handler = (
            getattr(self, "_" + tag.strip("_"), None) if tag.startswith("__") else None
        )
        if handler is None or tag not in _TAGS:
            raise ValueError(f"unknown tag {tag!r}")
        return handler(value)

    def _array(self, v):
        key = v["__array__"]
        if key not in self.tensors:
            raise ValueError(f"missing tensor {key!r}")
        arr = self.tensors[key].numpy()
        return arr.astype(np.dtype(v["dtype"]), copy=True)

    def _objects(self, v):
        items = [self(x) for x in v["__objects__"]]
        dtype = object if v["dtype"] == "O" else np.dtype(v["dtype"])
        out = (
            np.empty(len(items), dtype=object)
            if dtype is object
            else np.asarray(items, dtype=dtype)
        )
        if dtype is object:
            out[:] = items
        return out.reshape(v["shape"])

    def _float(self, v):
        return float(v["__float__"])

    def _tuple(self, v):
        return tuple(self(x) for x in v["__tuple__"])

    def _dict(self, v):
        return {str(k): self(x) for k, x in v["__dict__"].items()}

    def _timestamp(self, v):
        return pd.Timestamp(v["__timestamp__"])

    def _estimator(self, v):
        return _restore(v["__estimator__"], v["params"], v["state"], self)

    def _index(self, v):
        kind, name = v["__index__"], self(v["name"])
        if kind == "RangeIndex":
            return pd.RangeIndex(
                int(v["start"]), int(v["stop"]), int(v["step"]), name=name
            )
        values = self(v["values"])
        if kind == "DatetimeIndex":
            index = pd.DatetimeIndex(
                values.astype(f"datetime64[{v['unit']}]"), name=name
            )
            if v["tz"] is not None:
                index = index.tz_localize("UTC").tz_convert(v["tz"])
            return pd.DatetimeIndex(index, freq=v["freq"]) if v["freq"] else index
        if kind == "PeriodIndex":
            return pd.PeriodIndex.from_ordinals(values, freq=v["freq"], name=name)
        if kind == "Index":
            return pd.Index(values, name=name)
        raise ValueError(f"unknown index kind {kind!r}")


_TAGS = {
    "__array__",
    "__objects__",
    "__float__",
    "__tuple__",
    "__dict__",
    "__timestamp__",
    "__index__",
    "__estimator__",
}


def _restore(name: str, params: dict, state, decode: _Decoder):
    """The estimator of class ``name`` (from the allow-list only) with decoded
    ``params`` and persisted ``state``."""
    cls = _estimator_classes().get(name)
    if cls is None:
        raise ValueError(f"the class {name!r} is not a tsrnn estimator")
    estimator = cls(**{k: decode(v) for k, v in params.items()})
    estimator._set_persisted_state(decode(state))
    return estimator


def save(estimator, path) -> Path:
    """Save a tsrnn estimator (fitted or not) to one file, without pickle.

    Parameters
    ----------
    estimator : RNNRegressor, RNNClassifier, RNNSequenceRegressor, RNNSequenceClassifier, RNNForecaster, LSTMForecaster, GRUForecaster, SeasonalNaiveForecaster or ConformalForecaster
    path : str or Path
        The file to write (a zip archive; any suffix, ``.tsrnn`` by convention).
        Parent folders must exist; an existing file is replaced.

    Returns
    -------
    path : Path

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> import tsrnn
    >>> X = np.random.default_rng(0).normal(size=(20, 4))
    >>> reg = tsrnn.RNNRegressor(hidden_size=4, max_epochs=1, random_state=0).fit(X, X[:, 0])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.tsrnn"
    >>> same = tsrnn.load(tsrnn.save(reg, path))
    >>> bool((same.predict(X) == reg.predict(X)).all())
    True
    """
    classes = _estimator_classes()
    name = type(estimator).__name__
    if classes.get(name) is not type(estimator):
        raise TypeError(
            f"tsrnn.save stores tsrnn estimators only ({', '.join(sorted(classes))}); got "
            f"{name}. Persist a Pipeline or GridSearchCV with joblib.dump instead."
        )
    encoder = _Encoder()
    try:
        params = {k: encoder(v) for k, v in estimator.get_params(deep=False).items()}
        state = encoder(estimator._persisted_state())
    except TypeError as exc:
        hint = (
            " Set random_state to an int (or None) to save it safely."
            if isinstance(
                getattr(estimator, "random_state", None), np.random.RandomState
            )
            else ""
        )
        raise TypeError(f"Cannot save this {name}: {exc}.{hint}") from exc
    meta = {
        "format": "tsrnn",
        "format_version": FORMAT_VERSION,
        "tsrnn_version": __version__,
        "class": name,
        "params": params,
        "state": state,
    }
    buffer = io.BytesIO()
    torch.save(encoder.tensors, buffer)
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("model.json", json.dumps(meta))
        zf.writestr("tensors.pt", buffer.getvalue())
    return path


def load(path):
    """Load an estimator written by :func:`save`; never unpickles, never runs code.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    estimator
        Fitted estimators predict exactly as before saving; a model trained on a
        GPU loads on the CPU when no GPU is available.

    Raises
    ------
    ValueError
        The file is not a tsrnn model, was written by a newer format, names a
        class outside tsrnn's estimators, or holds unexpected content.

    Examples
    --------
    See :func:`save`.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(
            f"path={str(path)!r} is not a file. Pass a file written by tsrnn.save."
        )
    try:
        with zipfile.ZipFile(path) as zf:
            meta = json.loads(zf.read("model.json"))
            raw = zf.read("tensors.pt")
    except (
        zipfile.BadZipFile,
        KeyError,
        json.JSONDecodeError,
        UnicodeDecodeError,
    ) as exc:
        raise ValueError(
            f"{str(path)!r} is not a tsrnn model file ({exc}). Pass a file written by "
            "tsrnn.save; pickles and joblib files are loaded with joblib.load (trusted "
            "files only)."
        ) from exc
    if not isinstance(meta, dict) or meta.get("format") != "tsrnn":
        raise ValueError(f"{str(path)!r} is not a tsrnn model file (no tsrnn header).")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(
            f"{str(path)!r} uses format version {version!r}, newer than this tsrnn "
            f"{__version__} reads (up to {FORMAT_VERSION}). Upgrade tsrnn to load it."
        )
    if version < FORMAT_VERSION:
        raise ValueError(
            f"{str(path)!r} uses format version {version}, written by tsrnn "
            f"{meta.get('tsrnn_version')}; this tsrnn {__version__} reads format "
            f"{FORMAT_VERSION} only. Load it with tsrnn {meta.get('tsrnn_version')} "
            "and refit with this version, then save it again."
        )
    cls = _estimator_classes().get(meta.get("class"))
    if cls is None:
        raise ValueError(
            f"{str(path)!r} names the class {meta.get('class')!r}, which is not a tsrnn "
            "estimator; refusing to load it."
        )
    try:
        tensors = torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
        if not isinstance(tensors, dict):
            raise ValueError("tensors.pt does not hold a dict of tensors")
        estimator = _restore(
            cls.__name__, meta["params"], meta["state"], _Decoder(tensors)
        )
    except Exception as exc:  # a crafted or damaged file: say so, never half-load
        raise ValueError(f"{str(path)!r} has unexpected content: {exc}") from exc
    if meta.get("tsrnn_version") != __version__:
        _warn_user(
            f"{str(path)!r} was saved with tsrnn {meta.get('tsrnn_version')} and is loaded "
            f"with tsrnn {__version__}; predictions may differ. Save it again with this "
            "version to silence this warning.",
            VersionMismatchWarning,
        )
    return estimator
