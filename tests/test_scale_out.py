"""Scale-out (issue 8): searches and backtests on joblib's loky, Dask and Ray backends.

No tsrnn-specific glue: the estimators are plain picklable scikit-learn estimators,
so scikit-learn's own joblib backends run them. What is checked here:

* the same candidates, scores, best parameters and forecasts whatever the backend
  (sequential, loky processes, a Dask ``LocalCluster`` of 2 worker processes, Ray),
  given a fixed ``random_state`` and one torch thread everywhere;
* torch runs one thread inside a worker when 2 workers share 2 cores (loky and
  Dask's nanny set ``OMP_NUM_THREADS`` before the worker imports torch);
* a fitted estimator pickles to its weights and fixed-size metadata: the size does
  not grow with the number or length of training sequences; a forecaster adds only
  the last ``window_`` steps of each series (what ``predict()`` reads).
"""

import os
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

from tsrnn import LSTMForecaster, RNNRegressor
from tsrnn.model_selection import PanelSplitter, backtest

# -- data and estimators: tiny, so every fit takes a few ms --------------------------


def panel(n_series=3, length=40, seed=0):
    """A long panel: MultiIndex (id, t) Series of noisy sines at different levels."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    parts = {
        f"s{i}": 10 * (i + 1)
        + np.sin(2 * np.pi * t / 8 + i)
        + rng.normal(0, 0.1, length)
        for i in range(n_series)
    }
    index = pd.MultiIndex.from_product([list(parts), t], names=["id", "t"])
    return pd.Series(np.concatenate(list(parts.values())), index=index, name="y")


def forecaster(**params):
    defaults = dict(
        horizon=2, window=6, hidden_size=4, max_epochs=2, batch_size=32, random_state=0
    )
    return LSTMForecaster(**{**defaults, **params})


def forecaster_search(n_jobs=None):
    return GridSearchCV(
        forecaster(),
        {"window": [4, 6], "learning_rate": [1e-3, 1e-2]},
        cv=PanelSplitter(n_splits=2, test_size=4),
        n_jobs=n_jobs,
    )


def regressor_search(n_jobs=None):
    return RandomizedSearchCV(
        RNNRegressor(hidden_size=4, max_epochs=2, random_state=0),
        {"hidden_size": [4, 6, 8], "learning_rate": [1e-3, 1e-2], "cell": ["gru"]},
        n_iter=3,
        cv=2,
        random_state=0,
        n_jobs=n_jobs,
    )


def regression_data():
    X = np.random.default_rng(0).normal(size=(40, 5))
    return X, X.mean(axis=1)


SEARCHES = {
    "GridSearchCV(LSTMForecaster)": (forecaster_search, lambda: (panel(),)),
    "RandomizedSearchCV(RNNRegressor)": (regressor_search, regression_data),
}


def run_search(name, n_jobs=None):
    make, data = SEARCHES[name]
    return make(n_jobs).fit(*data())


def assert_same_search(got, expected):
    assert got.best_params_ == expected.best_params_
    assert got.cv_results_["params"] == expected.cv_results_["params"]
    for key in expected.cv_results_:
        if key.startswith("split") or key in ("mean_test_score", "rank_test_score"):
            np.testing.assert_allclose(
                got.cv_results_[key], expected.cv_results_[key], rtol=1e-6, atol=0
            )


def refit_backtest(n_jobs=None):
    return backtest(
        forecaster(), panel(), start=30, stride=3, refit=True, n_jobs=n_jobs
    )


def assert_same_forecasts(got, expected):
    pd.testing.assert_frame_equal(
        got.drop(columns="y_pred"), expected.drop(columns="y_pred")
    )
    np.testing.assert_allclose(got["y_pred"], expected["y_pred"], rtol=1e-6, atol=0)


# -- references: sequential, in this process (one torch thread, see conftest) -------


@pytest.fixture(scope="module")
def sequential():
    return {name: run_search(name, n_jobs=1) for name in SEARCHES}


@pytest.fixture(scope="module")
def sequential_backtest():
    return refit_backtest(n_jobs=1)


@pytest.mark.parametrize("name", list(SEARCHES))
def test_loky_search_matches_sequential(name, sequential):
    assert_same_search(run_search(name, n_jobs=2), sequential[name])


def test_loky_backtest_matches_sequential(sequential_backtest):
    got = refit_backtest(n_jobs=2)
    assert got["cutoff"].nunique() == 3
    assert_same_forecasts(got, sequential_backtest)


# -- threads inside a worker ----------------------------------------------------------


class ThreadProbe(LSTMForecaster):
    """Records torch's thread count while the network trains (inside fit)."""

    def _fit_network(self, *args, **kwargs):
        self.threads_in_fit_ = torch.get_num_threads()
        return super()._fit_network(*args, **kwargs)


def fit_probe(seed):
    probe = ThreadProbe(
        horizon=2, window=6, hidden_size=4, max_epochs=1, random_state=seed
    ).fit(panel(seed=seed))
    return os.getpid(), probe.threads_in_fit_


def test_torch_uses_one_thread_per_loky_worker():
    # joblib gives each of its n_jobs worker processes cpu_count() // n_jobs threads
    # (OMP_NUM_THREADS, set before the worker imports torch), unless the variable is
    # already set; on 2 cores with n_jobs=2 that is 1.
    expected = int(os.environ.get("OMP_NUM_THREADS", max(1, joblib.cpu_count() // 2)))
    seen = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(fit_probe)(seed) for seed in range(4)
    )
    assert all(pid != os.getpid() for pid, _ in seen)
    assert [threads for _, threads in seen] == [expected] * 4


# -- Dask: a LocalCluster of 2 worker processes, one thread each -----------------------


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.mark.parametrize("name", list(SEARCHES))
def test_dask_search_matches_sequential(name, sequential, dask_client):
    with joblib.parallel_config(backend="dask"):
        got = run_search(name)
    assert_same_search(got, sequential[name])
    assert got.best_estimator_.predict(*SEARCHES[name][1]()[:1]).shape[0] > 0


def test_dask_backtest_matches_sequential(sequential_backtest, dask_client):
    with joblib.parallel_backend("dask"):  # the older spelling works as well
        got = refit_backtest(n_jobs=2)
    assert_same_forecasts(got, sequential_backtest)


def test_torch_uses_one_thread_per_dask_worker(dask_client):
    # distributed's nanny sets OMP_NUM_THREADS=1 before spawning a worker process
    # (config "distributed.nanny.pre-spawn-environ"), so torch starts with 1 thread.
    with joblib.parallel_config(backend="dask"):
        seen = joblib.Parallel()(joblib.delayed(fit_probe)(seed) for seed in range(4))
    workers = set(dask_client.run(os.getpid).values())
    assert {pid for pid, _ in seen} <= workers
    assert [threads for _, threads in seen] == [1] * 4


# -- Ray (optional: not in the test extra) ---------------------------------------------


@pytest.fixture(scope="module")
def ray_backend():
    ray = pytest.importorskip("ray")
    from ray.util.joblib import register_ray

    register_ray()
    # Ray workers import pickled functions by module name: let them find this file
    tests = os.path.dirname(os.path.abspath(__file__))
    path = os.pathsep.join(filter(None, [tests, os.environ.get("PYTHONPATH")]))
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": path}},
    )
    try:
        yield ray
    finally:
        ray.shutdown()


def test_ray_search_and_backtest_match_sequential(
    sequential, sequential_backtest, ray_backend
):
    with joblib.parallel_config(backend="ray", n_jobs=2):
        searches = {name: run_search(name) for name in SEARCHES}
        forecasts = refit_backtest()
        seen = joblib.Parallel()(joblib.delayed(fit_probe)(seed) for seed in range(2))
    for name, search in searches.items():
        assert_same_search(search, sequential[name])
    assert_same_forecasts(forecasts, sequential_backtest)
    assert all(pid != os.getpid() for pid, _ in seen)
    assert [threads for _, threads in seen] == [1] * 2


# -- pickles carry weights, not training data ------------------------------------------


def pickled_size(estimator):
    return len(pickle.dumps(estimator))


def test_regressor_pickle_does_not_grow_with_training_data():
    rng = np.random.default_rng(0)
    sizes = []
    for n_samples, n_steps in [(20, 5), (2000, 50)]:
        X = rng.normal(size=(n_samples, n_steps))
        reg = RNNRegressor(hidden_size=8, max_epochs=1, batch_size=256, random_state=0)
        sizes.append(pickled_size(reg.fit(X, X.mean(axis=1))))
    # 100x the sequences and 10x their length: the same weights, the same metadata
    assert abs(sizes[1] - sizes[0]) < 256, sizes


def test_forecaster_pickle_is_weights_plus_one_window_per_series():
    window, hidden = 6, 16
    sizes = {}
    for n_series, length in [(5, 40), (5, 400), (200, 40)]:
        fc = forecaster(window=window, hidden_size=hidden, max_epochs=1, batch_size=256)
        sizes[n_series, length] = pickled_size(fc.fit(panel(n_series, length)))
    weights = sum(p.numel() for p in fc.module_.parameters()) * 4  # float32
    # 10x longer series: nothing more is kept (no training data in the pickle)
    assert abs(sizes[5, 400] - sizes[5, 40]) < 256, sizes
    assert sizes[5, 40] > weights
    # 40x the series: the last `window` steps of each (for predict()) and its
    # per-series metadata (scaling, id, forecast index) -- O(series x window), far
    # below the training data (here 8 kB a series in the panel's float64 + index)
    per_series = (sizes[200, 40] - sizes[5, 40]) / 195
    assert per_series < 200 * window, (per_series, sizes)


# -- GPU (skipped without CUDA; CI has none) --------------------------------------------

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@needs_cuda
@pytest.mark.parametrize("device", ["cuda", "auto"])
def test_forecaster_fits_on_gpu_and_predicts_cpu_pandas(device, monkeypatch):
    fc = forecaster(device=device).fit(panel())
    assert fc.device_.startswith("cuda")
    assert next(fc.module_.parameters()).is_cuda
    forecast = fc.predict()
    assert isinstance(forecast, pd.DataFrame)  # a panel: one column per target
    assert np.isfinite(forecast.to_numpy()).all()
    # the pickle holds CPU tensors: it loads and predicts where CUDA is absent
    blob = pickle.dumps(fc)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = pickle.loads(blob)
    assert next(loaded.module_.parameters()).device.type == "cpu"
    np.testing.assert_allclose(loaded.predict(), forecast, rtol=1e-4, atol=1e-5)
