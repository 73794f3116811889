"""Writers: what we write, our own reader reads back unchanged, in a mission-like layout."""
from __future__ import annotations

import json

import numpy as np
import pytest
from astropy.io import fits

from core.io import load_lightcurve
from core.io import writers
from core.io.writers import write_csv, write_fits, write_json
from core.lightcurve import from_arrays
from core.synthetic import generate_sample


@pytest.fixture(scope="module")
def tess_curve():
    return generate_sample("complex_system")[0]


@pytest.fixture(scope="module")
def kepler_curve():
    return generate_sample("exoplanet_transit")[0]


def assert_same_curve(loaded, original):
    assert len(loaded) == len(original)
    np.testing.assert_allclose(loaded.time, original.time, rtol=0, atol=1e-9)
    np.testing.assert_allclose(loaded.normalized().flux, original.normalized().flux, rtol=0, atol=1e-9)


@pytest.mark.parametrize("sample", ["tess_curve", "kepler_curve"])
def test_fits_round_trip_keeps_times_flux_and_metadata(sample, tmp_path, request):
    lc = request.getfixturevalue(sample)
    path = write_fits(lc, tmp_path / "curve.fits", flux_scale=12_000.0)
    loaded = load_lightcurve(path)
    assert_same_curve(loaded, lc)
    for key in ("mission", "target", "time_system", "time_offset"):
        assert loaded.meta[key] == lc.meta[key]
    assert loaded.meta["flux_column"] == "PDCSAP_FLUX"
    assert np.median(loaded.flux) == pytest.approx(12_000.0, rel=0.05)  # e-/s-like: the reader must normalise


@pytest.mark.parametrize("sample", ["tess_curve", "kepler_curve"])
def test_csv_round_trip_keeps_times_flux_and_time_system(sample, tmp_path, request):
    lc = request.getfixturevalue(sample)
    loaded = load_lightcurve(write_csv(lc, tmp_path / "curve.csv"))
    assert_same_curve(loaded, lc)
    np.testing.assert_allclose(loaded.flux_err, lc.flux_err, rtol=1e-5)
    assert loaded.meta["time_system"] == lc.meta["time_system"]
    assert loaded.meta["warnings"] == []


def test_csv_is_a_plain_table_with_a_header_naming_the_time_system(tess_curve, tmp_path):
    lines = write_csv(tess_curve, tmp_path / "curve.csv").read_text().splitlines()
    assert lines[0] == "time_btjd,flux,flux_err"
    assert len(lines) == len(tess_curve) + 1
    assert not any(line.startswith("#") for line in lines)


def test_quality_column_is_written_only_when_some_flag_is_set(tmp_path):
    time = np.arange(50) * 0.02
    quality = np.zeros(50, dtype=int)
    clean = from_arrays(time, np.ones(50), np.full(50, 1e-3), quality, {"time_system": "BKJD"})
    assert write_csv(clean, tmp_path / "clean.csv").read_text().splitlines()[0] == "time_bkjd,flux,flux_err"
    quality[[3, 17]] = [128, 1]
    flagged = from_arrays(time, np.ones(50), np.full(50, 1e-3), quality, {"mission": "Kepler"})
    csv_path = write_csv(flagged, tmp_path / "flagged.csv")
    assert csv_path.read_text().splitlines()[0] == "time,flux,flux_err,quality"
    np.testing.assert_array_equal(load_lightcurve(csv_path).quality, quality)
    np.testing.assert_array_equal(load_lightcurve(write_fits(flagged, tmp_path / "flagged.fits")).quality, quality)


def test_tess_fits_layout_matches_mission_files(tess_curve, tmp_path):
    path = write_fits(tess_curve, tmp_path / "tess.fits", flux_scale=12_000.0)
    with fits.open(path) as hdul:
        primary, table = hdul[0].header, hdul["LIGHTCURVE"]
        assert (primary["TELESCOP"], primary["MISSION"], primary["SECTOR"]) == ("TESS", "TESS", 1)
        assert primary["OBJECT"] == "SYN-complex_system-seed505" and "TICID" in primary
        for name in ("TIME", "PDCSAP_FLUX", "PDCSAP_FLUX_ERR", "SAP_FLUX", "SAP_FLUX_ERR", "QUALITY"):
            assert name in table.columns.names
        assert table.data["TIME"].dtype.byteorder == ">"
        assert table.data["PDCSAP_FLUX"].dtype.byteorder == ">"
        header = table.header
        assert (header["TIMEREF"], header["TIMESYS"], header["TIMEUNIT"]) == ("SOLARSYSTEM", "TDB", "d")
        assert (header["BJDREFI"], header["BJDREFF"]) == (2457000, 0.0)
        assert header["TIMEDEL"] == pytest.approx(2.0 / 1440)
        assert header["EXPOSURE"] > 0
        assert table.columns["PDCSAP_FLUX"].unit == "e-/s"


def test_kepler_fits_layout_uses_keplerid_quarter_and_sap_quality(kepler_curve, tmp_path):
    with fits.open(write_fits(kepler_curve, tmp_path / "kepler.fits")) as hdul:
        primary, table = hdul[0].header, hdul["LIGHTCURVE"]
        assert (primary["TELESCOP"], primary["MISSION"], primary["QUARTER"]) == ("Kepler", "Kepler", 2)
        assert "KEPLERID" in primary and "TICID" not in primary
        assert "SAP_QUALITY" in table.columns.names
        assert table.header["BJDREFI"] == 2454833
        assert table.header["TIMEDEL"] == pytest.approx(29.4244 / 1440, rel=1e-6)


def test_catalogue_number_is_taken_from_a_real_target_name(tmp_path):
    lc = from_arrays(np.arange(30.0), np.ones(30), None, None, {"mission": "TESS", "target": "TIC 358108509"})
    with fits.open(write_fits(lc, tmp_path / "real.fits")) as hdul:
        assert hdul[0].header["TICID"] == 358108509


def test_writes_are_atomic_and_leave_no_temporary_files(tess_curve, tmp_path, monkeypatch):
    path = write_csv(tess_curve, tmp_path / "curve.csv")
    before = path.read_bytes()

    def broken_savetxt(fname, *args, **kwargs):
        with open(fname, "w") as handle:
            handle.write("time,flux\n1.0,")
        raise OSError("disk full")

    monkeypatch.setattr(writers.np, "savetxt", broken_savetxt)
    with pytest.raises(OSError, match="disk full"):
        write_csv(tess_curve, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curve.csv"]


def test_write_json_is_strict(tmp_path):
    path = write_json({"a": [1, 2.5, None]}, tmp_path / "x.json")
    assert json.loads(path.read_text()) == {"a": [1, 2.5, None]}
    with pytest.raises(ValueError):
        write_json({"a": float("nan")}, tmp_path / "nan.json")
    assert not (tmp_path / "nan.json").exists()


@pytest.mark.parametrize(
    "name", ["kplr010002792-2009259160929_llc.fits", "tess2018206045859-s0001-0000000358108509-0120-s_lc.fits"]
)
def test_a_real_mission_file_survives_write_and_read(name, real_data_dir, tmp_path):
    original = load_lightcurve(real_data_dir / name)
    again = load_lightcurve(write_fits(original, tmp_path / name))
    np.testing.assert_array_equal(again.time, original.time)
    np.testing.assert_array_equal(again.flux, original.flux)
    np.testing.assert_array_equal(again.quality, original.quality)
    for key in ("mission", "target", "time_system", "time_offset", "quarter", "sector"):
        assert again.meta.get(key) == original.meta.get(key)


def test_fits_round_trip_keeps_centroids_as_moment_columns(tmp_path):
    time = np.arange(40) * 0.0204
    col, row = 640.0 + np.sin(time), 410.0 + np.cos(time)
    col[5] = row[5] = np.nan  # thruster firing: no centroid, but the flux row stays
    lc = from_arrays(time, np.ones(40), None, None, {"mission": "K2", "target": "EPIC 211117077"},
                     centroid_col=col, centroid_row=row)
    path = write_fits(lc, tmp_path / "k2.fits")
    with fits.open(path) as hdul:
        assert hdul["LIGHTCURVE"].columns["MOM_CENTR1"].unit == "pixel"
    loaded = load_lightcurve(path)
    assert loaded.meta["centroid_columns"] == ["MOM_CENTR1", "MOM_CENTR2"]
    np.testing.assert_array_equal(loaded.centroid_col, col)
    np.testing.assert_array_equal(loaded.centroid_row, row)


def test_curves_without_centroids_are_written_without_centroid_columns(tess_curve, tmp_path):
    with fits.open(write_fits(tess_curve, tmp_path / "plain.fits")) as hdul:
        assert not any("CENTR" in name for name in hdul["LIGHTCURVE"].columns.names)


def test_csv_keeps_centroids_so_a_k2_table_can_be_roll_corrected(real_data_dir, tmp_path):
    """lightkurve's to_csv names: centroid_col, centroid_row; the K2 roll correction needs them."""
    from core import AnalysisConfig, analyze

    fits_curve = load_lightcurve(real_data_dir / "ktwo211117077-c04_llc.fits")
    path = write_csv(fits_curve, tmp_path / "ktwo211117077-c04_llc.csv")
    table = load_lightcurve(path)
    assert table.meta["mission"] == "K2" and table.meta["centroid_columns"] == ["centroid_col", "centroid_row"]
    np.testing.assert_allclose(table.centroid_col, fits_curve.centroid_col, atol=1e-6)
    config = AnalysisConfig(detectors=("flares",))
    from_fits = analyze(fits_curve, config).meta["k2_roll_correction"]
    from_table = analyze(table, config).meta["k2_roll_correction"]
    assert from_table["applied"] and from_table["noise_after_ppm"] == pytest.approx(from_fits["noise_after_ppm"], rel=0.01)
