"""`python -m core train`: fit the anomaly ensemble on many curves and store it in the registry.

The training itself lives in core.anomaly.training; this module reads the
arguments and prints what was stored.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from core.anomaly.registry import ModelRegistry
from core.anomaly.training import train_files, train_synthetic


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--synthetic", type=int, metavar="N", help="train on N seeded synthetic curves")
    source.add_argument("--files", nargs="+", type=Path, metavar="FILE", help="train on these CSV/FITS curves")
    parser.add_argument("--contamination", type=float, default=0.05)
    parser.add_argument("--window-size", type=int, default=50)
    parser.add_argument("--vote", choices=("both", "either"), default="both",
                        help="flag a window when both IF and LOF agree (the seed's rule) or when either does")
    parser.add_argument("--models-dir", type=Path, default=Path("data/models"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--heldout", type=int, default=10, help="held-out synthetic curves for the metrics")


def run(args: argparse.Namespace) -> int:
    registry = ModelRegistry(args.models_dir)

    def report(done: int, total: int) -> None:
        print(f"[{done}/{total}] curves processed", flush=True)

    common = dict(contamination=args.contamination, window_size=args.window_size, vote=args.vote,
                  seed=args.seed, n_heldout=args.heldout, progress=report, registry=registry)
    if args.synthetic is not None:
        model_id, metadata = train_synthetic(args.synthetic, **common)
    else:
        model_id, metadata = train_files(args.files, **common)
    print(f"model {model_id} saved in {args.models_dir} "
          f"({metadata['n_training_windows']} windows from {metadata['training_data']['n_curves']} curves)")
    for key, value in metadata["metrics"].items():
        print(f"  {key}: {value}")
    return 0
