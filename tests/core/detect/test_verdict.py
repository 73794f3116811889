"""The verdict policy: each failed test leads to its verdict, false alarm before eclipsing binary."""
import json
from dataclasses import replace

import pytest

from core.candidate_vetting import AliasPower, CandidateMetrics, TransitMeasure, Vetting
from core.config import AnalysisConfig, VettingThresholds
from core.detect.verdict import judge
from core.errors import ConfigError
from core.result import TransitCandidate

CANDIDATE = TransitCandidate(period=3.0, t0=1.0, duration=0.12, depth=0.002, snr=40.0, sde=18.0, n_transits=8)
PLANET = CandidateMetrics(
    fap=1e-6, period_err=1e-4, t0_err=1e-3, depth_err=5e-5, odd_depth=0.002, odd_depth_err=7e-5,
    even_depth=0.00205, even_depth_err=7e-5, odd_even_sigma=0.5, secondary_depth=2e-5, secondary_depth_err=3e-5,
    secondary_sigma=0.7, secondary_phase=0.5, v_shape=0.3, v_shape_sigma=0.0, b_plus_k=0.4,
    smooth_dip_sigma=-5.0, t14=0.13, t23=0.09, trapezoid_depth=0.0021, max_single_event_share=0.15,
    uniqueness=20.0, primary_sigma=25.0, tertiary_sigma=3.0, positive_sigma=2.0, red_noise_factor=1.1,
    sine_vs_box=0.2, sine_vs_box_of_box=0.2, box_beyond_sines=0.8, duration_ratio=1.0, expected_duration=0.13, rotation_period=None, rotation_harmonic=None,
    per_transit=(TransitMeasure(0, 1.0, 0.002, 2e-4, 10.0, 90),),
    aliases=(AliasPower("P", 3.0, 18.0), AliasPower("3P", 9.0, None)),
)
LIMITS = VettingThresholds()


def _verdict(**changes) -> Vetting:
    return judge(replace(PLANET, **changes), CANDIDATE, LIMITS)


def test_a_clean_planet_passes_every_test():
    vetting = _verdict()
    assert vetting.verdict == "planet_candidate"
    assert vetting.failed_tests() == ()
    assert {r.test for r in vetting.reasons} >= {"false_alarm_probability", "odd_even", "secondary", "v_shape"}


@pytest.mark.parametrize("changes, test", [
    ({"fap": 0.2}, "false_alarm_probability"),
    ({"uniqueness": 0.5}, "uniqueness"),
    ({"max_single_event_share": 0.95}, "single_event"),
    ({"sine_vs_box": 1.1, "box_beyond_sines": 0.1}, "sinusoid"),
    ({"duration_ratio": 5.0}, "duration"),
    ({"duration_ratio": 0.02}, "duration"),
    ({"rotation_period": 3.0, "rotation_harmonic": "P_rot", "v_shape": 0.9, "sine_vs_box": 0.5}, "rotation"),
])
def test_not_a_transit_of_this_star_is_a_false_alarm(changes, test):
    vetting = _verdict(**changes, odd_even_sigma=8.0)  # a false alarm's tests come first
    assert vetting.verdict == "false_alarm"
    assert test in vetting.failed_tests()


@pytest.mark.parametrize("changes, test", [
    ({"odd_even_sigma": 6.0}, "odd_even"),
    ({"secondary_sigma": 12.0, "secondary_depth": 0.0008, "secondary_phase": 0.5}, "secondary"),
    ({"secondary_sigma": 12.0, "secondary_depth": 0.0008, "secondary_phase": 0.41}, "secondary"),
    ({"v_shape": 0.9, "v_shape_sigma": 6.0}, "v_shape"),
])
def test_a_star_eclipsing_is_an_eclipsing_binary(changes, test):
    vetting = _verdict(**changes)
    assert vetting.verdict == "eclipsing_binary"
    assert vetting.failed_tests() == (test,)


def test_what_a_planet_may_show_is_not_held_against_it():
    assert _verdict(secondary_sigma=6.0, secondary_depth=0.0001).verdict == "planet_candidate"  # its occultation
    assert _verdict(secondary_sigma=30.0, secondary_depth=0.002, secondary_phase=0.5).verdict == "planet_candidate"
    assert _verdict(v_shape=0.9, v_shape_sigma=1.0).verdict == "planet_candidate"  # not a clear V
    long_duty_cycle = _verdict(sine_vs_box=0.8, sine_vs_box_of_box=0.7)  # a box a quarter of the period long
    assert long_duty_cycle.verdict == "planet_candidate"
    flat_at_rotation = _verdict(rotation_period=3.0, rotation_harmonic="P_rot", v_shape=0.3)
    assert flat_at_rotation.verdict == "planet_candidate"
    sharp_eclipse_at_rotation = _verdict(rotation_period=3.0, rotation_harmonic="P_rot", v_shape=0.9,
                                         v_shape_sigma=8.0, sine_vs_box=0.1)  # a synchronised binary
    assert sharp_eclipse_at_rotation.verdict == "eclipsing_binary"
    unknown = _verdict(fap=float("nan"), duration_ratio=None)
    assert unknown.verdict == "planet_candidate"
    assert "not tested" in next(r.detail for r in unknown.reasons if r.test == "duration")


def test_every_reason_carries_value_threshold_and_outcome_in_json():
    row = _verdict(odd_even_sigma=6.0).to_dict()
    json.dumps(row)
    assert row["verdict"] == "eclipsing_binary"
    odd_even = next(r for r in row["reasons"] if r["test"] == "odd_even")
    assert odd_even == {**odd_even, "value": 6.0, "threshold": 3.0, "passed": False}
    assert row["aliases"][1] == {"label": "3P", "period": 9.0, "sde": None}
    assert Vetting.from_dict(row) == _verdict(odd_even_sigma=6.0)


def test_thresholds_come_from_the_config_and_are_checked():
    config = AnalysisConfig.from_mapping({"vetting": '{"max_odd_even_sigma": 10}'})
    assert config.vetting.max_odd_even_sigma == 10.0
    assert judge(replace(PLANET, odd_even_sigma=6.0), CANDIDATE, config.vetting).verdict == "planet_candidate"
    with pytest.raises(ConfigError, match="unknown vetting threshold"):
        VettingThresholds.from_mapping({"max_oddeven": 1})
    with pytest.raises(ConfigError, match="max_fap"):
        VettingThresholds(max_fap=2.0)
    with pytest.raises(ConfigError, match="JSON"):
        VettingThresholds.from_mapping("{not json")
