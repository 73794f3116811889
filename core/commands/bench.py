"""`python -m core bench`: where the time goes at 20k, 65k and 200k points, beside the seed-style method.

Everything is timed in-process after a warm-up run, so imports and first-call
costs are excluded. Curves are TESS-like at 2-min cadence: more points means a
longer span (65k points ~ 90 days, 200k ~ 278 days), which is what makes the
period search grow. One coarse BLS round over the whole period grid is timed with
our compiled kernel and with astropy's (the same numbers). Memory: tracemalloc peak of one extra `analyze` call (Python
allocations, numpy included) and the process's ru_maxrss high-water mark.
"""
from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time as clock
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import numpy as np

from core.baseline import seed_style_detect
from core.commands.markdown_file import check_writable, describe_machine, machine, write_markdown
from core.config import AnalysisConfig
from core.detect.periodogram import period_grid, period_range, periodogram, reference_periodogram
from core.errors import ConfigError
from core.anomaly.features import window_features, window_features_reference
from core.io import load_lightcurve
from core.io.writers import write_csv, write_fits
from core.lightcurve import LightCurve
from core.pipeline import analyze
from core.prepare import prepare
from core.synthetic import PlanetSpec, generate_lightcurve
from core.trend import fit_trend

DEFAULT_SIZES = (20_000, 65_000, 200_000)
CADENCE_MIN = 2.0
REFERENCE_LOOP_MAX_POINTS = 20_000  # the per-window Python loop is only timed up to here: it is slow
FITS_FLUX_SCALE = 12_000.0  # e-/s of a TESS star at relative flux 1, so the reader has to normalise
WARM_UP_POINTS = 2_000
CURVE_SEED = 0
ABOUT = ("Each stage of `analyze` timed in-process (imports and first calls excluded) on synthetic TESS-like "
         "curves, beside the replaced app's method (\"seed-style\") on the same curves.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        help="numbers of points to time (default: 20000 65000 200000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per timing; the fastest is kept (default: 1)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--no-seed", action="store_true", help="skip the (slow) seed-style run")
    parser.add_argument("--markdown", type=Path, metavar="PATH",
                        help="also write the tables, under a header saying how they were made, to this file "
                             "(docs/speed.md)")


def run(args: argparse.Namespace) -> int:
    if args.repeat < 1:
        raise ConfigError(f"--repeat must be >= 1, got {args.repeat}")
    if any(not WARM_UP_POINTS <= n <= 2_000_000 for n in args.sizes):
        raise ConfigError(f"--sizes must each be between {WARM_UP_POINTS} and 2000000")
    if args.markdown:
        check_writable(args.markdown)
    started = clock.perf_counter()
    _warm_up(not args.no_seed)
    rows = [bench_size(n, args.repeat, not args.no_seed) for n in args.sizes]
    report = {"machine": machine(), "repeat": args.repeat, "rows": rows,
              "ru_maxrss_mb": round(_max_rss_mb(), 1)}
    print(json.dumps(report, indent=2) if args.json else to_markdown(report))
    if args.markdown:
        write_markdown(args.markdown, title="Speed", about=ABOUT, command=_command(args), seeds=[CURVE_SEED],
                       elapsed_s=clock.perf_counter() - started, machine_info=report["machine"],
                       body=to_markdown(report, with_machine=False))
    return 0


def bench_curve(n_points: int, seed: int = CURVE_SEED) -> LightCurve:
    """A TESS-like curve with rotation, red noise, gaps, a planet, flares and outliers."""
    lc, _ = generate_lightcurve(
        n_points, CADENCE_MIN, seed, noise_ppm=600.0, rotation_period=4.3, rotation_amp=0.006, red_noise_ppm=120.0,
        planets=[PlanetSpec(period=3.71, t0=1326.1, rp_rs=0.06, b=0.2, duration=0.12)],
        n_flares=max(3, n_points // 5000), flare_amp_range=(0.003, 0.05),
        n_outliers=max(5, n_points // 2000), outlier_sigma_range=(6.0, 20.0),
    )
    return lc


def bench_size(n_points: int, repeat: int, with_seed: bool) -> dict[str, Any]:
    """Timings (seconds) and memory for one curve size."""
    lc = bench_curve(n_points)
    row: dict[str, Any] = {"n_points": n_points, "n_kept": len(lc), "span_days": round(float(lc.time[-1] - lc.time[0]), 1)}
    with tempfile.TemporaryDirectory() as folder:
        csv_path = write_csv(lc, Path(folder) / "bench.csv")
        fits_path = write_fits(lc, Path(folder) / "bench.fits", flux_scale=FITS_FLUX_SCALE)
        row["load_csv"] = _best(lambda: load_lightcurve(csv_path), repeat)
        row["load_fits"] = _best(lambda: load_lightcurve(fits_path), repeat)
    prepared = prepare(lc)
    window = AnalysisConfig().detrend_window_days
    row["detrend"] = _best(lambda: fit_trend(prepared.time, prepared.flux, "biweight", window), repeat)
    detrended = prepared.flux / fit_trend(prepared.time, prepared.flux, "biweight", window).trend
    span = float(prepared.time[-1] - prepared.time[0])
    periods = period_grid(span, *period_range(span, None, None))
    weights = np.ones(prepared.time.size)
    for name, search in (("bls_round", periodogram), ("bls_round_astropy", reference_periodogram)):
        row[name] = _best(lambda s=search: s(prepared.time, detrended, periods, weights), repeat)
    values = (prepared.flux - prepared.flux.mean()) / prepared.flux.std()
    row["features"] = _best(lambda: window_features(values), repeat)
    if len(values) <= REFERENCE_LOOP_MAX_POINTS:
        row["features_loop"] = _best(lambda: window_features_reference(values), repeat)
    timings: list[dict[str, float]] = []
    row["analyze"] = _best(lambda: timings.append(analyze(lc).timings), repeat)
    row["stages"] = {k: round(v, 4) for k, v in min(timings, key=lambda t: t["total"]).items()}
    tracemalloc.start()
    analyze(lc)
    row["analyze_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    tracemalloc.stop()
    if with_seed:
        row["seed"] = _best(lambda: seed_style_detect(lc.time, lc.flux), repeat)
        row["seed_over_ours"] = round(row["seed"] / row["analyze"], 2)
    return row


def to_markdown(report: dict[str, Any], with_machine: bool = True) -> str:
    """Three tables: I/O and building blocks, analyze against seed-style, analyze by stage.

    `with_machine=False` leaves out the machine line, for a file whose header already names it.
    """
    rows = report["rows"]
    machine_line = f"Machine: {describe_machine(report['machine'])}. " if with_machine else ""
    lines = [
        machine_line + f"Best of {report['repeat']}; the machine is shared, so timings are noisy.",
        "Curves are TESS-like at 2-min cadence: more points means a longer span (gaps remove a few points).",
        "",
        "| points | span (d) | load CSV (s) | load FITS (s) | detrend (s) | BLS round, ours (s) "
        "| BLS round, astropy kernel (s) | features vectorised (s) | features loop (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        loop = _s(r["features_loop"]) if "features_loop" in r else "not run"
        lines.append(f"| {r['n_points']} | {r['span_days']} | {_s(r['load_csv'])} | {_s(r['load_fits'])} "
                     f"| {_s(r['detrend'])} | {_s(r['bls_round'])} | {_s(r['bls_round_astropy'])} "
                     f"| {_s(r['features'])} | {loop} |")
    lines += ["", "| points | analyze (s) | seed-style (s) | seed / ours | analyze peak (MB, tracemalloc) |",
              "|---|---|---|---|---|"]
    for r in rows:
        seed = _s(r["seed"]) if "seed" in r else "not run"
        ratio = f"{r['seed_over_ours']:.1f}x" if "seed_over_ours" in r else "n/a"
        lines.append(f"| {r['n_points']} | {_s(r['analyze'])} | {seed} | {ratio} | {r['analyze_peak_mb']} |")
    stages = list(dict.fromkeys(k for r in rows for k in r["stages"]))
    lines += ["", "analyze by stage (s, from result.timings)", "",
              "| points | " + " | ".join(stages) + " |", "|---" * (len(stages) + 1) + "|"]
    for r in rows:
        lines.append(f"| {r['n_points']} | " + " | ".join(_s(r["stages"].get(k)) for k in stages) + " |")
    lines += ["", f"Process peak RSS (ru_maxrss): {report['ru_maxrss_mb']} MB."]
    return "\n".join(lines) + "\n"


def _warm_up(with_seed: bool) -> None:
    """Import and first-call costs (astropy BLS, scikit-learn) are paid here, outside the timings."""
    lc = bench_curve(WARM_UP_POINTS)
    analyze(lc)
    if with_seed:
        seed_style_detect(lc.time, lc.flux)


def _command(args: argparse.Namespace) -> list[str]:
    """The options that reproduce this run, for the markdown file's header."""
    options = ["bench", "--sizes", *(str(n) for n in args.sizes), "--repeat", str(args.repeat)]
    if args.no_seed:
        options.append("--no-seed")
    return options + ["--markdown", str(args.markdown)]


def _best(work: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = clock.perf_counter()
        work()
        times.append(clock.perf_counter() - start)
    return round(min(times), 4)


def _max_rss_mb() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
