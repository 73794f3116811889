"""The `--markdown PATH` file of `evaluate` and `bench`: their tables under a header saying how they were made.

docs/evaluation.md and docs/speed.md are written by these commands (`make docs`) so
that the numbers there never drift from the code. A measurement means little without
its circumstances, so the header records the command, the date, the machine, the
seeds and the elapsed time.
"""
from __future__ import annotations

import os
import platform
import shlex
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from core.errors import ConfigError


def machine() -> dict[str, Any]:
    """What the numbers were measured on: cores usable by this process, CPU model, Python and libraries."""
    import astropy
    import sklearn

    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), model)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"nproc": usable, "cpu": model, "python": platform.python_version(), "numpy": np.__version__,
            "scikit-learn": sklearn.__version__, "astropy": astropy.__version__, "platform": platform.platform()}


def describe_machine(m: dict[str, Any]) -> str:
    """One line for a reader, e.g. '2 cores, AMD EPYC 7B13; Python 3.11.7, numpy 2.4.6, ...'."""
    return (f"{m['nproc']} cores, {m['cpu']}; Python {m['python']}, numpy {m['numpy']}, "
            f"scikit-learn {m['scikit-learn']}, astropy {m['astropy']}")


def check_writable(path: Path, option: str = "--markdown") -> None:
    """Refuse a path given to `option` that cannot be written before a run of minutes rather than after it."""
    if path.is_dir():
        raise ConfigError(f"{option} {path} is a folder; give the name of a file to write")
    folder = path.parent
    if not folder.is_dir():
        raise ConfigError(f"{option} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ConfigError(f"{option} {path}: no permission to write there")


def write_markdown(path: Path, *, title: str, about: str, command: Sequence[str], seeds: Sequence[int],
                   elapsed_s: float, machine_info: dict[str, Any], body: str) -> None:
    """Write `body` (the command's markdown tables) to `path` under a title and a generated header.

    `command` is the argument list after `python -m core`, so the header shows the
    exact line that regenerates the file.
    """
    header = [
        f"# {title}",
        "",
        f"{about} Written by `python -m core {shlex.join(command)}`: run it again to update this file "
        "rather than editing it.",
        "",
        f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {describe_machine(machine_info)}",
        f"- Seeds: {' '.join(str(seed) for seed in seeds)}",
        f"- Elapsed: {elapsed_s:.0f} s",
        "",
    ]
    path.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
