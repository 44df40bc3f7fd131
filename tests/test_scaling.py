"""Per-series scaling: each scaler's (center, scale) against numpy, NaN, constants."""

import numpy as np
import pandas as pd
import pytest

from tsrnn import LSTMForecaster
from tsrnn._scaling import SCALERS, TRANSFORMS, fit_scaler

from helpers import scaling_by_hand

NAN = np.nan


@pytest.mark.parametrize("scaler", list(SCALERS))
def test_each_scaler_against_numpy_with_missing_values_left_out(scaler):
    rng = np.random.default_rng(0)
    a = rng.normal(5, 2, size=(30, 2))
    a[[3, 17], 0] = NAN  # a missing value in one target only
    a[[8], :] = NAN  # a missing step
    b = rng.normal(-100, 30, size=(12, 2))
    center, scale = fit_scaler([a, b], scaler)
    assert center.shape == scale.shape == (2, 2)
    for i, values in enumerate([a, b]):
        for j in range(2):
            expected = scaling_by_hand(values[:, j], scaler)
            assert (center[i, j], scale[i, j]) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("scaler", ["standard", "robust", "mean"])
def test_a_target_without_spread_gets_scale_one(scaler):
    # no spread: a constant for standard and robust, zeros for mean (|y| = 0)
    level = 0.0 if scaler == "mean" else 7.0
    values = np.array([[level, 1.0], [level, 2.0], [level, 4.0], [level, 8.0]])
    center, scale = fit_scaler([values], scaler)
    assert scale[0, 0] == 1.0  # not 0: nothing divides by zero
    assert center[0, 0] == level
    assert scale[0, 1] == pytest.approx(scaling_by_hand(values[:, 1], scaler)[1])


def test_a_target_with_no_observed_value_is_left_unscaled_alone():
    values = np.array([[1.0, NAN], [3.0, NAN], [NAN, NAN], [5.0, NAN]])
    center, scale = fit_scaler([values], "standard")
    # the empty target gets (0, 1); the other target is still scaled
    np.testing.assert_array_equal(center, [[3.0, 0.0]])
    np.testing.assert_allclose(scale, [[np.std([1.0, 3.0, 5.0]), 1.0]])
    center, scale = fit_scaler([np.full((3, 1), NAN)], "robust")
    np.testing.assert_array_equal(np.c_[center, scale], [[0.0, 1.0]])


def test_scales_at_the_tiny_threshold():
    values = np.array([[0.0], [2e-13]])  # std 1e-13: a constant
    assert fit_scaler([values], "standard")[1][0, 0] == 1.0
    values = np.array([[0.0], [2e-11]])  # std 1e-11: kept
    assert fit_scaler([values], "standard")[1][0, 0] == pytest.approx(1e-11)
    values = np.array([[0.0], [0.0], [1e-12], [1e-12]])  # IQR exactly 1e-12
    assert fit_scaler([values], "robust")[1][0, 0] == 1.0  # at the threshold: 1


def test_float32_input_gives_float64_statistics():
    values = np.array([[1.0], [2.0], [4.0]], dtype=np.float32)
    for scaler in SCALERS:
        center, scale = fit_scaler([values], scaler)
        assert center.dtype == scale.dtype == np.float64


def test_transforms_are_inverted_exactly_inside_their_domain():
    y = np.array([1e-3, 0.5, 1.0, 10.0, 1e4])
    for forward, inverse, bound in TRANSFORMS.values():
        assert (y > bound).all()
        np.testing.assert_allclose(inverse(forward(y)), y, rtol=1e-12)
    assert TRANSFORMS["log"][2] == 0.0 and TRANSFORMS["log1p"][2] == -1.0
    np.testing.assert_allclose(TRANSFORMS["log1p"][0](np.array([0.0])), [0.0])


def test_a_forecaster_with_an_empty_target_still_scales_the_other():
    # two targets; "b" is never observed in this series: "a" keeps its own scale
    t = pd.date_range("2021-01-01", periods=40, freq="D")
    frame = pd.DataFrame({"a": 100 + 10 * np.sin(np.arange(40.0)), "b": NAN}, index=t)
    other = pd.DataFrame({"a": 1.0 + np.arange(40.0), "b": np.arange(40.0)}, index=t)
    panel = pd.concat({"x": frame, "y": other}, names=["id", "time"])
    est = LSTMForecaster(horizon=2, hidden_size=4, max_epochs=1, random_state=0)
    est.fit(panel)
    assert est.center_[0, 0] == pytest.approx(frame["a"].mean())
    assert est.scale_[0, 0] == pytest.approx(frame["a"].std(ddof=0))
    assert (est.center_[0, 1], est.scale_[0, 1]) == (0.0, 1.0)


@pytest.mark.parametrize("transform", [None, "log", "log1p"])
def test_transform_and_its_inverse_give_back_the_original_units(transform):
    from tsrnn._scaling import apply_target_transform, inverse_transform
    from tsrnn._scaling import transform as scale

    y = np.array([[1.0, 5.0], [2.0, 50.0], [4.0, 500.0], [np.nan, 5000.0]])
    model = apply_target_transform(y, transform)
    center, spread = fit_scaler([model], "standard")
    network = scale(model, center[0], spread[0])
    assert np.nanmean(network, axis=0) == pytest.approx([0.0, 0.0], abs=1e-12)
    np.testing.assert_allclose(
        inverse_transform(network, center[0], spread[0], transform), y, rtol=1e-12
    )


def test_a_target_outside_the_transform_domain_names_the_series_and_the_fix():
    from tsrnn._scaling import apply_target_transform

    with pytest.raises(ValueError, match="Series 'a' of X has 2 value.*'log1p'"):
        apply_target_transform(np.array([1.0, 0.0, -1.0]), "log", "Series 'a' of X")


def test_covariates_scale_to_unit_spread_and_a_constant_column_keeps_scale_one():
    from tsrnn._scaling import fit_covariate_scaler

    covs = np.c_[np.arange(10.0), np.full(10, 7.0)]
    center, scale = fit_covariate_scaler(covs)
    np.testing.assert_allclose(center, [4.5, 7.0])
    np.testing.assert_allclose(scale, [np.arange(10.0).std(), 1.0])
    center, scale = fit_covariate_scaler(np.zeros((5, 0)))
    assert center.shape == scale.shape == (0,)
