"""Batch page (/batch): every curve of the session analysed at once, one row each, sortable and filterable.

The batch runs where REST batches run (this web worker's pool, or the Celery workers with
REDIS_URL) and is owned by the session, like its curves. The table fills in while it runs;
a click on a row opens that curve on the Analysis page, where its result is already cached.
"""
from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from core.batch.summary import summary_csv
from core.config import AnalysisConfig
from core.errors import UserError
from dashapp import ids
from dashapp.batch.store import is_batch_id
from dashapp.infra.ownership import Caller
from dashapp.infra.session import current_session_id
from dashapp.services import services
from dashapp.views.batch_table import batch_columns, batch_rows
from dashapp.views.components import alert_state, status_alert_outputs
from dashapp.views.tables import DEFAULT_COL_DEF

dash.register_page(__name__, path="/batch", name="Batch", title="Batch - Light-curve anomaly detector", order=2)

POLL_MS = 1500
GRID_OPTIONS = {"rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
                "tooltipShowDelay": 300}


def layout(**_query: str) -> html.Div:
    sid = current_session_id()
    n_curves = len(services().store.list(sid)) if sid else 0
    return html.Div([
        dcc.Store(id=ids.BATCH_ID, storage_type="session"),
        dcc.Interval(id=ids.BATCH_POLL, interval=POLL_MS, disabled=True),
        dcc.Location(id=ids.BATCH_OPEN, refresh=True),
        dcc.Download(id=ids.BATCH_DOWNLOAD_FILE),
        html.H2("Batch"),
        html.P([f"Analyse all {n_curves} curve{'s' if n_curves != 1 else ''} of this session at once with the "
                "default settings. Add curves (or a zip of them) on the ", dcc.Link("Upload", href="/"),
                " page. Click a row to open that curve on the Analysis page."], className="text-muted"),
        dbc.Alert(id=ids.STATUS_ALERT, is_open=False, dismissable=True, className="mb-3"),
        html.Div([
            dbc.Button("Analyse all curves", id=ids.BATCH_RUN_BUTTON, color="primary", className="me-2",
                       disabled=n_curves == 0),
            dbc.Button("Download table (CSV)", id=ids.BATCH_DOWNLOAD_CSV, color="primary", outline=True,
                       disabled=True),
        ], className="mb-3"),
        dbc.Progress(id=ids.BATCH_PROGRESS, value=0, label="", className="mb-3", style={"height": "18px"}),
        dag.AgGrid(id=ids.BATCH_TABLE, rowData=[], columnDefs=batch_columns(), defaultColDef=DEFAULT_COL_DEF,
                   dashGridOptions=GRID_OPTIONS, getRowId="String(params.data.index)",
                   style={"height": "560px"}, className="ag-theme-alpine mb-3"),
    ])


@callback(
    Output(ids.BATCH_ID, "data"),
    *status_alert_outputs(),
    Input(ids.BATCH_RUN_BUTTON, "n_clicks"),
    prevent_initial_call=True,
)
def start_batch(n_clicks: int | None):
    """A batch of every stored curve of this session, owned by the session."""
    sid = current_session_id()
    if not n_clicks or sid is None:
        return dash.no_update, *alert_state(["Your session has expired; reload the page and try again."])
    svc = services()
    curves = []
    for entry in svc.store.list(sid):
        npz = svc.store.npz(sid, entry.curve_hash)
        if npz is not None:
            curves.append((entry.name, entry.curve_hash, npz))
    if not curves:
        return dash.no_update, *alert_state(["This session has no curves yet: upload some first."])
    if len(curves) > svc.settings.max_batch_files:
        return dash.no_update, *alert_state([f"This session holds {len(curves):,} curves, more than the "
                                             f"{svc.settings.max_batch_files:,} one batch takes (MAX_BATCH_FILES)."])
    try:
        batch_id = svc.batches.start_stored(Caller.of_session(sid).owner, curves, AnalysisConfig())
    except UserError as exc:  # the queue is full or unreachable: said in plain words
        return dash.no_update, *alert_state([str(exc)])
    return batch_id, *alert_state([], f"Analysing {len(curves)} curves; the table fills in as they finish.")


@callback(
    Output(ids.BATCH_TABLE, "rowData"),
    Output(ids.BATCH_PROGRESS, "value"),
    Output(ids.BATCH_PROGRESS, "label"),
    Output(ids.BATCH_POLL, "disabled"),
    Output(ids.BATCH_DOWNLOAD_CSV, "disabled"),
    Input(ids.BATCH_ID, "data"),
    Input(ids.BATCH_POLL, "n_intervals"),
)
def show_batch(batch_id: str | None, _ticks: int | None):
    """The batch's rows and progress; polling stops when every curve is finished."""
    view, hashes = _session_batch(batch_id)
    if view is None:
        return [], 0, "", True, True
    finished = view["counts"]["done"] + view["counts"]["failed"]
    label = f"{finished} / {view['n_curves']} curves" + (f", {view['counts']['failed']} failed"
                                                          if view["counts"]["failed"] else "")
    running = view["status"] != "done"
    return batch_rows(view, hashes), round(100 * view["progress"]), label, not running, False


@callback(
    Output(ids.BATCH_DOWNLOAD_FILE, "data"),
    Input(ids.BATCH_DOWNLOAD_CSV, "n_clicks"),
    State(ids.BATCH_ID, "data"),
    prevent_initial_call=True,
)
def download_table(n_clicks: int | None, batch_id: str | None):
    view, _ = _session_batch(batch_id)
    if not n_clicks or view is None:
        raise dash.exceptions.PreventUpdate
    return dict(content=summary_csv(view["summary"]), filename=f"batch-{view['id'][:8]}.csv", type="text/csv")


@callback(
    Output(ids.BATCH_OPEN, "href"),
    Input(ids.BATCH_TABLE, "cellClicked"),
    State(ids.BATCH_TABLE, "rowData"),
    prevent_initial_call=True,
)
def open_curve(clicked: dict | None, rows: list[dict] | None):
    """The clicked curve on the Analysis page, analysed at once (its result is in the cache when it is done)."""
    if not isinstance(clicked, dict) or not rows:
        raise dash.exceptions.PreventUpdate
    row_id = str(clicked.get("rowId"))  # the curve's index in the batch, however the table is sorted
    row = rows[int(row_id)] if row_id.isdigit() and int(row_id) < len(rows) else None
    if row is None or row.get("status") != "ok" or not isinstance(row.get("curve"), str):
        raise dash.exceptions.PreventUpdate
    return f"/analysis?curve={row['curve']}&run=1"


def _session_batch(batch_id: object) -> tuple[dict | None, list[str]]:
    """(view, curve hashes) of the batch if it is this session's; (None, []) otherwise."""
    sid = current_session_id()
    if sid is None or not is_batch_id(batch_id):
        return None, []
    batches = services().batches
    caller = Caller.of_session(sid)
    meta = batches.meta(batch_id, caller)
    view = batches.view(batch_id, caller) if meta is not None else None
    if view is None:
        return None, []
    return view, [curve["curve_hash"] for curve in meta["curves"]]
