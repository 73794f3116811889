"""The vetting of the real planets and of KOI-1003's eclipses (skipped without ../shared/data/real/)."""
import pytest

from core import analyze, load_lightcurve


@pytest.mark.parametrize("name", ["wasp18b_flat_lightcurve.csv", "pi_men_tess_s01_detrended.csv"])
def test_real_planets_are_planet_candidates(real_data_dir, name):
    candidate = analyze(load_lightcurve(real_data_dir / name)).transits[0]
    assert candidate.vetting.verdict == "planet_candidate", candidate.vetting.failed_tests()
    assert candidate.flags == ()
    m = candidate.vetting.metrics
    assert m.fap < 1e-3 and m.odd_even_sigma < 3 and m.period_err < 0.01 * candidate.period


def test_koi_1003_eclipses_are_reported_with_their_secondary_and_odd_even_numbers(real_data_dir):
    row = analyze(load_lightcurve(real_data_dir / "koi1003_kepler_q2.csv")).to_dict()["transits"][0]
    assert row["verdict"] in ("planet_candidate", "eclipsing_binary", "false_alarm")
    for field in ("secondary_depth", "secondary_sigma", "secondary_phase", "odd_even_sigma"):
        assert isinstance(row[field], float), field
    assert {r["test"] for r in row["reasons"]} >= {"secondary", "odd_even"}
    assert len(row["per_transit"]) == 3  # three eclipses in the quarter
