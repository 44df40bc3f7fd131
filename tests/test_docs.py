"""Docs are tested like code: docstring examples of the public API, README blocks."""

import doctest
import importlib
import os
import re
from pathlib import Path

import pytest

import tsrnn

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "tsrnn",
    "tsrnn.exceptions",
    "tsrnn._supervised",
    "tsrnn._windowing",
    "tsrnn._network",
    "tsrnn._forecasting",
    "tsrnn._fixed_cell",
    "tsrnn._baselines",
    "tsrnn._forecaster",
    "tsrnn._scaling",
    "tsrnn._training",
    "tsrnn.model_selection",
    "tsrnn.metrics",
    "tsrnn.metrics._point",
    "tsrnn.metrics._m4",
    "tsrnn.metrics._scorers",
    "tsrnn._naive",
    "tsrnn._pointwise",
    "tsrnn.datasets",
    "tsrnn.plotting",
    "tsrnn._persistence",
    "tsrnn._docs",
    "tsrnn.__main__",
]


def test_every_module_with_examples_is_run():
    with_examples = set()
    for path in (ROOT / "tsrnn").rglob("*.py"):
        if ">>>" in path.read_text():
            parts = path.relative_to(ROOT).with_suffix("").parts
            with_examples.add(
                ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            )
    assert with_examples <= set(MODULES), with_examples - set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0, f"{name} has no docstring example to run"
    assert result.failed == 0


def test_every_public_name_has_a_docstring_with_an_example():
    for name in tsrnn.__all__:
        if name == "__version__":
            continue
        obj = getattr(tsrnn, name)
        doc = obj.__doc__ or ""
        assert "Examples" in doc, f"tsrnn.{name} has no Examples section"


def _python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_python_blocks_run(monkeypatch):
    monkeypatch.chdir(ROOT)  # blocks read datasets/ relative to the repository root
    blocks = _python_blocks((ROOT / "README.md").read_text())
    assert blocks
    namespace = {"__name__": "readme"}  # one session, as a reader runs them in order
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)


def test_readme_test_command_is_the_ci_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = "python -m pytest -q"
    assert command in readme and command in ci
    assert os.access(ROOT / ".ci" / "run", os.X_OK) or ci.startswith("#!")
