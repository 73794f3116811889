"""Flares of another template: the Mendoza (2022) shape is what it says, and the check counts what it finds."""
from __future__ import annotations

import numpy as np

from core.evaluation.cases import Case
from core.evaluation.foreign_flares import N_FLARES, _draw_flares, foreign_flare_counts, foreign_flare_markdown
from core.flare_model import RISE_AREA, DECAY_AREA
from core.synthetic import generate_lightcurve
from core.synthetic.event_shapes import MENDOZA_AREA, mendoza_flare


def test_mendoza_flare_peaks_at_one_with_the_asked_width_and_a_longer_tail_than_davenport():
    fwhm = 0.01
    time = np.linspace(0.9, 1.6, 700_001)
    profile = mendoza_flare(1.0, fwhm)(time)
    assert abs(profile.max() - 1.0) < 1e-4
    assert abs(time[profile.argmax()] - 1.0) < 1e-4
    above = time[profile >= 0.5]
    assert abs((above[-1] - above[0]) / fwhm - 1.0) < 1e-3
    np.testing.assert_allclose(np.trapezoid(profile, time) / fwhm, MENDOZA_AREA, rtol=1e-3)
    assert MENDOZA_AREA > RISE_AREA + DECAY_AREA  # rounder and longer: more area at the same peak and width


def test_a_quiet_star_finds_most_flares_of_both_templates_and_the_table_shows_them():
    lc, _ = generate_lightcurve(6_000, 2.0, 11, noise_ppm=500.0, rotation_period=3.0, rotation_amp=0.002)
    case = Case("quiet", "clean", lc, [], [], 2.0 / 1440.0)
    counts = foreign_flare_counts(case, seed=0)
    for template in ("davenport", "mendoza"):
        key = f"foreign_flare|{template}|short"
        assert counts[f"{key}|injected"] == N_FLARES
        assert counts[f"{key}|found"] >= N_FLARES - 1
        assert counts[f"{key}|ed_ok"] >= 1
    assert foreign_flare_counts(case, seed=0) == counts  # seeded
    table = "\n".join(foreign_flare_markdown(counts))
    assert "| 2-min | mendoza | 6 |" in table and "30-min" not in table


def test_a_k2_star_with_a_hole_at_every_thruster_firing_still_gets_its_flares():
    """One missing exposure is a firing, not a gap to keep flares away from (K2 has one every ~12 exposures)."""
    cadence = 29.4 / 1440.0
    time = np.arange(3500) * cadence
    time = time[np.arange(time.size) % 12 != 5]
    assert len(_draw_flares(np.random.default_rng(0), time, cadence)) == N_FLARES
