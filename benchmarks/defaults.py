"""Defaults that work (issue 19): speed, accuracy and a validation suite, one script.

Modes (each prints a table and writes ``benchmarks/results/defaults_<mode>.json``):

``speed``
    Fit seconds of ``LSTMForecaster(horizon=24, random_state=0)`` (plus ``--params``)
    on one hourly series of 1,000 / 10,000 / 100,000 points: ETTh1's ``OT`` column
    (first 1,000 / 10,000 rows) and, for 100,000, a synthetic hourly series (daily
    and weekly seasonality, trend and Gaussian noise, generated with seed 0; ETTh1
    has only 17,420 rows). Each fit runs in its own subprocess under
    ``--time-limit``; the median of ``--repeats`` fits is reported, with the torch
    threads the fit started with.
``accuracy``
    Test scores with only ``horizon`` and ``random_state`` given (plus ``--params``):
    M4 Hourly (414 series, h=48, m=24) and M4 Weekly (359, h=13, m=1) whole, and
    AirPassengers (the split of ``accuracy_air_passengers.py``: fit on 1949-1958,
    forecast 1959 and 1960). Next to seasonal naive, Naive2 (M4) and statsforecast's
    AutoETS and AutoARIMA fitted in the same run.
``validate``
    The suite for CHOOSING defaults; no test split is read. M4 Hourly and Weekly
    with the last h of every training series held out (``accuracy_m4.py
    --validate``), AirPassengers without 1959-1960 with its last 12 months held
    out, bike sharing daily (``cnt``) and hourly (``cnt``, from shared/data), the
    weather panel (``actual_mean_temp``), Grunfeld (``invest``) and ETTh1 ``OT``
    (trained on the 12 train months, scored on the 4 validation months only),
    and short textbook series from statsmodels' datasets (``textbook_tasks``:
    electrical equipment orders and El Nino, monthly, whole and their last 96
    months; Mauna Loa CO2, monthly means; seven US macro series, quarterly; the
    Nile, yearly). Horizons are M4's for the frequency (hourly 48, daily 14, yearly 6; AirPassengers
    keeps its 12). Reports MASE per dataset, tsrnn's MASE relative to AutoETS and
    the geometric mean of that ratio (the issue's goal: below 1.0).

Protocol. Every forecaster fit runs in a fresh subprocess, killed at
``--time-limit`` seconds (reported as ``> limit``). The baselines are fitted
series by series on the same training data with ``n_jobs=1`` and a season
length from the data's frequency (``tsrnn``'s one table, ``TimeAxis.season``);
at later forecast origins (AirPassengers, ETTh1, the bike and weather tails)
the fitted models are run forward over the longer history without refitting,
as the forecaster predicts from a new history without refitting. Baseline
forecasts are cached under ``benchmarks/results/cache/`` keyed by dataset,
split, number of series and baseline, so a rerun with new forecaster
parameters costs only the forecaster fits. With several ``--seeds`` the
forecaster's score is that of the median of the seeds' forecasts.

statsforecast is optional (``pip install -e .[bench]``, a separate venv: see
benchmarks/README.md); without it the AutoETS / AutoARIMA rows say so.

Run: ``python benchmarks/defaults.py MODE [--params JSON] [--cell lstm|gru]
[--only NAME,...] [--seeds 0,1,2] [--max-series N] [--time-limit S]
[--repeats N] [--sizes 1000,10000,100000]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from accuracy_m4 import DATA, SUBSETS, read_m4  # noqa: E402

import tsrnn  # noqa: E402
from tsrnn._frequency import TimeAxis  # noqa: E402
from tsrnn.datasets import (  # noqa: E402
    load_air_passengers,
    load_bike_sharing,
    load_us_weather,
)
from tsrnn.metrics import (  # noqa: E402
    mase,
    naive2_forecast,
    owa,
    seasonal_naive_forecast,
    smape,
)

RESULTS = HERE / "results"
CACHE = RESULTS / "cache"
FORECASTERS = {"lstm": "LSTMForecaster", "gru": "GRUForecaster"}
BASELINES = ("seasonal naive", "AutoETS", "AutoARIMA")
NO_STATSFORECAST = "statsforecast not installed"

# -- datasets ---------------------------------------------------------------------


@dataclass
class Task:
    """One dataset: series, where training ends, and the forecast origins.

    ``values[i]`` is series ``i`` as far as this split may read it; the model is
    fitted on ``values[i][:train_end[i]]`` and forecasts ``horizon`` steps after
    each origin, an offset from the training end (``0``: right after it).
    """

    name: str
    split: str
    values: list[np.ndarray]
    train_end: list[int]
    freq: str
    horizon: int
    m: int  # the MASE lag
    origins: list[int] = field(default_factory=lambda: [0])
    m4: bool = False  # score sMAPE / OWA against Naive2 as well
    note: str = ""

    @property
    def season(self) -> int:
        """Season length of the baselines, from the frequency (tsrnn's table)."""
        return TimeAxis("datetime", pd.tseries.frequencies.to_offset(self.freq)).season

    def history(self, i: int, origin: int) -> np.ndarray:
        return self.values[i][: self.train_end[i] + origin]

    def actual(self) -> np.ndarray:
        """Actual values, shape ``(n_origins, n_series, horizon)``."""
        h = self.horizon
        return np.array(
            [
                [v[e + o : e + o + h] for v, e in zip(self.values, self.train_end)]
                for o in self.origins
            ]
        )

    def panel(self, origin: int) -> pd.Series:
        """The histories at ``origin`` as pandas: one Series, or a long panel."""
        end = pd.Timestamp("2020-01-05")  # a Sunday, so W-SUN labels line up
        parts = []
        for i in range(len(self.values)):
            y = self.history(i, origin)
            index = pd.date_range(end=end, periods=len(y), freq=self.freq, name="time")
            parts.append(pd.Series(y, index=index, name="y"))
        if len(parts) == 1:
            return parts[0]
        keys = [f"S{i:05d}" for i in range(len(parts))]  # sorts in series order
        return pd.concat(parts, keys=keys, names=["series", "time"]).rename("y")


def _holdout(name, split, series, freq, h, m, n_origins, note=""):
    """Hold out the last ``n_origins * h`` values: origins every ``h`` steps."""
    values = [np.asarray(s, dtype=float) for s in series]
    return Task(
        name,
        split,
        values,
        [len(v) - n_origins * h for v in values],
        freq,
        h,
        m,
        origins=[k * h for k in range(n_origins)],
        note=note,
    )


def m4_task(subset: str, split: str, data: Path, n_series: int | None) -> Task:
    stem, h, m, freq = SUBSETS[subset]
    train = read_m4(data / "m4" / f"{stem}-train.csv", n_series)
    if split == "test":
        test = read_m4(data / "m4" / f"{stem}-test.csv", n_series)
        values = [np.r_[a, b] for a, b in zip(train, test)]
        ends = [len(a) for a in train]
    else:  # the last h training values are the validation tail
        values, ends = train, [len(a) - h for a in train]
    return Task(f"m4_{subset}", split, values, ends, freq, h, m, m4=True)


def air_task(split: str) -> Task:
    y = load_air_passengers().to_numpy()
    if split == "test":  # accuracy_air_passengers.py: fit on 120, forecast 1959, 1960
        return Task("air_passengers", split, [y], [120], "MS", 12, 12, origins=[0, 12])
    return _holdout("air_passengers", split, [y[:120]], "MS", 12, 12, 1)


def bike_hourly(data: Path) -> np.ndarray:
    raw = pd.read_csv(data / "small" / "bike_sharing_hour.csv")
    stamps = pd.to_datetime(raw["dteday"]) + pd.to_timedelta(raw["hr"], unit="h")
    y = pd.Series(raw["cnt"].to_numpy(float), index=stamps)
    full = pd.date_range(stamps.min(), stamps.max(), freq="h")
    return y.reindex(full, fill_value=0.0).to_numpy()  # a missing hour: no rentals


def etth1_task(data: Path) -> Task:
    ot = pd.read_csv(data / "ett" / "ETTh1.csv")["OT"].to_numpy(float)
    h = 48  # train rows [0, 8640), validation rows [8640, 11520): never the test
    origins = list(range(0, 2880 - h + 1, h))
    return Task("etth1_ot", "validation", [ot[:11520]], [8640], "h", h, 24, origins)


def textbook_tasks() -> list[Task]:
    """Short textbook series from statsmodels' datasets (public domain; statsmodels
    comes with the ``bench`` extra, as statsforecast needs it), M4's horizons for
    the frequency (monthly 18, quarterly 8, yearly 6). ``*_short``: the last 96
    values only, the 60-80-point regime of a short textbook series (78 to fit)."""
    try:
        import statsmodels.api as sm
        from statsmodels.datasets import elec_equip
    except ImportError:
        print("statsmodels not installed: the textbook tasks are skipped")
        return []
    elec = elec_equip.load().data.iloc[:, 0].to_numpy(float)  # Euro area, monthly
    nino = sm.datasets.elnino.load_pandas().data.iloc[:, 1:].to_numpy(float).ravel()
    weekly = sm.datasets.co2.load_pandas().data["co2"]  # Mauna Loa, weekly
    co2 = weekly.resample("MS").mean().interpolate().to_numpy(float)
    macro = sm.datasets.macrodata.load_pandas().data
    columns = ["realgdp", "realcons", "realinv", "realgovt", "realdpi", "cpi", "m1"]
    nile = sm.datasets.nile.load_pandas().data["volume"].to_numpy(float)
    return [
        _holdout("elec_equip", "validation", [elec], "MS", 18, 12, 2),
        _holdout("elec_equip_short", "validation", [elec[-96:]], "MS", 18, 12, 1),
        _holdout("elnino", "validation", [nino], "MS", 18, 12, 2),
        _holdout("elnino_short", "validation", [nino[-96:]], "MS", 18, 12, 1),
        _holdout("co2_monthly", "validation", [co2], "MS", 18, 12, 2),
        _holdout(
            "macro_quarterly",
            "validation",
            [macro[c].to_numpy(float) for c in columns],
            "QS",
            8,
            4,
            2,
        ),
        _holdout("nile", "validation", [nile], "YS", 6, 1, 3),
    ]


def validation_tasks(data: Path, n_series: int | None) -> list[Task]:
    weather = load_us_weather()["actual_mean_temp"]
    cities = [g.to_numpy() for _, g in weather.groupby(level="city", sort=True)]
    grunfeld = pd.read_csv(data / "small" / "grunfeld_panel.csv")
    firms = [g["invest"].to_numpy() for _, g in grunfeld.groupby("firm", sort=True)]
    return [
        m4_task("hourly", "validation", data, n_series),
        m4_task("weekly", "validation", data, n_series),
        air_task("validation"),
        _holdout(
            "bike_daily", "validation", [load_bike_sharing()["cnt"]], "D", 14, 7, 4
        ),
        _holdout(
            "bike_hourly",
            "validation",
            [bike_hourly(data)],
            "h",
            48,
            24,
            14,
            note="165 missing hours filled with 0",
        ),
        _holdout("us_weather", "validation", cities[:n_series], "D", 14, 7, 2),
        _holdout("grunfeld", "validation", firms[:n_series], "YS", 6, 1, 1),
        etth1_task(data),
        *textbook_tasks(),
    ]


def accuracy_tasks(data: Path, n_series: int | None) -> list[Task]:
    return [
        m4_task("hourly", "test", data, n_series),
        m4_task("weekly", "test", data, n_series),
        air_task("test"),
    ]


# -- the forecaster, in a subprocess ----------------------------------------------


def _worker(spec_path: str, out_path: str) -> None:
    """Fit one forecaster or baseline and forecast (the subprocess side)."""
    import torch

    with open(spec_path, "rb") as fh:
        spec = pickle.load(fh)
    threads = torch.get_num_threads()
    if spec["class"] == "baseline":
        start = time.perf_counter()
        forecasts = baseline_forecasts(Task(**spec["task"]), spec["name"])
        out = {"fit_seconds": time.perf_counter() - start, "forecasts": forecasts}
    else:
        est = getattr(tsrnn, spec["class"])(**spec["params"])
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            est.fit(spec["fit"])
        seconds = time.perf_counter() - start
        out = {
            "fit_seconds": seconds,
            # the threads the fit ran on (n_threads resolved), else torch's own
            "threads": getattr(est, "n_threads_", threads),
            "epochs": getattr(est, "n_epochs_", None),
            "chosen": {
                name: getattr(est, name + "_", None)
                for name in (
                    "window",
                    "patch_size",
                    "target_transform",
                    "local_level",
                    "batch_size",
                )
            },
            # what the defaults warn about on this data (each message once)
            "warnings": sorted({f"{w.category.__name__}: {w.message}" for w in caught}),
            "forecasts": [
                est.predict(history).iloc[:, 0].to_numpy()
                for history in spec["histories"]
            ],
        }
    with open(out_path, "wb") as fh:
        pickle.dump(out, fh)


def fit_in_subprocess(spec: dict, time_limit: float) -> dict:
    """Run :func:`_worker` on ``spec`` in a fresh interpreter; ``{"error": ...}`` on failure.

    Past ``time_limit`` seconds the subprocess is killed: ``"> LIMIT s"``.
    """
    tsrnn_root = str(Path(tsrnn.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tsrnn_root, str(HERE)])}
    with tempfile.TemporaryDirectory() as tmp:
        spec_path, out_path = Path(tmp) / "spec.pkl", Path(tmp) / "out.pkl"
        spec_path.write_bytes(pickle.dumps(spec))
        cmd = [sys.executable, __file__, "_worker", str(spec_path), str(out_path)]
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd, env=env, capture_output=True, text=True, timeout=time_limit
            )
        except subprocess.TimeoutExpired:
            return {"error": f"> {time_limit:g} s", "timed_out": True}
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            return {"error": f"failed: {last}", "timed_out": False}
        out = pickle.loads(out_path.read_bytes())
        out["wall_seconds"] = time.perf_counter() - start
        return out


def forecaster_spec(args, horizon: int, seed: int, fit, histories) -> dict:
    params = {"horizon": horizon, "random_state": seed, **args.params}
    return {
        "class": FORECASTERS[args.cell],
        "params": params,
        "fit": fit,
        "histories": histories,
    }


# -- baselines ----------------------------------------------------------------------


def _statsforecast_model(name: str, season: int):
    from statsforecast.models import AutoARIMA, AutoETS

    return {"AutoETS": AutoETS, "AutoARIMA": AutoARIMA}[name](season_length=season)


def baseline_forecasts(task: Task, name: str) -> np.ndarray:
    """Forecasts of one baseline, shape ``(n_origins, n_series, horizon)``."""
    h, out = task.horizon, []
    for i in range(len(task.values)):
        if name == "seasonal naive":
            rows = [
                seasonal_naive_forecast(task.history(i, o), h, task.season)
                for o in task.origins
            ]
        else:
            model = _statsforecast_model(name, task.season)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(task.history(i, 0))
                rows = [model.predict(h)["mean"]]
                rows += [
                    model.forward(y=task.history(i, o), h=h)["mean"]
                    for o in task.origins[1:]
                ]
        out.append(rows)
    return np.transpose(np.array(out, dtype=float), (1, 0, 2))


def cached_baseline(task: Task, name: str, args) -> dict:
    """A baseline's forecasts and fit seconds (or its error), from the cache when there.

    Fitted in a subprocess under ``--baseline-time-limit``. Only forecasts are
    cached: a run over the limit or a failure is tried again at the next run.
    """
    key = f"{task.name}_{task.split}_{len(task.values)}series_{name.replace(' ', '_')}"
    path = CACHE / f"{key}.pkl"
    if not args.no_cache and path.exists():
        return pickle.loads(path.read_bytes())
    if name == "seasonal naive":  # no fit: computed here
        start = time.perf_counter()
        forecasts = baseline_forecasts(task, name)
        got = {"forecasts": forecasts, "fit_seconds": time.perf_counter() - start}
    elif importlib.util.find_spec("statsforecast") is None:
        return {"error": NO_STATSFORECAST}
    else:
        spec = {"class": "baseline", "task": asdict(task), "name": name}
        got = fit_in_subprocess(spec, args.baseline_time_limit)
    if "error" in got:
        return got
    got.pop("wall_seconds", None)
    if not args.no_cache:
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(got))
    return got


# -- scoring ------------------------------------------------------------------------


def score(task: Task, forecasts: np.ndarray) -> dict:
    """MASE (and sMAPE) with ``tsrnn.metrics``; rows are (origin, series) pairs."""
    actual = task.actual().reshape(-1, task.horizon)
    pred = forecasts.reshape(-1, task.horizon)
    trains = [task.history(i, 0) for i in range(len(task.values))] * len(task.origins)
    return {
        "mase": mase(actual, pred, trains, task.m),
        "smape": smape(actual, pred),
    }


def run_task(task: Task, args) -> dict:
    print(
        f"{task.name} ({task.split}): {len(task.values)} series, h={task.horizon}, "
        f"m={task.m}, season {task.season}, {len(task.origins)} origin(s) ...",
        flush=True,
    )
    rows: dict[str, dict] = {}
    if task.m4:
        naive2 = np.array(
            [
                [naive2_forecast(task.history(i, 0), task.horizon, task.m)]
                for i in range(len(task.values))
            ]
        ).transpose(1, 0, 2)
        rows["Naive2"] = score(task, naive2)
    for name in BASELINES:
        got = cached_baseline(task, name, args)
        if "error" in got:
            rows[name] = {"error": got["error"]}
        else:
            rows[name] = {
                **score(task, np.asarray(got["forecasts"])),
                "fit_seconds": got["fit_seconds"],
            }

    label = f"tsrnn {FORECASTERS[args.cell]}"
    fit = task.panel(0)
    histories = [None] + [task.panel(o) for o in task.origins[1:]]
    runs, forecasts = [], []
    for seed in [] if args.baselines_only else args.seeds:
        spec = forecaster_spec(args, task.horizon, seed, fit, histories)
        run = fit_in_subprocess(spec, args.time_limit)
        if "error" not in run:
            pred = np.array(run.pop("forecasts"), dtype=float)
            forecasts.append(pred.reshape(len(task.origins), len(task.values), -1))
            print(f"  seed {seed}: fit {run['fit_seconds']:.1f} s", flush=True)
            for text in run.get("warnings", []):
                print(f"    warning: {text[:160]}", flush=True)
        else:
            print(f"  seed {seed}: {run['error']}", flush=True)
        runs.append(run)
    if args.baselines_only:
        rows[label] = {"error": "not fitted (--baselines-only)"}
    elif len(forecasts) == len(args.seeds):
        rows[label] = score(task, np.median(forecasts, axis=0))
        rows[label]["fit_seconds"] = float(np.median([r["fit_seconds"] for r in runs]))
    else:
        rows[label] = {"error": next(r["error"] for r in runs if "error" in r)}
    if task.m4:
        base = rows["Naive2"]
        for row in rows.values():
            if "error" not in row:
                row["owa"] = owa(row["smape"], row["mase"], base["smape"], base["mase"])
    ets = rows["AutoETS"].get("mase")
    mine = rows[label].get("mase")
    return {
        "dataset": task.name,
        "split": task.split,
        "n_series": len(task.values),
        "horizon": task.horizon,
        "m": task.m,
        "season": task.season,
        "n_origins": len(task.origins),
        "note": task.note,
        "forecaster": label,
        "runs": runs,
        "scores": rows,
        "mase_vs_autoets": mine / ets if mine is not None and ets else None,
        "mase_vs_seasonal_naive": (
            mine / rows["seasonal naive"]["mase"] if mine is not None else None
        ),
    }


def _cell(row: dict, key: str, fmt: str) -> str:
    if "error" in row:
        return row["error"] if key == "mase" else ""
    return format(row[key], fmt) if key in row else ""


def print_table(result: dict) -> None:
    print(
        f"\n{result['dataset']} ({result['split']}, {result['n_series']} series, "
        f"h={result['horizon']}, m={result['m']}, season {result['season']}, "
        f"{result['n_origins']} origin(s)) {result['note']}"
    )
    print(f"{'method':28s} {'MASE':>24s} {'sMAPE':>8s} {'OWA':>7s} {'fit s':>8s}")
    for name, row in result["scores"].items():
        print(
            f"{name:28s} {_cell(row, 'mase', '.3f'):>24s} "
            f"{_cell(row, 'smape', '.3f'):>8s} {_cell(row, 'owa', '.3f'):>7s} "
            f"{_cell(row, 'fit_seconds', '.1f'):>8s}"
        )
    if result["mase_vs_autoets"] is not None:
        print(f"tsrnn MASE / AutoETS MASE: {result['mase_vs_autoets']:.3f}")


def geometric_mean(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return float(np.exp(np.mean(np.log(kept)))) if kept else None


def summary(results: list[dict]) -> dict:
    fits = [r["scores"][r["forecaster"]].get("fit_seconds") for r in results]
    return {
        "geomean_mase_vs_autoets": geometric_mean(
            [r["mase_vs_autoets"] for r in results]
        ),
        "geomean_mase_vs_seasonal_naive": geometric_mean(
            [r["mase_vs_seasonal_naive"] for r in results]
        ),
        "datasets_scored": sum(r["mase_vs_autoets"] is not None for r in results),
        "total_fit_seconds": float(sum(f for f in fits if f is not None)),
        "fits_failed_or_over_limit": sum(f is None for f in fits),
    }


# -- speed --------------------------------------------------------------------------


def synthetic_hourly(n: int, seed: int = 0) -> np.ndarray:
    """Hourly series: daily and weekly seasons, a trend and noise (fixed seed)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=float)
    daily = 10 * np.sin(2 * np.pi * t / 24) + 4 * np.cos(4 * np.pi * t / 24)
    weekly = 6 * np.sin(2 * np.pi * t / 168)
    return 100 + 0.001 * t + daily + weekly + rng.normal(0, 2, n)


def speed_series(n: int, data: Path) -> tuple[pd.Series, str]:
    ot = pd.read_csv(data / "ett" / "ETTh1.csv", usecols=["date", "OT"])
    if n <= len(ot):
        y = ot["OT"].to_numpy(float)[:n]
        source = f"ETTh1 OT, first {n} rows"
    else:
        y = synthetic_hourly(n)
        source = "synthetic hourly (daily+weekly season, trend, noise; seed 0)"
    index = pd.date_range("2016-07-01", periods=n, freq="h", name="date")
    return pd.Series(y, index=index, name="OT"), source


def _size_name(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def run_speed(args) -> list[dict]:
    rows = []
    for n in args.sizes:
        if args.only and _size_name(n) not in args.only:
            continue
        y, source = speed_series(n, args.data)
        runs = [
            fit_in_subprocess(forecaster_spec(args, 24, 0, y, []), args.time_limit)
            for _ in range(args.repeats)
        ]
        ok = [r["fit_seconds"] for r in runs if "error" not in r]
        row = {
            "points": n,
            "source": source,
            "fit_seconds": float(np.median(ok)) if len(ok) == len(runs) else None,
            "result": (
                f"{np.median(ok):.1f} s"
                if len(ok) == len(runs)
                else next(r["error"] for r in runs if "error" in r)
            ),
            "threads": next((r["threads"] for r in runs if "threads" in r), None),
            "epochs": [r.get("epochs") for r in runs],
            "runs": runs,
        }
        print(
            f"{n:>8d} points  {row['result']:>12s}  threads "
            f"{row['threads'] if row['threads'] is not None else '?'}  ({source})",
            flush=True,
        )
        rows.append(row)
    return rows


# -- main ---------------------------------------------------------------------------


def _ints(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["speed", "accuracy", "validate"])
    parser.add_argument(
        "--params",
        type=json.loads,
        default={},
        help="JSON forecaster parameters for every fit, e.g. '{\"hidden_size\": 32}'",
    )
    parser.add_argument("--cell", choices=list(FORECASTERS), default="lstm")
    parser.add_argument(
        "--only", type=lambda s: s.split(","), help="datasets (or sizes: 1k,10k)"
    )
    parser.add_argument(
        "--seeds", type=_ints, default=[0], help="median of the seeds' forecasts"
    )
    parser.add_argument("--max-series", type=int, help="first N series of a panel")
    parser.add_argument(
        "--time-limit", type=float, default=600.0, help="seconds per forecaster fit"
    )
    parser.add_argument(
        "--baseline-time-limit",
        type=float,
        default=1800.0,
        help="seconds per baseline and dataset (a run over it is cached as such)",
    )
    parser.add_argument("--repeats", type=int, default=1, help="speed: fits per size")
    parser.add_argument(
        "--sizes", type=_ints, default=[1_000, 10_000, 100_000], help="speed: points"
    )
    parser.add_argument("--data", type=Path, default=DATA, help="shared/data folder")
    parser.add_argument(
        "--baselines-only",
        action="store_true",
        help="fit (and cache) the baselines only, no forecaster",
    )
    parser.add_argument("--no-cache", action="store_true", help="refit the baselines")
    parser.add_argument("--output", type=Path, help="JSON path")
    args = parser.parse_args(argv)
    if not isinstance(args.params, dict):
        parser.error(f"--params must be a JSON object; got {args.params!r}")
    fixed = sorted({"horizon", "random_state"} & set(args.params))
    if fixed:
        parser.error(
            f"--params sets {', '.join(fixed)}, which each dataset and --seeds fix: "
            "leave them out"
        )
    if not (args.data / "m4" / "Hourly-train.csv").exists():
        parser.error(f"shared data not found under {args.data}: pass --data PATH")
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    import torch

    try:
        import statsforecast

        baseline_version = statsforecast.__version__
    except ImportError:
        baseline_version = NO_STATSFORECAST
    out = {
        "mode": args.mode,
        "forecaster": FORECASTERS[args.cell],
        "params": args.params,
        "seeds": args.seeds,
        "seed_aggregation": "median of the seeds' forecasts",
        "time_limit_s": args.time_limit,
        "baseline_time_limit_s": args.baseline_time_limit,
        "max_series": args.max_series,
        "machine": f"{platform.machine()} {os.cpu_count()} cores",
        "load_average_start": os.getloadavg(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        # what a fit starts with unless the forecaster sets its own; a fit killed
        # at the time limit cannot report its own
        "torch_threads_default": torch.get_num_threads(),
        "pandas": pd.__version__,
        "statsforecast": baseline_version,
        "tsrnn": tsrnn.__version__,
    }
    print(
        f"{args.mode}: {out['forecaster']} horizon=h, random_state=seed, "
        f"params {json.dumps(args.params)}, seeds {args.seeds}, time limit "
        f"{args.time_limit:g} s, statsforecast {baseline_version}, torch threads "
        f"{out['torch_threads_default']} by default, load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    path = args.output or RESULTS / f"defaults_{args.mode}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    if args.mode == "speed":
        out["results"] = run_speed(args)
    else:
        make = validation_tasks if args.mode == "validate" else accuracy_tasks
        out["results"] = []
        for task in make(args.data, args.max_series):
            if args.only and task.name not in args.only:
                continue
            result = run_task(task, args)
            print_table(result)
            out["results"].append(result)
            out["summary"] = summary(out["results"])
            path.write_text(json.dumps(out, indent=2))  # partial results survive
        s = out["summary"] = summary(out["results"])
        gm = s["geomean_mase_vs_autoets"]
        print(
            f"\ngeometric mean of tsrnn MASE / AutoETS MASE over "
            f"{s['datasets_scored']} datasets: "
            f"{'n/a' if gm is None else format(gm, '.3f')}; vs seasonal naive "
            f"{s['geomean_mase_vs_seasonal_naive'] or float('nan'):.3f}; forecaster fits "
            f"{s['total_fit_seconds']:.0f} s, {s['fits_failed_or_over_limit']} failed "
            "or over the limit"
        )
    out["load_average_end"] = os.getloadavg()
    path.write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "_worker":
        _worker(sys.argv[2], sys.argv[3])
    else:
        main()
