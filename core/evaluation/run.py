"""Injection-recovery: how much of what we inject do `analyze` and the seed-style method find?

Every number the README quotes comes from here, so the set is seeded and
reproducible (see cases.py); when ../shared/data/real/ is present, the real curves
are checked as they are against MANIFEST.json and carry injected signals too.
"""
from __future__ import annotations

import time as clock
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from core.baseline import seed_style_detect
from core.evaluation.cases import Case, build_cases, real_injected_case
from core.evaluation.real import REAL_DATA_DIR, load_real, real_checks
from core.evaluation.report import EvaluationReport
from core.evaluation.scoring import score_case, score_clean
from core.pipeline import analyze

ProgressCallback = Callable[[float, str], None]

DEFAULT_N_STARS = 36


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
