"""Gallery page (/gallery): sample curves as cards; a click opens one in /analysis, analysed."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashapp import ids
from dashapp.gallery_catalog import GalleryEntry, catalog, ensure_samples
from dashapp.services import services
from dashapp.views.thumbnails import thumbnail

dash.register_page(__name__, path="/gallery", name="Gallery", title="Gallery - Light-curve anomaly detector",
                   order=3)


def card(entry: GalleryEntry, figure: dict) -> dbc.Col:
    body = dbc.Card([
        dcc.Graph(figure=figure, config={"staticPlot": True}, style={"height": "120px"}),
        dbc.CardBody([
            html.H5(entry.title, className="card-title"),
            html.P(entry.description, className="card-text"),
            html.Div(entry.source, className="muted-help"),
        ]),
    ], className="gallery-card shadow-sm")
    link = dcc.Link(body, href=f"/analysis?sample={entry.entry_id}&run=1", className="gallery-link",
                    id={"type": ids.GALLERY_CARD_TYPE, "entry": entry.entry_id})
    return dbc.Col(link, xs=12, md=6, xl=4, className="mb-3")


def layout(**_query: str) -> html.Div:
    svc = services()
    ensure_samples(svc.settings)
    entries = [e for e in catalog(svc.settings) if e.path.exists()]
    return html.Div([
        html.H2("Sample gallery"),
        html.P("Five synthetic curves with known answers and real Kepler, K2 and TESS curves. "
               "Click a card to open it on the Analysis page, analysed.", className="text-muted"),
        dbc.Row([card(e, thumbnail(svc.cache, e.entry_id, e.path)) for e in entries], id=ids.GALLERY),
    ])
