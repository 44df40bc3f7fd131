"""Per-step estimators: an output at every step of a sequence (many-to-many).

The recurrent network's output at step ``t`` is ``y_t = W h_t + b`` and training
minimises the mean of the per-step losses over the observed steps (``L = Σ_t L_t``
up to normalisation): sequence labelling (a label per step) and per-step
regression. The same network builder, training loop and persistence as the other
estimators; the head reads every step (``per_step`` in the architecture).

The contract of ``y``: one target per step of each sequence of ``X``, as ``X``
gives them — a list of 1-D (or ``(n_steps, n_outputs)``) arrays of the same
lengths as ``X``'s sequences, or an array ``(n_samples, n_steps[, n_outputs])``.
Steps that are padding in ``X`` (NaN at either end), steps that ``max_length``
drops, and missing targets (NaN, None) are left out of the loss and the score.
``predict`` answers in ``X``'s form: a list for a list, an array for an array,
with NaN (None for labels) where ``X`` has no step.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from sklearn.base import ClassifierMixin, RegressorMixin

from tsrnn._base import BaseRNN
from tsrnn._batches import SequenceBatches
from tsrnn._docs import RNN, SEQUENCE, document
from tsrnn._padding import Ragged, step_rows, take
from tsrnn._param_validation import (
    Integral,
    Interval,
    StrOptions,
    _fit_context,
    check_is_fitted,
)
from tsrnn._scaling import fit_scaler, inverse_transform, transform
from tsrnn._sequence import (
    SEQUENCE_ATTRIBUTES,
    check_pairing,
    check_weights,
    fit_start,
    outputs_in_order,
    sequence_inputs,
    train_on,
)

__all__ = ["RNNSequenceClassifier", "RNNSequenceRegressor"]

_LIST = (list, tuple)


def _is_list(X) -> bool:
    return isinstance(X, _LIST) or (isinstance(X, pd.Series) and X.dtype == object)


def step_targets(y, kept, x_is_list: bool, *, name: str = "y") -> Ragged:
    """``y`` as one row per step of the sequences of ``X``, on the steps kept.

    ``kept`` is :func:`~tsrnn._sequence.sequence_inputs`'s spans: the steps kept of
    each sequence, the lengths ``X`` gave and its steps that are not padding. A
    list ``X`` pairs with a list ``y`` (each as long as its sequence), an array
    ``X`` with an array ``y`` of the same ``(n_samples, n_steps)``; a target on a
    step that is padding in ``X`` is refused (``y`` padded on the other side).
    Values stay as given: labels are read as objects, so a NaN among strings
    stays a missing label (never the string ``'nan'``).
    """
    starts, lengths, given, first, present = kept
    n = len(given)
    if x_is_list != _is_list(y) and not (
        x_is_list and isinstance(y, np.ndarray) and y.dtype == object
    ):
        raise ValueError(
            f"X is {'a list of sequences' if x_is_list else 'an array'}, so {name} "
            f"must be {'a list of target arrays, one as long as each sequence' if x_is_list else 'an array (n_samples, n_steps[, n_outputs]) aligned with X, padded as X is'}"
            f"; got {type(y).__name__}."
        )
    if _is_list(y):
        for v in y:
            if isinstance(v, np.ndarray):
                _no_nan_strings(v, name)
        seqs = [np.asarray(v, dtype=object) for v in y]
        if len(seqs) != n:
            raise ValueError(
                f"{name} has {len(seqs)} sequences of targets, X has {n}: pass one "
                "target sequence per sequence of X."
            )
        scalar = [i for i, v in enumerate(seqs) if v.ndim == 0]
        if scalar:
            raise ValueError(
                f"{name}[{scalar[0]}] is one value, not a target per step: per-step "
                "estimators take a sequence of targets per sequence of X (one value "
                "per sequence is for RNNRegressor / RNNClassifier)."
            )
        bad = [i for i, (v, g) in enumerate(zip(seqs, given)) if len(v) != g]
        if bad:
            i = bad[0]
            raise ValueError(
                f"{name}[{i}] has {len(seqs[i])} targets, but X[{i}] has {given[i]} "
                "steps: pass one target per step (NaN where a step has none)."
            )
        values = np.concatenate([v.reshape(len(v), -1) for v in seqs])
    else:
        arr = np.asarray(y)
        _no_nan_strings(arr, name)
        if arr.ndim not in (2, 3) or arr.shape[0] != n or arr.shape[1] != given.max():
            raise ValueError(
                f"{name} must hold one target per step of each sequence of X: an "
                f"array of shape (n_samples={n}, n_steps={int(given.max())}"
                f"[, n_outputs]) padded as X is, or a list of {n} arrays; got shape "
                f"{arr.shape}. A 1-D y (one target per sequence) is for "
                "RNNRegressor / RNNClassifier."
            )
        arr = arr.reshape(n, arr.shape[1], -1)
        values = np.concatenate([arr[i, :g] for i, g in enumerate(given)])
    targets = Ragged(values, np.asarray(given, dtype=np.int64))
    observed = ~_missing(values).all(axis=1)
    inside = np.zeros(len(values), dtype=bool)
    inside[step_rows(targets.offsets + first, present)] = True
    if (observed & ~inside).any():
        row = int(
            np.searchsorted(
                np.cumsum(given), np.flatnonzero(observed & ~inside)[0], side="right"
            )
        )
        raise ValueError(
            f"{name} has targets on steps that are padding in X (NaN at the start or "
            f"end of a sequence), e.g. in sequence {row}: pad y on the same side as X "
            "(a target for every step X has, NaN elsewhere)."
        )
    return take(targets, starts, lengths)


def check_step_columns(X, y) -> None:
    """Refuse a DataFrame ``y`` whose step columns are not ``X``'s, in order:
    steps pair by position, so other columns would pair targets with the wrong
    steps (as different row indexes would pair them with the wrong sequences)."""
    if not (isinstance(X, pd.DataFrame) and isinstance(y, pd.DataFrame)):
        return
    steps = X.columns.get_level_values(-1).unique()
    given = y.columns.get_level_values(-1).unique()
    if [str(c) for c in steps] != [str(c) for c in given]:
        raise ValueError(
            f"y's step columns {list(given)[:6]} are not X's {list(steps)[:6]} in "
            "order: steps pair by position. Pass y with X's step columns, e.g. "
            "y[X.columns] for a table X."
        )


def _no_nan_strings(values: np.ndarray, name: str) -> None:
    """numpy writes a NaN among strings as the string 'nan': refuse it rather than
    train on a class 'nan' (a missing label needs an object array)."""
    if values.dtype.kind == "U" and (values == "nan").any():
        raise ValueError(
            f"{name} is a numpy string array holding 'nan' (numpy writes a NaN among "
            "strings as 'nan'): build it with dtype=object (np.array(labels, "
            "dtype=object)) or as a list, so that NaN or None marks a missing label."
        )


def _missing(values: np.ndarray) -> np.ndarray:
    """Whether each target is missing (NaN, None, pd.NA)."""
    return np.asarray(pd.isna(values), dtype=bool)


def fit_per_step(est, X, y, encode, loss: str):
    """The fit template of the per-step estimators (one loop, one builder).

    ``encode(values, missing) -> (targets, mask, output_size)`` turns the kept
    steps' targets into the network's (float32, or int64 class codes) and the
    loss mask (0 for a missing target).
    """
    device, seed, warm, layers = fit_start(est, y)
    check_pairing(X, y)
    check_step_columns(X, y)
    inputs, lengths, _, kept = sequence_inputs(est, X, reset=not warm, spans=True)
    targets = step_targets(y, kept, _is_list(X))
    missing = _missing(targets.values)
    if missing.all():
        raise ValueError("y has no observed target at any step kept of X.")
    values, mask, output_size = encode(targets.values, missing)
    data = SequenceBatches(
        inputs,
        lengths,
        torch.from_numpy(values),
        torch.from_numpy(mask),
        step_targets=True,
    )
    return train_on(est, data, layers, output_size, loss, seed, device, per_step=True)


def predict_steps(est, X) -> tuple[np.ndarray, tuple]:
    """Network outputs at every kept step of ``X``, ``(total_kept_steps,
    outputs)`` with each sequence's steps in turn, and the kept spans."""
    check_is_fitted(est)
    inputs, lengths, _, kept = sequence_inputs(est, X, reset=False, spans=True)
    return outputs_in_order(est, inputs, lengths, per_step=True), kept


def in_form(X, values: np.ndarray, kept, fill, *, squeeze: bool):
    """Per-step ``values`` of the kept steps in ``X``'s form: a list for a list
    (each sequence's given length), else an array ``(n_samples, n_steps[, k])``;
    ``fill`` where a step was not kept (padding, truncated: then an ``object``
    array unless ``fill`` is NaN). ``squeeze`` drops a last axis of 1."""
    starts, lengths, given = kept[:3]
    every = bool((starts == 0).all() and (lengths == given).all())
    dtype = values.dtype if every or fill is np.nan else object
    seqs, pos = [], 0
    for s, n, g in zip(starts, lengths, given):
        seq = (  # every step kept: nothing to fill
            np.empty((g, *values.shape[1:]), dtype=dtype)
            if every
            else np.full((g, *values.shape[1:]), fill, dtype=dtype)
        )
        seq[s : s + n] = values[pos : pos + n]
        pos += n
        seqs.append(seq[..., 0] if squeeze else seq)
    if _is_list(X):
        return seqs
    return np.stack(seqs)


def _observed_steps(est, X, y, sample_weight=None):
    """Targets, predictions, each step's weight and which targets are observed,
    at the kept steps (``score``); a sequence's ``sample_weight`` weighs each of
    its steps."""
    check_pairing(X, y, "score")
    check_step_columns(X, y)
    out, kept = predict_steps(est, X)
    targets = step_targets(y, kept, _is_list(X)).values
    weights = check_weights(sample_weight, len(kept[1]))
    observed = ~_missing(targets)
    if not observed.any():
        raise ValueError(
            "y has no observed target at any step kept of X: nothing to score."
        )
    per_step = np.ones(len(targets)) if weights is None else np.repeat(weights, kept[1])
    return targets, out, per_step, observed


_PER_STEP_CONSTRAINTS = {
    **BaseRNN._parameter_constraints,
    "bidirectional": ["boolean"],
    "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
    "features_per_step": [Interval(Integral, 1, None, closed="left"), None],
    "max_length": [Interval(Integral, 1, None, closed="left"), None],
    "truncating": [StrOptions({"pre", "post"})],
}


@document(SEQUENCE, RNN)
class RNNSequenceRegressor(RegressorMixin, BaseRNN):
    """Recurrent network regressor with an output at every step (many-to-many).

    ``y`` holds one target per step of each sequence of ``X`` (see the module
    docstring for its forms); the network's output at step ``t`` reads steps
    ``<= t`` only, unless ``bidirectional=True`` (which reads the whole
    sequence: for labelling complete sequences, not for forecasting). Targets
    are standardized internally (per output, over the observed steps).
    scikit-learn's ``check_estimator`` does not apply (its ``y`` is one value per
    sample); ``clone``, ``get_params``/``set_params``, ``Pipeline``,
    ``GridSearchCV`` (with the default ``score``), pickling and
    ``tsrnn.save``/``tsrnn.load`` do.

    Parameters
    ----------
    %(sequence_network)s
    %(features_per_step)s
    %(max_length)s
    %(truncating)s
    loss : {"mse", "mae", "huber"}, default="mse"
        Per-step loss on the standardized targets, averaged over the observed
        steps of every sequence and over the outputs.
    %(training)s

    Attributes
    ----------
    %(sequence_attributes)s
    n_outputs_ : int
        Targets per step.
    y_mean_, y_scale_ : ndarray of shape (n_outputs_,)
        The standardization of the targets (mean and standard deviation over the
        observed steps of fit).

    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn import RNNSequenceRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.normal(size=n) for n in (5, 8, 6)] * 10
    >>> y = [np.cumsum(x) for x in X]  # the running sum at every step
    >>> est = RNNSequenceRegressor(max_epochs=5, random_state=0).fit(X, y)
    >>> [p.shape for p in est.predict(X[:3])]
    [(5,), (8,), (6,)]
    """

    _parameter_constraints = {
        **_PER_STEP_CONSTRAINTS,
        "loss": [StrOptions({"mse", "mae", "huber"})],
    }

    def __init__(
        self,
        cell: str = "lstm",
        *,
        hidden_size: int = 32,
        num_layers: int = 1,
        dropout: float = 0.0,
        bidirectional: bool = False,
        embedding_dim: int | None = None,
        features_per_step: int | None = None,
        max_length: int | None = None,
        truncating: str = "pre",
        loss: str = "mse",
        learning_rate: float = 1e-2,
        lr_schedule: str = "constant",
        weight_decay: float = 0.0,
        batch_size: int = 32,
        max_epochs: int | None = 100,
        max_steps: int | None = 2000,
        gradient_clip: float | None = None,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        patience: int = 10,
        random_state=None,
        device: str = "cpu",
        n_threads: int | str = "auto",
        verbose: int = 0,
        warm_start: bool = False,
    ) -> None:
        super().__init__(
            cell,
            hidden_size=hidden_size,
            num_layers=num_layers,
            dropout=dropout,
            bidirectional=bidirectional,
            embedding_dim=embedding_dim,
            features_per_step=features_per_step,
            max_length=max_length,
            truncating=truncating,
            learning_rate=learning_rate,
            lr_schedule=lr_schedule,
            weight_decay=weight_decay,
            batch_size=batch_size,
            max_epochs=max_epochs,
            max_steps=max_steps,
            gradient_clip=gradient_clip,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            patience=patience,
            random_state=random_state,
            device=device,
            n_threads=n_threads,
            verbose=verbose,
            warm_start=warm_start,
        )
        self.loss = loss

    _persisted_attributes = (
        *BaseRNN._persisted_attributes,
        *SEQUENCE_ATTRIBUTES,
        "n_outputs_",
        "y_mean_",
        "y_scale_",
        "_y_1d",
    )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> RNNSequenceRegressor:
        """Fit on sequences ``X`` and their per-step targets ``y``.

        Parameters
        ----------
        X : sequences in any form of :class:`RNNRegressor`
            ``(n_samples, n_steps)``, ``(n_samples, n_steps, n_features)``, or a
            list of ``(n_steps_i[, n_features])`` arrays.
        y : list of arrays ``(n_steps_i[, n_outputs])``, or array ``(n_samples,
            n_steps[, n_outputs])``
            One target per step, NaN for a step without one.

        Returns
        -------
        self : RNNSequenceRegressor
        """
        return fit_per_step(self, X, y, self._encode, self.loss)

    def _encode(self, values, missing):
        try:
            y2 = np.where(missing, np.nan, values).astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"y must hold numbers per step: {exc}") from exc
        empty = np.flatnonzero(np.isnan(y2).all(axis=0))
        if len(empty):
            raise ValueError(
                f"y has no target at any step for output(s) {empty.tolist()}: each "
                "output needs some observed steps; drop that output."
            )
        if np.isinf(y2).any():
            raise ValueError(
                f"y holds {int(np.isinf(y2).sum())} infinite target(s); replace them "
                "with finite values, or with NaN for a step without a target."
            )
        self._y_1d = y2.shape[1] == 1  # set at fit from the targets' form
        if self._warm() and y2.shape[1] != self.n_outputs_:
            raise ValueError(
                f"With warm_start=True, y must have the {self.n_outputs_} target(s) "
                f"per step of the first fit; got {y2.shape[1]}."
            )
        if not self._warm():
            center, scale = fit_scaler([y2], "standard")  # NaN-aware, per output
            self.y_mean_, self.y_scale_ = center[0], scale[0]
        self.n_outputs_ = y2.shape[1]
        scaled = transform(y2, self.y_mean_, self.y_scale_)
        mask = (~np.isnan(scaled)).astype(np.float32)
        return np.nan_to_num(scaled).astype(np.float32), mask, self.n_outputs_

    def predict(self, X):
        """Targets at every step of ``X``, in ``X``'s form: a list of
        ``(n_steps_i[, n_outputs])`` arrays for a list, else an array
        ``(n_samples, n_steps[, n_outputs])``; NaN where ``X`` has no step."""
        out, kept = predict_steps(self, X)
        values = inverse_transform(out.astype(np.float64), self.y_mean_, self.y_scale_)
        return in_form(X, values, kept, np.nan, squeeze=self._y_1d)

    def score(self, X, y, sample_weight=None) -> float:
        """R² of each output over its observed steps, averaged over the outputs;
        a sequence's ``sample_weight`` weighs each of its steps."""
        from sklearn.metrics import r2_score

        targets, out, weights, observed = _observed_steps(self, X, y, sample_weight)
        pred = inverse_transform(out.astype(np.float64), self.y_mean_, self.y_scale_)
        values = np.where(observed, targets, np.nan).astype(np.float64)
        scores = [  # each output over its own observed steps, then their mean
            r2_score(values[seen, j], pred[seen, j], sample_weight=weights[seen])
            for j, seen in enumerate(observed.T)
            if seen.any()
        ]
        return float(np.mean(scores))


@document(SEQUENCE, RNN)
class RNNSequenceClassifier(ClassifierMixin, BaseRNN):
    """Recurrent network classifier with a label at every step (sequence labelling).

    ``y`` holds one label per step of each sequence of ``X`` (labels of any
    type; None or NaN for a step without one). The prediction at step ``t`` reads
    steps ``<= t`` only, unless ``bidirectional=True``. Training minimises the
    mean cross-entropy over the labelled steps. A next-token model is this
    classifier with ``y`` the inputs shifted by one step. scikit-learn's
    ``check_estimator`` does not apply (its ``y`` is one label per sample).

    Parameters
    ----------
    %(sequence_network)s
    %(features_per_step)s
    %(max_length)s
    %(truncating)s
    %(training)s

    Attributes
    ----------
    %(sequence_attributes)s
    classes_ : ndarray of shape (n_classes,)
        The labels seen at the labelled steps of fit, sorted.

    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn import RNNSequenceClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.normal(size=n) for n in (6, 9, 7)] * 20
    >>> y = [np.where(np.cumsum(x) > 0, "up", "down") for x in X]
    >>> clf = RNNSequenceClassifier(max_epochs=10, random_state=0).fit(X, y)
    >>> clf.predict(X[:1])[0].shape, clf.classes_.tolist()
    ((6,), ['down', 'up'])
    """

    _parameter_constraints = dict(_PER_STEP_CONSTRAINTS)
    # __init__: BaseRNN's, which takes exactly the sequence parameters

    _persisted_attributes = (
        *BaseRNN._persisted_attributes,
        *SEQUENCE_ATTRIBUTES,
        "classes_",
    )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> RNNSequenceClassifier:
        """Fit on sequences ``X`` and their per-step labels ``y``.

        Parameters
        ----------
        X : sequences in any form of :class:`RNNClassifier`
        y : list of 1-D label arrays ``(n_steps_i,)``, or array ``(n_samples,
            n_steps)``
            One label per step, None or NaN for a step without one.

        Returns
        -------
        self : RNNSequenceClassifier
        """
        return fit_per_step(self, X, y, self._encode, "cross_entropy")

    def _encode(self, values, missing):
        if values.shape[1] != 1:
            raise ValueError(
                f"y must hold one label per step; got {values.shape[1]} per step."
            )
        labels = values[:, 0][~missing[:, 0]]
        kinds = {
            "text"
            if isinstance(v, str)
            else "bool"
            if isinstance(v, bool | np.bool_)
            else "number"
            for v in labels.tolist()
        }
        if len(kinds) > 1:
            same = " (True would be the same class as 1)" if "bool" in kinds else ""
            raise TypeError(
                f"y mixes labels of several kinds ({sorted(kinds)}){same}; use one "
                "kind, e.g. all strings."
            )
        labels = np.asarray(labels.tolist())  # its own dtype: str, int, bool, float
        classes = np.unique(labels)
        if self._warm():
            unseen = sorted(set(classes.tolist()) - set(self.classes_.tolist()))
            if unseen:
                raise ValueError(
                    f"With warm_start=True, y may only hold the classes of the first "
                    f"fit {self.classes_.tolist()}; got {unseen}."
                )
        else:
            if len(classes) < 2:
                raise ValueError(
                    f"y has only one class ({classes.tolist()}) at its labelled steps; "
                    "a classifier needs at least two."
                )
            self.classes_ = classes
        codes = np.zeros(len(values), dtype=np.int64)
        codes[~missing[:, 0]] = np.searchsorted(self.classes_, labels)
        mask = (~missing[:, 0]).astype(np.float32)
        return codes, mask, len(self.classes_)

    def predict_proba(self, X):
        """Class probabilities at every step, in ``X``'s form: a list of
        ``(n_steps_i, n_classes)`` arrays for a list, else ``(n_samples, n_steps,
        n_classes)``; NaN where ``X`` has no step. Columns follow ``classes_``."""
        out, kept = predict_steps(self, X)
        proba = torch.softmax(torch.from_numpy(out), dim=1).numpy().astype(np.float64)
        return in_form(X, proba, kept, np.nan, squeeze=False)

    def predict(self, X):
        """The most probable label at every step, in ``X``'s form; None where
        ``X`` has no step (padding, or dropped by ``max_length``)."""
        out, kept = predict_steps(self, X)
        labels = self.classes_[out.argmax(axis=1)][:, None]
        return in_form(X, labels, kept, None, squeeze=True)

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy over the labelled steps; a sequence's ``sample_weight`` weighs
        each of its steps."""
        from sklearn.metrics import accuracy_score

        targets, out, weights, observed = _observed_steps(self, X, y, sample_weight)
        seen = observed[:, 0]
        pred = self.classes_[out[seen].argmax(axis=1)]
        labels = np.asarray(targets[seen, 0].tolist())  # their own dtype, as in fit
        return float(accuracy_score(labels, pred, sample_weight=weights[seen]))
