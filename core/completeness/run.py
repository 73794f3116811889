"""completeness(): what this curve could have hidden, by injecting signals into it and analysing each copy.

validate -> look at the curve as it is (noise, its own events) -> grid -> plan
every injection from the seed -> analyse the copies on a process pool -> count
per cell -> map and sentence.
"""
from __future__ import annotations

import time as clock
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from core.completeness.completeness_map import CompletenessMap
from core.completeness.grid import KINDS, MAX_INJECTIONS, MIN_POINTS, Grid, build_grid
from core.completeness.orbit import EARTH_RADII_PER_SOLAR_RADIUS
from core.completeness.plan import plan_flares, plan_transits
from core.completeness.sentence import limit_sentence
from core.completeness.trial import TrialOutcome, TrialTask, run_trial
from core.config import AnalysisConfig
from core.errors import ConfigError
from core.lightcurve import LightCurve
from core.parallel import parallel_map
from core.pipeline import analyze
from core.result import AnalysisResult
from core.stats import point_to_point_std

ProgressCallback = Callable[[float, str], None]
DETECTORS = {"transit": ("transits",), "flare": ("flares",)}  # only what the injected kind needs
BASELINE_SHARE = 0.05  # of the progress bar: the analysis of the curve as it is


@dataclass(frozen=True)
class Setup:
    """A request checked against the curve: settings, grid, and what the curve's own noise is."""

    config: AnalysisConfig
    grid: Grid
    kept: np.ndarray
    sigma: float  # point-to-point noise, relative flux
    star_radius: float | None


def completeness(
    lc: LightCurve,
    config: AnalysisConfig | None = None,
    kind: str = "transit",
    grid: Mapping[str, Sequence[float]] | None = None,
    n_injections: int = 100,
    seed: int = 0,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> CompletenessMap:
    """Inject `n_injections` planets or flares on `grid` into `lc` and count how many `analyze` finds per cell.

    `grid` maps the two axis names to values: {"period": [d], "depth": [relative]}
    for planets ({"period", "radius": [Earth radii]} when lc.meta["radius"], the
    star's radius in solar radii, is known), {"fwhm": [d], "amplitude": [relative]}
    for flares; None gives a 5 x 5 grid around this curve's detection limit. Only
    the detector the kind needs runs (the transit search without flare masking:
    on a flaring star this is slightly pessimistic). The same seed gives the same map.
    """
    started = clock.perf_counter()
    report = progress or (lambda fraction, message: None)
    setup = check_request(lc, config, kind, grid, n_injections, seed)
    report(0.0, "Analysing the curve as it is")
    baseline = analyze(lc, setup.config)
    rng = np.random.default_rng(seed)
    kept_time = lc.time[setup.kept]
    if kind == "transit":
        trials = plan_transits(setup.grid, n_injections, rng, kept_time, setup.star_radius)
    else:
        busy = [(event.t_start, event.t_end) for event in baseline.events]
        trials = plan_flares(setup.grid, n_injections, rng, kept_time, busy)

    tasks = [TrialTask(lc, setup.config, trial, setup.kept, setup.sigma) for trial in trials]
    done = [0]

    def heard(index: int, outcome: TrialOutcome) -> None:
        done[0] += 1
        report((BASELINE_SHARE * (len(tasks) - done[0]) + done[0]) / len(tasks),
               f"{done[0]} of {len(tasks)} injected copies of the curve analysed")

    report(BASELINE_SHARE, f"Injecting {n_injections} {kind}s into {len(tasks)} copies of the curve")
    outcomes = parallel_map(run_trial, tasks, jobs=jobs, on_result=heard)
    records = [record for outcome in outcomes for record in outcome.records]
    injected, recovered = _count(setup.grid, records)
    return CompletenessMap(
        kind=kind, grid=setup.grid, injected=injected, recovered=recovered, seed=seed,
        settings={"config": setup.config.to_dict(), "n_injections": n_injections, "star_radius": setup.star_radius,
                  "trials": len(trials)},
        injections=records, found=_found(kind, baseline, setup.star_radius), noise=setup.sigma,
        sentence=limit_sentence(kind, setup.grid, injected, recovered),
        timings={"total": clock.perf_counter() - started,
                 "trials_cpu": sum(outcome.cpu_seconds for outcome in outcomes)},
    )


def check_request(
    lc: LightCurve, config: AnalysisConfig | None, kind: str, grid: Mapping[str, Sequence[float]] | None,
    n_injections: int, seed: int,
) -> Setup:
    """Every check a run makes before it starts (ConfigError says what to change); cheap, so a server can
    refuse a bad request while its client waits instead of failing a job later."""
    _validate(lc, kind, n_injections, seed)
    config = replace(config or AnalysisConfig(), detectors=DETECTORS[kind])
    kept = _kept(lc, config)
    if kept.sum() < MIN_POINTS:
        raise ConfigError(f"the curve has {int(kept.sum())} good points; completeness needs at least {MIN_POINTS}")
    median = float(np.median(lc.flux[kept]))
    if not median > 0:
        raise ConfigError("the flux must be a star's brightness (median > 0) for signals to be injected into it")
    relative = lc.flux[kept] / median
    sigma = point_to_point_std(relative)
    star_radius = _star_radius(lc) if kind == "transit" else None
    cells = build_grid(kind, grid, lc.time[kept], relative, sigma, star_radius)
    if n_injections < cells.n_cells:
        raise ConfigError(f"n_injections ({n_injections}) must be at least the grid's {cells.n_cells} cells, "
                          "one injection per cell")
    return Setup(config, cells, kept, sigma, star_radius)


def _validate(lc: LightCurve, kind: str, n_injections: Any, seed: Any) -> None:
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {list(KINDS)}, got {kind!r}")
    if isinstance(n_injections, bool) or not isinstance(n_injections, (int, np.integer)):
        raise ConfigError(f"n_injections must be a whole number, got {n_injections!r}")
    if not 1 <= n_injections <= MAX_INJECTIONS:
        raise ConfigError(f"n_injections must be between 1 and {MAX_INJECTIONS}, got {n_injections}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ConfigError(f"seed must be a whole number in [0, 2**32), got {seed!r}")
    if len(lc) < MIN_POINTS:
        raise ConfigError(f"the curve has {len(lc)} points; completeness needs at least {MIN_POINTS}")


def _kept(lc: LightCurve, config: AnalysisConfig) -> np.ndarray:
    """Points the analysis keeps (its QUALITY mask): injections are placed and measured there."""
    bitmask = None if config.quality_bitmask == "none" else config.quality_bitmask
    return lc.good_mask(bitmask)


def _star_radius(lc: LightCurve) -> float | None:
    """The star's radius (solar radii) from the file header, when it is there."""
    radius = lc.meta.get("radius")
    return float(radius) if isinstance(radius, (int, float)) and np.isfinite(radius) and radius > 0 else None


def _count(grid: Grid, records: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """(injected, recovered) per cell, shaped (rows = y, columns = x)."""
    injected = np.zeros(grid.n_cells, dtype=int)
    recovered = np.zeros(grid.n_cells, dtype=int)
    for record in records:
        injected[record["cell"]] += 1
        recovered[record["cell"]] += int(record["recovered"])
    return injected.reshape(grid.shape), recovered.reshape(grid.shape)


def _found(kind: str, baseline: AnalysisResult, star_radius: float | None) -> list[dict]:
    """What the curve as it is holds, in the grid's terms, for overplotting on the map."""
    if kind == "transit":
        return [{"period": c.period, "depth": c.depth, "snr": c.snr,
                 **({"radius": float(np.sqrt(max(c.depth, 0.0))) * EARTH_RADII_PER_SOLAR_RADIUS * star_radius}
                    if star_radius else {})} for c in baseline.transits]
    return [{"t_peak": e.t_peak, "amplitude": e.amplitude, "fwhm": e.extra.get("fwhm")}
            for e in baseline.events if e.kind == "flare"]
