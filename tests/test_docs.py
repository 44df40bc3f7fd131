"""Docs are tested like code: docstring examples of the public API, README blocks."""

import ast
import doctest
import importlib
import inspect
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
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
    "tsrnn.metrics._interval",
    "tsrnn.metrics._scorers",
    "tsrnn._naive",
    "tsrnn._pointwise",
    "tsrnn.datasets",
    "tsrnn.plotting",
    "tsrnn._persistence",
    "tsrnn._docs",
    "tsrnn.__main__",
    "tsrnn._csv",
    "tsrnn._csv_times",
    "tsrnn._padding",
    "tsrnn._per_step",
    "tsrnn._conformal",
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


ESTIMATORS = [
    obj for name in tsrnn.__all__ if inspect.isclass(obj := getattr(tsrnn, name))
]


def _entries(doc, title):
    """``{name: (type, description)}`` of the numpydoc section ``title`` of ``doc``
    (None when it has none). Each entry is a ``name : type`` line (``a, b : type``
    for several names) at the margin with its description indented under it."""
    lines = inspect.cleandoc(doc).splitlines()
    headers = [i for i in range(len(lines) - 1) if re.fullmatch(r"-{3,}", lines[i + 1])]
    starts = [i for i in headers if lines[i] == title]
    if not starts:
        return None
    end = next((i for i in headers if i > starts[0]), len(lines))
    entries = {}
    for line in lines[starts[0] + 2 : end]:
        if line and not line[0].isspace():
            match = re.fullmatch(r"(\w+(?:, \w+)*) : (\S.*)", line)
            assert match, f"{title}: {line!r} is not a numpydoc 'name : type' line"
            description = []
            for name in match[1].split(", "):
                entries[name] = (match[2], description)
        elif line.strip():
            description.append(line.strip())
    return {name: (kind, " ".join(text)) for name, (kind, text) in entries.items()}


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_every_parameter_is_documented_with_its_default(cls):
    params = inspect.signature(cls.__init__).parameters
    params = {k: v for k, v in params.items() if k != "self"}
    documented = _entries(cls.__doc__, "Parameters")
    assert documented, f"{cls.__name__} has no Parameters section"
    assert set(params) - set(documented) == set(), "not documented"
    assert set(documented) - set(params) == set(), "documented, not taken"
    for name, param in params.items():
        kind, description = documented[name]
        assert description, f"{cls.__name__}: {name} has no description"
        if param.default is inspect.Parameter.empty:
            continue
        assert "default" in f"{kind} {description}".lower(), (
            f"{cls.__name__}: the entry of {name} does not give its default"
        )
        written = re.search(r"default=(.+)$", kind)
        if written:  # as numpydoc writes it: the same value as the signature's
            assert ast.literal_eval(written[1]) == param.default, (cls, name)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_every_estimator_documents_its_attributes(cls):
    attributes = _entries(cls.__doc__, "Attributes")
    assert attributes, f"{cls.__name__} has no Attributes section"
    for name, (_, description) in attributes.items():
        assert name.endswith("_"), f"{cls.__name__}: {name} is not a fitted name"
        assert description, f"{cls.__name__}: {name} has no description"


def _fitted(cls):
    """``cls`` fitted on tiny data that sets its optional attributes too."""
    tiny = dict(hidden_size=4, max_epochs=1, random_state=0)
    if issubclass(cls, tsrnn.ConformalForecaster):
        inner = tsrnn.LSTMForecaster(horizon=2, **tiny)
        return cls(inner).fit(tsrnn.datasets.load_air_passengers())
    if issubclass(cls, tsrnn.SeasonalNaiveForecaster):
        return cls().fit(tsrnn.datasets.load_air_passengers())
    if issubclass(cls, tsrnn.RNNForecaster):
        return cls(**tiny).fit(tsrnn.datasets.load_air_passengers())
    if issubclass(cls, tsrnn.RNNRegressor):  # step and feature names
        y = pd.Series(np.arange(30.0), name="y")
        return cls(**tiny).fit(*tsrnn.make_windows(y.to_frame(), window=4))
    tokens = np.random.default_rng(0).integers(1, 9, size=(20, 5))  # vocab_size_
    if issubclass(cls, tsrnn.RNNSequenceRegressor):  # a target per step
        return cls(**tiny).fit(tokens.astype(float), np.cumsum(tokens, axis=1))
    if issubclass(cls, tsrnn.RNNSequenceClassifier):
        return cls(embedding_dim=3, **tiny).fit(tokens, tokens > 4)
    return cls(embedding_dim=3, **tiny).fit(tokens, tokens[:, 0] > 4)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_every_fitted_attribute_is_documented(cls):
    est = _fitted(cls)
    fitted = {k for k in vars(est) if k.endswith("_") and not k.startswith("_")}
    assert fitted - set(_entries(cls.__doc__, "Attributes")) == set()


def test_fixed_cell_forecasters_show_rnnforecasters_sections():
    for cls in (tsrnn.LSTMForecaster, tsrnn.GRUForecaster):
        params = _entries(tsrnn.RNNForecaster.__doc__, "Parameters")
        del params["cell"]
        assert _entries(cls.__doc__, "Parameters") == params
        attributes = _entries(tsrnn.RNNForecaster.__doc__, "Attributes")
        assert _entries(cls.__doc__, "Attributes") == attributes


def test_no_docstring_keeps_a_placeholder():
    for name in tsrnn.__all__:
        doc = getattr(tsrnn, name).__doc__ or ""
        assert "%(" not in doc, name


#: how a README block that is a script for torchrun starts (not a session's code)
TORCHRUN_SCRIPT = "# train.py, run on each machine as"


def _python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_python_blocks_run(monkeypatch):
    monkeypatch.chdir(ROOT)  # blocks read datasets/ relative to the repository root
    blocks = _python_blocks((ROOT / "README.md").read_text())
    assert blocks
    namespace = {"__name__": "readme"}  # one session, as a reader runs them in order
    for block in blocks:
        if block.startswith(TORCHRUN_SCRIPT):  # run by processes: test_distributed.py
            continue
        exec(compile(block, "README.md", "exec"), namespace)


def test_readme_test_command_is_the_ci_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = "python -m pytest -q"
    assert command in readme and command in ci
    assert os.access(ROOT / ".ci" / "run", os.X_OK) or ci.startswith("#!")


def _readme_commands():
    """Every ``tsrnn ...`` command line in README's bash blocks, as argv."""
    import shlex

    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    for block in blocks:
        for line in block.splitlines():
            for part in line.split("&&"):
                part = part.split("#")[0].strip()
                if part.startswith("tsrnn "):
                    yield shlex.split(part)[1:]


def test_readme_commands_use_flags_the_command_line_has():
    from tsrnn.__main__ import build_parser

    commands = list(_readme_commands())
    assert len(commands) >= 4
    parser = build_parser()
    for argv in commands:
        if "--help" in argv:
            continue
        parser.parse_args(argv)  # exits (SystemExit) on a flag that does not exist


def test_readme_your_own_csv_names_every_flag_for_reading_a_file():
    from tsrnn.__main__ import build_parser

    section = (ROOT / "README.md").read_text().split("## Your own CSV")[1]
    section = section.split("\n## ")[0]
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    group = next(
        g
        for g in sub.choices["forecast"]._action_groups
        if g.title == "reading a CSV file"
    )
    flags = [a.option_strings[0] for a in group._group_actions]
    assert flags and all(f"`{flag}" in section for flag in flags), flags
