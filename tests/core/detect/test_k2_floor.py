"""The K2 flare floor (the strongest "flare" of the upside-down or the backwards curve) on the real K2 star,
with and without events injected beside the ramp that sets it, and without the ramp (those skip without
../shared/data/real/), and on the evaluation's hard K2-like stars.

On EPIC 211117077 (C4) the upside-down curve's only flare is the ramp at the campaign's start (~23 sigma).
Evaluation seed 1 injected a flare 0.7 d before it; upside down, that flare is a dip in the ramp's fitting
window, the ramp lost its flare shape, the floor fell to 6 sigma and 15 of the star's rotation turning
points and roll jumps came out as flares.
"""
import pytest

import core.detect.excursions as excursions
from core import analyze
from core.evaluation.cases import real_injected_case
from core.evaluation.matching import match_events, near_known
from core.evaluation.hard_cases import HARD_RECIPES, hard_case
from core.evaluation.labels import label_row, load_flare_labels
from core.evaluation.real import halves, load_real
from core.evaluation.run import KNOWN_KINDS
from core.stats import cadence_days

NAME = "ktwo211117077-c04_llc.fits"
K2 = HARD_RECIPES[2]


@pytest.mark.parametrize(("seed", "roll_flare", "injected"), [(1, 2278.071, (2281.516,)), (4, 2273.314, (2251.126, 2252.721))])
def test_a_roll_ramp_is_no_flare_and_injected_flares_stay(seed, roll_flare, injected):
    """The evaluation's hard K2-like star 11 (seeds 1 and 4): a roll ramp's sharp end was a flare; run backwards
    the star's roll makes flares as significant, so it is under the floor. Needs no real data."""
    case = hard_case(11, seed, K2)
    flares = [e.t_peak for e in analyze(case.lc).events if e.kind == "flare"]
    assert not any(abs(t - roll_flare) < 0.05 for t in flares)
    assert all(any(abs(t - injected_peak) < 0.05 for t in flares) for injected_peak in injected)


@pytest.fixture(scope="module")
def k2_star(real_data_dir):
    entry, lc = next((entry, lc) for entry, lc in load_real(real_data_dir)[0] if entry["file"] == NAME)  # as the evaluation reads it
    plain = analyze(lc)
    known = [(e.t_start, e.t_end) for e in plain.events if e.kind in KNOWN_KINDS]
    return lc, plain, known, entry


def floors_seen(monkeypatch, lc) -> list[float]:
    floors = []
    look = excursions._look

    def spy(*args, **kwargs):
        floors.append(args[7])
        return look(*args, **kwargs)

    monkeypatch.setattr(excursions, "_look", spy)
    analyze(lc)
    return floors


def unexplained_flares(case, result) -> list[float]:
    """Flare events on neither an injected flare nor an event of the star as it is."""
    flares = [e for e in result.events if e.kind == "flare"]
    _, true = match_events([e for e in case.events if e["kind"] == "flare"], flares, case.cadence)
    return [round(e.t_peak, 2) for e, hit in zip(flares, true) if not hit and not near_known(e, case.known, case.cadence)]


def test_the_ramp_sets_the_floor_on_the_star_as_it_is(k2_star, monkeypatch):
    lc = k2_star[0]
    assert max(floors_seen(monkeypatch, lc)) > 20


def test_a_flare_beside_the_ramp_does_not_lower_the_floor(k2_star, monkeypatch):
    lc, plain, known, _ = k2_star
    case = real_injected_case(NAME, lc, 0, 1, known, [t.period for t in plain.transits])
    assert any(e["kind"] == "flare" and e["t_peak"] < 2230.0 for e in case.events)
    assert max(floors_seen(monkeypatch, case.lc)) > 20
    monkeypatch.undo()
    assert len(unexplained_flares(case, analyze(case.lc))) <= 2


def test_without_the_ramp_the_roll_run_backwards_sets_the_floor(k2_star, monkeypatch):
    """The campaign's second half has no ramp. Upside down its strongest flare is 6.8 sigma, and the star's
    rotation turning points and roll resets came out as 11 flare events, 7 on nothing the by-eye labels call a
    flare or ambiguous. Run backwards, a roll ramp ending in a sharp drop is a 17-sigma flare's shape: with it
    as the floor only the labelled 29-sigma flare is left."""
    lc, _, _, entry = k2_star
    second = dict(halves(lc))["second half"]
    assert max(floors_seen(monkeypatch, second)) > 15
    monkeypatch.undo()
    row = label_row(entry, analyze(second), cadence_days(second.time), load_flare_labels(), "second half")
    assert row["on_neither"] == 0
    assert row["found"] == row["labelled_flares"] >= 1
