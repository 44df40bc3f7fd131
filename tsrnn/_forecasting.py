"""The recurrent forecaster :class:`RNNForecaster`, on series and panels.

Data flow: pandas -> :class:`~tsrnn._panel.Panel` (one array per series, roles
split into target, past, future and static covariates, one time axis) ->
:class:`~tsrnn._batches.Encoded` (all series stacked in one contiguous float32
tensor, scaled, left-padded) -> windows as (cutoff, padding) offsets
(:class:`~tsrnn._batches.WindowBatches`) -> the shared network and training loop
-> forecasts back in original units (:mod:`tsrnn._scaling`) with future
timestamps (:class:`~tsrnn._forecaster.BaseForecaster`). Only the hooks live here
(encoding and windowing with the fitted scaling: :mod:`tsrnn._forecast_windows`);
the fixed-cell twins are in :mod:`tsrnn._fixed_cell`.
"""

from __future__ import annotations

import numpy as np

from tsrnn._base import BaseRNN, resolve_device
from tsrnn._choices import (
    LEVELS,
    Choices,
    check_warm_data,
    resolve,
)
from tsrnn._distributed import (
    ShardedWindows,
    current_group,
    gather_fitted,
    shard_frame,
    shard_panel,
)
from tsrnn._docs import FORECASTING, RNN, document
from tsrnn._forecast_windows import WindowInputs
from tsrnn._forecaster import BaseForecaster
from tsrnn._panel import (
    Panel,
    read_panel,
    role_names,
)
from tsrnn._param_validation import Integral, Interval, StrOptions, _fit_context
from tsrnn._scaling import (
    SCALERS,
    TRANSFORMS,
    check_target_scaling,
    fit_covariate_scaler,
    fit_scaler,
    inverse_transform,
)
from tsrnn._training import auto_ensembles, make_loss
from tsrnn._windowing import chunked, training_windows
from tsrnn.exceptions import TrainingDivergedError

__all__ = ["RNNForecaster"]

#: forecasts are computed for at most this many windows at a time (see
#: :func:`~tsrnn._windowing.chunked`): the inputs gathered for a large panel or
#: a long rolling evaluation take bounded memory; only the forecasts grow
PREDICT_CHUNK = 2**16


@document(FORECASTING, RNN)
class RNNForecaster(WindowInputs, BaseForecaster, BaseRNN):
    """Recurrent network forecaster for one series, a multivariate frame or a panel.

    One global model is trained on windows of every series (windows are offsets
    into one contiguous tensor: memory grows with the data, not with data x
    window). Each series' target is scaled on its own history; forecasts come
    back in original units, indexed by the future timestamps.

    Input (``fit``, ``predict``, ``score``):

    * a Series (DatetimeIndex, PeriodIndex or integer/RangeIndex) -> one series;
    * a DataFrame indexed by time: the ``target`` columns (default: every column
      that is not a covariate) are forecast; ``past_covariates`` are known up to
      now, ``future_covariates`` are also known for the horizon;
    * a long panel: MultiIndex ``(series_id, time)`` rows, or ``id_col`` /
      ``time_col`` columns. Series may differ in length and start; series shorter
      than ``window + horizon`` are left-padded and masked.
    * ``fit(X, y)``: ``y`` is the target and ``X`` holds the covariates, each
      column named in a covariate role, on ``y``'s index (never realigned).

    Interior NaN in a target are missing values: masked in the inputs (an
    observed-indicator channel) and excluded from the loss.

    Parameters
    ----------
    %(cell)s
    window : int or None, default=None
        Input steps per window (the history each forecast reads). None: chosen
        from the season and the history (:func:`~tsrnn._windowing.default_window`):
        the longest cycle of the frequency or two seasons (hourly: a week, 168;
        daily: two weeks; weekly: two years, 104; monthly: 24), at least
        ``2 * horizon`` and 8, when the window and horizon fit in half of the
        median series length; otherwise two seasons, one season,
        ``max(2 * horizon, 8)``, ``max(horizon, 8)`` (short series get fewer
        seasons). Capped at the longest series' length less ``horizon``.
        Resolved in ``window_``.
    %(horizon)s
    patch_size : int or "auto", default="auto"
        Input steps per recurrent step: the window is read as non-overlapping
        patches of ``patch_size`` steps, each one input vector (as ES-RNN and
        SegRNN do), so the recurrence is ``patch_size`` times shorter and an epoch
        that many times cheaper. A window that is not a multiple is zero-filled at
        its start. Must not exceed the window. ``"auto"``: the season when the
        window holds at least 4 seasons (a week of hourly data: 7 patches of a
        day), otherwise ``ceil(window / 16)``, a recurrence of at most 16 steps
        (windows of up to 16 steps: 1). Resolved in ``patch_size_``.
    %(hidden_size)s
    %(num_layers)s
    n_ensembles : int or "auto", default="auto"
        Networks trained (one after the other, by the same training loop on the
        same windows, each from its own seed: the fit's seed, drawn from
        ``random_state``, plus the member's index, so two ``random_state`` values
        share no network); the forecast is their mean on the network's scale
        (with the log transform, the geometric mean of the members' forecasts).
        Costs ``n_ensembles`` fits; an ensemble of networks trained for fewer
        epochs often beats one network trained longer. ``"auto"``: 3 networks for
        fewer than 3,000 training windows (where one network's forecast depends
        on its seed and fits are cheap), else 1
        (:func:`~tsrnn._training.auto_ensembles`). Resolved in ``n_ensembles_``;
        ``warm_start`` keeps the fitted number.
    %(dropout)s
    scaler : {"standard", "robust", "mean"} or None, default="standard"
        Per-series target scaling fit on each series' history (mean/std,
        median/IQR, mean absolute value, or none); no threshold is absolute, so
        a series in other units gets the same forecast in those units. A target
        constant over its history gets scale 0 and is forecast as its baseline
        (its last value, see ``local_level``; its constant when False). A robust
        IQR of 0 in a varying target falls back to its standard deviation.
        ``"mean"`` with ``target_transform="log"`` is refused (unit-dependent).
    target_transform : {"log", "log1p", "auto"} or None, default="auto"
        A monotone transform of the targets before scaling, inverted on the
        forecasts. ``"log"`` (targets must be positive) makes the model
        multiplicative: levels become ratios, the loss weighs relative errors
        (what sMAPE and MAPE score) and a seasonal swing that grows with the level
        is one pattern. ``"log1p"`` is ``log(1 + y)``, for counts with zeros. The
        MAE-trained forecast is then the median in the original units. ``"auto"``:
        ``"log"`` when every target value is positive and, on most series, the
        spread clearly grows with the level (Guerrero's criterion on blocks of a
        season, the log steadying the blocks' spread by at least 10 %,
        :func:`~tsrnn._scaling.log_is_better`; never with ``scaler="mean"``),
        otherwise None. Resolved in ``target_transform_``.
    local_level : bool or {"last", "seasonal", "auto"}, default="auto"
        ``True`` / ``"last"``: feed each window relative to its last observed
        target value (after scaling) and forecast the change from it; this lets one
        model serve trending series and series at other levels. ``"seasonal"``:
        the same inputs, but forecast the change from the seasonal naive forecast
        (the value one season before each target step, read from the window; the
        season comes from the frequency, e.g. 24 for hourly data), so an untrained
        network already forecasts seasonal naive. ``False``: neither. ``"auto"``:
        ``"seasonal"`` when seasonal naive beats the last value in-sample over the
        horizon on most series (:func:`~tsrnn._naive.seasonal_baseline_wins`;
        e.g. hourly load, monthly airline passengers), otherwise ``"last"`` (e.g.
        M4 Weekly, where a year-old value is a worse guess than the last one).
        Resolved in ``local_level_``.
    loss : {"mae", "mse", "huber"}, default="mae"
        Point loss on the targets as the network reads them (transformed,
        scaled, relative to the ``local_level`` baseline if any), averaged over
        every horizon step and target; missing targets are left out. ``"mae"``:
        absolute error (the forecast estimates a median); ``"mse"``: squared
        error (a mean, on the transformed scale); ``"huber"``: squared below 1
        and absolute above, in scaled units. Ignored when ``quantiles`` is set
        (pinball loss).
    quantiles : list of float or None, default=None
        Levels strictly between 0 and 1 to forecast besides the point forecast:
        the network is trained with the pinball loss averaged over them and 0.5
        (always added: the point forecast, column ``{target}``), and the forecast
        gets one ``{target}_q{level}`` column per level asked for, sorted so that
        they never cross. None: point forecasts with ``loss``. Resolved in
        ``quantiles_``. The heads are not calibrated: on the M4 Hourly and
        Weekly validation tails (defaults) the 0.025-0.975 heads covered 93.0 %
        and 93.7 % of actuals, the 0.1-0.9 heads 77.3 % and 80.6 %
        (``benchmarks/intervals_m4.py``). For intervals with a coverage
        guarantee wrap the forecaster in :class:`~tsrnn.ConformalForecaster`,
        which conformalizes these heads.
    %(target)s
    %(past_covariates)s
    %(future_covariates)s
    %(static_covariates)s
    %(id_col)s
    %(time_col)s
    %(freq)s
    %(training)s

    Attributes
    ----------
    %(module_)s
    %(history_)s
    %(n_epochs_)s
    %(n_threads_)s
    %(batch_size_)s
    window_ : int
        The resolved ``window``: input steps per forecast.
    patch_size_ : int
        The resolved ``patch_size``.
    n_ensembles_ : int
        The resolved ``n_ensembles``: networks in ``module_``.
    target_transform_ : {"log", "log1p"} or None
        The resolved ``target_transform``.
    local_level_ : {"last", "seasonal"} or None
        The resolved ``local_level`` (None: ``local_level=False``).
    quantiles_ : ndarray of shape (n_quantiles,)
        The levels the network forecasts, sorted: ``quantiles`` and 0.5 (only
        0.5 without ``quantiles``).
    %(freq_)s
    %(target_names_)s
    %(series_ids_)s
    center_, scale_ : ndarray of shape (n_series, n_targets)
        Per-series target scaling, in the units of the (transformed) target;
        ``scale_`` is 0 for a target constant over its history.
    mask_channel_ : bool
        Whether the training targets had missing values (observed-indicator inputs).
    covariates_ : dict of str to list of str
        The columns of each covariate role in fit (keys ``"past_covariates"``,
        ``"future_covariates"``, ``"static_covariates"``): a ``warm_start`` fit
        must keep them.
    %(device_)s

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from tsrnn import RNNForecaster
    >>> t = np.arange(120)
    >>> y = pd.Series(10 + np.sin(2 * np.pi * t / 12),
    ...               index=pd.date_range("2015-01-01", periods=120, freq="MS"))
    >>> fc = RNNForecaster("gru", horizon=6, hidden_size=8, max_epochs=3, random_state=0)
    >>> fc.fit(y).predict().index[0]
    Timestamp('2025-01-01 00:00:00')
    """

    _parameter_constraints = {
        **BaseRNN._parameter_constraints,
        "window": [Interval(Integral, 1, None, closed="left"), None],
        "patch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "n_ensembles": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "scaler": [StrOptions({s for s in SCALERS if s is not None}), None],
        "target_transform": [StrOptions({*TRANSFORMS, "auto"}), None],
        "local_level": ["boolean", StrOptions({"last", "seasonal", "auto"})],
        "loss": [StrOptions({"mae", "mse", "huber"})],
        "quantiles": ["array-like", None],
        **BaseForecaster._role_constraints,
    }

    _persisted_attributes = (
        *BaseRNN._persisted_attributes,
        "center_",
        "scale_",
        "freq_",
        "mask_channel_",
        "quantiles_",
        "series_ids_",
        "target_names_",
        "covariates_",
        "window_",
        "patch_size_",
        "n_ensembles_",
        "local_level_",
        "target_transform_",
        "_cov_center",
        "_cov_scale",
    )

    def __init__(
        self,
        cell: str = "lstm",
        *,
        window: int | None = None,
        horizon: int = 1,
        patch_size: int | str = "auto",
        hidden_size: int = 64,
        num_layers: int = 1,
        n_ensembles: int | str = "auto",
        dropout: float = 0.0,
        scaler: str | None = "standard",
        target_transform: str | None = "auto",
        local_level: bool | str = "auto",
        loss: str = "mae",
        quantiles=None,
        target=None,
        past_covariates=None,
        future_covariates=None,
        static_covariates=None,
        id_col: str | None = None,
        time_col: str | None = None,
        freq: str | int | None = None,
        learning_rate: float = 3e-3,
        lr_schedule: str = "constant",
        weight_decay: float = 0.0,
        batch_size: int | str = "auto",
        max_epochs: int | None = 100,
        max_steps: int | None = 1000,
        gradient_clip: float | None = 1.0,
        early_stopping: bool = True,
        validation_fraction: float = 0.1,
        patience: int = 20,
        random_state=None,
        device: str = "cpu",
        n_threads: int | str = "auto",
        verbose: int = 0,
        warm_start: bool = False,
    ) -> None:
        self.cell = cell
        self.window = window
        self.horizon = horizon
        self.patch_size = patch_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.n_ensembles = n_ensembles
        self.dropout = dropout
        self.scaler = scaler
        self.target_transform = target_transform
        self.local_level = local_level
        self.loss = loss
        self.quantiles = quantiles
        self.target = target
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.static_covariates = static_covariates
        self.id_col = id_col
        self.time_col = time_col
        self.freq = freq
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.gradient_clip = gradient_clip
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads
        self.verbose = verbose
        self.warm_start = warm_start

    # -- fit ---------------------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> RNNForecaster:
        """Train on the history of one or many series.

        Parameters
        ----------
        X : Series, DataFrame, pyarrow Table or Parquet path
            The series (see the class docstring for the forms), or the covariates
            when ``y`` is given. A ``pyarrow.Table``, ``pyarrow.dataset.Dataset``
            or the path of a Parquet file or folder is read as the frame it holds.
        y : Series or DataFrame, optional
            The target; ``X`` must have the same index (it is not realigned).

        Returns
        -------
        self : RNNForecaster
        """
        X, y = shard_frame(X, y, self._roles(), current_group())
        return self._fit_panel(read_panel(X, y, self._roles(), name="X"))

    def _fit_panel(self, panel: Panel) -> RNNForecaster:
        """:meth:`fit` on data already read (parameters validated by the caller)."""
        if self.target_transform != "auto":
            check_target_scaling(self.scaler, self.target_transform)
        quantiles = self._check_quantiles()
        device = resolve_device(self.device)
        horizon = int(self.horizon)
        warm = self.warm_start and hasattr(self, "center_")
        group = current_group()  # data-parallel training: this process' shard
        if group is not None:
            panel = shard_panel(panel, group, warm_start=warm)
        lengths = self._check_history(panel)
        chosen, values = resolve(
            self,
            panel,
            lengths,
            Choices(self.window_, self.patch_size_, self._transform(), self._level())
            if warm
            else None,
            group,
        )
        self.target_transform_ = chosen.target_transform
        covariates = {
            role: role_names(getattr(self, role))
            for role in ("past_covariates", "future_covariates", "static_covariates")
        }
        if warm:
            check_warm_data(self, panel, covariates)
        saved = dict(self.__dict__) if warm else None
        if not warm:
            self.center_, self.scale_ = fit_scaler(values, self.scaler)
            self._cov_center, self._cov_scale = fit_covariate_scaler(
                panel.covariate_rows(),
                None if group is None else group.gather,
            )
        self.window_, self.patch_size_, self.local_level_ = (
            chosen.window,
            chosen.patch_size,
            chosen.local_level,
        )
        self.freq_, self._axis = panel.axis.freqstr, panel.axis
        self.target_names_ = panel.target_names
        self.series_ids_ = list(panel.ids)
        self.covariates_ = covariates
        missing = any(np.isnan(t).any() for t in panel.target)
        self.mask_channel_ = (
            (missing if group is None else group.any(missing))
            or (warm and self.mask_channel_)  # warm_start keeps the fitted channels
        )
        self.quantiles_ = quantiles
        enc = self._encode(panel, target_values=values)
        del values
        train, valid = training_windows(
            enc,
            lengths,
            window=self.window_,
            horizon=horizon,
            validation_fraction=self.validation_fraction,
            early_stopping=self.early_stopping,
            group=group,
        )
        tensors = enc.tensors(device)
        batches = tuple(
            None
            if part is None
            else self._batches(tensors, part, with_targets=True)
            if group is None
            else ShardedWindows.build(
                self._batches(tensors, part, with_targets=True), group
            )
            for part in (train, valid)
        )
        loss = (
            make_loss(self.loss)
            if self.quantiles is None
            else make_loss("pinball", quantiles=quantiles, device=device)
        )
        n_t, n_q = len(self.target_names_), len(quantiles)
        arch = dict(
            cell=self.cell,
            input_size=enc.data.shape[1],
            hidden_size=int(self.hidden_size),
            num_layers=int(self.num_layers),
            dropout=float(self.dropout),
            bidirectional=False,
            output_size=horizon * n_t * (n_q if self.quantiles is not None else 1),
            extra_size=horizon * len(role_names(self.future_covariates)),
            patch_size=chosen.patch_size,
            n_ensembles=self._members(len(batches[0]), warm),
        )
        if saved is not None and self._warm() and self._arch != arch:
            # refused by _check_warm_arch: leave the fitted model as it was
            self.__dict__.clear()
            self.__dict__.update(saved)
            self._check_warm_arch(arch)
        seed = self._seed()  # random_state=None: rank 0's draw on every process
        seed = seed if group is None else group.gather(seed)[0]
        self._fit_network(arch, batches, loss, seed, device)
        del enc, tensors, batches, train, valid  # before the kept tail is copied
        self._remember(panel)
        if group is not None:  # every process ends with the whole panel's state
            gather_fitted(self, group)
        return self

    def _members(self, n_windows: int, warm: bool) -> int:
        """``n_ensembles_`` for ``n_windows`` (``warm_start`` keeps the fitted one)."""
        if self.n_ensembles != "auto":
            self.n_ensembles_ = int(self.n_ensembles)
        elif warm and self._warm():
            self.n_ensembles_ = int(self._arch.get("n_ensembles", 1))
        else:
            self.n_ensembles_ = auto_ensembles(n_windows)
        return self.n_ensembles_

    def _transform(self) -> str | None:
        """The fitted target transform (the parameter, for a model saved before
        ``target_transform_`` existed)."""
        return self.__dict__.get("target_transform_", self.target_transform)

    def _level(self) -> str | None:
        """The fitted baseline (see :meth:`_transform`)."""
        return self.__dict__.get("local_level_", LEVELS.get(self.local_level))

    # -- forecasting hooks (see BaseForecaster) -----------------------------------------
    def _series_stats(self, panel: Panel, fitted: list, upto: list[int]):
        """Each series' scaling: its own from fit, or fitted on its first ``upto`` steps.

        ``(center, scale, targets)``; ``targets`` are ``panel``'s targets as the
        network reads them when a new series needed them (None otherwise), so that
        they are transformed once per call.
        """
        known = [i for i, pos in enumerate(fitted) if pos is not None]
        new = [i for i, pos in enumerate(fitted) if pos is None]
        center = np.empty((len(fitted), len(self.target_names_)))
        scale = np.empty_like(center)
        rows = [fitted[i] for i in known]
        center[known], scale[known] = self.center_[rows], self.scale_[rows]
        targets = None
        if new:
            targets = self._model_targets(panel)
            center[new], scale[new] = fit_scaler(
                [targets[i][: upto[i]] for i in new], self.scaler
            )
        return center, scale, targets

    def _forecast(self, panel: Panel, cutoffs, future_rows, stats, plan) -> np.ndarray:
        if sum(len(c) for c in cutoffs) > PREDICT_CHUNK:  # bounded memory: in parts
            center, scale, targets = stats
            pick = lambda rows, xs: None if xs is None else [xs[i] for i in rows]  # noqa: E731
            return np.concatenate(
                [
                    self._forecast(
                        panel.select(rows),
                        cuts,
                        pick(rows, future_rows),
                        (center[rows], scale[rows], pick(rows, targets)),
                        None,
                    )
                    for rows, cuts in chunked(cutoffs, PREDICT_CHUNK)
                ]
            )
        center, scale, _ = stats
        device = self._module_device()
        if plan is not None and future_rows is None:
            # predict() from the training tail reads the same windows on every call:
            # the plan keeps them (inputs, never outputs) on the module's device
            if plan.inputs is None or plan.inputs[0] != str(device):
                plan.inputs = (
                    str(device),
                    *self._windows(panel, cutoffs, None, stats, device),
                )
            windows, levels = plan.inputs[1:]
        else:
            windows, levels = self._windows(panel, cutoffs, future_rows, stats, device)
        out = self._outputs(windows).astype(np.float64)
        n, h, n_t = len(levels), int(self.horizon), len(self.target_names_)
        out = np.sort(out.reshape(n, h, n_t, -1), axis=3)  # quantiles never cross
        series = np.repeat(np.arange(len(cutoffs)), [len(c) for c in cutoffs])
        # a target constant in its history (scale 0) is forecast as its baseline
        out = inverse_transform(
            out,
            center[series][:, None, :, None],
            scale[series][:, None, :, None],
            self._transform(),
            baseline=levels[..., None],
        )
        if not np.isfinite(out).all():
            raise TrainingDivergedError(
                f"The forecast of this {type(self).__name__} overflows when "
                f"target_transform={self._transform()!r} is inverted: the "
                "network forecasts far outside the range of its training data. "
                "Refit with a lower learning_rate or with gradient_clip set, or "
                "with target_transform=None."
            )
        return out
