"""Command line: python -m core analyze|samples|train|evaluate|bench.

Each subcommand lives in core/commands/<name>.py with add_arguments(parser) and
run(args) -> int. Errors a user can fix print one line and exit 2; no traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from core.errors import UserError

COMMANDS = {
    "analyze": "Find transits, flares, outliers and anomalies in one light-curve file.",
    "samples": "Write the gallery's synthetic sample curves (CSV and/or FITS) with their truth.",
    "train": "Train the anomaly ensemble and save it in the model registry.",
    "evaluate": "Injection-recovery evaluation of every detector, beside the seed-style method.",
    "bench": "Time each stage at 20k, 65k and 200k points, beside the seed-style method.",
    "calibrate": "Fit each event kind's confidence from labelled evaluation events (evaluate --calibration-out).",
}


def _load_command(name: str):
    return importlib.import_module(f"core.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in COMMANDS.items():
        try:
            module = _load_command(name)
        except ModuleNotFoundError as exc:
            if exc.name != f"core.commands.{name}":
                raise
            continue
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command_parser)
        command_parser.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (UserError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
