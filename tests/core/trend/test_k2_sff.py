"""K2 self-flat-fielding removes a roll sawtooth tied to the centroid track and keeps astrophysics."""
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.lightcurve import from_arrays
from core.prepare import correct_k2_roll, prepare
from core.trend.k2_sff import sff_correction
from core.flare_model import flare_binned

CADENCE = 29.4 / 1440.0
WHITE = 2e-4
REAL_K2 = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "real" / "ktwo211117077-c04_llc.fits"


def k2_like(rng, days=20.0):
    """A spotted star seen through K2's roll: the flux loss grows along a 6-h drift and resets."""
    t = np.arange(0.0, days, CADENCE)
    drift = (t % 0.245) / 0.245  # 0 -> 1 along the arc, then the thrusters fire
    col = 500.0 + 0.6 * drift + 0.01 * t
    row = 300.0 + 0.25 * drift**2 - 0.005 * t
    star = 1.0 + 0.003 * np.sin(2 * np.pi * t / 3.1)
    roll = 1.0 - 0.002 * drift**2
    return t, star, roll, col, row


def residual_noise(flux, star):
    """Scatter about the star's own light (a plain std: the resets are rare but large)."""
    relative = flux / star
    return float(np.std(relative / np.median(relative) - 1.0))


def test_the_roll_sawtooth_is_removed_and_the_star_kept(rng):
    t, star, roll, col, row = k2_like(rng)
    flux = star * roll * (1.0 + rng.normal(0, WHITE, t.size))
    result = sff_correction(t, flux, col, row)
    corrected = flux / result.correction
    assert residual_noise(flux, star) > 2.5 * WHITE  # the sawtooth's resets dominate before
    # What is left is the white noise about the star: its variability was not removed.
    assert residual_noise(corrected, star) < 1.25 * WHITE
    assert result.helps and result.noise_after_ppm < result.noise_before_ppm


def test_a_transit_keeps_its_depth_and_a_flare_its_height(rng):
    t, star, roll, col, row = k2_like(rng)
    period, t0, half, depth = 3.3, 1.2, 1.5 / 24, 2e-3
    in_transit = np.abs(((t - t0 + 0.5 * period) % period) - 0.5 * period) < half
    flare = flare_binned(t, 9.37, 15.0 / 1440.0, 0.02, CADENCE)
    astro = star * (1.0 - depth * in_transit) * (1.0 + flare)
    flux = astro * roll * (1.0 + rng.normal(0, WHITE, t.size))
    corrected = flux / sff_correction(t, flux, col, row).correction
    relative = corrected / star
    baseline = np.median(relative[~in_transit & (flare < 1e-5)])
    measured_depth = baseline - np.mean(relative[in_transit])
    assert measured_depth == pytest.approx(depth, rel=0.15)
    peak = int(np.argmax(flare))
    assert relative[peak] / baseline - 1.0 == pytest.approx(flare[peak], rel=0.1)


def test_only_k2_curves_with_centroids_are_corrected(rng):
    t, star, roll, col, row = k2_like(rng, days=6.0)
    flux = star * roll * (1.0 + rng.normal(0, WHITE, t.size))
    k2 = from_arrays(t, flux, meta={"mission": "K2"}, centroid_col=col, centroid_row=row)
    corrected, info = correct_k2_roll(k2)
    assert info["applied"] and info["noise_after_ppm"] < info["noise_before_ppm"]
    assert residual_noise(corrected.flux, star) < residual_noise(flux, star) / 2

    tess = from_arrays(t, flux, meta={"mission": "TESS"}, centroid_col=col, centroid_row=row)
    assert correct_k2_roll(tess) == (tess, None)
    csv_export = from_arrays(t, flux, meta={"mission": "K2"})
    same, info = correct_k2_roll(csv_export)
    assert same is csv_export and not info["applied"] and "centroid" in info["reason"]
    same, info = correct_k2_roll(k2, enabled=False)
    assert same is k2 and "turned off" in info["reason"]
    nowhere = np.full(t.size, np.nan)
    lost = from_arrays(t, flux, meta={"mission": "K2"}, centroid_col=nowhere, centroid_row=nowhere)
    same, info = correct_k2_roll(lost)
    assert same is lost and info == {"applied": False, "reason": "too few points with a centroid to fit the roll"}


def test_missing_centroids_leave_the_flux_alone(rng):
    t, star, roll, col, row = k2_like(rng, days=6.0)
    flux = star * (1.0 + rng.normal(0, WHITE, t.size))
    nowhere = np.full(t.size, np.nan)
    result = sff_correction(t, flux, nowhere, nowhere)
    assert result.windows == 0 and not result.helps and np.all(result.correction == 1.0)
    with pytest.raises(ValueError, match="same length"):
        sff_correction(t, flux, col[:-1], row)


@pytest.mark.skipif(not REAL_K2.exists(), reason="../shared/data/real/ is not beside the repository")
def test_the_real_k2_campaign_4_curve_gets_quieter():
    from core.io import load_lightcurve

    lc = prepare(load_lightcurve(REAL_K2))
    assert lc.has_centroids
    corrected, info = correct_k2_roll(lc)
    # Measured: 576 -> 451 ppm point-to-point on residuals from the star's trend.
    assert info["applied"] and info["noise_after_ppm"] < 0.85 * info["noise_before_ppm"]
    assert len(corrected) == len(lc) and np.all(np.isfinite(corrected.flux))


def test_analyze_reports_the_roll_correction_and_can_be_told_not_to(rng):
    from core.config import AnalysisConfig
    from core.pipeline import analyze

    t, star, roll, col, row = k2_like(rng, days=8.0)
    flux = star * roll * (1.0 + rng.normal(0, WHITE, t.size))
    lc = from_arrays(t, flux, meta={"mission": "K2"}, centroid_col=col, centroid_row=row)
    corrected = analyze(lc, AnalysisConfig(detectors=("flares", "outliers")))
    info = corrected.meta["k2_roll_correction"]
    assert info["applied"] and info["windows"] >= 4
    plain = analyze(lc, AnalysisConfig.from_mapping({"detectors": "flares,outliers", "k2_roll_correction": "false"}))
    assert not plain.meta["k2_roll_correction"]["applied"]
    # The sawtooth's resets are what the short trend cannot follow: they are gone from the residual.
    assert corrected.meta["noise_ppm"] < 0.8 * plain.meta["noise_ppm"]


def test_people_are_told_what_the_roll_correction_did(rng):
    from core.commands.analyze import summary
    from core.config import AnalysisConfig
    from core.prepare import describe_roll_correction
    from core.pipeline import analyze

    assert describe_roll_correction(None) is None
    assert describe_roll_correction({"applied": False, "reason": "no centroid columns"}) == (
        "K2 roll not corrected: no centroid columns.")
    t, star, roll, col, row = k2_like(rng, days=6.0)
    flux = star * roll * (1.0 + rng.normal(0, WHITE, t.size))
    lc = from_arrays(t, flux, meta={"mission": "K2"}, centroid_col=col, centroid_row=row)
    result = analyze(lc, AnalysisConfig(detectors=("flares",)))
    info = result.meta["k2_roll_correction"]
    line = f"noise {info['noise_before_ppm']:.0f} -> {info['noise_after_ppm']:.0f} ppm"
    assert line in summary(result)


def test_centroids_that_say_nothing_about_the_flux_are_not_used(rng):
    t = np.arange(0.0, 10.0, CADENCE)
    flux = 1.0 + rng.normal(0, 1e-3, t.size)
    # Jitter unrelated to the flux: the fit only takes the ~5% any 6-parameter fit takes off noise.
    jitter = sff_correction(t, flux, 5 + rng.normal(0, 0.1, t.size), 7 + rng.normal(0, 0.1, t.size))
    assert jitter.windows > 0 and not jitter.helps
    still = sff_correction(t, flux, np.full(t.size, 5.0), np.full(t.size, 7.0))
    assert still.windows == 0 and np.all(still.correction == 1.0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(min_value=2, max_value=600),
    gap_at=st.floats(min_value=0.0, max_value=1.0),
    nan_share=st.floats(min_value=0.0, max_value=1.0),
    scale=st.sampled_from([0.0, 1e-12, 1e-3, 1.0, 1e9]),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_any_centroids_give_a_finite_positive_correction(n, gap_at, nan_share, scale, seed):
    """Still, huge, NaN-riddled or tiny inputs: never an exception, never a NaN or a sign flip."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) * CADENCE
    t[int(gap_at * n):] += 3.0  # a data gap somewhere
    flux = 1.0 + rng.normal(0, 1e-3, n)
    col = 5.0 + scale * rng.normal(size=n)
    row = 7.0 + scale * rng.normal(size=n)
    col[rng.random(n) < nan_share] = np.nan
    result = sff_correction(t, flux, col, row)
    assert result.correction.shape == (n,)
    assert np.all(np.isfinite(result.correction)) and np.all(result.correction > 0)
