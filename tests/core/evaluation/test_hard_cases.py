"""The hard stars carry what fooled the detectors, and planets at the effective SNR asked for."""
from __future__ import annotations

import pytest

from core.evaluation.cases import SNR_TARGETS
from core.evaluation.hard_cases import GLITCH_CADENCES, build_hard_cases, hard_case
from core.evaluation.hard_cases import QUICK_HARD_RECIPES as RECIPES


@pytest.fixture(scope="module")
def hard():
    return build_hard_cases(6, seed=3, quick=True)


def test_one_hard_star_per_mission_in_turn_and_clean_ones_of_each_kind(hard):
    assert [c.source for c in hard] == ["hard-TESS", "hard-Kepler", "hard-K2"] * 2 + ["clean-hard"]
    clean = build_hard_cases(12, seed=3)[12:]
    assert [c.lc.meta["mission"] for c in clean] == ["TESS", "Kepler", "K2"]
    assert all(c.source == "clean-hard" and c.events == [] and c.planets == [] for c in clean)
    # Only the K2-like stars carry the centroids that self-flat-fielding needs.
    assert [c.lc.has_centroids for c in hard[:6] + clean] == [False, False, True] * 3


def test_hard_stars_carry_glitches_of_several_cadences_bumps_flares_and_one_planet(hard):
    lengths = set()
    for case in hard[:6]:
        kinds = [e["kind"] for e in case.events]
        assert kinds.count("flare") == 6 and kinds.count("outlier") == 10 and kinds.count("bump") == 4
        lengths |= {e["n_cadences"] for e in case.events if e["kind"] == "outlier"}
        assert len(case.planets) == 1
    assert lengths == set(range(1, GLITCH_CADENCES[1] + 1))


def test_planets_land_in_their_effective_snr_bin_and_harmonics_are_exact():
    in_bin, harmonics = 0, 0
    for index in range(10):
        case = hard_case(index, seed=4, recipe=RECIPES[index % 3])
        (planet,) = case.planets
        low, high = SNR_TARGETS[index % len(SNR_TARGETS)]
        in_bin += 0.8 * low <= planet["effective_snr"] <= 1.2 * high
        if planet["harmonic"]:
            harmonics += 1
            k = planet["harmonic"].split()
            expected = float(k[0]) if k[-1] == "P_rot" else 1.0 / float(k[-1])
            assert planet["period"] / planet["rotation_period"] == pytest.approx(expected, rel=1e-9)
    assert in_bin >= 8  # the depth is set on the curve without injections; limb darkening and gaps move it a little
    assert harmonics >= 3
