"""A candidate's vetting report renders headless, and the files written open as what they claim to be."""
import io
import re

import numpy as np
import pytest
from matplotlib.image import imread

from core import analyze, from_arrays
from core.__main__ import main
from core.report.files import report_bytes, write_reports
from core.report.panels import vetting_panels
from core.synthetic.binaries import BinarySpec, eclipse_dips

CADENCE = 2.0 / 1440.0


@pytest.fixture(scope="module")
def binary_curve():
    rng = np.random.default_rng(19)
    t = np.arange(0.0, 12.0, CADENCE)
    spec = BinarySpec(period=2.3, t0=0.8, primary_depth=0.008, secondary_depth=0.002, radius_ratio=0.3, b=0.2,
                      duration=0.12)
    flux = 1.0 + rng.normal(0.0, 6e-4, t.size) - eclipse_dips(t, spec, CADENCE, 3)
    return from_arrays(t, flux, np.full(t.size, 6e-4), None, {"target": "test EB", "mission": "TESS"})


@pytest.fixture(scope="module")
def binary_result(binary_curve):
    return analyze(binary_curve)


def test_the_binary_is_found_and_judged_by_its_secondary(binary_result):
    assert len(binary_result.transits) >= 1
    candidate = binary_result.transits[0]
    assert candidate.period == pytest.approx(2.3, rel=0.01)
    assert candidate.vetting.verdict == "eclipsing_binary"
    assert "secondary" in candidate.flags
    row = binary_result.to_dict()["transits"][0]
    assert row["verdict"] == "eclipsing_binary" and row["secondary_sigma"] > 5.0
    assert abs(row["secondary_phase"] - 0.5) < 0.02
    frame = binary_result.transits_frame()
    assert "secondary FAILED" in frame.loc[0, "reasons"]


def test_png_page_opens_with_its_size_and_drawn_pixels(binary_result):
    image = imread(io.BytesIO(report_bytes(binary_result, 1, "png")), format="png")
    height, width = image.shape[:2]
    assert (width, height) == (1210, 1540)
    rgb = image[..., :3]
    assert (rgb.min(axis=2) < 0.5).mean() > 0.01  # dark ink (points, text) over a good share of the page
    assert rgb.std() > 0.05


def test_pdf_has_one_page(binary_result):
    pdf = report_bytes(binary_result, 1, "pdf")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


def test_panels_hold_the_fold_odd_even_secondary_and_each_transit(binary_result):
    panels = vetting_panels(binary_result, 1)
    assert panels.ticks.size == 5  # mid-eclipses 0.8 + k 2.3 within 12 days
    assert panels.odd.binned.x.size and panels.even.binned.x.size
    assert panels.secondary.level < 0.9995  # the secondary's measured depth is drawn
    assert [t.epoch for t in panels.transits] == [0, 1, 2, 3, 4]
    assert any(label == "2P" for label, _, _ in panels.aliases)


def test_a_missing_candidate_or_format_is_a_clear_error(binary_result):
    with pytest.raises(ValueError, match="no transit candidate 9"):
        report_bytes(binary_result, 9)
    with pytest.raises(ValueError, match="format"):
        report_bytes(binary_result, 1, "svg")


def test_cli_writes_one_report_per_candidate(binary_curve, tmp_path, capsys):
    source = tmp_path / "eb.csv"
    np.savetxt(source, np.column_stack([binary_curve.time, binary_curve.flux]), delimiter=",", header="time,flux",
               comments="")
    assert main(["analyze", str(source), "--report", str(tmp_path / "reports"), "--report-format", "png"]) == 0
    written = sorted((tmp_path / "reports").glob("candidate_*.png"))
    assert written and imread(written[0]).shape[0] == 1540
    out = capsys.readouterr()
    assert "eclipsing binary" in out.out and "vetting report(s) written" in out.err


def test_write_reports_skips_nothing_it_can_draw(binary_result, tmp_path):
    paths = write_reports(binary_result, tmp_path / "pdfs")
    assert [p.name for p in paths] == [f"candidate_{i + 1}.pdf" for i in range(len(binary_result.transits))]
