"""Is an event's confidence what it says? Each event is labelled true or false, binned by its confidence.

An event is true when it matches an injected event of its own kind (flares and
transit events by their peak, outliers and the longer kinds by overlap), when
it is an `anomaly` overlapping anything injected (it names no kind, so any
injected signal is its target), or when it touches a signal the real curve
already had (a transit event: when its period is a planet the curve already had).
A `brightening` on an injected flare-like bump is real: the bump is a brightening.
On a clean star every event is false. The same labels, with the
event's numeric fields, are what `--calibration-out` writes for fitting the
confidence.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any, Iterable, Mapping

from core.evaluation.cases import Case, is_clean
from core.evaluation.matching import near_known, overlaps, peak_in, period_match
from core.result import AnalysisResult, Event

CONFIDENCE_BINS: tuple[tuple[str, float, float], ...] = (
    ("0.0-0.2", 0.0, 0.2), ("0.2-0.4", 0.2, 0.4), ("0.4-0.6", 0.4, 0.6), ("0.6-0.8", 0.6, 0.8),
    ("0.8-1.0", 0.8, math.inf),  # 1.0 itself belongs to the last bin
)
HIGH_CONFIDENCE = 0.8
MATCHED_BY_PEAK = ("transit", "flare")  # as scoring.py matches them; an outlier, like the longer kinds, by overlap
_TIMES = ("t_start", "t_end", "t_peak")
# A flare-like bump (a smooth brightening, symmetric or rising slowly) is not a flare, but a brightening is what it is.
TARGETS = {"brightening": ("brightening", "bump")}


def label_events(case: Case, result: AnalysisResult) -> list[tuple[Event, bool]]:
    """Every event of `result` with whether it is real (see the module docstring)."""
    if is_clean(case.source):
        return [(event, False) for event in result.events]
    return [(event, _is_real(event, case)) for event in result.events]


def _is_real(event: Event, case: Case) -> bool:
    if event.kind in MATCHED_BY_PEAK:
        matched = any(peak_in(t["t_peak"], event.t_start, event.t_end, case.cadence)
                      for t in case.events if t["kind"] == event.kind)
    elif event.kind == "anomaly":
        matched = any(overlaps(event, t, case.cadence) for t in case.events)
    else:
        targets = TARGETS.get(event.kind, (event.kind,))
        matched = any(overlaps(event, t, case.cadence) for t in case.events if t["kind"] in targets)
    return matched or near_known(event, case.known, case.cadence) or _known_planet(event, case)


def _known_planet(event: Event, case: Case) -> bool:
    """A transit event of a planet the real curve already had (WASP-18 b on its injected copies)."""
    period = event.extra.get("period")
    return (event.kind == "transit" and period is not None
            and period_match(period, case.known_periods) == "found")


def confidence_of(event: Event) -> float | None:
    """The event's confidence in [0, 1], wherever the detector put it; None when it carries none."""
    value = getattr(event, "confidence", None)
    if value is None:
        value = event.extra.get("confidence")
    return None if value is None or not math.isfinite(float(value)) else float(value)


def reliability_counts(labelled: Iterable[tuple[Event, bool]]) -> Counter:
    """conf|kind|bin and conf_true|kind|bin counters; conf_missing|kind for events without a confidence."""
    c: Counter = Counter()
    for event, real in labelled:
        confidence = confidence_of(event)
        if confidence is None:
            c[f"conf_missing|{event.kind}"] += 1
            continue
        name = next(name for name, low, high in CONFIDENCE_BINS if low <= confidence < high)
        c[f"conf|{event.kind}|{name}"] += 1
        c[f"conf_true|{event.kind}|{name}"] += real
    return c


def calibration_records(case: Case, labelled: Iterable[tuple[Event, bool]]) -> list[dict[str, Any]]:
    """One record per event: its kind, whether it is real, and its numeric fields (the features to fit)."""
    records = []
    for event, real in labelled:
        fields = event.to_dict()
        features = {k: v for k, v in fields.items()
                    if k not in _TIMES and k != "kind" and isinstance(v, (int, float)) and not isinstance(v, bool)}
        features["duration"] = event.t_end - event.t_start
        records.append({"kind": event.kind, "real": bool(real), "case": case.name, "source": case.source,
                        "cadence_min": case.cadence * 1440.0, "features": features})
    return records


def reliability_summary(c: Mapping[str, int]) -> dict[str, Any]:
    """Per confidence bin: events, of which real, precision; and the share real at confidence >= 0.8."""
    kinds = sorted({key.split("|")[1] for key in c if key.startswith(("conf|", "conf_missing|"))})
    rows = []
    for name, _, _ in CONFIDENCE_BINS:
        n = sum(c.get(f"conf|{kind}|{name}", 0) for kind in kinds)
        real = sum(c.get(f"conf_true|{kind}|{name}", 0) for kind in kinds)
        rows.append({"bin": name, "events": n, "real": real, "precision": real / n if n else None})
    high = rows[-1]
    return {
        "bins": rows,
        "high_confidence_events": high["events"],
        "high_confidence_precision": high["precision"],
        "without_confidence": {kind: c.get(f"conf_missing|{kind}", 0) for kind in kinds
                               if c.get(f"conf_missing|{kind}", 0)},
    }


def reliability_markdown(c: Mapping[str, int]) -> list[str]:
    """The reliability table: confidence bins against the share of their events that are real."""
    summary = reliability_summary(c)
    lines = ["**Confidence reliability** (events of every kind on the injected and clean curves; real: matched to "
             "an injected event of its kind, or on a signal the real curve already had)", "",
             "| confidence | events | real | precision |", "|---|---|---|---|"]
    for row in summary["bins"]:
        precision = "-" if row["precision"] is None else f"{100 * row['precision']:.0f}%"
        lines.append(f"| {row['bin']} | {row['events']} | {row['real']} | {precision} |")
    high = summary["high_confidence_precision"]
    lines += ["", f"Of events with confidence >= {HIGH_CONFIDENCE}, "
              + ("none were reported." if high is None else f"{100 * high:.0f}% are real "
                 f"({summary['bins'][-1]['real']} of {summary['high_confidence_events']}).")]
    missing = summary["without_confidence"]
    if missing:
        lines.append("Events without a confidence (not in the table): "
                     + ", ".join(f"{kind} {n}" for kind, n in missing.items()) + ".")
    return lines
