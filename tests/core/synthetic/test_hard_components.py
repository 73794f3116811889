"""The hard stars' components: evolving spots, K2 roll, ramps after gaps, long glitches and flare-like bumps.

Each component draws from its own random stream, so the same seed with and
without it differs by exactly what it added: these tests read each component off
that difference and check it against the truth.
"""
from __future__ import annotations

import numpy as np
import pytest
from astropy.timeseries import LombScargle

from core.errors import ConfigError
from core.io import load_lightcurve
from core.io.writers import write_fits
from core.prepare import correct_k2_roll
from core.synthetic import RollSpec, SpotSpec, generate_lightcurve
from core.synthetic.event_shapes import BUMP_EDGE_EFOLDS, SLOW_RISE_DROP

MINUTE = 1.0 / 1440.0
LONG = 29.4  # minutes
QUIET = dict(noise_ppm=200.0, gaps=False)


def added(base: dict, **component) -> tuple[np.ndarray, np.ndarray, object]:
    """(time, what `component` added to the flux, truth) for one seed, with and without it."""
    lc_without, _ = generate_lightcurve(**base)
    lc_with, truth = generate_lightcurve(**base, **component)
    same = np.isin(lc_without.time, lc_with.time)
    assert same.sum() == len(lc_with)  # a component may take exposures away (K2's firings), never add one
    return lc_with.time, lc_with.flux - lc_without.flux[same], truth


# --- Evolving spots ------------------------------------------------------------

SPOTTED = dict(n_points=4000, cadence_min=LONG, seed=11, mission="Kepler", **QUIET)


def test_spotted_star_rotates_at_its_period_with_the_requested_amplitude():
    time, spots, truth = added(SPOTTED, spots=SpotSpec(period=0.9, amplitude=0.03))
    low, high = np.percentile(spots, [1, 99])
    assert (high - low) / 2 == pytest.approx(0.03, rel=0.02)  # white noise is the same in both curves
    frequency, power = LombScargle(time, spots).autopower(minimum_frequency=0.1, maximum_frequency=5.0,
                                                          samples_per_peak=20)
    assert (truth.rotation_period, truth.rotation_amp) == (0.9, 0.03)
    periods = [s["period"] for s in truth.spots]
    assert min(periods) >= 0.9  # the equator is fastest; spots at higher latitudes rotate slower
    assert 0.95 * 0.9 <= 1.0 / frequency[np.argmax(power)] <= 1.05 * max(periods)


def test_spots_grow_decay_and_drift_so_no_two_rotations_look_alike():
    time, spots, truth = added(SPOTTED, spots=SpotSpec(period=1.2, amplitude=0.03, shear=0.15))
    rotation = np.floor((time - time[0]) / 1.2).astype(int)
    depth = np.array([np.ptp(spots[rotation == k]) for k in range(int(rotation.max()))])
    assert depth.max() > 2.0 * depth.min()  # spots come and go over a few rotations
    # Fold on the period: a clean two-harmonic rotation would leave nothing; evolving spots leave most of it.
    phase = 2 * np.pi * time / 1.2
    design = np.column_stack([np.ones_like(time)] + [f(k * phase) for k in (1, 2) for f in (np.sin, np.cos)])
    residual = spots - design @ np.linalg.lstsq(design, spots, rcond=None)[0]
    assert residual.std() > 0.4 * spots.std()
    periods = {round(s["period"], 6) for s in truth.spots}
    assert max(periods) / min(periods) > 1.02  # differential rotation: spots drift past each other


def test_spots_change_nothing_else():
    base = dict(n_points=8000, seed=4, noise_ppm=300.0, n_flares=5, n_outliers=5, gaps=False)
    time, spots, truth = added(base, spots=SpotSpec(period=5.0, amplitude=0.01))
    _, plain = generate_lightcurve(**base)
    assert truth.events == plain.events
    # What spots add is smooth at 2-min cadence: no white noise, flare or outlier in the difference.
    assert np.abs(np.diff(spots, 2)).max() < 0.1 * 300e-6


@pytest.mark.parametrize("kwargs", [dict(period=0.0, amplitude=0.01), dict(period=1.0, amplitude=0.0),
                                    dict(period=1.0, amplitude=0.01, shear=1.0),
                                    dict(period=1.0, amplitude=0.01, lifetime_rotations=(3.0, 1.0))])
def test_impossible_spots_are_refused(kwargs):
    with pytest.raises(ConfigError):
        SpotSpec(**kwargs)


def test_a_star_has_spots_or_harmonic_rotation_not_both():
    with pytest.raises(ConfigError, match="not both"):
        generate_lightcurve(n_points=100, rotation_period=3.0, rotation_amp=0.01, spots=SpotSpec(1.0, 0.01))


# --- K2 roll ---------------------------------------------------------------------

K2 = dict(n_points=3000, cadence_min=LONG, seed=5, mission="K2", **QUIET)


def test_roll_is_a_sawtooth_that_resets_every_period():
    time, roll, truth = added(K2, roll=RollSpec(amplitude=0.004, period_hours=6.0))
    assert roll.max() == pytest.approx(0.0, abs=0.004 * 1e-2)  # the exposure after a firing has lost next to nothing
    assert roll.min() == pytest.approx(-0.004, rel=0.1)
    resets = np.flatnonzero(np.diff(roll) > 0.5 * 0.004)  # the flux jumps back up within one cadence
    (system,) = truth.systematics
    assert system["kind"] == "k2_roll" and len(resets) == pytest.approx(system["n_resets"], abs=2)
    assert np.median(np.diff(time[resets])) == pytest.approx(6.0 / 24, rel=0.1)
    assert np.all(np.diff(roll)[np.diff(roll) < 0] > -0.004 / 4)  # between resets it only ramps slowly
    # Each firing's exposure is flagged and dropped, as in K2's files: the flux jumps back across a hole.
    assert np.all(np.diff(time)[resets] > 1.5 * LONG * MINUTE)
    assert len(time) == pytest.approx(3000 * (1 - LONG / 360), abs=15)


def test_self_flat_fielding_removes_the_roll_even_from_a_k2_fits_file(tmp_path):
    star = dict(K2, spots=SpotSpec(period=3.0, amplitude=0.005))
    clean, _ = generate_lightcurve(**star)
    rolled, _ = generate_lightcurve(**star, roll=RollSpec(amplitude=0.005))
    assert rolled.has_centroids and not clean.has_centroids
    read_back = load_lightcurve(write_fits(rolled, tmp_path / "k2.fits")).normalized()
    corrected, info = correct_k2_roll(read_back)
    assert info["applied"]
    quiet = clean.normalized().flux[np.isin(clean.time, rolled.time)]
    before = np.std(read_back.flux / quiet)
    after = np.std(corrected.flux / quiet)
    assert before > 5 * 200e-6 and after < 1.5 * 200e-6 * np.sqrt(2)


def test_roll_belongs_to_k2():
    with pytest.raises(ConfigError, match="K2"):
        generate_lightcurve(n_points=100, roll=RollSpec(0.002), mission="TESS")


# --- Ramps after gaps ----------------------------------------------------------------

RAMPED = dict(n_points=4000, cadence_min=LONG, seed=8, mission="Kepler", noise_ppm=200.0)


def test_each_gap_is_followed_by_the_exponential_ramp_the_truth_lists():
    time, ramp, truth = added(RAMPED, gap_ramp_amp_range=(0.001, 0.003))
    assert len(truth.systematics) == len(truth.gaps) >= 2
    expected = np.zeros_like(time)
    for r in truth.systematics:
        assert r["kind"] == "gap_ramp" and 0.001 <= abs(r["amplitude"]) <= 0.003
        after = time >= r["t_start"]
        expected[after] += r["amplitude"] * np.exp(-(time[after] - r["t_start"]) / r["tau"])
    np.testing.assert_allclose(ramp, expected, atol=1e-12)
    assert np.all(ramp[time < truth.gaps[0][0]] == 0.0)


# --- Glitches of several cadences --------------------------------------------------------

GLITCHY = dict(n_points=6000, seed=3, noise_ppm=300.0, gaps=False)


def test_a_glitch_of_n_cadences_is_a_flat_topped_box_of_its_amplitude():
    time, glitches, truth = added(GLITCHY, n_outliers=40, outlier_sigma_range=(5.0, 30.0), glitch_cadences=(2, 5))
    boxes = [e for e in truth.events if e["shape"] == "glitch"]
    assert {e["n_cadences"] for e in boxes} == {2, 3, 4, 5}
    assert {np.sign(e["amplitude"]) for e in boxes} == {-1.0, 1.0}
    for e in truth.events:
        first = int(np.searchsorted(time, e["t_start"]))
        box = glitches[first:first + e["n_cadences"]]
        np.testing.assert_allclose(box, e["amplitude"], rtol=1e-9)  # every cadence at the full amplitude
        assert glitches[first - 1] == 0.0 and glitches[first + e["n_cadences"]] == 0.0  # sharp edges
        assert e["kind"] == "outlier" and e["t_end"] == pytest.approx(time[first + e["n_cadences"] - 1])


def test_glitches_stay_two_cadences_long_unless_asked():
    _, truth = generate_lightcurve(**GLITCHY, n_outliers=30)
    assert {e["n_cadences"] for e in truth.events if e["shape"] == "glitch"} == {2}


def test_impossible_glitch_lengths_are_refused():
    with pytest.raises(ConfigError, match="glitch_cadences"):
        generate_lightcurve(n_points=100, glitch_cadences=(3, 2))


# --- Flare-like bumps that are not flares ---------------------------------------------------

BUMPY = dict(n_points=10000, seed=9, noise_ppm=300.0, gaps=False)


def test_bumps_are_not_flares_symmetric_or_rising_slowly_and_dropping_fast():
    time, bumps, truth = added(BUMPY, n_bumps=12, bump_amp_range=(0.003, 0.01), bump_width_range_hours=(0.5, 3.0))
    assert [e["kind"] for e in truth.events] == ["bump"] * 12
    assert {e["shape"] for e in truth.events} == {"symmetric", "slow_rise"}
    for e in truth.events:
        near = (time >= e["t_start"]) & (time <= e["t_end"])
        assert np.all(bumps[(time > e["t_end"] + 2 * MINUTE) & (time < e["t_end"] + 0.1)] < 0.01 * e["amplitude"])
        if e["shape"] == "symmetric":
            assert bumps[near].max() == pytest.approx(e["amplitude"], rel=0.02)  # 2-min exposures barely smear it
        else:  # the drop takes a minute or two: the peak exposure averages part of it away
            assert 0.8 * e["amplitude"] < bumps[near].max() <= e["amplitude"]
        assert e["observed_amplitude"] == pytest.approx(bumps[near].max(), rel=1e-6)
        peak = int(np.argmax(np.where(near, bumps, -np.inf)))
        half = bumps >= bumps[peak] / 2
        left = peak - np.argmin(half[peak::-1])  # first cadence of the half-maximum run
        right = peak + np.argmin(half[peak:])
        rise, fall = time[peak] - time[left], time[right] - time[peak]
        if e["shape"] == "symmetric":
            assert rise == pytest.approx(fall, abs=2 * 2 * MINUTE)
            assert rise + fall == pytest.approx(e["width"], abs=3 * 2 * MINUTE)
        else:  # a flare run backwards: it rises over hours and drops within minutes
            assert rise > 5 * fall
            half_life = -np.log(0.5 * (1 + np.exp(-BUMP_EDGE_EFOLDS))) * e["width"]  # the lowered exponential's
            assert rise == pytest.approx(half_life, abs=2 * 2 * MINUTE)
            assert fall <= half_life * SLOW_RISE_DROP + 3 * 2 * MINUTE  # the first cadence below half, or the next
