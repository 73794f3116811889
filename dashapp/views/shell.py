"""The frame around every page: navigation bar and the page container."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

NAV_ITEMS = (("Upload", "/"), ("Analysis", "/analysis"), ("Batch", "/batch"), ("Training", "/training"),
             ("Gallery", "/gallery"))


def navbar() -> dbc.Navbar:
    links = [dbc.NavItem(dbc.NavLink(label, href=href, active="exact")) for label, href in NAV_ITEMS]
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand([html.Img(src=dash.get_asset_url("favicon.svg"), height="28px", className="me-2"),
                             "Light-curve anomaly detector"], href="/"),
            dbc.Nav(links, navbar=True, className="ms-auto"),
        ], fluid=True),
        color="primary", dark=True, className="mb-3",
    )


def layout() -> html.Div:
    return html.Div([
        navbar(),
        dbc.Container(dash.page_container, fluid=True, className="pb-5"),
    ])
