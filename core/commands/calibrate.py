"""`python -m core calibrate RECORDS`: fit event confidence from labelled evaluation events.

RECORDS is what `python -m core evaluate --calibration-out RECORDS` writes. Fit on
seeds the README's reliability table does not use (e.g. `--seed 3 4 5`), so the
table measures the calibration rather than restating it.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from core.confidence import CALIBRATION_FILE, fit_calibration, write_calibration
from core.errors import ConfigError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("records", type=Path, help="JSON written by evaluate --calibration-out")
    parser.add_argument("--write", action="store_true", help=f"write the calibration (to core/{CALIBRATION_FILE.name})")
    parser.add_argument("--out", type=Path, default=CALIBRATION_FILE, help="where --write writes it")


def run(args: argparse.Namespace) -> int:
    try:
        document = json.loads(args.records.read_text())
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{args.records} is not JSON: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("kinds"), dict):
        raise ConfigError(f"{args.records} is not what evaluate --calibration-out writes (no 'kinds')")
    records = [dict(record, kind=kind) for kind, items in document["kinds"].items() for record in items]
    calibration = fit_calibration(records)
    for key, curve in calibration.items():
        steps = ", ".join(f"{2.718281828 ** x:.1f}->{y:.2f}" for x, y in zip(curve["log_snr"], curve["real"]))
        print(f"{key} ({curve['n_events']} events): {steps}")
    if args.write:
        fitted_on = {"fitted_on": {"evaluate_settings": document.get("settings", {}), "records": args.records.name}}
        print(f"written to {write_calibration({**fitted_on, **calibration}, args.out)}")
    return 0
