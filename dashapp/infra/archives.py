"""Light curves out of a zip, read in memory under limits: no zip bomb, no path from the archive on disk.

Member names are only labels: `safe_label` drops '..', '.', empty and absolute parts, and
nothing is ever written under them. The whole archive is refused (TooLargeError, a 413)
when it holds more files than a batch takes, or when its members would expand beyond
`max_total_bytes`: judged first from the sizes the archive declares, and again from the
bytes actually read, since declarations can lie. A member that cannot be used (encrypted,
damaged, too big, a zip inside the zip) is not a reason to refuse the others: it comes
back with the reason, to be reported as that file's row.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from core.errors import UserError

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members, an empty zip
MAX_LABEL_CHARS = 200
MIB = 1024 * 1024


class TooLargeError(UserError):
    """A request that carries more than the server takes at once (answered 413)."""


@dataclass(frozen=True)
class ArchiveMember:
    """One file of the zip: its bytes, or why it cannot be used."""

    label: str
    data: bytes | None
    error: str | None = None


def is_zip(data: bytes) -> bool:
    return data.startswith(ZIP_MAGICS)


def safe_label(name: str | None) -> str:
    """A client's path reduced to a printable label with no '..', '.' or leading '/' (display only)."""
    parts = [part for part in str(name or "").replace("\\", "/").split("/") if part not in ("", ".", "..")]
    label = "".join(ch for ch in "/".join(parts) if ch.isprintable()).strip()
    return label[-MAX_LABEL_CHARS:] or "unnamed"


def read_zip(data: bytes, *, max_files: int, max_member_bytes: int, max_total_bytes: int) -> list[ArchiveMember]:
    """The zip's files in archive order (folders, macOS resource forks and hidden files skipped)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UserError(f"the zip file cannot be read ({exc}); make it again, or send the light curves as files") from None
    with archive:
        infos = [info for info in archive.infolist() if _is_curve_member(info)]
        if len(infos) > max_files:
            raise TooLargeError(f"the zip holds {len(infos):,} files, more than the {max_files:,} a batch takes; "
                                "split it into several batches")
        declared = sum(info.file_size for info in infos)
        if declared > max_total_bytes:
            raise TooLargeError(_expands_message(declared, max_total_bytes))
        members, total = [], 0
        for info in infos:
            member = _read_member(archive, info, max_member_bytes)
            total += len(member.data or b"")
            if total > max_total_bytes:  # the declared sizes lied
                raise TooLargeError(_expands_message(total, max_total_bytes))
            members.append(member)
    return members


def _is_curve_member(info: zipfile.ZipInfo) -> bool:
    name = info.filename.replace("\\", "/")
    return not (info.is_dir() or name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("."))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int) -> ArchiveMember:
    label = safe_label(info.filename)
    if info.flag_bits & 0x1:
        return ArchiveMember(label, None, "this file is encrypted in the zip; zip it without a password")
    if info.file_size > max_bytes:
        return ArchiveMember(label, None, f"{info.file_size / MIB:.1f} MB unzipped, more than the limit of "
                                          f"{max_bytes / MIB:g} MB per file")
    try:
        with archive.open(info) as handle:
            data = handle.read(max_bytes + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        return ArchiveMember(label, None, f"this file is damaged in the zip or packed in a way we cannot read ({exc})")
    if len(data) > max_bytes:
        return ArchiveMember(label, None, f"more than the limit of {max_bytes / MIB:g} MB per file unzipped")
    if is_zip(data):
        return ArchiveMember(label, None, "a zip inside the zip is not opened; put its files in the outer zip")
    return ArchiveMember(label, data)


def _expands_message(size: int, limit: int) -> str:
    return (f"the zip would expand to {size / MIB:,.1f} MB, more than the limit of {limit / MIB:g} MB for one batch "
            "(is it a zip bomb?); send fewer curves at once")
