"""`python -m core samples`: write the gallery's synthetic curves and their ground truth."""
from __future__ import annotations

import argparse
from pathlib import Path

from core.errors import ConfigError
from core.io.writers import write_csv, write_fits, write_json
from core.synthetic import generate_sample, sample_names, sample_seed

MAX_SAMPLES = 1000
# Count rate (e-/s) of a star at relative flux 1 in the FITS files: bright enough
# for the stated noise, and far from 1 so readers have to normalise.
FITS_FLUX_SCALE = {"TESS": 12_000.0, "Kepler": 45_000.0}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "fits", "both"), default="both",
                        help="file format(s) to write (default: both)")
    parser.add_argument("--n-samples", type=int, default=5,
                        help="how many curves: the five named samples, then seeded variants (default: 5)")
    parser.add_argument("--out", type=Path, default=Path("data/samples"),
                        help="output folder, created if missing (default: data/samples)")
    parser.add_argument("--seed-offset", type=int, default=0,
                        help="added to every sample's fixed seed, for other realisations (default: 0)")


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.n_samples <= MAX_SAMPLES:
        raise ConfigError(f"--n-samples must be between 1 and {MAX_SAMPLES}, got {args.n_samples}")
    formats = ("csv", "fits") if args.format == "both" else (args.format,)
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    for name in sample_names(args.n_samples):
        lc, truth = generate_sample(name, seed=sample_seed(name) + args.seed_offset)
        counts = {kind: len(truth.events_of(kind)) for kind in ("transit", "flare", "outlier")}
        summary = f"{len(lc)} points, " + ", ".join(f"{n} {kind}s" for kind, n in counts.items())
        if "csv" in formats:
            print(f"wrote {write_csv(lc, out / f'{name}.csv')} ({summary})")
        if "fits" in formats:
            path = write_fits(lc, out / f"{name}.fits", flux_scale=FITS_FLUX_SCALE[truth.mission])
            print(f"wrote {path} ({summary})")
        print(f"wrote {write_json(truth.to_dict(), out / f'{name}.truth.json')}")
    return 0
