"""Decide what a byte string is from its content, never from a file name.

Users upload PNG plots, zipped folders and PDFs by mistake; telling them what
the file looks like is more useful than a parser's traceback.
"""
from __future__ import annotations

import re
import zlib

from core.errors import LightCurveFormatError

GZIP_MAGIC = b"\x1f\x8b"
_FITS_MAGIC = re.compile(rb"SIMPLE\s*=")

# (prefix, what a person would call it). Checked in order; first match wins.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Excel/Word file, which are ZIP archives)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Microsoft Office file (e.g. .xls)"),
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file"),
    (b"\x93NUMPY", "a NumPy .npy file"),
        (b"SQLite format 3\x00", "an SQLite database"),
    (b"BZh91AY&SY", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ\x90\x00", "a Windows program"),
)
_PICKLE = re.compile(rb"\x80[\x02-\x05]")


def describe_binary(head: bytes) -> str | None:
    """What a binary file looks like ("a PNG image"), or None if we don't recognise it."""
    for prefix, name in _BINARY_SIGNATURES:
        if head.startswith(prefix):
            return name
    if _PICKLE.match(head):
        return "a Python pickle (which we never load)"
    return None


def detect_format(head: bytes) -> str:
    """Return "fits" or "text" for the first bytes of a file, or raise LightCurveFormatError.

    Gzip data must be unwrapped first (see `gunzip_capped`); anything else
    that is neither FITS nor decodable text is refused with a description.
    """
    if _FITS_MAGIC.match(head):
        return "fits"
    if head.startswith(GZIP_MAGIC):
        raise LightCurveFormatError("this is gzip-compressed data; it must be decompressed before reading")
    kind = describe_binary(head)
    if kind is not None:
        raise LightCurveFormatError(
            f"this looks like {kind}, not a light curve; upload a FITS light-curve file or a CSV/text table"
        )
    try:
        decode_text(head, partial=True)
    except LightCurveFormatError:
        raise LightCurveFormatError(
            "this is binary data in no format we recognise, not a light curve; "
            "upload a FITS light-curve file or a CSV/text table"
        ) from None
    return "text"


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data, refusing to produce more than `max_bytes`.

    The cap is enforced while inflating, so a small "gzip bomb" can't
    exhaust memory before we notice. Multi-member files are joined.
    """
    out: list[bytes] = []
    total = 0
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            chunk = inflater.decompress(rest, max_bytes + 1 - total)
            total += len(chunk)
            out.append(chunk)
            if total > max_bytes:
                raise LightCurveFormatError(
                    f"this gzip file expands to more than {max_bytes:,} bytes, the upload limit; "
                    "upload a smaller light curve"
                )
            if not inflater.eof:
                raise LightCurveFormatError("this gzip file is truncated (the compressed data ends early)")
            rest = inflater.unused_data.lstrip(b"\x00")  # some tools pad members with zeros
    except zlib.error as exc:
        raise LightCurveFormatError(f"this gzip file is corrupt and can't be decompressed ({exc})") from None
    return b"".join(out)


_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_FRACTION = 0.01


def decode_text(data: bytes, partial: bool = False) -> str:
    """Decode bytes that should be a text table, or raise LightCurveFormatError.

    UTF-32/UTF-16 need a byte-order mark (or, for UTF-16, the tell-tale zero
    every other byte); a UTF-8 BOM is stripped; otherwise UTF-8, falling back to
    latin-1. Text with more than a sprinkling of control bytes is binary.
    `partial` allows a multi-byte character cut off at the end of `data`.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    encoding = _guess_encoding(data)
    # A head cut mid-character must not count against the file.
    errors = "replace" if partial and encoding != "utf-8" else "strict"
    try:
        text = data.decode(encoding, errors=errors)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise LightCurveFormatError(f"this file is not valid {encoding.upper()} text") from None
        if partial and exc.start >= len(data) - 3:
            text = data[: exc.start].decode("utf-8")
        else:
            text = data.decode("latin-1")
    text = text.lstrip("\ufeff")  # UTF-16/32 decoders may leave the BOM in place
    sample = text[:65536]
    if sample and len(_TEXT_CONTROL.findall(sample)) > _MAX_CONTROL_FRACTION * len(sample):
        raise LightCurveFormatError("this file holds binary data, not text")
    return text


def _guess_encoding(data: bytes) -> str:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 4 and head.count(0) * 2 >= len(head) - 1:
        if head[1::2].count(0) == len(head[1::2]):
            return "utf-16-le"
        if head[0::2].count(0) == len(head[0::2]):
            return "utf-16-be"
    return "utf-8"
