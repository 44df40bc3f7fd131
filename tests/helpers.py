"""Reference computations and checks the tests share (numpy and the standard library)."""

import os
import re

import numpy as np


def scaling_by_hand(column: np.ndarray, scaler) -> tuple[float, float]:
    """One target's documented ``(center, scale)`` for ``scaler``; NaN left out."""
    x = column[~np.isnan(column)]
    if scaler == "standard":
        return x.mean(), x.std()
    if scaler == "robust":
        q25, q50, q75 = np.percentile(x, [25, 50, 75])
        return q50, q75 - q25
    if scaler == "mean":
        return 0.0, np.abs(x).mean()
    return 0.0, 1.0


def plain_id(pattern: str) -> str:
    """A test id from an error-message regex, without its backslashes.

    pytest escapes a backslash in an explicit id again each time it collects in the
    same process, so an id such as ``X \\(0`` is not found on the second run; mutmut's
    workers collect twice.
    """
    return re.sub(r"\\", "", pattern)


def warned_from(warning, path: str) -> bool:
    """Whether ``warning`` is attributed to the file ``path`` (the test's own line).

    Under mutmut every function of a mutated module is called through a trampoline
    in mutmut's package, which sits between the user's line and tsrnn; there the
    attribution cannot be checked and this returns True.
    """
    return "MUTANT_UNDER_TEST" in os.environ or warning.filename == path
