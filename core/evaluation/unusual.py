"""Scoring the unusual events (issue 23): recall by kind and SNR, kind accuracy, flares inside, false events.

An injected event is *found* when any detection that is not a flare or an
outlier overlaps its span (widened by a cadence), *named* when one of its own
kind does; a flare overlapping it is a false flare inside it. A `transit` event
(one transit of a periodic candidate) finds only a single transit: a candidate's
transits fall all over the curve, and a days-long event would catch one by
chance. Kinds are plain strings, so the scoring works the same before and after
a detector for a kind exists (recall near 0 before).
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any, Mapping

from core.evaluation.cases import Case
from core.evaluation.matching import bin_of, overlaps
from core.evaluation.unusual_cases import UNUSUAL_KINDS
from core.result import AnalysisResult

NOT_AN_EVENT = ("flare", "outlier")  # reported as these, an unusual event is not found
BAR_SNR = 15.0
OWN_SNR_BINS: tuple[tuple[str, float, float], ...] = (
    ("<10", 0.0, 10.0), ("10-15", 10.0, 15.0), ("15-30", 15.0, 30.0), ("30-100", 30.0, 100.0),
    (">100", 100.0, math.inf),
)
BARRED_BINS = tuple(name for name, low, _ in OWN_SNR_BINS if low >= BAR_SNR)
# Single transits are also tabled by duration (issue 23: recall against depth SNR and duration).
DURATION_BINS_HOURS: tuple[tuple[str, float, float], ...] = (
    ("1-3 h", 0.0, 3.0), ("3-6 h", 3.0, 6.0), ("6-12 h", 6.0, math.inf),
)
# Kinds listed as columns of the "reported as" table; any other kind is counted under "other".
REPORTED_AS = UNUSUAL_KINDS + ("transit", "anomaly", "flare", "outlier")


def score_unusual(case: Case, result: AnalysisResult) -> Counter:
    """Counts for one curve of the unusual set."""
    c: Counter = Counter(stars=1)
    truths = [e for e in case.events if e["kind"] in UNUSUAL_KINDS]
    for truth in truths:
        kind, snr_bin = truth["kind"], bin_of(truth["own_snr"], OWN_SNR_BINS)
        touching = [d for d in result.events if overlaps(d, truth, case.cadence)]
        kinds = {d.kind for d in touching}
        c[f"unusual|{kind}|{snr_bin}"] += 1
        c[f"unusual_any|{kind}|{snr_bin}"] += any(finds(k, kind) for k in kinds)
        c[f"unusual_kind|{kind}|{snr_bin}"] += kind in kinds
        c[f"unusual_flare_inside|{kind}|{snr_bin}"] += "flare" in kinds
        c[f"unusual_flares_inside|{kind}"] += sum(d.kind == "flare" for d in touching)
        if kind == "single_transit":
            length = bin_of(truth["duration"] * 24.0, DURATION_BINS_HOURS)
            c[f"single_transit|{snr_bin}|{length}"] += 1
            c[f"single_transit_any|{snr_bin}|{length}"] += any(finds(k, kind) for k in kinds)
        for reported in kinds or {"none"}:
            c[f"unusual_as|{kind}|{reported if reported in REPORTED_AS + ('none',) else 'other'}"] += 1
    for detection in result.events:
        if detection.kind in UNUSUAL_KINDS and not any(overlaps(detection, t, case.cadence) for t in truths):
            c[f"unusual_false|{detection.kind}"] += 1
    return c


def finds(reported: str, injected: str) -> bool:
    """Does a detection of kind `reported` overlapping an injected event of kind `injected` count as finding it?"""
    if reported in NOT_AN_EVENT:
        return False
    return reported != "transit" or injected == "single_transit"


def unusual_summary(c: Mapping[str, int], clean: Mapping[str, int]) -> dict[str, Any]:
    """Rates at own SNR >= BAR_SNR over every kind, and false events of these kinds per clean star."""
    def total(prefix: str) -> int:
        return sum(c.get(f"{prefix}|{kind}|{b}", 0) for kind in UNUSUAL_KINDS for b in BARRED_BINS)

    n = total("unusual")
    n_clean = clean.get("stars", 0)
    false_clean = sum(clean.get(f"false|{kind}", 0) for kind in UNUSUAL_KINDS)
    return {
        "injected_snr_ge_15": n,
        "found_snr_ge_15": total("unusual_any"),
        "named_snr_ge_15": total("unusual_kind"),
        "with_flare_inside_snr_ge_15": total("unusual_flare_inside"),
        "recall_any_snr_ge_15": total("unusual_any") / n if n else None,
        "kind_accuracy_snr_ge_15": total("unusual_kind") / n if n else None,
        "false_per_clean_star": false_clean / n_clean if n_clean else None,
        "false_on_event_curves": sum(c.get(f"unusual_false|{kind}", 0) for kind in UNUSUAL_KINDS),
    }


def unusual_markdown(c: Mapping[str, int], by_source: Mapping[str, Mapping[str, int]],
                     clean: Mapping[str, int]) -> list[str]:
    """The unusual events' tables: by kind and SNR, what they were reported as, by star and cadence."""
    summary = unusual_summary(c, clean)
    lines = [
        "**Unusual events** (issue 23; one curve carries a few, nothing else; SNR on the event's own timescale "
        "against the curve without it; found: an event that is not a flare or outlier overlaps it, widened by a "
        "cadence (a periodic candidate's transit event only for a single transit); named: one of its own kind does)",
        "",
        "| kind | SNR | injected | found | named | with a flare inside |",
        "|---|---|---|---|---|---|",
    ]
    for kind in UNUSUAL_KINDS:
        for name, _, _ in OWN_SNR_BINS:
            n = c.get(f"unusual|{kind}|{name}", 0)
            if n:
                lines.append(f"| {kind} | {name} | {n} | {_share(c.get(f'unusual_any|{kind}|{name}', 0), n)} "
                             f"| {_share(c.get(f'unusual_kind|{kind}|{name}', 0), n)} "
                             f"| {c.get(f'unusual_flare_inside|{kind}|{name}', 0)} |")
    lines += ["", "Single transits found, by depth SNR and duration:", "",
              "| SNR | " + " | ".join(name for name, _, _ in DURATION_BINS_HOURS) + " |",
              "|---|" + "---|" * len(DURATION_BINS_HOURS)]
    for snr_name, _, _ in OWN_SNR_BINS:
        cells = [_share(c.get(f"single_transit_any|{snr_name}|{name}", 0),
                        c.get(f"single_transit|{snr_name}|{name}", 0)) for name, _, _ in DURATION_BINS_HOURS]
        lines.append(f"| {snr_name} | " + " | ".join(cells) + " |")
    lines += ["", "Reported as (events of each injected kind that any detection of that kind overlaps; "
              "one event can count in several columns):", "",
              "| injected | " + " | ".join(REPORTED_AS + ("other", "none")) + " | flare events inside |",
              "|---" * (len(REPORTED_AS) + 4) + "|"]
    for kind in UNUSUAL_KINDS:
        cells = [str(c.get(f"unusual_as|{kind}|{reported}", 0)) for reported in REPORTED_AS + ("other", "none")]
        lines.append(f"| {kind} | " + " | ".join(cells) + f" | {c.get(f'unusual_flares_inside|{kind}', 0)} |")
    lines += ["", f"By star and cadence, at SNR >= {BAR_SNR:.0f}:", "",
              "| curves | count | injected | found | named |", "|---|---|---|---|---|"]
    for source, counts in by_source.items():
        s = unusual_summary(counts, {})
        lines.append(f"| {source} | {counts.get('stars', 0)} | {s['injected_snr_ge_15']} "
                     f"| {_share(s['found_snr_ge_15'], s['injected_snr_ge_15'])} "
                     f"| {_share(s['named_snr_ge_15'], s['injected_snr_ge_15'])} |")
    per_clean = summary["false_per_clean_star"]
    lines += ["", f"Events of these kinds on clean stars: "
              f"{'n/a' if per_clean is None else format(per_clean, '.2f')} per star; on the event curves, away "
              f"from every injected event: {summary['false_on_event_curves']}."]
    return lines


def _share(hits: int, n: int) -> str:
    return f"{hits} ({100 * hits / n:.0f}%)" if n else "-"
