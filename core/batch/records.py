"""One record file per curve: what a batch has done, so `--resume` can skip it.

A record is `results/<name>-<path digest>.json` in the output folder:
`{"file", "key", "status", "error", "result"}`, where `result` is the curve's result
document (the JSON of `python -m core analyze --json`) or null when it failed, and `key`
is the digest of the file's bytes, the mission its name implies (a CSV named ktwo... is
K2), the settings and core's version. A curve is done when its record holds the key it
has now; a changed file or other settings make a new key, so it is analysed again.
Records are written atomically: a killed run leaves whole records or none.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from core import __version__ as core_version
from core.atomic import write_bytes_atomically
from core.config import AnalysisConfig
from core.io import mission_from_filename

RESULTS_FOLDER = "results"
KEY_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_TEMPORARY = ".*.tmp"  # core.atomic's temporary names


def curve_key(path: Path, config: AnalysisConfig) -> str:
    """What makes an analysis of `path` the same as an earlier one: its bytes, its name's mission, the settings."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(KEY_CHUNK), b""):
            digest.update(chunk)
    settings = {"mission": mission_from_filename(path.name), "config": config.to_dict(), "core": core_version}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()[:40]


def record_path(results: Path, file: str) -> Path:
    """The record of input `file` (as the batch names it): a readable stem plus a digest of the whole name."""
    stem = _UNSAFE.sub("_", Path(file).name)[:80].strip("._") or "curve"
    return results / f"{stem}-{hashlib.sha256(file.encode()).hexdigest()[:10]}.json"


def read_record(path: Path) -> dict[str, Any] | None:
    """The record at `path`, or None when there is none (or it is not a record)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and {"file", "key", "status"} <= set(record) else None


def write_record(path: Path, record: dict[str, Any]) -> None:
    write_bytes_atomically(path, json.dumps(record).encode("utf-8"))


def remove_temporaries(results: Path) -> int:
    """Delete the half-written temporaries a killed run left (never a finished record); how many."""
    removed = 0
    for leftover in results.glob(_TEMPORARY):
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed
