"""The Analysis page's Completeness card: what the chosen curve could have hidden.

`request_completeness` checks the choice at once (the curve is this session's, the grid
fits it) and seals a job; `run_completeness`, a background callback with progress,
injects into the session's stored curve and draws the heatmap and the sentence.
The analysis page calls `register_callbacks()`: Dash runs a page's file anew for every
app it builds, and hands each app only the callbacks registered since the last one.
"""
from __future__ import annotations

import logging
import multiprocessing

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from core.completeness import check_request, completeness
from core.completeness.grid import KINDS
from core.errors import UserError
from dashapp import ids
from dashapp.infra.session import current_session_id, seal, unseal
from dashapp.services import services
from dashapp.views import figures
from dashapp.views.completeness_figure import completeness_figure

log = logging.getLogger(__name__)

INJECTION_CHOICES = (50, 100, 200)
DEFAULT_INJECTIONS = 100
SEED = 0  # the page's maps are reproducible: the same curve and choices give the same map
KIND_LABELS = {"transit": "Planets (period x depth)", "flare": "Flares (FWHM x amplitude)"}


def card() -> dbc.Card:
    """The card: what to inject, how many, a button, progress, the heatmap and the sentence."""
    return dbc.Card(dbc.CardBody([
        html.H5("Completeness", className="card-title"),
        html.Div("Planets or flares are injected into this curve itself and searched for again: the map shows "
                 "which ones would have been found (the same seed gives the same map).", className="muted-help mb-2"),
        dcc.Store(id=ids.COMPLETENESS_REQUEST),
        dbc.Row([
            dbc.Col(dbc.RadioItems(id=ids.COMPLETENESS_KIND, value=KINDS[0], inline=True,
                                   options=[{"label": KIND_LABELS[k], "value": k} for k in KINDS]), md=6),
            dbc.Col(dbc.InputGroup([
                dbc.InputGroupText("Injections"),
                dbc.Select(id=ids.COMPLETENESS_N, value=str(DEFAULT_INJECTIONS),
                           options=[{"label": str(n), "value": str(n)} for n in INJECTION_CHOICES]),
            ], size="sm"), md=3),
            dbc.Col(dbc.Button("Compute completeness", id=ids.COMPLETENESS_BUTTON, color="primary", size="sm",
                               className="w-100"), md=3),
        ], className="g-2 mb-2 align-items-center"),
        dbc.Progress(id=ids.COMPLETENESS_PROGRESS, value=0, label="", className="mb-2", style={"height": "14px"}),
        html.Div(id=ids.COMPLETENESS_SENTENCE, className="fw-semibold mb-2"),
        dcc.Graph(id=ids.COMPLETENESS_GRAPH, style={"height": "420px"}, config={"displaylogo": False},
                  figure=figures.placeholder("Press Compute completeness to see what this curve could hide.")),
    ]), id=ids.COMPLETENESS_CARD, className="shadow-sm mb-4")


def register_callbacks() -> None:
    """Wire the card's two callbacks to the app being built."""
    callback(
        Output(ids.COMPLETENESS_REQUEST, "data"),
        Output(ids.COMPLETENESS_SENTENCE, "children", allow_duplicate=True),
        Input(ids.COMPLETENESS_BUTTON, "n_clicks"),
        State(ids.CURVE_SELECT, "value"),
        State(ids.COMPLETENESS_KIND, "value"),
        State(ids.COMPLETENESS_N, "value"),
        prevent_initial_call=True,
    )(request_completeness)
    callback(
        Output(ids.COMPLETENESS_GRAPH, "figure"),
        Output(ids.COMPLETENESS_SENTENCE, "children"),
        Input(ids.COMPLETENESS_REQUEST, "data"),
        background=True,
        progress=[Output(ids.COMPLETENESS_PROGRESS, "value"), Output(ids.COMPLETENESS_PROGRESS, "label")],
        running=[(Output(ids.COMPLETENESS_BUTTON, "disabled"), True, False)],
        interval=500,
        prevent_initial_call=True,
    )(run_completeness)


def request_completeness(n_clicks, curve_hash, kind, n_injections):
    """Refuse a bad choice at once, in words; otherwise seal the job for the background callback."""
    sid = current_session_id()
    svc = services()
    if not curve_hash or sid is None or not svc.store.has(sid, curve_hash):
        return dash.no_update, "Choose a light curve first (upload one or open one from the gallery)."
    if kind not in KINDS or str(n_injections) not in {str(n) for n in INJECTION_CHOICES}:
        raise dash.exceptions.PreventUpdate  # the page sends only its own choices; anything else was crafted
    lc = svc.store.load(sid, curve_hash)
    try:
        check_request(lc, None, kind, None, int(n_injections), SEED)
    except UserError as exc:
        return dash.no_update, f"Completeness cannot run on this curve: {exc}."
    token = seal(dash.get_app().server, {"sid": sid, "curve": curve_hash, "kind": kind, "n": int(n_injections)})
    return token, "Injecting and searching again; this takes about a second per injection on two cores."


def run_completeness(set_progress, token):
    """The injections, in a background process; a pool of its own unless that process may not have children."""
    job = unseal(dash.get_app().server, token)
    if job is None:
        return dash.no_update, "This request has expired; press Compute completeness again."
    lc = services().store.load(job["sid"], job["curve"])
    if lc is None:
        return dash.no_update, "This curve is no longer stored; upload it again."

    def progress(fraction: float, message: str) -> None:
        percent = int(round(100 * max(0.0, min(1.0, fraction))))
        set_progress((percent, f"{percent}%"))

    # A Celery worker's process is daemonic and may not start a pool: run the injections in it one by one.
    jobs = 1 if multiprocessing.current_process().daemon else None
    try:
        result = completeness(lc, None, kind=job["kind"], n_injections=job["n"], seed=SEED, jobs=jobs,
                              progress=progress).to_dict()
    except UserError as exc:
        return dash.no_update, f"Completeness stopped: {exc}."
    except Exception:  # shown in plain words; the traceback goes to the log only
        log.exception("completeness failed")
        return dash.no_update, "Completeness failed because of an internal error; it has been logged."
    return completeness_figure(result), result["sentence"]
