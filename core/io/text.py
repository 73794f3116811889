"""Read CSV, TSV and whitespace-delimited light-curve tables.

Columns are found by name (case-insensitive aliases), never by position,
unless the file has no header and only two or three columns; then we say
that we guessed. Values that don't parse are counted, not silently dropped.
"""
from __future__ import annotations

import io
import re
from typing import Any

import numpy as np
import pandas as pd

from core.errors import LightCurveFormatError
from core.io.sniff import decode_text
from core.lightcurve import DEFAULT_QUALITY_BITMASK, LightCurve, from_arrays

MAX_COLUMNS = 1000
# Up to this fraction of unparseable time/flux cells are dropped with a
# warning; more means the column is not what we think it is.
MAX_BAD_FRACTION = 0.05
_COMMENT_STARTS = ("#", "%", "\\")
_DELIMITERS = (",", "\t", ";", "|")
_SNIFF_LINES = 50
_WHITESPACE = r"\s+"

_TIME_ALIASES = (
    "time", "t", "times", "jd", "mjd", "bjd", "bjd_tdb", "bjd_utc", "hjd", "btjd", "bkjd",
    "time_bjd", "time_btjd", "time_bkjd", "time_jd", "time_mjd", "time_hjd", "julian_date",
)
_TIME_PATTERN = re.compile(r"^(time|bjd|btjd|bkjd|hjd|mjd|jd)_")
_PREFERRED_FLUX = ("pdcsap_flux", "sap_flux")
_FLUX_ALIASES = (
    "pdcsap_flux", "flux", "sap_flux", "rel_flux", "relative_flux", "norm_flux", "normalized_flux",
    "flux_norm", "flat_flux", "detrended_flux", "kspsap_flux", "f",
)
_MAG_ALIASES = ("mag", "magnitude", "mags")
_ERR_ALIASES = (
    "flux_err", "flux_error", "fluxerr", "e_flux", "err", "error", "sigma", "flux_sigma", "dflux", "uncertainty",
)
_MAG_ERR_ALIASES = ("mag_err", "magerr", "mag_error", "e_mag", "sigma_mag", "magnitude_err", "err", "error", "sigma")
_QUALITY_ALIASES = ("quality", "sap_quality", "qual", "quality_flag")
# Column/row centroid pairs, as lightkurve's to_csv and the mission FITS tables name them: K2's
# roll correction needs them.
_CENTROID_PAIRS = (("centroid_col", "centroid_row"), ("mom_centr1", "mom_centr2"), ("psf_centr1", "psf_centr2"))
_FLUX_SHORTHANDS = {"pdcsap": "pdcsap_flux", "sap": "sap_flux"}
_TIME_NAME_SYSTEMS = (("btjd", "BTJD"), ("bkjd", "BKJD"), ("mjd", "MJD"), ("hjd", "HJD"), ("bjd", "BJD"), ("jd", "JD"))
_FULL_JD = 2.4e6


def read_text(data: bytes, *, flux_column: str | None = None, max_points: int = 2_000_000) -> LightCurve:
    """Parse a delimited text table into a LightCurve (rows with finite time and flux only)."""
    lines = [line.strip() for line in decode_text(data).splitlines()]
    rows_at = [i for i, line in enumerate(lines) if line and not line.startswith(_COMMENT_STARTS)]
    if not rows_at:
        if any(lines):
            raise LightCurveFormatError("this file holds only comment lines and no data rows")
        raise LightCurveFormatError("this file is empty (it holds only whitespace)")

    sep = _sniff_delimiter([lines[i] for i in rows_at[:_SNIFF_LINES]])
    warn: list[str] = []
    names, has_header_row, inferred = _column_names(lines, rows_at, sep, warn)
    if len(names) > MAX_COLUMNS:
        raise LightCurveFormatError(f"this table has {len(names)} columns, more than the limit of {MAX_COLUMNS}")
    body_at = rows_at[1:] if has_header_row else rows_at
    if not body_at:
        raise LightCurveFormatError(
            f"this file has a header ({', '.join(names[:10])}) but no data rows"
        )
    if len(body_at) > max_points:
        raise LightCurveFormatError(
            f"this table has {len(body_at):,} rows, more than the limit of {max_points:,} points; "
            "split the light curve or bin it"
        )

    keys = [_normalise(name) for name in names]
    time_at = _find_time(keys, names)
    flux_at, is_mag, other_flux = _find_flux(keys, names, flux_column, warn)
    err_at = _find_err(keys, flux_at, is_mag)
    quality_at = _first(keys, _QUALITY_ALIASES)

    table = _parse(lines, body_at, sep, len(names))
    time = _numeric(table[time_at], names[time_at], body_at, warn)
    flux = _numeric(table[flux_at], names[flux_at], body_at, warn)
    flux_err = _numeric(table[err_at], names[err_at], body_at, warn, strict=False) if err_at is not None else None
    for column_at, values in ((time_at, time), (flux_at, flux)):
        if not np.any(np.isfinite(values)):
            raise LightCurveFormatError(
                f"column {names[column_at]} holds no finite numbers (all empty, NaN or infinite)"
            )
    quality = None
    if quality_at is not None:
        q = _numeric(table[quality_at], names[quality_at], body_at, warn, strict=False)
        quality = np.where(np.isfinite(q), q, 0).astype(np.int64)
    centroid_at = next(((keys.index(c), keys.index(r)) for c, r in _CENTROID_PAIRS if c in keys and r in keys), None)
    centroids = None if centroid_at is None else tuple(
        _numeric(table[i], names[i], body_at, warn, strict=False) for i in centroid_at)
    if is_mag:
        flux, flux_err = _magnitudes_to_flux(flux, flux_err)
        warn.append(f"column {names[flux_at]} holds magnitudes; converted to relative flux 10**(-0.4*(m - median))")

    meta: dict[str, Any] = {
        "mission": None,
        "target": None,
        "time_system": _time_system(names[time_at].lower(), time),
        "time_offset": None,
        "flux_column": names[flux_at],
        "other_flux_columns": other_flux,
        "flux_err_column": names[err_at] if err_at is not None else None,
        "quality_column": names[quality_at] if quality_at is not None else None,
        "quality_bitmask": DEFAULT_QUALITY_BITMASK,
        "centroid_columns": None if centroid_at is None else [names[i] for i in centroid_at],
        "columns": names,
        "columns_inferred": inferred,
        "delimiter": "whitespace" if sep == _WHITESPACE else sep,
        "warnings": warn,
    }
    col, row = centroids or (None, None)
    return from_arrays(time, flux, flux_err, quality, meta, centroid_col=col, centroid_row=row)


def _sniff_delimiter(sample: list[str]) -> str:
    """The delimiter that splits most sampled lines into the same number (>= 2) of fields.

    "Most", not "all": a single ragged row should be reported by the parser
    with its line number, not turn the whole file into "one column".
    """
    data_lines = sample[1:] or sample
    for sep in _DELIMITERS:
        if sep in sample[0] and _consistent([line.count(sep) for line in data_lines]):
            return sep
    if _consistent([len(line.split()) - 1 for line in data_lines]):
        return _WHITESPACE
    raise LightCurveFormatError(
        "this file has a single column (no comma, tab, semicolon or space between values); "
        "a light curve needs at least a time and a flux column"
    )


def _consistent(counts: list[int]) -> bool:
    """True if at least 80% of lines have the same, non-zero number of delimiters."""
    mode = max(set(counts), key=counts.count)
    return mode >= 1 and counts.count(mode) >= 0.8 * len(counts)


def _split(line: str, sep: str) -> list[str]:
    fields = line.split() if sep == _WHITESPACE else line.split(sep)
    return [field.strip().strip("\"'").strip() for field in fields]


def _column_names(lines: list[str], rows_at: list[int], sep: str, warn: list[str]) -> tuple[list[str], bool, bool]:
    """(names, first row is a header, names were guessed) from a header, a commented header, or the shape."""
    first = _split(lines[rows_at[0]], sep)
    if _looks_like_header(first):
        return _name_blanks(first), True, False
    for line in reversed(lines[: rows_at[0]]):
        candidate = _split(line.lstrip("#%\\ \t"), sep)
        if len(candidate) == len(first) and _looks_like_header(candidate) and all(candidate):
            return candidate, False, False
    if len(first) in (2, 3):
        names = ["time", "flux", "flux_err"][: len(first)]
        warn.append(f"no header line; assumed the columns are {', '.join(names)}")
        return names, False, True
    raise LightCurveFormatError(
        f"this table has {len(first)} columns and no header line, so we can't tell which is time and which is flux; "
        "add a header line such as 'time,flux,flux_err'"
    )


def _looks_like_header(fields: list[str]) -> bool:
    filled = [f for f in fields if f]
    words = sum(not _is_number(f) for f in filled)
    return words > len(filled) - words


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _name_blanks(names: list[str]) -> list[str]:
    """Blank header cells (a pandas row index) get a placeholder that matches no alias."""
    return [name or f"(unnamed column {i + 1})" for i, name in enumerate(names)]


def _normalise(name: str) -> str:
    """'Time [BJD]' -> 'time'; 'BJD-TDB' -> 'bjd_tdb': the key we match aliases against."""
    base = re.sub(r"[\(\[].*$", "", name).strip().lower()
    return re.sub(r"[\s\-]+", "_", base)


def _first(keys: list[str], aliases: tuple[str, ...]) -> int | None:
    for alias in aliases:
        if alias in keys:
            return keys.index(alias)
    return None


def _find_time(keys: list[str], names: list[str]) -> int:
    found = _first(keys, _TIME_ALIASES)
    if found is None:
        found = next((i for i, key in enumerate(keys) if _TIME_PATTERN.match(key)), None)
    if found is None:
        raise LightCurveFormatError(
            f"no time column found (columns: {_listing(names)}); "
            "name it time, JD, MJD, BJD, BTJD or BKJD"
        )
    return found


def _find_flux(
    keys: list[str], names: list[str], requested: str | None, warn: list[str]
) -> tuple[int, bool, list[str]]:
    """(index of the flux column, whether it holds magnitudes, other flux-like columns). Never a silent guess."""
    if requested is not None:
        wanted = _FLUX_SHORTHANDS.get(requested.lower(), requested.strip().lower())
        matches = [i for i, name in enumerate(names) if name.lower() == wanted or keys[i] == wanted]
        if not matches:
            raise LightCurveFormatError(f"no column named {requested!r} (columns: {_listing(names)})")
        return matches[0], keys[matches[0]] in _MAG_ALIASES, []
    candidates = [keys.index(a) for a in _FLUX_ALIASES + _MAG_ALIASES if a in keys]
    if not candidates:
        raise LightCurveFormatError(
            f"no flux column found (columns: {_listing(names)}); "
            "name it flux, PDCSAP_FLUX, SAP_FLUX, rel_flux or mag"
        )
    chosen = candidates[0]
    others = [names[i] for i in candidates[1:]]
    if others and not {keys[chosen], keys[candidates[1]]} <= set(_PREFERRED_FLUX):
        warn.append(f"several flux-like columns ({names[chosen]}, {', '.join(others)}); used {names[chosen]}")
    return chosen, keys[chosen] in _MAG_ALIASES, others


def _find_err(keys: list[str], flux_at: int, is_mag: bool) -> int | None:
    flux = keys[flux_at]
    paired = (f"{flux}_err", f"{flux}_error", f"e_{flux}")
    return _first(keys, paired + (_MAG_ERR_ALIASES if is_mag else _ERR_ALIASES))


def _parse(lines: list[str], body_at: list[int], sep: str, n_columns: int) -> pd.DataFrame:
    """All columns (so that a row with extra fields is an error, not silently cut)."""
    body = "\n".join(lines[i] for i in body_at)
    try:
        return pd.read_csv(
            io.StringIO(body),
            sep=sep,
            header=None,
            names=range(n_columns),
            skipinitialspace=True,
            low_memory=False,
            engine="c",
        )
    except (ValueError, pd.errors.EmptyDataError, OverflowError) as exc:
        message = str(exc).replace("Error tokenizing data. C error: ", "")
        message = re.sub(r"line (\d+)", lambda m: f"line {_line_of(body_at, int(m.group(1)))}", message)
        raise LightCurveFormatError(f"this table can't be parsed: {message.strip()[:300]}") from None


def _line_of(body_at: list[int], body_line: int) -> int:
    """1-based line number in the file of the `body_line`-th (1-based) data row."""
    return body_at[min(max(body_line, 1), len(body_at)) - 1] + 1


def _numeric(
    column: pd.Series, name: str, body_at: list[int], warn: list[str], strict: bool = True
) -> np.ndarray:
    """Column as float64; unparseable cells become NaN, and too many of them is an error."""
    if column.dtype.kind in "biuf":
        return column.to_numpy(dtype=np.float64)
    values = pd.to_numeric(column, errors="coerce")
    bad = values.isna().to_numpy() & column.notna().to_numpy()
    n_bad = int(bad.sum())
    if n_bad:
        first = int(np.argmax(bad))
        where = f"first: {str(column.iloc[first])[:40]!r} on line {_line_of(body_at, first + 1)}"
        if strict and n_bad > MAX_BAD_FRACTION * len(column):
            raise LightCurveFormatError(
                f"column {name} has {n_bad:,} of {len(column):,} values that aren't numbers ({where}); "
                "check that this is the right column and the file's decimal separator is '.'"
            )
        warn.append(f"column {name}: dropped {n_bad:,} value(s) that aren't numbers ({where})")
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def _magnitudes_to_flux(mag: np.ndarray, mag_err: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    if not np.any(np.isfinite(mag)):
        return mag, mag_err
    with np.errstate(over="ignore", invalid="ignore"):
        flux = 10.0 ** (-0.4 * (mag - np.nanmedian(mag)))
        flux_err = None if mag_err is None else 0.4 * np.log(10.0) * flux * mag_err
    return flux, flux_err


def _time_system(time_name: str, time: np.ndarray) -> str:
    """From the column name or its unit if they say (BTJD, MJD, ...), else full JD if values are > 2.4 million."""
    for token, system in _TIME_NAME_SYSTEMS:
        if token in time_name:
            return system
    finite = time[np.isfinite(time)]
    if finite.size and np.median(finite) > _FULL_JD:
        return "BJD/JD (full Julian date)"
    return "unknown"


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:30])
    return shown + (f", ... ({len(names)} in all)" if len(names) > 30 else "")
