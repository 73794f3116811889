"""find_unusual on its own: the issue's five events at 30-min cadence and on a spotted star, steps and holes."""
from __future__ import annotations

import numpy as np
import pytest

from core.detect.unusual import find_unusual
from core.synthetic import EventSpec, SpotSpec, generate_lightcurve

T0 = 1000.0
EVENTS = {
    "single_transit": EventSpec("single_transit", T0 + 10.0, -0.005, 0.25),
    "dip": EventSpec("dip", T0 + 10.0, -0.08, 1.5, asymmetry=0.2),
    "brightening": EventSpec("brightening", T0 + 12.0, 0.12, 3.0),
    "step": EventSpec("step", T0 + 14.0, 0.01),
    "oscillation": EventSpec("oscillation", T0 + 10.0, 0.006, 1.5, period=0.1),
}
STARS = {
    # Kepler-like long cadence, quiet: 3000 points, 61 days
    "30-min": dict(n_points=3000, cadence_min=29.4, noise_ppm=300.0, rotation_period=6.0, rotation_amp=0.004),
    # TESS-like, 1% evolving spots on a 3-day rotation (3% ones hide all but the biggest events: see the report)
    "spotted": dict(n_points=20_000, cadence_min=2.0, noise_ppm=500.0, spots=SpotSpec(period=3.0, amplitude=0.01)),
}


def _find(lc, rotation_days=None, bridge_days=0.0):
    none = np.zeros(len(lc), dtype=bool)
    return find_unusual(lc.time, lc.flux, flares=none, outliers=none, transits=none, rotation_days=rotation_days,
                        bridge_days=bridge_days)


def _near(found, t_start, t_end):
    return [u for u in found if u.t_start <= t_end and t_start <= u.t_end]


SPOTTED_MISSES = ("single_transit", "dip", "step")  # the box trends follow 1% spots too closely: the edges of
# a 6-hour transit look like brightenings, a 1.5-day dip half a brightening, a step a transit (issue 23, open)
CASES = [pytest.param(kind, star, marks=pytest.mark.xfail(strict=True, reason="spotted star: not named yet"))
         if star == "spotted" and kind in SPOTTED_MISSES else (kind, star) for star in STARS for kind in EVENTS]


@pytest.mark.parametrize(("kind", "star"), CASES)
def test_each_event_is_named_at_long_cadence_and_on_a_spotted_star(kind, star):
    event = EVENTS[kind]
    lc, _ = generate_lightcurve(seed=7, events=[event], gaps=False, t_start=T0, **STARS[star])
    rotation = 3.0 if star == "spotted" else None
    found = _find(lc, rotation)
    half = max(event.duration, 0.1)
    near = _near(found, event.t_peak - half, event.t_peak + half)
    assert [u.kind for u in near] == [kind], [(u.kind, round(u.t_start, 2), round(u.snr, 1)) for u in found]
    assert len(found) == len(near)  # nothing anywhere else


@pytest.mark.parametrize("star", STARS)
def test_clean_stars_with_gaps_and_red_noise_give_none(star):
    for seed in (1, 2):
        lc, _ = generate_lightcurve(seed=seed, gaps=True, t_start=T0, red_noise_ppm=300.0, **STARS[star])
        assert not _find(lc, 3.0 if star == "spotted" else None)


def _quiet_with_hole(jump: float, hole_cadences: int):
    """A quiet 2-min curve whose flux changes by `jump` across a hole of `hole_cadences` missing cadences."""
    lc, _ = generate_lightcurve(seed=3, n_points=12_000, cadence_min=2.0, noise_ppm=400.0, gaps=False, t_start=T0)
    middle = len(lc) // 2
    keep = np.ones(len(lc), dtype=bool)
    keep[middle:middle + hole_cadences] = False
    flux = lc.flux.copy()
    flux[middle:] *= 1.0 + jump
    return lc.time[keep], flux[keep], lc.time[middle]


def _find_arrays(time, flux, bridge_days):
    none = np.zeros(time.size, dtype=bool)
    return find_unusual(time, flux, flares=none, outliers=none, transits=none, bridge_days=bridge_days)


def test_a_level_change_across_a_data_gap_is_no_event():
    time, flux, at = _quiet_with_hole(0.01, hole_cadences=720)  # a one-day downlink
    assert not _near(_find_arrays(time, flux, bridge_days=0.1), at - 1.5, at + 1.5)


def test_a_step_across_a_few_flagged_cadences_is_a_step_only_where_such_holes_are_bridged():
    time, flux, at = _quiet_with_hole(0.01, hole_cadences=20)  # 40 minutes flagged
    bridged = _near(_find_arrays(time, flux, bridge_days=0.1), at - 0.5, at + 0.5)
    assert [u.kind for u in bridged] == ["step"]
    assert bridged[0].extra["jump"] == pytest.approx(0.01, rel=0.2)
    assert not [u for u in _near(_find_arrays(time, flux, bridge_days=0.0), at - 0.5, at + 0.5) if u.kind == "step"]
