"""The limit sentence names the largest well-recovered corner of the grid; flares are planned clear of the
curve's own events and of each other, the same way for the same seed."""
from __future__ import annotations

import numpy as np

from core.completeness.grid import Grid
from core.completeness.plan import FLARES_PER_TRIAL, plan_flares
from core.completeness.sentence import limit_sentence

PLANETS = Grid("period", (1.0, 3.0, 7.0, 20.0), "depth", (2e-4, 8e-4, 3e-3))


def test_names_the_largest_corner_found_nine_times_in_ten():
    injected = np.full((3, 4), 10)
    recovered = np.array([[2, 1, 0, 0], [10, 9, 9, 3], [10, 10, 10, 9]])
    assert limit_sentence("transit", PLANETS, injected, recovered) == (
        "At least 90% of planets at least 800 ppm deep with P up to 7 d would have been found "
        "(58 of 60 injected into this curve were).")


def test_falls_back_to_half_then_says_how_little_was_found():
    injected = np.full((3, 4), 10)
    half = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [6, 5, 5, 1]])
    assert limit_sentence("transit", PLANETS, injected, half).startswith(
        "At least 50% of planets at least 3000 ppm deep with P up to 7 d")
    nothing = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [2, 1, 0, 0]])
    assert limit_sentence("transit", PLANETS, injected, nothing) == (
        "Fewer than half of the injected planets were found anywhere on the grid: even the strongest "
        "(at least 3000 ppm deep) were found 3 times in 40.")


def test_flare_corners_open_towards_longer_flares():
    grid = Grid("fwhm", (5 / 1440, 20 / 1440), "amplitude", (1e-3, 1e-2))
    injected = np.full((2, 2), 10)
    recovered = np.array([[1, 9], [5, 10]])
    assert limit_sentence("flare", grid, injected, recovered).startswith(
        "At least 90% of flares at least 0.1% above the star with a FWHM of at least 20 min")


def test_flares_are_planned_clear_of_own_events_and_of_each_other():
    time = 2000.0 + np.arange(5000) * 2 / 1440
    grid = Grid("fwhm", (10 / 1440, 60 / 1440), "amplitude", (1e-3, 1e-2))
    busy = [(2001.0, 2001.2), (2003.0, 2003.05)]
    trials = plan_flares(grid, 24, np.random.default_rng(7), time, busy)
    again = plan_flares(grid, 24, np.random.default_rng(7), time, busy)
    assert trials == again
    assert sum(len(t.injections) for t in trials) == 24
    assert all(len(t.injections) <= FLARES_PER_TRIAL for t in trials)
    for trial in trials:
        spans = sorted((f.t_peak - f.fwhm, f.t_peak + 12 * f.fwhm) for f in trial.injections)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))
        assert all(not (a <= end and start <= b) for start, end in spans for a, b in busy)
