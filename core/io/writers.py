"""Write light curves as CSV or as Kepler/TESS-like FITS, and JSON side files, atomically.

Files are written to a temporary name in the target folder and then renamed,
so a reader (the dashboard's gallery, a second `samples` run) never sees half a file.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from astropy.io import fits

from core.atomic import write_atomically
from core.lightcurve import LightCurve


class _Layout(NamedTuple):
    """How a mission's light-curve files name things."""

    telescope: str
    instrument: str
    id_keyword: str
    catalogue: str
    quality_column: str
    bjd_refi: int


_LAYOUTS = {
    "TESS": _Layout("TESS", "TESS Photometer", "TICID", "TIC", "QUALITY", 2457000),
    "Kepler": _Layout("Kepler", "Kepler Photometer", "KEPLERID", "KIC", "SAP_QUALITY", 2454833),
    "K2": _Layout("Kepler", "Kepler Photometer", "KEPLERID", "EPIC", "SAP_QUALITY", 2454833),
}
_TIME_COLUMN = {"BTJD": "time_btjd", "BKJD": "time_bkjd"}


def write_csv(lc: LightCurve, path: str | os.PathLike, *, flux_scale: float = 1.0) -> Path:
    """A plain `time,flux,flux_err` table (plus `quality` when any flag is set, and centroid_col,
    centroid_row when the curve has centroids, as lightkurve's to_csv names them).

    The time column is named after a known time system (time_btjd, time_bkjd) so
    readers recover it from the header alone; other metadata lives only in FITS.
    """
    columns = [lc.time, lc.flux * flux_scale, lc.flux_err * abs(flux_scale)]
    names = [_TIME_COLUMN.get(str(lc.meta.get("time_system")), "time"), "flux", "flux_err"]
    formats = ["%.10f", "%.12g", "%.6g"]
    if np.any(lc.quality != 0):
        columns.append(lc.quality)
        names.append("quality")
        formats.append("%d")
    if lc.has_centroids:
        columns += [lc.centroid_col, lc.centroid_row]
        names += ["centroid_col", "centroid_row"]
        formats += ["%.6f", "%.6f"]
    table = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])

    def write(tmp: str) -> None:
        np.savetxt(tmp, table, fmt=formats, delimiter=",", header=",".join(names), comments="")

    return write_atomically(path, write)


def write_fits(lc: LightCurve, path: str | os.PathLike, *, flux_scale: float = 1.0) -> Path:
    """A mission-style light-curve file: primary header plus a big-endian LIGHTCURVE table.

    `flux_scale` turns relative flux into e-/s-like counts, as in real
    PDCSAP_FLUX, so readers must normalise. SAP_FLUX repeats PDCSAP_FLUX: we
    have no raw photometry to offer. Centroids, when the curve has them, go to
    MOM_CENTR1/MOM_CENTR2 so K2 roll correction still works on the copy.
    """
    mission = lc.meta.get("mission")
    layout = _LAYOUTS.get(mission)
    quality_name, bjd_ref = (layout.quality_column, layout.bjd_refi) if layout else ("QUALITY", None)
    primary = fits.PrimaryHDU()
    header = primary.header
    if layout:
        header["TELESCOP"] = (layout.telescope, "telescope")
        header["INSTRUME"] = (layout.instrument, "detector type")
        header["MISSION"] = (mission, "mission name")
        header[layout.id_keyword] = (_catalogue_id(lc.meta, layout.catalogue), "unique target identifier (0 if none)")
    if lc.meta.get("target"):
        header["OBJECT"] = (str(lc.meta["target"]), "string version of target id")
    for key in ("sector", "quarter", "campaign"):
        if lc.meta.get(key) is not None:
            header[key.upper()] = int(lc.meta[key])
    if lc.meta.get("synthetic"):
        header["COMMENT"] = "Synthetic light curve with injected signals; truth in the .truth.json beside it."

    flux = lc.flux * flux_scale
    flux_err = lc.flux_err * abs(flux_scale)
    time_unit = f"BJD - {bjd_ref}, days" if bjd_ref else "d"
    columns = [
        fits.Column(name="TIME", format="D", unit=time_unit, array=lc.time),
        fits.Column(name="CADENCENO", format="J", array=_cadence_numbers(lc)),
        fits.Column(name="SAP_FLUX", format="D", unit="e-/s", array=flux),
        fits.Column(name="SAP_FLUX_ERR", format="D", unit="e-/s", array=flux_err),
        fits.Column(name="PDCSAP_FLUX", format="D", unit="e-/s", array=flux),
        fits.Column(name="PDCSAP_FLUX_ERR", format="D", unit="e-/s", array=flux_err),
        fits.Column(name=quality_name, format="J", array=lc.quality.astype(np.int32)),
    ]
    if lc.has_centroids:
        columns += [
            fits.Column(name="MOM_CENTR1", format="D", unit="pixel", array=lc.centroid_col),
            fits.Column(name="MOM_CENTR2", format="D", unit="pixel", array=lc.centroid_row),
        ]
    table = fits.BinTableHDU.from_columns(columns, name="LIGHTCURVE")
    _time_keywords(table.header, lc, bjd_ref)
    hdul = fits.HDUList([primary, table])
    return write_atomically(path, lambda tmp: hdul.writeto(tmp, overwrite=True))


def write_json(data: Any, path: str | os.PathLike) -> Path:
    """Strict JSON (no NaN) with a trailing newline, e.g. a sample's truth."""
    text = json.dumps(data, indent=1, allow_nan=False) + "\n"
    return write_atomically(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _time_keywords(header: fits.Header, lc: LightCurve, bjd_ref: int | None) -> None:
    cadence = lc.cadence_days if len(lc) >= 2 else 0.0
    offset = lc.meta.get("time_offset")
    ref = float(offset) if offset is not None else bjd_ref
    header["TIMEREF"] = ("SOLARSYSTEM", "barycentric correction applied to times")
    header["TIMESYS"] = ("TDB", "time system is Barycentric Dynamical Time")
    header["TIMEUNIT"] = ("d", "time unit for TIME, TSTART and TSTOP")
    if ref is not None:
        header["BJDREFI"] = (int(np.floor(ref)), "integer part of BJD reference date")
        header["BJDREFF"] = (float(ref - np.floor(ref)), "fraction of the day in BJD reference date")
    if len(lc):
        header["TSTART"] = (float(lc.time[0]), "observation start time in BJD - BJDREF")
        header["TSTOP"] = (float(lc.time[-1]), "observation stop time in BJD - BJDREF")
        header["TELAPSE"] = (float(lc.time[-1] - lc.time[0]), "[d] TSTOP - TSTART")
    header["TIMEDEL"] = (float(cadence), "[d] time resolution of data")
    header["EXPOSURE"] = (float(len(lc) * cadence), "[d] time on source")


def _cadence_numbers(lc: LightCurve) -> np.ndarray:
    """Cadence index from the first time, so gaps show as jumps (as in mission files)."""
    if len(lc) < 2:
        return np.arange(len(lc), dtype=np.int32)
    return np.rint((lc.time - lc.time[0]) / lc.cadence_days).astype(np.int32)


def _catalogue_id(meta: dict[str, Any], catalogue: str) -> int:
    """meta["target_id"] if given, else the number in a target like "TIC 123", else 0."""
    if meta.get("target_id") is not None:
        return int(meta["target_id"])
    match = re.fullmatch(rf"{catalogue}\s*(\d+)", str(meta.get("target") or ""))
    return int(match.group(1)) if match else 0
