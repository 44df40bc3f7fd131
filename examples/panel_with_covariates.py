"""A panel with covariates: 7-day temperature forecasts for 10 US cities, one model.

Data: FiveThirtyEight's US weather history (datasets/us_weather_history, CC BY 4.0),
daily, 2014-07-01 .. 2015-06-30. The target is ``actual_mean_temp``; the normal
(climatological) min/max temperatures are known in advance, so they are
``future_covariates``; precipitation is only known up to today
(``past_covariates``). The last 28 days of every city are held out and forecast
from every origin (rolling, no refit); the error is compared with the naive
forecast (tomorrow = today).

Run: ``python examples/panel_with_covariates.py``
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import tsrnn

DATA = Path(__file__).resolve().parent.parent / "datasets" / "us_weather_history"
COLUMNS = [
    "actual_mean_temp",
    "average_min_temp",
    "average_max_temp",
    "actual_precipitation",
]


def load_panel() -> pd.DataFrame:
    """Long frame: one row per (city, date)."""
    frames = []
    for path in sorted(DATA.glob("K*.csv")):
        raw = pd.read_csv(path)
        frame = raw[COLUMNS].astype(float)
        frame.insert(0, "date", pd.to_datetime(raw["date"], format="%Y-%m-%d"))
        frame.insert(0, "city", path.stem)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def main() -> tuple[float, float]:
    data = load_panel()
    cut = data["date"].max() - pd.Timedelta(days=28)
    train, test = data[data["date"] <= cut], data[data["date"] > cut]
    roles = dict(id_col="city", time_col="date", target="actual_mean_temp")
    model = tsrnn.GRUForecaster(
        horizon=7,
        window=7,
        future_covariates=["average_min_temp", "average_max_temp"],
        past_covariates=["actual_precipitation"],
        hidden_size=16,
        batch_size=32,
        max_epochs=60,
        random_state=0,
        **roles,
    ).fit(train)
    naive = tsrnn.SeasonalNaiveForecaster(season=1, horizon=7, **roles).fit(train)

    ours = model.rolling_forecasts(test)
    base = naive.rolling_forecasts(test)
    mae = float(np.mean(np.abs(ours["y"] - ours["y_pred"])))
    mae_naive = float(np.mean(np.abs(base["y"] - base["y_pred"])))
    per_city = pd.DataFrame(
        {
            "GRUForecaster": ours.assign(e=(ours.y - ours.y_pred).abs())
            .groupby("id")["e"]
            .mean(),
            "naive": base.assign(e=(base.y - base.y_pred).abs())
            .groupby("id")["e"]
            .mean(),
        }
    )
    print(
        f"{data['city'].nunique()} cities, {len(train)} training rows, "
        f"{model.n_epochs_} epochs, window {model.window_} days"
    )
    print("\n7-day-ahead MAE (°F) over the last 28 days, rolling origins:")
    print(per_city.round(2).to_string())
    print(f"\nall cities: GRUForecaster {mae:.2f} °F | naive {mae_naive:.2f} °F")
    return mae, mae_naive


if __name__ == "__main__":
    main()
