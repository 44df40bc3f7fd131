"""Accuracy on AirPassengers with defaults: LSTM/GRU forecasters vs seasonal naive and ETS.

Protocol (issue 7): fit on the first 120 months (1949-1958); forecast months
121-132, then months 133-144 from the true 132-month history (the network is not
refit; the statistical baselines are, which favours them). MAE, sMAPE and MASE
(m = 12, scaled on the 120 training months) over the 24 forecast months; the
median over seeds 0-4 for the networks. Only ``horizon=12`` (and the seed) is
given to the forecasters: these are the defaults a user gets.

ETS is statsmodels' ``ETSModel`` with the configuration (error, trend, damping,
seasonality) of lowest AICc on the training months, refit on 132 months for the
second forecast; it is skipped when statsmodels is not installed.

Run: ``python benchmarks/accuracy_air_passengers.py [--seeds 0,1,2,3,4]``. Writes
``benchmarks/results/accuracy_air_passengers.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

import tsrnn
from tsrnn.datasets import load_air_passengers
from tsrnn.metrics import mae, mase, smape

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy_m4 import parse_overrides

RESULTS = Path(__file__).resolve().parent / "results"


def evaluate(forecast: np.ndarray, y: pd.Series) -> dict:
    actual, train = y.to_numpy()[120:144], y.to_numpy()[:120]
    return {
        "mae": mae(actual, forecast),
        "smape": smape(actual, forecast),
        "mase": mase(actual, forecast, train, m=12),
    }


def network(make, y: pd.Series) -> np.ndarray:
    est = make().fit(y.iloc[:120])
    first = est.predict().iloc[:, 0].to_numpy()
    second = est.predict(y.iloc[:132]).iloc[:, 0].to_numpy()
    return np.r_[first, second]


def ets_forecast(y: pd.Series) -> tuple[np.ndarray, str]:
    """Two 12-month ETS forecasts; the configuration is chosen by AICc on 120 months."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    def fit(values, error, trend, damped, seasonal):
        model = ETSModel(
            values,
            error=error,
            trend=trend,
            damped_trend=damped,
            seasonal=seasonal,
            seasonal_periods=12 if seasonal else None,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return model.fit(disp=False)

    train = y.to_numpy()[:120]
    best, best_aicc = None, np.inf
    for error, trend, seasonal in itertools.product(
        ["add", "mul"], [None, "add"], [None, "add", "mul"]
    ):
        for damped in [False, True] if trend else [False]:
            res = fit(train, error, trend, damped, seasonal)
            if np.isfinite(res.aicc) and res.aicc < best_aicc:
                best, best_aicc = (error, trend, damped, seasonal), res.aicc
    first = fit(train, *best).forecast(12)
    second = fit(y.to_numpy()[:132], *best).forecast(12)
    error, trend, damped, seasonal = best
    name = f"ETS({error[0].upper()},{'N' if trend is None else 'Ad' if damped else 'A'},{'N' if seasonal is None else seasonal[0].upper()})"
    return np.r_[first, second], name


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument(
        "--output", default=str(RESULTS / "accuracy_air_passengers.json")
    )
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="PARAM=VALUE",
        help="extra forecaster parameters (ablations), e.g. local_level=false",
    )
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    extra = parse_overrides(args.set)
    y = load_air_passengers()

    rows: dict[str, dict] = {}
    snaive = network(lambda: tsrnn.SeasonalNaiveForecaster(horizon=12), y)
    rows["seasonal naive"] = evaluate(snaive, y)
    try:
        forecast, name = ets_forecast(y)
        rows[f"{name} (statsmodels, AICc)"] = evaluate(forecast, y)
    except ImportError:
        print("statsmodels is not installed: ETS skipped")
    for cls in (tsrnn.LSTMForecaster, tsrnn.GRUForecaster):
        per_seed, seconds = [], []
        for seed in seeds:
            start = time.perf_counter()
            forecast = network(
                lambda cls=cls, seed=seed: cls(horizon=12, random_state=seed, **extra),
                y,
            )
            seconds.append(time.perf_counter() - start)
            per_seed.append(evaluate(forecast, y))
        row = {key: statistics.median(r[key] for r in per_seed) for key in per_seed[0]}
        row["per_seed"] = per_seed
        row["fit_seconds"] = statistics.median(seconds)
        rows[f"{cls.__name__}(horizon=12)"] = row

    print(
        f"AirPassengers, fit on 1949-1958, two 12-month forecasts (1959, 1960); "
        f"networks: median over seeds {seeds}"
    )
    print(f"{'method':40s} {'MAE':>7s} {'sMAPE':>7s} {'MASE':>6s}")
    for name, row in rows.items():
        print(f"{name:40s} {row['mae']:7.2f} {row['smape']:7.2f} {row['mase']:6.3f}")
    out = {
        "machine": platform.machine(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "tsrnn": tsrnn.__version__,
        "seeds": seeds,
        "params": extra,
        "scores": rows,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
