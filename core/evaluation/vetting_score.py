"""The vetting set scored: what each injected signal was called (planet, eclipsing binary, false alarm).

A candidate belongs to its curve's signal when its period is within PERIOD_TOLERANCE of
the signal's period, half or double (a box search folds equal eclipses at P/2); on a
rotation-harmonic curve every candidate belongs to the spot. The confusion matrix counts
one call per signal (its first matching candidate's verdict, or "not found") and the
candidates that belong to nothing apart. The design's bars are over the signals found:
a signal never found was never judged. A binary counts as significant by the evidence
its found period can show: found at P/2, its odd/even difference; at P, its secondary.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Mapping

from core.candidate_vetting import ECLIPSING_BINARY, FALSE_ALARM, PLANET_CANDIDATE, VERDICTS
from core.evaluation.cases import Case
from core.evaluation.vetting_cases import SIGNIFICANT_SIGMA
from core.result import AnalysisResult

PERIOD_TOLERANCE = 0.01
NOT_FOUND = "not_found"
CALLS = VERDICTS + (NOT_FOUND,)
TRUTHS = {"vetting-planet": PLANET_CANDIDATE, "vetting-eb": ECLIPSING_BINARY, "vetting-harmonic": FALSE_ALARM}
MIN_PLANET_SNR = 10.0
BARS = {"significant_eb_called_eb": 0.90, "planet_called_otherwise": 0.05, "harmonic_called_false_alarm": 1.0}


def score_vetting(case: Case, result: AnalysisResult) -> Counter:
    """Counter keys: vet|<truth>|<call>, vet_sig_eb|<call> (binaries with a >= 5 sigma secondary or odd/even),
    vet_snr10_planet|<call> (planets at effective SNR >= 10), vet_other|<verdict> (candidates matching nothing)."""
    truth = TRUTHS[case.source]
    if truth == FALSE_ALARM:
        matching = list(result.transits)
        period = None
    else:
        period = case.binaries[0]["period"] if case.binaries else case.planets[0]["period"]
        matching = [c for c in result.transits if _same_period(c.period, period)]
    call = matching[0].vetting.verdict if matching and matching[0].vetting is not None else NOT_FOUND
    out = Counter({f"vet|{truth}|{call}": 1, "vet_curves": 1})
    if case.binaries and _significant(case.binaries[0], matching[0].period if matching else None):
        out[f"vet_sig_eb|{call}"] += 1
    if case.planets and case.planets[0].get("effective_snr", 0.0) >= MIN_PLANET_SNR:
        out[f"vet_snr10_planet|{call}"] += 1
    for candidate in result.transits:
        if candidate not in matching and candidate.vetting is not None:
            out[f"vet_other|{candidate.vetting.verdict}"] += 1
    return out


def _significant(binary: dict[str, Any], found_period: float | None) -> bool:
    """Whether the evidence the found period can show is >= SIGNIFICANT_SIGMA: folded at half the period, the
    eclipses' odd/even difference; at the period, the secondary alone; not found, either."""
    if found_period is None:
        return bool(binary["significant"])
    if found_period < 0.75 * binary["period"]:
        return binary["odd_even_sigma"] >= SIGNIFICANT_SIGMA
    return binary["secondary_sigma"] >= SIGNIFICANT_SIGMA


def _same_period(found: float, true: float) -> bool:
    return any(abs(found / (true * factor) - 1.0) <= PERIOD_TOLERANCE for factor in (0.5, 1.0, 2.0))


def vetting_summary(c: Mapping[str, int]) -> dict[str, Any]:
    """The confusion matrix (truth -> call -> count) and the three design bars with their counts."""
    matrix = {truth: {call: int(c.get(f"vet|{truth}|{call}", 0)) for call in CALLS} for truth in VERDICTS}
    sig = {call: int(c.get(f"vet_sig_eb|{call}", 0)) for call in CALLS}
    planets = {call: int(c.get(f"vet_snr10_planet|{call}", 0)) for call in CALLS}
    harmonic = matrix[FALSE_ALARM]
    counts = {
        "significant_eb_called_eb": (sig[ECLIPSING_BINARY], sum(sig[v] for v in VERDICTS)),
        "planet_called_otherwise": (planets[ECLIPSING_BINARY] + planets[FALSE_ALARM], sum(planets[v] for v in VERDICTS)),
        "harmonic_called_false_alarm": (harmonic[FALSE_ALARM], sum(harmonic[v] for v in VERDICTS)),
    }
    rates = {key: _rate(hits, n) for key, (hits, n) in counts.items()}
    met = {
        "significant_eb_called_eb": _at_least(rates["significant_eb_called_eb"], BARS["significant_eb_called_eb"]),
        "planet_called_otherwise": _at_most(rates["planet_called_otherwise"], BARS["planet_called_otherwise"]),
        "harmonic_called_false_alarm": _at_least(rates["harmonic_called_false_alarm"],
                                                 BARS["harmonic_called_false_alarm"]),
    }
    return {"curves": int(c.get("vet_curves", 0)), "confusion": matrix,
            "significant_eb": sig, "planets_effective_snr_ge_10": planets,
            "unmatched_candidates": {v: int(c.get(f"vet_other|{v}", 0)) for v in VERDICTS},
            "rates": rates, "fractions": counts, "bars": BARS, "met": met}


def vetting_markdown(c: Mapping[str, int]) -> list[str]:
    """The confusion matrix and the bars as markdown lines."""
    s = vetting_summary(c)
    lines = ["**Vetting** (issue 19: eclipsing binaries, rotation-harmonic spots and planets; rows are the truth, "
             "columns what the first candidate at the signal's period was called)", "",
             "| truth \\ called | " + " | ".join(call.replace("_", " ") for call in CALLS) + " |",
             "|---|" + "---|" * len(CALLS)]
    names = {PLANET_CANDIDATE: "planet", ECLIPSING_BINARY: "eclipsing binary", FALSE_ALARM: "rotation harmonic"}
    for truth in VERDICTS:
        lines.append(f"| {names[truth]} | " + " | ".join(str(s["confusion"][truth][call]) for call in CALLS) + " |")
    other = s["unmatched_candidates"]
    lines += ["", "Candidates at no injected period: " + ", ".join(f"{v.replace('_', ' ')} {n}" for v, n in
                                                                   other.items()), "",
              "| bar | rate (of the signals found) | target | met |", "|---|---|---|---|"]
    labels = {"significant_eb_called_eb": ("binaries with a >= 5 sigma secondary or odd/even called eclipsing binary",
                                           ">="),
              "planet_called_otherwise": ("planets at effective SNR >= 10 called anything but planet candidate", "<="),
              "harmonic_called_false_alarm": ("rotation-harmonic candidates called false alarm", ">=")}
    for key, (label, sign) in labels.items():
        rate = s["rates"][key]
        met = s["met"][key]
        hits, n = s["fractions"][key]
        lines.append(f"| {label} | {'n/a' if rate is None else f'{rate:.0%} ({hits}/{n})'} | {sign} {BARS[key]:.0%} "
                     f"| {'n/a' if met is None else ('yes' if met else 'NO')} |")
    return lines


def _rate(hits: int, n: int) -> float | None:
    return hits / n if n else None


def _at_least(rate: float | None, bar: float) -> bool | None:
    return None if rate is None else rate >= bar


def _at_most(rate: float | None, bar: float) -> bool | None:
    return None if rate is None else rate <= bar
