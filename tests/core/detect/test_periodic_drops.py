"""Drops that recur on a period are released to the transit search; random glitches are not."""
import numpy as np

from core.detect.periodic_drops import periodic_drops

CADENCE = 29.4244 / 1440.0


def _time(days=88.0):
    t = np.arange(0.0, days, CADENCE)
    return t[~((t > 30.0) & (t < 33.0))]  # a downlink gap


def test_a_short_planets_drops_are_released_and_random_glitches_are_not(rng):
    time = _time()
    period, t0 = 3.37, 0.8
    transits = t0 + period * np.arange(26)
    transits = transits[(transits < 30.0) | (transits > 33.0)]
    kept = transits[rng.random(transits.size) > 0.2]  # some transits were too shallow to be flagged
    planet = kept + rng.uniform(-1.0, 1.0, kept.size) * CADENCE  # drop times are a cadence apart at best
    glitches = np.sort(rng.uniform(0.0, 88.0, 12))
    times = np.concatenate([planet, glitches])
    released = periodic_drops(time, times, CADENCE, 0.3, 44.0)
    assert released[: planet.size].all()
    on_planet = np.abs((glitches - t0 + 0.5 * period) % period - 0.5 * period) <= 1.5 * CADENCE
    assert not released[planet.size:][~on_planet].any()


def test_three_glitches_on_a_period_that_leaves_most_transits_empty_are_not_released():
    time = _time()
    times = np.array([10.0, 10.0 + 0.9, 10.0 + 2 * 0.9])  # on 0.9 d, but ~90 transit times have data
    released = periodic_drops(time, times, CADENCE, 0.3, 44.0)
    assert not released.any()


def test_three_drops_on_a_long_period_are_released():
    time = _time()
    times = np.array([5.0, 27.4, 49.8])  # 22.4 d: every transit time with data has its drop
    released = periodic_drops(time, times, CADENCE, 0.3, 44.0)
    assert released.all()


def test_two_drops_are_never_a_period():
    time = _time()
    released = periodic_drops(time, np.array([5.0, 27.4]), CADENCE, 0.3, 44.0)
    assert not released.any()


def test_hundreds_of_drops_of_an_ultra_short_period_planet_are_released(rng):
    time = np.arange(0.0, 1430.0, CADENCE)
    transits = np.arange(0.2, 1430.0, 0.55)
    times = np.sort(np.concatenate([transits + rng.uniform(-1.0, 1.0, transits.size) * CADENCE,
                                    rng.uniform(0.0, 1430.0, 300)]))
    released = periodic_drops(time, times, CADENCE, 0.3, 715.0)
    on_planet = np.abs((times - 0.2 + 0.275) % 0.55 - 0.275) <= 1.5 * CADENCE
    assert released[on_planet].mean() > 0.99
    assert not released[~on_planet].any()


def test_a_glitch_flagged_as_two_neighbouring_drops_is_one_event():
    # Two random glitches, one flagged as two drops a cadence apart, made three "drops on a period" in four
    # evaluation stars; given full weight in the search they became false candidates.
    time = _time()
    times = np.array([10.0, 10.0 + CADENCE, 45.0])
    assert not periodic_drops(time, times, CADENCE, 0.3, 44.0).any()
    three_events = np.array([10.0, 10.0 + CADENCE, 45.0, 80.0])  # on 35 d: both transit times with data hit
    assert periodic_drops(time, three_events, CADENCE, 0.3, 44.0).all()


def test_drops_of_very_different_depths_are_not_one_planet():
    # Seed 0's hard Kepler star 7: three glitches 12, 26 and 12.5 ppt deep met on 17.5 d; searched in full,
    # they made the star's real 3.7-ppt planet a "false alarm" with a 6-ppt "secondary eclipse".
    time = _time()
    times = np.array([5.0, 27.4, 49.8])
    assert not periodic_drops(time, times, CADENCE, 0.3, 44.0, np.array([0.012, 0.026, 0.0125])).any()
    assert periodic_drops(time, times, CADENCE, 0.3, 44.0, np.array([0.0096, 0.0087, 0.0093])).all()
