"""Predict latency: one-series ``predict()`` and a 1,000-series panel in one call.

The reference is the fitted network's own forward pass on the same context
window (``module_(x)`` under ``torch.inference_mode``), measured in the same
process; the overhead is everything ``predict`` adds (validation, scaling,
gathering, inverse scaling, the pandas output with future timestamps). The
single series is timed on both paths: ``predict()`` from the training tail and
``predict(new_history)``, a user passing the series again (its 300 steps: the
frame is read, checked and scaled on every call). A hand-written predict of
exactly this one case (one series, standard scaling, last-value level, nothing
else; checked equal to tsrnn's frame) is timed too: the least any ``predict(y)``
with checks, timestamps and a frame can add. Because the forward pass of
one window varies between processes by up to 2x on a shared machine, tsrnn's own
Python cost is also timed with the network swapped for a stub that returns zeros
at once (``python_ms``): what ``predict`` costs beyond any network.

Run: ``python benchmarks/latency.py [--calls 200]`` (``--quick`` for a smoke
test). Writes ``benchmarks/results/latency.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

import tsrnn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from overhead import make_panel

RESULTS = Path(__file__).resolve().parent / "results"


def per_call(fn, calls: int) -> float:
    """Median seconds per call over ``calls`` timed calls (after 5 warm-up calls)."""
    for _ in range(5):
        fn()
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def hand_written_predict(fc, y: pd.Series) -> pd.DataFrame:
    """The least a ``predict(y)`` of this benchmark's forecaster can do, by hand.

    One series, ``scaler="standard"``, ``local_level=True``, no covariates,
    quantiles or target transform: the index checks, the scaling, the last window
    relative to its last value, the forward pass, the inverse, the future
    timestamps and the frame. Every other case tsrnn serves is left out, so its
    Python cost is a floor for the new-history overhead, not a competitor.
    """
    ix, w, h = y.index, fc.window_, int(fc.horizon)
    if not (ix.freq == fc._axis.freq and ix.is_monotonic_increasing):
        raise ValueError("y must follow the training frequency")
    if ix.has_duplicates:
        raise ValueError("y has duplicate timestamps")
    v = y.to_numpy(dtype=np.float64)
    if np.isinf(v).any():
        raise ValueError("y contains infinity")
    center, scale = v.mean(), v.std()
    z = (v[-w:] - center) / scale
    x = torch.from_numpy((z - z[-1]).astype(np.float32)).reshape(1, w, 1)
    with torch.inference_mode():
        out = fc.module_(x, None, None).numpy().astype(np.float64)
    values = (out.reshape(h, 1) + z[-1]) * scale + center
    step = fc._axis.freq
    future = pd.date_range(ix[-1] + step, periods=h, freq=step, name=ix.name)
    return pd.DataFrame(values, index=future, columns=[y.name], copy=False)


class _Stub(torch.nn.Module):
    """A network that costs nothing: zeros of the head's width."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.width = width
        self.anchor = torch.nn.Parameter(torch.zeros(1))  # a device to read

    def forward(self, x, lengths=None, extra=None):
        return torch.zeros(x.shape[0], self.width)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=str(RESULTS / "latency.json"))
    args = parser.parse_args(argv)
    if args.quick:
        args.calls, args.series = 10, 20
    window, horizon = 48, 24

    values = make_panel(1, 300)[0]
    y = pd.Series(
        values, index=pd.date_range("2020-01-01", periods=300, freq="h"), name="y"
    )
    fc = tsrnn.LSTMForecaster(
        window=window,
        horizon=horizon,
        hidden_size=64,
        max_epochs=1,
        # the case the hand-written predict serves (the defaults before issue 19)
        patch_size=1,
        n_ensembles=1,
        local_level=True,
        target_transform=None,
        early_stopping=False,
        random_state=0,
    ).fit(y)
    x = torch.zeros(1, window, 1)
    module = fc.module_

    def bare():
        with torch.inference_mode():
            module(x)

    t_bare = per_call(bare, args.calls)
    t_predict = per_call(fc.predict, args.calls)
    t_new = per_call(lambda: fc.predict(y), args.calls)
    pd.testing.assert_frame_equal(hand_written_predict(fc, y), fc.predict(y))
    t_floor = per_call(lambda: hand_written_predict(fc, y), args.calls)
    fitted_module = fc.module_
    fc.module_ = _Stub(horizon).eval()  # tsrnn's own cost, without the network
    fc.__dict__.pop("_plan", None)  # the plan's inputs belong to the real network
    t_py, t_py_new = (
        per_call(fc.predict, args.calls),
        per_call(lambda: fc.predict(y), args.calls),
    )
    fc.module_ = fitted_module
    fc.__dict__.pop("_plan", None)

    panel_values = make_panel(args.series, 200)
    frame = pd.DataFrame(
        {
            "id": np.repeat(np.arange(args.series), 200),
            "t": np.tile(np.arange(200), args.series),
            "y": panel_values.ravel(),
        }
    )
    pfc = tsrnn.LSTMForecaster(
        window=window,
        horizon=horizon,
        hidden_size=64,
        max_epochs=1,
        # the case the hand-written predict serves (the defaults before issue 19)
        patch_size=1,
        n_ensembles=1,
        local_level=True,
        target_transform=None,
        batch_size=256,
        early_stopping=False,
        id_col="id",
        time_col="t",
        random_state=0,
    ).fit(frame)
    xs = torch.zeros(args.series, window, 1)

    def bare_panel():
        with torch.inference_mode():
            pfc.module_(xs)

    calls = max(3, args.calls // 20)
    t_bare_panel = per_call(bare_panel, calls)
    t_panel = per_call(pfc.predict, calls)
    out = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "calls": args.calls,
        "single_series": {
            "bare_forward_ms": 1e3 * t_bare,
            "predict_ms": 1e3 * t_predict,
            "overhead_ms": 1e3 * (t_predict - t_bare),
            "new_history_predict_ms": 1e3 * t_new,
            "new_history_overhead_ms": 1e3 * (t_new - t_bare),
            "hand_written_predict_ms": 1e3 * t_floor,
            "hand_written_overhead_ms": 1e3 * (t_floor - t_bare),
            "python_ms": 1e3 * t_py,
            "new_history_python_ms": 1e3 * t_py_new,
        },
        "panel": {
            "series": args.series,
            "bare_forward_ms": 1e3 * t_bare_panel,
            "predict_ms": 1e3 * t_panel,
            "overhead_ms": 1e3 * (t_panel - t_bare_panel),
        },
    }
    s, p = out["single_series"], out["panel"]
    print(
        f"single series: forward {s['bare_forward_ms']:.3f} ms, predict {s['predict_ms']:.3f} ms,"
        f" overhead {s['overhead_ms']:.3f} ms per call"
    )
    print(
        f"single series, new history: predict(y) {s['new_history_predict_ms']:.3f} ms,"
        f" overhead {s['new_history_overhead_ms']:.3f} ms per call"
    )
    print(
        f"single series, hand-written predict(y) of this one case (a floor):"
        f" {s['hand_written_predict_ms']:.3f} ms, overhead"
        f" {s['hand_written_overhead_ms']:.3f} ms per call"
    )
    print(
        f"tsrnn's own Python per call (stub network): training tail "
        f"{s['python_ms']:.3f} ms, new history {s['new_history_python_ms']:.3f} ms"
    )
    print(
        f"{p['series']} series in one call: forward {p['bare_forward_ms']:.1f} ms, predict "
        f"{p['predict_ms']:.1f} ms, overhead {p['overhead_ms']:.1f} ms"
    )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
