"""Small valid FITS and CSV light curves, for tests to load or to break on purpose.

Files are generated rather than stored so each test shows exactly what it feeds
the reader, and every broken variant is one obvious edit away from a good one.
"""
from __future__ import annotations

import io
from typing import Any

import numpy as np
from astropy.io import fits

TESS_PRIMARY = {"TELESCOP": "TESS", "OBJECT": "TIC 12345678", "TICID": 12345678, "SECTOR": 7}
TESS_TABLE = {"BJDREFI": 2457000, "BJDREFF": 0.0, "TIMESYS": "TDB"}


def fits_bytes(hdus: list[Any]) -> bytes:
    buffer = io.BytesIO()
    fits.HDUList(hdus).writeto(buffer)
    return buffer.getvalue()


def lightcurve_columns(n: int, seed: int = 0) -> dict[str, tuple[str, np.ndarray]]:
    """A TESS SPOC-like column set: 2-min cadence, PDCSAP and SAP flux, QUALITY."""
    rng = np.random.default_rng(seed)
    time = 1500.0 + np.arange(n) * (2.0 / 1440.0)
    pdcsap = 1000.0 + rng.normal(0.0, 1.0, n)
    return {
        "TIME": ("D", time),
        "SAP_FLUX": ("E", pdcsap * 1.02),
        "SAP_FLUX_ERR": ("E", np.full(n, 1.1)),
        "PDCSAP_FLUX": ("E", pdcsap),
        "PDCSAP_FLUX_ERR": ("E", np.full(n, 1.0)),
        "QUALITY": ("J", np.zeros(n, dtype=np.int32)),
    }


def make_fits(
    n: int = 200,
    columns: dict[str, tuple[str, np.ndarray]] | None = None,
    primary: dict[str, Any] | None = None,
    table: dict[str, Any] | None = None,
    extname: str = "LIGHTCURVE",
) -> bytes:
    """A light-curve FITS file (TESS-like headers unless `primary`/`table` are given)."""
    columns = lightcurve_columns(n) if columns is None else columns
    primary_hdu = fits.PrimaryHDU()
    primary_hdu.header.update(TESS_PRIMARY if primary is None else primary)
    table_hdu = fits.BinTableHDU.from_columns(
        [fits.Column(name=name, format=fmt, array=values) for name, (fmt, values) in columns.items()],
        name=extname,
    )
    table_hdu.header.update(TESS_TABLE if table is None else table)
    return fits_bytes([primary_hdu, table_hdu])


def make_csv(n: int = 100, header: str | None = "time,flux,flux_err", sep: str = ",", start: float = 1500.0) -> bytes:
    """UTF-8 CSV with `n` rows of time, flux, flux_err (no header line if `header` is None)."""
    rng = np.random.default_rng(1)
    time = start + np.arange(n) * 0.02
    flux = 1.0 + rng.normal(0.0, 1e-3, n)
    rows = [sep.join((f"{t:.6f}", f"{f:.7f}", "0.001")) for t, f in zip(time, flux)]
    lines = ([header] if header is not None else []) + rows
    return ("\n".join(lines) + "\n").encode("utf-8")
