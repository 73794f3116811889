"""Each transit event says what the vetting made of its candidate, and its confidence follows that verdict."""
from core.candidate_vetting import FALSE_ALARM, PLANET_CANDIDATE
from core.evaluation.cases import TESS_STAR, synthetic_case
from core.pipeline import analyze
from core.synthetic import PlanetSpec, generate_lightcurve


def _transit_events(result):
    return [e for e in result.events if e.kind == "transit"]


def test_a_planets_transit_events_carry_its_verdict_and_a_high_confidence():
    lc, _ = generate_lightcurve(6000, 2.0, 3, noise_ppm=300.0, planets=[PlanetSpec(period=2.5, t0=1326.0, rp_rs=0.05, duration=0.1)])
    result = analyze(lc)
    (candidate,) = result.transits
    assert candidate.vetting.verdict == PLANET_CANDIDATE
    events = _transit_events(result)
    assert events and all(e.extra["verdict"] == PLANET_CANDIDATE for e in events)
    assert all(e.extra["confidence"] >= 0.8 for e in events)
    assert result.events_frame().loc[lambda f: f["kind"] == "transit", "verdict"].eq(PLANET_CANDIDATE).all()


def test_a_false_alarms_dips_are_not_shown_as_confident():
    """A clean star with red noise as strong as the white: a 0.94-d "candidate" of SNR 25 against white noise,
    6 against the red, that the vetting calls a false alarm. Read from the planets' map its 30 dips had
    confidence 0.93."""
    case = synthetic_case(2002, 1, TESS_STAR, clean=True, red_share=(1.0, 1.0), red_tau_hours=0.5)
    result = analyze(case.lc)
    (candidate,) = result.transits
    assert candidate.vetting.verdict == FALSE_ALARM and candidate.snr > 20
    events = _transit_events(result)
    assert events and all(e.extra["verdict"] == FALSE_ALARM for e in events)
    assert max(e.extra["confidence"] for e in events) < 0.8  # out of the reliability table's confident bin
