"""Data-parallel training on torch.distributed: 2 processes (gloo) on this machine.

Each case launches ``ddp_worker.py`` twice as ``torchrun`` would (``RANK``,
``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``) and compares what the ranks
fitted with each other and with one process fitting the same panel.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import ddp_worker
import numpy as np
import pandas as pd
import pytest
import torch
from torch import distributed as dist

import tsrnn
from tsrnn._distributed import current_group

WORKER = Path(__file__).parent / "ddp_worker.py"

pytestmark = pytest.mark.skipif(
    not (dist.is_available() and dist.is_gloo_available()),
    reason="torch.distributed with gloo is not available",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(argv: list, size: int, **kwargs) -> list[str]:
    """``argv`` as ``size`` processes of one group (as torchrun starts them); their
    output, once every one has ended well."""
    env = dict(
        os.environ,
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(_free_port()),
        WORLD_SIZE=str(size),
        OMP_NUM_THREADS="1",
    )
    try:
        procs = [
            subprocess.Popen(
                [sys.executable, *map(str, argv)],
                env=dict(env, RANK=str(rank)),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                **kwargs,
            )
            for rank in range(size)
        ]
    except OSError as exc:  # no process spawning here
        pytest.skip(f"cannot start worker processes: {exc}")
    logs = [p.communicate(timeout=240)[0] for p in procs]
    for rank, (p, log) in enumerate(zip(procs, logs)):
        assert p.returncode == 0, f"rank {rank} failed:\n{log}"
    return logs


def _run_ranks(tmp_path, mode: str, params: dict, size: int = 2) -> list[dict]:
    _start([WORKER, tmp_path, mode, json.dumps(params)], size)
    return [
        torch.load(tmp_path / f"rank{rank}.pt", weights_only=False)
        for rank in range(size)
    ]


def _relative(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).norm() / b.norm().clamp_min(1e-12))


def _check(ranks: list[dict], single, data: pd.DataFrame, blocks=None) -> None:
    # the same global batches on every rank
    assert ranks[0]["batches"] == ranks[1]["batches"]
    # (a) both ranks end with the same estimator: weights, state, forecast
    for key, value in ranks[0]["weights"].items():
        assert torch.equal(value, ranks[1]["weights"][key]), key
    for key in ("center", "scale"):
        np.testing.assert_array_equal(ranks[0][key], ranks[1][key])
    pd.testing.assert_frame_equal(ranks[0]["forecast"], ranks[1]["forecast"])
    # (b) ... equal to one process training with the same global batches
    assert ranks[0]["ids"] == single.series_ids_
    np.testing.assert_allclose(ranks[0]["center"], single.center_)
    np.testing.assert_allclose(ranks[0]["scale"], single.scale_)
    for key, value in single.module_.state_dict().items():
        assert _relative(ranks[0]["weights"][key], value) < 1e-5, key
    assert [h["steps"] for h in ranks[0]["history"]] == [
        h["steps"] for h in single.history_
    ]
    for mine, theirs in zip(ranks[0]["history"], single.history_):
        assert mine["train_loss"] == pytest.approx(theirs["train_loss"], rel=1e-5)
        if theirs["valid_loss"] is not None:
            assert mine["valid_loss"] == pytest.approx(theirs["valid_loss"], rel=1e-5)
    np.testing.assert_allclose(
        ranks[0]["forecast"].to_numpy(), single.predict().to_numpy(), rtol=1e-4
    )
    assert (ranks[0]["window"], ranks[0]["transform"], ranks[0]["level"]) == (
        single.window_,
        single.target_transform_,
        single.local_level_,
    )
    # (c) each rank read and encoded its block of series only
    ids = list(data["id"].unique())
    blocks = blocks or [ids[:3], ids[3:]]
    for rank, result in enumerate(ranks):
        assert result["read"] == [blocks[rank]]
        assert result["encoded"] == [blocks[rank]]


def test_two_ranks_train_as_one_process_with_the_same_global_batches(tmp_path):
    """Mini-batches of 8 over both shards, covariates (past and static), missing
    targets, early stopping on the validation loss reduced across ranks."""
    params = dict(
        horizon=4,
        window=12,
        hidden_size=8,
        batch_size=8,
        max_epochs=3,
        early_stopping=True,
        patience=1,
        past_covariates=["x"],
        static_covariates=["size"],
        n_ensembles=1,
        random_state=0,
        n_threads=1,
    )
    ranks = _run_ranks(tmp_path, "same", params)
    data = ddp_worker.panel(covariates=True)
    single = tsrnn.LSTMForecaster(id_col="id", time_col="t", **params).fit(data)
    assert single.mask_channel_  # the missing targets are on rank 0 only
    _check(ranks, single, data)


def test_ranks_passed_their_own_series_make_the_choices_on_the_whole_panel(tmp_path):
    """Each rank passes its block of series; the default window, target
    transform, baseline, batch size and ensemble of three are the whole panel's."""
    params = dict(horizon=4, max_steps=12, random_state=0, n_threads=1)
    ranks = _run_ranks(tmp_path, "own", params)
    data = ddp_worker.panel()
    single = tsrnn.LSTMForecaster(id_col="id", time_col="t", **params).fit(data)
    assert single.n_ensembles_ == 3
    _check(ranks, single, data)


def test_a_rank_without_validation_windows_takes_part_in_early_stopping(tmp_path):
    """Rank 1's series are too short to hold out a validation tail; rank 0's are
    not: the validation loss is rank 0's windows', as in one process."""
    params = dict(
        horizon=4, window=6, hidden_size=8, batch_size=8, max_epochs=3, random_state=0
    )
    ranks = _run_ranks(tmp_path, "uneven", params)
    parts = ddp_worker.uneven()
    data = pd.concat(parts, ignore_index=True)
    single = tsrnn.LSTMForecaster(id_col="id", time_col="t", **params).fit(data)
    assert all(h["valid_loss"] is not None for h in single.history_)
    blocks = [sorted(part["id"].unique()) for part in parts]
    _check(ranks, single, data, blocks)


def test_the_same_panel_in_another_row_order_and_a_seed_drawn_per_process(tmp_path):
    """Rank 1 passes the panel's series in another order: the same panel, split
    in rank 0's order of series. random_state=None draws one seed per process; the
    ranks train with rank 0's (the same batches)."""
    params = dict(horizon=4, window=12, hidden_size=8, max_steps=10)
    ranks = _run_ranks(tmp_path, "shuffled", params)
    assert ranks[0]["batches"] == ranks[1]["batches"]
    for key, value in ranks[0]["weights"].items():
        assert torch.equal(value, ranks[1]["weights"][key]), key
    assert ranks[0]["ids"] == [f"s{i}" for i in range(6)]
    assert [r["encoded"] for r in ranks] == [[["s0", "s1", "s2"]], [["s3", "s4", "s5"]]]


def test_a_parquet_folder_is_read_a_block_of_series_per_rank(tmp_path):
    """Every rank passes the path of the same Parquet folder: each reads the rows
    of its block of series only (a filter on the ids), and the model is the one
    process' fit of the panel."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    data = ddp_worker.panel()
    (tmp_path / "panel").mkdir()
    for i, (_, part) in enumerate(data.groupby("id", sort=False)):
        table = pa.Table.from_pandas(part, preserve_index=False)
        pq.write_table(table, tmp_path / "panel" / f"part{i}.parquet")
    params = dict(horizon=4, window=12, hidden_size=8, max_steps=10, random_state=0)
    ranks = _run_ranks(tmp_path, "parquet", params)
    single = tsrnn.LSTMForecaster(id_col="id", time_col="t", **params).fit(data)
    _check(ranks, single, data)


def test_the_same_series_with_other_values_on_two_ranks_is_refused():
    from tsrnn._distributed import shard_panel

    frame = ddp_worker.panel(n_series=4)
    panels = [_read(frame), _read(frame.assign(y=frame["y"] + 100))]
    with pytest.raises(
        ValueError,
        match="held by ranks 0 and 1 of the process group with different values",
    ):
        shard_panel(panels[0], _Ranks(0, panels))


def test_no_group_is_a_single_process_fit():
    assert current_group() is None


class _Ranks:
    """A stand-in for a process group whose other ranks passed ``others``."""

    def __init__(self, rank: int, panels: list):
        self.rank, self.size, self.panels = rank, len(panels), panels

    def gather(self, obj):
        mine = self.panels[self.rank]
        # what each rank sends, computed as this rank computed its own
        return [obj if p is mine else self._sent(p, obj) for p in self.panels]

    @staticmethod
    def _sent(panel, like):
        from tsrnn._distributed import _series_digests

        if isinstance(like, tuple):
            return (list(panel.target_names), panel.axis.kind, panel.axis.freqstr)
        return list(_series_digests(panel).items())


def _read(frame):
    from tsrnn._panel import Roles, read_panel

    return read_panel(frame, None, Roles.from_params(id_col="id", time_col="t"))


def test_a_shard_is_a_block_of_series_or_the_series_a_rank_passed():
    from tsrnn._distributed import shard_panel

    whole = _read(ddp_worker.panel(n_series=5))
    assert [shard_panel(whole, _Ranks(r, [whole] * 2)).ids for r in (0, 1)] == [
        ["s0", "s1", "s2"],
        ["s3", "s4"],
    ]
    own = [whole.select([0, 1]), whole.select([2, 3, 4])]
    assert shard_panel(own[1], _Ranks(1, own)).ids == ["s2", "s3", "s4"]


@pytest.mark.parametrize(
    "parts, message",
    [
        ([[0, 1, 2], [2, 3]], "Series 's2' is held by ranks 0 and 1"),
        ([[0]] * 3, "panel has 1 series"),
    ],
)
def test_shards_that_cannot_train_one_model_are_refused(parts, message):
    from tsrnn._distributed import shard_panel

    whole = _read(ddp_worker.panel(n_series=5))
    panels = [whole.select(rows) for rows in parts]
    with pytest.raises(ValueError, match=message):
        shard_panel(panels[0], _Ranks(0, panels))


def test_ranks_reading_different_frequencies_are_told_to_pass_freq():
    from tsrnn._distributed import shard_panel

    frame = ddp_worker.panel(n_series=4)
    daily = frame.assign(t=pd.Timestamp("2024-01-01") + pd.to_timedelta(frame.t, "D"))
    weekly = frame.assign(
        t=pd.Timestamp("2024-01-01") + pd.to_timedelta(7 * frame.t, "D")
    )
    panels = [_read(daily[daily.id < "s2"]), _read(weekly[weekly.id >= "s2"])]
    with pytest.raises(ValueError, match="read different data.*freq="):
        shard_panel(panels[1], _Ranks(1, panels))


def test_one_series_cannot_be_sharded():
    from tsrnn._distributed import shard_panel
    from tsrnn._panel import Roles, read_panel

    series = read_panel(pd.Series(np.arange(30.0)), None, Roles.from_params())
    with pytest.raises(ValueError, match="X is one series"):
        shard_panel(series, _Ranks(0, [series, series]))


def test_readme_torchrun_script_trains_one_model_on_two_processes(tmp_path):
    from test_docs import ROOT, TORCHRUN_SCRIPT, _python_blocks

    readme = (ROOT / "README.md").read_text()
    script = next(b for b in _python_blocks(readme) if b.startswith(TORCHRUN_SCRIPT))
    (tmp_path / "train.py").write_text(script)
    _start(["train.py"], 2, cwd=tmp_path)
    model = tsrnn.load(tmp_path / "model")  # saved by rank 0
    assert len(model.series_ids_) == 10
    assert model.predict().shape == (70, 1)
