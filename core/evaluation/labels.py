"""Flare events on the real flare stars against labels made by eye (data/labels/, with the rule used).

Our own injections cannot say whether a reported "flare" on a real spotted star
is a rotation flank, a roll reset or a flare; a person looking at each one can.
Long-cadence files are scored against data/labels/flares_by_eye.json; the TESS
2-min flare star against MANIFEST.json's flares. An event is on a label when the
label's time lies within the event's span widened by LABEL_WINDOW_CADENCES.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from core.errors import ConfigError
from core.result import AnalysisResult, Event

LABELS_PATH = Path(__file__).resolve().parents[2] / "data" / "labels" / "flares_by_eye.json"
LABEL_WINDOW_CADENCES = 1.5
LONG_CADENCE_MIN = 10.0  # a file whose cadence is longer than this (minutes) is long-cadence
PRECISION_BAR = 0.8


def load_flare_labels(path: Path = LABELS_PATH) -> dict[str, dict[str, list[float]]]:
    """File name -> {"flare": [t_peak...], "ambiguous": [...], "not_flare": [...]}, a CSV copy's pointer resolved.

    `not_flare` are the times of the labels' notes: events a running median (or
    MANIFEST.json) calls flares that the labels show to be something else. {} without a file.
    """
    if not path.exists():
        return {}
    try:
        files = json.loads(path.read_text())["files"]
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"{path} is not a flare-label file (a JSON object with 'files'): {exc}") from exc
    out = {}
    for name, entry in files.items():
        source = files[entry["same_labels_as"]] if "same_labels_as" in entry else entry
        out[name] = {"flare": list(source.get("flare", [])), "ambiguous": list(source.get("ambiguous", [])),
                     "not_flare": [float(t) for t in source.get("notes", {})]}
    return out


def label_row(entry: Mapping[str, Any], result: AnalysisResult, cadence: float,
              labels: Mapping[str, Mapping[str, Sequence[float]]], part: str | None = None) -> dict[str, Any] | None:
    """Reported flare events of one real file against its labels; None for a file with no labels to use.

    `part` names a piece of the file analysed alone (its first half, say): the row says so
    and stays out of the pooled precision, which counts each star's events once.
    """
    name = entry["file"]
    long_cadence = cadence * 1440.0 > LONG_CADENCE_MIN
    if long_cadence:
        if name not in labels:
            return None
        flares, ambiguous, source = list(labels[name]["flare"]), list(labels[name]["ambiguous"]), "by eye"
    else:
        manifest = entry.get("ground_truth", {}).get("flares", [])
        if name not in labels or not manifest:
            return None
        flares, ambiguous, source = [f["t_peak"] for f in manifest], [], "MANIFEST.json"
    if part is not None:  # a piece can only find the flares inside it
        flares = [t for t in flares if result.time[0] <= t <= result.time[-1]]
    events = [e for e in result.events if e.kind == "flare"]
    widen = LABEL_WINDOW_CADENCES * cadence
    on_flare = [_on_any(e, flares, widen) for e in events]
    on_ambiguous = [not flare and _on_any(e, ambiguous, widen) for e, flare in zip(events, on_flare)]
    labelled, doubtful = sum(on_flare), sum(on_ambiguous)
    neither = len(events) - labelled - doubtful
    found = sum(any(e.t_start - widen <= t <= e.t_end + widen for e in events) for t in flares)
    return {"file": name if part is None else f"{name} ({part})", "part": part,
            "long_cadence": long_cadence, "labels": source, "flare_events": len(events),
            "on_flare": labelled, "on_ambiguous": doubtful, "on_neither": neither,
            "precision": labelled / (labelled + neither) if labelled + neither else None,
            "labelled_flares": len(flares), "found": found, "recall": found / len(flares) if flares else None}


def _on_any(event: Event, times: Sequence[float], widen: float) -> bool:
    return any(event.t_start - widen <= t <= event.t_end + widen for t in times)


def long_cadence_precision(rows: Sequence[Mapping[str, Any]], parts: bool = False) -> tuple[int, int]:
    """(events on a labelled flare, events on a flare or on neither) pooled over the long-cadence files
    (`parts` False: the whole files; True: the pieces analysed alone)."""
    long_rows = [r for r in rows if r["long_cadence"] and bool(r.get("part")) == parts]
    return sum(r["on_flare"] for r in long_rows), sum(r["on_flare"] + r["on_neither"] for r in long_rows)


def labels_markdown(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The real-data table: flare events on labelled flares, on ambiguous ones, on neither; precision and recall."""
    lines = ["**Real flare stars against labels** (long cadence: data/labels/flares_by_eye.json, made by eye with "
             "the rule in its README; TESS 2-min: MANIFEST.json's flares; an event is on a label within its span "
             f"widened by {LABEL_WINDOW_CADENCES} cadences; precision leaves ambiguous ones out)", "",
             "| file | labels | flare events | on a flare | on an ambiguous one | on neither | precision "
             "| labelled flares found |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        precision = "-" if r["precision"] is None else f"{100 * r['precision']:.0f}%"
        lines.append(f"| {r['file']} | {r['labels']} | {r['flare_events']} | {r['on_flare']} | {r['on_ambiguous']} "
                     f"| {r['on_neither']} | {precision} | {r['found']} of {r['labelled_flares']} |")
    hits, n = long_cadence_precision(rows)
    if n:
        lines += ["", f"Long-cadence files pooled: {hits} of {n} flare events on a labelled flare "
                  f"({100 * hits / n:.0f}%; the bar is {100 * PRECISION_BAR:.0f}%)."]
    hits, n = long_cadence_precision(rows, parts=True)
    if n:
        lines += ["", f"Each half of each long-cadence FITS file analysed alone, as a user uploading part of a "
                  f"star would (not in the bar): {hits} of {n} flare events on a labelled flare "
                  f"({100 * hits / n:.0f}%)."]
    return lines
