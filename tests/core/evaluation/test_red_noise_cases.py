"""The stronger-correlated-noise stress set: red noise as strong as the white, scored apart from the bars."""
from collections import Counter

from core.evaluation.cases import build_cases
from core.evaluation.red_noise_cases import (
    STARS_PER_MISSION, build_red_noise_cases, is_red_noise, red_noise_markdown,
)
from core.evaluation.report import _scored_apart


def test_the_set_has_tess_and_kepler_stars_apart_from_the_synthetic_ones():
    cases = build_red_noise_cases(0)
    assert Counter(c.source for c in cases) == {"rednoise-TESS": STARS_PER_MISSION,
                                                "rednoise-Kepler": STARS_PER_MISSION}
    assert all(is_red_noise(c.source) and _scored_apart(c.source) for c in cases)
    synthetic = {c.name for c in build_cases(36, 0)}
    assert not synthetic & {c.name for c in cases}
    assert build_red_noise_cases(0, quick=True) == []


def test_its_planets_are_placed_by_effective_snr_which_the_correlated_noise_keeps_far_below_the_white():
    cases = build_red_noise_cases(1)
    ratios = [case.planets[0]["effective_snr"] / case.planets[0]["snr"] for case in cases]
    assert max(ratios) < 0.9 and sum(ratios) / len(ratios) < 0.5, ratios  # 2-min stars lose the most
    for mission in ("TESS", "Kepler"):
        effective = sorted(c.planets[0]["effective_snr"] for c in cases if c.source.endswith(mission))
        assert effective[-1] >= 30 and effective[1] >= 9, effective  # the SNR bins of the bars, as targeted


def test_the_table_has_a_row_per_mission():
    counts = {"rednoise-TESS": Counter(stars=4, flare_det=10, flare_det_true=9),
              "rednoise-Kepler": Counter(stars=4, candidate_det=5, candidate_det_true=3, candidate_det_false_alarm=2,
                                         candidate_det_false_alarm_true=1)}
    table = "\n".join(red_noise_markdown(counts))
    assert "| rednoise-TESS | 4 |" in table and "| 90% |" in table and "| rednoise-Kepler | 4 |" in table
    assert table.endswith("| 5 (2) | 1 |")  # transit candidates, of which false; false ones vetted as false alarms
