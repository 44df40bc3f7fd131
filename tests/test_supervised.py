"""RNNRegressor and RNNClassifier: learning, outputs, pipelines, search, pickling, errors."""

import os
import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

import tsrnn
from tsrnn import RNNClassifier, RNNRegressor
from tsrnn.exceptions import VersionMismatchWarning

from helpers import plain_id

NAN = np.nan
NO_CUDA = not torch.cuda.is_available()


def reg(**params):
    return RNNRegressor(
        **{"hidden_size": 4, "max_epochs": 2, "random_state": 0, **params}
    )


def clf(**params):
    return RNNClassifier(
        **{"hidden_size": 4, "max_epochs": 2, "random_state": 0, **params}
    )


def mean_task(n, rng):
    """Sequences of 3..20 steps; the target is each sequence's mean."""
    X = [rng.normal(size=m) for m in rng.integers(3, 21, size=n)]
    return X, np.array([x.mean() for x in X])


def token_task(n, rng):
    """Token ids 1..10, 4..20 steps; the label says whether id 1 beats id 2.

    Counting needs every real step, and ties are left out.
    """
    X, y = [], []
    while len(X) < n:
        tokens = rng.integers(1, 11, size=rng.integers(4, 21))
        ones, twos = (tokens == 1).sum(), (tokens == 2).sum()
        if ones != twos:
            X.append(tokens)
            y.append("ones" if ones > twos else "twos")
    return X, np.array(y)


def nan_padded(seqs, width, rng):
    """Ragged 1-D sequences in one table, each at a random offset (NaN elsewhere)."""
    table = np.full((len(seqs), width), NAN)
    for i, x in enumerate(seqs):
        start = rng.integers(0, width - len(x) + 1)
        table[i, start : start + len(x)] = x
    return table


# -- learning -------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["list", "NaN-padded 2-D"])
def test_regressor_learns_the_mean_of_variable_length_sequences(form):
    rng = np.random.default_rng(0)
    X, y = mean_task(800, rng)
    if form != "list":
        X = nan_padded(X, 24, rng)
    est = RNNRegressor(
        cell="gru", hidden_size=8, learning_rate=0.02, max_epochs=8, random_state=0
    )
    est.fit(X[:600], y[:600])
    assert est.score(X[600:], y[600:]) > 0.8
    assert est.history_[-1]["train_loss"] < est.history_[0]["train_loss"]


def test_parameters_set_after_fit_act_at_the_next_fit_not_in_predict():
    # scikit-learn's contract: predict reads the fitted model, not changed params
    rng = np.random.default_rng(0)
    X, y = token_task(60, rng)
    est = RNNClassifier(embedding_dim=3, hidden_size=4, max_epochs=1, random_state=0)
    before = est.fit(X, y).predict_proba(X)
    est.set_params(embedding_dim=None)
    np.testing.assert_array_equal(est.predict_proba(X), before)
    est.set_params(embedding_dim=3)
    np.testing.assert_array_equal(est.predict_proba(X), before)


def test_classifier_learns_token_counts_with_an_embedding():
    rng = np.random.default_rng(0)
    X, y = token_task(800, rng)
    assert 0.3 < np.mean(y == "ones") < 0.7
    est = RNNClassifier(
        cell="gru",
        embedding_dim=4,
        hidden_size=8,
        learning_rate=0.03,
        max_epochs=8,
        random_state=0,
    )
    est.fit(X[:600], y[:600])
    assert est.vocab_size_ == 11
    assert est.score(X[600:], y[600:]) > 0.85
    # the same held-out reviews as a left-padded 2-D table of ids
    table = np.zeros((200, 20), dtype=np.int64)
    for i, x in enumerate(X[600:]):
        table[i, 20 - len(x) :] = x
    np.testing.assert_array_equal(est.predict(table), est.predict(X[600:]))


# -- regression outputs -------------------------------------------------------------


def test_regressor_predicts_float64_of_the_right_shape(rng):
    X = rng.normal(size=(30, 5)).astype(np.float32)
    y = X.sum(axis=1).astype(np.float32)
    pred = reg().fit(X, y).predict(X)
    assert pred.shape == (30,)
    assert pred.dtype == np.float64


def test_multi_output_regression(rng):
    X = rng.normal(size=(40, 6, 2))
    Y = np.c_[X[:, :, 0].mean(axis=1), X[:, :, 1].max(axis=1), np.ones(40)]
    est = reg(max_epochs=5, learning_rate=0.02).fit(X, Y)
    assert est.n_outputs_ == 3
    pred = est.predict(X)
    assert pred.shape == (40, 3)
    assert pred.dtype == np.float64
    assert est.score(X, Y) == pytest.approx(r2_score(Y, pred))
    # a constant target comes back as that constant (scale 1, mean restored)
    np.testing.assert_allclose(pred[:, 2], 1.0, atol=0.5)


def test_single_column_2d_y_keeps_its_shape(rng):
    X = rng.normal(size=(20, 4))
    assert reg().fit(X, X.sum(axis=1, keepdims=True)).predict(X).shape == (20, 1)


def test_y_as_dataframe_and_series(rng):
    X = rng.normal(size=(30, 4))
    Y = pd.DataFrame({"a": X.sum(axis=1), "b": X.max(axis=1)})
    est = reg().fit(X, Y)
    np.testing.assert_array_equal(est.predict(X), reg().fit(X, Y.to_numpy()).predict(X))
    assert est.predict(X).shape == (30, 2)
    series = reg().fit(X, Y["a"])
    assert series.predict(X).shape == (30,)
    assert series.score(X, Y["a"]) == pytest.approx(r2_score(Y["a"], series.predict(X)))


# -- classification -----------------------------------------------------------------


@pytest.mark.parametrize(
    "labels", [["no", "yes"], ["cat", "ant", "dog"], ["d", "c", "b", "a"]]
)
def test_classifier_with_string_labels(rng, labels):
    X = rng.normal(size=(48, 5))
    y = np.resize(labels, 48)
    est = clf(max_epochs=3).fit(X, y)
    np.testing.assert_array_equal(est.classes_, sorted(labels))
    proba = est.predict_proba(X)
    assert proba.shape == (48, len(labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    assert (proba >= 0).all()
    pred = est.predict(X)
    assert set(pred) <= set(labels)
    np.testing.assert_array_equal(pred, est.classes_[proba.argmax(axis=1)])
    assert est.score(X, y) == accuracy_score(y, pred)


def test_classifier_with_integer_labels_and_series(rng):
    X = rng.normal(size=(30, 4))
    y = pd.Series(np.arange(30) % 3 + 5)
    est = clf().fit(X, y)
    np.testing.assert_array_equal(est.classes_, [5, 6, 7])
    assert est.predict(X).dtype == est.classes_.dtype


# -- pipelines and search -------------------------------------------------------------


def test_pipeline_with_standard_scaler(rng):
    X = rng.normal(loc=5, scale=3, size=(40, 6))
    y = X.mean(axis=1)
    pipe = make_pipeline(StandardScaler(), reg(max_epochs=5, learning_rate=0.02))
    pipe.fit(X, y)
    assert pipe.predict(X).shape == (40,)
    assert pipe.score(X, y) == pytest.approx(r2_score(y, pipe.predict(X)))


def test_pipeline_keeps_nan_padding(rng):
    X = nan_padded([rng.normal(size=m) for m in rng.integers(2, 6, 30)], 6, rng)
    pipe = make_pipeline(StandardScaler(), reg()).fit(X, np.nanmean(X, axis=1))
    assert np.isfinite(pipe.predict(X)).all()


def test_grid_search_in_parallel_needs_no_glue(rng):
    X = rng.normal(size=(40, 5))
    y = X.mean(axis=1)
    search = GridSearchCV(reg(), {"hidden_size": [4, 8]}, cv=2, n_jobs=2)
    search.fit(X, y)
    # each fold's score is the R² of a fit by hand; the best candidate has the best
    for i, size in enumerate([4, 8]):
        for k, (train, test) in enumerate(KFold(2).split(X)):
            est = reg(hidden_size=size).fit(X[train], y[train])
            expected = est.score(X[test], y[test])
            assert search.cv_results_[f"split{k}_test_score"][i] == pytest.approx(
                expected, rel=1e-5
            )
    best = int(np.argmax(search.cv_results_["mean_test_score"]))
    assert search.best_params_ == {"hidden_size": [4, 8][best]}
    assert (
        search.best_estimator_.module_.rnn.hidden_size
        == search.best_params_["hidden_size"]
    )
    assert search.predict(X).shape == (40,)


def _fit_and_count_threads(seed):
    X = np.random.default_rng(seed).normal(size=(20, 4))
    RNNRegressor(hidden_size=4, max_epochs=1, random_state=seed).fit(X, X[:, 0])
    return torch.get_num_threads()


def test_torch_does_not_oversubscribe_inside_loky_workers():
    threads = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(_fit_and_count_threads)(seed) for seed in range(4)
    )
    limit = max(1, (os.cpu_count() or 1) // 2)
    assert all(1 <= t <= limit for t in threads), threads


# -- pickle and joblib ----------------------------------------------------------------


def _fitted_models():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 6))
    with_missing = X.copy()
    with_missing[rng.random(X.shape) < 0.2] = NAN
    with_missing[:, [0, -1]] = 1.0
    tokens = [rng.integers(1, 9, size=m) for m in rng.integers(2, 7, size=30)]
    labels = np.array(["low", "high", "mid"] * 10)
    return {
        "regressor": (reg().fit(X, X.sum(axis=1)), X),
        "multi-output 3-D": (
            reg(cell="gru", bidirectional=True).fit(X[:, :, None], X[:, :2]),
            X[:, :, None],
        ),
        "classifier string labels": (clf().fit(X, labels), X),
        "embedding": (clf(embedding_dim=3).fit(tokens, labels), tokens),
        "mask channel": (reg(cell="rnn").fit(with_missing, X[:, 0]), with_missing),
    }


#: the keys of _fitted_models(), known without fitting anything at collection time
MODEL_NAMES = [
    "regressor",
    "multi-output 3-D",
    "classifier string labels",
    "embedding",
    "mask channel",
]


@pytest.fixture(scope="module")
def fitted_models():
    models = _fitted_models()
    assert list(models) == MODEL_NAMES
    return models


def _outputs(est, X):
    out = [est.predict(X)]
    if hasattr(est, "predict_proba"):
        out.append(est.predict_proba(X))
    return out


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_pickle_round_trip_gives_identical_predictions(fitted_models, name):
    est, X = fitted_models[name]
    loaded = pickle.loads(pickle.dumps(est))
    assert type(loaded.module_) is type(est.module_)
    assert not loaded.module_.training
    for a, b in zip(_outputs(est, X), _outputs(loaded, X)):
        np.testing.assert_array_equal(a, b)
    assert loaded.get_params() == est.get_params()


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_joblib_round_trip_gives_identical_predictions(fitted_models, name, tmp_path):
    est, X = fitted_models[name]
    path = tmp_path / "model.joblib"
    joblib.dump(est, path)
    loaded = joblib.load(path)
    for a, b in zip(_outputs(est, X), _outputs(loaded, X)):
        np.testing.assert_array_equal(a, b)


def test_pickle_is_small_and_holds_no_training_data():
    X = np.random.default_rng(0).normal(size=(20_000, 50))
    est = RNNRegressor(hidden_size=32, max_epochs=1, batch_size=2048, random_state=0)
    est.fit(X, X[:, -1])
    blob = pickle.dumps(est)
    assert len(blob) < 2_000_000
    assert len(blob) < X.nbytes / 50
    assert X[:2, :3].astype(np.float32).tobytes() not in blob


def test_pickle_keeps_the_weights_not_the_module(fitted_models):
    est, _ = fitted_models["regressor"]
    state = est.__getstate__()
    weights = state["state"]["module_"]
    assert isinstance(weights, dict)
    assert all(isinstance(v, np.ndarray) for v in weights.values())
    assert state["tsrnn_version"] == tsrnn.__version__
    assert state["params"] == est.get_params(deep=False)
    assert isinstance(est.module_, torch.nn.Module)  # the estimator is unchanged


def test_pickling_an_unfitted_estimator_does_not_change_it():
    est = reg()
    before = dict(vars(est))
    loaded = pickle.loads(pickle.dumps(est))
    assert vars(est) == before
    assert loaded.get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        loaded.predict(np.zeros((2, 3)))


def test_same_version_loads_silently(fitted_models):
    est, _ = fitted_models["regressor"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", VersionMismatchWarning)
        pickle.loads(pickle.dumps(est))


def test_version_mismatch_warns(fitted_models, monkeypatch):
    est, X = fitted_models["classifier string labels"]
    monkeypatch.setattr(tsrnn._state, "__version__", "0.0.1")
    blob = pickle.dumps(est)
    monkeypatch.undo()
    with pytest.warns(VersionMismatchWarning, match=r"tsrnn 0\.0\.1.*refit"):
        loaded = pickle.loads(blob)
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


@pytest.mark.skipif(NO_CUDA, reason="needs CUDA")
def test_gpu_model_loads_on_cpu(monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5))
    est = reg(device="cuda").fit(X, X.sum(axis=1))
    assert est.device_.startswith("cuda")
    expected = est.predict(X)
    blob = pickle.dumps(est)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = pickle.loads(blob)
    assert loaded.device_ == "cpu"
    assert next(loaded.module_.parameters()).device.type == "cpu"
    np.testing.assert_allclose(loaded.predict(X), expected, atol=1e-5)


def test_device_auto_resolves(rng):
    X = rng.normal(size=(10, 3))
    est = reg(device="auto").fit(X, X[:, 0])
    assert est.device_ == ("cpu" if NO_CUDA else "cuda")
    assert est.device == "auto"  # the parameter is never rewritten


# -- bad input: errors name the argument, the problem and the fix ----------------------

rng0 = np.random.default_rng(0)
TABLE = rng0.normal(size=(12, 6))
CUBE = rng0.normal(size=(12, 6, 3))
Y = np.arange(12.0)
LABELS = np.array(["a", "b"] * 6)
TOKENS = rng0.integers(1, 5, size=(12, 6))


def _with(array, index, value):
    array = array.copy()
    array[index] = value
    return array


@pytest.fixture(scope="module")
def fitted():
    return {
        "table": reg().fit(TABLE, Y),
        "cube": reg().fit(CUBE, Y),
        "tokens": clf(embedding_dim=2).fit(TOKENS, LABELS),
    }


FIT_ERRORS = [
    # (estimator, X, y, error, match)
    (
        reg(),
        np.empty((0, 6)),
        np.empty(0),
        ValueError,
        "X is empty \\(0 samples\\).*at least one sequence",
    ),
    (reg(), [], [], ValueError, "X is empty"),
    (reg(), TABLE, Y[:-1], ValueError, "X has 12, y has 11. Pass one target per"),
    (reg(), TABLE, [], ValueError, "X has 12, y has 0"),
    (clf(), TABLE, LABELS[:-1], ValueError, "X has 12, y has 11"),
    (reg(), CUBE[..., None], Y, ValueError, "X must be 2-D or 3-D; got a 4-D"),
    (reg(), _with(TABLE, (1, 2), np.inf), Y, ValueError, "X contains infinity.*NaN"),
    (reg(), _with(TABLE, (1, 2), -np.inf), Y, ValueError, "X contains inf"),
    (reg(), _with(TABLE, (1, 2), 1e300), Y, ValueError, "too large for float32"),
    (reg(), _with(CUBE, (1, 2, 0), np.inf), Y, ValueError, "X contains infinity"),
    (reg(), [np.ones(3), np.r_[1.0, np.inf]], [1, 2], ValueError, "infinity"),
    (reg(), np.full((3, 4), "x"), Y[:3], TypeError, "X must hold numbers.*Encode"),
    (reg(), np.full((3, 4, 2), "x"), Y[:3], TypeError, "X must hold numbers.*Encode"),
    (
        reg(),
        pd.DataFrame({"a": ["x", "y", "z"], "b": [1.0, 2, 3]}),
        Y[:3],
        TypeError,
        "X must hold numbers",
    ),
    (reg(cell="cnn"), TABLE, Y, ValueError, "'cell' parameter.*'lstm'"),
    (
        reg(learning_rate=-1),
        TABLE,
        Y,
        ValueError,
        "'learning_rate' parameter.*range \\(0.0, inf\\)",
    ),
    (reg(hidden_size=0), TABLE, Y, ValueError, "'hidden_size' parameter"),
    (reg(), TABLE, None, ValueError, "requires y to be passed.*fit\\(X, y\\)"),
    (clf(), TABLE, None, ValueError, "requires y to be passed"),
    (
        reg(),
        TABLE,
        _with(Y, 3, NAN),
        ValueError,
        r"no target.*positions \[3\].*Drop those samples",
    ),
    (
        clf(),
        TABLE,
        _with(Y, 3, NAN),
        ValueError,
        r"no label.*positions \[3\].*Drop those samples",
    ),
    (clf(), TABLE, ["a"] * 12, ValueError, "only one class \\('a'\\).*at least two"),
    (clf(), TABLE, np.c_[LABELS, LABELS], ValueError, "y should be a 1d array"),
    (clf(), TABLE, Y + 0.5, ValueError, "Unknown label type.*continuous"),
    (
        reg(),
        [np.ones((3, 2)), np.ones((4, 3))],
        [1.0, 2.0],
        ValueError,
        "different numbers of features.*same features per step",
    ),
    (reg(), _with(TABLE, 4, NAN), Y, ValueError, "no observed step.*row 4.*Drop"),
    (reg(), [np.ones(3), np.full(2, NAN)], [1, 2], ValueError, "no observed step"),
    (clf(embedding_dim=2), -TOKENS, LABELS, ValueError, "non-negative integer token"),
    (clf(embedding_dim=2), TOKENS + 0.5, LABELS, ValueError, "integer token ids"),
    (reg(device="gpu"), TABLE, Y, ValueError, "device must be 'cpu', 'cuda'.*'gpu'"),
]


@pytest.mark.parametrize(
    "est, X, y, error, match",
    FIT_ERRORS,
    ids=[f"{i}-{plain_id(c[4][:30])}" for i, c in enumerate(FIT_ERRORS)],
)
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
def test_fit_errors(est, X, y, error, match):
    with pytest.raises(error, match=match):
        est.fit(X, y)


def test_invalid_parameters_are_value_errors():
    assert issubclass(InvalidParameterError, ValueError)
    with pytest.raises(InvalidParameterError, match="'dropout' parameter"):
        reg(dropout=1.5).fit(TABLE, Y)


@pytest.mark.skipif(not NO_CUDA, reason="CUDA is available here")
def test_cuda_device_without_cuda():
    with pytest.raises(ValueError, match="device='cuda'.*not available.*device='cpu'"):
        reg(device="cuda").fit(TABLE, Y)


PREDICT_ERRORS = [
    # (fitted model, X, error, match)
    ("table", TABLE[:, :5], ValueError, "X has 5 features, but RNNRegressor is exp"),
    ("table", TABLE[:, :5], ValueError, "pass 6 columns as in fit, NaN-padding"),
    ("cube", CUBE[:, :, :2], ValueError, "X has 2 features per step.*expecting 3"),
    ("cube", [np.ones((3, 2))], ValueError, "X has 2 features per step"),
    (
        "cube",
        TABLE,
        ValueError,
        r"2-D table.*fitted on 3 feature\(s\) per step.*3-D array",
    ),
    ("table", np.empty((0, 6)), ValueError, "X is empty"),
    ("table", _with(TABLE, (0, 0), np.inf), ValueError, "X contains infinity"),
    ("table", _with(TABLE, (2, 3), NAN), ValueError, "missing values.*Impute"),
    ("cube", _with(CUBE, (2, 3), NAN), ValueError, "missing values.*refit"),
    ("table", _with(TABLE, 0, NAN), ValueError, "no observed step"),
    ("tokens", _with(TOKENS, (0, 0), 9), ValueError, "token id 9.*vocab_size_=5"),
    ("tokens", [np.array([1, 2, 42])], ValueError, "token id 42.*Map unseen"),
]


@pytest.mark.parametrize(
    "model, X, error, match",
    PREDICT_ERRORS,
    ids=[f"{i}-{plain_id(c[3][:30])}" for i, c in enumerate(PREDICT_ERRORS)],
)
def test_predict_errors(fitted, model, X, error, match):
    with pytest.raises(error, match=match):
        fitted[model].predict(X)


@pytest.mark.parametrize("method", ["predict", "score"])
@pytest.mark.parametrize("make", [reg, clf])
def test_not_fitted(make, method):
    args = (TABLE, Y) if method == "score" else (TABLE,)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(make(), method)(*args)


def test_predict_proba_not_fitted():
    with pytest.raises(NotFittedError):
        clf().predict_proba(TABLE)


def test_a_failed_fit_leaves_the_estimator_unfitted():
    # Regression: the failed fit set n_features_in_, so predict raised AttributeError.
    est = reg()
    with pytest.raises(ValueError, match="different numbers of samples"):
        est.fit(TABLE, Y[:-1])
    with pytest.raises(NotFittedError):
        est.predict(TABLE)


def test_a_fitted_model_predicts_sequences_of_other_lengths(fitted):
    # a model fitted on a table reads NaN-padded rows and lists of any length
    assert fitted["table"].predict([np.ones(2), np.ones(9)]).shape == (2,)
    assert fitted["cube"].predict(CUBE[:3, :2]).shape == (3,)
    assert fitted["tokens"].predict([np.array([1, 2])]).shape == (1,)


# -- issue 18: windows in their real-world containers --------------------------------
def frame_windows(n=60, seed=0):
    """Two-feature ``(feature, step)`` windows of ``make_windows`` on an hourly frame."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    frame = pd.DataFrame(
        {
            "load": np.sin(t / 4) + 0.1 * rng.normal(size=n),
            "temp": 20 + 5 * np.cos(t / 7),
        },
        index=pd.date_range("2024-01-01", periods=n, freq="h"),
    )
    return tsrnn.make_windows(frame, window=12, horizon=1, target="load")


def follow_reorder_advice(est, X):
    """Run the code that predict's reorder error tells the user to run on ``X``."""
    with pytest.raises(ValueError, match="Reorder them as in fit: ") as info:
        est.predict(X)
    code = str(info.value).split("Reorder them as in fit: ")[1]
    scope = {"X": X, "est": est, "pd": pd}
    exec(code, scope)  # the advice, as written
    return scope["X"]


@pytest.mark.parametrize(
    "integer_steps,reorder",
    [
        (False, lambda X: X.sort_index(axis=1)),  # features p, m -> m, p; steps too
        (False, lambda X: X[["m", "p"]]),  # features only
        (False, lambda X: X.sort_index(axis=1, level=1, sort_remaining=False)),
        (True, lambda X: X.sort_index(axis=1, ascending=False)),  # both, renamed
    ],
    ids=["sort_index", "features", "steps", "integer steps"],
)
def test_reorder_advice_restores_the_fitted_windows_when_followed(
    integer_steps, reorder
):
    # issue 18 item 4, second round: the advice reindexed the steps only, so after
    # X.sort_index(axis=1) (features p, m sorted too) following it failed again
    n = 60
    frame = pd.DataFrame(
        {"p": np.sin(np.arange(n) / 3), "m": np.arange(n) % 12 / 12.0},
        index=pd.date_range("2020-01-01", periods=n, freq="MS"),
    )
    X, Y = tsrnn.make_windows(frame, window=4, horizon=1, target="p")
    if integer_steps:  # labels compared as strings: the advice renames them first
        X = X.set_axis(pd.MultiIndex.from_product([["p", "m"], range(4)]), axis=1)
    est = reg().fit(X, Y)
    moved = reorder(X)
    columns = moved.columns.copy()
    np.testing.assert_array_equal(
        est.predict(follow_reorder_advice(est, moved)), est.predict(X)
    )
    assert moved.columns.equals(columns)  # the caller's frame is not touched


def test_reordered_step_columns_are_refused_and_realigned_by_label():
    # issue 18 item 10: steps sorted as strings (t, t-1, t-10, ...) predicted silently
    X, Y = frame_windows()
    est = reg().fit(X, Y)
    assert list(est.step_names_in_) == [f"t-{k}" for k in range(11, 0, -1)] + ["t"]
    shuffled = X.sort_index(axis=1)
    with pytest.raises(ValueError, match=r"step labels of X.*another order.*reindex"):
        est.predict(shuffled)
    np.testing.assert_array_equal(
        est.predict(follow_reorder_advice(est, shuffled)), est.predict(X)
    )
    renamed = X.rename(columns={"t": "t-0"}, level=1)
    with pytest.raises(ValueError, match=r"differ from those seen in fit.*'t-0'"):
        est.predict(renamed)
    # and the same kind for a univariate table: its columns are the steps
    X1, Y1 = tsrnn.make_windows(X[("load", "t")], window=5)
    one = reg().fit(X1, Y1)
    with pytest.raises(ValueError, match=r"same order.*X\[est.feature_names_in_\]"):
        one.predict(X1.sort_index(axis=1))


@pytest.mark.parametrize("pandas_output", [False, True])
def test_a_scaler_pipeline_keeps_multivariate_windows_with_features_per_step(
    pandas_output,
):
    # issue 18 item 11: StandardScaler flattens (feature, step) windows; without
    # features_per_step the RNN read one feature over 24 steps
    X, Y = frame_windows()
    scaler = StandardScaler()
    if pandas_output:
        scaler.set_output(transform="pandas")
    pipe = make_pipeline(scaler, reg(features_per_step=2)).fit(X, Y)
    assert pipe[-1].n_step_features_ == 2 and pipe[-1].n_features_in_ == 24
    # the same as the RNN on the 3-D windows of the scaled columns
    scaled = StandardScaler().fit(X).transform(X)  # columns: load t-11..t, temp t-11..t
    cube = scaled.reshape(len(X), 2, 12).transpose(0, 2, 1)
    np.testing.assert_array_equal(cube[:, :, 1], scaled[:, 12:])  # temp is feature 1
    direct = reg().fit(cube, Y)
    np.testing.assert_allclose(pipe.predict(X), direct.predict(cube), rtol=1e-6)
    assert pipe.score(X, Y) == pytest.approx(direct.score(cube, Y))


def test_the_classifier_reads_flattened_windows_with_features_per_step_too():
    X, Y = frame_windows()
    labels = np.where(Y.iloc[:, 0] > Y.iloc[:, 0].median(), "high", "low")
    scaled = StandardScaler().fit_transform(X)
    cube = scaled.reshape(len(X), 2, 12).transpose(0, 2, 1)
    params = dict(hidden_size=4, max_epochs=2, random_state=0)
    flat = RNNClassifier(features_per_step=2, **params).fit(scaled, labels)
    assert flat.get_params()["features_per_step"] == 2 and flat.n_step_features_ == 2
    direct = RNNClassifier(**params).fit(cube, labels)
    np.testing.assert_allclose(
        flat.predict_proba(scaled), direct.predict_proba(cube), rtol=1e-5
    )


def test_features_per_step_errors():
    X, Y = frame_windows()
    with pytest.raises(ValueError, match=r"features_per_step=5.*24 columns.*multiple"):
        reg(features_per_step=5).fit(X.to_numpy(), Y)
    est = reg(features_per_step=2).fit(X.to_numpy(), Y)
    with pytest.raises(ValueError, match=r"read with 1 feature.*fitted on 2.*=2"):
        est.set_params(features_per_step=None).predict(X.to_numpy())
    # a 3-D / MultiIndex fit reads a flattened table with features_per_step too
    multi = reg(features_per_step=2).fit(X, Y)
    np.testing.assert_allclose(multi.predict(X.to_numpy()), multi.predict(X))


def _nullable(frame):
    """``frame.convert_dtypes()`` with a pd.NA inside, and its float64/NaN twin."""
    plain = frame.astype("float64").copy()
    plain.iloc[2, 3] = np.nan
    nullable = frame.convert_dtypes()
    nullable.iloc[2, 3] = pd.NA
    assert isinstance(nullable.iloc[:, 3].dtype, pd.api.extensions.ExtensionDtype)
    return nullable, plain


@pytest.mark.parametrize("multivariate", [True, False])
def test_nullable_pandas_dtypes_are_floats_with_nan(multivariate):
    # issue 18 item 12: Float64 windows with pd.NA failed "Encode strings ..."
    X, Y = frame_windows()
    if not multivariate:
        X = X["load"]
    nullable, plain = _nullable(X)
    Yn = Y.convert_dtypes()
    assert Yn.dtypes.iloc[0] == "Float64"
    est, twin = reg().fit(nullable, Yn), reg().fit(plain, Y)
    np.testing.assert_array_equal(est.predict(nullable), twin.predict(plain))
    assert est.mask_channel_  # pd.NA is a missing value, masked like NaN
    assert nullable.iloc[2, 3] is pd.NA  # the caller's frame is untouched


def _float64(seq):
    return pd.array([pd.NA if np.isnan(v) else v for v in seq], dtype="Float64")


@pytest.mark.parametrize(
    "container",
    [
        lambda seqs: seqs,  # list of numpy arrays
        lambda seqs: pd.Series(seqs, dtype=object),  # a Series of sequences
        lambda seqs: [_float64(s) for s in seqs],  # nullable arrays, pd.NA inside
        lambda seqs: [pd.Series(_float64(s)) for s in seqs],
        lambda seqs: pd.Series([_float64(s) for s in seqs]),
        lambda seqs: pd.Series([s[:3] for s in seqs], dtype=object),  # equal lengths
    ],
    ids=["list", "series", "list-Float64", "list-Series", "series-Float64", "equal"],
)
def test_every_container_of_ragged_sequences_reads_like_a_list_of_arrays(container):
    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=m) for m in rng.integers(3, 9, size=30)]
    seqs[4][1] = np.nan  # an interior missing value
    y = np.array([np.nanmean(s) for s in seqs])
    X = container(seqs)
    as_list = [  # the plain twin: a list of float64 numpy arrays with NaN
        pd.Series(x, dtype="Float64").to_numpy(dtype=float, na_value=np.nan) for x in X
    ]
    assert all(type(x) is np.ndarray and x.dtype == np.float64 for x in as_list)
    reference = reg().fit(as_list, y)  # a Series reads as the list of its cells
    est = reg().fit(X, y)
    assert est.mask_channel_ and est.layout_ == reference.layout_
    np.testing.assert_array_equal(est.predict(X), reference.predict(as_list))


def test_nullable_integer_and_boolean_features():
    rng = np.random.default_rng(0)
    cube = rng.integers(0, 2, size=(20, 5, 2)).astype(float)
    cube[3, 2, 0] = np.nan
    y = cube.sum(axis=(1, 2), where=~np.isnan(cube))
    frame = tsrnn.make_windows(  # two features: an Int64 and a boolean one
        pd.DataFrame({"a": np.r_[cube[:, :, 0].ravel()], "b": cube[:, :, 1].ravel()}),
        window=5,
        step=5,
        horizon=1,
        target="a",
        dropna=False,
    )[0]
    plain = frame.copy()
    typed = frame.copy().astype(
        {c: "Int64" if c[0] == "a" else "boolean" for c in frame}
    )
    assert typed.isna().sum().sum() == plain.isna().sum().sum() > 0
    est, twin = reg().fit(typed, y[: len(typed)]), reg().fit(plain, y[: len(plain)])
    np.testing.assert_array_equal(est.predict(typed), twin.predict(plain))


def test_windows_of_another_length_keep_their_step_labels_checked():
    X, Y = frame_windows()
    est = reg().fit(X, Y)
    steps = list(est.step_names_in_)
    shorter = X.loc[:, (slice(None), steps[6:])]  # the last 6 steps: a shorter window
    cube = X.to_numpy().reshape(len(X), 2, 12).transpose(0, 2, 1)
    np.testing.assert_allclose(est.predict(shorter), est.predict(cube[:, 6:]))
    with pytest.raises(ValueError, match=r"position 3: 't-7' where fit had 't-8'"):
        est.predict(X.drop(columns="t-8", level=1))  # a gap closed silently otherwise


@pytest.mark.parametrize(
    "labels, dtype",
    [
        (["up", "down"], "string"),
        (["up", "down"], "category"),
        ([1, 0], "Int64"),
        ([True, False], "boolean"),
    ],
)
def test_nullable_labels_work_like_their_plain_dtype(labels, dtype):
    X = np.random.default_rng(0).normal(size=(10, 5))
    plain = np.array(labels * 5)
    est = clf().fit(X, pd.Series(labels * 5, dtype=dtype))
    twin = clf().fit(X, plain)
    assert [(type(c), c) for c in est.classes_.tolist()] == [
        (type(c), c) for c in twin.classes_.tolist()
    ]  # 0 and 1 stay integers, True and False booleans
    np.testing.assert_array_equal(est.predict(X), twin.predict(X))


@pytest.mark.parametrize("dtype", [object, "category", "string", "float64"])
def test_missing_labels_are_refused_naming_their_rows(dtype):
    # issue 18 item 13: object labels with a NaN raised numpy's "'<' not supported"
    X = np.random.default_rng(0).normal(size=(10, 5))
    values = [1.0, 0.0] * 5 if dtype == "float64" else ["up", "down"] * 5
    y = pd.Series(values, dtype=dtype)
    y.iloc[[2, 7]] = None
    with pytest.raises(
        ValueError, match=r"y has 2 sample\(s\) with no label.*positions \[2, 7\].*Drop"
    ):
        clf().fit(X, y)
    with pytest.raises(ValueError, match=r"no label.*positions \[3\]"):
        clf().fit(
            X, ["up", "down", "up", None, "down", "up", "down", "up", "up", "down"]
        )


# -- issue 18 item 16: sample_weight and class_weight ---------------------------------
@pytest.mark.parametrize("make", [reg, clf], ids=["regressor", "classifier"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_sample_weight_zero_is_the_same_fit_as_removing_the_samples(
    make, early_stopping, rng
):
    X = rng.normal(size=(40, 6))
    y = X.sum(axis=1) if make is reg else X.sum(axis=1) > 0
    weight = rng.integers(0, 3, size=40).astype(float)  # zeros and non-zeros
    keep = weight > 0
    params = dict(max_epochs=3, batch_size=8, early_stopping=early_stopping)
    weighted = make(**params).fit(X, y, sample_weight=weight)
    removed = make(**params).fit(X[keep], y[keep], sample_weight=weight[keep])
    method = "predict" if make is reg else "predict_proba"
    np.testing.assert_allclose(
        getattr(weighted, method)(X), getattr(removed, method)(X), rtol=1e-6
    )


@pytest.mark.parametrize("make", [reg, clf], ids=["regressor", "classifier"])
def test_equal_sample_weights_fit_what_no_weights_fit(make, rng):
    X = rng.normal(size=(30, 5))
    y = X.sum(axis=1) if make is reg else X.sum(axis=1) > 0
    plain = make().fit(X, y)
    for w in (np.ones(30), np.full(30, 2.5)):
        weighted = make().fit(X, y, sample_weight=w)
        np.testing.assert_array_equal(weighted.predict(X), plain.predict(X))


def test_sample_weight_pulls_the_regressor_to_the_weighted_mean(rng):
    # identical inputs, two targets: the MSE optimum is the weighted mean of y
    X = np.ones((40, 4))
    y = np.r_[np.zeros(20), np.full(20, 10.0)]
    w = np.r_[np.ones(20), np.full(20, 9.0)]  # weighted mean 9, plain mean 5
    params = dict(hidden_size=8, max_epochs=150, learning_rate=0.02, batch_size=40)
    plain = reg(**params).fit(X, y).predict(X[:1])[0]
    weighted = reg(**params).fit(X, y, sample_weight=w).predict(X[:1])[0]
    assert plain == pytest.approx(5.0, abs=0.5)
    assert weighted == pytest.approx(9.0, abs=0.5)


def test_class_weight_raises_the_recall_of_the_rare_class(rng):
    # overlapping classes, 1 in 10 positive: unweighted, the rare class is mostly
    # predicted as the common one; "balanced" (and an explicit dict) trade it back
    X = rng.normal(size=(400, 5))
    score = X.sum(axis=1) + rng.normal(scale=2.0, size=400)
    y = np.where(score > np.quantile(score, 0.9), "rare", "common")
    params = dict(hidden_size=8, max_epochs=30, learning_rate=0.01)

    def recall(model):
        return (model.predict(X[y == "rare"]) == "rare").mean()

    plain = recall(clf(**params).fit(X, y))
    balanced = recall(clf(class_weight="balanced", **params).fit(X, y))
    as_dict = recall(clf(class_weight={"rare": 9.0}, **params).fit(X, y))
    assert balanced > plain + 0.2
    assert as_dict > plain + 0.2


def test_class_weight_balanced_is_sklearns_sample_weight(rng):
    from sklearn.utils.class_weight import compute_sample_weight

    X = rng.normal(size=(30, 4))
    y = np.r_[np.zeros(24, int), np.ones(6, int)]
    w = rng.uniform(0.5, 2.0, size=30)
    by_param = clf(class_weight="balanced").fit(X, y, sample_weight=w)
    by_hand = clf().fit(X, y, sample_weight=w * compute_sample_weight("balanced", y))
    np.testing.assert_allclose(
        by_param.predict_proba(X), by_hand.predict_proba(X), rtol=1e-6
    )


def test_sample_weight_is_not_mutated_and_score_takes_it(rng):
    X = rng.normal(size=(20, 4))
    y = X.sum(axis=1)
    w = rng.uniform(0.0, 2.0, size=20)
    before = w.copy()
    model = reg().fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(w, before)
    assert model.score(X, y, sample_weight=w) == pytest.approx(
        r2_score(y, model.predict(X), sample_weight=w)
    )


def test_sample_weight_through_clone_and_grid_search(rng):
    X = rng.normal(size=(30, 4))
    y = X.sum(axis=1) > 0
    w = np.r_[np.zeros(5), np.ones(25)]
    search = GridSearchCV(clf(), {"hidden_size": [2, 4]}, cv=KFold(2))
    search.fit(X, y, sample_weight=w)
    assert search.best_params_["hidden_size"] in (2, 4)
    assert search.best_estimator_.class_weight is None
    cloned = clone(clf(class_weight={True: 2.0}))
    assert cloned.get_params()["class_weight"] == {True: 2.0}


# -- issue 18 item 14: one long sequence among short ones -------------------------------
def test_one_long_sequence_among_short_ones_costs_its_own_length(rng):
    import tracemalloc

    short = [rng.normal(size=12) for _ in range(2000)]
    X = [*short[:700], rng.normal(size=20_000), *short[700:]]
    model = reg(hidden_size=4, max_epochs=1).fit(short[:50], np.zeros(50))
    tracemalloc.start()
    try:
        got = model.predict(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # padded to the longest, the input alone would be 2001 x 20000 float32 (160 MB);
    # back to back it is 44,000 steps (a fraction of a MB)
    assert peak < 20 * 2**20
    assert got.shape == (2001,)
    # outputs come back in the order of X (they are computed sorted by length)
    some = [0, 699, 700, 701, 2000]
    alone = np.array([model.predict([X[i]])[0] for i in some])
    np.testing.assert_allclose(got[some], alone, rtol=1e-5, atol=1e-6)


def test_ragged_training_is_reproducible_and_valid_steps_only(rng):
    X = [rng.normal(size=n) for n in rng.integers(2, 40, size=120)]
    y = np.array([x.sum() for x in X])
    first = reg(max_epochs=3, batch_size=8).fit(X, y)
    second = reg(max_epochs=3, batch_size=8).fit(X, y)
    np.testing.assert_array_equal(first.predict(X), second.predict(X))
    # NaN padding in a table gives the same sequences, so the same fit
    table = np.full((120, 45), NAN)
    for i, x in enumerate(X):
        table[i, 3 : 3 + len(x)] = x
    third = reg(max_epochs=3, batch_size=8).fit(table, y)
    np.testing.assert_allclose(third.predict(X), first.predict(X), rtol=1e-5)


# -- issue 18 items 1-3, second round: weights, labels and pairing of score and fit --
def test_class_weight_dict_is_the_sample_weight_of_each_class(rng):
    X = rng.normal(size=(30, 4))
    y = np.where(X.sum(axis=1) > 0, "up", "down")
    by_param = clf(class_weight={"up": 3.0, "down": 0.0}).fit(X, y)
    by_hand = clf().fit(X, y, sample_weight=np.where(y == "up", 3.0, 0.0))
    np.testing.assert_array_equal(by_param.predict_proba(X), by_hand.predict_proba(X))
    # a key that is no label of this y is fine while every class has a weight
    # (a class missing from a cross-validation fold), as in scikit-learn
    extra = clf(class_weight={"up": 3.0, "down": 0.0, "flat": 1.0}).fit(X, y)
    np.testing.assert_array_equal(extra.predict_proba(X), by_hand.predict_proba(X))


@pytest.mark.parametrize("make", [reg, clf], ids=["regressor", "classifier"])
def test_score_checks_weights_labels_and_index_as_fit_does(make, rng):
    X = pd.DataFrame(
        rng.normal(size=(20, 4)), index=pd.date_range("2024-01-01", periods=20)
    )
    y = pd.Series(X.sum(axis=1) > 0 if make is clf else X.sum(axis=1), index=X.index)
    model = make().fit(X, y)
    w = rng.uniform(0.5, 2.0, size=20)
    expected = model.score(X.to_numpy(), y.to_numpy(), sample_weight=w)
    assert model.score(X, y, sample_weight=w) == expected  # same index: paired
    with pytest.raises(ValueError, match=r"[Nn]egative.*sample_weight"):
        model.score(X, y, sample_weight=-w)
    shuffled = y.sample(frac=1, random_state=0)
    with pytest.raises(ValueError, match=r"different indexes.*y.loc\[X.index\]"):
        model.score(X, shuffled, sample_weight=w)
    assert model.score(X, shuffled.loc[X.index], sample_weight=w) == expected
    # position pairing when one side has no index, as in scikit-learn
    assert model.score(X, shuffled.to_numpy()) == model.score(
        X.to_numpy(), shuffled.to_numpy()
    )
    missing = y.astype(object)
    missing.iloc[4] = None
    with pytest.raises(ValueError, match=r"positions \[4\].*before scoring"):
        model.score(X, missing)


def test_fit_refuses_shifted_targets_and_its_advice_pairs_them_by_label():
    y = tsrnn.datasets.load_air_passengers().astype(float)
    X, Y = tsrnn.make_windows(y, window=6, horizon=1)
    shifted = Y.shift(1, freq="MS")
    with pytest.raises(ValueError) as info:
        reg().fit(X, shifted)
    message = str(info.value)
    assert "first difference is at row 0: X has Timestamp('1949-06-01" in message
    code = "y = y.reindex(X.index)" + message.split("y = y.reindex(X.index)")[1]
    code = code.split(". If y is")[0].replace("; fit(", "; model = reg().fit(")
    scope = {"X": X, "y": shifted, "reg": reg}
    exec(code, scope)  # the advice, as written
    pairs = shifted.reindex(X.index).dropna()
    expected = reg().fit(X.loc[pairs.index], pairs)
    np.testing.assert_array_equal(scope["model"].predict(X), expected.predict(X))


# -- issue 19: defaults that learn, local_level -------------------------------------
def test_default_fit_is_100_epochs_on_small_data_and_a_step_budget_on_large(rng):
    X, y = mean_task(50, rng)
    model = RNNRegressor(hidden_size=4, random_state=0).fit(X, y)
    assert (model.batch_size_, model.n_epochs_) == (32, 100)  # 2 steps per epoch
    params = RNNClassifier().get_params()
    assert (params["learning_rate"], params["max_epochs"]) == (1e-2, 100)
    assert params["max_steps"] == 2000
    # 2,000 sequences of 32 make 63 steps per epoch: the budget ends the fit
    big = [rng.normal(size=3) for _ in range(2_000)]
    model = RNNRegressor(hidden_size=2, random_state=0).fit(big, np.zeros(2_000))
    assert model.n_epochs_ == 32  # 31 full epochs of 63 steps, then 47 steps


def _trend(n, seed):
    """A daily linear trend with a 12-step season and noise."""
    t = np.arange(n)
    noise = np.random.default_rng(seed).normal(0, 2, n)
    return pd.Series(
        0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + noise,
        index=pd.date_range("2000-01-01", periods=n, freq="D"),
    )


def test_local_level_extrapolates_a_trend_in_a_scaled_pipeline():
    # Each TimeSeriesSplit fold is tested on levels above all it was fitted on.
    # Measured (seeds 0-2 of the series): min fold R2 0.83 with local_level=True,
    # -0.88 to 0.64 without (GRU defaults, random_state=0; README shows seed 0).
    from sklearn.model_selection import TimeSeriesSplit, cross_val_score

    X, Y = tsrnn.make_windows(_trend(200, seed=0), window=12)
    pipe = make_pipeline(
        StandardScaler(), RNNRegressor(cell="gru", local_level=True, random_state=0)
    )
    scores = cross_val_score(pipe, X, Y, cv=TimeSeriesSplit(3))
    assert scores.min() > 0.75
    assert scores.mean() > 0.85


def test_local_level_predictions_shift_with_the_level_of_inputs_and_targets(tmp_path):
    # integer-valued data: X + c and y + c are exact, so the fits are the same
    rng = np.random.default_rng(0)
    walk = np.cumsum(rng.integers(-3, 4, size=80)).astype(float)
    X, Y = tsrnn.make_windows(pd.Series(walk), window=6, horizon=2)
    X, Y = X.to_numpy(), Y.to_numpy()
    params = dict(local_level=True, hidden_size=4, max_epochs=5, random_state=0)
    base = RNNRegressor(**params).fit(X, Y)
    shifted = RNNRegressor(**params).fit(X + 1000, Y + 1000)
    np.testing.assert_allclose(
        shifted.predict(X + 1000), base.predict(X) + 1000, rtol=0, atol=1e-6
    )
    np.testing.assert_allclose(base.level_coef_, shifted.level_coef_, atol=1e-9)
    assert base.level_feature_ == 0 and base.level_coef_.shape == (2,)
    # the level link is fitted state: it survives tsrnn.save / load and pickling
    for loaded in (
        tsrnn.load(tsrnn.save(base, tmp_path / "level.tsrnn")),
        pickle.loads(pickle.dumps(base)),
    ):
        np.testing.assert_array_equal(loaded.predict(X), base.predict(X))
    assert reg().fit(X, Y).level_coef_ is None  # off by default


def test_local_level_reads_the_named_feature_at_each_sequences_last_observed_step():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 5, 2))
    X[:, :, 1] += rng.integers(0, 50, size=(30, 1))  # feature 1 holds the level
    y = X[:, -1, 1] + X[:, :, 0].sum(axis=1)
    model = reg(local_level=1).fit(X, y)
    assert model.level_feature_ == 1
    # a sequence padded at the end takes the level at its own last step
    padded = np.concatenate([X[:3], np.full((3, 2, 2), NAN)], axis=1)
    np.testing.assert_allclose(model.predict(padded), model.predict(X[:3]), atol=1e-9)
    # variable-length lists as well
    assert model.predict([x[:4] for x in X[:3]]).shape == (3,)
    # the caller's data is left untouched
    before = X.copy()
    model.predict(X)
    np.testing.assert_array_equal(X, before)
    # a trailing NaN of the level feature alone: its last observed value is used
    gap = X.copy()
    gap[0, -1, 1] = NAN
    gapped = reg(local_level=1).fit(gap, y)
    assert gapped.mask_channel_ and np.isfinite(gapped.predict(gap)).all()
    shifted = gap.copy()
    shifted[0, -2, 1] += 1.0  # now the level of sequence 0
    assert gapped.predict(shifted)[0] != gapped.predict(gap)[0]
    # after fit, set_params acts at the next fit (predict reads the fitted feature)
    model.set_params(local_level=False)
    np.testing.assert_array_equal(
        model.predict(X[:3]), reg(local_level=1).fit(X, y).predict(X[:3])
    )
