"""How a fitted recurrent forecaster reads panels: encoded tensors and window batches.

:class:`WindowInputs` is the part of :class:`~tsrnn.RNNForecaster` that turns a
:class:`~tsrnn._panel.Panel` into network inputs with the fitted scaling
(:func:`~tsrnn._batches.encode`) and windows over them
(:class:`~tsrnn._batches.WindowBatches`), for training and for forecasts. The
estimator (parameters, fit, the forecasting hooks) lives in
:mod:`tsrnn._forecasting`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tsrnn._batches import Encoded, WindowBatches, encode, gather_in_order, n_pad
from tsrnn._choices import network_targets, refit_fix
from tsrnn._panel import Panel
from tsrnn._windowing import WindowRuns

__all__ = ["WindowInputs"]


class WindowInputs:
    """Encoding and windowing with a fitted forecaster's scaling and window."""

    def _windows(self, panel, cutoffs, future_rows, stats, device):
        """One gathered window per cutoff, and the baseline each forecast adds back."""
        enc = self._encode(panel, *stats, future_rows)
        starts = np.repeat(enc.offsets, [len(c) for c in cutoffs])
        rows = np.concatenate(cutoffs) + starts
        batches = self._batches(
            enc.tensors(device),
            WindowRuns.single(rows, n_pad(rows, starts, self.window_)),
            with_targets=False,
        )
        windows = gather_in_order(batches)
        if windows[0].baseline is None:  # local_level=False
            levels = np.zeros((len(rows), int(self.horizon), len(self.target_names_)))
        else:
            levels = np.concatenate([w.baseline.cpu().numpy() for w in windows])
        return windows, levels.astype(np.float64)

    def _model_targets(self, panel: Panel) -> Sequence[np.ndarray]:
        """Each series' targets as the fitted network reads them."""
        t = self._transform()
        return network_targets(panel, t, refit_fix(t, self.target_transform == "auto"))

    def _encode(
        self,
        panel: Panel,
        center=None,
        scale=None,
        target_values=None,
        future_rows=None,
    ) -> Encoded:
        return encode(
            panel,
            center=self.center_ if center is None else center,
            scale=self.scale_ if scale is None else scale,
            cov_center=self._cov_center,
            cov_scale=self._cov_scale,
            mask_channel=self.mask_channel_,
            future_rows=future_rows,
            target_values=(
                self._model_targets(panel) if target_values is None else target_values
            ),
        )

    def _batches(
        self, tensors: dict, windows: WindowRuns, *, with_targets: bool
    ) -> WindowBatches:
        return WindowBatches(
            tensors["data"],
            tensors["targets"] if with_targets else None,
            tensors["observed"] if with_targets else None,
            windows,
            window=self.window_,
            horizon=int(self.horizon),
            n_targets=len(self.target_names_),
            future=tensors["future"],
            local_level=self._level(),
            season=self._axis.season,
        )
