"""Unusual events (issue 23) with known answers: depth, width, asymmetry, persistence, period."""
from __future__ import annotations

import numpy as np
import pytest
from astropy.timeseries import LombScargle

from core.errors import ConfigError
from core.synthetic import EventSpec, generate_lightcurve
from core.synthetic.event_shapes import BRIGHTENING_EDGE

MINUTE = 1.0 / 1440.0
T0 = 1325.30  # a TESS-like curve's first cadence
BASE = dict(n_points=20160, seed=21, noise_ppm=500.0, rotation_period=6.0, rotation_amp=0.004, gaps=False)


def event_added(spec: EventSpec, **base) -> tuple[np.ndarray, np.ndarray, dict]:
    """(time, the event's flux, its truth) from the same curve with and without it."""
    kwargs = {**BASE, **base}
    lc_without, _ = generate_lightcurve(**kwargs)
    lc_with, truth = generate_lightcurve(**kwargs, events=[spec])
    (event,) = truth.events
    return lc_with.time, lc_with.flux - lc_without.flux, event


def half_max_span(time: np.ndarray, signal: np.ndarray) -> tuple[float, float]:
    extreme = signal[np.argmax(np.abs(signal))]
    inside = time[np.abs(signal) >= 0.5 * abs(extreme)]
    return float(inside.min()), float(inside.max())


def test_single_transit_is_one_dip_of_the_requested_depth_and_duration():
    time, dip, event = event_added(EventSpec("single_transit", T0 + 10.0, -0.005, 0.25))
    assert dip.min() == pytest.approx(-0.005, rel=0.01)
    assert time[np.argmin(dip)] == pytest.approx(T0 + 10.0, abs=2 * MINUTE)
    touched = time[dip < 0]
    assert touched.max() - touched.min() == pytest.approx(0.25, abs=2 * 2 * MINUTE)
    assert np.all(dip[np.abs(time - (T0 + 10.0)) > 0.125 + 2 * MINUTE] == 0.0)  # one transit, nothing else
    assert (event["kind"], event["t_start"], event["t_end"]) == ("single_transit", T0 + 9.875, T0 + 10.125)


@pytest.mark.parametrize("asymmetry", [0.2, 0.8])
def test_asymmetric_dip_goes_in_and_out_at_the_requested_shares_of_its_duration(asymmetry):
    time, dip, event = event_added(EventSpec("dip", T0 + 12.0, -0.08, 1.5, asymmetry=asymmetry))
    assert dip.min() == pytest.approx(-0.08, rel=1e-3)
    assert time[np.argmin(dip)] == pytest.approx(T0 + 12.0, abs=2 * MINUTE)
    start, end = time[dip < 0].min(), time[dip < 0].max()
    assert end - start == pytest.approx(1.5, abs=2 * 2 * MINUTE)
    assert (T0 + 12.0 - start) / (end - start) == pytest.approx(asymmetry, abs=0.01)
    assert (event["asymmetry"], event["t_end"] - event["t_start"]) == (asymmetry, pytest.approx(1.5))


def test_brightening_is_a_symmetric_lens_curve_of_the_requested_height_and_width():
    time, bump, event = event_added(EventSpec("brightening", T0 + 14.0, 0.12, 3.0))
    assert bump.max() == pytest.approx(0.12, rel=1e-3)
    low, high = half_max_span(time, bump)
    assert high - low == pytest.approx(3.0, abs=2 * 2 * MINUTE)
    assert (low + high) / 2 == pytest.approx(T0 + 14.0, abs=2 * MINUTE)
    at_edges = np.interp([event["t_start"], event["t_end"]], time, bump)
    np.testing.assert_allclose(at_edges, BRIGHTENING_EDGE * 0.12, rtol=0.01)  # the span ends at 10% of the peak


def test_step_persists_to_the_end_of_the_curve():
    time, step, event = event_added(EventSpec("step", T0 + 17.0, 0.01))
    assert np.all(step[time < T0 + 17.0 - MINUTE] == 0.0)
    np.testing.assert_allclose(step[time > T0 + 17.0 + MINUTE], 0.01, rtol=1e-12)
    assert (event["t_start"], event["t_end"], event["observed_amplitude"]) == (T0 + 17.0, T0 + 17.0, 0.01)


def test_step_falls_within_one_long_cadence_exposure():
    time, step, _ = event_added(EventSpec("step", 169.77 + 30.01, -0.01), n_points=4000, cadence_min=29.4,
                                mission="Kepler")
    partial = step[~np.isclose(step, 0.0, atol=1e-12) & ~np.isclose(step, -0.01, rtol=1e-9)]
    assert len(partial) <= 1  # the exposure the step falls in sees part of it
    np.testing.assert_allclose(step[time > 169.77 + 30.01 + 29.4 * MINUTE], -0.01, rtol=1e-9)


def test_oscillation_burst_has_its_period_and_amplitude_and_nothing_outside():
    time, burst, event = event_added(EventSpec("oscillation", T0 + 22.0, 0.006, 1.5, period=0.1))
    inside = np.abs(time - (T0 + 22.0)) <= 0.75
    assert np.all(burst[~inside] == 0.0)
    assert burst.max() == pytest.approx(0.006, rel=0.01)
    frequency, power = LombScargle(time[inside], burst[inside]).autopower(minimum_frequency=1.0,
                                                                          maximum_frequency=30.0)
    assert 1.0 / frequency[np.argmax(power)] == pytest.approx(0.1, rel=0.02)
    assert event["period"] == 0.1 and event["observed_amplitude"] == pytest.approx(0.006, rel=0.01)


def test_an_event_inside_a_gap_is_not_listed_but_its_signal_is_added_where_there_is_data():
    spec = EventSpec("dip", T0 + 5.0, -0.05, 0.4)
    _, truth = generate_lightcurve(**{**BASE, "gaps": [(T0 + 4.5, T0 + 5.5)]}, events=[spec])
    assert truth.events == []
    _, truth = generate_lightcurve(**{**BASE, "gaps": [(T0 + 4.5, T0 + 4.9)]}, events=[spec])
    assert [e["kind"] for e in truth.events] == ["dip"]


@pytest.mark.parametrize("kwargs", [
    dict(kind="glitch", t_peak=0.0, amplitude=-0.01, duration=1.0),
    dict(kind="dip", t_peak=0.0, amplitude=0.01, duration=1.0),  # a dip dims
    dict(kind="brightening", t_peak=0.0, amplitude=-0.01, duration=1.0),
    dict(kind="step", t_peak=0.0, amplitude=0.01, duration=1.0),  # a step has no duration
    dict(kind="single_transit", t_peak=0.0, amplitude=-0.01, duration=0.0),
    dict(kind="oscillation", t_peak=0.0, amplitude=0.01, duration=1.0),  # no period
    dict(kind="oscillation", t_peak=0.0, amplitude=0.01, duration=1.0, period=0.8),
    dict(kind="dip", t_peak=0.0, amplitude=-0.01, duration=1.0, asymmetry=1.0),
    dict(kind="dip", t_peak=0.0, amplitude=-0.01, duration=1.0, period=0.1),
])
def test_impossible_events_are_refused(kwargs):
    with pytest.raises(ConfigError):
        EventSpec(**kwargs)
