"""A candidate's vetting report as PDF or PNG bytes, or every candidate's written to a folder.

Drawn with matplotlib's Agg canvas on a Figure that pyplot never sees, so a web worker
or a CLI run without a display renders it, and no global figure state leaks between
requests.
"""
from __future__ import annotations

import io
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg

from core.report import REPORT_FORMATS
from core.report.page import draw_page
from core.report.panels import vetting_panels
from core.result import AnalysisResult

PNG_DPI = 110


def report_bytes(result: AnalysisResult, number: int, fmt: str = "pdf") -> bytes:
    """Candidate `number`'s (1-based) report page as PDF or PNG bytes; ValueError for a bad number or format."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"report format must be one of {REPORT_FORMATS}, got {fmt!r}")
    figure = draw_page(vetting_panels(result, number))
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=PNG_DPI)
    return buffer.getvalue()


def write_reports(result: AnalysisResult, folder: str | Path, fmt: str = "pdf") -> list[Path]:
    """One file per vetted candidate, candidate_<n>.<fmt>, in `folder` (created); the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, candidate in enumerate(result.transits, start=1):
        if candidate.vetting is None:
            continue
        path = folder / f"candidate_{number}.{fmt}"
        path.write_bytes(report_bytes(result, number, fmt))
        written.append(path)
    return written
