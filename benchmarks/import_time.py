"""``import tsrnn`` time vs ``import torch`` alone, each in fresh processes.

Run: ``python benchmarks/import_time.py [--repeats 7]``. Writes
``benchmarks/results/import_time.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
STATEMENTS = {
    "torch": "import torch",
    "tsrnn": "import tsrnn",
    "tsrnn + an estimator": "import tsrnn; tsrnn.LSTMForecaster",
}


def timed(statement: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--output", default=str(RESULTS / "import_time.json"))
    args = parser.parse_args(argv)
    base = timed("pass")
    samples = {k: [] for k in STATEMENTS}
    for _ in range(args.repeats):  # interleaved
        for key, stmt in STATEMENTS.items():
            samples[key].append(timed(stmt) - base)
    med = {k: statistics.median(v) for k, v in samples.items()}
    for key, sec in med.items():
        print(f"{key:<22} {sec:6.3f} s   (+{sec - med['torch']:.3f} s vs torch)")
    out = {"python_startup_s": base, "median_s": med, "samples_s": samples}
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
