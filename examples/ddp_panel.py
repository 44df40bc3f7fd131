"""One global LSTM trained by 2 processes at once: data parallelism on torch.distributed.

A forecaster's ``fit`` that runs inside an initialised ``torch.distributed``
process group trains one model with all of its processes: each process reads
its block of the panel's series, the network is wrapped in
``DistributedDataParallel`` (gloo on CPU, NCCL on GPU), the validation loss and
every data-dependent choice are the whole panel's, and every process ends with
the same fitted forecaster, equal (to float tolerance) to one process training
on the whole panel with the same batches. The same ``fit`` call, no training
loop: only the process group is set up around it.

Data: the bundled US weather panel (10 cities, daily mean temperature); the
last week of each city is held out and forecast.

Run it one of three ways:

* ``torchrun --nproc-per-node 2 examples/ddp_panel.py``: 2 processes on this
  machine. On several machines, run on each
  ``torchrun --nnodes 2 --node-rank K --master-addr HOST --master-port 29500
  --nproc-per-node 2 examples/ddp_panel.py`` (``K`` = 0, 1; ``HOST`` the address
  of node 0). Rank 0 prints the forecast's error and saves the model.
* ``python examples/ddp_panel.py``: on a Dask cluster, a ``LocalCluster`` of 2
  worker processes by default, or ``--scheduler tcp://host:8786``: every worker
  joins one process group (``client.run``) and fits its shard.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
from urllib.parse import urlparse

import pandas as pd

import tsrnn

HORIZON = 7


def data() -> tuple[pd.Series, pd.Series]:
    """The training history and the held-out last week of each city."""
    temps = tsrnn.datasets.load_us_weather()["actual_mean_temp"]  # (city, date)
    days = temps.index.get_level_values("date")
    last = days.max() - pd.Timedelta(days=HORIZON)
    return temps[days <= last], temps[days > last]


def fit() -> tsrnn.LSTMForecaster:
    """The code every process runs: the same as in one process."""
    history, _ = data()
    model = tsrnn.LSTMForecaster(
        horizon=HORIZON, window=28, max_steps=150, random_state=0, n_threads=1
    )
    return model.fit(history)


def error(forecast: pd.DataFrame) -> float:
    """Mean absolute error (°F) of a forecast of the held-out week."""
    _, actual = data()
    forecast = forecast["actual_mean_temp"]
    return float((forecast - actual.reindex(forecast.index)).abs().mean())


def torchrun_main() -> None:
    """A process started by torchrun (which sets RANK, WORLD_SIZE, MASTER_*)."""
    from torch import distributed as dist

    dist.init_process_group("gloo")  # "nccl" with one GPU per process
    model = fit()
    if dist.get_rank() == 0:  # every rank holds the same model: one saves it
        mae = error(model.predict())
        print(f"{dist.get_world_size()} processes, one model: MAE {mae:.2f} °F")
        tsrnn.save(model, "ddp_panel_model")
    dist.barrier()  # every rank leaves together, after rank 0 has saved
    dist.destroy_process_group()


def dask_rank(address: str, port: int, ranks: dict, dask_worker=None) -> pd.DataFrame:
    """Run on each Dask worker: join the process group, fit, leave; the forecast."""
    from torch import distributed as dist

    dist.init_process_group(
        "gloo",
        init_method=f"tcp://{address}:{port}",
        rank=ranks[dask_worker.address],
        world_size=len(ranks),
    )
    try:
        return fit().predict()
    finally:
        dist.barrier()  # every worker leaves the group together
        dist.destroy_process_group()


def dask_main(scheduler: str | None, port: int | None) -> list[pd.DataFrame]:
    from dask.distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(
                LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
            )
            scheduler = cluster.scheduler_address
        client = stack.enter_context(Client(scheduler))
        workers = sorted(client.scheduler_info()["workers"])
        ranks = {w: r for r, w in enumerate(workers)}
        address = urlparse(workers[0]).hostname  # rank 0's host runs the rendezvous
        if port is None:
            with socket.socket() as s:  # a free port (on a real cluster: pass --port)
                s.bind(("", 0))
                port = s.getsockname()[1]
        results = client.run(dask_rank, address, port, ranks)
    forecasts = [results[w] for w in workers]
    print(f"{len(forecasts)} Dask workers, one model; forecast of the last week:")
    print(forecasts[0].unstack("city").round(1).to_string())
    print(f"MAE {error(forecasts[0]):.2f} °F")
    return forecasts


def main(argv: list[str] | None = None) -> list[pd.DataFrame] | None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheduler", help="address of a Dask scheduler")
    parser.add_argument("--port", type=int, help="rendezvous port on rank 0's host")
    args = parser.parse_args(argv)
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:  # started by torchrun
        torchrun_main()
        return None
    return dask_main(args.scheduler, args.port)


if __name__ == "__main__":
    main()
