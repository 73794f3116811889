"""`python -m core evaluate`: injection-recovery tables for the README (or JSON)."""
from __future__ import annotations

import argparse
import json
import sys

from core.errors import ConfigError
from core.evaluation.report import EvaluationReport
from core.evaluation.run import DEFAULT_N_STARS, evaluate

QUICK_N_STARS = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n-stars", type=int, default=None,
                        help=f"synthetic stars with injections (default: {DEFAULT_N_STARS}, "
                             f"{QUICK_N_STARS} with --quick); a quarter as many clean stars are added")
    parser.add_argument("--seed", type=int, nargs="+", default=[0],
                        help="seed of the injection set (default: 0); several seeds are run and pooled")
    parser.add_argument("--no-real", action="store_true", help="skip the real curves in ../shared/data/real/")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown tables")
    parser.add_argument("--quick", action="store_true",
                        help="a handful of short curves, real files only as they are (a smoke run)")


def run(args: argparse.Namespace) -> int:
    n_stars = args.n_stars if args.n_stars is not None else (QUICK_N_STARS if args.quick else DEFAULT_N_STARS)
    if n_stars < 1:
        raise ConfigError(f"--n-stars must be >= 1, got {n_stars}")

    def progress(fraction: float, message: str) -> None:
        print(f"[{100 * fraction:3.0f}%] {message}", file=sys.stderr, flush=True)

    reports = [evaluate(n_stars=n_stars, seed=seed, include_real=not args.no_real, progress=progress,
                        quick=args.quick) for seed in args.seed]
    report = reports[0] if len(reports) == 1 else EvaluationReport.pooled(reports)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.to_markdown())
    return 0
