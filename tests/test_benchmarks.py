"""Smoke tests: every benchmark script runs at tiny sizes and writes its JSON.

Timings are never asserted here; the figures live in benchmarks/README.md.
"""

import json
import runpy
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def run(name, argv):
    return runpy.run_path(str(BENCH / name))["main"](argv)


def test_overhead_quick(tmp_path):
    out = tmp_path / "o.json"
    result = run("overhead.py", ["--quick", "--repeats", "1", "--output", str(out)])
    assert {r["case"] for r in result["results"]} == {"small", "panel"}
    for r in result["results"]:
        assert set(r["ratio_vs_bare"]) == {
            "bare torch",
            "RNNRegressor",
            "LSTMForecaster",
        }
        assert r["ratio_vs_bare"]["bare torch"] == 1.0
    assert json.loads(out.read_text())["quick"] is True


def test_memory_quick(tmp_path):
    out = tmp_path / "m.json"
    result = run("memory.py", ["--quick", "--output", str(out)])
    assert {(r["runner"], r["n_series"]) for r in result["rows"]} == {
        ("tsrnn", 20),
        ("bare", 20),
    }
    assert all(r["baseline_mb"] > 0 for r in result["rows"])


def test_latency_quick(tmp_path):
    result = run("latency.py", ["--quick", "--output", str(tmp_path / "l.json")])
    assert result["single_series"]["predict_ms"] > 0
    assert result["panel"]["series"] == 20


def test_import_time_runs(tmp_path):
    result = run(
        "import_time.py", ["--repeats", "1", "--output", str(tmp_path / "i.json")]
    )
    assert set(result["median_s"]) == {"torch", "tsrnn", "tsrnn + an estimator"}


@pytest.mark.parametrize("name", sorted(p.name for p in BENCH.glob("*.py")))
def test_every_benchmark_has_a_smoke_test(name):
    assert name in {"overhead.py", "memory.py", "latency.py", "import_time.py"}, name
