"""Per-session storage of light curves as .npz files, named by the content hash.

Layout: <upload_dir>/<session id>/<hash>.npz (the arrays and the meta as JSON text)
and <hash>.json (display name, when it was last opened). No pickle is written or
read (`allow_pickle=False`), and the client's file name is only ever a label inside
the JSON, never part of a path. "Most recent" is the curve opened last, so the
analysis page can preselect it.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.atomic import write_bytes_atomically
from core.io import mission_from_filename
from core.lightcurve import LightCurve
from dashapp.infra.session import is_valid_session_id

_HASH_PATTERN = re.compile(r"^[0-9a-f]{32}$")


def content_hash(data: bytes, filename: str | None = None) -> str:
    """Identity of an upload: the same bytes give the same curve, whoever sent them.

    A CSV's mission comes from an archive-style file name (ktwo..., kplr..., tess...) and
    decides whether K2's roll correction runs, so that mission is part of the identity.
    """
    digest = hashlib.sha256(data)
    mission = mission_from_filename(filename)
    if mission:
        digest.update(b"\0mission:" + mission.encode())
    return digest.hexdigest()[:32]


def is_valid_hash(value: object) -> bool:
    return isinstance(value, str) and bool(_HASH_PATTERN.match(value))


@dataclass(frozen=True)
class StoredCurve:
    """What the pages list about a stored curve without loading its arrays."""

    curve_hash: str
    name: str
    opened_ns: int
    summary: dict[str, Any]


def lightcurve_to_npz(lc: LightCurve) -> bytes:
    """The curve's arrays and meta; centroids too when present, so stored uploads keep K2 roll correction."""
    arrays = {
        "time": np.asarray(lc.time),
        "flux": np.asarray(lc.flux),
        "flux_err": np.asarray(lc.flux_err),
        "quality": np.asarray(lc.quality),
        "meta": np.array(json.dumps(lc.meta, default=_json_default)),
    }
    if lc.has_centroids:
        arrays.update(centroid_col=np.asarray(lc.centroid_col), centroid_row=np.asarray(lc.centroid_row))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def lightcurve_from_npz(data: bytes) -> LightCurve:
    """Inverse of lightcurve_to_npz; files stored before centroids were kept load without them."""
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        has_centroids = "centroid_col" in npz.files and "centroid_row" in npz.files
        return LightCurve(
            time=npz["time"].copy(),
            flux=npz["flux"].copy(),
            flux_err=npz["flux_err"].copy(),
            quality=npz["quality"].copy(),
            meta=json.loads(str(npz["meta"])),
            centroid_col=npz["centroid_col"].copy() if has_centroids else None,
            centroid_row=npz["centroid_row"].copy() if has_centroids else None,
        )


def summarize(lc: LightCurve) -> dict[str, Any]:
    """The facts a card shows: target, mission, points, time span, cadence, warnings."""
    meta = lc.meta
    return {
        "target": str(meta.get("target") or "unknown target"),
        "mission": str(meta.get("mission") or "unknown mission"),
        "n_points": len(lc),
        "time_span_days": _finite_or_none(meta.get("time_span_days")),
        "cadence_min": _finite_or_none(meta.get("cadence_min")),
        "time_system": meta.get("time_system"),
        "warnings": [str(w) for w in meta.get("warnings", [])],
    }


class CurveStore:
    """Light curves of each session on disk. Safe with several processes: one file per curve."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _dir(self, sid: str) -> Path:
        if not is_valid_session_id(sid):
            raise ValueError("invalid session id")
        return self.root / sid

    def has(self, sid: str, curve_hash: str) -> bool:
        return is_valid_hash(curve_hash) and (self._dir(sid) / f"{curve_hash}.npz").exists()

    def save(self, sid: str, curve_hash: str, lc: LightCurve, name: str) -> StoredCurve:
        """Store (or re-open) a curve and make it the session's most recent one."""
        if not is_valid_hash(curve_hash):
            raise ValueError("invalid curve hash")
        folder = self._dir(sid)
        folder.mkdir(parents=True, exist_ok=True)
        npz_path = folder / f"{curve_hash}.npz"
        if not npz_path.exists():
            write_bytes_atomically(npz_path, lightcurve_to_npz(lc))
        record = {"name": _label(name), "opened_ns": time.time_ns(), "summary": summarize(lc)}
        write_bytes_atomically(folder / f"{curve_hash}.json", json.dumps(record).encode())
        return StoredCurve(curve_hash, record["name"], record["opened_ns"], record["summary"])

    def touch(self, sid: str, curve_hash: str) -> StoredCurve | None:
        """Mark an already stored curve as the most recent one (re-upload, gallery re-open)."""
        entry = self.entry(sid, curve_hash)
        if entry is None:
            return None
        record = {"name": entry.name, "opened_ns": time.time_ns(), "summary": entry.summary}
        write_bytes_atomically(self._dir(sid) / f"{curve_hash}.json", json.dumps(record).encode())
        return StoredCurve(curve_hash, entry.name, record["opened_ns"], entry.summary)

    def load(self, sid: str, curve_hash: str) -> LightCurve | None:
        if not self.has(sid, curve_hash):
            return None
        return lightcurve_from_npz((self._dir(sid) / f"{curve_hash}.npz").read_bytes())

    def npz(self, sid: str, curve_hash: str) -> bytes | None:
        """The stored curve as .npz bytes (to send it to a batch worker elsewhere), or None."""
        if not self.has(sid, curve_hash):
            return None
        try:
            return (self._dir(sid) / f"{curve_hash}.npz").read_bytes()
        except FileNotFoundError:  # pruned meanwhile
            return None

    def entry(self, sid: str, curve_hash: str) -> StoredCurve | None:
        if not is_valid_hash(curve_hash):
            return None
        path = self._dir(sid) / f"{curve_hash}.json"
        try:
            record = json.loads(path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        return StoredCurve(curve_hash, record["name"], int(record["opened_ns"]), record["summary"])

    def list(self, sid: str) -> list[StoredCurve]:
        """The session's curves, most recently opened first."""
        folder = self._dir(sid)
        if not folder.exists():
            return []
        entries = [self.entry(sid, path.stem) for path in folder.glob("*.json")]
        return sorted((e for e in entries if e is not None), key=lambda e: e.opened_ns, reverse=True)

    def latest(self, sid: str) -> StoredCurve | None:
        entries = self.list(sid)
        return entries[0] if entries else None

    def prune(self, max_age_days: float) -> int:
        """Delete sessions untouched for `max_age_days` (uploads of a shared server are not kept forever)."""
        if not self.root.exists():
            return 0
        cutoff = time.time() - max_age_days * 86400
        removed = 0
        for folder in self.root.iterdir():
            if not (folder.is_dir() and is_valid_session_id(folder.name)):
                continue
            try:
                files = list(folder.iterdir())
                if all(f.stat().st_mtime < cutoff for f in files):
                    for f in files:
                        f.unlink(missing_ok=True)
                    folder.rmdir()
                    removed += 1
            except OSError:
                continue  # the visitor came back while we looked, or another worker pruned it first
        return removed


def _label(name: str) -> str:
    """A client file name reduced to a short printable label (display only)."""
    cleaned = "".join(ch for ch in str(name) if ch.isprintable()).strip()
    return (cleaned or "unnamed")[:120]


def _finite_or_none(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
