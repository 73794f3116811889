"""Stretches of raised noise: an event no template names, injected and scored apart ("noise-<star>-<cadence>").

Pointing jitter, scattered light and rolling bands make the data noisier for
hours to days without moving the mean. Each curve is one of the unusual set's
stars (quiet or spotted, 2-min or 30-min, with red noise) carrying two such
stretches, in its two halves, clear of gaps: the white noise there is multiplied
by a factor drawn log-uniformly from FACTOR. A stretch is found when an `anomaly`
event covers at least half of it; any other event whose peak lies inside it is a
name the data do not support (a "dip" or "outlier" made of noise); a raised-noise
anomaly away from both stretches is false.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
import numpy as np

from core.evaluation.cases import Case, StarRecipe
from core.evaluation.summary import as_percent, rate
from core.evaluation.unusual_cases import STARS, draw_star
from core.result import AnalysisResult
from core.synthetic import generate_lightcurve

CADENCES = ((StarRecipe("TESS", 20160, 2.0), "2min"), (StarRecipe("Kepler", 4000, 29.4), "30min"))
QUICK_CADENCES = ((StarRecipe("TESS", 6000, 2.0), "2min"),)
FACTOR = (2.0, 4.0)
DAYS = {"2min": (0.3, 1.5), "30min": (1.0, 3.0)}  # 30-min data need longer stretches to show a change of scatter
MARGIN_DAYS = 0.5
FOUND_SHARE = 0.5
_SEED_OFFSET = 95_000


def is_noise(source: str) -> bool:
    """Curves of the raised-noise set, scored apart."""
    return source.startswith("noise")


def build_noise_cases(seed: int, quick: bool = False) -> list[Case]:
    """One curve per cadence and star kind (one 2-min quiet curve for `quick`)."""
    cadences = QUICK_CADENCES if quick else CADENCES
    stars = STARS[:1] if quick else STARS
    return [noise_case(index, seed, recipe, star, name)
            for index, ((recipe, name), star) in enumerate((c, s) for c in cadences for s in stars)]


def noise_case(index: int, seed: int, recipe: StarRecipe, star: str, cadence_name: str) -> Case:
    rng = np.random.default_rng([seed, index, 31])
    kwargs = draw_star(rng, recipe, star)
    lc, truth = generate_lightcurve(recipe.n_points, recipe.cadence_min, seed * 100_003 + _SEED_OFFSET + index,
                                    **kwargs)
    white = kwargs["noise_ppm"] * 1e-6
    flux = lc.flux.copy()
    halves = np.linspace(lc.time[0], lc.time[-1], 3)
    events = []
    for lo, hi in zip(halves[:-1], halves[1:]):
        length = float(rng.uniform(*DAYS[cadence_name]))
        start = _clear_start(rng, lo + MARGIN_DAYS, hi - MARGIN_DAYS - length, length, truth.gaps)
        if start is None:
            continue
        factor = float(np.exp(rng.uniform(*np.log(FACTOR))))
        inside = (lc.time >= start) & (lc.time <= start + length)
        flux[inside] += np.sqrt(factor**2 - 1.0) * white * rng.standard_normal(inside.sum())
        events.append({"kind": "raised_noise", "t_start": start, "t_end": start + length,
                       "t_peak": start + length / 2.0, "factor": factor})
    return Case(f"noise-{star}-{cadence_name}-{index}", f"noise-{star}-{cadence_name}",
                replace(lc, flux=flux), events, [], recipe.cadence_min / 1440.0)


def score_noise(case: Case, result: AnalysisResult) -> Counter:
    c: Counter = Counter(stars=1)
    for stretch in case.events:
        length = stretch["t_end"] - stretch["t_start"]
        covered = sum(max(0.0, min(e.t_end, stretch["t_end"]) - max(e.t_start, stretch["t_start"]))
                      for e in result.events if e.kind == "anomaly")
        c["noise_stretch"] += 1
        c["noise_stretch_found"] += int(covered >= FOUND_SHARE * length)
        named = {e.kind for e in result.events
                 if e.kind != "anomaly" and stretch["t_start"] <= e.t_peak <= stretch["t_end"]}
        c["noise_stretch_named"] += bool(named)
        for kind in named:
            c[f"noise_named_as|{kind}"] += 1
    for event in result.events:
        if event.extra.get("reason") == "raised noise" and not any(
                event.t_start <= s["t_end"] and s["t_start"] <= event.t_end for s in case.events):
            c["noise_false"] += 1
    return c


def noise_markdown(by_source: dict[str, dict[str, int]]) -> list[str]:
    """Per set: stretches, found as anomalies, with another kind named inside, false stretches per curve."""
    lines = [f"**Raised noise** (stretches where the white noise is {FACTOR[0]:.0f}-{FACTOR[1]:.0f} times higher, "
             "two per curve; found: anomaly events cover half of it; named: another kind peaks inside it)", "",
             "| set | curves | stretches | found | named as something else | false stretches per curve |",
             "|---|---|---|---|---|---|"]
    total: Counter = Counter()
    for source, counts in by_source.items():
        total.update(counts)
        lines.append(_row(source, Counter(counts)))
    lines.append(_row("all", total))
    kinds = sorted(k.split("|", 1)[1] for k in total if k.startswith("noise_named_as|"))
    if kinds:
        lines += ["", "Named inside a stretch: " + ", ".join(f"{kind} {total[f'noise_named_as|{kind}']}"
                                                             for kind in kinds) + "."]
    return lines


def _row(name: str, c: Counter) -> str:
    n = c["noise_stretch"]
    return (f"| {name} | {c['stars']} | {n} | {c['noise_stretch_found']} ({as_percent(rate(c['noise_stretch_found'], n))}) "
            f"| {c['noise_stretch_named']} | {c['noise_false'] / c['stars']:.2f} |" if c["stars"] else f"| {name} | 0 |")


def _clear_start(rng: np.random.Generator, lo: float, hi: float, length: float,
                 gaps: list[tuple[float, float]]) -> float | None:
    """A start in [lo, hi] whose stretch touches no gap (with a margin), or None."""
    for _ in range(100):
        if hi <= lo:
            return None
        start = float(rng.uniform(lo, hi))
        if not any(start - MARGIN_DAYS <= g1 and g0 <= start + length + MARGIN_DAYS for g0, g1 in gaps):
            return start
    return None

