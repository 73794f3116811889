"""The unusual events on the real curves (skipped without ../shared/data/real/).

Kepler Q2 of KIC 10002792 (a 1.16-day rotator) jumps twice and stays there:
+4% at 246.19 (the cadence before is flagged as an attitude tweak, SAP_QUALITY 1;
data/labels/README.md) and -3% at 200.31 (across a cadence flagged 128, manual
exclude), both checked by eye. The other real files hold no unusual event by eye.
"""
import pytest

from core import analyze, load_lightcurve
from core.detect.unusual import UNUSUAL_KINDS

Q2 = ("kplr010002792-2009259160929_llc.fits", "kplr010002792-2009259160929_llc.csv")
OTHERS = ("kplr010002792-2010174085026_llc.fits", "ktwo211117077-c04_llc.fits",
          "tess2018206045859-s0001-0000000358108509-0120-s_lc.fits", "koi1003_kepler_q2.csv",
          "pi_men_tess_s01_detrended.csv", "wasp18b_flat_lightcurve.csv")


@pytest.mark.parametrize("name", Q2)
def test_the_q2_attitude_tweak_is_a_step(real_data_dir, name):
    unusual = [e for e in analyze(load_lightcurve(real_data_dir / name)).events if e.kind in UNUSUAL_KINDS]
    assert [e.kind for e in unusual] == ["step", "step"], [(e.kind, round(e.t_start, 2)) for e in unusual]
    manual_exclude, tweak = unusual
    assert manual_exclude.t_start <= 200.31 <= manual_exclude.t_end
    assert manual_exclude.extra["jump"] == pytest.approx(-0.033, abs=0.005)
    assert tweak.t_start <= 246.19 <= tweak.t_end
    assert tweak.extra["jump"] == pytest.approx(0.045, abs=0.005)


@pytest.mark.parametrize("name", OTHERS)
def test_the_other_real_files_have_no_unusual_events(real_data_dir, name):
    result = analyze(load_lightcurve(real_data_dir / name))
    assert not [(e.kind, round(e.t_start, 2)) for e in result.events if e.kind in UNUSUAL_KINDS]
