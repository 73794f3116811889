"""Injection-recovery: how much of what we inject do `analyze` and the seed-style method find?

Every number the README quotes comes from here, so the set is seeded and
reproducible (see cases.py, hard_cases.py, unusual_cases.py); when
../shared/data/real/ is present, the real curves are checked as they are against
MANIFEST.json and the flare labels made by eye, and carry injected signals too.
"""
from __future__ import annotations

import time as clock
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from core.baseline import seed_style_detect
from core.evaluation.cases import Case, build_cases, is_clean, is_unusual, is_vetting, real_injected_case
from core.evaluation.fast_rotator_cases import build_fast_rotator_cases
from core.evaluation.foreign_flares import foreign_flare_counts
from core.evaluation.hard_cases import build_hard_cases
from core.evaluation.noise_cases import build_noise_cases, is_noise, score_noise
from core.evaluation.red_noise_cases import build_red_noise_cases
from core.evaluation.labels import load_flare_labels, label_row
from core.evaluation.real import REAL_DATA_DIR, halves, load_real, real_checks
from core.evaluation.reliability import calibration_records, label_events, reliability_counts
from core.evaluation.report import EvaluationReport
from core.evaluation.scoring import score_case, score_clean
from core.evaluation.unusual import score_unusual
from core.evaluation.unusual_cases import UNUSUAL_KINDS, build_unusual_cases
from core.evaluation.vetting_cases import build_vetting_cases
from core.evaluation.vetting_score import score_vetting
from core.parallel import parallel_map, worker_count
from core.pipeline import analyze

ProgressCallback = Callable[[float, str], None]

DEFAULT_N_STARS = 36
HARD_SHARE = 3  # one hard star per this many of today's injected stars
N_UNUSUAL_CURVES = 8  # per seed: 2-min and 30-min, quiet and spotted, twice each
N_UNUSUAL_QUICK = 2
N_VETTING_CURVES = 20  # per seed: 12 eclipsing binaries, 4 rotation-harmonic spots, 4 planets (vetting_cases.py)
N_VETTING_QUICK = 5
# What a real curve's as-is run found that an injected copy forgives: its flares, outliers and unusual events
# (its planet is forgiven by period; an anomaly's span is too vague to forgive by).
KNOWN_KINDS = ("flare", "outlier") + UNUSUAL_KINDS


def evaluate_seeds(
    seeds: list[int], *, n_stars: int = DEFAULT_N_STARS, include_real: bool = True, quick: bool = False,
    jobs: int | None = None, progress: ProgressCallback | None = None,
) -> list[EvaluationReport]:
    """`evaluate` for each seed, in the seeds' order; seeds run side by side on `jobs` processes.

    Each seed is independent and takes minutes, so a pooled run on N cores takes about
    1/N of the time. With one process `progress` hears every curve; with several it
    hears each seed as it finishes (a worker cannot call back into this process).
    """
    report = progress or (lambda fraction, message: None)
    items = [(n_stars, seed, include_real, quick) for seed in seeds]
    if min(worker_count(jobs), len(items)) <= 1:
        return [evaluate(n_stars=n, seed=seed, include_real=real, progress=report, quick=q)
                for n, seed, real, q in items]
    finished: list[int] = []

    def seed_done(index: int, _: EvaluationReport) -> None:
        finished.append(seeds[index])
        report(len(finished) / len(seeds), f"seed {seeds[index]} done")

    report(0.0, f"{len(seeds)} seeds on {min(worker_count(jobs), len(items))} processes")
    return parallel_map(_evaluate_one, items, jobs=jobs, on_result=seed_done)


def _evaluate_one(item: tuple[int, int, bool, bool]) -> EvaluationReport:
    n_stars, seed, include_real, quick = item
    return evaluate(n_stars=n_stars, seed=seed, include_real=include_real, quick=quick)


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
    """Run the injection set through `analyze` (and the seed-style method) and count what each found.

    Today's stars (`n_stars` injected, a quarter as many clean), one hard star per
    HARD_SHARE of them (at least three, one per mission, plus a clean hard star of
    each), the unusual events' curves, the vetting set's binaries, spots and planets,
    the stress sets (raised noise, stronger red noise, fast rotators) and the real
    files. `quick` uses short
    curves and no real-based injections: a smoke run for tests. The default takes
    several minutes on 2 cores.
    """
    if n_stars < 1:
        raise ValueError(f"n_stars must be >= 1, got {n_stars}")
    report = progress or (lambda fraction, message: None)
    started = clock.perf_counter()
    cases = build_cases(n_stars, seed, quick)
    cases += build_hard_cases(max(3, n_stars // HARD_SHARE), seed, quick)
    cases += build_unusual_cases(N_UNUSUAL_QUICK if quick else N_UNUSUAL_CURVES, seed, quick)
    cases += build_vetting_cases(N_VETTING_QUICK if quick else N_VETTING_CURVES, seed, quick)
    cases += build_noise_cases(seed, quick)
    cases += build_red_noise_cases(seed, quick)
    cases += build_fast_rotator_cases(seed, quick)
    real, skipped = load_real(real_dir or REAL_DATA_DIR) if include_real else ([], [])
    labels = load_flare_labels() if real else {}
    injections = {entry["file"]: 0 if quick or entry.get("copy_of") else injections_per_real for entry, _ in real}
    n_total = len(cases) + len(real) + sum(injections.values())
    done = 0
    counts: dict[str, Counter] = {}
    errors: list[float] = []
    checks: list[dict[str, Any]] = []
    label_rows: list[dict[str, Any]] = []
    calibration: list[dict[str, Any]] = []

    def run(case: Case) -> None:
        nonlocal done
        report(done / n_total, f"{case.name}: analysing {len(case.lc)} points")
        result = analyze(case.lc)
        if is_unusual(case.source):  # the seed-style method has no column in the unusual events' tables
            counter, found_errors = score_unusual(case, result), []
        elif is_noise(case.source):  # stretches of raised noise: found as anomalies, or named as something else
            counter, found_errors = score_noise(case, result), []
        elif is_vetting(case.source):  # scored by what each signal was called, not by events
            counter, found_errors = score_vetting(case, result), []
        elif is_clean(case.source):
            counter, found_errors = score_clean(result, seed_style_detect(case.lc.time, case.lc.flux).events), []
            counter.update(foreign_flare_counts(case, seed))
        else:
            counter, found_errors = score_case(case, result, seed_style_detect(case.lc.time, case.lc.flux).events)
        if not is_vetting(case.source):  # a binary's eclipses are real dips but no injected planet: no label
            labelled = label_events(case, result)
            counter.update(reliability_counts(labelled))
            calibration.extend(calibration_records(case, labelled))
        counts.setdefault(case.source, Counter()).update(counter)
        errors.extend(found_errors)
        done += 1

    for case in cases:
        run(case)
    for entry, lc in real:
        report(done / n_total, f"{entry['file']}: as is")
        result = analyze(lc)
        not_flares = labels.get(entry["file"], {}).get("not_flare", ())
        checks.extend(real_checks(entry, result, lc.cadence_days, not_flares))
        row = label_row(entry, result, lc.cadence_days, labels)
        if row is not None:
            label_rows.append(row)
            if row["long_cadence"] and not entry.get("copy_of"):
                label_rows += [label_row(entry, analyze(piece), lc.cadence_days, labels, part=part)
                               for part, piece in halves(lc)]
        done += 1
        known = [(e.t_start, e.t_end) for e in result.events if e.kind in KNOWN_KINDS]
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
        label_rows=label_rows,
        calibration=calibration,
    )
