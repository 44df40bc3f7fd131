"""Smoke tests: every benchmark script runs at tiny sizes and writes its JSON.

Timings are never asserted here; the figures live in benchmarks/README.md.
"""

import importlib.util
import json
import runpy
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def run(name, argv):
    return runpy.run_path(str(BENCH / name))["main"](argv)


def test_overhead_quick(tmp_path):
    out = tmp_path / "o.json"
    result = run("overhead.py", ["--quick", "--repeats", "1", "--output", str(out)])
    assert {r["case"] for r in result["results"]} == {"small", "panel"}
    peers = {"skorch"} if importlib.util.find_spec("skorch") else set()
    for r in result["results"]:
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
    assert all(row["seconds"]["1"] > 0 and row["ratio"][0] > 0 for row in rows)


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
    }, name
