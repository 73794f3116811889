"""Where the time goes: each stage of `analyze` timed on synthetic curves, beside the replaced app's method.

Curves are TESS-like at 2-min cadence (more points means a longer span: 65k points
~ 90 days, 200k ~ 278 days) plus a 4-year Kepler-like long-cadence curve with one
planet, whose transit search is what used to take minutes. Everything is timed
in-process after a warm-up, so imports and compilation are left out. One search
round (the periodogram over the whole period grid) is timed with the fast search
and, up to REFERENCE_MAX_SPAN_DAYS, with the plain reference search it replaced.
The search round and `analyze` also report the process's CPU time: on a shared
machine the wall clock measures the neighbours too, the CPU time much less so (the
search runs two threads, so on an idle machine its wall time is about half its CPU
time). Memory: the tracemalloc peak of one more `analyze` call (Python allocations,
numpy included). `search_exponent` fits time ~ span^k over the curves measured.
"""
from __future__ import annotations

import tempfile
import time as clock
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from core.anomaly.features import window_features, window_features_reference
from core.baseline import seed_style_detect
from core.config import AnalysisConfig
from core.detect.periodogram import period_grid, period_range, periodogram, reference_periodogram
from core.detect.periodogram import warm_up as warm_up_search
from core.io import load_lightcurve
from core.io.writers import write_csv, write_fits
from core.lightcurve import LightCurve
from core.pipeline import analyze
from core.prepare import prepare
from core.synthetic import PlanetSpec, generate_lightcurve
from core.trend import fit_trend

TESS_CADENCE_MIN = 2.0
KEPLER_CADENCE_MIN = 29.4
KEPLER_POINTS = 72_000  # 4 years of long cadence, before gaps
KEPLER_PLANET = PlanetSpec(period=37.7, t0=190.0, rp_rs=0.02, b=0.3, duration=0.28)
REFERENCE_LOOP_MAX_POINTS = 20_000  # the per-window feature loop is only timed up to here: it is slow
REFERENCE_MAX_SPAN_DAYS = 300.0  # the reference search is only timed up to here (minutes for 4 years)
FITS_FLUX_SCALE = 12_000.0  # e-/s of a star at relative flux 1, so the reader has to normalise
WARM_UP_POINTS = 2_000
CURVE_SEED = 0
PERIOD_MATCH = 0.01  # a planet is found when a candidate's period is within 1% of it


@dataclass(frozen=True)
class BenchCurve:
    """A curve to time, what to call it, and the planet it holds."""

    name: str
    n_points: int  # asked for; gaps remove a few
    lc: LightCurve
    planet_period: float


def tess_curve(n_points: int, seed: int = CURVE_SEED) -> BenchCurve:
    """A TESS-like curve with rotation, red noise, gaps, a planet, flares and outliers."""
    planet = PlanetSpec(period=3.71, t0=1326.1, rp_rs=0.06, b=0.2, duration=0.12)
    lc, _ = generate_lightcurve(
        n_points, TESS_CADENCE_MIN, seed, noise_ppm=600.0, rotation_period=4.3, rotation_amp=0.006,
        red_noise_ppm=120.0, planets=[planet], n_flares=max(3, n_points // 5000), flare_amp_range=(0.003, 0.05),
        n_outliers=max(5, n_points // 2000), outlier_sigma_range=(6.0, 20.0),
    )
    return BenchCurve("TESS", n_points, lc, planet.period)


def kepler_curve(seed: int = CURVE_SEED) -> BenchCurve:
    """Four years of Kepler long cadence: 12-day spots, red noise, monthly gaps, flares, outliers, one planet."""
    lc, _ = generate_lightcurve(
        KEPLER_POINTS, KEPLER_CADENCE_MIN, seed, noise_ppm=300.0, rotation_period=12.0, rotation_amp=0.003,
        red_noise_ppm=60.0, planets=[KEPLER_PLANET], n_flares=8, flare_amp_range=(0.002, 0.02), n_outliers=30,
        outlier_sigma_range=(6.0, 20.0), mission="Kepler",
    )
    return BenchCurve("Kepler 4 yr", KEPLER_POINTS, lc, KEPLER_PLANET.period)


def warm_up(with_seed: bool) -> None:
    """Pay imports and first calls (numba's cached kernels, astropy, scikit-learn) outside the timings."""
    warm_up_search()
    curve = tess_curve(WARM_UP_POINTS)
    analyze(curve.lc)
    time, flux = curve.lc.time, curve.lc.flux  # the reference kernel compiles on its first call too
    reference_periodogram(time, flux, period_grid(float(time[-1] - time[0]), 0.3, 5.0), np.ones(time.size))
    if with_seed:
        seed_style_detect(curve.lc.time, curve.lc.flux, as_it_ran=True)


def bench_curve(curve: BenchCurve, repeat: int, with_seed: bool) -> dict[str, Any]:
    """Timings (seconds) and memory for one curve."""
    lc = curve.lc
    span = float(lc.time[-1] - lc.time[0])
    row: dict[str, Any] = {"name": curve.name, "n_points": curve.n_points, "n_kept": len(lc), "span_days": round(span, 1),
                           "cadence_min": round(float(np.median(np.diff(lc.time))) * 1440.0, 1)}
    with tempfile.TemporaryDirectory() as folder:
        csv_path = write_csv(lc, Path(folder) / "bench.csv")
        fits_path = write_fits(lc, Path(folder) / "bench.fits", flux_scale=FITS_FLUX_SCALE)
        row["load_csv"] = best_time(lambda: load_lightcurve(csv_path), repeat)
        row["load_fits"] = best_time(lambda: load_lightcurve(fits_path), repeat)
    prepared = prepare(lc)
    window = AnalysisConfig().detrend_window_days
    row["detrend"] = best_time(lambda: fit_trend(prepared.time, prepared.flux, "biweight", window), repeat)
    detrended = prepared.flux / fit_trend(prepared.time, prepared.flux, "biweight", window).trend
    periods = period_grid(span, *period_range(span, None, None))
    weights = np.ones(prepared.time.size)
    row["n_periods"] = int(periods.size)
    row["search_round"], row["search_round_cpu"] = best_times(
        lambda: periodogram(prepared.time, detrended, periods, weights), repeat)
    if span <= REFERENCE_MAX_SPAN_DAYS:
        row["search_round_reference"] = best_time(
            lambda: reference_periodogram(prepared.time, detrended, periods, weights), repeat)
    values = (prepared.flux - prepared.flux.mean()) / prepared.flux.std()
    row["features"] = best_time(lambda: window_features(values), repeat)
    if len(values) <= REFERENCE_LOOP_MAX_POINTS:
        row["features_loop"] = best_time(lambda: window_features_reference(values), repeat)
    results = []
    row["analyze"], row["analyze_cpu"] = best_times(lambda: results.append(analyze(lc)), repeat)
    fastest = min(results, key=lambda result: result.timings["total"])
    row["stages"] = {k: round(v, 4) for k, v in fastest.timings.items()}
    row["planet_found"] = any(abs(c.period / curve.planet_period - 1.0) < PERIOD_MATCH for c in fastest.transits)
    tracemalloc.start()
    analyze(lc)
    row["analyze_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    tracemalloc.stop()
    if with_seed:
        row["seed"] = best_time(lambda: seed_style_detect(lc.time, lc.flux, as_it_ran=True), repeat)
        row["seed_over_ours"] = round(row["seed"] / row["analyze"], 2)
    return row


def search_exponent(rows: Sequence[dict[str, Any]], key: Callable[[dict[str, Any]], float]) -> float | None:
    """k of a least-squares fit of log(key(row)) against log(span): time ~ span^k (None under two spans)."""
    spans = np.array([row["span_days"] for row in rows], dtype=float)
    times = np.array([key(row) for row in rows], dtype=float)
    if np.unique(spans).size < 2 or np.any(times <= 0):
        return None
    return round(float(np.polyfit(np.log(spans), np.log(times), 1)[0]), 2)


def best_time(work: Callable[[], Any], repeat: int) -> float:
    """The fastest of `repeat` runs, in seconds: the machine is shared, the minimum is the least disturbed."""
    return best_times(work, repeat)[0]


def best_times(work: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """The least wall-clock time and the least CPU time (all threads of this process) of `repeat` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = clock.perf_counter(), clock.process_time()
        work()
        walls.append(clock.perf_counter() - wall)
        cpus.append(clock.process_time() - cpu)
    return round(min(walls), 4), round(min(cpus), 4)


def peak_rss_mb() -> float:
    """The process's resident-memory high-water mark (Linux reports kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
