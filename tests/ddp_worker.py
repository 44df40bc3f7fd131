"""One rank of the 2-process data-parallel fit of ``test_distributed.py``.

Run as ``python ddp_worker.py OUT_DIR MODE PARAMS_JSON`` with ``RANK``,
``WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT`` set (as ``torchrun`` sets
them). ``MODE`` is ``same`` (every rank passes the whole panel), ``own`` (each
rank passes its block of series), ``uneven``, ``shuffled`` or ``parquet`` (see
``main``). Writes ``rank{RANK}.pt``: the weights, the
fitted per-series state, the history, the forecast, and which series this rank
read and encoded.
"""

import json
import os
import sys

import numpy as np
import pandas as pd
import torch
from torch import distributed as dist

import tsrnn
import tsrnn._forecast_windows as windows
import tsrnn._forecasting as forecasting
import tsrnn._training as training


def panel(covariates: bool = False, n_series: int = 6, length: int = 60):
    """A small panel: seasonal series of different levels and lengths; with
    ``covariates``, a past covariate ``x``, a static one ``size`` and a few
    missing targets."""
    rng = np.random.default_rng(0)
    rows = []
    for i in range(n_series):
        n = length - 3 * i
        t = np.arange(n)
        y = 10 + i + np.sin(2 * np.pi * t / 6) * (1 + i / 3) + rng.normal(0, 0.2, n)
        part = pd.DataFrame({"id": f"s{i}", "t": t, "y": y})
        if covariates:
            if i < 3:  # missing targets on the first rank's series only
                part["y"] = part["y"].where(t % 17 != 5 + i)
            part["x"] = rng.normal(i, 1 + i, n)
            part["size"] = float(i % 3)
        rows.append(part)
    return pd.concat(rows, ignore_index=True)


def uneven() -> list[pd.DataFrame]:
    """Rank 0's and rank 1's series for the ``uneven`` mode."""
    data = panel()
    short = data[data["t"] < 8].assign(id=lambda d: "short-" + d["id"])
    return [data[data["id"] < "s3"], short[short["id"] >= "short-s3"]]


def main(out: str, mode: str, params: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    rank, size = dist.get_rank(), dist.get_world_size()
    params = json.loads(params)
    data = panel("past_covariates" in params)
    if mode == "own":  # this rank's contiguous block of series
        ids = data["id"].unique()
        mine = np.array_split(ids, size)[rank]
        data = data[data["id"].isin(mine)]
    elif mode == "uneven":  # rank 0: 3 long series; rank 1: 3 of 8 steps, no
        data = uneven()[rank]  # validation windows of its own
    elif mode == "parquet":  # the same Parquet folder: each rank reads its rows
        data = os.path.join(out, "panel")
    elif mode == "shuffled":  # the same panel, its series in another order on rank 1
        parts = [part for _, part in data.groupby("id")]
        data = pd.concat([parts[i] for i in (4, 0, 5, 2, 1, 3)]) if rank else data
    read, encoded = [], []
    read_panel, encode = forecasting.read_panel, windows.encode

    def spy_read(X, *args, **kwargs):
        read.append(sorted(X["id"].unique()))
        return read_panel(X, *args, **kwargs)

    def spy_encode(p, *args, **kwargs):
        encoded.append(list(p.ids))
        return encode(p, *args, **kwargs)

    batches = []
    epoch_batches = training._epoch_batches

    def spy_batches(*args):
        for idx in epoch_batches(*args):
            batches.append(idx.tolist())
            yield idx

    forecasting.read_panel, windows.encode = spy_read, spy_encode
    training._epoch_batches = spy_batches
    model = tsrnn.LSTMForecaster(id_col="id", time_col="t", **params)
    model.fit(data)
    forecasting.read_panel, windows.encode = read_panel, encode
    torch.save(
        {
            "weights": model.module_.state_dict(),
            "center": model.center_,
            "scale": model.scale_,
            "ids": model.series_ids_,
            "history": model.history_,
            "forecast": model.predict(),
            "read": read,
            "encoded": encoded,
            "batches": batches,
            "window": model.window_,
            "transform": model.target_transform_,
            "level": model.local_level_,
        },
        os.path.join(out, f"rank{rank}.pt"),
    )
    dist.barrier()  # leave together (a rank leaving early can abort gloo's threads)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(*sys.argv[1:])
