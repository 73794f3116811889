"""The rotation trend is built from the star's other rotations: it follows the spots, not a transit."""
import numpy as np
import pytest
from spotted_star import P_ROT, spotted_star

from core.trend.rotation import rotation_trend
from core.trend.transit import TransitTrend


def test_is_built_from_other_rotations_only(rng):
    t, flux = spotted_star(rng)
    dip = (t > 30.0) & (t < 30.15)
    flux[dip] -= 0.01
    trend, _ = rotation_trend(t, flux, P_ROT)
    # The dip is absent one and two rotations away, so the trend under it does not sink.
    assert np.abs(trend[dip] - (flux[dip] + 0.01)).max() < 3e-3


def test_no_interpolation_across_gaps_and_nan_where_no_rotation_has_data(rng):
    t, flux = spotted_star(rng, days=10.0)
    keep = (t < 3.0) | (t > 7.0)  # a 4-day gap: more than two rotations
    t, flux = t[keep], flux[keep]
    trend, _ = rotation_trend(t, flux, P_ROT)
    # Points just after the gap have nothing at t - P or t - 2P, but t + P and t + 2P exist.
    assert np.isfinite(trend[t > 7.0]).all()
    lonely, _ = rotation_trend(t[:10], flux[:10], P_ROT)  # 10 points, far less than a rotation
    assert np.isnan(lonely).all()
    filled, spread = TransitTrend(1, 0.75, P_ROT).fit(t[:10], flux[:10])
    assert np.isfinite(filled).all() and (spread == 0).all()


def test_masked_points_stay_out_of_the_model(rng):
    t, flux = spotted_star(rng)
    flare = (t > 20.0) & (t < 20.1)
    flux_with_flare = flux.copy()
    flux_with_flare[flare] += 0.05
    near = np.abs(t - (20.05 + P_ROT)) < 0.05  # one rotation later the model samples the flare
    masked, _ = rotation_trend(t, flux_with_flare, P_ROT, mask=flare)
    clean, _ = rotation_trend(t, flux, P_ROT)
    assert np.abs(masked[near] - clean[near]).max() < 1e-3


def test_rejects_a_non_positive_period():
    with pytest.raises(ValueError, match="positive"):
        rotation_trend(np.arange(10.0), np.ones(10), 0.0)
