"""Which files a batch analyses: paths, folders (searched recursively) and glob patterns.

A file named on the command line is taken whatever its name (the format is read from its
bytes); in folders and glob matches only names that look like light curves are taken, so
a folder's README or a notebook beside the curves is not reported as a failed curve.
"""
from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Sequence

from core.errors import UserError

CURVE_SUFFIXES = (".fits", ".fit", ".fts", ".csv", ".tsv", ".txt", ".dat", ".tbl")
COMPRESSED_SUFFIX = ".gz"


def looks_like_curve(path: Path) -> bool:
    """A light-curve file name: one of CURVE_SUFFIXES, optionally gzipped; hidden files never."""
    name = path.name.lower()
    if name.startswith("."):
        return False
    if name.endswith(COMPRESSED_SUFFIX):
        name = name[: -len(COMPRESSED_SUFFIX)]
    return name.endswith(CURVE_SUFFIXES)


def find_curves(patterns: Sequence[str]) -> list[Path]:
    """The files `patterns` name, each once, in the order given (a folder's and a glob's files sorted).

    UserError names every pattern that matched no light-curve file.
    """
    found: dict[Path, Path] = {}
    unmatched = []
    for pattern in patterns:
        paths = _expand(pattern)
        if not paths:
            unmatched.append(pattern)
        for path in paths:
            found.setdefault(path.resolve(), path)
    if unmatched:
        raise UserError("no light-curve file found at " + ", ".join(repr(p) for p in unmatched)
                        + f" (folders are searched for {', '.join(CURVE_SUFFIXES)} files, also gzipped)")
    return list(found.values())


def _expand(pattern: str) -> list[Path]:
    path = Path(pattern)
    if path.is_file():
        return [path]
    if path.is_dir():
        return _curves_in(path)
    matches = [Path(match) for match in sorted(glob.glob(pattern, recursive=True))]
    files = []
    for match in matches:
        if match.is_dir():
            files += _curves_in(match)
        elif match.is_file() and looks_like_curve(match):
            files.append(match)
    return files


def _curves_in(folder: Path) -> list[Path]:
    """Light-curve files under `folder`, hidden folders skipped: each folder's files by name, then its subfolders."""
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files += [Path(root) / name for name in sorted(names) if looks_like_curve(Path(name))]
    return files
