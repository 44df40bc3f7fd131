"""The fixed-cell forecasters: :class:`RNNForecaster` with ``cell`` pinned.

Each spells its own signature (scikit-learn's pattern: ``get_params`` reads it)
and stores each argument; ``cell`` is a class attribute, not a parameter. Their
Parameters and Attributes sections are :class:`RNNForecaster`'s, less ``cell``
(:func:`~tsrnn._docs.document_like`).
"""

from __future__ import annotations

from tsrnn._docs import document_like
from tsrnn._forecasting import RNNForecaster

__all__ = ["GRUForecaster", "LSTMForecaster"]


@document_like(RNNForecaster, without=("cell",))
class LSTMForecaster(RNNForecaster):
    """:class:`RNNForecaster` with ``cell="lstm"``.

    Takes every parameter of :class:`RNNForecaster` except ``cell``, a class
    attribute here.

    %(sections)s

    Examples
    --------
    >>> import pandas as pd
    >>> from tsrnn import LSTMForecaster
    >>> y = pd.Series(range(40), dtype=float)
    >>> LSTMForecaster(horizon=3, hidden_size=4, max_epochs=2, random_state=0).fit(y).predict()
          y
    40  ...
    41  ...
    42  ...
    """

    cell = "lstm"

    def __init__(
        self,
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


@document_like(RNNForecaster, without=("cell",))
class GRUForecaster(RNNForecaster):
    """:class:`RNNForecaster` with ``cell="gru"``.

    Takes every parameter of :class:`RNNForecaster` except ``cell``, a class
    attribute here.

    %(sections)s

    Examples
    --------
    >>> import pandas as pd
    >>> from tsrnn import GRUForecaster
    >>> y = pd.Series(range(40), dtype=float)
    >>> GRUForecaster(horizon=2, hidden_size=4, max_epochs=2, random_state=0).fit(y).predict().shape
    (2, 1)
    """

    cell = "gru"

    def __init__(
        self,
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
