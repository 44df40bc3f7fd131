"""Per-step estimators (many-to-many): forms, padding, causality, learning, contract."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import tsrnn
from tsrnn import RNNSequenceClassifier, RNNSequenceRegressor
from tsrnn._batches import SequenceBatches

NAN = np.nan
TINY = dict(hidden_size=8, max_epochs=3, random_state=0)


def running(n=60, seed=0, low=4, high=15):
    """Sequences and, per step, the sign of the running sum (a causal rule)."""
    rng = np.random.default_rng(seed)
    X = [rng.normal(size=k) for k in rng.integers(low, high, size=n)]
    return X, [np.where(np.cumsum(x) > 0, "up", "down") for x in X]


@pytest.fixture(scope="module")
def regressor():
    X, _ = running()
    return RNNSequenceRegressor(**TINY).fit(X, [np.cumsum(x) for x in X])


@pytest.fixture(scope="module")
def classifier():
    return RNNSequenceClassifier(**TINY).fit(*running())


def test_predictions_come_in_the_form_of_x(regressor, classifier):
    X, _ = running(5, seed=1)
    assert [p.shape for p in regressor.predict(X)] == [x.shape for x in X]
    assert [p.shape for p in classifier.predict_proba(X)] == [(len(x), 2) for x in X]
    table = np.full((2, 9), NAN)
    table[0, 2:7] = X[0][:5]  # padded at both ends
    table[1, :] = X[1][:9] if len(X[1]) >= 9 else np.r_[X[1], [0.0] * (9 - len(X[1]))]
    out = regressor.predict(table)
    assert out.shape == (2, 9) and np.isnan(out[0, [0, 1, 7, 8]]).all()
    labels = classifier.predict(table)
    assert (
        labels.shape == (2, 9)
        and labels[0, 0] is None
        and labels[0, 3]
        in {
            "up",
            "down",
        }
    )
    # several outputs per step, 3-D in and out
    rng = np.random.default_rng(0)
    X3 = rng.normal(size=(20, 6, 2))
    y3 = np.cumsum(X3, axis=1)
    assert RNNSequenceRegressor(**TINY).fit(X3, y3).predict(X3).shape == (20, 6, 2)


def test_per_step_pad_invariance(regressor, classifier):
    rng = np.random.default_rng(3)
    seq = rng.normal(size=6)
    alone = regressor.predict([seq])[0]
    others, _ = running(12, seed=4, low=2, high=20)
    for lead, trail in [(0, 0), (3, 0), (0, 5), (2, 9)]:
        table = np.full((1 + len(others), lead + 6 + trail + 20), NAN)
        table[0, lead : lead + 6] = seq
        for i, x in enumerate(others, 1):
            table[i, : len(x)] = x
        padded = regressor.predict(table)[0, lead : lead + 6]
        np.testing.assert_allclose(padded, alone, atol=1e-5)
        batch = regressor.predict([*others[:5], seq, *others[5:]])[5]
        np.testing.assert_allclose(batch, alone, atol=1e-5)
    proba = classifier.predict_proba([seq, *others])[0]
    np.testing.assert_allclose(proba, classifier.predict_proba([seq])[0], atol=1e-5)


def test_a_unidirectional_model_is_causal():
    X, y = running(40)
    causal = RNNSequenceClassifier(**TINY).fit(X, y)
    both = RNNSequenceClassifier(bidirectional=True, **TINY).fit(X, y)
    seq = np.random.default_rng(5).normal(size=10)
    changed = seq.copy()
    changed[6:] += 5.0  # later steps only
    for est, same in ((causal, True), (both, False)):
        a, b = est.predict_proba([seq])[0], est.predict_proba([changed])[0]
        np.testing.assert_allclose(a[:6], b[:6], atol=1e-6) if same else None
        assert np.allclose(a[:6], b[:6], atol=1e-6) == same


def test_a_known_per_step_rule_is_learned_well_above_the_majority():
    X, y = running(300, seed=0)
    Xt, yt = running(100, seed=1)
    clf = RNNSequenceClassifier(random_state=0).fit(X, y)
    labels = np.concatenate(yt)
    majority = max(np.mean(labels == "up"), np.mean(labels == "down"))
    assert clf.score(Xt, yt) > 0.9 > majority + 0.2
    reg = RNNSequenceRegressor(random_state=0).fit(X, [np.cumsum(x) for x in X])
    assert reg.score(Xt, [np.cumsum(x) for x in Xt]) > 0.9


def test_padding_and_missing_targets_are_left_out_of_the_loss():
    inputs = torch.arange(7.0)[:, None]  # two sequences: 3 and 4 steps
    targets = torch.tensor([[1.0], [0.0], [3.0], [4.0], [5.0], [0.0], [7.0]])
    mask = torch.tensor([[1.0], [0.0], [1.0], [1.0], [1.0], [0.0], [1.0]])  # 2 NaN
    batches = SequenceBatches(inputs, [3, 4], targets, mask, step_targets=True)
    batch = batches.gather(torch.tensor([0, 1]))
    assert batch.targets.shape == (2, 4, 1)
    expected = [[1, 0, 1, 0], [1, 1, 0, 1]]  # padding step and missing targets: 0
    assert batch.mask[..., 0].tolist() == expected
    sub = batches.subset(np.array([1]))
    assert sub.targets[:, 0].tolist() == [4.0, 5.0, 0.0, 7.0]


def test_missing_labels_and_targets_are_skipped_in_fit_and_score():
    X, y = running(40)
    holes = [np.where(np.arange(len(v)) % 3 == 0, None, v).astype(object) for v in y]
    clf = RNNSequenceClassifier(**TINY).fit(X, holes)
    assert list(clf.classes_) == ["down", "up"]
    scored = clf.score(X, holes)
    kept = np.concatenate([np.arange(len(v)) % 3 != 0 for v in y])
    pred = np.concatenate(clf.predict(X))
    assert scored == pytest.approx(np.mean(pred[kept] == np.concatenate(y)[kept]))
    targets = [np.where(np.arange(len(x)) % 2, NAN, np.cumsum(x)) for x in X]
    reg = RNNSequenceRegressor(**TINY).fit(X, targets)
    assert np.isfinite(reg.score(X, targets))


@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_truncation_cuts_targets_with_their_steps(truncating):
    X, y = running(40, low=8, high=16)
    clf = RNNSequenceClassifier(max_length=5, truncating=truncating, **TINY).fit(X, y)
    cut = [x[-5:] if truncating == "pre" else x[:5] for x in X]
    cut_y = [v[-5:] if truncating == "pre" else v[:5] for v in y]
    by_hand = RNNSequenceClassifier(**TINY).fit(cut, cut_y)
    np.testing.assert_allclose(
        np.concatenate([p[~np.isnan(p[:, 0])] for p in clf.predict_proba(X)]),
        np.concatenate(by_hand.predict_proba(cut)),
        rtol=1e-5,
    )
    labels = clf.predict(X[:1])[0]
    dropped = slice(0, len(X[0]) - 5) if truncating == "pre" else slice(5, None)
    assert all(v is None for v in labels[dropped])


def test_token_ids_make_a_next_token_model():
    rng = np.random.default_rng(0)
    text = [rng.integers(1, 6, size=k) for k in rng.integers(5, 12, size=60)]
    X = [t[:-1] for t in text]
    y = [t[1:] for t in text]
    clf = RNNSequenceClassifier(embedding_dim=4, **TINY).fit(X, y)
    proba = clf.predict_proba(X[:2])
    assert proba[0].shape == (len(X[0]), len(clf.classes_))
    np.testing.assert_allclose(proba[0].sum(axis=1), 1.0, rtol=1e-5)


def test_the_scikit_learn_contract_that_applies(tmp_path, classifier):
    X, y = running(30)
    est = RNNSequenceClassifier(**TINY)
    assert clone(est).get_params() == est.get_params()
    with pytest.raises(NotFittedError):
        est.predict(X)
    pipe = make_pipeline(
        FunctionTransformer(lambda v: v), RNNSequenceClassifier(**TINY)
    )
    assert 0.0 <= pipe.fit(X, y).score(X, y) <= 1.0
    search = GridSearchCV(RNNSequenceClassifier(**TINY), {"hidden_size": [4, 8]}, cv=2)
    assert search.fit(X, y).best_params_["hidden_size"] in (4, 8)
    expected = classifier.predict_proba(X)
    for loaded in (
        pickle.loads(pickle.dumps(classifier)),
        tsrnn.load(tsrnn.save(classifier, tmp_path / "m.tsrnn")),
    ):
        for a, b in zip(loaded.predict_proba(X), expected):
            np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize(
    "y, match",
    [
        (lambda X: [v[:-1] for v in X], r"y\[0\] has \d+ targets, but X\[0\] has"),
        (lambda X: np.zeros(len(X)), "must be a list of target arrays"),
        (lambda X: [1.0] * len(X), r"y\[0\] is one value, not a target per step"),
        (lambda X: X[:-1], "sequences of targets, X has"),
    ],
)
def test_targets_not_aligned_with_the_steps_are_refused(y, match):
    X, _ = running(10)
    with pytest.raises(ValueError, match=match):
        RNNSequenceRegressor(**TINY).fit(X, y(X))


def test_a_nan_among_string_labels_is_a_missing_label_not_a_class():
    X, y = running(40)
    holes = [
        [np.nan if k % 4 == 0 else v for k, v in enumerate(labels)] for labels in y
    ]
    clf = RNNSequenceClassifier(**TINY).fit(X, holes)
    assert clf.classes_.tolist() == ["down", "up"]


def test_integer_labels_without_padding_predict_integers():
    rng = np.random.default_rng(0)
    tokens = rng.integers(1, 6, size=(40, 8))  # a next-token model's ids
    clf = RNNSequenceClassifier(embedding_dim=4, **TINY).fit(
        tokens[:, :-1], tokens[:, 1:]
    )
    pred = clf.predict(tokens[:2, :-1])
    assert pred.shape == (2, 7) and pred.dtype.kind == "i"


def test_targets_that_do_not_line_up_with_the_steps_of_x_are_refused():
    import pandas as pd

    rng = np.random.default_rng(0)
    X = np.full((30, 10), NAN)
    for i in range(30):
        X[i, 3:] = rng.normal(size=7)  # padded at the start
    y_wrong_side = np.where(np.isnan(X), NAN, 1.0)[:, ::-1]  # padded at the end
    with pytest.raises(ValueError, match="targets on steps that are padding in X"):
        RNNSequenceRegressor(**TINY).fit(X, y_wrong_side)
    with pytest.raises(ValueError, match=r"shape \(n_samples=30, n_steps=10"):
        RNNSequenceRegressor(**TINY).fit(X, np.ones((30, 12)))
    frame = pd.DataFrame(np.nan_to_num(X))
    targets = pd.DataFrame(np.cumsum(np.nan_to_num(X), axis=1))
    with pytest.raises(ValueError, match="different indexes"):
        RNNSequenceRegressor(**TINY).fit(frame, targets.iloc[::-1])
    with pytest.raises(ValueError, match="infinite target"):
        RNNSequenceRegressor(**TINY).fit(frame, targets.replace(0.0, np.inf))


def test_score_weighs_each_sequence_s_steps_and_labels_are_one_kind(classifier):
    X, y = running(30, seed=7)
    weights = np.r_[np.zeros(15), np.ones(15)]
    assert classifier.score(X, y, sample_weight=weights) == pytest.approx(
        classifier.score(X[15:], y[15:])
    )
    mixed = [np.array([True, 1] * len(x), dtype=object)[: len(x)] for x in X]
    with pytest.raises(TypeError, match="several kinds"):
        RNNSequenceClassifier(**TINY).fit(X, mixed)


def test_y_step_columns_pair_with_x_s_and_numpy_nan_strings_are_refused():
    import pandas as pd

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(30, 6)), columns=[f"t{k}" for k in range(6)])
    y = X.cumsum(axis=1)
    with pytest.raises(ValueError, match="step columns .* are not X's"):
        RNNSequenceRegressor(**TINY).fit(X, y[y.columns[::-1]])
    labels = np.array([["a", "b", np.nan]] * 30)  # numpy: 'nan', a string
    with pytest.raises(ValueError, match="holding 'nan'"):
        RNNSequenceClassifier(**TINY).fit(X.iloc[:, :3].to_numpy(), labels)


def test_scores_read_each_output_s_observed_steps_and_refuse_nothing_to_score():
    X, _ = running(40)
    both = [np.c_[np.cumsum(x), -np.cumsum(x)] for x in X]
    holes = [b.copy() for b in both]
    for h in holes:
        h[::3, 1] = np.nan  # the second output is missing on every third step
    reg = RNNSequenceRegressor(**TINY).fit(X, both)
    from sklearn.metrics import r2_score

    pred = np.concatenate(reg.predict(X))
    flat = np.concatenate(holes)
    expected = np.mean(
        [
            r2_score(flat[~np.isnan(flat[:, j]), j], pred[~np.isnan(flat[:, j]), j])
            for j in (0, 1)
        ]
    )
    assert reg.score(X, holes) == pytest.approx(expected)
    with pytest.raises(
        ValueError, match=r"no target at any step for output\(s\) \[1\]"
    ):
        RNNSequenceRegressor(**TINY).fit(
            X, [np.c_[b[:, :1], b[:, 1:] * np.nan] for b in both]
        )
    clf = RNNSequenceClassifier(**TINY).fit(
        X, [np.where(b[:, 0] > 0, "1", "0") for b in both]
    )
    with pytest.raises(ValueError, match="Mix of label input types"):
        clf.score(X, [np.where(b[:, 0] > 0, 1, 0) for b in both])
    with pytest.raises(ValueError, match="nothing to score"):
        clf.score(X, [np.full(len(x), None, dtype=object) for x in X])
