"""Upload page (/): drop FITS or CSV files; each becomes a card, bad files an error in plain words."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashapp import ids
from dashapp.infra.session import current_session_id
from dashapp.services import services
from dashapp.upload_service import store_uploads
from dashapp.views.components import alert_state, curve_cards, status_alert_outputs

dash.register_page(__name__, path="/", name="Upload", title="Upload - Light-curve anomaly detector", order=0)


def layout(**_query: str) -> html.Div:
    sid = current_session_id()
    entries = services().store.list(sid) if sid else []
    limit = services().settings.max_upload_mb
    return html.Div([
        html.H2("Upload light curves"),
        html.P([
            "Kepler, K2 or TESS light-curve FITS files (PDCSAP flux is used when present) or CSV/text "
            "files with a time and a flux column. Drop several at once, or a zip of them; up to ",
            f"{limit} MB per upload. Analyse them all at once on the ", dcc.Link("Batch", href="/batch"),
            " page, or start from the ", dcc.Link("gallery", href="/gallery"), ".",
        ], className="text-muted"),
        dcc.Upload(
            id=ids.UPLOAD_DATA,
            multiple=True,
            className="upload-zone mb-3",
            children=html.Div([html.Div("Drag and drop light-curve files here", className="fs-5"),
                               html.Div("or click to choose files (.fits, .fits.gz, .csv, .txt, .zip)",
                                        className="muted-help")]),
        ),
        dcc.Loading(dbc.Alert(id=ids.STATUS_ALERT, is_open=False, dismissable=True, className="mb-3"),
                    type="dot"),
        html.H4("Curves in this session", className="mt-2"),
        html.Div(curve_cards(entries), id=ids.UPLOAD_CARDS),
    ])


@callback(
    Output(ids.UPLOAD_CARDS, "children"),
    *status_alert_outputs(),
    Input(ids.UPLOAD_DATA, "contents"),
    State(ids.UPLOAD_DATA, "filename"),
    prevent_initial_call=True,
)
def on_upload(contents: list[str] | None, filenames: list[str] | None):
    """Store every readable file; list the others with the reason they were refused."""
    if not contents:
        raise dash.exceptions.PreventUpdate
    if not _list_of(contents, str) or not (filenames is None or _list_of(filenames, (str, type(None)))):
        return dash.no_update, *alert_state(["The browser sent the upload in an unexpected form; please upload "
                                             "the files again."])
    sid = current_session_id()
    if sid is None:
        return dash.no_update, *alert_state(["Your session has expired; reload the page and try again."])
    svc = services()
    outcome = store_uploads(svc.store, sid, contents, filenames or [None] * len(contents),
                            max_bytes=svc.settings.max_upload_mb * 1024 * 1024,
                            max_zip_files=svc.settings.max_batch_files)
    notice = None
    if outcome.stored:
        n = len(outcome.stored)
        notice = f"Loaded {n} curve{'s' if n != 1 else ''}. Open the Analysis page to look for events."
    return curve_cards(svc.store.list(sid)), *alert_state(outcome.errors, notice)


def _list_of(values: object, kind: type | tuple[type, ...]) -> bool:
    """dcc.Upload (multiple=True) sends lists; anything else did not come from the page."""
    return isinstance(values, list) and all(isinstance(v, kind) for v in values)
