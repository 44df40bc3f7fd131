"""The fit and predict template of the sequence estimators.

:func:`fit_sequences` and :func:`predict_raw` are the one path from any input
form (:mod:`tsrnn._input`) through alignment (:mod:`tsrnn._padding`) and sample
weights to the one training loop; :class:`~tsrnn._supervised.RNNRegressor` and
:class:`~tsrnn._supervised.RNNClassifier` add only their targets, head size,
loss and output decoding.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import is_classifier
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import _check_sample_weight

from tsrnn._base import resolve_device
from tsrnn._batches import SequenceBatches
from tsrnn._input import sequence_values
from tsrnn._padding import (
    as_ragged,
    has_interior_missing,
    network_values,
    step_rows,
    take,
    token_ids,
    truncated_spans,
    valid_spans,
)
from tsrnn._panel import first_difference
from tsrnn._param_validation import check_is_fitted
from tsrnn._training import make_loss
from tsrnn.exceptions import _first

__all__ = [
    "SEQUENCE_ATTRIBUTES",
    "check_n_targets",
    "fit_sequences",
    "fit_start",
    "outputs_in_order",
    "predict_raw",
    "score_inputs",
    "sequence_inputs",
    "split_validation",
    "train_on",
]


# -- input: every form -> aligned float32 + lengths ----------------------------------
def level_feature(est, n_features: int, tokens: bool) -> int | None:
    """The feature whose last observed value is each sequence's level (fit time).

    ``local_level`` (:class:`~tsrnn.RNNRegressor`): False -> None; True -> the one
    feature of univariate sequences; an int -> that feature. Token ids have no
    level, and True is ambiguous for several features: both are refused.
    """
    level = getattr(est, "local_level", False)
    if level is False or level is None:
        return None
    if tokens:
        raise ValueError(
            f"local_level={level!r} takes inputs relative to their last value, but "
            "with embedding_dim set X holds token ids, which have no level. Set "
            "local_level=False for token inputs."
        )
    if isinstance(level, (bool, np.bool_)):
        if n_features != 1:
            raise ValueError(
                f"local_level=True reads the level of the one feature per step, but "
                f"X has {n_features} features per step. Pass local_level=k, the "
                "index of the feature whose last value is the level (e.g. the "
                "target's position among make_windows' features)."
            )
        return 0
    if level >= n_features:
        raise ValueError(
            f"local_level={level} names feature {level}, but X has {n_features} "
            f"feature(s) per step. Pass an index below {n_features} (the feature "
            "whose last value is the level), or True for univariate sequences."
        )
    return int(level)


def relative_to_level(aligned, feature: int):
    """``aligned`` with ``feature`` taken relative to each sequence's level, and the
    levels (float64 ``(n_samples,)``): the last observed value of ``feature``.

    NaN stays NaN; the caller's values are never changed (a copy is made). A
    sequence whose ``feature`` is never observed has no level: refused.
    """
    column = aligned.values[:, feature]
    starts = aligned.offsets
    observed = np.where(np.isnan(column), -1, np.arange(len(column)))
    last = np.maximum.reduceat(observed, starts)
    if (last < starts).any():
        rows = np.flatnonzero(last < starts)
        raise ValueError(
            f"local_level takes each sequence's level from the last observed value "
            f"of feature {feature}, but {rows.size} sequence(s) of X have none (all "
            f"NaN), at rows [{_first(rows, 10)}]. Drop or fill those sequences, or "
            "choose another local_level feature."
        )
    levels = column[last]
    values = aligned.values.copy()
    values[:, feature] -= np.repeat(levels, aligned.lengths)
    return aligned._replace(values=values), levels.astype(np.float64)


def sequence_inputs(est, X, *, reset: bool, spans: bool = False):
    """Validate ``X`` into a CPU input tensor, lengths and levels; at fit, decide the mode.

    ``spans=True`` also returns ``(starts, lengths, given, first, present)``: the
    steps kept of each sequence (its padding trimmed, ``max_length`` applied) as
    first step and count in the sequence as ``X`` gave it, the given lengths, and
    the steps that are not padding (first and count), for per-step targets.

    The tensor holds the sequences' valid steps back to back (memory O(total
    steps)): ``(total_steps,)`` int64 token ids with ``embedding_dim``, else
    ``(total_steps, F)`` (or ``2F`` with the mask channel) float32.
    ``reset=False`` reads ``X`` for the fitted network (predict, and a
    ``warm_start`` fit): a batch without missing values still gets the fitted mask
    channel, token ids up to the fitted vocabulary are accepted. With a local
    level (``level_feature_``, decided at fit) that feature is relative to each
    sequence's level, returned as float64 ``(n_samples,)``; else levels is None.
    """
    values = sequence_values(est, X, reset=reset)
    # after fit, X is read for the fitted network (set_params acts at the next fit)
    embedding = est.embedding_dim if reset else est._arch.get("embedding_dim")
    tokens = embedding is not None
    ragged = as_ragged(values)
    present = valid_spans(ragged, padding=0.0 if tokens else None)  # 0: padding
    starts, lengths = truncated_spans(*present, est.max_length, est.truncating)
    aligned = take(ragged, starts, lengths)
    # the steps kept, as (first step, count) of each sequence as X gave it, the
    # lengths X gave, and the steps X has (its padding trimmed, before max_length)
    kept = (starts, lengths, ragged.lengths, *present)
    if reset and hasattr(est, "local_level"):  # RNNRegressor's option
        est.level_feature_ = level_feature(est, aligned.values.shape[1], tokens)
    feature = getattr(est, "level_feature_", None)
    levels = None
    if feature is not None:
        aligned, levels = relative_to_level(aligned, feature)
    if tokens:
        ids = token_ids(aligned)
        if reset:
            est.vocab_size_ = int(ids.max()) + 1
        elif ids.max() >= est.vocab_size_:
            raise ValueError(
                f"X holds token id {int(ids.max())}, but the model was fitted with "
                f"ids below vocab_size_={est.vocab_size_}. Map unseen tokens to a "
                "reserved id seen in fit (e.g. 1 for 'unknown')."
            )
        out = torch.from_numpy(ids), lengths, None
        return (*out, kept) if spans else out
    missing = has_interior_missing(aligned)
    if reset:
        est.mask_channel_ = missing
    elif missing and not est.mask_channel_:
        raise ValueError(
            "X has missing values (NaN between observed steps), but the model was "
            "fitted on data without any, so it has no missing-value channel. "
            "Impute them (e.g. sklearn.impute.SimpleImputer) or refit on data "
            "that has missing values."
        )
    inputs = network_values(aligned, mask_channel=est.mask_channel_)
    out = torch.from_numpy(inputs), lengths, levels
    return (*out, kept) if spans else out


def require_y(est, y) -> None:
    if y is None:
        raise ValueError(
            f"{type(est).__name__} requires y to be passed, but the target y is None. "
            "Pass one target per sequence: fit(X, y)."
        )


def split_validation(est, n: int, seed: int):
    """Random train/validation row indices for early stopping (no validation: None).

    scikit-learn's ``train_test_split`` (shuffled by ``seed``), each part sorted.
    """
    if not est.early_stopping:
        return None, None
    fraction = est.validation_fraction
    if n < 2:
        raise ValueError(
            f"early_stopping=True needs at least 2 samples to hold out a validation "
            f"set (got n_samples={n}). Pass more samples or set early_stopping=False."
        )
    n_valid = max(1, round(fraction * n))
    if n - n_valid < 1:
        works = np.floor((n - 1) / n * 100) / 100  # round(works * n) <= n - 1
        raise ValueError(
            f"early_stopping=True with validation_fraction={fraction} holds out "
            f"{n_valid} of the {n} samples for validation, leaving {n - n_valid} to "
            f"train on. Use validation_fraction <= {works:g}, pass more samples, or "
            "set early_stopping=False."
        )
    train, valid = train_test_split(np.arange(n), test_size=n_valid, random_state=seed)
    return np.sort(train), np.sort(valid)


def plain_targets(est, y, method: str = "fit"):
    """Refuse missing targets (NaN, None, ``pd.NA``, in any dtype), naming the rows.

    A Series of a nullable dtype (``Int64``, ``boolean``, ``Float64``) comes back as
    its numpy dtype, so that labels and ``classes_`` are what the plain dtype gives.
    """
    if isinstance(y, (pd.Series, pd.DataFrame)):
        missing = y.isna().to_numpy()
    else:
        missing = np.asarray(pd.isna(np.asarray(y, dtype=object)))
    if missing.ndim > 1:
        missing = missing.reshape(len(missing), -1).any(axis=1)
    rows = np.flatnonzero(missing)
    if rows.size == 0:
        numpy_dtype = getattr(getattr(y, "dtype", None), "numpy_dtype", None)
        if isinstance(y, pd.Series) and numpy_dtype is not None:
            return y.to_numpy(dtype=numpy_dtype)
        return y
    what = "label" if is_classifier(est) else "target"
    shown = _first(rows, 10)
    raise ValueError(
        f"y has {rows.size} sample(s) with no {what} (NaN, None or pd.NA), at "
        f"positions [{shown}]. Drop those samples from X and y before "
        f"{'fitting' if method == 'fit' else 'scoring'} (for a Series y: keep = "
        f"y.notna().to_numpy(); {method}(X[keep], y[keep])), or fill in their "
        f"{what}s."
    )


def check_pairing(X, y, method: str = "fit") -> None:
    """Refuse pandas ``X`` and ``y`` whose indexes differ: samples pair by position.

    scikit-learn pairs ``X`` and ``y`` row by row; when both carry an index, a
    different one (other order, other labels) means the rows would be paired
    with targets that are not theirs, so it is refused with the fix that pairs
    them by label. A numpy ``X`` or ``y`` has no labels: position pairing.
    """
    indexed = (pd.Series, pd.DataFrame)
    if not (isinstance(X, indexed) and isinstance(y, indexed)):
        return
    x, yi = X.index, y.index
    if x.equals(yi):
        return
    xs, ys = set(x), set(yi)
    missing = [label for label in x.unique() if label not in ys]
    if not missing and yi.is_unique:
        how = (
            "y holds the same labels in another order"
            if len(x) == len(yi) and xs == ys
            else "y holds the labels of X among others"
        )
        fix = f"{how}: pass y.loc[X.index] to pair each sample with its own target."
    elif yi.has_duplicates:
        fix = (
            "y's index has duplicate labels, so targets cannot be found by label: "
            "pass one target per sample of X, indexed like X."
        )
    elif len(missing) < len(xs):
        notna = "y.notna()" if isinstance(y, pd.Series) else "y.notna().all(axis=1)"
        fix = (
            f"X has {len(missing)} label(s) that y's index lacks (the first "
            f"{missing[0]!r}). To pair by label and leave out the samples without "
            f"a target: y = y.reindex(X.index); keep = {notna}.to_numpy(); "
            f"{method}(X[keep], y[keep])."
        )
    else:
        fix = "None of X's labels are in y's index: pass y indexed like X."
    if len(missing) and len(x) == len(yi) and not yi.has_duplicates:
        fix += (
            " If y is already in X's row order, pair by position with y.to_numpy() "
            "instead."
        )
    raise ValueError(
        f"X and y have different indexes ({len(x)} and {len(yi)} rows): both are "
        f"pandas, so sample i of X must have the label of target i of y, but the "
        f"first difference is at {first_difference(x, yi)}. tsrnn never realigns "
        f"them silently. {fix}"
    )


def checked_targets(est, X, y, method: str = "fit"):
    """``y`` paired with ``X`` (:func:`check_pairing`) and without missing targets."""
    check_pairing(X, y, method)
    return plain_targets(est, y, method)


def score_inputs(est, X, y, sample_weight):
    """``y`` and ``sample_weight`` of ``score``, checked as ``fit`` checks them."""
    y = checked_targets(est, X, y, "score")
    return y, check_weights(sample_weight, len(y))


def class_weights(class_weight, classes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The weight of each class in ``classes`` (float64), ``class_weight`` checked.

    ``codes`` are the samples' classes as positions in ``classes``.

    A dict must map labels to finite, non-negative numbers; classes it does not
    name weigh 1. As in scikit-learn, a key that is not a label of ``y`` is an
    error when some class of ``y`` has no weight (a mistyped or misspelt label);
    it is accepted when every class is weighted (a class absent from this
    ``y``, e.g. in a cross-validation fold).
    """
    if class_weight is None:
        return np.ones(len(classes))
    if isinstance(class_weight, str):  # "balanced" (checked by the constraints)
        return compute_class_weight(
            class_weight, classes=np.arange(len(classes)), y=codes
        )
    for key, value in class_weight.items():
        number = isinstance(value, Real) and not isinstance(value, (bool, np.bool_))
        if not number or not np.isfinite(value) or value < 0:
            raise (ValueError if number else TypeError)(
                f"class_weight must map each label to a finite, non-negative number; "
                f"got {key!r}: {value!r}. Give that class a weight >= 0 (0 leaves "
                f"it out of the fit, 1 is the default), e.g. class_weight="
                f"{ {**class_weight, key: 1.0} }."
            )
    labels = classes.tolist()
    known = set(labels)
    unknown = [k for k in class_weight if k not in known]
    unweighted = [c for c in labels if c not in class_weight]
    if unknown and unweighted:
        by_text = {str(c): c for c in labels}
        if all(str(k) in by_text for k in unknown):
            fixed = {by_text.get(str(k), k): v for k, v in class_weight.items()}
            fix = f"Key it by the labels themselves: class_weight={fixed}."
        else:
            fix = f"Use the labels of y as keys (the classes are {labels})."
        raise ValueError(
            f"class_weight has key(s) {unknown} that are not labels of y, and the "
            f"class(es) {unweighted} of y get no weight from it. {fix}"
        )
    return np.array([float(class_weight.get(c, 1.0)) for c in labels])


def check_n_targets(n_samples: int, n_targets: int) -> None:
    if n_targets != n_samples:
        raise ValueError(
            f"X and y have different numbers of samples: X has {n_samples}, y "
            f"has {n_targets}. Pass one target per sequence."
        )


def check_weights(sample_weight, n_samples: int) -> np.ndarray | None:
    """``sample_weight`` as float64 ``(n_samples,)`` (None stays None), checked."""
    if sample_weight is None:
        return None
    try:
        return _check_sample_weight(
            sample_weight, np.empty((n_samples, 0)), ensure_non_negative=True
        )
    except ValueError as exc:
        raise ValueError(
            f"{str(exc).rstrip('.!')} (sample_weight). Pass one finite, non-negative "
            f"weight per sequence of X ({n_samples} here), not all zero, or "
            "sample_weight=None to weight every sequence equally."
        ) from exc


def loss_weights(weights: np.ndarray | None, targets: np.ndarray):
    """The loss mask for per-sample ``weights``: None when they are all equal.

    Equal weights give the unweighted mean exactly, so they take the unweighted
    path (``sample_weight=np.ones(n)`` fits what ``sample_weight=None`` fits).
    """
    if weights is None or (weights == weights[0]).all():
        return None
    shape = targets.shape  # one weight per target entry of the sample
    w = weights.reshape(-1, *([1] * (len(shape) - 1)))
    return torch.from_numpy(np.broadcast_to(w, shape).astype(np.float32))


def fit_start(est, y):
    """What every sequence fit settles first: ``y`` given, the device (a bad one
    fails before any work), the seed, whether it continues the fitted network
    (then its layers are checked against the parameters before ``X`` is read
    for it), and the recurrent layers' part of the architecture."""
    require_y(est, y)
    device = resolve_device(est.device)
    seed = est._seed()
    warm = est._warm()
    layers = dict(
        cell=est.cell,
        hidden_size=int(est.hidden_size),
        num_layers=int(est.num_layers),
        dropout=float(est.dropout),
        bidirectional=bool(est.bidirectional),
        embedding_dim=est.embedding_dim,
    )
    if warm:
        est._check_warm_arch({**est._arch, **layers})
    return device, seed, warm, layers


def fit_sequences(
    est, X, y, encode_targets, *, loss: str, sample_weight=None, class_weight=None
):
    """The fit template shared by the sequence estimators.

    ``X`` is validated first (as scikit-learn's ``validate_data(X, y)`` does), then
    ``encode_targets(y, n_samples, fit_rows, levels) -> (targets, output_size)``
    checks and encodes the targets (``fit_rows``: the samples of positive weight,
    or None for all; ``levels``: each sample's local level, or None). Sample weights (``sample_weight`` times ``class_weight``'s) enter the
    masked loss as a weighted mean, in training and in the validation loss;
    samples of weight 0 are left out of the fit altogether, so that weight 0 is
    the same as removing the sample.
    """
    device, seed, warm, layers = fit_start(est, y)
    try:  # a warm fit reads X for the fitted network, as predict does
        inputs, lengths, levels = sequence_inputs(est, X, reset=not warm)
    except ValueError as exc:
        if not warm:
            raise
        raise ValueError(
            f"{exc} (warm_start=True continues training the fitted network, so X "
            "must fit it as at predict time; set warm_start=False to start over.)"
        ) from exc
    y = checked_targets(est, X, y)
    weights = check_weights(sample_weight, len(lengths))
    targets, output_size = encode_targets(
        y, len(lengths), None if weights is None else weights > 0, levels
    )
    if class_weight is not None:  # targets are then the class codes
        by_class = class_weights(class_weight, est.classes_, targets)[targets]
        weights = by_class if weights is None else weights * by_class
        if not (weights > 0).any():
            raise ValueError(
                "class_weight and sample_weight leave every sample with weight 0; "
                "give at least one class and sample a positive weight."
            )
    data = SequenceBatches(
        inputs, lengths, torch.from_numpy(targets), loss_weights(weights, targets)
    )
    if weights is not None and not (weights > 0).all():
        data = data.subset(np.flatnonzero(weights > 0))  # weight 0 = not there
    return train_on(est, data, layers, output_size, loss, seed, device)


def train_on(est, data, layers, output_size, loss, seed, device, **arch_extra):
    """The common end of every sequence fit: the validation split, the network's
    architecture (checked against a ``warm_start`` fit's before anything is
    trained or moved), the batches on ``device``, the one training loop."""
    train_idx, valid_idx = split_validation(est, len(data), seed)
    tokens = est.embedding_dim is not None
    arch = dict(
        **layers,
        input_size=1 if tokens else data.inputs.shape[1],
        output_size=output_size,
        vocab_size=est.vocab_size_ if tokens else None,
        **arch_extra,
    )
    est._check_warm_arch(arch)
    if train_idx is None:
        batches = data.to(device), None
    else:
        batches = data.subset(train_idx).to(device), data.subset(valid_idx).to(device)
    return est._fit_network(arch, batches, make_loss(loss), seed, device)


def predict_raw(est, X, *, levels: bool = False):
    """Network outputs for ``X`` in row order, computed in batches sorted by length.

    ``levels=True`` returns ``(outputs, levels)``, the local levels of ``X`` (None
    without a local level).
    """
    check_is_fitted(est)
    inputs, lengths, level_values = sequence_inputs(est, X, reset=False)
    out = outputs_in_order(est, inputs, lengths)
    return (out, level_values) if levels else out


def outputs_in_order(est, inputs, lengths, *, per_step: bool = False) -> np.ndarray:
    """The fitted network's outputs for sequences ``(inputs, lengths)``, computed
    in batches of similar length and put back in row order: one row per sequence,
    or with ``per_step`` one per step, each sequence's steps in turn."""
    batches = SequenceBatches(inputs, lengths).to(est._module_device())
    plan = batches.sorted_batches()
    out = est._outputs([batches.gather(idx) for idx in plan], per_step=per_step)
    order = torch.cat(plan).numpy()  # rows in the order they were computed
    if not per_step:
        in_order = np.empty_like(out)
        in_order[order] = out
        return in_order
    firsts = np.empty(len(order), dtype=np.int64)
    firsts[order] = np.concatenate([[0], np.cumsum(lengths[order])[:-1]])
    return out[step_rows(firsts, lengths)]


#: fitted attributes of both sequence estimators (see ``_persisted_attributes``)
SEQUENCE_ATTRIBUTES = (
    "layout_",
    "n_step_features_",
    "step_names_in_",
    "mask_channel_",
    "n_features_in_",
    "feature_names_in_",
    "vocab_size_",
)
