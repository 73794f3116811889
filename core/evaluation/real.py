"""Real curves (../shared/data/real/, MANIFEST.json): loaded for injection, and checked as they are."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from core.errors import LightCurveFormatError
from core.evaluation.matching import match_events, period_match
from core.io import load_lightcurve
from core.lightcurve import LightCurve
from core.prepare import prepare
from core.result import AnalysisResult
from core.stats import cadence_days, point_to_point_std

REAL_DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"
RISE_MINUTES = 10.0  # a flare's rise is judged over this long (impulsive_rise)
MIN_REAL_POINTS = 100  # fewer than this is a bad-input fixture, not a light curve to score


def load_real(folder: Path) -> tuple[list[tuple[dict[str, Any], LightCurve]], list[str]]:
    """MANIFEST entries with their quality-masked, normalised curves; unusable files are listed as skipped."""
    manifest = folder / "MANIFEST.json"
    if not manifest.exists():
        return [], []
    entries = []
    for entry in json.loads(manifest.read_text()):
        entries.append(entry)
        # A FITS file's CSV export (time, flux, error only: no quality flags, no centroids) is
        # what many users upload; it is checked as it is, not injected into.
        if (entry.get("csv_export") or {}).get("file"):
            entries.append(dict(entry, file=entry["csv_export"]["file"], copy_of=entry["file"]))
    loaded, skipped = [], []
    for entry in entries:
        try:
            lc = prepare(load_lightcurve(folder / entry["file"]))
        except LightCurveFormatError as exc:
            skipped.append(f"{entry['file']}: {exc}")
            continue
        lc = lc.select(np.isfinite(lc.flux))
        if len(lc) < MIN_REAL_POINTS:
            skipped.append(f"{entry['file']}: only {len(lc)} usable points")
            continue
        loaded.append((entry, lc))
    return loaded, skipped


def halves(lc: LightCurve) -> list[tuple[str, LightCurve]]:
    """The curve's first and second half in time: what a user who uploads part of a star analyses.

    A detector whose answer on a star depends on which part of it was uploaded is
    leaning on something in the other part (issue 16: the K2 flare floor).
    """
    middle = 0.5 * (float(lc.time[0]) + float(lc.time[-1]))
    return [("first half", lc.select(lc.time <= middle)), ("second half", lc.select(lc.time > middle))]


def real_checks(entry: dict[str, Any], result: AnalysisResult, cadence: float,
                not_flares: Sequence[float] = ()) -> list[dict[str, Any]]:
    """MANIFEST known signals against an as-is run: planets by period, flares >= 5 sigma by t_peak.

    MANIFEST flares at `not_flares` (times our by-eye labels show to be something else,
    data/labels/README.md) are expected NOT to be reported as flares.
    """
    truth = entry.get("ground_truth", {})
    periods = [t.period for t in result.transits]
    rows = []
    for planet in truth.get("transits", []):
        verdict = period_match(planet["period_d_measured"], periods)
        rows.append({"file": entry["file"], "signal": f"{planet.get('body', 'transit')} "
                     f"P={planet['period_d_measured']:.4f} d", "expected": 1, "found": int(verdict == "found"),
                     "detail": f"{verdict}; candidates {', '.join(f'{p:.4f}' for p in periods) or 'none'}"})
    flares = [dict(f, t_end=f["t_stop"]) for f in truth.get("flares", []) if f["peak_sigma"] >= 5]
    relabelled = [f for f in flares if any(abs(f["t_peak"] - t) < 2 * cadence for t in not_flares)]
    flares = [f for f in flares if f not in relabelled]
    if relabelled:
        called, _ = match_events(relabelled, [e for e in result.events if e.kind == "flare"], cadence)
        rows.append({"file": entry["file"], "signal": "MANIFEST flares our labels show are not flares",
                     "expected": 0, "found": sum(called),
                     "detail": ", ".join(f"{f['t_peak']:.2f}" for f in relabelled) + " (data/labels/README.md)"})
    if flares:
        found, true = match_events(flares, [e for e in result.events if e.kind == "flare"], cadence)
        sigma = float(truth.get("flare_sigma_rel") or point_to_point_std(result.flux))
        smooth = sum(not hit and not impulsive_rise(result.time, result.flux, f["t_start"], f["t_end"], sigma)
                     for f, hit in zip(flares, found))
        rows.append({"file": entry["file"], "signal": "flares >= 5 sigma", "expected": len(flares),
                     "found": sum(found), "detail": f"{len(true)} flare events, {sum(true)} on a known flare; "
                     f"{smooth} of the {len(flares) - sum(found)} missed have no impulsive rise"})
    if not truth.get("transits"):
        rows.append({"file": entry["file"], "signal": "no planet (false candidates)", "expected": 0,
                     "found": len(result.transits),
                     "detail": ", ".join(f"P={t.period:.3f} SNR={t.snr:.0f}" for t in result.transits) or "none"})
    return rows


def impulsive_rise(time: np.ndarray, flux: np.ndarray, t_start: float, t_end: float, sigma: float) -> bool:
    """Does the flux jump into the highest point of [t_start - cadence, t_end] faster than it was already rising?

    A flare rises within minutes; a label made by a running median on a spotted
    star's rising flank, or on a K2 roll sawtooth, rises no faster than the points
    before it. The rise over the last ~10 minutes (one cadence at long cadence)
    must beat the rise over the step before it by 3 `sigma`.
    """
    cadence = cadence_days(time)
    # Labels made on a running median often start a cadence after the true peak.
    inside = np.flatnonzero((time >= t_start - 1.5 * cadence) & (time <= t_end + 0.5 * cadence))
    if inside.size == 0:
        return False
    peak = int(inside[np.argmax(flux[inside])])
    step = max(1, int(round(RISE_MINUTES / (cadence * 1440.0))))
    if peak < 2 * step:
        return True  # nothing before it to compare with: give the label the benefit of the doubt
    jump = flux[peak] - flux[peak - step]
    before = max(flux[peak - step] - flux[peak - 2 * step], 0.0)
    return bool(jump - before > 3.0 * sigma)
