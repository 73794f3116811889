"""`python -m core evaluate`: injection-recovery tables for the README (or JSON), optionally into a markdown file."""
from __future__ import annotations

import argparse
import json
import sys
import time as clock
from pathlib import Path

from core.commands.markdown_file import check_writable, machine, write_markdown
from core.errors import ConfigError
from core.evaluation.report import EvaluationReport
from core.evaluation.run import DEFAULT_N_STARS, evaluate_seeds
from core.io.writers import write_json

QUICK_N_STARS = 4
ABOUT = ("Planets, flares, outliers, flare-like bumps and unusual events with known parameters are injected into "
         "synthetic stars (today's, and hard ones with evolving spots, K2 roll, ramps after gaps and glitches of "
         "several cadences) and into real light curves; these tables count what `analyze` finds, beside the "
         "replaced app's method (\"seed-style\") on the same curves, and score the real flare stars' flare events "
         "against labels made by eye.")
CALIBRATION_ABOUT = ("Every event `analyze` reported on the evaluation's injected and clean curves, per kind: its "
                     "numeric fields (features) and whether it is real (matched to an injected event of its kind, an "
                     "anomaly on anything injected, or a signal the real curve already had; on a clean star, never).")


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
    parser.add_argument("--markdown", type=Path, metavar="PATH",
                        help="also write the tables, under a header saying how they were made, to this file "
                             "(docs/evaluation.md)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="seeds evaluated at once, one process each (default: one per usable CPU); with "
                             "several processes each seed reports only when it is done")
    parser.add_argument("--calibration-out", type=Path, metavar="PATH",
                        help="also write every scored event, per kind, as its numeric fields and whether it is "
                             "real, to this JSON file (to fit the events' confidence)")


def run(args: argparse.Namespace) -> int:
    n_stars = args.n_stars if args.n_stars is not None else (QUICK_N_STARS if args.quick else DEFAULT_N_STARS)
    if n_stars < 1:
        raise ConfigError(f"--n-stars must be >= 1, got {n_stars}")
    if args.markdown:
        check_writable(args.markdown)
    if args.calibration_out:
        check_writable(args.calibration_out, "--calibration-out")

    def progress(fraction: float, message: str) -> None:
        print(f"[{100 * fraction:3.0f}%] {message}", file=sys.stderr, flush=True)

    started = clock.perf_counter()
    reports = evaluate_seeds(args.seed, n_stars=n_stars, include_real=not args.no_real, quick=args.quick,
                             jobs=args.jobs, progress=progress)
    report = reports[0] if len(reports) == 1 else EvaluationReport.pooled(reports)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.to_markdown())
    if args.markdown:
        write_markdown(args.markdown, title="Evaluation", about=ABOUT, command=_command(args), seeds=args.seed,
                       elapsed_s=clock.perf_counter() - started, machine_info=machine(), body=report.to_markdown())
    if args.calibration_out:
        write_json({"about": CALIBRATION_ABOUT, "settings": report.settings, "kinds": report.calibration_by_kind()},
                   args.calibration_out)
    return 0


def _command(args: argparse.Namespace) -> list[str]:
    """The options that reproduce this run, for the markdown file's header."""
    options = ["evaluate", "--seed", *(str(seed) for seed in args.seed)]
    if args.n_stars is not None:
        options += ["--n-stars", str(args.n_stars)]
    if args.no_real:
        options.append("--no-real")
    if args.quick:
        options.append("--quick")
    return options + ["--markdown", str(args.markdown)]
