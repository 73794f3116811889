"""API keys: random, shown once, stored only as a hash, revocable.

A key reads `lcd_<key id>_<secret>`: the key id (64 random bits, not secret: it names the
key in `DELETE /api/keys/<key id>`) finds the key's file, `<keys dir>/<key id>.json`, which
holds the SHA-256 of the whole key and nothing from which the key could be rebuilt. The
secret is 256 random bits, so a fast hash is enough: a slow hash (bcrypt, scrypt) protects
passwords people choose, which can be guessed; nobody can enumerate 2**256 secrets, and a
fast hash keeps checking a key on every request cheap. Hashes are compared in constant time.

One file per key (written atomically) is safe with several workers and machines sharing
DATA_DIR, like the uploads and the models. A key unused for the retention period is removed.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from core.atomic import write_bytes_atomically

KEY_PREFIX = "lcd_"
KEY_PATTERN = re.compile(r"^lcd_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
KEY_ID_PATTERN = re.compile(r"^[0-9a-f]{16}$")
SECRET_BYTES = 32  # 256 bits; token_urlsafe(32) is 43 characters
USE_RECORDED_EVERY_S = 3600  # a key's last use (its file's mtime) is written at most once an hour


@dataclass(frozen=True)
class IssuedKey:
    """A new key: shown to its caller once, then only its hash is kept."""

    key: str
    key_id: str


class KeyStore:
    """The API keys of one dashboard, one small JSON file each under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def issue(self) -> IssuedKey:
        """A new random key; its hash is written before the key is returned."""
        self.root.mkdir(parents=True, exist_ok=True)
        while True:
            key_id = secrets.token_hex(8)
            if not self._path(key_id).exists():
                break
        key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(SECRET_BYTES)}"
        record = {"id": key_id, "sha256": _digest(key), "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        write_bytes_atomically(self._path(key_id), json.dumps(record).encode())
        return IssuedKey(key=key, key_id=key_id)

    def verify(self, key: str) -> str | None:
        """The key id when `key` is a key of this store that is not revoked, else None."""
        match = KEY_PATTERN.fullmatch(key)
        if match is None:
            return None
        key_id = match.group(1)
        path = self._path(key_id)
        try:
            record = json.loads(path.read_bytes())
            stored = record["sha256"]
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return None  # unknown, revoked, or a damaged record
        if not isinstance(stored, str) or not hmac.compare_digest(_digest(key), stored):
            return None
        self._record_use(path)
        return key_id

    def revoke(self, key_id: str) -> bool:
        """Forget a key; False when there is no such key (already revoked, or never made)."""
        if not KEY_ID_PATTERN.fullmatch(key_id):
            return False
        try:
            self._path(key_id).unlink()
        except FileNotFoundError:
            return False
        return True

    def prune(self, max_age_days: float) -> int:
        """Remove keys unused for `max_age_days` (the retention of uploads); returns how many."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - max_age_days * 86400
        removed = 0
        for path in self.root.glob("*.json"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue  # another worker pruned it first
        return removed

    def _path(self, key_id: str) -> Path:
        return self.root / f"{key_id}.json"

    @staticmethod
    def _record_use(path: Path) -> None:
        """Move the file's mtime (the key's last use, which retention reads) forward, at most hourly."""
        try:
            if time.time() - path.stat().st_mtime > USE_RECORDED_EVERY_S:
                os.utime(path)
        except OSError:
            pass  # revoked this instant, or a read-only disk: the key was valid, only its use goes unrecorded


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()
