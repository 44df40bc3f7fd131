"""Forecast AirPassengers with make_windows + RNNRegressor in a scikit-learn Pipeline.

Trains on the first 120 months, forecasts the next 12 from the last 24 observed
months, and compares the mean absolute error with a seasonal-naive forecast (the
same month one year earlier). With ``local_level=True`` the network sees each
window relative to its last value in log space and predicts the change from it, so
it learns the seasonal shape rather than the level.

Run: ``python examples/air_passengers_windows.py [--plot forecast.png]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import tsrnn

DATA = Path(__file__).resolve().parent.parent / "datasets" / "air_passengers.csv"
WINDOW, HORIZON, TRAIN = 24, 12, 120


def load() -> pd.Series:
    frame = pd.read_csv(DATA)
    index = pd.PeriodIndex(frame["Month"], freq="M").to_timestamp()
    return pd.Series(
        frame["#Passengers"].to_numpy(float), index=index, name="passengers"
    )


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", help="write a PNG of history and forecast")
    parser.add_argument("--epochs", type=int, default=150)
    args = parser.parse_args(argv)

    y = load()
    train, test = y.iloc[:TRAIN], y.iloc[TRAIN : TRAIN + HORIZON]
    X, Y = tsrnn.make_windows(np.log(train), window=WINDOW, horizon=HORIZON)
    model = make_pipeline(
        StandardScaler(),
        tsrnn.RNNRegressor(
            cell="gru",
            hidden_size=32,
            local_level=True,  # windows relative to their last log value
            learning_rate=0.01,
            max_epochs=args.epochs,
            random_state=0,
        ),
    )
    model.fit(X, Y)

    context = np.log(train.to_numpy()[-WINDOW:])
    recent = pd.DataFrame([context], columns=X.columns)
    pred_log = model.predict(recent)[0]
    forecast = pd.Series(np.exp(pred_log), index=test.index, name="forecast")
    snaive = train.iloc[-12:].to_numpy()

    mae = float(np.mean(np.abs(forecast.to_numpy() - test.to_numpy())))
    mae_snaive = float(np.mean(np.abs(snaive - test.to_numpy())))
    print(pd.DataFrame({"actual": test, "forecast": forecast.round(1)}).to_string())
    print(f"\nMAE  RNNRegressor (GRU): {mae:6.2f}")
    print(f"MAE  seasonal naive   : {mae_snaive:6.2f}")

    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(9, 4))
        y.iloc[: TRAIN + HORIZON].plot(ax=ax, label="history", color="black")
        forecast.plot(ax=ax, label="forecast", color="tab:red")
        ax.set_ylabel("passengers (thousands)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(args.plot, dpi=100)
        print(f"plot written to {args.plot}")
    return mae


if __name__ == "__main__":
    main()
