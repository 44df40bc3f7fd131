"""Bundled datasets: tidy pandas out, and they ship inside the wheel."""

import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tsrnn import RNNClassifier, datasets

ROOT = Path(__file__).resolve().parent.parent


def test_list_datasets_names_a_loader_for_each():
    for name in datasets.list_datasets():
        assert callable(getattr(datasets, f"load_{name}"))


def test_air_passengers():
    y = datasets.load_air_passengers()
    assert isinstance(y, pd.Series) and len(y) == 144
    assert y.index.freqstr == "MS" and y.dtype == np.float64
    assert y.sum() == 40363  # as documented upstream


def test_bike_sharing():
    frame = datasets.load_bike_sharing()
    assert frame.shape == (731, 14) and frame.index.freqstr == "D"
    assert (frame["cnt"] == frame["casual"] + frame["registered"]).all()


def test_us_weather_panel():
    panel = datasets.load_us_weather()
    assert panel.index.names == ["city", "date"]
    assert panel.groupby(level="city").size().eq(365).all()
    assert panel.index.is_monotonic_increasing


def test_japanese_vowels_variable_length_and_learnable():
    X, y = datasets.load_japanese_vowels("train")
    X_test, y_test = datasets.load_japanese_vowels("test")
    assert (len(X), len(X_test)) == (270, 370)
    assert {x.shape[1] for x in X} == {12}
    assert min(map(len, X)) == 7 and max(map(len, X_test)) == 29
    clf = RNNClassifier(
        "gru", hidden_size=16, learning_rate=0.01, max_epochs=15, random_state=0
    )
    assert clf.fit(X, y).score(X_test, y_test) > 0.8  # 9 classes: chance is 0.11
    with pytest.raises(ValueError, match="subset must be 'train' or 'test'"):
        datasets.load_japanese_vowels("all")


def test_datasets_ship_in_the_wheel_and_load_from_it(tmp_path):
    pytest.importorskip("hatchling")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    wheel = next(tmp_path.glob("tsrnn-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    for name in (
        "air_passengers.csv",
        "bike_sharing_day.csv",
        "JapaneseVowels_TRAIN.ts",
        "us_weather_history/KNYC.csv",
        "README.md",
    ):
        assert f"tsrnn/_datasets/{name}" in names
    code = (
        "import tsrnn.datasets as d; p = d.data_path(); "
        "assert '_datasets' in str(p), p; print(len(d.load_air_passengers()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "144"
