"""Text tables: delimiters, comment headers, column aliases, bad values, order."""
import numpy as np
import pytest

from core.errors import LightCurveFormatError
from core.io import load_lightcurve, mission_from_filename
from io_builders import make_csv


def _rows(n, fmt="{t:.4f},{f:.6f}", start=1500.0):
    return "".join(fmt.format(t=start + 0.02 * i, f=1.0 + 1e-4 * np.sin(i)) + "\n" for i in range(n))


def test_plain_csv_loads_with_error_column():
    lc = load_lightcurve(make_csv(100))
    assert len(lc) == 100
    assert (lc.meta["flux_column"], lc.meta["flux_err_column"]) == ("flux", "flux_err")
    assert lc.meta["format"] == "text"
    assert lc.meta["columns_inferred"] is False
    np.testing.assert_allclose(lc.flux_err, 0.001)


@pytest.mark.parametrize("sep, name", [("\t", "\t"), (";", ";"), ("|", "|"), ("   ", "whitespace")])
def test_delimiters_are_sniffed(sep, name):
    lc = load_lightcurve(make_csv(50, header=sep.join(["time", "flux", "flux_err"]), sep=sep))
    assert len(lc) == 50
    assert lc.meta["delimiter"] == name


def test_comment_lines_and_commented_header_are_understood():
    text = "% written by hand\n\\ fixed-width style comment\n# time,flux,flux_err\n"
    text += _rows(40, "{t:.4f},{f:.6f},0.001", start=2458325.3)
    lc = load_lightcurve(text.encode())
    assert len(lc) == 40
    assert lc.meta["columns"] == ["time", "flux", "flux_err"]
    assert lc.meta["time_system"] == "BJD/JD (full Julian date)"


def test_leading_unnamed_index_column_is_ignored():
    text = ",time,flux,flux_err\n" + "".join(f"{i},{1500 + 0.02 * i:.4f},{1 + i * 1e-5:.6f},0.001\n" for i in range(40))
    lc = load_lightcurve(text.encode())
    assert lc.time[0] == pytest.approx(1500.0)
    assert lc.flux[1] == pytest.approx(1.00001)


@pytest.mark.parametrize("n_columns, names", [(2, ["time", "flux"]), (3, ["time", "flux", "flux_err"])])
def test_headerless_two_or_three_columns_are_inferred_with_a_warning(n_columns, names):
    fmt = "{t:.4f},{f:.6f}" + (",0.001" if n_columns == 3 else "")
    lc = load_lightcurve(_rows(30, fmt).encode())
    assert lc.meta["columns_inferred"] is True
    assert lc.meta["columns"] == names
    assert any("assumed the columns" in w for w in lc.meta["warnings"])


def test_headerless_four_columns_is_an_error_asking_for_a_header():
    with pytest.raises(LightCurveFormatError, match="no header line"):
        load_lightcurve(_rows(30, "{t:.4f},{f:.6f},1,2").encode())


@pytest.mark.parametrize(
    "header, time_system",
    [
        ("JD,FLUX", "JD"),
        ("BTJD,PDCSAP_FLUX", "BTJD"),
        ("bkjd,rel_flux", "BKJD"),
        ("MJD,flux", "MJD"),
        ("HJD,flux", "HJD"),
        ("BJD_TDB,flux", "BJD"),
        ("time_bjd,norm_flux", "BJD"),
        ("Time [BTJD],Flux (e-/s)", "BTJD"),
        ("TIME,SAP_FLUX", "unknown"),
        ("t,f", "unknown"),
    ],
)
def test_header_aliases_are_case_insensitive(header, time_system):
    lc = load_lightcurve((header + "\n" + _rows(30)).encode())
    assert len(lc) == 30
    assert lc.meta["flux_column"] == header.split(",")[1]
    assert lc.meta["time_system"] == time_system


def test_pdcsap_is_preferred_over_sap_and_recorded():
    text = "time,SAP_FLUX,PDCSAP_FLUX\n" + "".join(f"{i * 0.02:.3f},{100 + i},{1.0}\n" for i in range(30))
    lc = load_lightcurve(text.encode())
    assert lc.meta["flux_column"] == "PDCSAP_FLUX"
    assert lc.meta["other_flux_columns"] == ["SAP_FLUX"]
    np.testing.assert_array_equal(lc.flux, 1.0)


def test_sap_can_be_requested():
    text = "time,SAP_FLUX,PDCSAP_FLUX\n" + "".join(f"{i * 0.02:.3f},{100 + i},{1.0}\n" for i in range(30))
    assert load_lightcurve(text.encode(), flux_column="sap").meta["flux_column"] == "SAP_FLUX"


def test_two_plausible_flux_columns_use_the_first_alias_and_warn():
    text = "time,rel_flux,flux\n" + "".join(f"{i * 0.02:.3f},2.0,1.0\n" for i in range(30))
    lc = load_lightcurve(text.encode())
    assert lc.meta["flux_column"] == "flux"
    assert lc.meta["other_flux_columns"] == ["rel_flux"]
    assert any("several flux-like columns" in w for w in lc.meta["warnings"])


def test_magnitudes_become_relative_flux_with_a_warning():
    mags = [10.0, 10.0, 9.0, 11.0] + [10.0] * 26
    text = "HJD,mag,mag_err\n" + "".join(f"{2450000 + i * 0.02:.3f},{m},0.01\n" for i, m in enumerate(mags))
    lc = load_lightcurve(text.encode())
    assert np.median(lc.flux) == pytest.approx(1.0)
    assert lc.flux[2] == pytest.approx(10 ** 0.4)  # one magnitude brighter
    assert lc.flux[3] == pytest.approx(10 ** -0.4)
    assert lc.flux_err[0] == pytest.approx(0.4 * np.log(10) * 0.01)
    assert lc.meta["flux_err_column"] == "mag_err"
    assert any("magnitudes" in w for w in lc.meta["warnings"])


def test_missing_value_markers_are_nan_not_errors():
    values = ["NaN" if i % 10 == 0 else "n/a" if i % 10 == 1 else "1.0" for i in range(100)]
    text = "time,flux\n" + "".join(f"{i * 0.02:.3f},{v}\n" for i, v in enumerate(values))
    lc = load_lightcurve(text.encode())
    assert len(lc) == 80
    assert lc.meta["n_nan_flux"] == 20
    assert lc.meta["warnings"] == []


def test_a_few_bad_values_are_dropped_and_counted():
    lines = ["time,flux"] + [f"{i * 0.02:.3f},{1.0}" for i in range(100)]
    lines[51] = "1.000,oops"
    lc = load_lightcurve(("\n".join(lines) + "\n").encode())
    assert len(lc) == 99
    assert lc.meta["warnings"] == ["column flux: dropped 1 value(s) that aren't numbers (first: 'oops' on line 52)"]


def test_many_bad_values_name_the_column_value_and_line():
    lines = ["time,flux"] + [f"{i * 0.02:.3f},{'high' if i >= 10 else 1.0}" for i in range(100)]
    with pytest.raises(LightCurveFormatError, match=r"column flux has 90 of 100 .*'high' on line 12"):
        load_lightcurve(("\n".join(lines) + "\n").encode())


def test_ragged_row_is_reported_with_its_line_number():
    text = "# note\ntime,flux\n" + _rows(30) + "1.0,2.0,3.0,4.0\n" + _rows(5, start=1600)
    with pytest.raises(LightCurveFormatError, match="line 33"):
        load_lightcurve(text.encode())


def test_unsorted_rows_are_sorted_and_duplicates_counted():
    times = [5.0, 1.0, 3.0, 3.0, 2.0] + [10.0 + i for i in range(30)]
    text = "time,flux\n" + "".join(f"{t},{1.0 + i}\n" for i, t in enumerate(times))
    lc = load_lightcurve(text.encode())
    assert np.all(np.diff(lc.time) > 0)
    assert lc.meta["was_sorted"] is False
    assert lc.meta["n_duplicate_times"] == 1
    assert len(lc) == 34


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_unicode_encodings_load(encoding):
    text = make_csv(40).decode().replace("\n", "\r\n")
    assert len(load_lightcurve(text.encode(encoding))) == 40


def test_latin1_comment_is_fine():
    data = "# T_eff = 3000\xb0K\n".encode("latin-1") + make_csv(30)
    assert len(load_lightcurve(data)) == 30


def test_quality_column_is_read():
    text = "time,flux,quality\n" + "".join(f"{i * 0.02:.3f},1.0,{1 if i < 3 else 0}\n" for i in range(30))
    lc = load_lightcurve(text.encode())
    assert lc.meta["quality_column"] == "quality"
    assert lc.meta["n_quality_flagged"] == 3


@pytest.mark.parametrize("col, row", [("centroid_col", "centroid_row"), ("MOM_CENTR1", "MOM_CENTR2"),
                                      ("psf_centr1", "psf_centr2")])
def test_centroid_columns_are_read_as_a_pair(col, row):
    text = f"time,flux,{col},{row}\n" + "".join(f"{i * 0.02:.3f},1.0,{500 + 0.01 * i:.3f},{800 - 0.01 * i:.3f}\n"
                                             for i in range(30))
    lc = load_lightcurve(text.encode())
    assert lc.has_centroids and lc.meta["centroid_columns"] == [col, row]
    np.testing.assert_allclose(lc.centroid_col[:3], [500.0, 500.01, 500.02])
    np.testing.assert_allclose(lc.centroid_row[:3], [800.0, 799.99, 799.98])


def test_half_a_centroid_pair_is_no_centroid():
    text = "time,flux,centroid_col\n" + "".join(f"{i * 0.02:.3f},1.0,500\n" for i in range(30))
    lc = load_lightcurve(text.encode())
    assert not lc.has_centroids and lc.meta["centroid_columns"] is None


@pytest.mark.parametrize("name, mission", [
    ("ktwo211117077-c04_llc.csv", "K2"), ("hlsp_k2sff_k2_lightcurve_211117077-c04_kepler_v1_llc.csv", "K2"),
    ("hlsp_everest_k2_llc_201367065-c01_kepler_v2.0_lc.csv", "K2"), ("kplr010002792-2009259160929_llc.csv", "Kepler"),
    ("tess2018206045859-s0001-0000000358108509-0120-s_lc.csv", "TESS"),
    ("hlsp_qlp_tess_ffi_s0001-0000000358108509_tess_v01_llc.csv", "TESS"),
    ("/uploads/KTWO211117077-c04_llc.csv", "K2"),
    ("my_k2_star.csv", None), ("kplr_notes.csv", None), ("", None), (None, None),
])
def test_mission_comes_from_archive_style_file_names(name, mission):
    assert mission_from_filename(name) == mission


def test_a_table_takes_its_mission_from_the_file_name_and_a_fits_file_from_its_header():
    named = load_lightcurve(make_csv(50), filename="ktwo211117077-c04_llc.csv")
    assert (named.meta["mission"], named.meta["mission_source"]) == ("K2", "file name")
    plain = load_lightcurve(make_csv(50), filename="curve.csv")
    assert (plain.meta["mission"], plain.meta["mission_source"]) == (None, None)


def test_more_than_1000_columns_is_an_error():
    header = "time,flux," + ",".join(f"c{i}" for i in range(1000))
    row = ",".join(["1.0"] * 1002)
    with pytest.raises(LightCurveFormatError, match="1002 columns, more than the limit of 1000"):
        load_lightcurve(f"{header}\n{row}\n".encode())


def test_large_csv_loads():
    lc = load_lightcurve(make_csv(200_000))
    assert len(lc) == 200_000
    assert lc.flux.dtype == np.float64
