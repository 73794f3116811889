"""FITS light curves: column choice, endianness, mission metadata, size checks."""
import gzip
import io

import numpy as np
import pytest
from astropy.io import fits

from core.errors import LightCurveFormatError
from core.io import load_lightcurve
from core.io.quality import KEPLER_DEFAULT_BITMASK, TESS_DEFAULT_BITMASK
from io_builders import fits_bytes, lightcurve_columns, make_fits


def test_big_endian_columns_become_native_float64():
    data = make_fits()
    with fits.open(io.BytesIO(data)) as hdul:
        assert hdul[1].data["PDCSAP_FLUX"].dtype.byteorder == ">"
    lc = load_lightcurve(data)
    for values in (lc.time, lc.flux, lc.flux_err):
        assert values.dtype == np.float64
        assert values.dtype.isnative


def test_tess_file_prefers_pdcsap_and_reads_mission_metadata():
    lc = load_lightcurve(make_fits(n=300), filename="tess-s0007.fits")
    meta = lc.meta
    assert len(lc) == 300
    assert meta["mission"] == "TESS"
    assert meta["target"] == "TIC 12345678"
    assert meta["sector"] == 7
    assert meta["time_system"] == "BTJD"
    assert meta["time_offset"] == 2457000.0
    assert (meta["flux_column"], meta["flux_err_column"]) == ("PDCSAP_FLUX", "PDCSAP_FLUX_ERR")
    assert meta["other_flux_columns"] == ["SAP_FLUX"]
    assert meta["quality_column"] == "QUALITY"
    assert meta["quality_bitmask"] == TESS_DEFAULT_BITMASK
    assert meta["format"] == "fits"
    assert meta["filename"] == "tess-s0007.fits"
    assert meta["cadence_min"] == pytest.approx(2.0)
    assert meta["warnings"] == []


def test_pdcsap_values_are_the_ones_loaded():
    columns = lightcurve_columns(100)
    lc = load_lightcurve(make_fits(columns=columns))
    np.testing.assert_allclose(lc.flux, columns["PDCSAP_FLUX"][1].astype(np.float32))


def test_quality_flags_are_kept_and_only_default_bits_counted():
    columns = lightcurve_columns(100)
    quality = columns["QUALITY"][1]
    quality[[3, 4]] = 1  # attitude tweak: unusable
    quality[[10, 11, 12]] = 512  # impulsive outlier: an event, not masked
    lc = load_lightcurve(make_fits(columns=columns))
    assert np.sum(lc.quality != 0) == 5
    assert lc.meta["n_quality_flagged"] == 2
    assert np.sum(~lc.good_mask()) == 2


def test_kepler_header_gives_bkjd_and_kic_target():
    primary = {"TELESCOP": "Kepler", "MISSION": "Kepler", "KEPLERID": 10002792, "QUARTER": 2}
    table = {"BJDREFI": 2454833, "BJDREFF": 0.0, "TIMESYS": "TDB"}
    columns = lightcurve_columns(100)
    columns["SAP_QUALITY"] = columns.pop("QUALITY")
    lc = load_lightcurve(make_fits(columns=columns, primary=primary, table=table))
    assert (lc.meta["mission"], lc.meta["target"], lc.meta["quarter"]) == ("Kepler", "KIC 10002792", 2)
    assert lc.meta["time_system"] == "BKJD"
    assert lc.meta["quality_column"] == "SAP_QUALITY"
    assert lc.meta["quality_bitmask"] == KEPLER_DEFAULT_BITMASK


def test_k2_header_gives_epic_target_and_campaign():
    primary = {"TELESCOP": "Kepler", "MISSION": "K2", "OBJECT": "211117077", "CAMPAIGN": 4}
    lc = load_lightcurve(make_fits(primary=primary, table={"BJDREFI": 2454833, "BJDREFF": 0.0}))
    assert (lc.meta["mission"], lc.meta["target"], lc.meta["campaign"]) == ("K2", "EPIC 211117077", 4)
    assert lc.meta["time_system"] == "BKJD"


def test_generic_table_with_flux_column_and_lowercase_names():
    n = 50
    columns = {"time": ("D", np.arange(n) * 0.1), "flux": ("D", np.ones(n)), "flux_err": ("D", np.full(n, 0.01))}
    lc = load_lightcurve(make_fits(columns=columns, primary={}, table={"TIMESYS": "UTC"}, extname="DATA"))
    assert (lc.meta["flux_column"], lc.meta["flux_err_column"]) == ("flux", "flux_err")
    assert lc.meta["mission"] is None
    assert lc.meta["time_system"] == "UTC"
    assert lc.meta["time_offset"] is None
    assert lc.meta["quality_column"] is None


def test_lightcurve_extension_is_preferred_over_an_earlier_table():
    n = 40
    decoy = fits.BinTableHDU.from_columns([fits.Column(name="TIME", format="D", array=np.arange(3.0)),
                                           fits.Column(name="FLUX", format="D", array=np.ones(3))], name="OTHER")
    columns = lightcurve_columns(n)
    good = fits.BinTableHDU.from_columns(
        [fits.Column(name=k, format=f, array=v) for k, (f, v) in columns.items()], name="LIGHTCURVE"
    )
    lc = load_lightcurve(fits_bytes([fits.PrimaryHDU(), decoy, good]))
    assert len(lc) == n
    assert lc.meta["fits_extension"] == "LIGHTCURVE"


def test_all_nan_pdcsap_falls_back_to_sap_and_says_so():
    columns = lightcurve_columns(100)
    columns["PDCSAP_FLUX"] = ("E", np.full(100, np.nan))
    lc = load_lightcurve(make_fits(columns=columns))
    assert lc.meta["flux_column"] == "SAP_FLUX"
    assert lc.meta["flux_err_column"] == "SAP_FLUX_ERR"
    assert lc.meta["warnings"] == ["PDCSAP_FLUX is all NaN; used SAP_FLUX instead"]


@pytest.mark.parametrize("choice, expected", [("sap", "SAP_FLUX"), ("pdcsap", "PDCSAP_FLUX"), ("sap_flux", "SAP_FLUX")])
def test_flux_column_can_be_chosen(choice, expected):
    assert load_lightcurve(make_fits(), flux_column=choice).meta["flux_column"] == expected


def test_requesting_a_missing_flux_column_lists_the_columns():
    with pytest.raises(LightCurveFormatError, match=r"no KSPSAP_FLUX column \(columns: TIME, SAP_FLUX"):
        load_lightcurve(make_fits(), flux_column="KSPSAP_FLUX")


def test_gzipped_fits_loads():
    lc = load_lightcurve(gzip.compress(make_fits()))
    assert (lc.meta["format"], lc.meta["compression"]) == ("fits", "gzip")


def test_path_bytes_and_file_object_give_the_same_curve(tmp_path):
    data = make_fits()
    path = tmp_path / "anything.dat"
    path.write_bytes(data)
    from_path = load_lightcurve(path)
    with path.open("rb") as handle:
        from_handle = load_lightcurve(handle)
    from_bytes = load_lightcurve(data)
    assert from_path.meta["filename"] == from_handle.meta["filename"] == "anything.dat"
    assert from_bytes.meta["filename"] is None
    np.testing.assert_array_equal(from_path.flux, from_bytes.flux)
    np.testing.assert_array_equal(from_handle.time, from_bytes.time)


def test_rows_beyond_max_points_are_refused_from_the_header():
    with pytest.raises(LightCurveFormatError, match="200 rows, more than the limit of 100 points"):
        load_lightcurve(make_fits(n=200), max_points=100)


def test_forged_row_count_is_refused_before_reading():
    data = make_fits(n=200).replace(b"NAXIS2  =                  200", b"NAXIS2  =              1999999")
    with pytest.raises(LightCurveFormatError, match="truncated"):
        load_lightcurve(data)


def test_vector_column_is_refused():
    n = 30
    columns = {"TIME": ("D", np.arange(n, dtype=float)), "FLUX": ("2D", np.ones((n, 2)))}
    with pytest.raises(LightCurveFormatError, match="several values per row"):
        load_lightcurve(make_fits(columns=columns))


def test_too_many_extensions_are_refused():
    hdus = [fits.PrimaryHDU()] + [fits.ImageHDU() for _ in range(70)]
    with pytest.raises(LightCurveFormatError, match="more than 64 extensions"):
        load_lightcurve(fits_bytes(hdus))


def _with_centroids(prefix: str, col: np.ndarray, row: np.ndarray) -> dict:
    columns = lightcurve_columns(len(col))
    columns[f"{prefix}_CENTR1"] = ("D", col)
    columns[f"{prefix}_CENTR2"] = ("D", row)
    return columns


def test_moment_centroids_are_read_as_column_and_row():
    col, row = 500.0 + np.linspace(0, 1, 100), 300.0 - np.linspace(0, 1, 100)
    col[7] = np.nan
    columns = _with_centroids("MOM", col, row)
    columns["PSF_CENTR1"], columns["PSF_CENTR2"] = ("D", np.zeros(100)), ("D", np.zeros(100))
    lc = load_lightcurve(make_fits(columns=columns))
    assert lc.meta["centroid_columns"] == ["MOM_CENTR1", "MOM_CENTR2"]
    np.testing.assert_array_equal(lc.centroid_col, col)
    np.testing.assert_array_equal(lc.centroid_row, row)


def test_psf_centroids_are_used_when_there_are_no_moment_centroids():
    col, row = np.full(100, 12.5), np.full(100, 40.25)
    lc = load_lightcurve(make_fits(columns=_with_centroids("PSF", col, row)))
    assert lc.meta["centroid_columns"] == ["PSF_CENTR1", "PSF_CENTR2"]
    np.testing.assert_array_equal(lc.centroid_col, col)
    np.testing.assert_array_equal(lc.centroid_row, row)


@pytest.mark.parametrize("all_nan", ["MOM_CENTR1", "MOM_CENTR2"])
def test_all_nan_centroids_are_left_out_quietly(all_nan):
    columns = _with_centroids("MOM", np.full(100, 5.0), np.full(100, 6.0))
    columns[all_nan] = ("D", np.full(100, np.nan))
    lc = load_lightcurve(make_fits(columns=columns))
    assert not lc.has_centroids
    assert lc.meta["centroid_columns"] is None
    assert lc.meta["warnings"] == []


def test_files_without_centroids_load_without_them():
    lc = load_lightcurve(make_fits())
    assert not lc.has_centroids
    assert lc.meta["centroid_columns"] is None
