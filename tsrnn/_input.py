"""Sequence input forms -> one NaN-padded float32 array ``(n_samples, n_steps, n_features)``.

Forms (see DESIGN §2.1):

* ``"table"``: a 2-D array-like ``(n_samples, n_steps)``; each row is a univariate
  sequence. This is what scikit-learn transformers hand on in a Pipeline. It is
  validated by scikit-learn's ``validate_data`` (:func:`numeric_table`), so that
  feature-count and feature-name checks follow scikit-learn exactly. With the
  estimator's ``features_per_step=k`` a row is ``k`` blocks of ``n_steps`` columns
  (flattened multivariate windows, feature-major as ``make_windows`` orders them).
* ``"sequences"``: a 3-D array ``(n_samples, n_steps, n_features)``, a list (or an
  object Series) of 1-D/2-D arrays of different lengths, or a DataFrame whose
  columns are a ``(feature, step)`` MultiIndex.

NaN means "no value"; so do ``pd.NA`` and ``None`` (pandas' nullable dtypes). Where
NaN is padding and where it is a missing value is the business of
:mod:`tsrnn._padding`. Data errors are raised here: :func:`sequence_values` is the
sequence estimators' one door, which also sets (at fit) and checks (later)
``n_features_in_``, ``feature_names_in_``, ``step_names_in_``, ``n_step_features_``
and ``layout_``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.utils import check_array

from tsrnn._padding import Ragged
from tsrnn._param_validation import validate_data

__all__ = ["input_form", "numeric_table", "sequence_values", "to_array3d"]

_FORMS_HINT = (
    "Pass a 2-D array (n_samples, n_steps), a 3-D array "
    "(n_samples, n_steps, n_features), a list of 1-D/2-D arrays of different "
    "lengths, or a DataFrame with (feature, step) MultiIndex columns."
)


def input_form(X) -> str:
    """Say whether ``X`` is a 2-D ``"table"`` or a ``"sequences"`` form.

    Anything that is not recognisably 3-D or ragged is called a table, so that
    scikit-learn's own validation produces its usual messages (1-D input, sparse
    matrices, object arrays, ...).
    """
    if isinstance(X, pd.DataFrame):
        return "sequences" if isinstance(X.columns, pd.MultiIndex) else "table"
    if isinstance(X, np.ndarray):
        return "sequences" if X.ndim >= 3 else "table"
    if isinstance(X, (list, tuple)):
        if len(X) == 0:
            return "table"
        if all(np.ndim(x) == 0 for x in X):
            return "table"
        if _ragged_or_nd(X):
            return "sequences"
        return "table"
    if hasattr(X, "ndim") and getattr(X, "ndim", 2) >= 3:
        return "sequences"
    return "table"


def _is_series_of_sequences(X) -> bool:
    """A Series whose cells are sequences (arrays, lists): one sample per cell."""
    return (
        isinstance(X, pd.Series)
        and X.dtype == object
        and len(X) > 0
        and all(np.ndim(x) >= 1 for x in X)
    )


def _ragged_or_nd(X: Sequence) -> bool:
    first = np.shape(X[0])
    return len(first) >= 2 or any(np.shape(x) != first for x in X)


def to_array3d(X, *, name: str = "X") -> tuple[np.ndarray | Ragged, list[str] | None]:
    """Convert a ``"sequences"`` form to float32 ``(n, T, F)`` values with NaN padding.

    Returns the values and the feature names (from MultiIndex DataFrame columns),
    or ``None``. A list of sequences comes back as a :class:`~tsrnn._padding.Ragged`
    (back to back, ``shape`` as if padded), so that one long sequence among short
    ones costs its own length, not ``n`` times it.
    """
    names = None
    if isinstance(X, pd.DataFrame):
        values, names = _frame_to_array3d(X, name)
    elif isinstance(X, (list, tuple)):
        values = _list_to_array3d(X, name)
    else:
        values = _as_float32(X, name)
        if values.ndim != 3:
            raise ValueError(
                f"{name} must be 2-D or 3-D; got a {values.ndim}-D array of shape "
                f"{values.shape}. {_FORMS_HINT}"
            )
        if values is X:  # never hand the caller's array to code that fills NaN
            values = values.copy()
    if values.shape[0] == 0:
        raise ValueError(f"{name} is empty (0 samples): pass at least one sequence.")
    if values.shape[2] == 0:
        raise ValueError(
            f"{name} has 0 features per step (shape={values.shape}); "
            "pass at least one feature."
        )
    if values.shape[1] == 0:
        raise ValueError(
            f"{name} has sequences of 0 steps (shape={values.shape}); "
            "every sequence needs at least one step."
        )
    if np.isinf(values.values if isinstance(values, Ragged) else values).any():
        raise ValueError(
            f"Input {name} contains infinity or a value too large for float32 "
            f"(|x| > {np.finfo(np.float32).max:.3g}). Replace inf with finite values "
            "(rescale very large ones), or with NaN to mark a missing value."
        )
    return values, names


def _as_float32(x, name: str) -> np.ndarray:
    """``np.asarray(x, float32)`` with errors that name the argument and the fix."""
    arr = np.asarray(x)
    if arr.dtype.kind == "O":  # pandas' nullable dtypes hand on pd.NA (or None)
        missing = pd.isna(arr)
        if missing.any():
            arr = np.where(missing, np.nan, arr)
    if arr.dtype.kind == "c":
        raise TypeError(
            f"{name} must hold real numbers, but it has complex dtype {arr.dtype}. "
            "Pass the real and imaginary parts as two features."
        )
    if arr.dtype.kind not in "biuf":
        try:
            with np.errstate(over="ignore"):
                return arr.astype(np.float32)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must hold numbers, but it has dtype {arr.dtype} with values "
                f"that are not numbers ({exc}). Encode strings or categories as "
                "numbers first; for text, pass integer token ids and set "
                "embedding_dim."
            ) from exc
    if arr.ndim > 3:
        raise ValueError(
            f"{name} must be 2-D or 3-D; got a {arr.ndim}-D array of shape "
            f"{arr.shape}. {_FORMS_HINT}"
        )
    with np.errstate(over="ignore"):  # out-of-range values become inf: reported later
        return arr.astype(np.float32, copy=False)


def _list_to_array3d(X: Sequence, name: str) -> Ragged:
    seqs = []
    for i, x in enumerate(X):
        a = _as_float32(x, f"{name}[{i}]")
        if a.ndim == 1:
            a = a[:, None]
        elif a.ndim != 2:
            raise ValueError(
                f"{name}[{i}] must be a 1-D sequence (n_steps,) or a 2-D sequence "
                f"(n_steps, n_features); got shape {a.shape}. {_FORMS_HINT}"
            )
        seqs.append(a)
    if not seqs:
        raise ValueError(f"{name} is empty (0 samples): pass at least one sequence.")
    n_features = {a.shape[1] for a in seqs}
    if len(n_features) > 1:
        raise ValueError(
            f"The sequences in {name} have different numbers of features "
            f"{sorted(n_features)}; every sequence needs the same features per step."
        )
    # back to back, not padded to the longest: memory O(total steps)
    return Ragged(
        np.concatenate(seqs),
        np.array([len(a) for a in seqs], dtype=np.int64),
    )


def _frame_to_array3d(X: pd.DataFrame, name: str) -> tuple[np.ndarray, list[str]]:
    cols = X.columns
    if cols.nlevels != 2:
        raise ValueError(
            f"{name} has {cols.nlevels}-level MultiIndex columns; expected two levels "
            "(feature, step) as tsrnn.make_windows produces."
        )
    features = list(cols.get_level_values(0).unique())
    steps = list(cols.get_level_values(1).unique())
    full = pd.MultiIndex.from_product([features, steps])
    frame = X if cols.equals(full) else X.reindex(columns=full)
    values = _as_float32(frame.to_numpy(), name)
    values = values.reshape(len(X), len(features), len(steps)).transpose(0, 2, 1)
    return np.ascontiguousarray(values), [str(f) for f in features]


# -- the estimators' door: any form, checked against what fit saw -------------------
_NOT_NUMBERS = (
    "Encode strings or categories as numbers first; for text, pass integer token "
    "ids and set embedding_dim."
)


def numeric_table(est, X, *, reset: bool) -> np.ndarray:
    """A 2-D table through scikit-learn's validation, as ``(n, T, 1)`` float32."""
    kwargs = dict(dtype=(np.float32, np.float64), ensure_all_finite=False)
    try:
        if reset or est.layout_ == "table":
            arr = validate_data(est, X, reset=reset, **kwargs)
        else:  # fitted on 3-D / list input: a table is a batch of univariate sequences
            arr = check_array(X, input_name="X", **kwargs)
    except TypeError as exc:
        if "sparse" in str(exc).lower():
            raise
        raise TypeError(f"X must hold numbers: {exc}. {_NOT_NUMBERS}") from exc
    except ValueError as exc:
        if "could not convert" in str(exc):
            raise TypeError(f"X must hold numbers: {exc}. {_NOT_NUMBERS}") from exc
        if "features, but" in str(exc):  # validate_data's changed-column-count error
            raise ValueError(
                f"{str(exc).rstrip('.')}. Each column of a 2-D X is a time step: pass "
                f"{est.n_features_in_} columns as in fit, NaN-padding shorter "
                "sequences at either end."
            ) from exc
        if "feature names" in str(exc):  # reordered, renamed or missing columns
            raise ValueError(
                f"{str(exc).rstrip()} Each column of a 2-D X is a time step, read in "
                "column order: pass the columns of fit in their order, "
                "X[est.feature_names_in_]."
            ) from exc
        raise
    with np.errstate(over="ignore"):
        values = arr.astype(np.float32)  # always a copy: never fill the caller's
    if np.isinf(values).any():
        raise ValueError(
            "Input X contains infinity or a value too large for float32 "
            f"(|x| > {np.finfo(np.float32).max:.3g}). Replace inf with finite values "
            "(rescale very large ones), or with NaN to mark a missing value."
        )
    return _unflatten(est, values, reset=reset)


def _fitted_step_features(est) -> int:
    """Features per step the fitted network reads (derived for older saved models)."""
    fitted = getattr(est, "n_step_features_", None)
    if fitted is None:
        fitted = est.n_features_in_ if est.layout_ == "sequences" else 1
    return int(fitted)


def _unflatten(est, values: np.ndarray, *, reset: bool) -> np.ndarray:
    """A 2-D table ``(n, k * T)`` -> ``(n, T, k)``, ``k = est.features_per_step or 1``.

    The ``k`` blocks of ``T`` columns are the features, each block its steps in
    time order: the column order of :func:`tsrnn.make_windows` (and of a
    ``(feature, step)`` DataFrame flattened by a scikit-learn transformer).
    """
    k = getattr(est, "features_per_step", None) or 1
    n, n_columns = values.shape
    if n_columns % k:
        raise ValueError(
            f"features_per_step={k}, but the 2-D X has {n_columns} columns, not a "
            f"multiple of {k}. A 2-D X holds features_per_step blocks of n_steps "
            "columns (all steps of the first feature, then of the next, as "
            "make_windows orders them). Set features_per_step to the number of "
            "features of the windows, or None when each row is one univariate "
            "sequence."
        )
    fitted = None if reset else _fitted_step_features(est)
    if fitted is not None and k != fitted:
        hint = (
            "features_per_step=None (each row a univariate sequence)"
            if fitted == 1
            else f"features_per_step={fitted} (columns in feature blocks)"
        )
        raise ValueError(
            f"X is a 2-D table read with {k} feature(s) per step, but "
            f"{type(est).__name__} was fitted on {fitted} feature(s) per step. Set "
            f"{hint}, or pass a 3-D array (n_samples, n_steps, {fitted}) or a "
            "DataFrame with (feature, step) MultiIndex columns."
        )
    values = values.reshape(n, k, n_columns // k).transpose(0, 2, 1)
    return np.ascontiguousarray(values)


def _is_empty(X) -> bool:
    if isinstance(X, (list, tuple)):
        return len(X) == 0
    if isinstance(X, (np.ndarray, pd.DataFrame)):
        return X.ndim > 0 and X.shape[0] == 0
    return False


def _is_list_of_sequences(X) -> bool:
    return isinstance(X, (list, tuple)) and not all(np.ndim(x) == 0 for x in X)


def sequence_values(est, X, *, reset: bool) -> np.ndarray | Ragged:
    """Any input form -> ``(n, T, F)`` float32 with NaN (a ``Ragged`` for lists).

    Sets (at fit) and checks (later) the fitted metadata.
    """
    if _is_series_of_sequences(X):  # read as the list of its cells
        X = list(X)
    if _is_empty(X):
        raise ValueError("X is empty (0 samples): pass at least one sequence.")
    form = input_form(X)
    if not reset and form == "table" and _is_list_of_sequences(X):
        # At predict a list is sequences, whatever their lengths: a list has no
        # columns whose count could be checked, and [one_sequence] must work.
        form = "sequences"
    steps = _step_names(X)
    if form == "table":
        values = numeric_table(est, X, reset=reset)
    else:
        values, names = to_array3d(X)
        n_features = values.shape[2]
        if reset:
            est.n_features_in_ = n_features
            if names is None:
                if hasattr(est, "feature_names_in_"):
                    del est.feature_names_in_
            else:
                est.feature_names_in_ = np.asarray(names, dtype=object)
        else:
            expected = _fitted_step_features(est)
            if n_features != expected:
                raise ValueError(
                    f"X has {n_features} features per step, but {type(est).__name__} "
                    f"is expecting {expected} features per step as input (the number "
                    "seen in fit). Pass the same features as in fit."
                )
            _check_column_order(est, X, names, steps)
    if reset:
        est.layout_ = form
        est.n_step_features_ = values.shape[2]
        if steps is None:
            if hasattr(est, "step_names_in_"):
                del est.step_names_in_
        else:
            est.step_names_in_ = np.asarray(steps, dtype=object)
    return values


def _step_names(X) -> list[str] | None:
    """The step labels of ``(feature, step)`` MultiIndex columns, in column order."""
    if isinstance(X, pd.DataFrame) and X.columns.nlevels == 2:
        return [str(s) for s in X.columns.get_level_values(1).unique()]
    return None


def _head(labels: list[str], n: int = 6) -> str:
    return str(labels) if len(labels) <= n else f"{str(labels[:n])[:-1]}, ...]"


def _is_run_of(short: list[str], long: list[str]) -> bool:
    """Whether ``short`` is a contiguous run of ``long``, in the same order."""
    if short[0] not in long:
        return False
    start = long.index(short[0])
    return long[start : start + len(short)] == short


def _step_problem(steps: list[str] | None, fitted) -> str | None:
    """How the step labels of X differ from fit's (None: they may be read as they are).

    Windows shorter or longer than in fit are sequences of another length (as
    for every input form): accepted when their steps are a contiguous run of
    fit's, or fit's steps a contiguous run of theirs.
    """
    if steps is None or fitted is None:
        return None
    fitted = list(fitted)
    short, long = sorted([steps, fitted], key=len)
    if steps == fitted or (len(steps) != len(fitted) and _is_run_of(short, long)):
        return None
    at = next(
        (i for i, (a, b) in enumerate(zip(steps, fitted)) if a != b),
        min(len(steps), len(fitted)),
    )
    got = repr(steps[at]) if at < len(steps) else "no step"
    wanted = repr(fitted[at]) if at < len(fitted) else "no step"
    seen = (
        f"{len(steps)} steps {_head(steps)}, first different at position {at}: "
        f"{got} where fit had {wanted} (fit: {len(fitted)} steps {_head(fitted)})"
    )
    if sorted(steps) == sorted(fitted):
        return f"are in another order than in fit: {seen}"
    return f"differ from those seen in fit: {seen}"


def _fit_order(X: pd.DataFrame, *, fitted_steps: bool) -> str:
    """Code that puts the ``(feature, step)`` columns of ``X`` in fit's order, exactly.

    Features follow ``est.feature_names_in_``; steps ``est.step_names_in_`` when
    ``fitted_steps`` (X holds them reordered), else X's own (already in order).
    Labels are compared as strings, so non-string labels are renamed first.
    """
    cols = X.columns
    labels = [*cols.get_level_values(0).unique(), *cols.get_level_values(1).unique()]
    rename = (
        "" if all(isinstance(v, str) for v in labels) else "X = X.rename(columns=str); "
    )
    steps = "est.step_names_in_" if fitted_steps else "X.columns.unique(level=1)"
    return (
        f"{rename}X = X.reindex(columns=pd.MultiIndex.from_product("
        f"[est.feature_names_in_, {steps}]))"
    )


def _check_column_order(est, X, names: list[str] | None, steps) -> None:
    """``(feature, step)`` columns are read in column order: refuse them reordered
    or relabelled since fit, with code that restores fit's order when only the
    order changed (features, steps or both, as after ``X.sort_index(axis=1)``).
    """
    fitted_names = getattr(est, "feature_names_in_", None)
    step_problem = _step_problem(steps, getattr(est, "step_names_in_", None))
    names_differ = (
        names is not None and fitted_names is not None and list(fitted_names) != names
    )
    if step_problem is None and not names_differ:
        return
    same_features = not names_differ or sorted(names) == sorted(fitted_names)
    reordered = step_problem is None or step_problem.startswith("are in another")
    if same_features and reordered and isinstance(X, pd.DataFrame):
        fix = "Reorder them as in fit: " + _fit_order(
            X, fitted_steps=step_problem is not None
        )
    else:
        fix = (
            "Pass windows with the features of fit (est.feature_names_in_) and its "
            "steps (est.step_names_in_), in that order."
        )
    if step_problem is not None:
        raise ValueError(
            f"The step labels of X (second level of its columns) {step_problem}. "
            "Steps are read in column order, so the sequences would be scrambled. "
            f"{fix}"
        )
    raise ValueError(
        f"The feature names of X {names} should match those that were passed "
        f"during fit {list(fitted_names)}. Features are read in column order. {fix}"
    )
