"""Statistical baselines with the forecaster API, so every backtest can say "vs sNaive"."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from tsrnn._docs import FORECASTING, document
from tsrnn._forecaster import BaseForecaster
from tsrnn._naive import seasonal_positions
from tsrnn._panel import Panel, read_panel, warn_short_series
from tsrnn._param_validation import Integral, Interval, _fit_context

__all__ = ["SeasonalNaiveForecaster"]


@document(FORECASTING)
class SeasonalNaiveForecaster(BaseForecaster, BaseEstimator):
    """Seasonal-naive forecaster: each step repeats the value one season earlier.

    Same input forms, ``predict`` / ``rolling_forecasts`` / ``score`` and output as
    :class:`~tsrnn.RNNForecaster`, with no training: the baseline that a useful
    model must beat. Missing values are carried forward from the last observation.
    Each series is forecast on its own: a series of a panel gets the forecast it
    would get if it were fitted alone. A series shorter than the season repeats
    its whole history (its season is its length), alone and with a warning that
    names it; the other series keep the full season.

    Parameters
    ----------
    season : int or None, default=None
        Season length in steps: each forecast step repeats the value this many
        steps earlier. None: from the frequency (24 hourly, 7 daily, 5 business
        daily, 52 weekly, 12 monthly, 4 quarterly, 60 by minute or second; 1,
        the last value, for an integer index, a multiple such as '2h', or
        another frequency). Resolved in ``season_``.
    %(horizon)s
    %(target)s
    past_covariates, future_covariates, static_covariates : str, list of str or None, default=None
        Covariate columns, named as in :class:`~tsrnn.RNNForecaster` so that
        they are not taken for targets; the seasonal naive forecast ignores
        them.
    %(id_col)s
    %(time_col)s
    %(freq)s

    Attributes
    ----------
    season_ : int
        The season used (a series shorter than it uses its own length).
    window_ : int
        Steps of history kept per series for ``predict``: ``season_``.
    %(freq_)s
    %(target_names_)s
    %(series_ids_)s

    Examples
    --------
    >>> import pandas as pd
    >>> from tsrnn import SeasonalNaiveForecaster
    >>> y = pd.Series([1.0, 2, 3, 1, 2, 3, 1, 2], index=pd.RangeIndex(8))
    >>> SeasonalNaiveForecaster(season=3, horizon=4).fit(y).predict()["y"].tolist()
    [3.0, 1.0, 2.0, 3.0]
    """

    _parameter_constraints = {
        "season": [Interval(Integral, 1, None, closed="left"), None],
        **BaseForecaster._role_constraints,
    }

    def __init__(
        self,
        season: int | None = None,
        *,
        horizon: int = 1,
        target=None,
        past_covariates=None,
        future_covariates=None,
        static_covariates=None,
        id_col: str | None = None,
        time_col: str | None = None,
        freq: str | int | None = None,
    ) -> None:
        self.season = season
        self.horizon = horizon
        self.target = target
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.static_covariates = static_covariates
        self.id_col = id_col
        self.time_col = time_col
        self.freq = freq

    quantiles = None
    quantiles_ = (0.5,)
    _persisted_attributes = (
        "season_",
        "window_",
        "freq_",
        "target_names_",
        "series_ids_",
    )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> SeasonalNaiveForecaster:
        """Remember the last season of every series.

        Parameters
        ----------
        X : Series, DataFrame, pyarrow Table or Parquet path
            The series, in the forms of :class:`~tsrnn.RNNForecaster`.
        y : Series or DataFrame, optional
            The target, when ``X`` holds only covariates.

        Returns
        -------
        self : SeasonalNaiveForecaster
        """
        return self._fit_panel(read_panel(X, y, self._roles(), name="X"))

    def _fit_panel(self, panel: Panel) -> SeasonalNaiveForecaster:
        """:meth:`fit` on data already read (parameters validated by the caller)."""
        self.season_ = int(self.season or panel.axis.season)
        self.window_ = self.season_  # predict() keeps the last season of each series
        self.freq_, self._axis = panel.axis.freqstr, panel.axis
        self.target_names_ = panel.target_names
        self.series_ids_ = list(panel.ids)
        self._remember(panel)
        return self

    def _series_stats(self, panel, fitted, upto):
        """Each series' season: ``season_``, or its history's length if shorter.

        The history before the first forecast is the training tail (at most one
        season) for a series seen in fit, or the context of a new one. Each
        series falls back alone, and a warning names those that do.
        """
        warn_short_series(
            panel,
            upto,
            self.season_,
            f"fewer steps before the first forecast than season_={self.season_}, so "
            "each of these repeats its whole history (its season is its length); "
            f"the other series keep season {self.season_}. Pass a longer history to "
            "forecast them on their season.",
        )
        return [min(self.season_, n) for n in upto]

    def _forecast(self, panel: Panel, cutoffs, future_rows, stats, plan) -> np.ndarray:
        h = int(self.horizon)
        out = []
        for target, cut, m in zip(panel.target, cutoffs, stats):
            filled = pd.DataFrame(target).ffill().bfill().to_numpy()
            # (n, h) positions, within the history: m never exceeds the history
            # before the first cutoff (cutoffs start at its last step)
            out.append(filled[seasonal_positions(cut, h, m)])  # (n, h, T)
        return np.concatenate(out)[..., None]
