"""Pointwise errors and the masked mean, written once for numpy arrays and torch tensors.

The training losses (:data:`tsrnn._training.LOSSES`, on tensors) and the metrics
(:mod:`tsrnn.metrics`, on arrays) both compute these; the formulas use only
arithmetic operators and ``abs``, so one definition serves both and gradients
flow through it.
"""

from __future__ import annotations

__all__ = ["masked_mean", "pinball"]


def pinball(diff, quantile):
    """Pinball (quantile) loss of the errors ``diff = y - f`` at ``quantile``.

    ``quantile * diff`` where ``diff >= 0`` and ``(quantile - 1) * diff`` where it
    is negative (Koenker and Bassett, 1978), written as
    ``diff * (quantile - [diff < 0])``. ``quantile`` broadcasts against ``diff``
    (a float, or one level per last-axis entry).

    Examples
    --------
    >>> import numpy as np
    >>> pinball(np.array([2.0, -2.0]), 0.9)
    array([1.8, 0.2])
    """
    return diff * (quantile - (diff < 0) * 1.0)


def masked_mean(values, mask=None):
    """Mean of ``values`` over the entries where ``mask`` is 1 (all when None).

    ``mask`` may also hold non-negative weights (sample weights times the 0/1
    observed mask): the result is then the weighted mean ``sum(w * v) / sum(w)``.
    ``values`` must be finite (0) where the mask is 0. With no entry observed the
    result is 0, so a batch whose targets are all missing adds nothing to a loss.

    Examples
    --------
    >>> import numpy as np
    >>> float(masked_mean(np.array([1.0, 5.0, 3.0]), np.array([1.0, 0.0, 1.0])))
    2.0
    """
    if mask is None:
        return values.mean()
    total = mask.sum()
    return (values * mask).sum() / (total + (total == 0))  # 0 / 1 when none observed
