"""Files written so that a reader never sees half of one: a temporary name beside the target, then a rename.

Model files, sample curves and their truth files are read by other processes (the
dashboard's workers, a second `samples` run) while they may be being written.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Callable


def write_atomically(path: str | os.PathLike, write: Callable[[str], Any]) -> Path:
    """Run `write(temporary_path)` in the target folder, flush it to disk, then rename it over `path`.

    On any failure the temporary file is removed and `path` is left as it was.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomically(path: str | os.PathLike, data: bytes) -> Path:
    """`data` written to `path` atomically (see `write_atomically`)."""
    return write_atomically(path, lambda tmp: Path(tmp).write_bytes(data))


def fsync_directory(path: str | os.PathLike) -> None:
    """Flush a folder's entries, so a rename into it survives a crash (POSIX)."""
    _fsync(path)


def _fsync(path: str | os.PathLike) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
