"""The analysis page's Vetting view of one transit candidate: its verdict, the report page and its reasons.

The page is the same one `python -m core analyze --report` writes and the API serves
(core.report), drawn as a PNG, so the three never disagree; the reasons are also an
HTML table a screen reader and a browser's find can use.
"""
from __future__ import annotations

import base64

import dash_bootstrap_components as dbc
from dash import html

from core.report.files import report_bytes
from core.report.panels import VERDICT_TEXT, metrics_table
from core.result import AnalysisResult
from dashapp import ids

VERDICT_BADGE = {"planet_candidate": "success", "eclipsing_binary": "warning", "false_alarm": "danger"}


def candidate_options(result: AnalysisResult) -> list[dict]:
    """One option per vetted candidate: its number, period and verdict."""
    return [{"label": f"{n}: P = {c.period:.4f} d, {VERDICT_TEXT[c.vetting.verdict].lower()}", "value": n}
            for n, c in enumerate(result.transits, start=1) if c.vetting is not None]


def vetting_view(result: AnalysisResult, number: int) -> html.Div:
    """Candidate `number`'s verdict, report page (PNG) and reasons table; ValueError for no such candidate."""
    if not 1 <= number <= len(result.transits) or result.transits[number - 1].vetting is None:
        raise ValueError(f"there is no vetted transit candidate {number}")
    candidate = result.transits[number - 1]
    verdict = candidate.vetting.verdict
    failed = candidate.vetting.failed_tests()
    page = base64.b64encode(report_bytes(result, number, "png")).decode("ascii")
    rows = [html.Tr([html.Td(row.name), html.Td(row.value), html.Td(row.threshold),
                     html.Td("" if row.passed is None else ("pass" if row.passed else "FAIL"),
                             className="" if row.passed is not False else "text-danger fw-bold"),
                     html.Td(row.detail)])
            for row in metrics_table(candidate)]
    return html.Div([
        html.Div([
            dbc.Badge(VERDICT_TEXT[verdict], color=VERDICT_BADGE[verdict], className="me-2 fs-6",
                      id=ids.VETTING_VERDICT),
            html.Span("failed: " + ", ".join(failed) if failed else "passed every test"),
        ], className="mb-2"),
        dbc.Table([html.Thead(html.Tr([html.Th(h) for h in ("Test / measurement", "Value", "Threshold", "Outcome",
                                                             "Why")])),
                   html.Tbody(rows)], size="sm", bordered=True, className="mb-3", id=ids.VETTING_REASONS),
        html.Img(src=f"data:image/png;base64,{page}", alt=f"Vetting report of candidate {number}",
                 style={"width": "100%", "maxWidth": "1100px"}, id=ids.VETTING_REPORT_IMAGE),
    ])
