"""Bundled real datasets, returned as tidy pandas.

The files ship inside the wheel (``tsrnn/_datasets``) and live in ``datasets/`` of a
source checkout; sources, licences and citations are in ``datasets/README.md``.

Examples
--------
>>> from tsrnn import datasets
>>> sorted(datasets.list_datasets())[:2]
['air_passengers', 'bike_sharing']
>>> datasets.load_air_passengers().index[:2].tolist()
[Timestamp('1949-01-01 00:00:00'), Timestamp('1949-02-01 00:00:00')]
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "data_path",
    "list_datasets",
    "load_air_passengers",
    "load_bike_sharing",
    "load_japanese_vowels",
    "load_tiny_shakespeare",
    "load_us_weather",
]

_DESCRIPTIONS = {
    "air_passengers": "monthly airline passengers (thousands), 1949-1960: one series of 144",
    "bike_sharing": "daily bike rentals in Washington D.C., 2011-2012, with weather and "
    "calendar covariates (731 days)",
    "us_weather": "daily weather of 10 US cities, 2014-07-01..2015-06-30: a panel of 10 x 365",
    "japanese_vowels": "speaker recognition from 12 LPC coefficients, variable-length "
    "sequences (7-29 steps), 9 classes, 270 train / 370 test",
    "tiny_shakespeare": "the first 100 kB of Shakespeare's plays (public domain), "
    "for character-level models",
}


def data_path(name: str = "") -> Path:
    """Where the bundled files are: inside the installed package, or the source tree.

    Parameters
    ----------
    name : str, default=""
        A file name inside the data folder (empty: the folder).

    Returns
    -------
    path : Path

    Examples
    --------
    >>> from tsrnn.datasets import data_path
    >>> data_path("air_passengers.csv").name
    'air_passengers.csv'
    """
    packaged = Path(str(resources.files("tsrnn"))) / "_datasets"
    folder = (
        packaged
        if packaged.is_dir()
        else Path(__file__).resolve().parent.parent / "datasets"
    )
    path = folder / name
    if not path.exists():
        raise FileNotFoundError(
            f"Bundled data file {name!r} not found in {folder}. Reinstall tsrnn "
            "(pip install .) so the datasets ship with it."
        )
    return path


def list_datasets() -> dict[str, str]:
    """Names of the bundled datasets with a one-line description.

    Returns
    -------
    datasets : dict of str to str
        ``name -> description``; load one with ``load_<name>()``.

    Examples
    --------
    >>> from tsrnn.datasets import list_datasets
    >>> "air_passengers" in list_datasets()
    True
    """
    return dict(_DESCRIPTIONS)


def load_air_passengers() -> pd.Series:
    """Monthly international airline passengers (thousands), 1949-01 to 1960-12.

    Box & Jenkins (1976), Series G.

    Returns
    -------
    passengers : Series of shape (144,)
        Float values, month-start DatetimeIndex named ``"month"`` (freq ``MS``).

    Examples
    --------
    >>> from tsrnn.datasets import load_air_passengers
    >>> y = load_air_passengers()
    >>> y.index.freqstr, len(y), float(y.iloc[0])
    ('MS', 144, 112.0)
    """
    raw = pd.read_csv(data_path("air_passengers.csv"))
    index = pd.DatetimeIndex(
        pd.PeriodIndex(raw["Month"], freq="M").to_timestamp(), freq="MS", name="month"
    )
    return pd.Series(
        raw["#Passengers"].to_numpy(np.float64), index=index, name="passengers"
    )


def load_bike_sharing() -> pd.DataFrame:
    """Daily Capital Bikeshare rentals with weather and calendar covariates, 2011-2012.

    Fanaee-T & Gama (2013), UCI Bike Sharing (CC BY 4.0).

    Returns
    -------
    frame : DataFrame of shape (731, 14)
        Daily DatetimeIndex named ``"date"`` (freq ``D``). Targets ``cnt`` (=
        ``casual`` + ``registered``); covariates ``season``, ``holiday``,
        ``weekday``, ``workingday``, ``weathersit`` (ints), ``temp``, ``atemp``,
        ``hum``, ``windspeed`` (normalized floats), ``yr``, ``mnth``.

    Examples
    --------
    >>> from tsrnn.datasets import load_bike_sharing
    >>> frame = load_bike_sharing()
    >>> frame.shape, frame.index.freqstr
    ((731, 14), 'D')
    """
    raw = pd.read_csv(data_path("bike_sharing_day.csv"))
    index = pd.DatetimeIndex(pd.to_datetime(raw["dteday"]), freq="D", name="date")
    frame = raw.drop(columns=["instant", "dteday"]).set_index(index)
    return frame.astype({c: np.float64 for c in ("temp", "atemp", "hum", "windspeed")})


def load_us_weather() -> pd.DataFrame:
    """Daily weather of 10 US stations, 2014-07-01 to 2015-06-30 (FiveThirtyEight, CC BY 4.0).

    Returns
    -------
    frame : DataFrame of shape (3650, 12)
        Long panel indexed by ``(city, date)`` (station code, daily timestamps).
        Columns in °F / inches: ``actual_mean_temp``, ``actual_min_temp``,
        ``actual_max_temp``, ``average_min_temp``, ``average_max_temp`` (normals,
        known in advance), ``record_min_temp``, ``record_max_temp``,
        ``record_min_temp_year``, ``record_max_temp_year``,
        ``actual_precipitation``, ``average_precipitation``,
        ``record_precipitation``.

    Examples
    --------
    >>> from tsrnn.datasets import load_us_weather
    >>> panel = load_us_weather()
    >>> panel.index.names, panel.index.get_level_values("city").nunique()
    (FrozenList(['city', 'date']), 10)
    """
    frames = []
    for path in sorted(data_path("us_weather_history").glob("K*.csv")):
        raw = pd.read_csv(path)
        raw.insert(0, "date", pd.to_datetime(raw.pop("date"), format="%Y-%m-%d"))
        raw.insert(0, "city", path.stem)
        frames.append(raw)
    frame = pd.concat(frames, ignore_index=True).set_index(["city", "date"])
    return frame.astype(np.float64)


def load_japanese_vowels(subset: str = "train") -> tuple[list[np.ndarray], np.ndarray]:
    """UCI Japanese Vowels: which of 9 speakers said /ae/, from 12 LPC coefficients.

    Kudo, Toyama & Shimbo (1999); UCI (CC BY 4.0), via sktime (BSD-3-Clause).

    Parameters
    ----------
    subset : {"train", "test"}, default="train"
        270 training or 370 test utterances.

    Returns
    -------
    X : list of ndarray of shape (n_steps, 12)
        One float array per utterance; lengths 7 to 29 steps.
    y : ndarray of str
        Speaker labels ``"1"`` ... ``"9"``.

    Examples
    --------
    >>> from tsrnn.datasets import load_japanese_vowels
    >>> X, y = load_japanese_vowels()
    >>> len(X), X[0].shape[1], sorted(set(y.tolist()))[:3]
    (270, 12, ['1', '2', '3'])
    """
    if subset not in ("train", "test"):
        raise ValueError(f"subset must be 'train' or 'test'; got {subset!r}.")
    lines = data_path(f"JapaneseVowels_{subset.upper()}.ts").read_text().splitlines()
    start = (
        next(i for i, line in enumerate(lines) if line.strip().lower() == "@data") + 1
    )
    X, y = [], []
    for line in lines[start:]:
        if not line.strip():
            continue
        *channels, label = line.split(":")
        X.append(np.array([[float(v) for v in c.split(",")] for c in channels]).T)
        y.append(label.strip())
    return X, np.array(y)


def load_tiny_shakespeare() -> str:
    """The first 99,843 bytes of Karpathy's *tiny shakespeare*.

    Speeches from Shakespeare's plays (public domain), as bundled with
    ``karpathy/char-rnn`` (``data/tinyshakespeare/input.txt``, MIT), cut at the
    end of the last whole speech in the first 100,000 bytes: the text of
    character-level language models (``examples/char_rnn.py``).

    Returns
    -------
    text : str

    Examples
    --------
    >>> from tsrnn.datasets import load_tiny_shakespeare
    >>> load_tiny_shakespeare()[:14]
    'First Citizen:'
    """
    return data_path("tiny_shakespeare.txt").read_text(encoding="utf-8")
