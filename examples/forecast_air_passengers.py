"""Forecast AirPassengers with LSTMForecaster: the next 12 months, with an 80 % interval.

First a hold-out check (fit on 1949-1958, forecast 1959 and 1960 as two 12-month
forecasts, compare with seasonal naive), then a fit on all 144 months and the
forecast for 1961 with real future timestamps, optionally plotted.

Run: ``python examples/forecast_air_passengers.py [--plot forecast.png]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import tsrnn

DATA = Path(__file__).resolve().parent.parent / "datasets" / "air_passengers.csv"


def load() -> pd.Series:
    raw = pd.read_csv(DATA)
    index = pd.PeriodIndex(raw["Month"], freq="M").to_timestamp()
    return pd.Series(raw["#Passengers"].to_numpy(float), index=index, name="passengers")


def holdout_mae(make, y: pd.Series) -> float:
    """Fit on 120 months; forecast months 121-132, then 133-144 from 132 months."""
    est = make().fit(y.iloc[:120])
    first = est.predict()["passengers"]
    second = est.predict(y.iloc[:132])["passengers"]
    forecast = pd.concat([first, second])
    return float(np.mean(np.abs(forecast - y.iloc[120:144])))


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", help="write a PNG of history, forecast and interval")
    args = parser.parse_args(argv)
    y = load()

    mae = holdout_mae(lambda: tsrnn.LSTMForecaster(horizon=12, random_state=0), y)
    mae_snaive = holdout_mae(lambda: tsrnn.SeasonalNaiveForecaster(horizon=12), y)
    print(
        f"hold-out 1959-1960  MAE LSTMForecaster {mae:5.1f} | seasonal naive {mae_snaive:5.1f}"
    )

    fc = tsrnn.LSTMForecaster(horizon=12, quantiles=[0.1, 0.9], random_state=0).fit(y)
    forecast = fc.predict()
    print(f"\nforecast for 1961 (window {fc.window_} months, {fc.n_epochs_} epochs):")
    print(forecast.round(1).to_string())

    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(9, 4))
        ax.plot(y.index, y, color="black", label="history")
        ax.plot(
            forecast.index, forecast["passengers"], color="tab:red", label="forecast"
        )
        ax.fill_between(
            forecast.index,
            forecast["passengers_q0.1"],
            forecast["passengers_q0.9"],
            color="tab:red",
            alpha=0.25,
            label="80 % interval",
        )
        ax.set_ylabel("passengers (thousands)")
        ax.set_title("AirPassengers: LSTMForecaster, 12 months ahead")
        ax.legend(loc="upper left")
        fig.tight_layout()
        fig.savefig(args.plot, dpi=100)
        print(f"plot written to {args.plot}")
    return mae


if __name__ == "__main__":
    main()
