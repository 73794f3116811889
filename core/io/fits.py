"""Read Kepler, K2, TESS and generic FITS light-curve tables.

Sizes are checked from the headers before any table data is touched, so a
forged NAXIS2 can't make us allocate gigabytes, and every astropy failure on
a damaged file becomes a LightCurveFormatError a person can act on.
"""
from __future__ import annotations

import io
import warnings
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np
from astropy.io import fits
from astropy.io.fits.verify import VerifyError

from core.errors import LightCurveFormatError
from core.io.quality import default_bitmask
from core.lightcurve import LightCurve, from_arrays

MAX_HDUS = 64
MAX_COLUMNS = 1000

_TABLE_TYPES = (fits.BinTableHDU, fits.TableHDU)
_IMAGE_TYPES = (fits.PrimaryHDU, fits.ImageHDU, fits.CompImageHDU)
# What astropy and numpy raise on damaged files (besides our own errors).
_READ_ERRORS = (OSError, ValueError, TypeError, KeyError, IndexError, EOFError, OverflowError, VerifyError,
                AssertionError)  # astropy asserts on some bad cards, e.g. a number as TTYPEn
_FLUX_CHOICES = {"pdcsap": ("PDCSAP_FLUX",), "sap": ("SAP_FLUX",)}
_DEFAULT_FLUX_ORDER = ("PDCSAP_FLUX", "SAP_FLUX", "FLUX")
_QUALITY_COLUMNS = ("QUALITY", "SAP_QUALITY")
# Pixel centroid (column, row) pairs, flux-weighted moments first (what K2 roll correction uses).
_CENTROID_COLUMNS = (("MOM_CENTR1", "MOM_CENTR2"), ("PSF_CENTR1", "PSF_CENTR2"))
_TIME_SYSTEMS = {("Kepler", 2454833): "BKJD", ("K2", 2454833): "BKJD", ("TESS", 2457000): "BTJD"}
_CATALOGUE = {"Kepler": "KIC", "K2": "EPIC", "TESS": "TIC"}


@contextmanager
def _as_format_errors(doing: str) -> Iterator[None]:
    """Turn astropy/numpy exceptions raised while `doing` into LightCurveFormatError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except LightCurveFormatError:
        raise
    except _READ_ERRORS as exc:
        if isinstance(exc, KeyError):
            detail = f"missing or unreadable keyword {exc.args[0] if exc.args else ''}"
        else:
            detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise LightCurveFormatError(
            f"this FITS file is truncated or corrupt: {doing} failed ({detail}); "
            "download it again or export the light curve as CSV"
        ) from None


def read_fits(data: bytes, *, flux_column: str | None = None, max_points: int = 2_000_000) -> LightCurve:
    """Parse FITS bytes into a LightCurve (rows with finite time and flux only)."""
    with _as_format_errors("reading the headers"):
        hdul = fits.open(io.BytesIO(data), memmap=False, lazy_load_hdus=True)
        hdus = _list_hdus(hdul)
        table = _find_table(hdus, len(data))
        _check_sizes(table, len(data), max_points)
        # A column without TTYPE has no name; it cannot be TIME or a flux column.
        names = {str(name).upper(): name for name in table.columns.names if name is not None}
    primary = hdus[0].header
    header = table.header
    mission = _mission(primary, header)
    warn: list[str] = []

    if "TIME" not in names:
        raise LightCurveFormatError(
            f"this FITS table has no TIME column (columns: {_listing(names.values())}); "
            "it doesn't look like a light curve"
        )
    with _as_format_errors("reading the light-curve table"):
        rows = table.data
        time = _column(rows, names["TIME"])
        if not np.any(np.isfinite(time)):
            raise LightCurveFormatError("the TIME column of this FITS file has no finite values")
        flux_name, flux = _choose_flux(rows, names, time, flux_column, warn)
        other_flux = [names[c] for c in _DEFAULT_FLUX_ORDER if c in names and c != flux_name]
        err_name = names.get(flux_name + "_ERR")
        flux_err = _column(rows, err_name) if err_name else None
        quality_name = next((names[q] for q in _QUALITY_COLUMNS if q in names), None)
        quality = _quality(rows, quality_name) if quality_name else None
        centroid_names, centroid_col, centroid_row = _centroids(rows, names)

    meta: dict[str, Any] = {
        "mission": mission,
        "target": _target(primary, header, mission),
        **_campaign_keys(primary, header),
        **_star(primary),
        **_time_system(primary, header, mission),
        "flux_column": names[flux_name],
        "other_flux_columns": other_flux,
        "flux_err_column": err_name,
        "quality_column": quality_name,
        "quality_bitmask": default_bitmask(mission),
        "centroid_columns": centroid_names,
        "fits_extension": table.name or "",
        "columns": list(names.values()),
        "warnings": warn,
    }
    return from_arrays(time, flux, flux_err, quality, meta, centroid_col=centroid_col, centroid_row=centroid_row)


def _list_hdus(hdul: fits.HDUList) -> list[Any]:
    hdus = []
    for index in range(MAX_HDUS + 1):
        try:
            hdus.append(hdul[index])
        except IndexError:
            break
    if len(hdus) > MAX_HDUS:
        raise LightCurveFormatError(
            f"this FITS file has more than {MAX_HDUS} extensions; a light curve has a handful"
        )
    if not hdus:
        raise LightCurveFormatError("this FITS file has no readable header")
    return hdus


def _find_table(hdus: list[Any], file_size: int) -> Any:
    """The LIGHTCURVE extension, else the first table; explain what's there instead."""
    tables = [hdu for hdu in hdus if isinstance(hdu, _TABLE_TYPES)]
    for hdu in tables:
        if (hdu.name or "").upper() == "LIGHTCURVE":
            return hdu
    if tables:
        return tables[0]
    if any(isinstance(hdu, _IMAGE_TYPES) and _int_kw(hdu.header, "NAXIS") > 0 for hdu in hdus):
        raise LightCurveFormatError(
            "this FITS file holds an image (e.g. a target pixel file or full-frame image), "
            "not a light-curve table; upload the mission's light-curve (LC) file instead"
        )
    damaged = any(not isinstance(hdu, _TABLE_TYPES + _IMAGE_TYPES) for hdu in hdus)
    last = hdus[-1].fileinfo() if not damaged else {}
    if damaged or last["datLoc"] + last["datSpan"] < file_size:
        # astropy stops quietly (or returns a placeholder HDU) at a header it can't parse.
        raise LightCurveFormatError(
            f"this FITS file is truncated or corrupt after its first {len(hdus)} header(s); download it again"
        )
    raise LightCurveFormatError("this FITS file holds no table and no image: there is no light curve in it")


def _check_sizes(table: Any, file_size: int, max_points: int) -> None:
    header = table.header
    n_rows = _int_kw(header, "NAXIS2")
    row_bytes = _int_kw(header, "NAXIS1")
    n_columns = _int_kw(header, "TFIELDS")
    if n_columns > MAX_COLUMNS:
        raise LightCurveFormatError(f"this FITS table has {n_columns} columns, more than the limit of {MAX_COLUMNS}")
    if n_rows > max_points:
        raise LightCurveFormatError(
            f"this FITS table has {n_rows:,} rows, more than the limit of {max_points:,} points; "
            "split the light curve or bin it"
        )
    needed = table.fileinfo()["datLoc"] + row_bytes * n_rows + _int_kw(header, "PCOUNT")
    if needed > file_size:
        raise LightCurveFormatError(
            f"this FITS file is truncated: its light-curve table needs {needed:,} bytes "
            f"but the file has only {file_size:,}; download it again"
        )


def _column(rows: Any, name: str) -> np.ndarray:
    """One numeric column as native-endian float64 (FITS stores big-endian)."""
    values = np.asarray(rows.field(name))
    if values.ndim != 1:
        raise LightCurveFormatError(f"FITS column {name} holds several values per row; expected one number per row")
    if values.dtype.kind not in "biuf":
        raise LightCurveFormatError(f"FITS column {name} is not numeric (type {values.dtype})")
    return values.astype(np.float64)


def _quality(rows: Any, name: str) -> np.ndarray:
    values = _column(rows, name)
    return np.where(np.isfinite(values), values, 0).astype(np.int64)


def _centroids(rows: Any, names: dict[str, str]) -> tuple[list[str] | None, np.ndarray | None, np.ndarray | None]:
    """Column names, column and row centroids of the first pair present; all None if absent or all NaN."""
    pair = next((p for p in _CENTROID_COLUMNS if p[0] in names and p[1] in names), None)
    if pair is None:
        return None, None, None
    col, row = _column(rows, names[pair[0]]), _column(rows, names[pair[1]])
    if not (np.any(np.isfinite(col)) and np.any(np.isfinite(row))):
        return None, None, None
    return [names[pair[0]], names[pair[1]]], col, row


def _choose_flux(
    rows: Any, names: dict[str, str], time: np.ndarray, requested: str | None, warn: list[str]
) -> tuple[str, np.ndarray]:
    """Pick the flux column: PDCSAP, then SAP, then FLUX, skipping all-NaN ones out loud."""
    if requested is None:
        candidates = [c for c in _DEFAULT_FLUX_ORDER if c in names]
    else:
        candidates = list(_FLUX_CHOICES.get(requested.lower(), (requested.upper(),)))
    missing = [c for c in candidates if c not in names]
    if not candidates or missing:
        wanted = ", ".join(missing) if missing else "PDCSAP_FLUX, SAP_FLUX or FLUX"
        raise LightCurveFormatError(
            f"this FITS table has no {wanted} column (columns: {_listing(names.values())}); "
            "choose the flux column explicitly"
        )
    for position, upper in enumerate(candidates):
        flux = _column(rows, names[upper])
        if np.any(np.isfinite(flux) & np.isfinite(time)):
            skipped = candidates[:position]
            if skipped:
                warn.append(f"{', '.join(skipped)} is all NaN; used {upper} instead")
            return upper, flux
    raise LightCurveFormatError(
        f"{' and '.join(candidates)} {'are' if len(candidates) > 1 else 'is'} all NaN in this FITS file "
        "(no usable flux); try another file or another flux column"
    )


def _mission(primary: fits.Header, header: fits.Header) -> str | None:
    telescope = f"{_str_kw(primary, 'TELESCOP') or _str_kw(header, 'TELESCOP') or ''}".upper()
    mission = f"{_str_kw(primary, 'MISSION') or _str_kw(header, 'MISSION') or ''}".upper()
    if mission == "K2" or (telescope == "KEPLER" and _keyword(primary, "CAMPAIGN") is not None):
        return "K2"
    if "KEPLER" in (telescope, mission):
        return "Kepler"
    if "TESS" in (telescope, mission):
        return "TESS"
    return None


def _target(primary: fits.Header, header: fits.Header, mission: str | None) -> str | None:
    name = _str_kw(primary, "OBJECT") or _str_kw(header, "OBJECT")
    catalogue = _CATALOGUE.get(mission or "")
    if name:
        return f"{catalogue} {name}" if name.isdigit() and catalogue else name
    for keyword, label in (("KEPLERID", "EPIC" if mission == "K2" else "KIC"), ("TICID", "TIC")):
        number = _int_kw(primary, keyword) or _int_kw(header, keyword)
        if number:
            return f"{label} {number}"
    return None


def _campaign_keys(primary: fits.Header, header: fits.Header) -> dict[str, int]:
    found = {}
    for keyword in ("SECTOR", "QUARTER", "CAMPAIGN"):
        value = _int_kw(primary, keyword, None)
        if value is None:
            value = _int_kw(header, keyword, None)
        if value is not None:
            found[keyword.lower()] = value
    return found


def _star(primary: fits.Header) -> dict[str, float]:
    """The star's effective temperature (K), radius (R_sun) and log g (cgs) where the header gives plausible ones.

    They turn a flare's equivalent duration into an energy and a transit's duration
    into a check against the expected one.
    """
    found = {}
    for keyword, name, low, high in (("TEFF", "teff", 1500.0, 60000.0), ("RADIUS", "radius", 0.05, 500.0),
                                     ("LOGG", "logg", 0.0, 9.0)):
        value = _float_kw(primary, keyword)
        if value is not None and low <= value <= high:
            found[name] = value
    return found


def _time_system(primary: fits.Header, header: fits.Header, mission: str | None) -> dict[str, Any]:
    """BKJD/BTJD when the reference date says so, else whatever TIMESYS claims."""
    ref_int = _float_kw(header, "BJDREFI")
    if ref_int is None:
        ref_int = _float_kw(primary, "BJDREFI")
    ref_frac = _float_kw(header, "BJDREFF") or _float_kw(primary, "BJDREFF") or 0.0
    offset = None if ref_int is None else ref_int + ref_frac
    system = _TIME_SYSTEMS.get((mission, int(ref_int))) if ref_int is not None else None
    if system is None:
        system = _str_kw(header, "TIMESYS") or _str_kw(primary, "TIMESYS") or "unknown"
    return {"time_system": system, "time_offset": offset}


def _keyword(header: fits.Header, keyword: str) -> Any:
    """A header value, or None when absent or unparsable (metadata must never sink a load)."""
    try:
        return header.get(keyword)
    except _READ_ERRORS:
        return None


def _str_kw(header: fits.Header, keyword: str) -> str | None:
    value = _keyword(header, keyword)
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def _float_kw(header: fits.Header, keyword: str) -> float | None:
    value = _keyword(header, keyword)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        return None
    return float(value)


def _int_kw(header: fits.Header, keyword: str, default: int | None = 0) -> int | None:
    value = _keyword(header, keyword)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        return default
    return int(value)


def _listing(names: Any) -> str:
    names = list(names)
    shown = ", ".join(names[:30])
    return shown + (f", ... ({len(names)} in all)" if len(names) > 30 else "") if names else "none"
