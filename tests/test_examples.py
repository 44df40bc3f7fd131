"""Every example runs, as a user would run it, and reaches its stated result."""

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name, argv=()):
    module = runpy.run_path(str(EXAMPLES / name))  # defines main() without running it
    old = sys.argv
    sys.argv = [name, *argv]
    try:
        return module["main"](list(argv)) if argv else module["main"]()
    finally:
        sys.argv = old


def test_air_passengers_windows_beats_seasonal_naive(tmp_path, capsys):
    png = tmp_path / "forecast.png"
    mae = run_example("air_passengers_windows.py", ["--plot", str(png)])
    out = capsys.readouterr().out
    assert "seasonal naive" in out
    assert mae < 47.33  # seasonal-naive MAE on these 12 months
    assert png.stat().st_size > 10_000


def test_variable_length_regression_learns():
    assert run_example("variable_length_regression.py") > 0.9


def test_text_classification_learns():
    assert run_example("text_classification.py") > 0.85


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_every_example_is_tested(path):
    assert path.name in {
        "air_passengers_windows.py",
        "variable_length_regression.py",
        "text_classification.py",
    }, f"{path.name} has no test in tests/test_examples.py"
