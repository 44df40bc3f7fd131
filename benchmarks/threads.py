"""Torch threads for recurrent training steps: 1 against 2 (or more), quiet and busy.

For a few step shapes (batch, recurrence, inputs, hidden size of an LSTM), the
median seconds of one training step (forward, MSE, backward, Adam step) with
``torch.set_num_threads(k)`` for each ``k`` of ``--threads``, measured

* ``quiet``: nothing else started by this script;
* ``busy``: while another process runs the same kind of steps on one thread (a
  second fit beside this one, as when a user runs two notebooks or a test suite).

Each shape also prints its multiply-adds per step as ``tsrnn._base.step_work``
counts them: the thread policy (``n_threads="auto"``) uses one thread below
``AUTO_THREADS_WORK`` and, above it, half the cores (at most 4). The ratio column is
seconds with 1 thread / seconds with k threads (above 1: more threads pay).

Run: ``python benchmarks/threads.py [--repeats 5] [--threads 1,2]``. Writes
``benchmarks/results/threads.json``. Quote it with the machine's load: a quiet
figure taken on a busy machine is a busy figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

from tsrnn._base import AUTO_THREADS_WORK, step_work
from tsrnn._network import build_network

RESULTS = Path(__file__).resolve().parent / "results"

#: (name, batch, window, patch_size, input_size, hidden): the small end is a
#: default fit on one monthly series, the large end a default fit on a panel of
#: hourly series (batch 512, a week in daily patches) and a wide network.
SHAPES = [
    ("one monthly series", 16, 24, 2, 2, 64),
    ("10k hourly points", 64, 168, 24, 2, 64),
    ("hourly panel", 512, 168, 24, 2, 64),
    ("hourly panel, hidden 128", 512, 336, 24, 2, 128),
    ("unpatched, batch 256", 256, 96, 1, 2, 64),
]


def _net(window, patch, inputs, hidden):
    torch.manual_seed(0)
    net = build_network(
        cell="lstm",
        input_size=inputs,
        hidden_size=hidden,
        num_layers=1,
        dropout=0.0,
        bidirectional=False,
        output_size=24,
        patch_size=patch,
    )
    return net, torch.optim.Adam(net.parameters(), 1e-3)


def step_seconds(shape, threads: int, seconds: float = 1.0) -> float:
    """Mean seconds per training step of ``shape`` on ``threads`` threads."""
    _, batch, window, patch, inputs, hidden = shape
    torch.set_num_threads(threads)
    net, opt = _net(window, patch, inputs, hidden)
    x, y = torch.randn(batch, window, inputs), torch.randn(batch, 24)

    def step():
        opt.zero_grad()
        ((net(x) - y) ** 2).mean().backward()
        opt.step()

    for _ in range(3):  # warm-up
        step()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or n < 3:
        step()
        n += 1
    return (time.perf_counter() - start) / n


def _busy(index: int) -> None:
    """The other job (``--busy INDEX``): shape ``INDEX``'s steps on one thread until
    it is terminated."""
    while True:
        step_seconds(SHAPES[index], 1, seconds=0.5)


def measure(
    shape, threads: list[int], repeats: int, busy: bool, seconds: float = 1.0
) -> dict:
    other = None
    if busy:
        other = subprocess.Popen(
            [sys.executable, __file__, "--busy", str(SHAPES.index(shape))],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(4.0)  # let it import torch and start stepping
    try:
        runs = {k: [] for k in threads}
        for _ in range(repeats):  # interleaved, so drift hits every count alike
            for k in threads:
                runs[k].append(step_seconds(shape, k, seconds))
    finally:
        if other is not None:
            other.terminate()
            other.wait()
    return {str(k): statistics.median(v) for k, v in runs.items()} | {
        "runs": {str(k): v for k, v in runs.items()}
    }


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument(
        "--quick", action="store_true", help="the smallest shape, 1 short repeat"
    )
    ap.add_argument("--output", type=Path, default=RESULTS / "threads.json")
    ap.add_argument("--busy", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.busy is not None:
        _busy(args.busy)
    threads = [int(k) for k in args.threads.split(",")]
    shapes = SHAPES[:1] if args.quick else SHAPES
    repeats = 1 if args.quick else args.repeats
    seconds = 0.1 if args.quick else 1.0
    rows = []
    print(
        f"{'shape':26s} {'work (MAC)':>11s} {'load':>6s} "
        + " ".join(f"{k} thr (ms)".rjust(12) for k in threads)
        + "  ratio 1/k"
    )
    for shape in shapes:
        _, batch, window, patch, inputs, hidden = shape
        arch = dict(
            cell="lstm",
            input_size=inputs,
            hidden_size=hidden,
            num_layers=1,
            patch_size=patch,
        )
        work = step_work(arch, batch, window)
        for busy in (False, True):
            m = measure(shape, threads, repeats, busy, seconds)
            ratios = [m[str(threads[0])] / m[str(k)] for k in threads[1:]]
            print(
                f"{shape[0]:26s} {work:11.2e} {'busy' if busy else 'quiet':>6s} "
                + " ".join(f"{1000 * m[str(k)]:12.2f}" for k in threads)
                + "  "
                + " ".join(f"{r:.2f}" for r in ratios),
                flush=True,
            )
            rows.append(
                {"shape": shape[0], "work": work, "busy": busy, "seconds": m}
                | {"ratio": ratios}
            )
    result = {
        "benchmark": "threads",
        "auto_threads_work": AUTO_THREADS_WORK,
        "cpu_count": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "torch": torch.__version__,
        "platform": platform.platform(),
        "repeats": repeats,
        "rows": rows,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
