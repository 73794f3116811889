"""Small layout pieces shared by pages: curve cards and the status alert."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Output, dcc, html

from dashapp import ids
from dashapp.infra.curve_store import StoredCurve


def _fmt(value: float | None, unit: str, digits: int = 2) -> str:
    return "unknown" if value is None else f"{value:,.{digits}f} {unit}"


def curve_card(entry: StoredCurve) -> dbc.Card:
    """What an uploaded file turned into: target, mission, points, span, cadence, warnings."""
    s = entry.summary
    facts = [
        ("Mission", s["mission"]),
        ("Points", f"{s['n_points']:,}"),
        ("Time span", _fmt(s["time_span_days"], "days")),
        ("Cadence", _fmt(s["cadence_min"], "min", 1)),
        ("Time system", s.get("time_system") or "unknown"),
    ]
    known_target = s["target"] != "unknown target"
    body: list[Any] = [
        html.H5(s["target"] if known_target else entry.name, className="card-title text-truncate",
                title=entry.name),
        html.H6(entry.name if known_target else "no target name in the file",
                className="card-subtitle text-muted mb-2 text-truncate"),
        html.Dl([item for label, value in facts for item in (html.Dt(label), html.Dd(value))]),
    ]
    if s["warnings"]:
        body.append(dbc.Alert([html.Strong("Format warnings: "), "; ".join(s["warnings"])],
                              color="warning", className="py-1 px-2 mt-2 mb-0 small"))
    body.append(dcc.Link(dbc.Button("Analyse", color="primary", size="sm", className="mt-2"),
                         href=f"/analysis?curve={entry.curve_hash}"))
    return dbc.Card(dbc.CardBody(body), className="curve-card h-100 shadow-sm")


def curve_cards(entries: list[StoredCurve]) -> Any:
    if not entries:
        return html.P("No curves yet in this browser session.", className="text-muted")
    return dbc.Row([dbc.Col(curve_card(e), xs=12, md=6, xl=4, className="mb-3") for e in entries])


def alert_state(errors: list[str], notice: str | None = None) -> tuple[Any, bool, str]:
    """children, is_open and colour of the status alert: errors in red, a notice in green."""
    if errors:
        items = html.Ul([html.Li(message) for message in errors], className="mb-0")
        lead = "Some files could not be read:" if notice else "Could not read:"
        children = [html.Div(notice, className="mb-1")] if notice else []
        return children + [html.Strong(lead), items], True, "warning" if notice else "danger"
    if notice:
        return notice, True, "success"
    return "", False, "info"


def status_alert_outputs() -> list[Output]:
    """The status alert's children, is_open and colour: what `alert_state` fills, as callback outputs.

    Several callbacks of a page report to the same alert, hence allow_duplicate.
    """
    return [Output(ids.STATUS_ALERT, prop, allow_duplicate=True) for prop in ("children", "is_open", "color")]
