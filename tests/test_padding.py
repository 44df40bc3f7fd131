"""NaN padding -> lengths, alignment, masks; the pad-invariance contract end to end."""

import numpy as np
import pytest

from tsrnn import RNNClassifier, RNNRegressor
from tsrnn._padding import (
    Ragged,
    align,
    has_interior_missing,
    network_values,
    step_rows,
    token_ids,
    truncate,
)

NAN = np.nan

# -- the helpers ---------------------------------------------------------------------


def test_align_moves_valid_steps_first_and_trims():
    values = np.array(
        [
            [NAN, NAN, 1, 2, NAN],
            [3, 4, 5, 6, 7],
            [NAN, 8, NAN, 9, NAN],
        ],
        dtype=np.float32,
    )[:, :, None]
    before = values.copy()
    aligned = align(values)
    assert aligned.lengths.dtype == np.int64
    np.testing.assert_array_equal(aligned.lengths, [2, 5, 3])
    np.testing.assert_array_equal(
        aligned.values[:, 0], [1, 2, 3, 4, 5, 6, 7, 8, NAN, 9]
    )
    expected = np.array(
        [[1, 2, NAN, NAN, NAN], [3, 4, 5, 6, 7], [8, NAN, 9, NAN, NAN]],
        dtype=np.float32,
    )
    np.testing.assert_array_equal(aligned.padded()[:, :, 0], expected)
    np.testing.assert_array_equal(values, before)  # input untouched


def test_align_row_that_starts_late_and_ends_at_the_last_step():
    # row 0 has leading padding and no trailing padding; shifting it left must not
    # repeat its last value into the step after its end
    values = np.array([[NAN, 1, 2], [3, 4, 5]], dtype=np.float32)[:, :, None]
    aligned, lengths = align(values)
    np.testing.assert_array_equal(lengths, [2, 3])
    np.testing.assert_array_equal(aligned[:, 0], [1, 2, 3, 4, 5])


def test_align_trims_common_padding():
    values = np.full((2, 6, 2), NAN, dtype=np.float32)
    values[0, 1:3] = 1.0
    values[1, 2:5] = 2.0
    aligned = align(values)
    assert aligned.shape == (2, 3, 2)  # as if padded to the longest
    assert aligned.values.shape == (5, 2)  # stored: the valid steps only
    np.testing.assert_array_equal(aligned.lengths, [2, 3])
    assert np.isnan(aligned.padded()[0, 2]).all()


def test_align_full_length_rows_pass_through():
    values = np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    aligned, lengths = align(values)
    np.testing.assert_array_equal(aligned, values.reshape(6, 2))
    np.testing.assert_array_equal(lengths, [3, 3])
    assert np.shares_memory(aligned, values)  # nothing to move: no copy made


def test_a_step_exists_when_any_feature_is_observed():
    values = np.array([[[NAN, 1.0], [NAN, NAN], [2.0, NAN]]], dtype=np.float32)
    aligned = align(values)
    np.testing.assert_array_equal(aligned.lengths, [3])
    assert has_interior_missing(aligned)


def test_align_rejects_all_nan_rows():
    values = np.ones((3, 4, 1), dtype=np.float32)
    values[1] = NAN
    with pytest.raises(
        ValueError, match=r"^X has 1 sequence\(s\) with no observed.*row 1"
    ):
        align(values)


def test_interior_missing_ignores_padding():
    values = np.array([[NAN, 1, 2, NAN], [1, NAN, 2, 3]], dtype=np.float32)[..., None]
    assert not has_interior_missing(align(values[:1]))
    assert has_interior_missing(align(values))


def test_network_values_mask_channel():
    aligned = Ragged(np.array([[1.0], [NAN], [0.0]], dtype=np.float32), np.array([3]))
    plain = network_values(aligned, mask_channel=False)
    np.testing.assert_array_equal(plain[:, 0], [1, 0, 0])
    masked = network_values(aligned, mask_channel=True)
    assert masked.shape == (3, 2)
    assert masked.dtype == np.float32
    np.testing.assert_array_equal(masked[:, 1], [1, 0, 1])  # the NaN is not a 0
    # float64 in, the network's float32 out, C-contiguous for torch.from_numpy
    wide = network_values(
        aligned._replace(values=aligned.values.astype(np.float64)), mask_channel=True
    )
    assert wide.dtype == np.float32 and wide.flags.c_contiguous
    np.testing.assert_array_equal(wide, masked)


def test_token_ids():
    values = np.array([[3, 1, NAN], [2, 0, NAN]], dtype=np.float32)[..., None]
    aligned = align(values, padding=0.0)  # 0 = padding, like NaN
    np.testing.assert_array_equal(aligned.lengths, [2, 1])
    ids = token_ids(aligned)
    assert ids.dtype == np.int64
    np.testing.assert_array_equal(ids, [3, 1, 2])
    # an interior 0 or NaN is the padding id
    inside = align(np.array([[[5], [0], [NAN], [6]]], dtype=np.float32), padding=0.0)
    np.testing.assert_array_equal(token_ids(inside), [5, 0, 0, 6])


def test_token_id_errors_name_the_estimators_argument():
    from tsrnn import RNNClassifier

    clf = RNNClassifier(embedding_dim=4, hidden_size=4, max_epochs=1)
    with pytest.raises(
        ValueError, match="^With embedding_dim set, X must hold non-neg"
    ):
        clf.fit([np.array([1, -2, 3]), np.array([4, 5])], [0, 1])


@pytest.mark.parametrize(
    "values, match",
    [
        (np.ones((2, 3, 2)), "one token id per step"),
        (np.array([[[1.0], [-2.0]]]), "non-negative integer token ids"),
        (np.array([[[1.0], [2.5]]]), "non-negative integer token ids"),
    ],
)
def test_token_ids_errors(values, match):
    with pytest.raises(ValueError, match=match):
        token_ids(align(values.astype(np.float32)))


# -- pad invariance through the estimators ---------------------------------------------

CONFIGS = {
    "lstm": dict(cell="lstm"),
    "gru": dict(cell="gru"),
    "rnn": dict(cell="rnn"),
    "lstm-bidirectional": dict(cell="lstm", bidirectional=True),
    "gru-2-layers": dict(cell="gru", num_layers=2),
    "rnn-bidirectional-2-layers": dict(cell="rnn", bidirectional=True, num_layers=2),
}


def ragged(rng, n, n_features=None, low=3, high=12):
    shape = (lambda m: (m,)) if n_features is None else (lambda m: (m, n_features))
    return [rng.normal(size=shape(m)) for m in rng.integers(low, high, size=n)]


def padded_rows(seq, pads, width):
    """``seq`` (1-D) NaN-padded with each ``(lead, trail)`` in ``pads``, in one table."""
    rows = np.full((len(pads), width), NAN)
    for i, (lead, trail) in enumerate(pads):
        assert lead + len(seq) + trail <= width
        rows[i, lead : lead + len(seq)] = seq
    return rows


@pytest.fixture(scope="module", params=sorted(CONFIGS), ids=str)
def fitted(request):
    rng = np.random.default_rng(1)
    X = ragged(rng, 48)
    y = np.array([x.sum() for x in X])
    est = RNNRegressor(
        hidden_size=6, max_epochs=3, learning_rate=0.05, random_state=0
    ).set_params(**CONFIGS[request.param])
    return est.fit(X, y)


def test_leading_and_trailing_nan_padding_does_not_change_prediction(fitted):
    seq = np.random.default_rng(2).normal(size=5)
    alone = fitted.predict([seq])
    pads = [(0, 0), (1, 0), (0, 1), (7, 0), (0, 9), (3, 4), (9, 2)]
    padded = fitted.predict(padded_rows(seq, pads, width=16))
    assert np.abs(padded - alone).max() < 1e-5


def test_prediction_does_not_depend_on_the_rest_of_the_batch(fitted):
    rng = np.random.default_rng(3)
    seq = rng.normal(size=4)
    alone = fitted.predict([seq])[0]
    longer = ragged(rng, 20, low=6, high=30)
    for position in (0, 7, 20):
        batch = [*longer[:position], seq, *longer[position:]]
        assert abs(fitted.predict(batch)[position] - alone) < 1e-5
    # the same in a 2-D table where the short row is left-padded
    table = np.full((len(longer) + 1, 30), NAN)
    for i, x in enumerate(longer):
        table[i, : len(x)] = x
    table[-1, -len(seq) :] = seq
    assert abs(fitted.predict(table)[-1] - alone) < 1e-5


@pytest.mark.parametrize("config", ["lstm", "lstm-bidirectional"])
def test_multivariate_padding_invariance(config):
    rng = np.random.default_rng(4)
    X = ragged(rng, 40, n_features=3)
    y = np.array([x[:, 0].mean() for x in X])
    est = RNNRegressor(hidden_size=5, max_epochs=2, random_state=0)
    est.set_params(**CONFIGS[config]).fit(X, y)
    seq = rng.normal(size=(5, 3))
    alone = est.predict([seq])
    cube = np.full((3, 12, 3), NAN)
    cube[0, :5] = seq
    cube[1, 7:] = seq
    cube[2, 3:8] = seq
    assert np.abs(est.predict(cube) - alone).max() < 1e-5


def test_token_padding_invariance():
    rng = np.random.default_rng(5)
    X = [rng.integers(1, 9, size=m) for m in rng.integers(3, 10, size=40)]
    y = np.array([int((x == 1).sum() > 1) for x in X])
    clf = RNNClassifier(
        cell="gru", embedding_dim=3, hidden_size=5, max_epochs=2, random_state=0
    ).fit(X, y)
    seq = np.array([4, 1, 7, 2])
    alone = clf.predict_proba([seq])
    table = np.zeros((4, 12), dtype=np.int64)
    table[0, :4] = seq
    table[1, 8:] = seq
    table[2, 3:7] = seq
    table[3] = rng.integers(1, 9, size=12)  # a full-length neighbour
    assert np.abs(clf.predict_proba(table)[:3] - alone).max() < 1e-5


# -- interior NaN: a missing value, signalled by a mask channel ---------------------


@pytest.fixture(scope="module")
def with_missing():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(40, 8, 2))
    y = np.nansum(X[:, :, 0], axis=1)
    X[rng.random(X.shape) < 0.15] = NAN
    X[:, 0, :] = rng.normal(size=(40, 2))  # keep every row's first step observed
    X[:, -1, :] = rng.normal(size=(40, 2))
    return RNNRegressor(hidden_size=6, max_epochs=3, random_state=0).fit(X, y)


def test_interior_nan_adds_a_mask_channel(with_missing):
    est = with_missing
    assert est.mask_channel_ is True
    assert est.n_features_in_ == 2
    assert est.module_.rnn.input_size == 2 * 2


def test_interior_nan_is_not_a_zero(with_missing):
    est = with_missing
    seq = np.random.default_rng(7).normal(size=(1, 6, 2))
    missing, zero = seq.copy(), seq.copy()
    missing[0, 2, 1] = NAN
    zero[0, 2, 1] = 0.0
    pred_missing, pred_zero = est.predict(missing), est.predict(zero)
    assert np.isfinite(pred_missing).all()
    assert abs(pred_missing[0] - pred_zero[0]) > 1e-6


def test_interior_nan_stays_missing_when_padded(with_missing):
    est = with_missing
    seq = np.random.default_rng(8).normal(size=(6, 2))
    seq[3] = NAN  # a whole missing step inside
    cube = np.full((2, 10, 2), NAN)
    cube[0, :6] = seq
    cube[1, 4:] = seq
    pred = est.predict(cube)
    assert abs(pred[0] - pred[1]) < 1e-5
    assert abs(pred[0] - est.predict([seq])[0]) < 1e-5


def test_data_without_missing_values_has_no_mask_channel():
    rng = np.random.default_rng(9)
    X = ragged(rng, 20)
    est = RNNRegressor(hidden_size=4, max_epochs=1, random_state=0)
    est.fit(X, np.zeros(20))
    assert est.mask_channel_ is False
    assert est.module_.rnn.input_size == 1


def test_step_rows_and_ragged_shape():
    np.testing.assert_array_equal(
        step_rows(np.array([5, 0, 9]), np.array([2, 3, 0])), [5, 6, 0, 1, 2]
    )
    ragged = Ragged(np.arange(6.0)[:, None], np.array([1, 5]))
    assert ragged.shape == (2, 5, 1)
    np.testing.assert_array_equal(ragged.offsets, [0, 1])
    np.testing.assert_array_equal(
        ragged.padded()[:, :, 0], [[0, NAN, NAN, NAN, NAN], [1, 2, 3, 4, 5]]
    )


# -- truncation: max_length / truncating ---------------------------------------------
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("max_length", [1, 3, 7, 50])
def test_truncate_keeps_exactly_the_intended_steps(max_length, truncating):
    rng = np.random.default_rng(max_length)
    seqs = [rng.normal(size=(n, 2)) for n in rng.integers(1, 12, size=30)]
    seqs[4] = rng.normal(size=(6, 2))
    seqs[4][2, :] = NAN  # a missing step inside is a step
    aligned = align(Ragged(np.concatenate(seqs), np.array([len(x) for x in seqs])))
    cut = truncate(aligned, max_length, truncating)
    for i, seq in enumerate(seqs):
        kept = seq[-max_length:] if truncating == "pre" else seq[:max_length]
        got = cut.values[cut.offsets[i] : cut.offsets[i] + cut.lengths[i]]
        np.testing.assert_array_equal(got, kept)
    assert truncate(aligned, None) is aligned  # None keeps every step


def test_steps_are_counted_after_the_padding_is_trimmed():
    table = np.array([[NAN, NAN, 1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, NAN, NAN, NAN]])
    cut = truncate(align(table[:, :, None]), 2, "pre")
    assert cut.values[:, 0].tolist() == [3.0, 4.0, 2.0, 3.0]
    cut = truncate(align(table[:, :, None]), 2, "post")
    assert cut.values[:, 0].tolist() == [1.0, 2.0, 1.0, 2.0]


@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("cls", [RNNRegressor, RNNClassifier])
def test_max_length_is_the_same_as_cutting_the_sequences_first(cls, truncating):
    """fit and predict alike: a model with max_length=k on long sequences is the
    model fitted and asked on the sequences cut to k steps by hand."""
    rng = np.random.default_rng(0)
    X = ragged(rng, 40, low=2, high=20)
    y = np.array([x[-2:].sum() for x in X])
    if cls is RNNClassifier:
        y = np.where(y > 0, "up", "down")
    cut = [x[-5:] if truncating == "pre" else x[:5] for x in X]
    params = dict(hidden_size=4, max_epochs=3, random_state=0)
    truncated = cls(max_length=5, truncating=truncating, **params).fit(X, y)
    by_hand = cls(**params).fit(cut, y)
    predict = "predict_proba" if cls is RNNClassifier else "predict"
    np.testing.assert_allclose(
        getattr(truncated, predict)(X), getattr(by_hand, predict)(cut), rtol=1e-5
    )
    # a 2-D table, NaN-padded at either end, is cut the same way
    table = np.full((len(X), 25), NAN)
    for i, x in enumerate(X):
        table[i, 3 : 3 + len(x)] = x
    np.testing.assert_allclose(
        getattr(truncated, predict)(table), getattr(by_hand, predict)(cut), rtol=1e-5
    )


@pytest.mark.parametrize(
    "params, match",
    [({"max_length": 0}, "max_length"), ({"truncating": "middle"}, "truncating")],
)
def test_truncation_parameters_are_validated(params, match):
    from sklearn.utils._param_validation import InvalidParameterError

    X, y = np.ones((6, 4)), np.arange(6.0)
    with pytest.raises(InvalidParameterError, match=match):
        RNNRegressor(max_epochs=1, **params).fit(X, y)
