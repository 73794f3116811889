"""Shown for any path that is not a page."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

dash.register_page(__name__, path="/404", name="Not found", title="Not found - Light-curve anomaly detector")


def layout(**_query: str) -> html.Div:
    return html.Div([
        html.H2("This page does not exist"),
        html.P("The address may be mistyped, or the page has moved."),
        dcc.Link(dbc.Button("Go to the upload page", color="primary"), href="/"),
    ], className="py-4")
