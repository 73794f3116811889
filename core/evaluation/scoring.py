"""Scoring one analysed curve against what was injected into it: a Counter per curve."""
from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

from core.candidate_vetting import FALSE_ALARM
from core.evaluation.cases import Case
from core.evaluation.identifiable import flare_identifiable
from core.evaluation.matching import (
    bin_of,
    match_events,
    match_spans,
    near_known,
    overlaps,
    period_match,
    runs_touching,
)
from core.result import EVENT_KINDS, AnalysisResult, Event

MIN_TRANSITS_WITH_DATA = 2  # a planet with fewer is left out of transit recall: it has no period to find
SNR_BINS: tuple[tuple[str, float, float], ...] = (
    ("<7", 0.0, 7.0), ("7-10", 7.0, 10.0), ("10-15", 10.0, 15.0), ("15-30", 15.0, 30.0), (">30", 30.0, math.inf),
)
SIGMA_BINS: tuple[tuple[str, float, float], ...] = (
    ("<3", 0.0, 3.0), ("3-5", 3.0, 5.0), ("5-10", 5.0, 10.0), (">10", 10.0, math.inf),
)
# Planets at a rotation harmonic are counted apart from this effective SNR up (issue 16: one was vetoed as rotation).
HARMONIC_MIN_SNR = 10.0
# A flare >= 5 sigma whose next-highest exposure (noise-free) stays below this is one
# high exposure, shaped like a one-cadence spike: shorter than a 30-min exposure.
ONE_EXPOSURE_SIGMA = 2.0


def score_case(case: Case, result: AnalysisResult, seed_runs: Sequence[tuple[float, float]]) -> tuple[Counter, list[float]]:
    """Counters for one curve (and relative period errors of found planets)."""
    c: Counter = Counter(stars=1)
    periods = [t.period for t in result.transits]
    # A candidate the vetting calls a false alarm is still listed (with its verdict); a user who trusts
    # the verdict sees only the others, so recall and false candidates are also counted that way.
    believed = [t.period for t in result.transits if _verdict(t) != FALSE_ALARM]
    errors = []
    findable = [p.get("n_transits", 2) >= MIN_TRANSITS_WITH_DATA for p in case.planets]
    for planet, ok in zip(case.planets, findable):
        if not ok:
            c["planet_single"] += 1  # one transit in the data: no period to find
            continue
        name = bin_of(planet["snr"], SNR_BINS)
        verdict = period_match(planet["period"], periods)
        c[f"planet|{name}"] += 1
        c[f"planet_{verdict}|{name}"] += 1
        if "effective_snr" in planet:
            effective = bin_of(planet["effective_snr"], SNR_BINS)
            c[f"planet_effective|{effective}"] += 1
            c[f"planet_effective_{verdict}|{effective}"] += 1
            c[f"planet_effective_believed|{effective}"] += period_match(planet["period"], believed) == "found"
            if planet.get("harmonic") and planet["effective_snr"] >= HARMONIC_MIN_SNR:
                c["planet_harmonic"] += 1
                c["planet_harmonic_found"] += verdict == "found"
        if "correlated_snr" in planet:
            correlated = bin_of(planet["correlated_snr"], SNR_BINS)
            c[f"planet_correlated|{correlated}"] += 1
            c[f"planet_correlated_found|{correlated}"] += verdict == "found"
        if verdict == "found":
            errors.append(min(abs(p / planet["period"] - 1.0) for p in periods))
    for candidate in result.transits:
        # Any injected planet counts, findable or not; a real curve's own planet is forgiven.
        if period_match(candidate.period, case.known_periods) == "found":
            continue
        true = any(period_match(p["period"], [candidate.period]) != "missed" for p in case.planets)
        c["candidate_det"] += 1
        c["candidate_det_true"] += true
        if _verdict(candidate) == FALSE_ALARM:
            c["candidate_det_false_alarm"] += 1
            c["candidate_det_false_alarm_true"] += true
    detected = {kind: [e for e in result.events if e.kind == kind] for kind in EVENT_KINDS}
    injected = {kind: [e for e in case.events if e["kind"] == kind] for kind in ("transit", "flare", "outlier")}

    found, _ = match_events(injected["transit"], detected["transit"], case.cadence)
    touched, _ = runs_touching(injected["transit"], seed_runs)
    for event, hit, seed_hit in zip(injected["transit"], found, touched):
        if not findable[event["planet"]]:
            continue
        name = bin_of(case.planets[event["planet"]]["snr"], SNR_BINS)
        c[f"transit|{name}"] += 1
        c[f"transit_found|{name}"] += hit
        c[f"transit_seed|{name}"] += seed_hit

    for kind, bins, match in (("flare", SIGMA_BINS, match_events), ("outlier", None, match_spans)):
        truths = injected[kind]
        found, true = match(truths, detected[kind], case.cadence)
        touched, _ = runs_touching(truths, seed_runs)
        for event, hit, seed_hit in zip(truths, found, touched):
            key = kind if bins is None else f"{kind}|{bin_of(event['peak_sigma'], bins)}"
            c[key] += 1
            if kind == "outlier":
                _count_outlier_by_length(c, event, hit, result.events, case.cadence)
            if kind == "flare" and event["peak_sigma"] >= 5 and "second_sigma" in event:
                shape = "one_exposure" if event["second_sigma"] < ONE_EXPOSURE_SIGMA else "resolved"
                c[f"flare_{shape}"] += 1
                c[f"flare_{shape}_found"] += hit
                if "fwhm" in event and flare_identifiable(case.lc.time, case.lc.flux, event, case.cadence,
                                                          event["observed_amplitude"] / event["peak_sigma"]):
                    c["flare_identifiable"] += 1
                    c["flare_identifiable_found"] += hit
            c[key.replace(kind, f"{kind}_found", 1)] += hit
            c[key.replace(kind, f"{kind}_seed", 1)] += seed_hit
        forgiven = [not t and near_known(d, case.known, case.cadence) for d, t in zip(detected[kind], true)]
        c[f"{kind}_det"] += sum(not f for f in forgiven)
        c[f"{kind}_det_true"] += sum(true)

    for bump in (e for e in case.events if e["kind"] == "bump"):
        kinds = {d.kind for d in result.events if overlaps(d, bump, case.cadence)}
        c["bump"] += 1
        c["bump_as_flare"] += "flare" in kinds
        c["bump_as_any"] += bool(kinds)

    _, run_true = runs_touching(case.events, seed_runs)
    forgiven = [not t and any(r[0] <= b and a <= r[1] for a, b in case.known) for r, t in zip(seed_runs, run_true)]
    c["seed_runs"] += sum(not f for f in forgiven)
    c["seed_runs_true"] += sum(run_true)
    return c, errors


def score_clean(result: AnalysisResult, seed_runs: Sequence[tuple[float, float]]) -> Counter:
    """Everything found on a star with nothing injected is false."""
    c: Counter = Counter(stars=1, seed_runs=len(seed_runs))
    c["false|transit_candidate"] += len(result.transits)
    for event in result.events:
        c[f"false|{event.kind}"] += 1
    return c


def _count_outlier_by_length(c: Counter, outlier: dict, found: bool, detections: Sequence[Event],
                             cadence: float) -> None:
    """Recall by glitch length, and what a missed outlier was reported as instead (if anything)."""
    length = f"n={outlier.get('n_cadences', 1)}"
    c[f"outlier_len|{length}"] += 1
    c[f"outlier_len_found|{length}"] += found
    if not found:
        for kind in {d.kind for d in detections if overlaps(d, outlier, cadence)}:
            c[f"outlier_missed_as|{kind}"] += 1


def _verdict(candidate) -> str | None:
    """The vetting's verdict on a transit candidate, None when it was not vetted."""
    return None if candidate.vetting is None else candidate.vetting.verdict
