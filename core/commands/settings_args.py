"""The analysis settings as command-line options, shared by `analyze` and `batch`."""
from __future__ import annotations

import argparse

from core.config import DETECTORS, AnalysisConfig


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contamination", type=float, default=0.05, help="ensemble contamination, (0, 0.5]")
    parser.add_argument("--window-size", type=int, default=50, help="ensemble window length in points")
    parser.add_argument("--vote-threshold", type=float, default=0.3, help="share of flagged windows that flags a point")
    parser.add_argument("--detectors", default=",".join(DETECTORS),
                        help=f"comma-separated subset of {','.join(DETECTORS)} (default: all, as the API and dashboard)")
    parser.add_argument("--detrend-window", type=float, default=0.75, help="transit-search trend window in days")
    parser.add_argument("--no-k2-roll-correction", action="store_true",
                        help="analyse K2 flux as it is, without dividing out the thruster-roll sawtooth")
    parser.add_argument("--vetting", default=None,
                        help='vetting thresholds as JSON, e.g. \'{"max_odd_even_sigma": 5}\' (docs/vetting.md)')


def settings_from_arguments(args: argparse.Namespace) -> AnalysisConfig:
    """The AnalysisConfig the options name; ConfigError (one line, exit 2) for a value out of range."""
    return AnalysisConfig.from_mapping(
        {
            "contamination": args.contamination,
            "window_size": args.window_size,
            "vote_threshold": args.vote_threshold,
            "detectors": args.detectors,
            "detrend_window_days": args.detrend_window,
            "k2_roll_correction": not args.no_k2_roll_correction,
            "vetting": args.vetting or {},
        }
    )
