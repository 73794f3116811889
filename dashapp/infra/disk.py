"""Is the server's disk usable? Start-up checks, a health probe, and plain words for a full disk.

A full or read-only disk is the administrator's problem, not the visitor's: start-up stops
with the directory and the variable that moves it, and a write that fails at run time is
reported as "storage full or not writable, try later" instead of an internal error.
"""
from __future__ import annotations

import errno
import secrets
from pathlib import Path

from dashapp.settings import Settings

STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})
STORAGE_MESSAGE = ("the server's storage is full or not writable, so nothing was saved; "
                   "try again later, or tell the server's administrator")


class StorageError(RuntimeError):
    """A directory the dashboard must write to cannot be written (raised at start-up)."""


def is_storage_error(exc: BaseException) -> bool:
    """True for the OSErrors a full, read-only or forbidden disk raises (not e.g. a missing file)."""
    return isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS


def writable_dirs(settings: Settings) -> dict[str, Path]:
    """The directories the app writes to, by the environment variable that moves each one."""
    return {"CACHE_DIR": settings.cache_dir, "UPLOAD_DIR": settings.upload_dir, "MODELS_DIR": settings.models_dir,
            "KEYS_DIR": settings.keys_dir}


def probe(path: Path) -> str | None:
    """None if a small file can be created and removed in `path`, else why not."""
    target = path / f".write-probe-{secrets.token_hex(6)}"
    try:
        with open(target, "xb") as handle:
            handle.write(b"ok")
        target.unlink()
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def unwritable(settings: Settings) -> list[str]:
    """One line per data directory that cannot be written now, naming the variable that moves it."""
    problems = []
    for name, path in writable_dirs(settings).items():
        reason = probe(path)
        if reason:
            problems.append(f"{path} is not writable ({reason}); free space there or set {name} (or DATA_DIR)")
    return problems


def require_writable(settings: Settings) -> None:
    """Create the data directories; stop start-up with a clear message if one cannot be written."""
    try:
        settings.ensure_dirs()
    except OSError as exc:
        raise StorageError(f"the dashboard cannot start: {exc.filename} cannot be created ({exc.strerror}); "
                           "set DATA_DIR (or CACHE_DIR, UPLOAD_DIR, SAMPLES_DIR, MODELS_DIR, KEYS_DIR) to a writable "
                           "directory") from None
    problems = unwritable(settings)
    if problems:
        raise StorageError("the dashboard cannot start: " + "; ".join(problems))
