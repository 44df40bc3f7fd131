"""Tune an LSTMForecaster with GridSearchCV and TimeSeriesSplit, no glue code.

Each candidate is fitted on an expanding window of AirPassengers and scored by
``score``: the negative MAE of rolling-origin forecasts over the next fold. The
search runs on 2 processes; inside each, torch uses one thread.

Run: ``python examples/grid_search.py``
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

import tsrnn

DATA = Path(__file__).resolve().parent.parent / "datasets" / "air_passengers.csv"


def main() -> GridSearchCV:
    raw = pd.read_csv(DATA)
    y = pd.Series(
        raw["#Passengers"].to_numpy(float),
        index=pd.PeriodIndex(raw["Month"], freq="M").to_timestamp(),
        name="passengers",
    )
    search = GridSearchCV(
        tsrnn.LSTMForecaster(horizon=12, max_epochs=60, random_state=0),
        {"window": [12, 24], "hidden_size": [16, 64]},
        cv=TimeSeriesSplit(n_splits=3, test_size=12),
        n_jobs=2,
    )
    search.fit(y)
    table = pd.DataFrame(search.cv_results_)[
        ["params", "mean_test_score", "rank_test_score"]
    ]
    print(table.sort_values("rank_test_score").to_string(index=False))
    print(f"\nbest: {search.best_params_}  (mean MAE {-search.best_score_:.1f})")
    print(search.best_estimator_.predict().round(1).head(3).to_string())
    return search


if __name__ == "__main__":
    main()
