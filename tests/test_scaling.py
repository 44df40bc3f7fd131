"""Per-series scaling: each scaler's (center, scale) against numpy, NaN, constants."""

import numpy as np
import pandas as pd
import pytest

from tsrnn import LSTMForecaster
from tsrnn._scaling import (
    SCALERS,
    TRANSFORMS,
    divisor,
    fit_covariate_scaler,
    fit_scaler,
    inverse_transform,
    transform,
)

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
def test_a_target_without_spread_gets_scale_zero_and_its_own_divisor(scaler):
    # no spread: a constant for standard and robust, zeros for mean (|y| = 0)
    level = 0.0 if scaler == "mean" else 7.0
    values = np.array([[level, 1.0], [level, 2.0], [level, 4.0], [level, 8.0]])
    center, scale = fit_scaler([values], scaler)
    assert scale[0, 0] == 0.0  # no spread: a forecast adds nothing to its baseline
    assert center[0, 0] == level
    # inputs are divided by the constant's own magnitude (1 for zeros), never by 0
    assert divisor(center, scale)[0, 0] == (1.0 if level == 0 else 7.0)
    np.testing.assert_array_equal(transform(values, center, scale)[:, 0], 0.0)
    assert scale[0, 1] == pytest.approx(scaling_by_hand(values[:, 1], scaler)[1])


def test_a_target_with_no_observed_value_is_left_unscaled_alone():
    values = np.array([[1.0, NAN], [3.0, NAN], [NAN, NAN], [5.0, NAN]])
    center, scale = fit_scaler([values], "standard")
    # the empty target gets (0, 1); the other target is still scaled
    np.testing.assert_array_equal(center, [[3.0, 0.0]])
    np.testing.assert_allclose(scale, [[np.std([1.0, 3.0, 5.0]), 1.0]])
    center, scale = fit_scaler([np.full((3, 1), NAN)], "robust")
    np.testing.assert_array_equal(np.c_[center, scale], [[0.0, 1.0]])


@pytest.mark.parametrize("scaler", ["standard", "robust", "mean"])
@pytest.mark.parametrize("factor", [1e-150, 1e-11, 1e-8, 1.0, 1e10, 1e150])
def test_no_threshold_is_absolute(scaler, factor):
    # issue 18 item 3: the same values in other units scale to the same numbers
    values = np.array([[1.0], [1.02], [0.97], [1.05], [0.99]])
    center, scale = fit_scaler([values * factor], scaler)
    ref_center, ref_scale = fit_scaler([values], scaler)
    np.testing.assert_allclose(center, ref_center * factor, rtol=1e-12)
    np.testing.assert_allclose(scale, ref_scale * factor, rtol=1e-12)
    np.testing.assert_allclose(
        transform(values * factor, center, scale),
        transform(values, ref_center, ref_scale),
        rtol=1e-9,
        atol=1e-12,
    )


def test_a_constant_is_found_exactly_not_by_a_rounded_std():
    values = np.full((10, 1), 0.1)  # np.std of it is not exactly 0 in floating point
    center, scale = fit_scaler([values], "standard")
    assert scale[0, 0] == 0.0 and center[0, 0] == pytest.approx(0.1, rel=1e-15)
    tiny = np.array([[0.0], [2e-13]])  # a real spread, however small, is kept
    assert fit_scaler([tiny], "standard")[1][0, 0] == pytest.approx(1e-13)


def test_a_robust_iqr_of_zero_in_a_varying_target_falls_back_to_its_std():
    values = np.array([[0.0]] * 9 + [[5e-9]])  # intermittent: IQR 0, std > 0
    center, scale = fit_scaler([values], "robust")
    assert center[0, 0] == 0.0
    assert scale[0, 0] == pytest.approx(np.std(values))


def test_inverse_transform_of_a_constant_target_is_its_baseline():
    center, scale = np.array([[5.0, 2.0]]), np.array([[0.0, 4.0]])
    level = transform(np.array([[5.0, 10.0]]), center, scale)  # the last values
    change = np.array([[-0.3, 0.5]])  # what a network outputs
    out = inverse_transform(change, center, scale, baseline=level)
    # the constant gets its baseline exactly; the other target baseline + change
    np.testing.assert_allclose(out, [[5.0, 10.0 + 0.5 * 4.0]], rtol=1e-15)


def test_covariate_scaling_is_relative():
    cov = np.c_[np.full(6, 0.1), np.arange(6.0) * 1e-14]
    _, scale = fit_covariate_scaler(cov)
    assert scale[0] == 1.0  # constant: (x - mean) is 0 whatever it is divided by
    assert scale[1] == pytest.approx(np.std(cov[:, 1]))  # tiny but kept


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


DAYS = pd.date_range("2020-01-01", periods=120, freq="D")
# a weekly pattern whose spread (std 0.035) times 1e-11 was below the old absolute
# threshold 1e-12, so it got scale 1 and forecast -0.03 (issue 18 item 3)
WEEKLY = 1.0 + 0.05 * np.sin(2 * np.pi * np.arange(120) / 7)


@pytest.mark.parametrize(
    "scaler,target_transform",
    [
        ("standard", None),
        ("robust", None),
        ("mean", None),
        ("standard", "log"),
        ("robust", "log"),
    ],
)
def test_a_forecast_in_other_units_is_the_same_forecast(scaler, target_transform):
    params = dict(horizon=3, hidden_size=4, max_epochs=2, random_state=0)
    params.update(scaler=scaler, target_transform=target_transform)
    ref = LSTMForecaster(**params).fit(pd.Series(WEEKLY, index=DAYS)).predict()
    for factor in (1e-11, 1e-8, 1e10):
        fc = LSTMForecaster(**params).fit(pd.Series(WEEKLY * factor, index=DAYS))
        np.testing.assert_allclose(
            fc.predict().to_numpy() / factor, ref.to_numpy(), rtol=1e-9
        )
        assert (fc.predict().to_numpy() > 0).all()


@pytest.mark.parametrize("local_level", [True, False, "seasonal"])
@pytest.mark.parametrize("constant", [0.002, 5.0, 0.0, -3.0])
def test_a_constant_series_next_to_a_varying_one_forecasts_its_constant(
    constant, local_level
):
    # after real training the network's outputs are far from 0 (they were -0.1 to
    # -0.28 for a constant 0.002 with scale 1); a constant series adds none of them
    rng = np.random.default_rng(0)
    t = np.arange(120)
    varying = 50 + 10 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 1, 120)
    panel = pd.concat(
        {
            "varying": pd.Series(varying, index=DAYS),
            "constant": pd.Series(np.full(120, constant), index=DAYS),
        }
    )
    fc = LSTMForecaster(
        horizon=3,
        hidden_size=8,
        max_epochs=5,
        quantiles=[0.1, 0.9],
        local_level=local_level,
        random_state=0,
    ).fit(panel)
    assert fc.scale_[1, 0] == 0.0
    forecast = fc.predict().loc["constant"].to_numpy()
    np.testing.assert_allclose(forecast, constant, rtol=1e-12, atol=0)
    # the varying series is learned: not flat at its mean
    assert np.ptp(fc.predict().loc["varying", "y"].to_numpy()) > 0
    # a constant in new history (predict(X)) is found and forecast the same way
    new = pd.Series(np.full(30, constant), index=DAYS[:30])
    np.testing.assert_allclose(fc.predict(new).to_numpy(), constant, rtol=1e-12)
