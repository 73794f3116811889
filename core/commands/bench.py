"""`python -m core bench`: a scaling table of `analyze` at 20k, 65k and 200k TESS-like points and a
4-year Kepler curve, beside the replaced app's method; per stage, with memory and the search's
growth with the span. The measuring is `core.benchmark`; this module reads arguments and prints."""
from __future__ import annotations

import argparse
import json
import time as clock
from pathlib import Path
from typing import Any

from core.commands.markdown_file import check_writable, describe_machine, machine, write_markdown
from core.errors import ConfigError

DEFAULT_SIZES = (20_000, 65_000, 200_000)
MIN_SIZE = 2_000
ABOUT = ("Each stage of `analyze` timed in-process (imports and first calls excluded) on synthetic TESS-like "
         "curves and a 4-year Kepler-like curve, beside the replaced app's method (\"seed-style\") on the same "
         "curves.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        help="numbers of TESS-like points to time (default: 20000 65000 200000)")
    parser.add_argument("--no-kepler", action="store_true", help="skip the 4-year Kepler-like curve")
    parser.add_argument("--repeat", type=int, default=1, help="runs per timing; the fastest is kept (default: 1)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--no-seed", action="store_true", help="skip the (slow) seed-style run")
    parser.add_argument("--markdown", type=Path, metavar="PATH",
                        help="also write the tables, under a header saying how they were made, to this file "
                             "(docs/speed.md)")


def run(args: argparse.Namespace) -> int:
    if args.repeat < 1:
        raise ConfigError(f"--repeat must be >= 1, got {args.repeat}")
    if any(not MIN_SIZE <= n <= 2_000_000 for n in args.sizes):
        raise ConfigError(f"--sizes must each be between {MIN_SIZE} and 2000000")
    if args.markdown:
        check_writable(args.markdown)
    from core import benchmark  # the whole pipeline: imported once the arguments are known to be good

    started = clock.perf_counter()
    benchmark.warm_up(not args.no_seed)
    curves = [benchmark.tess_curve(n) for n in args.sizes]
    if not args.no_kepler:
        curves.append(benchmark.kepler_curve())
    rows = [benchmark.bench_curve(curve, args.repeat, not args.no_seed) for curve in curves]
    report = {
        "machine": machine(), "repeat": args.repeat, "rows": rows, "ru_maxrss_mb": round(benchmark.peak_rss_mb(), 1),
        "exponent_transit_stage": benchmark.search_exponent(rows, lambda row: row["stages"].get("transits", 0.0)),
        "exponent_search_round": benchmark.search_exponent(rows, lambda row: row["search_round"]),
        "exponent_search_round_cpu": benchmark.search_exponent(rows, lambda row: row["search_round_cpu"]),
    }
    print(json.dumps(report, indent=2) if args.json else to_markdown(report))
    if args.markdown:
        write_markdown(args.markdown, title="Speed", about=ABOUT, command=_command(args), seeds=[benchmark.CURVE_SEED],
                       elapsed_s=clock.perf_counter() - started, machine_info=report["machine"],
                       body=to_markdown(report, with_machine=False))
    return 0


def to_markdown(report: dict[str, Any], with_machine: bool = True) -> str:
    """Three tables (building blocks; analyze against seed-style; analyze by stage) and the search's growth.

    `with_machine=False` leaves out the machine line, for a file whose header already names it.
    """
    rows = report["rows"]
    machine_line = f"Machine: {describe_machine(report['machine'])}. " if with_machine else ""
    lines = [
        machine_line + f"Best of {report['repeat']}; the machine is shared, so timings are noisy.",
        "TESS-like curves are at 2-min cadence (more points means a longer span), the Kepler-like one at 29.4 min "
        "over 4 years; gaps remove a few points.",
        "",
        "| curve | points | span (d) | load CSV (s) | load FITS (s) | detrend (s) | periods | search round (s) "
        "| search round, CPU (s) | search round, reference (s) | features vectorised (s) | features loop (s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['name']} | {r['n_points']} | {r['span_days']} | {_s(r['load_csv'])} | {_s(r['load_fits'])} "
                     f"| {_s(r['detrend'])} | {r['n_periods']} | {_s(r['search_round'])} | {_s(r['search_round_cpu'])} "
                     f"| {_s(r.get('search_round_reference'))} | {_s(r['features'])} | {_s(r.get('features_loop'))} |")
    lines += ["", "| curve | points | analyze (s) | analyze, CPU (s) | seed-style (s) | seed / ours | planet found "
                  "| analyze peak (MB, tracemalloc) |",
              "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r['seed_over_ours']:.1f}x" if "seed_over_ours" in r else "n/a"
        lines.append(f"| {r['name']} | {r['n_points']} | {_s(r['analyze'])} | {_s(r['analyze_cpu'])} | {_s(r.get('seed'))} "
                     f"| {ratio} | {'yes' if r['planet_found'] else 'no'} | {r['analyze_peak_mb']} |")
    stages = list(dict.fromkeys(k for r in rows for k in r["stages"]))
    lines += ["", "analyze by stage (s, from result.timings)", "",
              "| curve | points | " + " | ".join(stages) + " |", "|---" * (len(stages) + 2) + "|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['n_points']} | " + " | ".join(_s(r["stages"].get(k)) for k in stages) + " |")
    lines += ["", "Search time against span, time ~ span^k (least squares over the curves above): "
                  f"transit stage k = {_k(report['exponent_transit_stage'])}, "
                  f"one search round k = {_k(report['exponent_search_round'])} "
                  f"(its CPU time: k = {_k(report['exponent_search_round_cpu'])}).",
              "", f"Process peak RSS (ru_maxrss): {report['ru_maxrss_mb']} MB."]
    return "\n".join(lines) + "\n"


def _command(args: argparse.Namespace) -> list[str]:
    """The options that reproduce this run, for the markdown file's header."""
    options = ["bench", "--sizes", *(str(n) for n in args.sizes), "--repeat", str(args.repeat)]
    if args.no_kepler:
        options.append("--no-kepler")
    if args.no_seed:
        options.append("--no-seed")
    return options + ["--markdown", str(args.markdown)]


def _s(value: float | None) -> str:
    return "not run" if value is None else f"{value:.3f}"


def _k(value: float | None) -> str:
    return "n/a (one span)" if value is None else f"{value:.2f}"
