"""`python -m core batch PATHS... --out DIR [--jobs N] [--resume]`: many curves, one summary table.

Writes DIR/results/<name>-<digest>.json (one record per curve, with its result JSON) and
DIR/summary.csv (one row per input file, failures included, with the reason). Exit code
0 when every curve was analysed, 1 when some failed (they are in the table), 2 when the
command could not run (no input found, bad settings).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.commands.settings_args import add_settings_arguments, settings_from_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="light-curve files, folders (searched recursively) or glob patterns ('data/**/*.fits')")
    parser.add_argument("--out", required=True, type=Path, help="folder for the summary and the per-curve results")
    parser.add_argument("--jobs", type=int, default=None, help="processes to use (default: one per CPU)")
    parser.add_argument("--resume", action="store_true",
                        help="skip curves this folder already holds a result for (same bytes, same settings)")
    add_settings_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from core.batch.inputs import find_curves
    from core.parallel import worker_count

    config = settings_from_arguments(args)
    jobs = worker_count(args.jobs)
    files = find_curves(args.paths)
    from core.batch.progress import ProgressLine
    from core.batch.run import run_batch

    print(f"{len(files)} curve file(s), {jobs} process(es); results in {args.out}", file=sys.stderr)
    line: list[ProgressLine] = []

    def progress(done: int, total: int, failed: int) -> None:
        if not line:
            line.append(ProgressLine(total))
        line[0].update(done, failed)

    report = run_batch(files, args.out, config, jobs=jobs, resume=args.resume, on_progress=progress)
    print(f"{len(report.rows)} curves: {report.n_analysed} analysed in {report.seconds:.1f} s "
          f"({report.curves_per_second:.2f} curves/s), {report.n_skipped} already done, {report.n_failed} failed; "
          f"summary: {report.summary_path}", file=sys.stderr)
    return 1 if report.n_failed else 0
