"""Load a light curve from a path, bytes or a binary file object.

The format is decided from the content (FITS, gzip, text), never from the
file name; every problem with the input becomes a LightCurveFormatError
whose message tells a person what is wrong.
"""
from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, Union

import numpy as np

from core.errors import LightCurveFormatError
from core.io.sniff import GZIP_MAGIC, detect_format, gunzip_capped
from core.io.text import read_text
from core.lightcurve import LightCurve

__all__ = ["load_lightcurve", "detect_format", "mission_from_filename"]

Source = Union[str, os.PathLike, bytes, bytearray, memoryview, BinaryIO]
_HEAD_BYTES = 65536
# Archive file names say the mission when a CSV export does not (K2's roll correction needs to
# know): ktwo/kplr/tess products and the K2 high-level products (K2SFF, EVEREST, K2SC).
_MISSION_NAMES = (
    (re.compile(r"^(ktwo\d|hlsp_(k2sff|everest|k2sc|k2vardb)_)", re.IGNORECASE), "K2"),
    (re.compile(r"^kplr\d", re.IGNORECASE), "Kepler"),
    (re.compile(r"^(tess\d|hlsp_[a-z0-9-]+_tess_)", re.IGNORECASE), "TESS"),
)
# Transit and rotation searches cost time and memory in proportion to the time span, not the
# number of points; 5000 days (13.7 years) holds Kepler's 4 years and TESS's multi-year curves.
MAX_SPAN_DAYS = 5000.0


def load_lightcurve(
    source: Source,
    filename: str | None = None,
    *,
    flux_column: str | None = None,
    max_points: int = 2_000_000,
    min_points: int = 20,
    max_bytes: int = 200 * 1024 * 1024,
) -> LightCurve:
    """Read a FITS or text light curve; raise LightCurveFormatError for anything unusable.

    `filename` only labels messages and meta (a text table's mission comes from an archive
    file name such as ktwo..., kplr..., tess..., with meta mission_source "file name").
    `flux_column` is None (PDCSAP_FLUX,
    else SAP_FLUX, else a generic flux column), "pdcsap", "sap" or a column name.

    meta always has: format ("fits"|"text"), compression, filename, mission, mission_source, target,
    time_system, time_offset, flux_column, other_flux_columns, flux_err_column,
    quality_column, quality_bitmask, n_quality_flagged, centroid_columns (the column pair read
    into centroid_col/centroid_row, or None), columns, warnings (list of sentences), plus
    from_arrays' row counts and cadence. FITS adds sector/quarter/campaign when present and
    fits_extension; text adds delimiter and columns_inferred.
    """
    _validate_limits(max_points, min_points, max_bytes)
    if flux_column is not None and (not isinstance(flux_column, str) or not flux_column.strip()):
        raise ValueError(f"flux_column must be None or a column name, not {flux_column!r}")
    data, filename = _read_source(source, filename, max_bytes)
    if not data:
        raise LightCurveFormatError("the file is empty (0 bytes)")

    compression = None
    if data.startswith(GZIP_MAGIC):
        data = gunzip_capped(data, max_bytes)
        compression = "gzip"
        if not data:
            raise LightCurveFormatError("the gzip file decompresses to nothing (0 bytes)")
        if data.startswith(GZIP_MAGIC):
            raise LightCurveFormatError("this file is gzip-compressed twice; decompress it once and upload that")

    fmt = detect_format(data[:_HEAD_BYTES])
    if fmt == "fits":
        from core.io.fits import read_fits as reader  # astropy: imported only for a FITS file
    else:
        reader = read_text
    lc = reader(data, flux_column=flux_column, max_points=max_points)
    if len(lc) < min_points:
        raise LightCurveFormatError(
            f"only {len(lc)} usable point(s) (finite time and flux) out of {lc.meta['n_input_rows']} rows; "
            f"at least {min_points} are needed to look for events"
        )
    start, end = float(np.min(lc.time)), float(np.max(lc.time))
    if end - start > MAX_SPAN_DAYS:
        raise LightCurveFormatError(
            f"the times run from {start:.10g} to {end:.10g}, a span of {end - start:.4g} days; curves longer than "
            f"{MAX_SPAN_DAYS:.0f} days are not supported: is one time value wrong, or are the times not in days?"
        )
    meta: dict[str, Any] = {
        **lc.meta,
        "format": fmt,
        "compression": compression,
        "filename": filename,
        "n_quality_flagged": int((~lc.good_mask()).sum()),
    }
    if meta.get("mission") is not None:
        meta["mission_source"] = "file header"
    else:
        meta["mission"] = mission_from_filename(filename)
        meta["mission_source"] = "file name" if meta["mission"] else None
    return replace(lc, meta=meta)


def mission_from_filename(filename: str | None) -> str | None:
    """"K2", "Kepler" or "TESS" when `filename` is named like that mission's archive products."""
    name = os.path.basename(filename or "")
    return next((mission for pattern, mission in _MISSION_NAMES if pattern.match(name)), None)


def _validate_limits(max_points: int, min_points: int, max_bytes: int) -> None:
    for name, value in (("max_points", max_points), ("min_points", min_points), ("max_bytes", max_bytes)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
    if min_points > max_points:
        raise ValueError(f"min_points ({min_points}) must not exceed max_points ({max_points})")


def _read_source(source: Source, filename: str | None, max_bytes: int) -> tuple[bytes, str | None]:
    """The raw bytes (at most max_bytes, else an error) and a name for messages."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        filename = filename or path.name
        data = _read_path(path, max_bytes)
    elif hasattr(source, "read"):
        filename = filename or _name_of(source)
        data = source.read(max_bytes + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"source.read() returned {type(data).__name__}, expected bytes")
        data = bytes(data)
    else:
        raise TypeError(f"source must be a path, bytes or a binary file object, not {type(source).__name__}")
    if len(data) > max_bytes:
        raise LightCurveFormatError(
            f"the file is larger than the limit of {max_bytes:,} bytes; upload a smaller light curve"
        )
    return data, filename


def _read_path(path: Path, max_bytes: int) -> bytes:
    try:
        if not path.exists():
            raise LightCurveFormatError(f"no such file: {path}")
        if not path.is_file():
            raise LightCurveFormatError(f"not a regular file: {path}")
        if path.stat().st_size > max_bytes:
            raise LightCurveFormatError(
                f"{path.name} is {path.stat().st_size:,} bytes, larger than the limit of {max_bytes:,}"
            )
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as exc:
        raise LightCurveFormatError(f"can't read {path}: {exc.strerror or exc}") from None


def _name_of(handle: Any) -> str | None:
    name = getattr(handle, "name", None)
    return os.path.basename(name) if isinstance(name, str) else None
