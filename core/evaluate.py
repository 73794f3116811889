"""Injection-recovery: how much of what we inject do `analyze` and the seed-style method find?

Every number the README quotes comes from here, so the set is seeded and
reproducible: synthetic TESS-like (2 min) and Kepler-like (30 min) stars with
rotation, red and white noise and gaps, each carrying one planet whose SNR is
chosen bin by bin, flares from 2 to 30 sigma and 5-30 sigma outliers; clean
stars with the same variability and nothing injected; and, when
../shared/data/real/ is present, the real curves with signals multiplied into
their flux, plus the real curves as they are against MANIFEST.json.

SNR of a planet = depth / sigma_white * sqrt(points in transit), as the design
defines it. Synthetic stars also carry correlated (AR(1)) noise, which does not
average down over a transit the way white noise does; so their planets are also
binned by the SNR with that noise counted (`correlated_snr`), to show how much of
a shortfall is the star's noise rather than the search. A detection of
a flare, outlier or transit event matches an injected one when the injected
t_peak lies within [t_start - cadence, t_end + cadence] of the detection.
"""
from __future__ import annotations

import json
import math
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from core.baseline import seed_style_detect
from core.errors import LightCurveFormatError
from core.io import load_lightcurve
from core.lightcurve import LightCurve, from_arrays
from core.pipeline import analyze
from core.prepare import prepare
from core.stats import cadence_days, point_to_point_std
from core.result import AnalysisResult, Event
from core.synthetic import MISSIONS, PlanetSpec, generate_lightcurve

ProgressCallback = Callable[[float, str], None]

REAL_DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
PERIOD_TOLERANCE = 0.01
MIN_TRANSITS_WITH_DATA = 2  # a planet with fewer is left out of transit recall: it has no period to find
RISE_MINUTES = 10.0  # a flare's rise is judged over this long (impulsive_rise)
MIN_REAL_POINTS = 100  # fewer than this is a bad-input fixture, not a light curve to score
SNR_BINS: tuple[tuple[str, float, float], ...] = (
    ("<7", 0.0, 7.0), ("7-10", 7.0, 10.0), ("10-15", 10.0, 15.0), ("15-30", 15.0, 30.0), (">30", 30.0, math.inf),
)
# Target SNRs are drawn inside these ranges, highest bin first so that even a
# handful of stars covers the signals the bars are about.
SNR_TARGETS = ((30.0, 80.0), (15.0, 30.0), (10.0, 15.0), (7.0, 10.0), (4.0, 7.0))
SIGMA_BINS: tuple[tuple[str, float, float], ...] = (
    ("<3", 0.0, 3.0), ("3-5", 3.0, 5.0), ("5-10", 5.0, 10.0), (">10", 10.0, math.inf),
)
EVENT_KINDS = ("transit", "flare", "outlier", "anomaly")
DEFAULT_N_STARS = 36
RED_NOISE_TAU_HOURS = 2.0  # correlation time of the synthetic stars' red noise
# A flare >= 5 sigma whose next-highest exposure (noise-free) stays below this is one
# high exposure, shaped like a one-cadence spike: shorter than a 30-min exposure.
ONE_EXPOSURE_SIGMA = 2.0


@dataclass(frozen=True)
class StarRecipe:
    """Observing set-up of one synthetic star: TESS-like 2-min or Kepler-like 30-min."""

    mission: str
    n_points: int
    cadence_min: float


TESS_STAR = StarRecipe("TESS", 20160, 2.0)
KEPLER_STAR = StarRecipe("Kepler", 4000, 29.4)
QUICK_STAR = StarRecipe("TESS", 6000, 2.0)


@dataclass
class Case:
    """One curve to score: its flux, what was injected, and detections to forgive.

    `known` holds (t_start, t_end) of signals already in a real curve (found in
    its as-is run): a detection there that matches nothing injected is not false;
    `known_periods` the same for its as-is transit candidates.
    """

    name: str
    source: str  # "synthetic-TESS", "synthetic-Kepler", "real-injected", "clean"
    lc: LightCurve
    events: list[dict[str, Any]]
    planets: list[dict[str, Any]]
    cadence: float
    known: list[tuple[float, float]] = field(default_factory=list)
    known_periods: list[float] = field(default_factory=list)


@dataclass
class EvaluationReport:
    """Counts per metric and source; the rates and tables are derived from them."""

    settings: dict[str, Any]
    counts: dict[str, dict[str, int]]  # source -> counter key -> count
    period_errors: list[float]
    real_checks: list[dict[str, Any]]
    skipped: list[str]
    elapsed_s: float

    def total(self, sources: Iterable[str] | None = None) -> Counter:
        """Counts summed over `sources` (default: every injected source, clean stars apart)."""
        chosen = [s for s in self.counts if s != "clean"] if sources is None else list(sources)
        out: Counter = Counter()
        for source in chosen:
            out.update(self.counts.get(source, {}))
        return out

    def summary(self) -> dict[str, Any]:
        """The headline rates and whether each design bar is met."""
        c = self.total()
        clean = Counter(self.counts.get("clean", {}))
        n_clean = clean["stars"]
        high = [name for name, low, _ in SNR_BINS if low >= 10]
        fractions = {  # (hits, trials) behind each rate bar
            "transit_recall_snr_ge_10": (sum(c[f"planet_found|{b}"] for b in high), sum(c[f"planet|{b}"] for b in high)),
            # Not a design bar: synthetic planets at SNR >= 10 with the correlated noise counted.
            "transit_recall_correlated_snr_ge_10": (sum(c[f"planet_correlated_found|{b}"] for b in high),
                                                    sum(c[f"planet_correlated|{b}"] for b in high)),
            "flare_recall_ge_5_sigma": (c["flare_found|5-10"] + c["flare_found|>10"], c["flare|5-10"] + c["flare|>10"]),
            # Not a design bar: the same flares without those that are one high exposure.
            "flare_recall_ge_5_sigma_resolved": (c["flare_resolved_found"], c["flare_resolved"]),
            "flare_precision": (c["flare_det_true"], c["flare_det"]),
            "outlier_recall": (c["outlier_found"], c["outlier"]),
            "outlier_precision": (c["outlier_det_true"], c["outlier_det"]),
            # Not a design bar: candidates on injected stars at an injected planet's period (or P/2, 2P).
            "transit_candidate_precision": (c["candidate_det_true"], c["candidate_det"]),
        }
        out = {
            **{name: _rate(hits, n) for name, (hits, n) in fractions.items()},
            "fractions": {name: [hits, n] for name, (hits, n) in fractions.items()},
            "intervals_95": {name: wilson_interval(hits, n) for name, (hits, n) in fractions.items()},
            "false_per_clean_star": {
                kind: _rate(clean[f"false|{kind}"], n_clean) for kind in ("transit_candidate",) + EVENT_KINDS
            },
            "seed_false_runs_per_clean_star": _rate(clean["seed_runs"], n_clean),
        }
        false = out["false_per_clean_star"]
        rate_bars = (("transit recall >= 90% at SNR >= 10", "transit_recall_snr_ge_10", 0.9),
                     ("flare recall >= 90% at >= 5 sigma", "flare_recall_ge_5_sigma", 0.9),
                     ("flare precision >= 90%", "flare_precision", 0.9),
                     ("outlier recall >= 95%", "outlier_recall", 0.95),
                     ("outlier precision >= 90%", "outlier_precision", 0.9))
        bars: dict[str, tuple[bool | None, str, str]] = {}  # bar -> (met, measured, 95% interval)
        for bar, name, floor in rate_bars:
            hits, n = fractions[name]
            interval = out["intervals_95"][name]
            bars[bar] = (_at_least(out[name], floor), f"{_pct(out[name])} ({hits}/{n})",
                         f"{interval[0]:.0%}-{interval[1]:.0%}" if interval else "-")
        per_star = ("transit_candidate", "flare", "outlier")
        bars["<= 0.2 false transit/flare/outlier per clean star"] = (
            all(_at_most(false[k], 0.2) for k in per_star),
            ", ".join(f"{k} {_fmt(false[k], '.2f')}" for k in per_star), "")
        bars["<= 1 anomaly event per clean star"] = (_at_most(false["anomaly"], 1.0), _fmt(false["anomaly"], ".2f"), "")
        found = sum(r["found"] == r["expected"] for r in self.real_checks)
        bars["real files: known signals found"] = (
            found == len(self.real_checks) if self.real_checks else None,
            f"{found} of {len(self.real_checks)} checks" if self.real_checks else "-", "")
        out["bars"] = {bar: met for bar, (met, _, _) in bars.items()}
        out["bar_measurements"] = {bar: {"measured": measured, "interval_95": interval}
                                   for bar, (_, measured, interval) in bars.items()}
        return out

    @classmethod
    def pooled(cls, reports: Sequence["EvaluationReport"]) -> "EvaluationReport":
        """One report over several seeds: counts add up; the real files as they are are scored once.

        One seed's ~35 planets leave a recall uncertain by +-10 points; pooling seeds is
        how to tell a real change from the draw.
        """
        counts: dict[str, Counter] = {}
        for report in reports:
            for source, counter in report.counts.items():
                counts.setdefault(source, Counter()).update(counter)
        first = reports[0]
        settings = dict(first.settings, seed=[r.settings["seed"] for r in reports])
        return cls(settings, {source: dict(counter) for source, counter in counts.items()},
                   [e for r in reports for e in r.period_errors], first.real_checks, first.skipped,
                   sum(r.elapsed_s for r in reports))

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "elapsed_s": round(self.elapsed_s, 1),
            "summary": self.summary(),
            "counts": self.counts,
            "median_period_error": _median(self.period_errors),
            "real_checks": self.real_checks,
            "skipped": self.skipped,
        }

    def to_markdown(self) -> str:
        """README-ready tables: ours beside the seed-style method on the same curves."""
        c = self.total()
        clean = Counter(self.counts.get("clean", {}))
        summary = self.summary()
        lines = [
            f"Injection-recovery, {_seeds(self.settings['seed'])}: "
            + ", ".join(f"{n} {source}" for source, n in self._curve_counts().items())
            + f" curves; {self.elapsed_s:.0f} s.",
            "",
            "**Transits** (found: a candidate period within 1% of the injected one; alias: P/2 or 2P)",
            "",
            "| SNR | planets | found | alias | recall |",
            "|---|---|---|---|---|",
        ]
        for name, _, _ in SNR_BINS:
            n, found = c[f"planet|{name}"], c[f"planet_found|{name}"]
            lines.append(f"| {name} | {n} | {found} | {c[f'planet_alias|{name}']} | {_pct(_rate(found, n))} |")
        if c["planet_single"]:
            lines += ["", f"Left out: {c['planet_single']} planet(s) with one transit in the data (gaps took the "
                          "others); a periodic search needs two, as the design says."]
        if any(c[f"planet_correlated|{name}"] for name, _, _ in SNR_BINS):
            lines += ["", f"Synthetic planets by SNR with the stars' correlated noise counted (AR(1) red noise of "
                          f"10-30% of the white noise per point, {RED_NOISE_TAU_HOURS:.0f}-h correlation time; "
                          "it does not average down over a long transit at 2-min cadence):", "",
                      "| SNR (white + red) | planets | found | recall |", "|---|---|---|---|"]
            for name, _, _ in SNR_BINS:
                n, found = c[f"planet_correlated|{name}"], c[f"planet_correlated_found|{name}"]
                lines.append(f"| {name} | {n} | {found} | {_pct(_rate(found, n))} |")
        lines += [
            "",
            f"Median period error of found planets: {_fmt(_median(self.period_errors), '.2e')} (relative).",
            "",
            f"Transit candidates on the injected stars: {c['candidate_det']}, of which {c['candidate_det_true']} "
            f"at an injected planet's period, P/2 or 2P ({_pct(summary['transit_candidate_precision'])}); "
            "a real curve's own planet is not counted. The clean stars' false candidates are below.",
            "",
            "| individual transits (by planet SNR) | injected | ours: matched | seed-style: touched |",
            "|---|---|---|---|",
        ]
        for name, _, _ in SNR_BINS:
            n = c[f"transit|{name}"]
            lines.append(f"| {name} | {n} | {_pct(_rate(c[f'transit_found|{name}'], n))} "
                         f"| {_pct(_rate(c[f'transit_seed|{name}'], n))} |")
        lines += ["", "**Flares** (by observed peak / white-noise sigma)", "",
                  "| peak sigma | injected | ours: recall | seed-style: touched |", "|---|---|---|---|"]
        for name, _, _ in SIGMA_BINS:
            n = c[f"flare|{name}"]
            lines.append(f"| {name} | {n} | {_pct(_rate(c[f'flare_found|{name}'], n))} "
                         f"| {_pct(_rate(c[f'flare_seed|{name}'], n))} |")
        seed_precision = _rate(c["seed_runs_true"], c["seed_runs"])
        lines += [
            f"| precision | | {_pct(summary['flare_precision'])} ({c['flare_det']} flare events) "
            f"| {_pct(seed_precision)} (any run on any injected event, {c['seed_runs']} runs) |",
            "",
        ]
        if c["flare_one_exposure"]:
            lines += [
                f"Of the flares >= 5 sigma, {c['flare_one_exposure']} are one high exposure (the next-highest, "
                f"noise-free, is below {ONE_EXPOSURE_SIGMA:.0f} sigma: flares shorter than a 30-min exposure), "
                "shaped like a one-cadence spike: "
                f"{_pct(_rate(c['flare_one_exposure_found'], c['flare_one_exposure']))} found as flares. "
                f"Recall on the other {c['flare_resolved']}: "
                f"{_pct(_rate(c['flare_resolved_found'], c['flare_resolved']))}.",
                "",
            ]
        lines += [
            "**Outliers** (5-30 sigma spikes, drops and 2-cadence glitches)",
            "",
            "| | ours | seed-style |",
            "|---|---|---|",
            f"| recall | {_pct(summary['outlier_recall'])} of {c['outlier']} "
            f"| {_pct(_rate(c['outlier_seed'], c['outlier']))} touched |",
            f"| precision | {_pct(summary['outlier_precision'])} ({c['outlier_det']} outlier events) "
            f"| {_pct(seed_precision)} (all runs) |",
            "",
            f"**Clean stars** ({clean['stars']} with rotation, red noise and gaps, nothing injected): events per star",
            "",
            "| transit candidates | transit events | flare | outlier | anomaly | seed-style runs |",
            "|---|---|---|---|---|---|",
            "| " + " | ".join(_fmt(summary["false_per_clean_star"][k], ".2f")
                             for k in ("transit_candidate",) + EVENT_KINDS)
            + f" | {_fmt(summary['seed_false_runs_per_clean_star'], '.2f')} |",
            "",
            "**By source** (ours)",
            "",
            "| source | curves | transit recall SNR>=10 | flare recall >=5 sigma | flare precision "
            "| outlier recall | outlier precision |",
            "|---|---|---|---|---|---|---|",
        ]
        for source in (s for s in self.counts if s != "clean"):
            s = EvaluationReport(self.settings, {source: self.counts[source]}, [], [], [], 0.0).summary()
            lines.append(
                f"| {source} | {self.counts[source].get('stars', 0)} | {_pct(s['transit_recall_snr_ge_10'])} "
                f"| {_pct(s['flare_recall_ge_5_sigma'])} | {_pct(s['flare_precision'])} "
                f"| {_pct(s['outlier_recall'])} | {_pct(s['outlier_precision'])} |"
            )
        if self.real_checks:
            lines += ["", "**Real files as they are** (MANIFEST.json known signals)", "",
                      "| file | signal | expected | found | detail |", "|---|---|---|---|---|"]
            lines += [f"| {r['file']} | {r['signal']} | {r['expected']} | {r['found']} | {r['detail']} |"
                      for r in self.real_checks]
        if self.skipped:
            lines += ["", "Skipped: " + "; ".join(self.skipped)]
        lines += ["", "**Design bars** (95% Wilson intervals: how far the rate could move on another draw of "
                  "as many stars)", "", "| bar | measured | 95% interval | met |", "|---|---|---|---|"]
        measured = summary["bar_measurements"]
        lines += [f"| {bar} | {measured[bar]['measured']} | {measured[bar]['interval_95']} | {_yes_no(ok)} |"
                  for bar, ok in summary["bars"].items()]
        return "\n".join(lines) + "\n"

    def _curve_counts(self) -> dict[str, int]:
        out = {source: counts.get("stars", 0) for source, counts in self.counts.items()}
        if self.real_checks:
            out["real as-is"] = len({r["file"] for r in self.real_checks})
        return out


# --- Matching (pure functions: the tests pin them with hand-made lists) ----------------


def period_match(true_period: float, periods: Sequence[float], tolerance: float = PERIOD_TOLERANCE) -> str:
    """"found" if a period is within `tolerance` of the truth, else "alias" for P/2 or 2P, else "missed"."""
    def near(target: float) -> bool:
        return any(abs(p / target - 1.0) <= tolerance for p in periods)

    if near(true_period):
        return "found"
    if near(true_period / 2) or near(true_period * 2):
        return "alias"
    return "missed"


def peak_in(t_peak: float, t_start: float, t_end: float, cadence: float) -> bool:
    """True when an injected peak lies within a detection's extent widened by one cadence."""
    return t_start - cadence <= t_peak <= t_end + cadence


def match_events(
    truths: Sequence[dict[str, Any]], detections: Sequence[Event], cadence: float
) -> tuple[list[bool], list[bool]]:
    """(per truth: found by some detection, per detection: matches some truth)."""
    found = [any(peak_in(t["t_peak"], d.t_start, d.t_end, cadence) for d in detections) for t in truths]
    true = [any(peak_in(t["t_peak"], d.t_start, d.t_end, cadence) for t in truths) for d in detections]
    return found, true


def runs_touching(
    truths: Sequence[dict[str, Any]], runs: Sequence[tuple[float, float]]
) -> tuple[list[bool], list[bool]]:
    """For the seed-style method's untyped runs: (per truth: overlapped by a run, per run: overlaps a truth)."""
    def overlap(t: dict[str, Any], run: tuple[float, float]) -> bool:
        return run[0] <= t["t_end"] and t["t_start"] <= run[1]

    touched = [any(overlap(t, r) for r in runs) for t in truths]
    true = [any(overlap(t, r) for t in truths) for r in runs]
    return touched, true


def bin_of(value: float, bins: Sequence[tuple[str, float, float]]) -> str:
    """Name of the [low, high) bin holding `value`."""
    return next(name for name, low, high in bins if low <= value < high)


# --- Scoring one curve -----------------------------------------------------------------


def score_case(case: Case, result: AnalysisResult, seed_runs: Sequence[tuple[float, float]]) -> tuple[Counter, list[float]]:
    """Counters for one curve (and relative period errors of found planets)."""
    c: Counter = Counter(stars=1)
    periods = [t.period for t in result.transits]
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
        if "correlated_snr" in planet:
            correlated = bin_of(planet["correlated_snr"], SNR_BINS)
            c[f"planet_correlated|{correlated}"] += 1
            c[f"planet_correlated_found|{correlated}"] += verdict == "found"
        if verdict == "found":
            errors.append(min(abs(p / planet["period"] - 1.0) for p in periods))
    for period in periods:
        # Any injected planet counts, findable or not; a real curve's own planet is forgiven.
        if period_match(period, case.known_periods) == "found":
            continue
        c["candidate_det"] += 1
        c["candidate_det_true"] += any(period_match(p["period"], [period]) != "missed" for p in case.planets)
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

    for kind, bins in (("flare", SIGMA_BINS), ("outlier", None)):
        truths = injected[kind]
        found, true = match_events(truths, detected[kind], case.cadence)
        touched, _ = runs_touching(truths, seed_runs)
        for event, hit, seed_hit in zip(truths, found, touched):
            key = kind if bins is None else f"{kind}|{bin_of(event['peak_sigma'], bins)}"
            c[key] += 1
            if kind == "flare" and event["peak_sigma"] >= 5 and "second_sigma" in event:
                shape = "one_exposure" if event["second_sigma"] < ONE_EXPOSURE_SIGMA else "resolved"
                c[f"flare_{shape}"] += 1
                c[f"flare_{shape}_found"] += hit
            c[key.replace(kind, f"{kind}_found", 1)] += hit
            c[key.replace(kind, f"{kind}_seed", 1)] += seed_hit
        forgiven = [not t and _near_known(d, case) for d, t in zip(detected[kind], true)]
        c[f"{kind}_det"] += sum(not f for f in forgiven)
        c[f"{kind}_det_true"] += sum(true)

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


def _near_known(event: Event, case: Case) -> bool:
    return any(event.t_start - case.cadence <= b and a <= event.t_end + case.cadence for a, b in case.known)


# --- Building the injection set ----------------------------------------------------------


def synthetic_case(index: int, seed: int, recipe: StarRecipe, clean: bool = False) -> Case:
    """A seeded star; unless `clean`, with one planet at a target SNR, flares and outliers."""
    rng = np.random.default_rng([seed, index, int(clean)])
    noise_ppm = float(np.exp(rng.uniform(np.log(200), np.log(2000))))
    sigma = noise_ppm * 1e-6
    cadence = recipe.cadence_min / 1440.0
    span = recipe.n_points * cadence
    star = dict(
        noise_ppm=noise_ppm,
        rotation_period=float(rng.uniform(2, 15)),
        rotation_amp=float(np.exp(rng.uniform(np.log(0.001), np.log(0.02)))),
        red_noise_ppm=float(rng.uniform(0.1, 0.3) * noise_ppm),
        red_noise_tau_hours=RED_NOISE_TAU_HOURS,
        mission=recipe.mission,
    )
    name = f"{recipe.mission}-{'clean' if clean else 'inj'}-{index}"
    if clean:
        lc, truth = generate_lightcurve(recipe.n_points, recipe.cadence_min, seed * 100_003 + index, **star)
        return Case(name, "clean", lc, [], [], cadence)
    planet = _planet_for(rng, index, MISSIONS[recipe.mission].t_start, span, cadence, sigma)
    lc, truth = generate_lightcurve(
        recipe.n_points, recipe.cadence_min, seed * 100_003 + index, **star, planets=[planet],
        n_flares=6, flare_amp_range=(2 * sigma, 30 * sigma), n_outliers=10, outlier_sigma_range=(5.0, 30.0),
    )
    return Case(name, f"synthetic-{recipe.mission}", lc, _with_sigma(truth.events, sigma),
                _with_snr(truth.planets, lc.time, sigma, (star["red_noise_ppm"] * 1e-6, RED_NOISE_TAU_HOURS / 24.0)),
                cadence)


def real_injected_case(name: str, base: LightCurve, index: int, seed: int,
                       known: list[tuple[float, float]], known_periods: Sequence[float] = ()) -> Case:
    """`base` (quality-masked, normalised real flux) times (1 + injected planet, flares, outliers).

    The signal is made by the generator on the real curve's cadence grid with its
    gaps, as the difference of two runs that share every random stream but the
    injections, so it carries no extra noise.
    """
    rng = np.random.default_rng([seed, index, 7])
    time = base.time
    cadence = base.cadence_days
    sigma = point_to_point_std(base.flux)
    span = float(time[-1] - time[0])
    n_grid = int(round(span / cadence)) + 1
    breaks = np.flatnonzero(np.diff(time) > 1.5 * cadence)
    gaps = [(float(time[i] + cadence / 2), float(time[i + 1] - cadence / 2)) for i in breaks]
    common = dict(noise_ppm=sigma * 1e6, gaps=gaps, t_start=float(time[0]),
                  mission="Kepler" if cadence * 1440 > 10 else "TESS")
    planet = _planet_for(rng, index, float(time[0]), span, cadence, sigma)
    grid_seed = seed * 100_003 + 50_000 + index
    cadence_min = cadence * 1440.0
    with_signals, truth = generate_lightcurve(
        n_grid, cadence_min, grid_seed, **common, planets=[planet],
        n_flares=4, flare_amp_range=(2 * sigma, 30 * sigma), n_outliers=6, outlier_sigma_range=(5.0, 30.0),
    )
    plain, _ = generate_lightcurve(n_grid, cadence_min, grid_seed, **common)
    signal = with_signals.flux - plain.flux
    nearest = np.clip(np.searchsorted(with_signals.time, time - cadence / 2), 0, len(signal) - 1)
    flux = base.flux * (1.0 + signal[nearest])
    lc = from_arrays(time, flux, base.flux_err, None, dict(base.meta),
                     centroid_col=base.centroid_col, centroid_row=base.centroid_row)
    return Case(f"{name}+inj{index}", "real-injected", lc, _with_sigma(truth.events, sigma),
                _with_snr(truth.planets, time, sigma), cadence, known, list(known_periods))


def _planet_for(rng: np.random.Generator, index: int, t_start: float, span: float, cadence: float,
                sigma: float) -> PlanetSpec:
    """A planet with >= 2.5 transits in `span` whose depth gives a target SNR from bin `index`."""
    period = float(rng.uniform(0.8, span / 2.5))
    duration = float(min(rng.uniform(1.0, 6.0) / 24.0, period / 4))
    low, high = SNR_TARGETS[index % len(SNR_TARGETS)]
    target = float(rng.uniform(low, high))
    points_in_transit = (span / period) * max(duration / cadence, 1.0)
    depth = target * sigma / math.sqrt(points_in_transit)
    # A limb-darkened centre is ~1.2x deeper than rp_rs^2 (u1=0.4, u2=0.25); the true SNR is measured afterwards.
    rp_rs = float(min(math.sqrt(depth / 1.2), 0.3))
    return PlanetSpec(period=period, t0=t_start + float(rng.uniform(0, period)), rp_rs=rp_rs,
                      b=float(rng.uniform(0, 0.6)), duration=duration)


def _with_snr(planets: list[dict[str, Any]], time: np.ndarray, sigma: float,
              red: tuple[float, float] | None = None) -> list[dict[str, Any]]:
    """Planets with their realised SNR: depth / sigma * sqrt(points actually in transit).

    With `red` = (sigma, correlation time in days) of the injected AR(1) noise, also
    `correlated_snr`: each transit's mean is as uncertain as white and red noise
    averaged over its points make it, and the transits are combined.
    """
    out = []
    cadence = cadence_days(time)
    for p in planets:
        phase = (time - p["t0"] + 0.5 * p["period"]) % p["period"] - 0.5 * p["period"]
        inside = np.abs(phase) <= p["duration"] / 2
        n_in = int(np.count_nonzero(inside))
        planet = {**p, "snr": p["depth"] / sigma * math.sqrt(n_in), "points_in_transit": n_in}
        if red is not None:
            epochs = np.round((time[inside] - p["t0"]) / p["period"]).astype(np.int64)
            per_transit = np.unique(epochs, return_counts=True)[1]
            planet["correlated_snr"] = correlated_snr(p["depth"], per_transit, sigma, red[0],
                                                      math.exp(-cadence / red[1]))
        out.append(planet)
    return out


def correlated_snr(depth: float, points_per_transit: Sequence[int], sigma_white: float, sigma_red: float,
                   correlation: float) -> float:
    """SNR of a box of `depth` over transits of the given point counts, in white plus AR(1) red noise.

    `correlation` is the red noise's correlation from one cadence to the next. The
    variance of the mean of m consecutive AR(1) points is
    sigma_red^2 / m^2 * (m + 2 * sum_{k<m} (m - k) c^k), which stays near
    sigma_red^2 while m cadences are shorter than the correlation time.
    """
    inverse_variance = 0.0
    for m in points_per_transit:
        lags = np.arange(1, int(m))
        red_sum = m + 2.0 * float(np.sum((m - lags) * correlation**lags))
        inverse_variance += 1.0 / (sigma_white**2 / m + sigma_red**2 * red_sum / m**2)
    return depth * math.sqrt(inverse_variance)


def _with_sigma(events: list[dict[str, Any]], sigma: float) -> list[dict[str, Any]]:
    """Events with `peak_sigma`: the observed peak over the white-noise sigma (flares also `second_sigma`)."""
    out = []
    for e in events:
        scaled = {"peak_sigma": abs(e["observed_amplitude"]) / sigma}
        if "observed_second" in e:
            scaled["second_sigma"] = e["observed_second"] / sigma
        out.append({**e, **scaled})
    return out


# --- Real files ----------------------------------------------------------------------------


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


def real_checks(entry: dict[str, Any], result: AnalysisResult, cadence: float) -> list[dict[str, Any]]:
    """MANIFEST known signals against an as-is run: planets by period, flares >= 5 sigma by t_peak."""
    truth = entry.get("ground_truth", {})
    periods = [t.period for t in result.transits]
    rows = []
    for planet in truth.get("transits", []):
        verdict = period_match(planet["period_d_measured"], periods)
        rows.append({"file": entry["file"], "signal": f"{planet.get('body', 'transit')} "
                     f"P={planet['period_d_measured']:.4f} d", "expected": 1, "found": int(verdict == "found"),
                     "detail": f"{verdict}; candidates {', '.join(f'{p:.4f}' for p in periods) or 'none'}"})
    flares = [dict(f, t_end=f["t_stop"]) for f in truth.get("flares", []) if f["peak_sigma"] >= 5]
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


# --- Orchestration -------------------------------------------------------------------------


def build_cases(n_stars: int, seed: int, quick: bool = False) -> list[Case]:
    """The synthetic part: injected stars (about 1 in 6 Kepler-like) and clean stars (a quarter as many)."""
    cases = []
    for index in range(n_stars):
        recipe = QUICK_STAR if quick else (KEPLER_STAR if index % 6 == 5 else TESS_STAR)
        cases.append(synthetic_case(index, seed, recipe))
    for index in range(max(1, n_stars // 4)):
        cases.append(synthetic_case(index, seed, QUICK_STAR if quick else TESS_STAR, clean=True))
    return cases


def evaluate(
    n_stars: int = DEFAULT_N_STARS,
    seed: int = 0,
    include_real: bool = True,
    progress: ProgressCallback | None = None,
    *,
    quick: bool = False,
    real_dir: Path | None = None,
    injections_per_real: int = 2,
) -> EvaluationReport:
    """Run the injection set through `analyze` and the seed-style method and count what each found.

    `quick` uses short (6000-point) curves and no real-based injections: a smoke
    run for tests. The default takes a few minutes on 2 cores.
    """
    if n_stars < 1:
        raise ValueError(f"n_stars must be >= 1, got {n_stars}")
    report = progress or (lambda fraction, message: None)
    started = clock.perf_counter()
    cases = build_cases(n_stars, seed, quick)
    real, skipped = load_real(real_dir or REAL_DATA_DIR) if include_real else ([], [])
    injections = {entry["file"]: 0 if quick or entry.get("copy_of") else injections_per_real for entry, _ in real}
    n_total = len(cases) + len(real) + sum(injections.values())
    done = 0
    counts: dict[str, Counter] = {}
    errors: list[float] = []
    checks: list[dict[str, Any]] = []

    def run(case: Case) -> None:
        nonlocal done
        report(done / n_total, f"{case.name}: analysing {len(case.lc)} points")
        result = analyze(case.lc)
        seed_runs = seed_style_detect(case.lc.time, case.lc.flux).events
        if case.source == "clean":
            counter, found_errors = score_clean(result, seed_runs), []
        else:
            counter, found_errors = score_case(case, result, seed_runs)
        counts.setdefault(case.source, Counter()).update(counter)
        errors.extend(found_errors)
        done += 1

    for case in cases:
        run(case)
    for entry, lc in real:
        report(done / n_total, f"{entry['file']}: as is")
        result = analyze(lc)
        checks.extend(real_checks(entry, result, lc.cadence_days))
        done += 1
        known = [(e.t_start, e.t_end) for e in result.events if e.kind in ("flare", "outlier")]
        known_periods = [t.period for t in result.transits]
        for index in range(injections[entry["file"]]):
            run(real_injected_case(entry["file"], lc, index, seed, known, known_periods))
    report(1.0, "done")
    return EvaluationReport(
        settings={"n_stars": n_stars, "seed": seed, "include_real": include_real, "quick": quick,
                  "injections_per_real": 0 if quick else injections_per_real},
        counts={source: dict(counter) for source, counter in counts.items()},
        period_errors=errors,
        real_checks=checks,
        skipped=skipped,
        elapsed_s=clock.perf_counter() - started,
    )


# --- Formatting helpers ----------------------------------------------------------------------


def _seeds(seed: int | list[int]) -> str:
    return f"seed {seed}" if isinstance(seed, int) else f"seeds {', '.join(map(str, seed))} pooled"


def wilson_interval(hits: int, n: int, z: float = 1.96) -> list[float] | None:
    """Wilson score interval of a binomial rate: honest at 0%, 100% and small n, unlike rate +- z*se."""
    if n <= 0:
        return None
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [float(max(0.0, centre - half)), float(min(1.0, centre + half))]


def _rate(hits: float, total: float) -> float | None:
    return None if not total else hits / total


def _median(values: Sequence[float]) -> float | None:
    return float(np.median(values)) if len(values) else None


def _at_least(value: float | None, bar: float) -> bool | None:
    return None if value is None else value >= bar


def _at_most(value: float | None, bar: float) -> bool | None:
    return None if value is None else value <= bar


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def _yes_no(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**no**")
