"""Each transit event says what the vetting made of its candidate; a false alarm's dips are no events."""
from core.candidate_vetting import FALSE_ALARM, PLANET_CANDIDATE
from core.evaluation.cases import TESS_STAR, synthetic_case
from core.flare_model import flare_binned
from core.lightcurve import from_arrays
from core.pipeline import analyze
from core.result import LABEL_CODES
from core.stats import point_to_point_std
from core.synthetic import PlanetSpec, generate_lightcurve


def _transit_events(result):
    return [e for e in result.events if e.kind == "transit"]


def test_a_planets_transit_events_carry_its_verdict_and_a_high_confidence():
    planet = PlanetSpec(period=2.5, t0=1326.0, rp_rs=0.05, duration=0.1)
    lc, _ = generate_lightcurve(6000, 2.0, 3, noise_ppm=300.0, planets=[planet])
    result = analyze(lc)
    (candidate,) = result.transits
    assert candidate.vetting.verdict == PLANET_CANDIDATE
    events = _transit_events(result)
    assert events and all(e.extra["verdict"] == PLANET_CANDIDATE for e in events)
    assert all(e.extra["confidence"] >= 0.8 for e in events)
    assert result.events_frame().loc[lambda f: f["kind"] == "transit", "verdict"].eq(PLANET_CANDIDATE).all()


def test_a_false_alarm_is_listed_but_its_dips_are_no_events_and_a_flare_in_them_is_found():
    """A clean star with red noise as strong as the white: a 0.94-d "candidate" of SNR 25 against white noise,
    6 against the red, that the vetting calls a false alarm. Its 30 dips were transit events, and its windows
    were kept from the flare detector: a 15-sigma flare in one was reported as a transit dip."""
    case = synthetic_case(2002, 1, TESS_STAR, clean=True, red_share=(1.0, 1.0), red_tau_hours=0.5)
    lc = case.lc
    t_peak = 1344.5021  # inside the false alarm's 20th window
    flare = flare_binned(lc.time, t_peak, 10.0 / 1440.0, 15.0 * point_to_point_std(lc.flux), lc.cadence_days)
    result = analyze(from_arrays(lc.time, lc.flux + flare, lc.flux_err, None, dict(lc.meta)))
    (candidate,) = result.transits
    assert candidate.vetting.verdict == FALSE_ALARM and candidate.snr > 20
    assert _transit_events(result) == []
    assert not (result.labels == LABEL_CODES["transit"]).any()
    assert any(e.kind == "flare" and e.t_start - 0.01 <= t_peak <= e.t_end + 0.01 for e in result.events)
