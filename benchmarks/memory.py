"""Peak memory of fitting a panel: tsrnn (windows as offsets) vs materialized windows.

Each measurement runs in a fresh process: it imports torch, pandas and
scikit-learn, builds the panel, does one LSTM training step (the baseline), then
fits and reports ``peak RSS - baseline RSS``. The bare loop materializes every
window as float32 tensors first (the common approach); tsrnn keeps one
contiguous tensor and gathers windows by offset.

Run: ``python benchmarks/memory.py [--sizes 250 500 1000 2000 4000] [--epochs 1]``
(``--quick`` for a smoke test). Writes ``benchmarks/results/memory.json``.

``--sweep`` (issue 23) measures how the memory of the forecaster's whole path
grows with the number of series: ``N`` series of ``--length`` steps (default 200)
as a long frame (``id``, ``t``, ``y``), fitted with the defaults but
``horizon=24``, a budget of ``--steps`` gradient steps (default 20) and no early
stopping, then ``predict()``. Each ``N`` runs in a fresh process whose baseline
follows a warm-up fit on 8 series (imports, lazy initialisation); it
reports the peak RSS added by reading (``read_panel``), by the fit and by the
predict, each over the RSS just before it with the peak reset there (Linux
``/proc/self/clear_refs``, so memory that building the frame used and freed
hides nothing), as multiples of the raw float32 size of the panel, and the slope of a
least-squares line through the added memory (MB per MB of raw data). The
network's working memory (activations and optimizer state of batches of 512
windows, the same at every ``N``: the defaults resolve to that batch size and
one network for every ``N`` >= 1,000, checked) is measured as the peak added by
fitting the same network on 8 series; ``fit-net`` is the fit's added memory
beyond it, as a multiple of the data. Writes
``benchmarks/results/memory_sweep.json``. ``--repeats R`` runs each ``N`` ``R``
times and reports the medians (which arena of malloc a freed block returns to
depends on thread timing, so single runs of a small ``N`` vary by tens of MB).

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


def _status_mb(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak since the last reset) of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> float:
    """Reset this process' peak RSS to its RSS now (Linux: ``clear_refs`` 5), and
    return it: peaks measured after this are of what follows, not of memory that
    building the data (or an earlier stage) used and freed. Memory that malloc
    keeps after it was freed is handed back first, so a stage that reuses it is
    not measured as adding nothing."""
    import ctypes
    import gc

    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # memory freed but kept by malloc
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def sweep_child(n_series: int, length: int, steps: int) -> dict:
    """Peak memory added by reading, fitting and predicting ``n_series`` series."""
    import time

    import numpy as np
    import pandas as pd

    import tsrnn
    from tsrnn._panel import Roles, read_panel

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "id": np.repeat(np.arange(n_series), length),
            "t": np.tile(np.arange(length), n_series),
            "y": (rng.uniform(5, 50, n_series).repeat(length))
            + rng.normal(0, 1, n_series * length),
        }
    )
    params = dict(
        horizon=24,
        max_steps=steps,
        early_stopping=False,
        id_col="id",
        time_col="t",
        random_state=0,
    )
    # the network's working memory: the same network (the batch size and ensemble
    # size the defaults resolve to for every N of the sweep, checked below)
    # fitted on 8 series, measured as the fit is (after a warm-up: imports and
    # lazy initialisation); what the fit adds beyond it grows with the data
    network = dict(batch_size=512, n_ensembles=1)
    small = frame[frame["id"] < 8]
    tsrnn.LSTMForecaster(**params, **network).fit(small)  # warm-up
    raw = n_series * length * 4 / 2**20
    row = {"n_series": n_series, "length": length, "raw_mb": raw}
    base = _reset_peak()
    tsrnn.LSTMForecaster(**params, **network).fit(small)
    row["network_mb"] = _status_mb("VmHWM") - base
    row["baseline_mb"] = base = _reset_peak()
    t0 = time.perf_counter()
    read_panel(frame, None, Roles.from_params(id_col="id", time_col="t"))
    row["read_seconds"] = time.perf_counter() - t0
    row["read_added_mb"] = _status_mb("VmHWM") - base
    base = _reset_peak()
    t0 = time.perf_counter()
    model = tsrnn.LSTMForecaster(**params).fit(frame)
    row["fit_seconds"] = time.perf_counter() - t0
    row["fit_added_mb"] = _status_mb("VmHWM") - base
    resolved = dict(batch_size=model.batch_size_, n_ensembles=model.n_ensembles_)
    if resolved != network and n_series >= 1000:
        raise RuntimeError(f"the defaults resolved to {resolved}, not {network}")
    row.update(resolved)
    base = _reset_peak()  # the fitted model stays: predict's own memory
    t0 = time.perf_counter()
    forecast = model.predict()
    row["predict_seconds"] = time.perf_counter() - t0
    row["predict_added_mb"] = _status_mb("VmHWM") - base
    assert forecast.shape == (n_series * 24, 1)
    for stage in ("read", "fit", "predict"):
        row[f"{stage}_per_raw"] = row[f"{stage}_added_mb"] / raw
    row["fit_data_per_raw"] = (row["fit_added_mb"] - row["network_mb"]) / raw
    return row


def sweep(
    sizes: list[int], length: int, steps: int, output: str, repeats: int = 1
) -> dict:
    import numpy as np

    rows = []
    print(
        f"series x {length} steps; added peak RSS as multiples of the raw float32 data"
    )
    print(
        f"{'series':>9}{'raw MB':>9}{'read':>7}{'fit':>7}{'fit-net':>8}"
        f"{'predict':>9}{'fit s':>8}"
    )
    for n in sizes:
        command = [sys.executable, __file__, "--sweep-child", str(n)]
        command += ["--length", str(length), "--steps", str(steps)]
        runs = []
        for _ in range(repeats):  # malloc's arenas make one run noisy: medians
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode:
                raise RuntimeError(f"N={n} failed:\n{done.stderr[-3000:]}")
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = {
            k: float(np.median([run[k] for run in runs])) if isinstance(v, float) else v
            for k, v in runs[0].items()
        }
        r["runs"] = runs if repeats > 1 else None
        rows.append(r)
        print(
            f"{n:>9,}{r['raw_mb']:>9.1f}{r['read_per_raw']:>6.1f}x"
            f"{r['fit_per_raw']:>6.1f}x{r['fit_data_per_raw']:>7.1f}x"
            f"{r['predict_per_raw']:>8.1f}x"
            f"{r['fit_seconds']:>8.1f}",
            flush=True,
        )
    raw = np.array([r["raw_mb"] for r in rows])
    slopes = {}
    for stage in ("read", "fit", "predict"):
        added = np.array([r[f"{stage}_added_mb"] for r in rows])
        slope, intercept = np.polyfit(raw, added, 1) if len(rows) > 1 else (0, 0)
        slopes[stage] = {"slope": float(slope), "intercept_mb": float(intercept)}
    print(
        "least-squares slope (MB added per MB of raw data): "
        + ", ".join(f"{k} {v['slope']:.2f}" for k, v in slopes.items())
    )
    out = {
        "length": length,
        "steps": steps,
        "repeats": repeats,
        "rows": rows,
        "slopes": slopes,
    }
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(out, indent=2))
    return out


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
        "--sweep",
        action="store_true",
        help="memory of reading, fitting and predicting N series (issue 23)",
    )
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument(
        "--repeats", type=int, default=1, help="--sweep: runs per N (medians)"
    )
    parser.add_argument(
        "--child", nargs=2, metavar=("RUNNER", "N"), help=argparse.SUPPRESS
    )
    parser.add_argument("--sweep-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sweep_child:
        print(json.dumps(sweep_child(args.sweep_child, args.length, args.steps)))
        return {}
    if args.sweep:
        if args.sizes == parser.get_default("sizes"):
            args.sizes = [1000, 10_000, 100_000]
        if args.length == LENGTH:
            args.length = 200
        if args.quick:
            args.sizes, args.steps = [20, 40], 2
        output = args.output or str(RESULTS / "memory_sweep.json")
        return sweep(args.sizes, args.length, args.steps, output, args.repeats)
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
