"""Scale-out: one search on 1 process, 2 loky processes and 2 Dask workers; pickle sizes.

1. Wall time of the same 4-candidate ``GridSearchCV`` of ``LSTMForecaster`` (a
   panel, ``PanelSplitter`` folds, fixed ``random_state``) run as

   * ``n_jobs=1``: sequential, in this process, torch's default thread count;
   * ``n_jobs=1, 1 thread``: the same with ``torch.set_num_threads(1)``;
   * ``loky n_jobs=2``: 2 worker processes (joblib gives each ``cores // 2``
     torch threads);
   * ``dask 2 workers``: ``joblib.parallel_config(backend="dask")`` on a
     ``LocalCluster(n_workers=2, threads_per_worker=1)`` (the nanny gives each
     worker 1 torch thread).

   The local modes are interleaved with no Dask cluster alive, then the Dask mode
   runs inside its cluster; the median of ``--repeats`` runs is reported with the
   speed-up over ``n_jobs=1`` measured in the same run. Worker start-up (process
   spawn, ``import torch``) is paid once in a warm-up and not timed. The thread
   count is measured inside each kind of worker, and the scores of every mode are
   compared with the first.

2. Pickle size of a fitted ``LSTMForecaster`` (window 24, hidden 32) on panels of
   10, 100 and 1,000 series x 200 steps, split into the network weights, the
   per-series state ``predict()`` needs (the last ``window_`` steps of each series,
   its scaling and forecast index) and the rest, next to the size of the training
   data.

3. One global model trained by several processes (``torch.distributed``, gloo,
   issue 23): the same ``LSTMForecaster`` fit (a fixed budget of gradient steps,
   global batches of 256 windows) as 1 process x 1 thread, 1 process x 2
   threads and 2 processes x 1 thread (started as ``torchrun`` starts them).
   Each process reports its fit time, its training time per gradient step and
   its peak memory (RSS) added by the fit. On a 2-core machine this shows
   correctness and overhead, not a speed-up: 2 ranks x 1 thread use the same
   two cores as 1 rank x 2 threads, and add a gradient all-reduce per step.
   Weights of the 2-process fit are compared with the 1-process fit's.

Run: ``python benchmarks/scaling.py [--repeats 3] [--parts search pickle ddp]``
(``--quick`` shrinks everything for a smoke test). Writes
``benchmarks/results/scaling.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import GridSearchCV

import tsrnn
from tsrnn.model_selection import PanelSplitter

RESULTS = Path(__file__).resolve().parent / "results"

FULL = dict(
    search=dict(
        n_series=20,
        length=240,
        horizon=12,
        hidden_size=32,
        max_epochs=4,
        batch_size=64,
        grid={"window": [24, 48], "learning_rate": [1e-3, 3e-3]},
        n_splits=2,
        test_size=24,
    ),
    pickle=dict(sizes=[10, 100, 1000], length=200, window=24, hidden_size=32),
    ddp=dict(
        n_series=200, length=500, window=48, horizon=24, hidden_size=64, steps=200
    ),
)
QUICK = dict(
    search=dict(
        n_series=3,
        length=60,
        horizon=3,
        hidden_size=4,
        max_epochs=1,
        batch_size=64,
        grid={"window": [6, 12], "learning_rate": [1e-3, 3e-3]},
        n_splits=2,
        test_size=6,
    ),
    pickle=dict(sizes=[5, 20], length=60, window=6, hidden_size=4),
    ddp=dict(n_series=4, length=60, window=12, horizon=4, hidden_size=4, steps=4),
)

#: fitted attributes that grow with the number of series (predict() needs them)
PER_SERIES = (  # entries of the persisted state that grow with the number of series
    "history",
    "naive_scale",
    "center_",
    "scale_",
    "series_ids_",
)


def make_panel(n_series: int, length: int, seed: int = 0) -> pd.Series:
    """Long panel: MultiIndex ``(id, t)`` Series of daily-seasonal hourly series."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    phase = rng.uniform(0, 2 * np.pi, (n_series, 1))
    level = rng.uniform(5, 50, (n_series, 1))
    values = (
        level
        + 3 * np.sin(2 * np.pi * t / 24 + phase)
        + rng.normal(0, 0.5, (n_series, length))
    )
    index = pd.MultiIndex.from_product([np.arange(n_series), t], names=["id", "t"])
    return pd.Series(values.ravel(), index=index, name="y")


def make_search(cfg: dict, n_jobs: int | None) -> GridSearchCV:
    model = tsrnn.LSTMForecaster(
        horizon=cfg["horizon"],
        hidden_size=cfg["hidden_size"],
        max_epochs=cfg["max_epochs"],
        batch_size=cfg["batch_size"],
        n_ensembles=1,  # the case measured before n_ensembles="auto" (issue 19)
        early_stopping=False,
        random_state=0,
    )
    cv = PanelSplitter(n_splits=cfg["n_splits"], test_size=cfg["test_size"])
    return GridSearchCV(model, cfg["grid"], cv=cv, n_jobs=n_jobs)


def torch_threads() -> int:
    """torch's intra-op thread count in the process that runs this."""
    return torch.get_num_threads()


def local_modes(cfg: dict, data: pd.Series) -> dict:
    """Mode name -> (run the search and return it, threads torch uses per process)."""
    default_threads = torch.get_num_threads()

    def sequential():
        return make_search(cfg, 1).fit(data)

    def one_thread():
        torch.set_num_threads(1)
        try:
            return make_search(cfg, 1).fit(data)
        finally:
            torch.set_num_threads(default_threads)

    def loky():
        return make_search(cfg, 2).fit(data)

    probe = [joblib.delayed(torch_threads)() for _ in range(4)]
    loky_threads = joblib.Parallel(n_jobs=2, backend="loky")(probe)
    return {
        "n_jobs=1": (sequential, [default_threads]),
        "n_jobs=1, 1 thread": (one_thread, [1]),
        "loky n_jobs=2": (loky, sorted(set(loky_threads))),
    }


def dask_modes(cfg: dict, data: pd.Series) -> dict:
    """The Dask mode; call inside a Client context."""

    def dask():
        with joblib.parallel_config(backend="dask"):
            return make_search(cfg, None).fit(data)

    with joblib.parallel_config(backend="dask"):
        threads = joblib.Parallel()(joblib.delayed(torch_threads)() for _ in range(4))
    return {"dask 2 workers": (dask, sorted(set(threads)))}


def time_modes(modes: dict, repeats: int, seconds: dict, searches: dict) -> None:
    """Warm up every mode once (spawn workers, import torch there), then time
    ``repeats`` interleaved rounds, so drift hits every mode alike."""
    for run, _ in modes.values():
        run()
    for _ in range(repeats):
        for name, (run, _) in modes.items():
            t0 = time.perf_counter()
            searches[name] = run()
            seconds.setdefault(name, []).append(time.perf_counter() - t0)


def busy(seconds: float = 1.0) -> int:
    """Pure-Python work for about ``seconds`` on one core; returns the loop count."""
    end, n = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        n += 1
    return n


def machine_parallelism(seconds: float = 1.0) -> float:
    """Throughput of 2 busy processes over 1: what n_jobs=2 can gain at most here.

    2.0 on two real cores; less where the "cores" are hyper-threads of one core or
    the machine's CPU share is capped.
    """
    one = busy(seconds)
    two = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(busy)(seconds) for _ in range(2)
    )
    return sum(two) / one


def time_searches(cfg: dict, repeats: int) -> dict:
    from dask.distributed import Client, LocalCluster

    data = make_panel(cfg["n_series"], cfg["length"])
    n_candidates = int(np.prod([len(v) for v in cfg["grid"].values()]))
    seconds, searches = {}, {}
    # the local modes run with no cluster alive: measured here, a LocalCluster in
    # the same process took loky's 2-worker search from 1.7x to no speed-up at all
    modes = local_modes(cfg, data)
    time_modes(modes, repeats, seconds, searches)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        dask = dask_modes(cfg, data)
        time_modes(dask, repeats, seconds, searches)
    modes.update(dask)
    median = {name: statistics.median(s) for name, s in seconds.items()}
    first = next(iter(searches.values()))
    # one torch thread everywhere gives the same floating-point sums: same scores
    reference = searches["n_jobs=1, 1 thread"].cv_results_["mean_test_score"]
    return {
        "config": cfg,
        "candidates": n_candidates,
        "fits": n_candidates * cfg["n_splits"],
        "torch_threads_per_process": {name: t for name, (_, t) in modes.items()},
        "seconds": seconds,
        "median_seconds": median,
        "speedup_vs_n_jobs_1": {n: median["n_jobs=1"] / s for n, s in median.items()},
        "best_params": {name: s.best_params_ for name, s in searches.items()},
        "same_best_params": all(
            s.best_params_ == first.best_params_ for s in searches.values()
        ),
        "max_abs_score_diff_vs_1_thread": {
            name: float(np.max(np.abs(s.cv_results_["mean_test_score"] - reference)))
            for name, s in searches.items()
        },
    }


def pickle_sizes(cfg: dict) -> list[dict]:
    rows = []
    for n_series in cfg["sizes"]:
        data = make_panel(n_series, cfg["length"], seed=1)
        fc = tsrnn.LSTMForecaster(
            window=cfg["window"],
            horizon=12 if cfg["length"] > 100 else 3,
            hidden_size=cfg["hidden_size"],
            max_epochs=1,
            batch_size=1024,
            n_ensembles=1,  # one network: the size measured before issue 19
            early_stopping=False,
            random_state=0,
        ).fit(data)
        state = fc._persisted_state()  # what a pickle and tsrnn.save hold
        parts = {key: len(pickle.dumps(value)) for key, value in state.items()}
        weights = sum(
            v.numel() * v.element_size() for v in fc.module_.state_dict().values()
        )
        per_series = sum(parts.get(key, 0) for key in PER_SERIES)
        rows.append(
            {
                "n_series": n_series,
                "length": cfg["length"],
                "pickle_bytes": len(pickle.dumps(fc)),
                "weights_bytes": weights,
                "module_state_bytes": parts["module_"],
                "per_series_state_bytes": per_series,
                "other_bytes": sum(parts.values()) - per_series - parts["module_"],
                "training_data_bytes": len(pickle.dumps(data)),
                "largest_parts": dict(sorted(parts.items(), key=lambda kv: -kv[1])[:6]),
            }
        )
    return rows


PARTS = ("search", "pickle", "ddp")
DDP_MODES = {  # name -> (processes, torch threads per process)
    "1 rank x 1 thread": (1, 1),
    "1 rank x 2 threads": (1, 2),
    "2 ranks x 1 thread": (2, 1),
}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def ddp_child(cfg: dict, threads: int, weights: str) -> dict:
    """One process of a data-parallel fit (a process group when WORLD_SIZE is set)."""
    from torch import distributed as dist

    torch.set_num_threads(threads)
    data = make_panel(cfg["n_series"], cfg["length"])
    if "WORLD_SIZE" in os.environ:
        dist.init_process_group("gloo")
    # warm-up: the same fit on 2 series for one step (lazy imports, allocator)
    warm = data.loc[data.index.get_level_values(0) < 2]
    tsrnn.LSTMForecaster(
        window=cfg["window"], horizon=cfg["horizon"], max_steps=1, n_ensembles=1
    ).fit(warm)
    base = peak_mb()
    model = tsrnn.LSTMForecaster(
        window=cfg["window"],
        horizon=cfg["horizon"],
        hidden_size=cfg["hidden_size"],
        batch_size=256,
        max_epochs=None,
        max_steps=cfg["steps"],
        early_stopping=False,
        n_ensembles=1,
        random_state=0,
        n_threads=threads,
    )
    t0 = time.perf_counter()
    model.fit(data)
    seconds = time.perf_counter() - t0
    training = sum(h["seconds"] for h in model.history_)
    rank = dist.get_rank() if dist.is_initialized() else 0
    if rank == 0:
        torch.save(model.module_.state_dict(), weights)
    if dist.is_initialized():
        dist.barrier()  # leave together
        dist.destroy_process_group()
    return {
        "rank": rank,
        "fit_seconds": seconds,
        "ms_per_step": 1e3 * training / model.history_[-1]["steps"],
        "added_mb": peak_mb() - base,
        "data_mb": data.to_numpy(np.float32).nbytes / 2**20,
    }


def run_ddp_mode(cfg: dict, processes: int, threads: int, weights: Path) -> list:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    if processes > 1:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env.update(
            MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), WORLD_SIZE=str(processes)
        )
    command = [sys.executable, __file__, "--ddp-child", json.dumps(cfg), str(threads)]
    procs = [
        subprocess.Popen(
            [*command, str(weights)],
            env=dict(env, RANK=str(rank)) if processes > 1 else env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for rank in range(processes)
    ]
    outs = [p.communicate()[0] for p in procs]
    if any(p.returncode for p in procs):
        raise RuntimeError(f"a data-parallel fit failed: {outs}")
    return [json.loads(out.strip().splitlines()[-1]) for out in outs]


def data_parallel(cfg: dict, repeats: int, folder: Path) -> dict:
    """Each mode ``repeats`` times, interleaved; medians of the slowest rank."""
    runs: dict[str, list] = {name: [] for name in DDP_MODES}
    for _ in range(repeats):
        for name, (processes, threads) in DDP_MODES.items():
            weights = folder / f"ddp_{processes}x{threads}.pt"
            runs[name].append(run_ddp_mode(cfg, processes, threads, weights))
    reference = torch.load(folder / "ddp_1x1.pt")
    together = torch.load(folder / "ddp_2x1.pt")
    rel = max(
        float((together[k] - v).norm() / v.norm().clamp_min(1e-12))
        for k, v in reference.items()
    )

    def median(name, key):
        return statistics.median(max(r[key] for r in run) for run in runs[name])

    table = {
        name: {
            key: median(name, key)
            for key in ("fit_seconds", "ms_per_step", "added_mb", "data_mb")
        }
        for name in DDP_MODES
    }
    step = table["2 ranks x 1 thread"]["ms_per_step"]
    return {
        "config": cfg,
        "runs": runs,
        "median_of_slowest_rank": table,
        "step_ratio_2x1_vs_1x2": step / table["1 rank x 2 threads"]["ms_per_step"],
        "step_ratio_2x1_vs_1x1": step / table["1 rank x 1 thread"]["ms_per_step"],
        "max_relative_weight_diff_2_ranks_vs_1": rel,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--output", default=str(RESULTS / "scaling.json"))
    parser.add_argument(
        "--parts", nargs="+", default=["search", "pickle", "ddp"], choices=PARTS
    )
    parser.add_argument("--ddp-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ddp_child:
        cfg, threads, weights = args.ddp_child
        print(json.dumps(ddp_child(json.loads(cfg), int(threads), weights)))
        return {}
    cfg = QUICK if args.quick else FULL
    import dask
    import distributed

    out = {
        "machine": platform.platform(),
        "processor": platform.processor(),
        "cores": os.cpu_count(),
        "joblib_cpu_count": joblib.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "tsrnn": tsrnn.__version__,
        "joblib": joblib.__version__,
        "dask": dask.__version__,
        "distributed": distributed.__version__,
        "repeats": args.repeats,
        "quick": args.quick,
        "parallelism_2_processes": machine_parallelism(0.5 if args.quick else 2.0),
    }
    if "search" in args.parts:
        out["search"] = time_searches(cfg["search"], args.repeats)
        print_search(out, args.repeats)
    if "pickle" in args.parts:
        out["pickle"] = pickle_sizes(cfg["pickle"])
        print_pickle(out, cfg)
    if "ddp" in args.parts:
        with tempfile.TemporaryDirectory() as folder:  # each mode's weights
            out["ddp"] = data_parallel(cfg["ddp"], args.repeats, Path(folder))
        print_ddp(out["ddp"], args.repeats)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(out, indent=2, default=str))
    return out


def print_search(out: dict, repeats: int) -> None:
    s = out["search"]
    print(
        f"torch {out['torch']}, {out['cores']} cores; GridSearchCV of LSTMForecaster: "
        f"{s['candidates']} candidates x {s['config']['n_splits']} folds = "
        f"{s['fits']} fits, median of {repeats} interleaved runs"
    )
    print(f"{'mode':<22}{'threads/proc':>13}{'median s':>10}{'speed-up':>10}")
    for name, sec in s["median_seconds"].items():
        threads = ",".join(map(str, s["torch_threads_per_process"][name]))
        print(
            f"{name:<22}{threads:>13}{sec:>10.2f}{s['speedup_vs_n_jobs_1'][name]:>10.2f}"
        )
    diffs = s["max_abs_score_diff_vs_1_thread"]
    print(
        f"same best params in every mode: {s['same_best_params']}; max |mean score "
        f"diff| vs n_jobs=1, 1 thread: loky {diffs['loky n_jobs=2']:.3g}, dask "
        f"{diffs['dask 2 workers']:.3g}, 2 threads {diffs['n_jobs=1']:.3g}"
    )
    print(
        f"this machine runs 2 busy processes at {out['parallelism_2_processes']:.2f}x "
        "the throughput of one: the ceiling for any 2-worker speed-up"
    )


def print_pickle(out: dict, cfg: dict) -> None:
    p = out["pickle"][0]
    print(
        f"\npickle of a fitted LSTMForecaster (window {cfg['pickle']['window']}, "
        f"hidden {cfg['pickle']['hidden_size']}), series of {p['length']} steps"
    )
    print(
        f"{'series':>7}{'pickle kB':>11}{'weights kB':>12}{'per-series kB':>15}"
        f"{'other kB':>10}{'train data kB':>15}"
    )
    for p in out["pickle"]:
        print(
            f"{p['n_series']:>7}{p['pickle_bytes'] / 1e3:>11.1f}"
            f"{p['module_state_bytes'] / 1e3:>12.1f}"
            f"{p['per_series_state_bytes'] / 1e3:>15.1f}{p['other_bytes'] / 1e3:>10.1f}"
            f"{p['training_data_bytes'] / 1e3:>15.1f}"
        )


def print_ddp(d: dict, repeats: int) -> None:
    c = d["config"]
    print(
        f"\none LSTMForecaster (hidden {c['hidden_size']}, window {c['window']}) on "
        f"{c['n_series']} series x {c['length']} steps, {c['steps']} gradient steps "
        f"of 256 windows; median of {repeats} runs, slowest rank"
    )
    print(f"{'mode':<22}{'fit s':>8}{'ms/step':>9}{'added MB/rank':>15}")
    for name, row in d["median_of_slowest_rank"].items():
        print(
            f"{name:<22}{row['fit_seconds']:>8.2f}{row['ms_per_step']:>9.2f}"
            f"{row['added_mb']:>15.1f}"
        )
    print(
        f"per step, 2 ranks x 1 thread / 1 rank x 2 threads: "
        f"{d['step_ratio_2x1_vs_1x2']:.2f} (/ 1 rank x 1 thread: "
        f"{d['step_ratio_2x1_vs_1x1']:.2f}); 2-rank weights vs 1 rank: max "
        f"relative difference {d['max_relative_weight_diff_2_ranks_vs_1']:.2g}. On 2 "
        "cores this is overhead, not speed-up: both modes use the same 2 cores."
    )


if __name__ == "__main__":
    main()
