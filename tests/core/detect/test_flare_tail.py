"""At long cadence the exposure after a flare's peak must keep a tenth of it, whatever the flare out-fits;
and a box that fits exactly as well as a step is a glitch.

A one-exposure glitch on a star's own slope can out-fit the one-cadence box by
3 sigma (the template's sliver of a tail soaks up the slope); a flare at least
4 min long keeps ~10% of its peak in the next 30-min exposure. The real case:
evaluation seed 0 injected a 27-sigma one-cadence glitch into the real K2 star
(ktwo211117077-c04+inj0 at BKJD 2293.283), which was reported as a 56-sigma flare.
"""

from core import analyze
from core.detect.flares import MIN_TAIL_RATIO, is_flare
from core.detect.outliers import glitch_fit
from core.detect.shapes import ShapeFit
from core.evaluation.cases import real_injected_case
from core.evaluation.real import load_real
from core.evaluation.run import KNOWN_KINDS

LONG = 29.4 / 1440.0
SHORT = 2.0 / 1440.0


def spike_fit(tail: float) -> ShapeFit:
    """The fit the detector made of that glitch (chi^2 gains; significance 55.6 against a box's 55.5)."""
    gains = {"flare": 55.6**2, "glitch": 55.5**2, "bump": 41.5**2, "step": 40.0**2, "recovery": 27.6**2}
    params = {"bump": (0.0, LONG, 0.027), "glitch": (0, 1, 0.027)}
    return ShapeFit(peak=0, gains=gains, params=params, scale=1.0, tail=tail)


def test_a_bright_spike_without_a_tail_is_not_a_flare_at_long_cadence():
    assert not is_flare(spike_fit(tail=0.06), cadence=LONG)


def test_and_it_is_a_glitch_the_tailless_template_no_longer_outbids():
    sigma = 0.027 / 55.5
    assert glitch_fit(spike_fit(tail=0.06), sigma, 5.0, LONG) is not None
    assert glitch_fit(spike_fit(tail=MIN_TAIL_RATIO + 0.02), sigma, 5.0, LONG) is None  # a flare that out-fits it


def test_the_same_fit_with_a_tenth_of_its_peak_after_it_is_a_flare():
    assert is_flare(spike_fit(tail=MIN_TAIL_RATIO + 0.02), cadence=LONG)


def test_a_peak_with_no_exposure_after_it_is_judged_by_its_lead():
    """A gap after the peak (a K2 thruster firing) leaves no tail to measure: the real K2 flare at 2235.03."""
    assert is_flare(spike_fit(tail=float("nan")), cadence=LONG)


def test_short_cadence_resolves_the_decay_and_is_unchanged():
    assert is_flare(spike_fit(tail=0.06), cadence=SHORT)


def test_the_injected_glitch_on_the_real_k2_star_is_an_outlier(real_data_dir):
    name = "ktwo211117077-c04_llc.fits"
    lc = next(lc for entry, lc in load_real(real_data_dir)[0] if entry["file"] == name)  # as the evaluation reads it
    plain = analyze(lc)
    known = [(e.t_start, e.t_end) for e in plain.events if e.kind in KNOWN_KINDS]
    case = real_injected_case(name, lc, 0, 0, known, [t.period for t in plain.transits])
    glitch = next(e for e in case.events if e["kind"] == "outlier" and abs(e["t_peak"] - 2293.283) < 0.01)
    assert glitch["peak_sigma"] > 20
    near = {e.kind for e in analyze(case.lc).events if e.t_start - LONG <= glitch["t_peak"] <= e.t_end + LONG}
    assert near == {"outlier"}, near


def test_a_box_and_a_step_that_fit_the_same_are_a_glitch_whatever_the_rounding():
    """At a window's last row before a gap the one-exposure box and the step are one column (koi1003 at
    BJD 2455013.82): which gain came out larger was decided at the 1e-13 level."""
    gain = 400.0
    for step_gain in (gain * (1 + 1e-13), gain * (1 - 1e-13)):
        fit = ShapeFit(peak=0, gains={"glitch": gain, "step": step_gain}, params={"glitch": (0, 1, 0.01)}, scale=1.0)
        assert glitch_fit(fit, 0.01 / 20.0, 5.0, LONG) is not None
    fit = ShapeFit(peak=0, gains={"glitch": gain, "step": gain + 1.0}, params={"glitch": (0, 1, 0.01)}, scale=1.0)
    assert glitch_fit(fit, 0.01 / 20.0, 5.0, LONG) is None  # a step that fits better is still a step
