"""Command line: python -m core analyze|batch|samples|train|evaluate|bench|calibrate|completeness.

Each subcommand lives in core/commands/<name>.py with add_arguments(parser) and
run(args) -> int. Errors a user can fix print one line and exit 2; no traceback.

Only the command asked for is imported, and the commands import the science
(scikit-learn, numba, astropy: seconds) inside run(), so `--help` and a bad
file's error answer at once.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from core.errors import UserError

COMMANDS = {
    "analyze": "Find transits, flares, outliers and anomalies in one light-curve file.",
    "samples": "Write the gallery's synthetic sample curves (CSV and/or FITS) with their truth.",
    "train": "Train the anomaly ensemble and save it in the model registry.",
    "evaluate": "Injection-recovery evaluation of every detector, beside the seed-style method.",
    "bench": "Time each stage at 20k, 65k and 200k points and a 4-year Kepler curve, beside the seed-style method.",
    "batch": "Analyse many curves (files, folders, globs) on a process pool into one summary table.",
    "calibrate": "Fit each event kind's confidence from labelled evaluation events (evaluate --calibration-out).",
    "completeness": "Inject planets or flares into one file's own curve: what could it have hidden?",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser, with the arguments of `command` only (the others' are read when they are asked for)."""
    parser = argparse.ArgumentParser(prog="python -m core", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            module = importlib.import_module(f"core.commands.{name}")
            module.add_arguments(command_parser)
            command_parser.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    args = build_parser(command).parse_args(argv)
    try:
        code = int(args.run(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except (UserError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """The reader of our output closed it (`... | head -1`): stop quietly, as a Unix tool does.

    stdout is pointed at /dev/null so the interpreter's final flush does not fail
    (and print a second complaint) on the closed pipe.
    """
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


if __name__ == "__main__":
    sys.exit(main())
