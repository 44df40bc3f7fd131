"""A hyper-parameter search and a refitting backtest on a Dask cluster, no glue code.

scikit-learn runs its searches through joblib, and joblib has a Dask backend
(``dask.distributed``): inside ``joblib.parallel_config(backend="dask")`` every fit
of ``GridSearchCV`` and of ``tsrnn.model_selection.backtest(..., refit=True)`` is a
task on the cluster's workers. tsrnn estimators are plain picklable scikit-learn
estimators, so nothing else is needed. Each worker process runs torch with one
thread (distributed's nanny sets ``OMP_NUM_THREADS=1``), so give a machine as many
single-threaded workers as it has cores.

Data: the bundled US weather panel (10 cities, one year of daily temperatures).
By default the script starts a ``LocalCluster`` of 2 worker processes on this
machine; ``--scheduler tcp://host:8786`` runs the same code on a real cluster
(every worker needs the same tsrnn and torch versions installed).

Run: ``python examples/dask_grid_search.py [--scheduler ADDRESS]``
"""

from __future__ import annotations

import argparse
import contextlib

import joblib
import pandas as pd
from sklearn.model_selection import GridSearchCV

import tsrnn
from tsrnn.model_selection import PanelSplitter, backtest


def dask_client(scheduler: str | None) -> contextlib.AbstractContextManager:
    """A client of the cluster at ``scheduler``, or of a new 2-worker LocalCluster."""
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        return Client(scheduler)
    stack = contextlib.ExitStack()
    cluster = stack.enter_context(
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    )
    stack.enter_context(Client(cluster))
    return stack


def main(argv: list[str] | None = None) -> tuple[GridSearchCV, pd.DataFrame]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheduler", help="address of a Dask scheduler")
    args = parser.parse_args(argv)

    temps = tsrnn.datasets.load_us_weather()["actual_mean_temp"]  # (city, date)
    days = temps.index.get_level_values("date").nunique()
    model = tsrnn.LSTMForecaster(
        horizon=7, hidden_size=16, batch_size=64, max_epochs=5, random_state=0
    )
    search = GridSearchCV(
        model,
        {"window": [7, 14], "learning_rate": [3e-3, 1e-2]},
        cv=PanelSplitter(n_splits=2, test_size=14),  # cuts every city at the same day
    )
    with dask_client(args.scheduler), joblib.parallel_config(backend="dask"):
        search.fit(temps)  # 4 candidates x 2 folds = 8 fits, spread over the workers
        # refit the best model at a weekly origin over the last 4 weeks, also there
        forecasts = backtest(
            search.best_estimator_, temps, start=days - 28, stride=7, refit=True
        )
    table = pd.DataFrame(search.cv_results_)[
        ["params", "mean_test_score", "rank_test_score"]
    ]
    print(table.sort_values("rank_test_score").to_string(index=False))
    print(f"\nbest: {search.best_params_}  (mean MAE {-search.best_score_:.2f} °F)")
    mae = (forecasts["y"] - forecasts["y_pred"]).abs().mean()
    print(
        f"backtest: {forecasts['cutoff'].nunique()} origins x "
        f"{forecasts['id'].nunique()} cities, MAE {mae:.2f} °F"
    )
    return search, forecasts


if __name__ == "__main__":
    main()
