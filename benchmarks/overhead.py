"""Training-loop overhead: tsrnn vs a bare PyTorch loop on the same tensors.

The same 1-layer LSTM (hidden 64) + linear head, the same prebuilt float32
windows, the same Adam settings, batch size and epochs. Runs are interleaved
(bare, RNNRegressor, LSTMForecaster, bare, ...) and the median of ``--repeats``
runs is reported with the ratio to the bare loop measured in the same process.

Cases (issue 6):
* small: one AirPassengers-like series of 500 steps, window 24, horizon 12,
  batch 32;
* panel: 1,000 series x 500 steps, window 48, horizon 24, batch 256, 2 epochs;
* per_step (issue 21): 2,000 sequences x 50 steps with a target at every step (the
  running sum), batch 64, 5 epochs: ``RNNSequenceRegressor`` against a bare loop
  whose head reads every step and whose loss is the mean over all steps.

Optional peers: when ``skorch`` is importable, its ``NeuralNetRegressor`` wrapping
the same module (same Adam, batch size, epochs, no internal validation split) runs
on the same windows too. It is never a dependency of tsrnn or its tests.

Run: ``python benchmarks/overhead.py [--case small|panel|per_step|all] [--repeats 3]``
(``--quick`` shrinks everything for a smoke test). Writes
``benchmarks/results/overhead.json``.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

import tsrnn

RESULTS = Path(__file__).resolve().parent / "results"


def make_panel(n_series: int, length: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    phase = rng.uniform(0, 2 * np.pi, (n_series, 1))
    level = rng.uniform(5, 50, (n_series, 1))
    values = (
        level
        + 3 * np.sin(2 * np.pi * t / 24 + phase)
        + rng.normal(0, 0.5, (n_series, length))
    )
    return values.astype(np.float32)


def windows(
    values: np.ndarray, window: int, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """Materialized windows (the bare loop's input): X (n, window, 1), Y (n, horizon)."""
    view = np.lib.stride_tricks.sliding_window_view(values, window + horizon, axis=1)
    view = view.reshape(-1, window + horizon)
    return np.ascontiguousarray(view[:, :window, None]), np.ascontiguousarray(
        view[:, window:]
    )


class Bare(nn.Module):
    def __init__(self, horizon: int, hidden: int = 64) -> None:
        super().__init__()
        self.rnn = nn.LSTM(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, horizon)

    def forward(self, x):
        _, (h, _) = self.rnn(x)
        return self.head(h[-1])


def bare_loop(
    X: np.ndarray,
    Y: np.ndarray,
    *,
    epochs: int,
    batch: int,
    seed: int = 0,
    per_step: bool = False,
) -> float:
    """The bare loop: permute, index the prebuilt tensors, forward, MSE, step.
    ``per_step``: the head reads every step and the MSE is over all steps."""
    torch.manual_seed(seed)
    Xt = torch.from_numpy(X)
    Yt = torch.from_numpy(Y)[..., None] if per_step else torch.from_numpy(Y)
    model = BarePerStep() if per_step else Bare(Y.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(len(Xt), generator=gen)
        for start in range(0, len(Xt), batch):
            idx = order[start : start + batch]
            opt.zero_grad(set_to_none=True)
            loss = nn.functional.mse_loss(model(Xt[idx]), Yt[idx])
            loss.backward()
            opt.step()
    return time.perf_counter() - t0


class BarePerStep(nn.Module):
    def __init__(self, hidden: int = 64) -> None:
        super().__init__()
        self.rnn = nn.LSTM(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.head(self.rnn(x)[0])  # an output at every step


def tsrnn_regressor(
    X: np.ndarray, Y: np.ndarray, *, epochs: int, batch: int, per_step: bool = False
) -> float:
    """``RNNRegressor`` (or, ``per_step``, ``RNNSequenceRegressor``) with the bare
    loop's settings: hidden 64, Adam 1e-3, its batch size, epochs and threads."""
    cls = tsrnn.RNNSequenceRegressor if per_step else tsrnn.RNNRegressor
    reg = cls(
        "lstm",
        hidden_size=64,
        batch_size=batch,
        max_epochs=epochs,
        max_steps=None,  # the bare loop's epochs, whatever the data size
        n_threads=torch.get_num_threads(),  # the bare loop's threads
        learning_rate=1e-3,
        random_state=0,
    )
    t0 = time.perf_counter()
    reg.fit(X, Y)
    return time.perf_counter() - t0


bare_per_step = functools.partial(bare_loop, per_step=True)
tsrnn_per_step = functools.partial(tsrnn_regressor, per_step=True)


def tsrnn_forecaster(
    values: np.ndarray, *, window: int, horizon: int, epochs: int, batch: int
) -> float:
    n, length = values.shape
    frame = pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), length),
            "t": np.tile(np.arange(length), n),
            "y": values.ravel(),
        }
    )
    fc = tsrnn.LSTMForecaster(
        window=window,
        horizon=horizon,
        hidden_size=64,
        batch_size=batch,
        max_epochs=epochs,
        max_steps=None,  # the epochs of the bare loop, whatever the data size
        patch_size=1,
        n_ensembles=1,
        target_transform=None,
        n_threads=torch.get_num_threads(),  # the bare loop's threads
        learning_rate=1e-3,
        scaler=None,
        local_level=False,
        loss="mse",
        gradient_clip=None,
        early_stopping=False,
        verbose=0,
        random_state=0,
        id_col="id" if n > 1 else None,
        time_col="t" if n > 1 else None,
    )
    data = frame.drop(columns=["id", "t"]).set_index(frame["t"]) if n == 1 else frame
    t0 = time.perf_counter()
    fc.fit(data)
    return time.perf_counter() - t0


def skorch_net(horizon: int, *, epochs: int, batch: int):
    """skorch's NeuralNetRegressor on the same module and optimizer (unfitted)."""
    from skorch import NeuralNetRegressor

    return NeuralNetRegressor(
        Bare,
        module__horizon=horizon,
        criterion=nn.MSELoss,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=batch,
        max_epochs=epochs,
        train_split=None,
        iterator_train__shuffle=True,
        verbose=0,
    )


def skorch_regressor(X: np.ndarray, Y: np.ndarray, *, epochs: int, batch: int) -> float:
    torch.manual_seed(0)
    net = skorch_net(Y.shape[1], epochs=epochs, batch=batch)
    t0 = time.perf_counter()
    net.fit(X, Y)
    return time.perf_counter() - t0


#: Optional peers measured when importable: name -> (module, runner on X, Y).
PEERS = {"skorch": ("skorch", skorch_regressor)}


CASES = {
    "small": dict(n_series=1, length=500, window=24, horizon=12, batch=32, epochs=20),
    "panel": dict(
        n_series=1000, length=500, window=48, horizon=24, batch=256, epochs=2
    ),
    "per_step": dict(n_sequences=2000, steps=50, batch=64, epochs=5),
}
QUICK = {
    "small": dict(n_series=1, length=120, window=12, horizon=6, batch=32, epochs=2),
    "panel": dict(n_series=20, length=100, window=12, horizon=6, batch=64, epochs=1),
    "per_step": dict(n_sequences=64, steps=10, batch=32, epochs=1),
}


def run_per_step(name: str, cfg: dict, repeats: int) -> dict:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(cfg["n_sequences"], cfg["steps"], 1)).astype(np.float32)
    Y = np.cumsum(X[..., 0], axis=1).astype(np.float32)  # a target per step
    kw = dict(epochs=cfg["epochs"], batch=cfg["batch"])
    runners = {
        "bare torch": lambda: bare_per_step(X, Y, **kw),
        "RNNSequenceRegressor": lambda: tsrnn_per_step(X, Y, **kw),
    }
    for warm in (bare_per_step, tsrnn_per_step):  # first-call costs are no overhead
        warm(X[:64], Y[:64], epochs=1, batch=cfg["batch"])
    return timed(name, cfg, len(X), runners, repeats)


def timed(name: str, cfg: dict, n_windows: int, runners: dict, repeats: int) -> dict:
    """Interleaved runs (drift hits every runner alike), medians and ratios."""
    times = {k: [] for k in runners}
    for _ in range(repeats):
        for key, run in runners.items():
            times[key].append(run())
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "case": name,
        "config": cfg,
        "n_windows": n_windows,
        "seconds": times,
        "median_seconds": med,
        "ratio_vs_bare": {k: med[k] / med["bare torch"] for k in med},
    }


def run_case(name: str, cfg: dict, repeats: int) -> dict:
    if "n_sequences" in cfg:
        return run_per_step(name, cfg, repeats)
    values = make_panel(cfg["n_series"], cfg["length"])
    X, Y = windows(values, cfg["window"], cfg["horizon"])
    kw = dict(epochs=cfg["epochs"], batch=cfg["batch"])
    runners = {
        "bare torch": lambda: bare_loop(X, Y, **kw),
        "RNNRegressor": lambda: tsrnn_regressor(X, Y, **kw),
        "LSTMForecaster": lambda: tsrnn_forecaster(
            values, window=cfg["window"], horizon=cfg["horizon"], **kw
        ),
    }
    warm_up = [bare_loop, tsrnn_regressor]
    for peer, (module, runner) in PEERS.items():
        if importlib.util.find_spec(module) is not None:
            runners[peer] = functools.partial(runner, X, Y, **kw)
            warm_up.append(runner)
    small_x, small_y = X[:64], Y[:64]  # warm-up: first-call costs are not overhead
    for warm in warm_up:
        warm(small_x, small_y, epochs=1, batch=cfg["batch"])
    return timed(name, cfg, len(X), runners, repeats)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--case", choices=["small", "panel", "per_step", "all"], default="all"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--output", default=str(RESULTS / "overhead.json"))
    args = parser.parse_args(argv)
    cases = CASES if not args.quick else QUICK
    names = list(cases) if args.case == "all" else [args.case]
    out = {
        "machine": platform.platform(),
        "processor": platform.processor(),
        "torch": torch.__version__,
        "tsrnn": tsrnn.__version__,
        "threads": torch.get_num_threads(),
        "repeats": args.repeats,
        "quick": args.quick,
        "results": [run_case(n, cases[n], args.repeats) for n in names],
    }
    print(
        f"torch {out['torch']}, {out['threads']} threads, median of {args.repeats} interleaved runs"
    )
    print(f"{'case':<7}{'runner':<16}{'median s':>10}{'ratio':>8}")
    for res in out["results"]:
        for key, sec in res["median_seconds"].items():
            print(
                f"{res['case']:<7}{key:<16}{sec:>10.3f}{res['ratio_vs_bare'][key]:>8.3f}"
            )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
