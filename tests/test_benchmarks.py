"""Smoke tests: every benchmark script runs at tiny sizes and writes its JSON.

Timings are never asserted here; the figures live in benchmarks/README.md.
"""

import importlib.util
import json
import runpy
from pathlib import Path

import numpy as np
import pytest

from tsrnn.datasets import load_air_passengers
from tsrnn.metrics import mase

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def run(name, argv):
    return runpy.run_path(str(BENCH / name))["main"](argv)


def test_overhead_quick(tmp_path):
    out = tmp_path / "o.json"
    result = run("overhead.py", ["--quick", "--repeats", "1", "--output", str(out)])
    assert {r["case"] for r in result["results"]} == {"small", "panel", "per_step"}
    peers = {"skorch"} if importlib.util.find_spec("skorch") else set()
    for r in result["results"]:
        if r["case"] == "per_step":  # a per-step model against its bare loop
            assert set(r["ratio_vs_bare"]) == {"bare torch", "RNNSequenceRegressor"}
            continue
        assert set(r["ratio_vs_bare"]) == {
            "bare torch",
            "RNNRegressor",
            "LSTMForecaster",
            *peers,
        }
        assert r["ratio_vs_bare"]["bare torch"] == 1.0
    assert json.loads(out.read_text())["quick"] is True


def test_overhead_skorch_peer_trains_the_same_module():
    pytest.importorskip("skorch")
    bench = runpy.run_path(str(BENCH / "overhead.py"))
    X, Y = bench["windows"](bench["make_panel"](2, 40), 8, 4)
    net = bench["skorch_net"](Y.shape[1], epochs=1, batch=16).fit(X, Y)
    assert type(net.module_).__name__ == "Bare"
    assert net.predict(X).shape == Y.shape


def test_memory_quick(tmp_path):
    out = tmp_path / "m.json"
    result = run("memory.py", ["--quick", "--output", str(out)])
    assert {(r["runner"], r["n_series"]) for r in result["rows"]} == {
        ("tsrnn", 20),
        ("bare", 20),
    }
    assert all(r["baseline_mb"] > 0 for r in result["rows"])


def test_memory_ragged_quick(tmp_path):
    out = tmp_path / "r.json"
    args = ["--ragged", "--quick", "--runners", "ragged-predict", "--output", str(out)]
    result = run("memory.py", args)
    (row,) = result["rows"]
    assert (row["runner"], row["n_series"], row["long_length"]) == (
        "ragged-predict",
        20,
        600,
    )
    assert row["data_mb"] > 0 and "added_per_data" in row


def test_latency_quick(tmp_path):
    result = run("latency.py", ["--quick", "--output", str(tmp_path / "l.json")])
    assert result["single_series"]["predict_ms"] > 0
    assert result["panel"]["series"] == 20


def test_threads_quick(tmp_path):
    result = run("threads.py", ["--quick", "--output", str(tmp_path / "t.json")])
    rows = result["rows"]
    assert [row["busy"] for row in rows] == [False, True]
    # the table's shape only: timings are the script's to report, not a test's
    assert all({"1", "2"} <= set(row["seconds"]) for row in rows)
    assert all(len(row["ratio"]) == 1 for row in rows)


def test_import_time_runs(tmp_path):
    result = run(
        "import_time.py", ["--repeats", "1", "--output", str(tmp_path / "i.json")]
    )
    assert set(result["median_s"]) == {"torch", "tsrnn", "tsrnn + an estimator"}


def test_scaling_quick(tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "s.json"
    result = run("scaling.py", ["--quick", "--repeats", "1", "--output", str(out)])
    search = result["search"]
    assert set(search["median_seconds"]) == {
        "n_jobs=1",
        "n_jobs=1, 1 thread",
        "loky n_jobs=2",
        "dask 2 workers",
    }
    assert search["same_best_params"] is True
    assert search["torch_threads_per_process"]["dask 2 workers"] == [1]
    assert [p["n_series"] for p in result["pickle"]] == [5, 20]
    ddp = result["ddp"]
    assert [len(run[0]) for run in ddp["runs"].values()] == [1, 1, 2]  # ranks
    assert ddp["max_relative_weight_diff_2_ranks_vs_1"] < 1e-5
    assert json.loads(out.read_text())["quick"] is True


SHARED_M4 = BENCH.parent.parent / "shared" / "data" / "m4" / "Hourly-train.csv"


@pytest.mark.skipif(not SHARED_M4.exists(), reason="../shared/data/m4 is absent")
@pytest.mark.parametrize("validate", [False, True])
def test_accuracy_m4_tiny(tmp_path, validate):
    out = tmp_path / "a.json"
    argv = ["--series", "3", "--max-epochs", "1", "--output", str(out)]
    result = run("accuracy_m4.py", argv + (["--validate"] if validate else []))
    assert [r["subset"] for r in result["results"]] == ["hourly", "weekly"]
    for r in result["results"]:
        # one epoch per network of the recipe's ensemble (n_epochs_ sums them)
        assert r["n_series"] == 3
        assert r["epochs"] == [r["params"].get("n_ensembles", 1)]
        rows = r["scores"]
        assert rows["Naive2 (computed here)"]["owa"] == pytest.approx(1.0)
        assert all(np.isfinite(list(row.values())).all() for row in rows.values())
        # published rows only next to test scores: the validation tail has none
        assert bool(r["published"]) is not validate
    assert json.loads(out.read_text())["results"][0]["params"]["max_epochs"] == 1


@pytest.mark.skipif(not SHARED_M4.exists(), reason="../shared/data/m4 is absent")
@pytest.mark.parametrize("validate", [False, True])
def test_intervals_m4_tiny(tmp_path, validate):
    out = tmp_path / "i.json"
    argv = ["--series", "3", "--max-epochs", "1", "--output", str(out)]
    argv += ["--quantiles", "0.025,0.975"] + (["--validate"] if validate else [])
    result = run("intervals_m4.py", argv)
    assert [r["subset"] for r in result["results"]] == ["hourly", "weekly"]
    for r in result["results"]:
        rows = r["scores"]
        assert list(rows) == [
            "sNaive + conformal",
            "tsrnn LSTM + conformal",
            "tsrnn LSTM quantile heads, uncorrected",
        ]
        for row in rows.values():
            assert 0 <= row["coverage95"] <= 1 and row["msis"] > 0
            assert row["acd"] == pytest.approx(abs(row["coverage95"] - 0.95))
        assert bool(r["published"]) is not validate
    if not validate:  # read from Evaluation_and_Ranks.xlsx, as the issue quotes it
        hourly, weekly = (r["published"] for r in result["results"])
        assert hourly["ES-RNN (Smyl)"] == pytest.approx({"msis": 7.928, "acd": 0.04})
        assert hourly["best entry (id 238)"]["msis"] == 6.139
        assert weekly["ARIMA"] == pytest.approx({"msis": 19.575, "acd": 0.005})
    assert json.loads(out.read_text())["results"][0]["conformal"]["coverage"] == [
        0.8,
        0.95,
    ]


def test_accuracy_m4_says_when_the_data_is_absent(tmp_path):
    with pytest.raises(SystemExit, match="M4 data not found"):
        run("accuracy_m4.py", ["--data", str(tmp_path)])


def test_accuracy_air_passengers_tiny(tmp_path):
    out = tmp_path / "ap.json"
    result = run(
        "accuracy_air_passengers.py",
        ["--seeds", "0", "--set", "max_epochs=1", "--output", str(out)],
    )
    rows = result["scores"]
    assert rows["seasonal naive"]["mae"] == pytest.approx(47.58, abs=0.01)
    assert {"LSTMForecaster(horizon=12)", "GRUForecaster(horizon=12)"} <= set(rows)
    assert all(np.isfinite(row["mae"]) for row in rows.values())
    assert json.loads(out.read_text())["params"] == {"max_epochs": 1}


needs_shared = pytest.mark.skipif(
    not SHARED_M4.exists(), reason="../shared/data is absent"
)
ONE_EPOCH = ["--params", '{"max_epochs": 1}', "--no-cache"]


@needs_shared
def test_defaults_speed_tiny(tmp_path):
    out = tmp_path / "s.json"
    argv = ["speed", "--sizes", "300,200", "--only", "300", "--output", str(out)]
    result = run("defaults.py", argv + ONE_EPOCH)
    (row,) = result["results"]  # --only keeps the 300-point series
    assert (row["points"], row["source"]) == (300, "ETTh1 OT, first 300 rows")
    assert row["fit_seconds"] > 0 and row["threads"] >= 1
    assert row["epochs"] == [3]  # one epoch for each network of the small-data ensemble
    saved = json.loads(out.read_text())
    assert saved["params"] == {"max_epochs": 1}
    assert saved["forecaster"] == "LSTMForecaster"


@needs_shared
def test_defaults_speed_reports_the_time_limit(tmp_path):
    argv = ["speed", "--sizes", "200", "--time-limit", "0.01"]
    result = run("defaults.py", [*argv, "--output", str(tmp_path / "s.json")])
    (row,) = result["results"]
    assert row["result"] == "> 0.01 s" and row["fit_seconds"] is None


def test_defaults_synthetic_series_is_fixed_and_seasonal():
    bench = runpy.run_path(str(BENCH / "defaults.py"))
    y = bench["synthetic_hourly"](24 * 7 * 20)
    np.testing.assert_array_equal(y, bench["synthetic_hourly"](24 * 7 * 20))
    day = y.reshape(-1, 24).mean(axis=0)  # a daily profile well above the noise
    assert day.max() - day.min() > 15


@needs_shared
def test_defaults_accuracy_tiny(tmp_path):
    out = tmp_path / "a.json"
    argv = ["accuracy", "--only", "air_passengers", "--output", str(out)]
    (air,) = run("defaults.py", argv + ONE_EPOCH)["results"]
    # the split of accuracy_air_passengers.py: fit on 1949-1958, forecast 1959 and
    # 1960 (seasonal naive MAE 47.58 there; its MASE on the training months here)
    y = load_air_passengers().to_numpy()
    snaive = np.r_[y[108:120], y[120:132]]
    expected = mase(y[120:144], snaive, y[:120], m=12)
    assert air["scores"]["seasonal naive"]["mase"] == pytest.approx(expected)
    assert (air["split"], air["n_origins"], air["season"]) == ("test", 2, 12)
    tsrnn_row = air["scores"]["tsrnn LSTMForecaster"]
    assert np.isfinite(tsrnn_row["mase"]) and tsrnn_row["fit_seconds"] > 0
    if importlib.util.find_spec("statsforecast") is None:
        assert air["scores"]["AutoETS"] == {"error": "statsforecast not installed"}
        assert air["mase_vs_autoets"] is None
    ratio = tsrnn_row["mase"] / air["scores"]["seasonal naive"]["mase"]
    assert air["mase_vs_seasonal_naive"] == pytest.approx(ratio)
    assert json.loads(out.read_text())["summary"]["fits_failed_or_over_limit"] == 0


@needs_shared
def test_defaults_baselines_only_m4_weekly(tmp_path):
    argv = ["accuracy", "--only", "m4_weekly", "--max-series", "2", "--no-cache"]
    argv += ["--baselines-only", "--output", str(tmp_path / "a.json")]
    (weekly,) = run("defaults.py", argv)["results"]
    assert (weekly["split"], weekly["n_series"], weekly["season"]) == ("test", 2, 52)
    rows = weekly["scores"]
    # OWA against Naive2; with m = 1 Naive2 is the last value, not the 52-week season
    assert rows["Naive2"]["owa"] == pytest.approx(1.0)
    assert rows["seasonal naive"]["owa"] != pytest.approx(1.0)
    assert rows["tsrnn LSTMForecaster"] == {"error": "not fitted (--baselines-only)"}
    assert weekly["runs"] == []


@needs_shared
def test_defaults_validate_tiny_gru_two_seeds(tmp_path):
    argv = ["validate", "--only", "grunfeld", "--max-series", "2", "--cell", "gru"]
    argv += ["--seeds", "0,1", "--output", str(tmp_path / "v.json")]
    result = run("defaults.py", argv + ONE_EPOCH)
    (grunfeld,) = result["results"]
    assert grunfeld["forecaster"] == "tsrnn GRUForecaster"
    assert len(grunfeld["runs"]) == 2  # the median of the two seeds' forecasts
    assert (grunfeld["n_series"], grunfeld["horizon"], grunfeld["m"]) == (2, 6, 1)
    ratio = grunfeld["mase_vs_seasonal_naive"]
    assert result["summary"]["geomean_mase_vs_seasonal_naive"] == pytest.approx(ratio)


@needs_shared
def test_defaults_validate_air_passengers_drops_the_test_years(tmp_path):
    argv = ["validate", "--only", "air_passengers", "--baselines-only", "--no-cache"]
    (air,) = run("defaults.py", [*argv, "--output", str(tmp_path / "v.json")])[
        "results"
    ]
    y = load_air_passengers().to_numpy()  # fit on 1949-1957, score 1958
    expected = mase(y[108:120], y[96:108], y[:108], m=12)
    assert air["scores"]["seasonal naive"]["mase"] == pytest.approx(expected)


def test_defaults_geometric_mean_skips_missing_ratios():
    bench = runpy.run_path(str(BENCH / "defaults.py"))
    assert bench["geometric_mean"]([0.5, None, 2.0]) == pytest.approx(1.0)
    assert bench["geometric_mean"]([None]) is None


@needs_shared
def test_defaults_validation_suite_never_reads_a_test_split():
    bench = runpy.run_path(str(BENCH / "defaults.py"))
    tasks = {t.name: t for t in bench["validation_tasks"](bench["DATA"], 3)}
    assert set(tasks) == {
        "m4_hourly",
        "m4_weekly",
        "air_passengers",
        "bike_daily",
        "bike_hourly",
        "us_weather",
        "grunfeld",
        "etth1_ot",
        "elec_equip",
        "elec_equip_short",
        "elnino",
        "elnino_short",
        "co2_monthly",
        "macro_quarterly",
        "nile",
    }
    hourly_train = bench["read_m4"](SHARED_M4, 3)
    for got, train in zip(tasks["m4_hourly"].values, hourly_train):
        np.testing.assert_array_equal(got, train)  # the training file only
    assert tasks["m4_hourly"].train_end == [len(v) - 48 for v in hourly_train]
    assert len(tasks["air_passengers"].values[0]) == 120  # 1959-1960 removed
    ett = tasks["etth1_ot"]
    assert (len(ett.values[0]), ett.train_end) == (11520, [8640])  # no test months
    assert ett.actual().shape == (60, 1, 48)
    for task in tasks.values():
        last = max(task.origins) + task.horizon
        assert all(e + last == len(v) for v, e in zip(task.values, task.train_end))


def test_defaults_textbook_tasks_are_short_series_at_m4_horizons():
    bench = runpy.run_path(str(BENCH / "defaults.py"))
    tasks = {t.name: t for t in bench["textbook_tasks"]()}
    assert {n: (t.freq, t.horizon, t.m) for n, t in tasks.items()} == {
        "elec_equip": ("MS", 18, 12),
        "elec_equip_short": ("MS", 18, 12),
        "elnino": ("MS", 18, 12),
        "elnino_short": ("MS", 18, 12),
        "co2_monthly": ("MS", 18, 12),
        "macro_quarterly": ("QS", 8, 4),
        "nile": ("YS", 6, 1),
    }
    short = tasks["elec_equip_short"]
    np.testing.assert_array_equal(short.values[0], tasks["elec_equip"].values[0][-96:])
    assert short.train_end == [78] and short.actual().shape == (1, 1, 18)
    assert tasks["nile"].actual().shape == (3, 1, 6)  # 3 origins, 6 years apart
    assert len(tasks["macro_quarterly"].values) == 7
    for task in tasks.values():
        assert all(np.isfinite(v).all() for v in task.values)


def test_defaults_rejects_params_that_are_not_an_object(capsys):
    with pytest.raises(SystemExit):
        run("defaults.py", ["validate", "--params", "[1, 2]"])
    assert "--params must be a JSON object" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run("defaults.py", ["validate", "--params", '{"horizon": 3}'])
    assert "--params sets horizon" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(p.name for p in BENCH.glob("*.py")))
def test_every_benchmark_has_a_smoke_test(name):
    assert name in {
        "overhead.py",
        "memory.py",
        "latency.py",
        "import_time.py",
        "scaling.py",
        "accuracy_m4.py",
        "accuracy_air_passengers.py",
        "threads.py",
        "defaults.py",
        "intervals_m4.py",
    }, name
