"""Inputs that fuzzing POST /api/analyze (tests/dashapp/test_api_fuzz.py) turned into 500s, now clear errors.

- One wrong time value (3e9 in a 1-day TESS-like curve) made the rotation search allocate
  1 TiB and the transit period grid loop for hours: spans over MAX_SPAN_DAYS are refused.
- A FITS table with a number as a column name (TTYPE1 = 0) made astropy raise AssertionError,
  which the FITS reader did not turn into a LightCurveFormatError.
- A FITS column without a TTYPE card has no name (None), which the reader upper-cased
  (AttributeError); now it is skipped and the unreadable table is reported as corrupt.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.errors import LightCurveFormatError
from core.io import MAX_SPAN_DAYS, load_lightcurve
from core.io.writers import write_fits
from core.synthetic import generate_lightcurve


def _csv(times: np.ndarray) -> bytes:
    rows = [f"{t:.10g},{1 + 1e-3 * np.sin(i)},0.0003" for i, t in enumerate(times)]
    return ("time,flux,flux_err\n" + "\n".join(rows) + "\n").encode()


def test_one_absurd_time_value_is_refused_with_its_value() -> None:
    times = 1325.0 + np.arange(60) / 48
    times[0] = 3e9
    with pytest.raises(LightCurveFormatError, match="3000000000.*not in days"):
        load_lightcurve(_csv(times))


def test_a_long_but_plausible_span_is_read() -> None:
    times = np.linspace(0.0, MAX_SPAN_DAYS, 60)
    assert len(load_lightcurve(_csv(times))) == 60


def test_number_as_fits_column_name_is_a_format_error(tmp_path: Path) -> None:
    lc, _ = generate_lightcurve(n_points=60, cadence_min=30.0, seed=5, mission="TESS", target="TIC 7")
    data = bytearray(write_fits(lc, tmp_path / "a.fits").read_bytes())
    at = data.index(b"TTYPE1  = ")
    data[at + 10:at + 80] = b"0".rjust(20).ljust(70)
    with pytest.raises(LightCurveFormatError, match="corrupt"):
        load_lightcurve(bytes(data))


def test_fits_column_without_a_name_is_a_format_error_not_a_crash(tmp_path: Path) -> None:
    lc, _ = generate_lightcurve(n_points=60, cadence_min=30.0, seed=5, mission="TESS", target="TIC 7")
    data = bytearray(write_fits(lc, tmp_path / "a.fits").read_bytes())
    at = data.index(b"TTYPE2  = ")  # the second column loses its name card
    data[at:at + 80] = b"COMMENT".ljust(80)
    with pytest.raises(LightCurveFormatError, match="corrupt"):
        load_lightcurve(bytes(data))
