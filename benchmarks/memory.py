"""Peak memory of fitting a panel: tsrnn (windows as offsets) vs materialized windows.

Each measurement runs in a fresh process: it imports torch, pandas and
scikit-learn, builds the panel, does one LSTM training step (the baseline), then
fits and reports ``peak RSS - baseline RSS``. The bare loop materializes every
window as float32 tensors first (the common approach); tsrnn keeps one
contiguous tensor and gathers windows by offset.

Run: ``python benchmarks/memory.py [--sizes 250 500 1000 2000 4000] [--epochs 1]``
(``--quick`` for a smoke test). Writes ``benchmarks/results/memory.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
LENGTH, WINDOW, HORIZON, BATCH = 500, 48, 24, 256


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(runner: str, n_series: int, epochs: int, length: int) -> dict:
    import numpy as np
    import pandas as pd
    import sklearn  # noqa: F401

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from overhead import bare_loop, make_panel, windows

    values = make_panel(n_series, length)
    # baseline: imports + data + a few LSTM training steps (Adam, full batches)
    warm = np.zeros((2 * BATCH, WINDOW, 1), np.float32)
    bare_loop(warm, np.zeros((2 * BATCH, HORIZON), np.float32), epochs=1, batch=BATCH)
    base = peak_mb()
    if runner == "bare":
        X, Y = windows(values, WINDOW, HORIZON)
        bare_loop(X, Y, epochs=epochs, batch=BATCH)
    else:
        import tsrnn

        frame = pd.DataFrame(
            {
                "id": np.repeat(np.arange(n_series), length),
                "t": np.tile(np.arange(length), n_series),
                "y": values.ravel(),
            }
        )
        tsrnn.LSTMForecaster(
            window=WINDOW,
            horizon=HORIZON,
            hidden_size=64,
            batch_size=BATCH,
            max_epochs=epochs,
            scaler=None,
            early_stopping=False,
            id_col="id",
            time_col="t",
            random_state=0,
        ).fit(frame)
    return {
        "runner": runner,
        "n_series": n_series,
        "baseline_mb": base,
        "peak_mb": peak_mb(),
        "added_mb": peak_mb() - base,
        "data_mb": values.nbytes / 2**20,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[250, 500, 1000, 2000, 4000]
    )
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--length", type=int, default=LENGTH)
    parser.add_argument("--runners", nargs="+", default=["tsrnn", "bare"])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=str(RESULTS / "memory.json"))
    parser.add_argument(
        "--child", nargs=2, metavar=("RUNNER", "N"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        print(
            json.dumps(
                child(args.child[0], int(args.child[1]), args.epochs, args.length)
            )
        )
        return {}
    if args.quick:
        args.sizes, args.length = [20], 100
    rows = []
    for n in args.sizes:
        for runner in args.runners:
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    runner,
                    str(n),
                    "--epochs",
                    str(args.epochs),
                    "--length",
                    str(args.length),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            r = rows[-1]
            print(
                f"N={n:<5} {runner:<6} data {r['data_mb']:7.1f} MB  baseline "
                f"{r['baseline_mb']:7.0f} MB  added {r['added_mb']:7.1f} MB",
                flush=True,
            )
    out = {
        "length": args.length,
        "window": WINDOW,
        "horizon": HORIZON,
        "batch": BATCH,
        "epochs": args.epochs,
        "quick": args.quick,
        "rows": rows,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
