"""Every kind of bad input ends in a LightCurveFormatError a person can act on.

Each case builds its broken input from a good one, so the test shows what
was broken; `match` is the part of the message that tells the user why.
"""
import gzip
import io
import zipfile

import numpy as np
import pytest
from astropy.io import fits

from core.errors import LightCurveFormatError
from core.io import load_lightcurve
from io_builders import fits_bytes, lightcurve_columns, make_csv, make_fits


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lightcurve.csv", make_csv(50))
    return buffer.getvalue()


def _fits_without(column: str) -> bytes:
    columns = lightcurve_columns(100)
    del columns[column]
    return make_fits(columns=columns)


def _fits_all_nan_flux() -> bytes:
    columns = lightcurve_columns(100)
    columns["PDCSAP_FLUX"] = ("E", np.full(100, np.nan))
    columns["SAP_FLUX"] = ("E", np.full(100, np.nan))
    return make_fits(columns=columns)


def _csv_lines(header: str, row: str, n: int = 50) -> bytes:
    return (header + "\n" + "".join(row.format(i=i, t=1500 + 0.02 * i) + "\n" for i in range(n))).encode()


CASES = {
    "empty file": (b"", "empty"),
    "whitespace only": (b"  \n\t\r\n   \n", "only whitespace"),
    "comments only": (b"# time,flux\n# nothing else\n", "only comment lines"),
    "random bytes": (np.random.default_rng(7).integers(0, 256, 3000, dtype=np.uint8).tobytes(), "binary data"),
    "truncated FITS": (make_fits(2000)[: len(make_fits(2000)) // 2], "truncated"),
    "FITS cut inside the table header": (make_fits()[:4000], "truncated or corrupt"),
    "FITS with corrupt header": (make_fits().replace(b"XTENSION= 'BINTABLE'", b"XTENSION= 'BINT\x00\x01E'"), "corrupt"),
    "FITS with unreadable NAXIS2": (make_fits().replace(b"NAXIS2  =", b"NAXIS2  X"), "corrupt"),
    "FITS image only": (fits_bytes([fits.PrimaryHDU(np.zeros((16, 16), dtype=np.float32))]), "holds an image"),
    "FITS with neither table nor image": (fits_bytes([fits.PrimaryHDU()]), "no table and no image"),
    "FITS table without TIME": (_fits_without("TIME"), "no TIME column"),
    "FITS with all-NaN flux": (_fits_all_nan_flux(), "PDCSAP_FLUX and SAP_FLUX are all NaN"),
    "gzip header then garbage": (gzip.compress(b"")[:10] + bytes(range(200)), "gzip file is corrupt"),
    "gzip twice": (gzip.compress(gzip.compress(make_csv(50))), "gzip-compressed twice"),
    "PNG renamed .fits": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "looks like a PNG image"),
    "ZIP file": (_zip(), "looks like a ZIP archive"),
    "PDF": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "looks like a PDF document"),
    "CSV with text in the flux column": (_csv_lines("time,flux", "{t},bright"), r"column flux has 50 of 50 .*'bright'"),
    "one-line file": (b"time,flux,flux_err", "header .* but no data rows"),
    "one data line": (b"1500.0,1.0,0.001\n", "only 1 usable point"),
    "header only": (b"time,flux,flux_err\n\n", "no data rows"),
    "single column": (_csv_lines("flux", "{t}"), "single column"),
    "CSV without time column": (_csv_lines("index,flux", "{i},1.0"), r"no time column found \(columns: index, flux\)"),
    "CSV without flux column": (_csv_lines("time,counts", "{t},1.0"), r"no flux column found \(columns: time, co"),
    "CSV with NaN-only flux": (_csv_lines("time,flux", "{t},nan"), "column flux holds no finite numbers"),
    "CSV with empty flux": (_csv_lines("time,flux,flux_err", "{t},,0.1"), "column flux holds no finite numbers"),
    "fewer than min_points": (make_csv(19), "only 19 usable point.* at least 20"),
    "7 usable points in a FITS file": (make_fits(7), "only 7 usable point"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_raises_a_readable_error(case):
    data, match = CASES[case]
    with pytest.raises(LightCurveFormatError, match=match):
        load_lightcurve(data)


def test_missing_path_is_a_format_error(tmp_path):
    with pytest.raises(LightCurveFormatError, match="no such file: .*nope.fits"):
        load_lightcurve(tmp_path / "nope.fits")


def test_directory_is_not_a_file(tmp_path):
    with pytest.raises(LightCurveFormatError, match="not a regular file"):
        load_lightcurve(str(tmp_path))


def test_png_named_fits_on_disk_is_judged_by_content(tmp_path):
    path = tmp_path / "kplr000000001_llc.fits"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    with pytest.raises(LightCurveFormatError, match="PNG image"):
        load_lightcurve(path)


def test_gzip_bomb_is_stopped_at_the_size_cap():
    bomb = gzip.compress(bytes(5_000_000))
    assert len(bomb) < 10_000
    with pytest.raises(LightCurveFormatError, match="expands to more than 1,000,000 bytes"):
        load_lightcurve(bomb, max_bytes=1_000_000)


def test_file_over_max_bytes_is_refused(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(make_csv(1000))
    with pytest.raises(LightCurveFormatError, match="larger than the limit"):
        load_lightcurve(path, max_bytes=1000)
    with pytest.raises(LightCurveFormatError, match="larger than the limit"):
        load_lightcurve(make_csv(1000), max_bytes=1000)


def test_more_than_max_points_rows_is_refused_for_csv_and_fits():
    with pytest.raises(LightCurveFormatError, match="101 rows, more than the limit of 100 points"):
        load_lightcurve(make_csv(101), max_points=100)
    with pytest.raises(LightCurveFormatError, match="101 rows, more than the limit of 100 points"):
        load_lightcurve(make_fits(101), max_points=100)


def test_utf16_csv_loads():
    lc = load_lightcurve(make_csv(60).decode().encode("utf-16"))
    assert len(lc) == 60


@pytest.mark.parametrize("kwargs", [{"max_points": 0}, {"min_points": -1}, {"max_bytes": 1.5}, {"flux_column": ""}])
def test_invalid_limits_are_programming_errors(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        load_lightcurve(make_csv(50), **kwargs)


def test_unsupported_source_type_is_a_type_error():
    with pytest.raises(TypeError, match="path, bytes or a binary file object"):
        load_lightcurve(12345)
