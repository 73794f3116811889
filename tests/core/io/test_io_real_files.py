"""Every real Kepler/K2/TESS file in ../shared/data/real loads and matches MANIFEST.json.

Skips (via the real_data_dir fixture) when the shared folder is absent.
"""
import json
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from core.errors import LightCurveFormatError
from core.io import load_lightcurve

_MANIFEST = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "real" / "MANIFEST.json"
_ENTRIES = json.loads(_MANIFEST.read_text()) if _MANIFEST.exists() else []
_BAD_FIXTURE = "k2_3_truncated_7cadences_custom-lc.fits"
FITS_FILES = [e["file"] for e in _ENTRIES if e["format"] == "fits" and e["file"] != _BAD_FIXTURE] or ["(absent)"]
CSV_FILES = [e["file"] for e in _ENTRIES if e["format"] == "csv"] or ["(absent)"]
EXPORTED = [e["file"] for e in _ENTRIES if e.get("csv_export")] or ["(absent)"]


@pytest.mark.parametrize("name", FITS_FILES)
def test_real_fits_matches_manifest(real_data_dir, real_manifest, name):
    entry = real_manifest[name]
    lc = load_lightcurve(real_data_dir / name)
    meta = lc.meta
    assert meta["n_input_rows"] == entry["n_cadences"]
    assert np.sum(lc.quality == 0) == entry["n_good"]
    assert meta["mission"] == entry["mission"]
    assert meta["target"] == entry["target"]
    assert entry["time_system"].startswith(meta["time_system"])
    assert meta["time_system"] in ("BKJD", "BTJD")
    assert meta["time_offset"] == entry["time_offset_to_bjd"]
    assert meta["cadence_min"] == pytest.approx(entry["cadence_min"], rel=1e-3)
    assert meta["flux_column"] == entry["flux_column_used"]
    assert meta["quality_column"] == entry["quality_column"]
    for key in ("quarter", "campaign", "sector"):
        assert meta.get(key) == entry[key]


@pytest.mark.parametrize("name", CSV_FILES)
def test_real_csv_loads_every_row(real_data_dir, real_manifest, name):
    entry = real_manifest[name]
    lc = load_lightcurve(real_data_dir / name)
    assert len(lc) == entry["n_cadences"]
    assert lc.meta["flux_column"] == entry["flux_column_used"]
    assert lc.time[0] == pytest.approx(entry["time_min"])


@pytest.mark.parametrize("name", EXPORTED)
def test_fits_and_its_csv_export_agree(real_data_dir, real_manifest, name):
    export = real_manifest[name]["csv_export"]
    from_fits = load_lightcurve(real_data_dir / name)
    from_csv = load_lightcurve(real_data_dir / export["file"])
    assert len(from_csv) == export["n_rows"]
    good = from_fits.select(from_fits.quality == 0)
    np.testing.assert_allclose(from_csv.time, good.time, rtol=0, atol=1e-7)  # CSV keeps 8 decimals
    np.testing.assert_allclose(from_csv.flux, good.flux, rtol=1e-6)  # float32 flux printed to ~7 digits


def test_seven_cadence_k2_fixture_is_too_short(real_data_dir):
    with pytest.raises(LightCurveFormatError, match="only 7 usable point"):
        load_lightcurve(real_data_dir / _BAD_FIXTURE)


def test_real_fits_cut_in_half_is_truncated(real_data_dir):
    data = (real_data_dir / "tess2018206045859-s0001-0000000358108509-0120-s_lc.fits").read_bytes()
    with pytest.raises(LightCurveFormatError, match="truncated"):
        load_lightcurve(data[: len(data) // 2])


def test_k2_file_brings_its_moment_centroids_for_roll_correction(real_data_dir):
    name = "ktwo211117077-c04_llc.fits"
    lc = load_lightcurve(real_data_dir / name)
    with fits.open(real_data_dir / name) as hdul:
        table = hdul["LIGHTCURVE"].data
        by_time = {t: (c, r) for t, c, r in zip(table["TIME"], table["MOM_CENTR1"], table["MOM_CENTR2"])}
    assert lc.meta["centroid_columns"] == ["MOM_CENTR1", "MOM_CENTR2"]
    assert lc.has_centroids and len(lc.centroid_col) == len(lc) > 3000
    expected_col, expected_row = np.array([by_time[t] for t in lc.time]).T
    finite = np.isfinite(lc.centroid_col)
    assert finite.sum() > 3000
    np.testing.assert_array_equal(np.isfinite(expected_col), finite)
    np.testing.assert_array_equal(lc.centroid_col[finite], expected_col[finite])
    np.testing.assert_array_equal(lc.centroid_row[finite], expected_row[finite])
