"""The K2 flare floor (the strongest "flare" of the upside-down curve) on the real K2 star, with and without
events injected beside the ramp that sets it (skipped without ../shared/data/real/).

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
from core.evaluation.real import load_real
from core.evaluation.run import KNOWN_KINDS

NAME = "ktwo211117077-c04_llc.fits"


@pytest.fixture(scope="module")
def k2_star(real_data_dir):
    lc = next(lc for entry, lc in load_real(real_data_dir)[0] if entry["file"] == NAME)  # as the evaluation reads it
    plain = analyze(lc)
    known = [(e.t_start, e.t_end) for e in plain.events if e.kind in KNOWN_KINDS]
    return lc, plain, known


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
    lc, _, _ = k2_star
    assert max(floors_seen(monkeypatch, lc)) > 20


def test_a_flare_beside_the_ramp_does_not_lower_the_floor(k2_star, monkeypatch):
    lc, plain, known = k2_star
    case = real_injected_case(NAME, lc, 0, 1, known, [t.period for t in plain.transits])
    assert any(e["kind"] == "flare" and e["t_peak"] < 2230.0 for e in case.events)
    assert max(floors_seen(monkeypatch, case.lc)) > 20
    monkeypatch.undo()
    assert len(unexplained_flares(case, analyze(case.lc))) <= 2
