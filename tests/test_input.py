"""Every sequence input form -> one representation; the caller's data is never mutated."""

import copy

import numpy as np
import pandas as pd
import pytest

from tsrnn import RNNClassifier, RNNRegressor
from tsrnn._input import input_form, to_array3d
from tsrnn._padding import Ragged

from helpers import plain_id

NAN = np.nan


def small(**params):
    return RNNRegressor(hidden_size=4, max_epochs=2, random_state=0, **params)


def as_multiindex_frame(cube, features=("a", "b", "c")):
    """A ``(n, T, F)`` array as a DataFrame with ``(feature, step)`` columns."""
    n, n_steps, n_features = cube.shape
    columns = pd.MultiIndex.from_product(
        [list(features[:n_features]), [f"t-{n_steps - 1 - s}" for s in range(n_steps)]],
        names=["feature", "step"],
    )
    return pd.DataFrame(cube.transpose(0, 2, 1).reshape(n, -1), columns=columns)


# -- input_form / to_array3d -------------------------------------------------------

FORMS = {
    "2-D array": (np.zeros((3, 4)), "table"),
    "3-D array": (np.zeros((3, 4, 2)), "sequences"),
    "list of equal 1-D": ([np.zeros(4), np.ones(4)], "table"),
    "list of lists": ([[1.0, 2.0], [3.0, 4.0]], "table"),
    "ragged list": ([np.zeros(4), np.ones(2)], "sequences"),
    "list of 2-D": ([np.zeros((4, 2)), np.ones((4, 2))], "sequences"),
    "DataFrame": (pd.DataFrame(np.zeros((3, 4))), "table"),
    "MultiIndex DataFrame": (as_multiindex_frame(np.zeros((3, 4, 2))), "sequences"),
    "list of scalars": ([1.0, 2.0], "table"),
    "empty list": ([], "table"),
}


@pytest.mark.parametrize("name", FORMS)
def test_input_form(name):
    X, form = FORMS[name]
    assert input_form(X) == form


def test_ragged_list_is_stored_back_to_back():
    values, names = to_array3d([np.array([1.0, 2.0, 3.0]), np.array([4.0])])
    assert names is None
    assert values.values.dtype == np.float32
    assert values.shape == (2, 3, 1)  # as if NaN-padded at the end
    np.testing.assert_array_equal(values.values[:, 0], [1, 2, 3, 4])  # but not padded
    np.testing.assert_array_equal(values.padded()[:, :, 0], [[1, 2, 3], [4, NAN, NAN]])


def test_list_of_2d_arrays():
    values, _ = to_array3d([np.ones((2, 3)), np.zeros((4, 3))])
    assert values.shape == (2, 4, 3)
    assert values.values.shape == (6, 3)
    assert np.isnan(values.padded()[0, 2:]).all()


def test_multiindex_frame_maps_features_and_steps():
    cube = np.arange(2 * 3 * 2, dtype=np.float64).reshape(2, 3, 2)
    values, names = to_array3d(as_multiindex_frame(cube, features=("x", "y")))
    assert names == ["x", "y"]
    np.testing.assert_array_equal(values, cube)


def test_multiindex_frame_with_a_missing_column_is_nan_there():
    frame = as_multiindex_frame(np.ones((2, 3, 2))).drop(columns=[("b", "t-0")])
    values, _ = to_array3d(frame)
    assert values.shape == (2, 3, 2)
    assert np.isnan(values[:, 2, 1]).all()
    assert not np.isnan(values[:, :2]).any()


@pytest.mark.parametrize(
    "X",
    [
        np.ones((3, 4, 2), dtype=np.float32),
        np.ones((3, 4, 2)),
        [np.ones(3, dtype=np.float32), np.ones(2, dtype=np.float32)],
        as_multiindex_frame(np.ones((3, 4, 1), dtype=np.float32)),
        as_multiindex_frame(np.ones((3, 4, 2))),
    ],
    ids=["3-D float32", "3-D float64", "list", "frame 1 feature", "frame 2 features"],
)
def test_to_array3d_never_shares_memory_with_the_input(X):
    values, _ = to_array3d(X)
    values = values.values if isinstance(values, Ragged) else values
    source = X.to_numpy() if isinstance(X, pd.DataFrame) else X
    for part in source if isinstance(source, list) else [source]:
        assert not np.shares_memory(values, part)


TO_ARRAY3D_ERRORS = [
    (np.zeros((2, 3, 1, 1)), ValueError, "X must be 2-D or 3-D; got a 4-D"),
    (np.zeros((0, 3, 1)), ValueError, "X is empty"),
    (np.zeros((2, 0, 1)), ValueError, "0 steps"),
    (np.zeros((2, 3, 0)), ValueError, "0 features"),
    (np.full((2, 3, 1), np.inf), ValueError, "contains infinity.*NaN to mark"),
    (np.full((2, 3, 1), 1e300), ValueError, "too large for float32"),
    (np.full((2, 3, 1), "a"), TypeError, "X must hold numbers.*embedding_dim"),
    (np.ones((2, 3, 1), dtype=complex), TypeError, "complex.*two features"),
    ([np.ones((3, 2)), np.ones((3, 1))], ValueError, r"different numbers of feat"),
    ([np.ones(3), np.ones((2, 2, 2))], ValueError, r"X\[1\] must be a 1-D"),
    ([np.ones(3), np.array([1.0, np.inf])], ValueError, "contains infinity"),
    (
        pd.DataFrame(
            np.ones((2, 2)),
            columns=pd.MultiIndex.from_tuples([("a", 1, "u"), ("a", 2, "u")]),
        ),
        ValueError,
        "3-level MultiIndex columns; expected two levels",
    ),
]


@pytest.mark.parametrize(
    "X, error, match",
    TO_ARRAY3D_ERRORS,
    ids=[plain_id(c[2]) for c in TO_ARRAY3D_ERRORS],
)
def test_to_array3d_errors(X, error, match):
    with pytest.raises(error, match=match):
        to_array3d(X)


# -- every form fits and predicts through the estimators ------------------------------


def test_2d_array(rng):
    X = rng.normal(size=(30, 6))
    est = small().fit(X, X.sum(axis=1))
    assert est.layout_ == "table"
    assert est.n_features_in_ == 6
    assert est.predict(X[:5]).shape == (5,)


def test_3d_array(rng):
    X = rng.normal(size=(30, 6, 3))
    est = small().fit(X, X[:, :, 0].sum(axis=1))
    assert est.layout_ == "sequences"
    assert est.n_features_in_ == 3
    assert est.predict(X[:5]).shape == (5,)
    assert est.predict(X[:5, :2]).shape == (5,)  # sequences of another length


def test_list_of_1d_arrays_of_different_lengths(rng):
    X = [rng.normal(size=m) for m in rng.integers(2, 9, size=30)]
    est = small().fit(X, [x.sum() for x in X])
    assert est.n_features_in_ == 1
    assert est.predict(X[:4]).shape == (4,)
    assert est.predict([np.ones(20)]).shape == (1,)


def test_list_of_2d_arrays_of_different_lengths(rng):
    X = [rng.normal(size=(m, 2)) for m in rng.integers(2, 9, size=30)]
    est = small().fit(X, [x.sum() for x in X])
    assert est.n_features_in_ == 2
    assert est.predict(X[:4]).shape == (4,)


def test_dataframe_with_plain_columns(rng):
    X = pd.DataFrame(rng.normal(size=(30, 5)), columns=[f"t{i}" for i in range(5)])
    est = small().fit(X, X.sum(axis=1))
    np.testing.assert_array_equal(est.feature_names_in_, X.columns)
    assert est.predict(X.iloc[:3]).shape == (3,)


def test_dataframe_with_multiindex_columns(rng):
    X = as_multiindex_frame(rng.normal(size=(30, 4, 2)))
    est = small().fit(X, np.arange(30.0))
    np.testing.assert_array_equal(est.feature_names_in_, ["a", "b"])
    assert est.n_features_in_ == 2
    assert est.predict(X.iloc[:3]).shape == (3,)
    with pytest.raises(ValueError, match="feature names of X.*should match"):
        est.predict(as_multiindex_frame(rng.normal(size=(3, 4, 2)), ("b", "a")))


def test_token_ids_as_padded_table_and_as_ragged_list(rng):
    lists = [rng.integers(1, 7, size=m) for m in rng.integers(2, 8, size=30)]
    table = np.zeros((30, 8), dtype=np.int64)
    for i, x in enumerate(lists):
        table[i, 8 - len(x) :] = x  # left-padded with 0
    y = np.array(["many" if (x == 1).sum() > 1 else "few" for x in lists])
    y[:2] = ["many", "few"]
    params = dict(embedding_dim=3, hidden_size=4, max_epochs=2, random_state=0)
    from_table = RNNClassifier(**params).fit(table, y)
    from_list = RNNClassifier(**params).fit(lists, y)
    assert from_table.vocab_size_ == from_list.vocab_size_ == 7
    assert from_table.module_.embedding.num_embeddings == 7
    assert from_table.predict(table).shape == (30,)
    assert from_list.predict_proba(lists).shape == (30, 2)
    np.testing.assert_allclose(
        from_table.predict_proba(table), from_list.predict_proba(lists), atol=1e-6
    )


# -- equal data in different forms: equal predictions ----------------------------------


def test_3d_array_multiindex_frame_and_list_agree(rng):
    cube = rng.normal(size=(24, 5, 3))
    y = cube[:, :, 0].mean(axis=1)
    forms = {
        "3-D": cube,
        "MultiIndex": as_multiindex_frame(cube),
        "list": list(cube),
    }
    fitted = {name: small().fit(X, y) for name, X in forms.items()}
    reference = fitted["3-D"].predict(cube)
    for name, est in fitted.items():
        for X in forms.values():
            np.testing.assert_allclose(
                est.predict(X), reference, atol=1e-6, err_msg=name
            )


def test_2d_array_dataframe_and_list_agree(rng):
    table = rng.normal(size=(24, 6))
    y = table.mean(axis=1)
    est = small().fit(table, y)
    reference = est.predict(table)
    np.testing.assert_allclose(small().fit(list(table), y).predict(table), reference)
    frame = pd.DataFrame(table, columns=[f"s{i}" for i in range(6)])
    np.testing.assert_allclose(small().fit(frame, y).predict(frame), reference)
    # a model fitted on a table reads the same data as a list or as 3-D
    np.testing.assert_allclose(est.predict(list(table)), reference, atol=1e-6)
    np.testing.assert_allclose(est.predict(table[:, :, None]), reference, atol=1e-6)


def test_nan_padded_table_and_ragged_list_agree(rng):
    lists = [rng.normal(size=m) for m in rng.integers(2, 7, size=24)]
    table = np.full((24, 6), NAN)
    for i, x in enumerate(lists):
        table[i, : len(x)] = x
    y = np.array([x.mean() for x in lists])
    from_list, from_table = small().fit(lists, y), small().fit(table, y)
    np.testing.assert_allclose(from_list.predict(lists), from_table.predict(table))


# -- the caller's data is never mutated ----------------------------------------------


def _with_nans(a, rng):
    a = a.copy()
    a[rng.random(a.shape) < 0.2] = NAN
    a[:, 0] = 1.0  # every row keeps an observed step
    return a


def _inputs(rng):
    cube = rng.normal(size=(20, 5, 2))
    return {
        "2-D with NaN": _with_nans(rng.normal(size=(20, 6)), rng),
        "2-D float32": rng.normal(size=(20, 6)).astype(np.float32),
        "3-D": cube,
        "3-D with NaN": _with_nans(cube, rng),
        "list": [rng.normal(size=m) for m in rng.integers(2, 7, size=20)],
        "list float32 with NaN padding": [
            np.r_[NAN, rng.normal(size=3), NAN].astype(np.float32) for _ in range(20)
        ],
        "DataFrame": pd.DataFrame(_with_nans(rng.normal(size=(20, 4)), rng)),
        "MultiIndex DataFrame": as_multiindex_frame(_with_nans(cube, rng)),
        "tokens": np.where(rng.random((20, 6)) < 0.3, 0, rng.integers(1, 5, (20, 6))),
    }


def _assert_same(a, b):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, z in zip(a, b):
            np.testing.assert_array_equal(x, z)
            assert x.dtype == z.dtype
    else:
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype


@pytest.mark.parametrize("name", list(_inputs(np.random.default_rng(0))))
@pytest.mark.parametrize(
    "y_kind", ["array", "Series", "DataFrame"], ids=lambda k: f"y={k}"
)
def test_fit_and_predict_do_not_mutate_inputs(name, y_kind):
    rng = np.random.default_rng(0)
    X = _inputs(rng)[name]
    y = np.arange(20.0)
    y = {"array": y, "Series": pd.Series(y), "DataFrame": pd.DataFrame({"a": y})}[
        y_kind
    ]
    X_before, y_before = copy.deepcopy(X), copy.deepcopy(y)
    est = small(embedding_dim=2 if name == "tokens" else None)
    est.fit(X, y)
    est.predict(X)
    est.score(X, y)
    _assert_same(X, X_before)
    _assert_same(y, y_before)


def test_classifier_does_not_mutate_labels(rng):
    X = rng.normal(size=(20, 4))
    y = np.array(["b", "a"] * 10, dtype=object)
    y_series = pd.Series(y)
    before = y.copy(), y_series.copy()
    clf = RNNClassifier(hidden_size=4, max_epochs=1, random_state=0)
    clf.fit(X, y)
    clf.fit(X, y_series)
    np.testing.assert_array_equal(y, before[0])
    pd.testing.assert_series_equal(y_series, before[1])
