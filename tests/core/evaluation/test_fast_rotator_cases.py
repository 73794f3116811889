"""The fast-rotator stress set: sub-day rotators with long-lived deep spots, scored apart from the bars."""
from collections import Counter

import numpy as np

from core.evaluation.fast_rotator_cases import (
    FAST_AMPLITUDE_SIGMAS, FAST_PERIOD_DAYS, FAST_STARS, build_fast_rotator_cases, fast_rotator_case,
    fast_rotator_markdown, is_fast_rotator,
)
from core.evaluation.report import _scored_apart
from core.stats import point_to_point_std
from core.trend.rotation import rotation_period


def test_the_set_is_seeded_scored_apart_and_empty_when_quick():
    cases = build_fast_rotator_cases(0)
    assert len(cases) == FAST_STARS and len({c.name for c in cases}) == FAST_STARS
    assert all(is_fast_rotator(c.source) and _scored_apart(c.source) for c in cases)
    again = fast_rotator_case(1, 0)
    assert np.array_equal(again.lc.flux, cases[1].lc.flux)
    assert build_fast_rotator_cases(0, quick=True) == []


def test_its_stars_swing_by_tens_of_sigma_within_a_day_and_carry_flares_and_outliers():
    for case in build_fast_rotator_cases(2):
        noise = point_to_point_std(case.lc.flux)
        swing = np.percentile(case.lc.flux, 99) - np.percentile(case.lc.flux, 1)
        assert FAST_AMPLITUDE_SIGMAS[0] <= swing / noise <= 2.5 * FAST_AMPLITUDE_SIGMAS[1]
        period, _ = rotation_period(case.lc.time, case.lc.flux)
        assert 0.9 * FAST_PERIOD_DAYS[0] <= period <= 1.1 * FAST_PERIOD_DAYS[1]  # spots at other latitudes drift
        kinds = Counter(e["kind"] for e in case.events)
        assert kinds["flare"] == 8 and kinds["outlier"] == 8 and not case.planets


def test_the_table_has_the_flare_and_outlier_columns():
    table = "\n".join(fast_rotator_markdown({"fastrot-TESS": Counter(stars=4, flare_det=10, flare_det_true=9)}))
    assert "| fastrot-TESS | 4 |" in table and "| 90% |" in table
