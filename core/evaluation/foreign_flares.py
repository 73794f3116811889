"""Flares of a shape the detector was not built around, on the clean stars.

The generator injects Davenport (2014) flares and the detector fits the same
template, so the flare rows of the evaluation could flatter it. Here each clean
star gets a few flares twice, in two copies: once as Davenport flares and once
as Mendoza et al. (2022) flares (rounder peak, longer tail), at the same times,
widths and observed peak heights. Recall and equivalent duration are counted per
template and cadence, so a gap between the two columns shows how much the
template itself is worth.
"""
from __future__ import annotations

import dataclasses
import zlib
from collections import Counter

import numpy as np

from core.evaluation.cases import Case
from core.evaluation.summary import as_percent, rate
from core.flare_model import flare_binned, flare_equivalent_duration
from core.pipeline import analyze
from core.stats import point_to_point_std
from core.synthetic.event_shapes import MENDOZA_AREA, exposure_average, mendoza_flare

TEMPLATES = ("davenport", "mendoza")
N_FLARES = 6
PEAK_SIGMA = (5.0, 30.0)  # observed (exposure-averaged) peak over the white noise, log-uniform
FWHM_MIN = (4.0, 30.0)  # minutes, as the generator's flares
SPACING_CADENCES = 60  # between two flares, and from a gap or an end
GAP_CADENCES = 2.5  # a gap is more than one missing exposure: K2 drops one at every thruster firing
ED_TOLERANCE = 0.2
SECONDS_PER_DAY = 86_400.0
_SUBSAMPLES_PER_MINUTE = 1.0  # exposure sub-samples for the Mendoza flare, one per minute of exposure


def foreign_flare_counts(case: Case, seed: int) -> Counter:
    """Counter keys `foreign_flare|<template>|<short|long>|<injected|found|ed_ok>` for one clean star."""
    time, flux = case.lc.time, case.lc.flux
    cadence = case.cadence
    rng = np.random.default_rng([seed, zlib.crc32(case.name.encode()), 22])
    sigma = point_to_point_std(flux / np.median(flux))
    flares = _draw_flares(rng, time, cadence)
    cadence_class = "short" if cadence * 1440.0 < 10.0 else "long"
    counts: Counter = Counter()
    for template in TEMPLATES:
        added = np.zeros_like(flux)
        truth = []
        for t_peak, fwhm, peak_sigma in flares:
            shape = _binned(template, time, t_peak, fwhm, cadence)
            amplitude = peak_sigma * sigma / shape.max()
            added += amplitude * shape
            area = flare_equivalent_duration(fwhm, amplitude) if template == "davenport" else (
                amplitude * fwhm * MENDOZA_AREA)
            truth.append((t_peak, area * SECONDS_PER_DAY))
        result = analyze(dataclasses.replace(case.lc, flux=flux * (1.0 + added)))
        found_flares = [e for e in result.events if e.kind == "flare"]
        key = f"foreign_flare|{template}|{cadence_class}"
        for t_peak, equivalent_duration in truth:
            matches = [e for e in found_flares if e.t_start - 1.5 * cadence <= t_peak <= e.t_end + 1.5 * cadence]
            counts[f"{key}|injected"] += 1
            counts[f"{key}|found"] += bool(matches)
            measured = matches[0].extra.get("equivalent_duration") if matches else None
            counts[f"{key}|ed_ok"] += int(bool(measured) and abs(measured / equivalent_duration - 1.0) <= ED_TOLERANCE)
    return counts


def foreign_flare_markdown(counts: Counter) -> list[str]:
    """The two templates side by side, per cadence; empty when nothing was injected."""
    rows = []
    for cadence_class, label in (("short", "2-min"), ("long", "30-min")):
        for template in TEMPLATES:
            key = f"foreign_flare|{template}|{cadence_class}"
            n = counts.get(f"{key}|injected", 0)
            if n:
                rows.append(f"| {label} | {template} | {n} | {as_percent(rate(counts[f'{key}|found'], n))} "
                            f"| {as_percent(rate(counts[f'{key}|ed_ok'], counts[f'{key}|found']))} |")
    if not rows:
        return []
    return [f"**Flares of another shape** (on the clean stars, {N_FLARES} per star at {PEAK_SIGMA[0]:.0f}-"
            f"{PEAK_SIGMA[1]:.0f} sigma: Davenport 2014, which the detector fits, and Mendoza et al. 2022 at the "
            "same times, widths and peak heights)", "",
            f"| cadence | template | injected | recall | equivalent duration within {ED_TOLERANCE:.0%} |",
            "|---|---|---|---|---|", *rows]


def _binned(template: str, time: np.ndarray, t_peak: float, fwhm: float, cadence: float) -> np.ndarray:
    if template == "davenport":
        return flare_binned(time, t_peak, fwhm, 1.0, cadence)
    n_sub = max(3, int(round(cadence * 1440.0 * _SUBSAMPLES_PER_MINUTE)))
    return exposure_average(mendoza_flare(t_peak, fwhm), time, cadence, n_sub)


def _draw_flares(rng: np.random.Generator, time: np.ndarray, cadence: float) -> list[tuple[float, float, float]]:
    """Peak time, FWHM (days) and peak sigma of up to N_FLARES flares, apart from each other, gaps and ends."""
    gap_after = np.flatnonzero(np.diff(time) > GAP_CADENCES * cadence)
    blocked = np.zeros(len(time), dtype=bool)
    blocked[:SPACING_CADENCES] = blocked[-SPACING_CADENCES:] = True
    for index in gap_after:
        blocked[max(0, index - SPACING_CADENCES): index + SPACING_CADENCES + 1] = True
    flares = []
    for _ in range(N_FLARES):
        free = np.flatnonzero(~blocked)
        if len(free) == 0:
            break
        centre = int(rng.choice(free))
        blocked[max(0, centre - SPACING_CADENCES): centre + SPACING_CADENCES + 1] = True
        fwhm = float(rng.uniform(*FWHM_MIN)) / 1440.0
        peak_sigma = float(np.exp(rng.uniform(*np.log(PEAK_SIGMA))))
        flares.append((float(time[centre] + rng.uniform(-0.5, 0.5) * cadence), fwhm, peak_sigma))
    return flares

