"""Sequence-level estimators: :class:`RNNRegressor` and :class:`RNNClassifier`.

Each adds to :class:`~tsrnn._base.BaseRNN` only its target handling, head size,
loss and output decoding; the fit and predict template they share is
:mod:`tsrnn._sequence`.
"""

from __future__ import annotations

import numpy as np
from scipy.special import softmax
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils import check_array
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from tsrnn._base import BaseRNN
from tsrnn._docs import RNN, SEQUENCE, document
from tsrnn._param_validation import (
    Integral,
    Interval,
    StrOptions,
    _fit_context,
)
from tsrnn._scaling import fit_scaler, inverse_transform, transform
from tsrnn._sequence import (
    SEQUENCE_ATTRIBUTES,
    check_n_targets,
    fit_sequences,
    predict_raw,
    score_inputs,
)

__all__ = ["RNNClassifier", "RNNRegressor", "level_link"]


def level_link(levels: np.ndarray, y2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least squares ``y2 ≈ levels * coef + intercept``, one pair per output column.

    The level is in the units of the inputs, the targets in theirs: for windows
    in the target's units ``coef`` is about 1 and ``intercept`` about 0; after a
    per-column scaler (``StandardScaler`` in a Pipeline) they undo its scaling.
    Levels that do not vary leave no slope to estimate: ``coef`` is then 1.
    """
    centred = levels - levels.mean()
    spread = centred @ centred
    mean_y = y2.mean(axis=0)
    if spread > 1e-12 * (levels @ levels):  # else constant, up to rounding
        coef = centred @ (y2 - mean_y) / spread
    else:
        coef = np.ones(y2.shape[1])
    return coef, mean_y - coef * levels.mean()


@document(SEQUENCE, RNN)
class RNNRegressor(RegressorMixin, BaseRNN):
    """Recurrent network regressor: sequence -> value(s).

    Accepts 2-D ``(n_samples, n_steps)`` arrays (as scikit-learn transformers hand
    on), 3-D ``(n_samples, n_steps, n_features)`` arrays, lists of sequences of
    different lengths, and DataFrames of windows as :func:`tsrnn.make_windows`
    makes. NaN at either end of a sequence is padding; NaN inside is a missing
    value, masked and signalled to the network. Targets are standardized
    internally (mean 0, std 1 per output) and predictions come back in the
    original units.

    Parameters
    ----------
    %(sequence_network)s
    %(features_per_step)s
    %(max_length)s
    %(truncating)s
    loss : {"mse", "mae", "huber"}, default="mse"
        Training loss on the standardized targets (of the change from the level
        with ``local_level``), averaged over samples (weighted by
        ``sample_weight``) and outputs: squared error, absolute error, or Huber
        (squared below 1 and absolute above, in standard deviations of the
        target).
    local_level : bool or int, default=False
        Read each sequence relative to its level, as the forecasters'
        ``local_level`` does, so that windows of a trending series at levels
        never seen in fit are predicted. The level of a sequence is the last
        observed (non-NaN) value of one feature: ``True`` for univariate
        sequences, an int ``k`` (not a bool) for feature ``k`` of multivariate
        ones (the target's position among :func:`tsrnn.make_windows`' features).
        That feature's steps are taken relative to the level (other features are
        left as they are), and each target is predicted as a change from the
        level in the target's units, ``level_coef_ * level + level_intercept_``
        (least squares in ``fit``: about 1 and 0 for windows in the target's
        units; it also undoes a per-column scaler such as ``StandardScaler`` in a
        Pipeline), added back in ``predict``. Padded and variable-length
        sequences take the level at their own last observed step; a sequence
        whose feature is all NaN, token inputs (``embedding_dim``) and ``True``
        with several features are refused. ``False``: absolute inputs.
    %(training)s

    Attributes
    ----------
    %(sequence_attributes)s
    n_outputs_ : int
        Number of targets.
    y_mean_, y_scale_ : ndarray of shape (n_outputs_,)
        Target standardization (of the change from the level with
        ``local_level``).
    level_feature_ : int or None
        The feature whose last value is the level (``local_level`` resolved);
        None without a local level.
    level_coef_, level_intercept_ : ndarray of shape (n_outputs_,) or None
        The level in target units, ``level_coef_ * level + level_intercept_``,
        per output; None without a local level.

    See Also
    --------
    RNNClassifier : The same network with a classification head.
    tsrnn.make_windows : Supervised windows from a series.

    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn import RNNRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.normal(size=n) for n in rng.integers(3, 9, size=64)]
    >>> y = np.array([x.mean() for x in X])
    >>> reg = RNNRegressor(hidden_size=8, max_epochs=3, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)

    Windows of a trending series, predicted beyond the levels seen in fit:

    >>> import pandas as pd
    >>> from tsrnn import make_windows
    >>> y = pd.Series(np.arange(120.0) + 5 * np.sin(np.arange(120)))
    >>> X, Y = make_windows(y, window=8)
    >>> reg = RNNRegressor(local_level=True, max_epochs=20, random_state=0)
    >>> reg = reg.fit(X[:80], Y[:80])
    >>> bool(reg.score(X[80:], Y[80:]) > 0.9)
    True
    """

    _parameter_constraints = {
        **BaseRNN._parameter_constraints,
        "bidirectional": ["boolean"],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "features_per_step": [Interval(Integral, 1, None, closed="left"), None],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
        "truncating": [StrOptions({"pre", "post"})],
        "loss": [StrOptions({"mse", "mae", "huber"})],
        "local_level": ["boolean", Interval(Integral, 0, None, closed="left")],
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
        local_level: bool | int = False,
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
        self.local_level = local_level

    _persisted_attributes = (
        *BaseRNN._persisted_attributes,
        *SEQUENCE_ATTRIBUTES,
        "n_outputs_",
        "y_mean_",
        "y_scale_",
        "level_feature_",
        "level_coef_",
        "level_intercept_",
        "_y_1d",
    )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.target_tags.multi_output = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None) -> RNNRegressor:
        """Fit the network to sequences ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_steps) or (n_samples, n_steps, n_features), list of arrays, or DataFrame
            Sequences; NaN padding at either end, NaN inside = missing value.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets (finite), paired with ``X`` by position; a pandas ``y`` with a
            pandas ``X`` must have ``X``'s index (it is never realigned).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sequence: the loss (and the validation
            loss of early stopping) is the weighted mean over samples. Weight 0
            leaves a sample out of the fit; None weights all samples equally.

        Returns
        -------
        self : RNNRegressor
        """
        return fit_sequences(
            self,
            X,
            y,
            self._encode_targets,
            loss=self.loss,
            sample_weight=sample_weight,
        )

    def _encode_targets(
        self, y, n_samples: int, fit_rows=None, levels=None
    ) -> tuple[np.ndarray, int]:
        y = check_array(  # missing targets were refused by plain_targets
            y,
            ensure_2d=False,
            ensure_min_samples=0,
            dtype=np.float64,
            input_name="y",
        )
        check_n_targets(n_samples, len(y))
        if y.ndim > 2:
            raise ValueError(
                f"y must be 1-D (n_samples,) or 2-D (n_samples, n_outputs); got shape "
                f"{y.shape}."
            )
        y2 = y.reshape(len(y), -1)
        if self._warm():  # continue on the first fit's targets and their scaling
            if y2.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"With warm_start=True, y must have the {self.n_outputs_} "
                    f"target(s) of the first fit; got {y2.shape[1]}. Set "
                    "warm_start=False to refit from scratch."
                )
        else:  # the forecasters' standard scaler, on the targets
            rows = slice(None) if fit_rows is None else fit_rows  # weight 0: not there
            if levels is None:
                self.level_coef_ = self.level_intercept_ = None
            else:
                self.level_coef_, self.level_intercept_ = level_link(
                    levels[rows], y2[rows]
                )
            center, scale = fit_scaler([self._change(y2, levels)[rows]], "standard")
            self.y_mean_, self.y_scale_ = center[0], scale[0]
        y2 = self._change(y2, levels)
        self._y_1d = y.ndim == 1
        self.n_outputs_ = y2.shape[1]
        targets = transform(y2, self.y_mean_, self.y_scale_).astype(np.float32)
        return targets, self.n_outputs_

    def predict(self, X) -> np.ndarray:
        """Predict targets for sequences ``X``.

        Parameters
        ----------
        X : array-like or list of arrays
            Sequences in any form accepted by :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        raw, levels = predict_raw(self, X, levels=True)
        out = inverse_transform(raw.astype(np.float64), self.y_mean_, self.y_scale_)
        if levels is not None:  # the change from the level, added back
            out = out + self._anchor(levels)
        return out[:, 0] if self._y_1d else out

    def _anchor(self, levels: np.ndarray) -> np.ndarray:
        """The level in target units, ``(n_samples, n_outputs_)``."""
        return levels[:, None] * self.level_coef_ + self.level_intercept_

    def _change(self, y2: np.ndarray, levels) -> np.ndarray:
        """Targets as the change from the level (unchanged without a local level)."""
        return y2 if levels is None else y2 - self._anchor(levels)

    def score(self, X, y, sample_weight=None) -> float:
        """Coefficient of determination R² of :meth:`predict` on ``X`` against ``y``.

        ``y`` and ``sample_weight`` are checked as in :meth:`fit`: missing targets
        and negative, NaN or infinite weights are refused, and a pandas ``y`` must
        have the index of a pandas ``X``.

        Parameters
        ----------
        X : array-like, list of arrays, or DataFrame
            Sequences in any form accepted by :meth:`fit`.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sequence.

        Returns
        -------
        score : float
            R² (1 is perfect; uniform average over outputs).
        """
        y, sample_weight = score_inputs(self, X, y, sample_weight)
        return super().score(X, y, sample_weight=sample_weight)


@document(SEQUENCE, RNN)
class RNNClassifier(ClassifierMixin, BaseRNN):
    """Recurrent network classifier: sequence -> class.

    Labels may be of any type (strings too); binary and multiclass. With
    ``embedding_dim`` set, ``X`` holds integer token ids (0 = padding), e.g. a text
    classifier. Input forms, padding and missing values are as in
    :class:`RNNRegressor`.

    Parameters
    ----------
    %(sequence_network)s
    %(features_per_step)s
    %(max_length)s
    %(truncating)s
    class_weight : dict, "balanced" or None, default=None
        Weight of each class in the loss, as in scikit-learn: a dict
        ``{label: weight}`` (labels not in it weigh 1), ``"balanced"`` for
        ``n_samples / (n_classes * np.bincount(y))`` (rare classes weigh more), or
        None for equal weights. Multiplies ``sample_weight`` in :meth:`fit`.
    %(training)s

    Attributes
    ----------
    %(sequence_attributes)s
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    See Also
    --------
    RNNRegressor : The same network with a regression head.

    Examples
    --------
    >>> import numpy as np
    >>> from tsrnn import RNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 5))
    >>> y = np.where(X.sum(axis=1) > 0, "up", "down")
    >>> clf = RNNClassifier(hidden_size=8, max_epochs=3, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).sum(axis=1)
    array([1., 1.])
    """

    _parameter_constraints = {
        **BaseRNN._parameter_constraints,
        "bidirectional": ["boolean"],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "features_per_step": [Interval(Integral, 1, None, closed="left"), None],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
        "truncating": [StrOptions({"pre", "post"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
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
        class_weight: dict | str | None = None,
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
        self.class_weight = class_weight

    _persisted_attributes = (
        *BaseRNN._persisted_attributes,
        *SEQUENCE_ATTRIBUTES,
        "classes_",
    )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None) -> RNNClassifier:
        """Fit the network to sequences ``X`` and labels ``y``.

        Parameters
        ----------
        X : array-like, list of arrays, or DataFrame
            Sequences (see :class:`RNNRegressor`), or token ids with ``embedding_dim``.
        y : array-like of shape (n_samples,)
            Class labels, at least two distinct, paired with ``X`` by position; a
            pandas ``y`` with a pandas ``X`` must have ``X``'s index.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sequence, multiplied by the weight of its
            class (``class_weight``): the cross-entropy (and the validation loss of
            early stopping) is the weighted mean over samples. Weight 0 leaves a
            sample out of the fit; None weights all samples equally.

        Returns
        -------
        self : RNNClassifier
        """
        return fit_sequences(
            self,
            X,
            y,
            self._encode_targets,
            loss="cross_entropy",
            sample_weight=sample_weight,
            class_weight=self.class_weight,
        )

    def _encode_targets(
        self, y, n_samples: int, fit_rows=None, levels=None
    ) -> tuple[np.ndarray, int]:
        check_classification_targets(y)  # after plain_targets
        y = column_or_1d(y, warn=True)
        check_n_targets(n_samples, len(y))
        classes, encoded = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"y has only one class ({classes.tolist()[0]!r}); a classifier needs "
                "at least two classes. Pass samples of at least two classes."
            )
        if (
            self.warm_start
            and hasattr(self, "classes_")
            and not np.array_equal(classes, self.classes_)
        ):
            raise ValueError(
                f"With warm_start=True, y must have the classes of the first fit "
                f"{self.classes_.tolist()}; got {classes.tolist()}. Set "
                "warm_start=False to refit from scratch."
            )
        self.classes_ = classes
        return encoded.astype(np.int64), len(classes)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities for sequences ``X``.

        Parameters
        ----------
        X : array-like or list of arrays

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to 1; columns follow ``classes_``.
        """
        return softmax(predict_raw(self, X).astype(np.float64), axis=1)

    def predict(self, X) -> np.ndarray:
        """Most probable class for each sequence in ``X``.

        Parameters
        ----------
        X : array-like or list of arrays

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        codes = predict_raw(self, X).argmax(axis=1)
        return self.classes_[codes]

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy of :meth:`predict` on ``X`` against the labels ``y``.

        ``y`` and ``sample_weight`` are checked as in :meth:`fit`: missing labels
        and negative, NaN or infinite weights are refused, and a pandas ``y`` must
        have the index of a pandas ``X``.

        Parameters
        ----------
        X : array-like, list of arrays, or DataFrame
            Sequences in any form accepted by :meth:`fit`.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sequence.

        Returns
        -------
        score : float
            Share of sequences (weighted) whose label is predicted.
        """
        y, sample_weight = score_inputs(self, X, y, sample_weight)
        return super().score(X, y, sample_weight=sample_weight)
