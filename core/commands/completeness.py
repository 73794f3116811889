"""`python -m core completeness FILE --kind transit|flare --json`: what this curve could have hidden."""
from __future__ import annotations

import argparse
import json
import sys

from core.completeness import CompletenessMap, completeness
from core.completeness.grid import AXES, parse_axis
from core.config import AnalysisConfig
from core.io import load_lightcurve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a Kepler/K2/TESS FITS light curve or a CSV/TSV/text table")
    parser.add_argument("--kind", choices=("transit", "flare"), default="transit", help="what to inject")
    parser.add_argument("--n-injections", "--n", dest="n_injections", type=int, default=100,
                        help="injections in all, dealt evenly over the grid's cells")
    parser.add_argument("--seed", type=int, default=0, help="the same seed gives the same map")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per usable CPU)")
    parser.add_argument("--json", action="store_true", help="print the map as JSON (the REST API's shape)")
    for axis, meaning in AXES.items():
        parser.add_argument(f"--{axis}", default=None, help=f"comma-separated grid of {meaning}")


def run(args: argparse.Namespace) -> int:
    grid = _grid(args)
    lc = load_lightcurve(args.file)
    result = completeness(lc, AnalysisConfig(), kind=args.kind, grid=grid, n_injections=args.n_injections,
                          seed=args.seed, jobs=args.jobs, progress=_print_progress)
    print(json.dumps(result.to_dict(), indent=2, allow_nan=False) if args.json else summary(result))
    return 0


def _grid(args: argparse.Namespace) -> dict[str, list[float]] | None:
    """The axes given on the command line, or None for the default grid."""
    given = {axis: getattr(args, axis) for axis in AXES if getattr(args, axis) is not None}
    if not given:
        return None
    return {axis: parse_axis(f"--{axis}", text) for axis, text in given.items()}


def _print_progress(fraction: float, message: str) -> None:
    print(f"[{100 * fraction:3.0f}%] {message}", file=sys.stderr, flush=True)


def summary(result: CompletenessMap) -> str:
    """The sentence, then recovery per cell with its Wilson interval, strongest signals first."""
    grid = result.grid
    low, high = result.interval
    lines = [result.sentence, f"Recovered (95% Wilson interval), {result.n_injections} injections, seed {result.seed}:",
             f"{grid.y_name:>12} \\ {grid.x_name}: " + "  ".join(f"{x:>17.4g}" for x in grid.x)]
    for row in reversed(range(len(grid.y))):
        cells = [f"{result.fraction[row, c]:4.0%} ({low[row, c]:3.0%}-{high[row, c]:4.0%})" for c in range(len(grid.x))]
        lines.append(f"{grid.y[row]:>12.4g}   " + " " * len(grid.x_name) + "  ".join(f"{c:>17}" for c in cells))
    return "\n".join(lines)
