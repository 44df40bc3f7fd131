"""Peak memory of fitting a panel: tsrnn (windows as offsets) vs materialized windows.

Each measurement runs in a fresh process: it imports torch, pandas and
scikit-learn, builds the panel, does one LSTM training step (the baseline), then
fits and reports ``peak RSS - baseline RSS``. The bare loop materializes every
window as float32 tensors first (the common approach); tsrnn keeps one
contiguous tensor and gathers windows by offset.

Run: ``python benchmarks/memory.py [--sizes 250 500 1000 2000 4000] [--epochs 1]``
(``--quick`` for a smoke test). Writes ``benchmarks/results/memory.json``.

``--ragged`` measures ragged sequence input instead (issue 18 item 14): ``N``
sequences of 12 steps plus one of ``--length`` steps (default 4,000 and 60,000,
under 1 MB of data) through ``RNNRegressor``: ``ragged-predict`` predicts them
with a model fitted on the short ones, ``ragged-fit`` fits them (one epoch); the
baseline is that same model's fit on the short ones. Alignment and batching must
stay O(total steps): the added memory is printed as a ratio to the data. Writes
``benchmarks/results/memory_ragged.json``. ``ragged-fit`` trains through the
60,000 steps (back-propagation through time: slow on a CPU); ``--runners
ragged-predict`` measures the predict case alone.
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
SHORT, RAGGED_N, RAGGED_LONG = 12, 4000, 60_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def ragged_child(runner: str, n_short: int, epochs: int, length: int) -> dict:
    """Peak added memory of predicting / fitting short sequences plus one long one."""
    import numpy as np
    from sklearn.base import clone

    import tsrnn

    rng = np.random.default_rng(0)
    short = [rng.normal(size=SHORT).astype(np.float32) for _ in range(n_short)]
    X = [*short, rng.normal(size=length).astype(np.float32)]
    y = np.array([x[-SHORT:].mean() for x in X])
    model = tsrnn.RNNRegressor(hidden_size=16, max_epochs=epochs, random_state=0)
    model.fit(short, y[:-1])  # the baseline: the same model on the short ones
    base = peak_mb()
    if runner == "ragged-predict":
        assert model.predict(X).shape == (len(X),)
    else:
        clone(model).fit(X, y)
    data_mb = sum(x.nbytes for x in X) / 2**20
    return {
        "runner": runner,
        "n_series": n_short,
        "long_length": length,
        "baseline_mb": base,
        "peak_mb": peak_mb(),
        "added_mb": peak_mb() - base,
        "data_mb": data_mb,
        "added_per_data": (peak_mb() - base) / data_mb,
    }


def child(runner: str, n_series: int, epochs: int, length: int) -> dict:
    if runner.startswith("ragged"):
        return ragged_child(runner, n_series, epochs, length)
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
            max_steps=None,
            patch_size=1,
            n_ensembles=1,
            local_level=True,
            target_transform=None,
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
    parser.add_argument(
        "--ragged",
        action="store_true",
        help="N sequences of 12 steps plus one of --length steps (RNNRegressor)",
    )
    parser.add_argument("--output", default=None)
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
    if args.ragged:
        if args.runners == parser.get_default("runners"):
            args.runners = ["ragged-predict", "ragged-fit"]
        if args.sizes == parser.get_default("sizes"):
            args.sizes = [RAGGED_N]
        if args.length == LENGTH:
            args.length = RAGGED_LONG
    if args.quick:
        args.sizes, args.length = [20], (600 if args.ragged else 100)
    if args.output is None:
        name = "memory_ragged.json" if args.ragged else "memory.json"
        args.output = str(RESULTS / name)
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
                f"{r['baseline_mb']:7.0f} MB  added {r['added_mb']:7.1f} MB"
                + (
                    f"  ({r['added_per_data']:.0f}x the data)"
                    if "added_per_data" in r
                    else ""
                ),
                flush=True,
            )
    out = {
        "length": args.length,
        "window": WINDOW,
        "horizon": HORIZON,
        "batch": BATCH,
        "epochs": args.epochs,
        "quick": args.quick,
        "ragged": args.ragged,
        "rows": rows,
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
