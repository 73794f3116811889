"""`python -m core analyze FILE [--json] [--report DIR]`: a readable summary or the result JSON, and vetting reports.

The pipeline (scikit-learn, numba, astropy) is imported once the file has been
read, so a file that cannot be read is refused at once; matplotlib only when
reports are asked for.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from core.commands.settings_args import add_settings_arguments, settings_from_arguments
from core.report import REPORT_FORMATS

if TYPE_CHECKING:
    from core.result import AnalysisResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a Kepler/K2/TESS FITS light curve or a CSV/TSV/text table")
    parser.add_argument("--json", action="store_true", help="print the result as JSON (the REST API's shape)")
    add_settings_arguments(parser)
    parser.add_argument("--report", metavar="DIR", default=None,
                        help="write each transit candidate's vetting report to DIR (candidate_<n>.pdf)")
    parser.add_argument("--report-format", choices=REPORT_FORMATS, default="pdf", help="report file format")


def run(args: argparse.Namespace) -> int:
    config = settings_from_arguments(args)
    from core.io import load_lightcurve

    lc = load_lightcurve(args.file)
    from core.pipeline import analyze

    # A multi-year curve takes seconds: say how far it has got, on a terminal only.
    result = analyze(lc, config, progress=_print_progress if sys.stderr.isatty() else None)
    print(json.dumps(result.to_dict(), indent=2) if args.json else summary(result))
    if args.report:
        from core.report.files import write_reports

        written = write_reports(result, args.report, args.report_format)
        print(f"{len(written)} vetting report(s) written to {args.report}", file=sys.stderr)
    return 0


def _print_progress(fraction: float, message: str) -> None:
    print(f"[{100 * fraction:3.0f}%] {message}", file=sys.stderr, flush=True)


def summary(result: AnalysisResult) -> str:
    """A few lines a person can read: the target, the planets, the event counts, the time taken."""
    from core.prepare import describe_roll_correction

    meta = result.meta
    lines = [
        f"{meta.get('target') or 'unknown target'} ({meta.get('mission') or 'unknown mission'}): "
        f"{result.n_points} points, {meta.get('n_analysed', 0)} analysed, "
        f"cadence {meta.get('cadence_min', float('nan')):.2f} min, time system {meta.get('time_system', 'unknown')}",
        f"noise {meta.get('noise_ppm', float('nan')):.0f} ppm per point, 1-h CDPP {meta.get('cdpp_1h_ppm', float('nan')):.0f} ppm",
    ]
    roll = describe_roll_correction(meta.get("k2_roll_correction"))
    if roll:
        lines.append(roll)
    if result.transits:
        lines.append("Transit candidates:")
        for c in result.transits:
            flags = f"  [failed: {', '.join(c.flags)}]" if c.flags else ""
            verdict = f"{c.vetting.verdict.replace('_', ' ')}: " if c.vetting is not None else ""
            lines.append(
                f"  {verdict}P = {c.period:.5f} d, t0 = {c.t0:.4f}, duration = {c.duration * 24:.2f} h, "
                f"depth = {c.depth * 1e6:.0f} ppm, SNR = {c.snr:.1f}, SDE = {c.sde:.1f}, {c.n_transits} transits{flags}"
            )
    else:
        lines.append("No transit candidate passed vetting.")
    counts = result.counts()
    lines.append("Events: " + ", ".join(f"{kind}: {n}" for kind, n in counts.items()))
    for event in result.events[:20]:
        lines.append(
            f"  {event.kind:8s} {event.t_start:.4f} - {event.t_end:.4f}  peak {event.t_peak:.4f}  "
            f"amplitude {event.amplitude:+.5f}  SNR {event.snr:.1f}"
        )
    if len(result.events) > 20:
        lines.append(f"  ... and {len(result.events) - 20} more (use --json for all)")
    lines.append(f"Analysed in {result.timings.get('total', 0.0):.2f} s")
    return "\n".join(lines)
