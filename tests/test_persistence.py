"""Safe persistence (tsrnn.save / tsrnn.load) and pickling, for every estimator."""

from __future__ import annotations

import json
import pickle
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest
import torch

import tsrnn
from tsrnn.exceptions import VersionMismatchWarning

TINY = dict(hidden_size=4, max_epochs=2, random_state=0)


def _panel():
    rng = np.random.default_rng(0)
    parts = []
    for sid, n in (("a", 50), ("b", 35)):
        t = pd.date_range("2022-01-01", periods=n, freq="D")
        parts.append(
            pd.DataFrame(
                {
                    "id": sid,
                    "t": t,
                    "y": 10 + rng.normal(size=n),
                    "temp": rng.normal(size=n),
                    "promo": rng.integers(0, 2, n),
                    "size": 1.0 if sid == "a" else 2.0,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _future(data, h):
    return pd.concat(
        pd.DataFrame(
            {"id": s, "t": pd.date_range(e, periods=h + 1, freq="D")[1:], "promo": 1}
        )
        for s, e in data.groupby("id")["t"].max().items()
    )


def _cases():
    rng = np.random.default_rng(0)
    X2 = rng.normal(size=(40, 6))
    X2[:5, :2] = np.nan  # left padding
    X2[6, 3] = np.nan  # a missing value: mask channel
    Xlist = [rng.normal(size=(n, 2)) for n in rng.integers(3, 9, size=30)]
    tokens = [rng.integers(1, 20, size=n) for n in rng.integers(3, 12, size=40)]
    y_air = pd.Series(
        100 + 10 * np.sin(np.arange(60) / 2),
        name="pax",
        index=pd.period_range("2000-01", periods=60, freq="M"),
    )
    data = _panel()
    covariates = dict(
        horizon=2,
        window=7,
        id_col="id",
        time_col="t",
        target="y",
        past_covariates="temp",
        future_covariates="promo",
        static_covariates="size",
        **TINY,
    )
    return {
        "regressor-2d-mask": (
            tsrnn.RNNRegressor(**TINY),
            (X2, X2[:, -1] * 0 + np.arange(40)),
            (X2,),
            {},
        ),
        "regressor-list-multi": (
            tsrnn.RNNRegressor("gru", **TINY),
            (Xlist, rng.normal(size=(30, 3))),
            (Xlist,),
            {},
        ),
        "classifier-strings": (
            tsrnn.RNNClassifier(**TINY),
            (X2, np.where(np.arange(40) % 3 == 0, "yes", "no")),
            (X2,),
            {},
        ),
        "classifier-embedding": (
            tsrnn.RNNClassifier(embedding_dim=3, **TINY),
            (tokens, np.arange(40) % 3),
            (tokens,),
            {},
        ),
        "forecaster-period-quantiles-patched": (
            tsrnn.LSTMForecaster(
                horizon=3, quantiles=[0.1, 0.9], patch_size=12, **TINY
            ),
            (y_air,),
            (),
            {},
        ),
        "forecaster-panel-covariates": (
            tsrnn.GRUForecaster(**covariates),
            (data,),
            (),
            {"future": _future(data, 2)},
        ),
        "rnn-forecaster-range-ensemble": (
            tsrnn.RNNForecaster("rnn", horizon=2, n_ensembles=2, **TINY),
            (pd.Series(np.arange(30.0)),),
            (),
            {},
        ),
        "seasonal-naive": (tsrnn.SeasonalNaiveForecaster(horizon=4), (y_air,), (), {}),
        "conformal-cqr-quantile-heads": (
            tsrnn.ConformalForecaster(
                tsrnn.LSTMForecaster(horizon=3, quantiles=[0.1, 0.9], **TINY),
                coverage=[0.8, 0.95],
            ),
            (y_air,),
            (),
            {},
        ),
        "conformal-panel-covariates": (
            tsrnn.ConformalForecaster(
                tsrnn.GRUForecaster(**covariates),
                coverage=0.9,
            ),
            (data,),
            (),
            {"future": _future(data, 2)},
        ),
        "conformal-seasonal-naive": (
            tsrnn.ConformalForecaster(tsrnn.SeasonalNaiveForecaster(horizon=4)),
            (y_air,),
            (),
            {},
        ),
    }


CASES = _cases()


def _params(est) -> dict:
    """Every parameter, nested ones included; a wrapped estimator by its own."""
    return {k: v for k, v in est.get_params().items() if not hasattr(v, "get_params")}


def _same(a, b):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    else:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", list(CASES))
def test_save_load_gives_identical_predictions(name, tmp_path):
    est, fit_args, pred_args, pred_kw = CASES[name]
    est.fit(*fit_args)
    expected = est.predict(*pred_args, **pred_kw)
    path = tsrnn.save(est, tmp_path / "model.tsrnn")
    loaded = tsrnn.load(path)
    assert type(loaded) is type(est)
    assert _params(loaded) == _params(est)
    _same(loaded.predict(*pred_args, **pred_kw), expected)
    if hasattr(est, "predict_proba"):
        _same(loaded.predict_proba(*pred_args), est.predict_proba(*pred_args))


@pytest.mark.parametrize("name", list(CASES))
def test_pickle_and_joblib_round_trips(name, tmp_path):
    est, fit_args, pred_args, pred_kw = CASES[name]
    est.fit(*fit_args)
    expected = est.predict(*pred_args, **pred_kw)
    _same(pickle.loads(pickle.dumps(est)).predict(*pred_args, **pred_kw), expected)
    joblib.dump(est, tmp_path / "m.joblib")
    _same(joblib.load(tmp_path / "m.joblib").predict(*pred_args, **pred_kw), expected)


def _plain(value) -> bool:
    """Arrays, indexes, numbers, strings and containers of them: no private objects."""
    if value is None or isinstance(value, (bool, int, float, str, np.number)):
        return True
    if isinstance(value, (np.ndarray, pd.Index)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, tsrnn.SeasonalNaiveForecaster | tsrnn.RNNForecaster):
        # a wrapped forecaster (ConformalForecaster's) persists its own state
        return _plain(value._persisted_state()) and _plain(value.get_params())
    return False


@pytest.mark.parametrize("name", list(CASES))
def test_the_persisted_state_holds_plain_values_only(name):
    """What a pickle and a saved file hold is the explicit persisted state: never
    the predict plan, the network object or another private object."""
    est, fit_args, pred_args, pred_kw = CASES[name]
    est.fit(*fit_args)
    est.predict(*pred_args, **pred_kw)
    state = est._persisted_state()
    assert _plain(state), {k: type(v) for k, v in state.items() if not _plain(v)}
    assert not any(k in state for k in ("_plan", "_history", "_axis"))
    assert est.__getstate__()["state"].keys() == state.keys()


def test_unfitted_estimator_round_trips(tmp_path):
    est = tsrnn.LSTMForecaster(horizon=5, quantiles=[0.2, 0.8], target="y")
    loaded = tsrnn.load(tsrnn.save(est, tmp_path / "m.tsrnn"))
    assert loaded.get_params() == est.get_params()
    assert not hasattr(loaded, "module_")


def test_loading_never_unpickles(tmp_path, monkeypatch):
    est = tsrnn.RNNRegressor(**TINY).fit(np.ones((10, 3)), np.arange(10.0))
    path = tsrnn.save(est, tmp_path / "m.tsrnn")
    monkeypatch.setattr(
        pickle, "loads", lambda *a, **k: pytest.fail("pickle.loads called")
    )
    monkeypatch.setattr(
        pickle, "load", lambda *a, **k: pytest.fail("pickle.load called")
    )
    tsrnn.load(path)


def _rewrite(path, *, meta=None, tensors=None):
    with zipfile.ZipFile(path) as zf:
        old_meta, old_tensors = json.loads(zf.read("model.json")), zf.read("tensors.pt")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("model.json", json.dumps(meta(old_meta) if meta else old_meta))
        zf.writestr("tensors.pt", tensors if tensors is not None else old_tensors)


class _Evil:
    def __reduce__(self):
        return (print, ("pwned",))


@pytest.mark.parametrize(
    "meta,tensors,match",
    [
        (
            lambda m: {**m, "class": "os.system"},
            None,
            "not a tsrnn estimator; refusing",
        ),
        (
            lambda m: {**m, "format_version": 99},
            None,
            "format version 99, newer.*Upgrade tsrnn",
        ),
        (
            lambda m: {**m, "format_version": 1, "tsrnn_version": "0.9.0"},
            None,
            "format version 1, written by tsrnn 0.9.0; this tsrnn .* reads format 2 "
            "only. Load it with tsrnn 0.9.0 and refit",
        ),
        (lambda m: {**m, "format": "other"}, None, "not a tsrnn model file"),
        (
            lambda m: {**m, "state": {"__dict__": {"_secret": 1}}},
            None,
            "unexpected entries \\['_secret'\\]",
        ),
        (lambda m: {**m, "state": {"__import__": "os"}}, None, "unknown tag"),
        (None, pickle.dumps(_Evil()), "unexpected content"),
    ],
    # plain ids: a node id holding pickle bytes cannot be passed back to pytest
    ids=[
        "class",
        "format-version",
        "old-format",
        "format",
        "unknown-state",
        "tag",
        "pickle-tensors",
    ],
)
def test_crafted_files_get_a_clear_error(tmp_path, capsys, meta, tensors, match):
    est = tsrnn.RNNRegressor(**TINY).fit(np.ones((10, 3)), np.arange(10.0))
    path = tsrnn.save(est, tmp_path / "m.tsrnn")
    _rewrite(path, meta=meta, tensors=tensors)
    with pytest.raises(ValueError, match=match):
        tsrnn.load(path)
    assert "pwned" not in capsys.readouterr().out


def test_not_a_model_file(tmp_path):
    bad = tmp_path / "x.tsrnn"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a tsrnn model file"):
        tsrnn.load(bad)
    with pytest.raises(ValueError, match="is not a file"):
        tsrnn.load(tmp_path / "missing.tsrnn")


def test_saving_a_pipeline_points_to_joblib(tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    with pytest.raises(TypeError, match="joblib.dump"):
        tsrnn.save(
            make_pipeline(StandardScaler(), tsrnn.RNNRegressor()), tmp_path / "p"
        )


def test_older_version_warns(tmp_path):
    est = tsrnn.RNNRegressor(**TINY).fit(np.ones((10, 3)), np.arange(10.0))
    path = tsrnn.save(est, tmp_path / "m.tsrnn")
    _rewrite(path, meta=lambda m: {**m, "tsrnn_version": "0.0.1"})
    with pytest.warns(VersionMismatchWarning, match="saved with tsrnn 0.0.1") as w:
        loaded = tsrnn.load(path)
    assert w[0].filename == __file__  # the user's line, not tsrnn's
    np.testing.assert_array_equal(
        loaded.predict(np.ones((2, 3))), est.predict(np.ones((2, 3)))
    )


def test_tensors_are_read_with_weights_only(tmp_path, monkeypatch):
    seen = {}
    real = torch.load

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    est = tsrnn.RNNRegressor(**TINY).fit(np.ones((10, 3)), np.arange(10.0))
    tsrnn.load(tsrnn.save(est, tmp_path / "m.tsrnn"))
    assert seen.get("weights_only") is True


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_model_saves_and_loads_on_cpu(tmp_path, monkeypatch):
    X = np.random.default_rng(0).normal(size=(30, 5))
    est = tsrnn.RNNRegressor(device="cuda", **TINY).fit(X, X[:, 0])
    expected = est.predict(X)
    path = tsrnn.save(est, tmp_path / "m.tsrnn")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = tsrnn.load(path)
    assert loaded.device_ == "cpu"
    np.testing.assert_allclose(loaded.predict(X), expected, atol=1e-5)
    unpickled = pickle.loads(pickle.dumps(est))
    assert unpickled.device_ == "cpu"


def test_the_training_tail_is_written_as_one_array_per_role():
    """A model of many series is saved as a few arrays, not one per series; a
    tail written per series (as earlier versions did) is read back the same."""
    from tsrnn._state import panel_from_state

    n, length = 50, 30
    frame = pd.DataFrame(
        {
            "id": np.repeat(np.arange(n), length),
            "t": np.tile(pd.date_range("2024-01-01", periods=length, freq="D"), n),
            "y": np.random.default_rng(0).normal(10, 1, n * length),
        }
    )
    est = tsrnn.SeasonalNaiveForecaster(horizon=3, id_col="id", time_col="t")
    est.fit(frame)
    history = est._persisted_state()["history"]
    for role in ("index", "target", "past", "future"):
        assert history[role]["lengths"].tolist() == [est.window_] * n
        assert len(history[role]["rows"]) == n * est.window_
    tail = est._history
    listed = dict(history)
    for role in ("index", "target", "past", "future"):
        listed[role] = list(getattr(tail, role))
    for state in (history, listed):
        back = panel_from_state(state, est._axis)
        for role in ("index", "target", "past", "future"):
            for got, want in zip(getattr(back, role), getattr(tail, role), strict=True):
                np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    loaded = pickle.loads(pickle.dumps(est))
    pd.testing.assert_frame_equal(loaded.predict(), est.predict())
