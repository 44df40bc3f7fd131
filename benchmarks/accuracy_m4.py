"""Accuracy on M4 Hourly and Weekly: sMAPE, MASE and OWA next to the published rows.

Reads the competition files from ``../shared/data/m4`` (the folder beside the
repository; ``--data`` points elsewhere), fits one global forecaster per subset on
every training series, forecasts the test horizon and scores it with the M4
definitions (``tsrnn.metrics``): sMAPE and MASE averaged over series, OWA against
Naive2 computed here on the same series. The published Naive2 / sNaive / M4 RNN /
ES-RNN rows are printed beside it from
``m4/reference/m4_point_forecast_scores_by_frequency.csv``.

Honest protocol: every modelling choice in :data:`RECIPES` was made with
``--validate``, which drops the last ``h`` values of every training series and
scores those instead; the test files are only read without it.

Run: ``python benchmarks/accuracy_m4.py [--subset hourly|weekly|all] [--validate]
[--seeds 0] [--series N] [--max-epochs N]``. Writes
``benchmarks/results/accuracy_m4[_validate].json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

import tsrnn
from tsrnn.metrics import mase, naive2_forecast, owa, seasonal_naive_forecast, smape

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"

#: subset -> file stem, horizon h, MASE season m, pandas frequency of the index
SUBSETS = {
    "hourly": ("Hourly", 48, 24, "h"),
    "weekly": ("Weekly", 13, 1, "W-SUN"),
}

#: The recipe per subset: LSTMForecaster parameters beyond ``horizon``, chosen on
#: the ``--validate`` tail, never on the test files (see benchmarks/README.md for
#: the validation runs), inside a 10-minute fit on a 2-core machine. Both read
#: the window in patches (hourly: two weeks in patches of a day, a 14-step
#: recurrence, so an epoch of a hidden-128 LSTM costs ~13 s; weekly: a year in
#: patches of 4 weeks), on the log scale (a multiplicative model whose loss weighs
#: relative errors, as sMAPE does), and average an ensemble of short fits.
#: What both recipes share: a wide network on the log scale, cosine-decayed.
_SHARED = dict(
    hidden_size=128,
    batch_size=256,
    learning_rate=6e-3,
    lr_schedule="cosine",
    target_transform="log",
)
RECIPES = {
    "hourly": dict(window=336, patch_size=24, max_epochs=10, n_ensembles=3, **_SHARED),
    "weekly": dict(window=52, patch_size=4, max_epochs=8, n_ensembles=2, **_SHARED),
}

PUBLISHED = ["Naive2", "sNaive", "Theta", "RNN", "Smyl (Uber Technologies)"]


def read_m4(path: Path, n_series: int | None = None) -> list[np.ndarray]:
    """Rows of an M4 wide file as float arrays (the id column and padding dropped)."""
    rows = []
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        next(reader)  # header "V1","V2",...
        for row in reader:
            rows.append(np.array([float(v) for v in row[1:] if v != ""]))
            if n_series is not None and len(rows) == n_series:
                break
    return rows


def load_subset(
    subset: str, data: Path, validate: bool, n_series: int | None
) -> tuple[list[np.ndarray], np.ndarray]:
    """``(training series, actuals (n_series, h))`` of an M4 subset: the test
    file, or with ``validate`` the last ``h`` training values (the training
    series then end ``h`` steps earlier)."""
    stem, h, _, _ = SUBSETS[subset]
    train = read_m4(data / "m4" / f"{stem}-train.csv", n_series)
    if validate:  # score the last h training values instead of the test file
        return [y[:-h] for y in train], np.array([y[-h:] for y in train])
    return train, np.array(read_m4(data / "m4" / f"{stem}-test.csv", n_series))


def as_panel(series: list[np.ndarray], freq: str) -> pd.Series:
    """Series of different lengths as one long panel ending at the same timestamp."""
    end = pd.Timestamp("2020-01-05")  # a Sunday, so weekly W-SUN stamps line up
    parts = []
    for i, values in enumerate(series):
        index = pd.date_range(end=end, periods=len(values), freq=freq)
        parts.append(
            pd.Series(
                values,
                index=pd.MultiIndex.from_arrays(
                    [np.full(len(values), f"S{i}", dtype=object), index],
                    names=["series", "time"],
                ),
            )
        )
    return pd.concat(parts).rename("y")


def scores(
    train: list[np.ndarray], actual: np.ndarray, forecast: np.ndarray, m: int
) -> dict:
    """M4 sMAPE (percent) and MASE, each averaged over series (tsrnn.metrics)."""
    return {"smape": smape(actual, forecast), "mase": mase(actual, forecast, train, m)}


def parse_overrides(items: list[str]) -> dict:
    """``PARAM=VALUE`` strings -> parameters; VALUE is JSON or else a bare string."""
    overrides = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value  # a bare string, e.g. scaler=robust
    return overrides


def published(data: Path, frequency: str) -> dict:
    table = pd.read_csv(
        data / "m4" / "reference" / "m4_point_forecast_scores_by_frequency.csv"
    )
    rows = table[(table["frequency"] == frequency) & table["method"].isin(PUBLISHED)]
    return {
        r.method: {"smape": r.smape, "mase": r.mase, "owa": r.owa}
        for r in rows.itertuples()
    }


def run_subset(
    subset: str,
    *,
    data: Path,
    validate: bool,
    seeds: list[int],
    n_series: int | None,
    overrides: dict,
) -> dict:
    stem, h, m, freq = SUBSETS[subset]
    train, actual = load_subset(subset, data, validate, n_series)
    panel = as_panel(train, freq)

    naive2 = np.array([naive2_forecast(y, h, m) for y in train])
    snaive = np.array([seasonal_naive_forecast(y, h, m) for y in train])
    base = scores(train, actual, naive2, m)
    rows = {"Naive2 (computed here)": base}
    rows["sNaive (computed here)"] = scores(train, actual, snaive, m)

    params = {**RECIPES[subset], **overrides}
    forecasts, fit_times, epochs = [], [], []
    for seed in seeds:
        est = tsrnn.LSTMForecaster(horizon=h, random_state=seed, **params)
        start = time.perf_counter()
        est.fit(panel)
        fit_times.append(time.perf_counter() - start)
        epochs.append(est.n_epochs_)
        pred = est.predict()["y"].to_numpy().reshape(len(train), h)
        forecasts.append(pred)
        one = scores(train, actual, pred, m)
        print(
            f"  seed {seed}: sMAPE {one['smape']:.3f} MASE {one['mase']:.3f} "
            f"OWA {owa(one['smape'], one['mase'], base['smape'], base['mase']):.3f} "
            f"({fit_times[-1]:.0f} s, {est.n_epochs_} epochs"
            f"{f' over {est.n_ensembles} networks' if est.n_ensembles > 1 else ''})",
            flush=True,
        )
    name = "tsrnn LSTMForecaster" + (
        f" (median of {len(seeds)} seeds)" if len(seeds) > 1 else ""
    )
    rows[name] = scores(train, actual, np.median(forecasts, axis=0), m)
    for row in rows.values():
        row["owa"] = owa(row["smape"], row["mase"], base["smape"], base["mase"])
    return {
        "subset": subset,
        "validate": validate,
        "n_series": len(train),
        "horizon": h,
        "m": m,
        "params": params,
        "seeds": seeds,
        "fit_seconds": fit_times,
        "epochs": epochs,
        "scores": rows,
        "published": {} if validate else published(data, stem),
    }


def print_table(result: dict) -> None:
    what = "validation tail" if result["validate"] else "test"
    print(
        f"\nM4 {result['subset']} ({result['n_series']} series, h={result['horizon']}, "
        f"m={result['m']}, {what}); fit {np.median(result['fit_seconds']):.0f} s "
        f"per seed"
    )
    print(f"{'method':44s} {'sMAPE':>8s} {'MASE':>8s} {'OWA':>7s}")
    for name, row in result["scores"].items():
        print(f"{name:44s} {row['smape']:8.3f} {row['mase']:8.3f} {row['owa']:7.3f}")
    for name, row in result["published"].items():
        label = f"{name} (published)"
        print(f"{label:44s} {row['smape']:8.3f} {row['mase']:8.3f} {row['owa']:7.3f}")


def common_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    """The flags every M4 benchmark takes (``what``: the parameters ``--set``
    overrides)."""
    parser.add_argument("--subset", choices=[*SUBSETS, "all"], default="all")
    parser.add_argument(
        "--data", type=Path, default=DATA, help="the shared/data folder"
    )
    parser.add_argument(
        "--validate", action="store_true", help="score the training tail"
    )
    parser.add_argument("--seeds", default="0", help="comma-separated seeds")
    parser.add_argument(
        "--series", type=int, help="only the first N series (smoke runs)"
    )
    parser.add_argument(
        "--max-epochs", type=int, help="override the recipe's max_epochs"
    )
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="PARAM=VALUE",
        help=f"override {what} (ablations), e.g. window=96",
    )
    parser.add_argument("--output", help="JSON path (default benchmarks/results/...)")


def run_subsets(args, name: str, run_subset, print_table) -> dict:
    """Check the data, run ``run_subset(subset, args, overrides, seeds)`` on each
    subset asked for, print its table and write the JSON (``name``: its stem)."""
    if not (args.data / "m4" / "Hourly-train.csv").exists():
        sys.exit(
            f"M4 data not found under {args.data / 'm4'}: this benchmark reads "
            "shared/data beside the repository (pass --data PATH to point elsewhere)."
        )
    overrides = parse_overrides(args.set)
    if args.max_epochs is not None:
        overrides["max_epochs"] = args.max_epochs
    seeds = [int(s) for s in args.seeds.split(",")]
    subsets = list(SUBSETS) if args.subset == "all" else [args.subset]
    out = {
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "tsrnn": tsrnn.__version__,
        "results": [],
    }
    for subset in subsets:
        print(f"M4 {subset}: fitting ...", flush=True)
        result = run_subset(subset, args, overrides, seeds)
        print_table(result)
        out["results"].append(result)
    suffix = "_validate" if args.validate else ""
    path = Path(args.output or RESULTS / f"{name}{suffix}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser, "recipe parameters")
    args = parser.parse_args(argv)

    def one(subset, args, overrides, seeds):
        return run_subset(
            subset,
            data=args.data,
            validate=args.validate,
            seeds=seeds,
            n_series=args.series,
            overrides=overrides,
        )

    return run_subsets(args, "accuracy_m4", one, print_table)


if __name__ == "__main__":
    main()
