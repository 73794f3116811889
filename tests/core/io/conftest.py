"""Builders for small valid FITS and CSV light curves; tests break them on purpose.

Files are generated rather than stored so each test shows exactly what it feeds
the reader, and the broken variants are one obvious edit away from a good one.
"""
from __future__ import annotations

import io
from typing import Any, Callable

import numpy as np
import pytest
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


@pytest.fixture
def make_fits() -> Callable[..., bytes]:
    """make_fits(n=200, columns=None, primary=TESS_PRIMARY, table=TESS_TABLE, extname="LIGHTCURVE")."""

    def build(
        n: int = 200,
        columns: dict[str, tuple[str, np.ndarray]] | None = None,
        primary: dict[str, Any] | None = None,
        table: dict[str, Any] | None = None,
        extname: str = "LIGHTCURVE",
    ) -> bytes:
        columns = lightcurve_columns(n) if columns is None else columns
        primary_hdu = fits.PrimaryHDU()
        primary_hdu.header.update(TESS_PRIMARY if primary is None else primary)
        table_hdu = fits.BinTableHDU.from_columns(
            [fits.Column(name=name, format=fmt, array=values) for name, (fmt, values) in columns.items()],
            name=extname,
        )
        table_hdu.header.update(TESS_TABLE if table is None else table)
        return fits_bytes([primary_hdu, table_hdu])

    return build


@pytest.fixture
def make_csv() -> Callable[..., bytes]:
    """make_csv(n=100, header="time,flux,flux_err", sep=",", start=1500.0) -> UTF-8 bytes."""

    def build(n: int = 100, header: str | None = "time,flux,flux_err", sep: str = ",", start: float = 1500.0) -> bytes:
        rng = np.random.default_rng(1)
        time = start + np.arange(n) * 0.02
        flux = 1.0 + rng.normal(0.0, 1e-3, n)
        rows = [sep.join((f"{t:.6f}", f"{f:.7f}", "0.001")) for t, f in zip(time, flux)]
        lines = ([header] if header is not None else []) + rows
        return ("\n".join(lines) + "\n").encode("utf-8")

    return build
