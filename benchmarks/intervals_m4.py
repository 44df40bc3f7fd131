"""95 % prediction intervals on M4 Hourly and Weekly: MSIS and ACD next to M4's rows.

Same data and protocol as ``accuracy_m4.py``: one global forecaster per subset
fitted on every training series, the test horizon forecast once and scored with
the M4 definitions (``tsrnn.metrics.msis`` with alpha 0.05 and the subset's
season m, ``tsrnn.metrics.coverage``; ACD = |coverage - 0.95|, averaged over
every series and step). Intervals come from :class:`tsrnn.ConformalForecaster`,
calibrated on rolling origins at the end of each training series. The published
rows (Naive, ETS, ARIMA, ES-RNN = Smyl, and the best entry of each column) are
read from ``m4/reference/Evaluation_and_Ranks.xlsx``, sheet "Prediction
Intervals-Frequency" (needs openpyxl, in the ``bench`` extra).

Honest protocol: every choice (the recipe, the quantile heads, the method,
``n_origins``) is made with ``--validate``, which drops the last ``h`` values of
every training series and scores those instead; the test files are only read
without it. With quantile heads (``--quantiles``) the raw heads' coverage is
reported too, before the conformal correction (issue 22, item 3).

Run: ``python benchmarks/intervals_m4.py [--subset hourly|weekly|all]
[--validate] [--recipe defaults|m4] [--quantiles 0.025,0.1,0.9,0.975]
[--method auto|split|cqr] [--n-origins N] [--seeds 0] [--series N]
[--max-epochs N] [--set PARAM=VALUE ...]``. Writes
``benchmarks/results/intervals_m4[_validate].json``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from accuracy_m4 import (  # noqa: E402
    RECIPES,
    SUBSETS,
    as_panel,
    common_arguments,
    load_subset,
    run_subsets,
)

import tsrnn  # noqa: E402
from tsrnn.metrics import coverage, mase, msis, smape  # noqa: E402

ALPHA = 0.05
#: published rows by M4 user id (sheet "Methods"): 118 is Smyl's ES-RNN
PUBLISHED = {"Naive": "Naive", "ETS": "ETS", "ARIMA": "ARIMA", 118: "ES-RNN (Smyl)"}


def published(data: Path, stem: str) -> dict:
    """MSIS and ACD of the published rows and of the best entry, for one subset."""
    sheet = pd.read_excel(
        data / "m4" / "reference" / "Evaluation_and_Ranks.xlsx",
        sheet_name="Prediction Intervals-Frequency",
        header=None,
    )
    head = sheet.iloc[1].tolist()  # User ID, Yearly, ... (MSIS block, then ACD)
    col_msis = head.index(stem)
    col_acd = head.index(stem, col_msis + 1)
    rows = {}
    for r in sheet.iloc[2:].itertuples(index=False):
        key = r[0]
        with contextlib.suppress(TypeError, ValueError):
            key = int(key)
        rows[key] = {"msis": float(r[col_msis]), "acd": float(r[col_acd])}
    best = min(rows, key=lambda k: rows[k]["msis"])
    out = {name: rows[key] for key, name in PUBLISHED.items() if key in rows}
    out[f"best entry (id {best})"] = rows[best]
    return out


def interval_scores(train, actual, frame, m: int, target="y") -> dict:
    """MSIS, coverage and ACD of the 95 % interval, coverage of the 80 % one when
    there is one, width in units of each series' scale, sMAPE and MASE."""
    n, h = actual.shape
    block = lambda col: frame[col].to_numpy().reshape(n, h)  # noqa: E731
    lo, hi = block(f"{target}_q0.025"), block(f"{target}_q0.975")
    point = block(target)
    out = {
        "msis": msis(actual, lo, hi, train, alpha=ALPHA, m=m),
        "coverage95": coverage(actual, lo, hi),
        "smape": smape(actual, point),
        "mase": mase(actual, point, train, m),
    }
    out["acd"] = abs(out["coverage95"] - 0.95)
    if f"{target}_q0.1" in frame.columns:
        out["coverage80"] = coverage(
            actual, block(f"{target}_q0.1"), block(f"{target}_q0.9")
        )
    return out


def _ordered(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """The forecast rows in the order of the series S0, S1, ... as read."""
    return frame.loc[[f"S{i}" for i in range(n)]]


def run_subset(subset: str, args, overrides: dict, seeds: list[int]) -> dict:
    stem, h, m, freq = SUBSETS[subset]
    train, actual = load_subset(subset, args.data, args.validate, args.series)
    panel = as_panel(train, freq)
    params = {} if args.recipe == "defaults" else dict(RECIPES[subset])
    params.update(overrides)
    if args.quantiles:
        params["quantiles"] = [float(q) for q in args.quantiles.split(",")]
    conformal = dict(coverage=[0.8, 0.95], method=args.method, n_origins=args.n_origins)
    rows, fit_times = {}, []

    start = time.perf_counter()
    naive = tsrnn.ConformalForecaster(
        tsrnn.SeasonalNaiveForecaster(horizon=h, season=m), **conformal
    ).fit(panel)
    naive_seconds = time.perf_counter() - start
    rows["sNaive + conformal"] = interval_scores(
        train, actual, _ordered(naive.predict(), len(train)), m
    )
    per_seed, heads = [], []
    for seed in seeds:
        inner = tsrnn.LSTMForecaster(horizon=h, random_state=seed, **params)
        est = tsrnn.ConformalForecaster(inner, **conformal)
        start = time.perf_counter()
        est.fit(panel)
        fit_times.append(time.perf_counter() - start)
        one = interval_scores(train, actual, _ordered(est.predict(), len(train)), m)
        per_seed.append(one)
        text = (
            f"  seed {seed}: MSIS {one['msis']:.3f} ACD {one['acd']:.3f} coverage "
            f"{one['coverage95']:.3f} (80 %: {one.get('coverage80', float('nan')):.3f}) "
            f"MASE {one['mase']:.3f} ({fit_times[-1]:.0f} s; methods {est.methods_}, "
            f"n_origins {est.n_origins_})"
        )
        if params.get("quantiles") and {0.025, 0.975} <= set(params["quantiles"]):
            raw = interval_scores(
                train, actual, _ordered(est.forecaster_.predict(), len(train)), m
            )
            heads.append(raw)
            text += (
                f"\n          raw heads: MSIS {raw['msis']:.3f} coverage "
                f"{raw['coverage95']:.3f} (80 %: {raw.get('coverage80', float('nan')):.3f})"
            )
        print(text, flush=True)
    name = "tsrnn LSTM + conformal" + (
        f" (median of {len(seeds)} seeds)" if len(seeds) > 1 else ""
    )
    rows[name] = {k: float(np.median([s[k] for s in per_seed])) for k in per_seed[0]}
    if heads:
        rows["tsrnn LSTM quantile heads, uncorrected"] = {
            k: float(np.median([s[k] for s in heads])) for k in heads[0]
        }
    return {
        "subset": subset,
        "validate": args.validate,
        "n_series": len(train),
        "horizon": h,
        "m": m,
        "recipe": args.recipe,
        "params": params,
        "conformal": conformal,
        "seeds": seeds,
        "fit_seconds": fit_times,
        "naive_fit_seconds": naive_seconds,
        "per_seed": per_seed,
        "scores": rows,
        "published": {} if args.validate else published(args.data, stem),
    }


def print_table(result: dict) -> None:
    what = "validation tail" if result["validate"] else "test"
    print(
        f"\nM4 {result['subset']} 95 % intervals ({result['n_series']} series, "
        f"h={result['horizon']}, m={result['m']}, {what}); fit with calibration "
        f"{np.median(result['fit_seconds']):.0f} s per seed on "
        f"{torch.get_num_threads()} threads"
    )
    print(f"{'method':44s} {'MSIS':>8s} {'ACD':>7s} {'cov95':>7s} {'cov80':>7s}")
    for name, row in result["scores"].items():
        print(
            f"{name:44s} {row['msis']:8.3f} {row['acd']:7.3f} "
            f"{row['coverage95']:7.3f} {row.get('coverage80', float('nan')):7.3f}"
        )
    for name, row in result["published"].items():
        label = f"{name} (published)"
        print(f"{label:44s} {row['msis']:8.3f} {row['acd']:7.3f}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_arguments(parser, "LSTMForecaster parameters")
    parser.add_argument(
        "--recipe",
        choices=["defaults", "m4"],
        default="defaults",
        help="LSTMForecaster(horizon=h) as is, or accuracy_m4.py's recipe",
    )
    parser.add_argument("--quantiles", help="quantile heads, e.g. 0.025,0.975")
    parser.add_argument("--method", default="auto", choices=["auto", "split", "cqr"])
    parser.add_argument("--n-origins", type=int, help="calibration origins per series")
    args = parser.parse_args(argv)
    return run_subsets(args, "intervals_m4", run_subset, print_table)


if __name__ == "__main__":
    main()
