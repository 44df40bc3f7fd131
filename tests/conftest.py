"""Test-wide settings: one torch thread, fixed seeds, a non-interactive plot backend.

Hypothesis runs derandomized by default (profile ``"ci"``): the same examples on
every run, so the suite cannot go red at random. To search for new
counterexamples, run it with ``--hypothesis-profile=explore`` (random examples,
more of them); a failure found that way becomes an ``@example`` or a unit test.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pytest
import torch
from hypothesis import settings

torch.set_num_threads(1)

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile("ci")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
