"""Analysis page (/analysis): pick a curve and settings, analyse it, explore plots and tables.

Flow: `request_analysis` answers from the cache when it can (fast path) or hands a
sealed job to `run_analysis`, a background callback with progress. Both end in a
store that `show` turns into figures and tables. Query parameters: `curve` (a
content hash of this session), `sample` (a gallery id, opened into the session),
`run=1` (analyse at once).
"""
from __future__ import annotations

import logging

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html

from core.anomaly.registry import ModelNotFoundError
from core.config import DETECTORS, AnalysisConfig
from core.errors import ConfigError, UserError
from core.report.files import report_bytes
from dashapp import gallery_catalog, ids
from dashapp.infra.cache import cache_reachable
from dashapp.infra.curve_store import StoredCurve
from dashapp.infra.ownership import ANONYMOUS, Caller
from dashapp.infra.result_cache import ResultNotStoredError
from dashapp.infra.session import current_session_id, seal, unseal
from dashapp.pages import completeness_card
from dashapp.pages.forms import build_config
from dashapp.services import services
from dashapp.views import figures
from dashapp.views.components import alert_state, status_alert_outputs
from dashapp.views.downloads import export, file_stem
from dashapp.views.models import FIT_ON_CURVE, model_options, saved_model_id
from dashapp.views.result_views import cached_views
from dashapp.views.tables import DEFAULT_COL_DEF, confidence_filter
from dashapp.views.vetting import candidate_options, vetting_view
from dashapp.views.zoom import NO_CHANGE, relayout_range, zoom_range

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/analysis", name="Analysis", title="Analysis - Light-curve anomaly detector",
                   order=1)
completeness_card.register_callbacks()

_DEFAULTS = AnalysisConfig()
CACHE_DOWN_ALERT = ("Analyses are unavailable right now: the server cannot reach its result cache "
                    "(Redis unreachable, or its storage full). Try again in a minute, or tell the server's administrator.")
MODEL_GONE_ALERT = ("That anomaly model is not available to you any more (deleted, or no longer shared); "
                    "reload the page and choose another.")
_GRID_OPTIONS = {"rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
                 "pagination": True, "paginationAutoPageSize": True}
# The settings form: each input's id and its field in pages.forms.build_config, in the callback's order.
SETTINGS_FORM = {
    ids.SETTING_CONTAMINATION: "contamination",
    ids.SETTING_WINDOW_SIZE: "window_size",
    ids.SETTING_VOTE_THRESHOLD: "vote_threshold",
    ids.SETTING_DETREND_WINDOW: "detrend_window",
    ids.SETTING_DETECTORS: "detectors",
    ids.MODEL_SELECT: "model_id",
    ids.SETTING_K2_ROLL: "k2_roll",
}
# Each download button and what it downloads (views.downloads.export).
DOWNLOADS = {ids.DOWNLOAD_EVENTS_CSV: "events", ids.DOWNLOAD_TRANSITS_CSV: "transits", ids.DOWNLOAD_JSON: "json"}


def _selected_curve(sid: str, curve: str | None, sample: str | None) -> tuple[str | None, str | None]:
    """(curve hash to preselect, error message): a gallery sample, a named curve, or the latest one."""
    svc = services()
    if sample:
        entry = gallery_catalog.find_entry(svc.settings, sample)
        if entry is None:
            return None, f"There is no gallery sample called {sample!r}."
        if entry.entry_id in {e.entry_id for e in gallery_catalog.synthetic_entries(svc.settings)}:
            gallery_catalog.ensure_samples(svc.settings)
        return gallery_catalog.open_entry(svc.store, sid, entry).curve_hash, None
    if curve and svc.store.has(sid, curve):
        return curve, None
    latest = svc.store.latest(sid)
    return (latest.curve_hash if latest else None), None


def curve_label(entry: StoredCurve) -> str:
    """Target and file name; just the file name when the file names no target."""
    target = entry.summary["target"]
    return entry.name if target == "unknown target" else f"{target} - {entry.name}"


def _number(label: str, id_: str, value: float, step: float, min_: float, max_: float, help_: str) -> html.Div:
    return html.Div([
        dbc.Label(label, html_for=id_),
        dbc.Input(id=id_, type="number", value=value, step=step, min=min_, max=max_, size="sm"),
        html.Div(help_, className="muted-help"),
    ], className="mb-2")


def _settings_card(models: list[dict]) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H5("Settings", className="card-title"),
        _number("Contamination", ids.SETTING_CONTAMINATION, _DEFAULTS.contamination, 0.005, 0.001, 0.5,
                "Share of windows the anomaly ensemble may call unusual."),
        _number("Window size (points)", ids.SETTING_WINDOW_SIZE, _DEFAULTS.window_size, 1, 10, 1000,
                "Points per window for the anomaly features."),
        _number("Vote threshold", ids.SETTING_VOTE_THRESHOLD, _DEFAULTS.vote_threshold, 0.05, 0.05, 1.0,
                "Share of overlapping windows that must agree on a point."),
        _number("Detrending window (days)", ids.SETTING_DETREND_WINDOW, _DEFAULTS.detrend_window_days, 0.05, 0.05,
                10.0, "Long enough to keep transits, short enough to follow rotation."),
        dbc.Label("Detectors"),
        dbc.Checklist(id=ids.SETTING_DETECTORS, options=[{"label": d, "value": d} for d in DETECTORS],
                      value=list(DETECTORS), inline=True, className="mb-2"),
        dbc.Switch(id=ids.SETTING_K2_ROLL, label="Correct the K2 roll (K2 files with centroids)",
                   value=_DEFAULTS.k2_roll_correction, className="mb-2"),
        dbc.Label("Anomaly model", html_for=ids.MODEL_SELECT),
        dbc.Select(id=ids.MODEL_SELECT, options=model_options(models), value=FIT_ON_CURVE, size="sm", className="mb-3"),
        dbc.Button("Analyse", id=ids.ANALYZE_BUTTON, color="primary", className="w-100 mb-2"),
        dbc.Progress(id=ids.ANALYSIS_PROGRESS, value=0, label="", className="mb-1", style={"height": "18px"}),
        html.Div(id=ids.ANALYSIS_PROGRESS_MESSAGE, className="muted-help"),
    ]), className="settings-card shadow-sm mb-3")


def layout(curve: str | None = None, sample: str | None = None, run: str | None = None, **_query: str):
    svc = services()
    sid = current_session_id()
    selected, problem = _selected_curve(sid, curve, sample) if sid else (None, None)
    entries = svc.store.list(sid) if sid else []
    curve_options = [{"label": curve_label(e), "value": e.curve_hash} for e in entries]
    alert_children, alert_open, alert_color = alert_state([problem] if problem else [])
    if not entries:
        alert_children, alert_open, alert_color = (
            [html.Span("No curve yet: "), dcc.Link("upload one", href="/"), html.Span(" or open one from the "),
             dcc.Link("gallery", href="/gallery"), html.Span(".")], True, "info")
    grid_style = {"height": "420px"}
    return html.Div([
        dcc.Store(id=ids.AUTORUN, data={"run": run == "1" and selected is not None}),
        dcc.Store(id=ids.ANALYSIS_REQUEST),
        dcc.Store(id=ids.ANALYSIS_READY),
        dcc.Store(id=ids.ANALYSIS_DONE),
        dcc.Store(id=ids.ANALYSIS_SHOWN),
        dcc.Download(id=ids.DOWNLOAD_FILE),
        dbc.Alert(alert_children, id=ids.STATUS_ALERT, is_open=alert_open, color=alert_color, dismissable=True),
        dbc.Row([
            dbc.Col([
                dbc.Card(dbc.CardBody([
                    dbc.Label("Light curve", html_for=ids.CURVE_SELECT),
                    dbc.Select(id=ids.CURVE_SELECT, options=curve_options, value=selected, size="sm"),
                ]), className="shadow-sm mb-3"),
                _settings_card(svc.training.models(Caller.of_session(sid) if sid else ANONYMOUS)),
            ], xs=12, lg=3),
            dbc.Col([
                html.Div(id=ids.RESULT_SUMMARY, className="fw-semibold mb-2"),
                dcc.Graph(id=ids.LIGHTCURVE_GRAPH, figure=figures.placeholder("Choose a curve to see it here."),
                          style={"height": "460px"}, config={"displaylogo": False}),
                html.Div("Tip: select a row of the events table to zoom on that event; drag on the plot to zoom.",
                         className="muted-help mb-3"),
                dbc.Row([
                    dbc.Col(dcc.Graph(id=ids.DETRENDED_GRAPH, figure=figures.placeholder("Detrended flux"),
                                      style={"height": "340px"}, config={"displaylogo": False}), lg=6),
                    dbc.Col(dcc.Graph(id=ids.PERIODOGRAM_GRAPH, figure=figures.placeholder("BLS periodogram"),
                                      style={"height": "340px"}, config={"displaylogo": False}), lg=6),
                ]),
                html.Div(id=ids.PHASE_FOLDS, className="mb-3"),
                html.H5("Events"),
                html.Div([
                    dbc.Label("Show events of confidence at least", html_for=ids.EVENT_CONFIDENCE,
                              className="mb-0"),
                    dcc.Slider(id=ids.EVENT_CONFIDENCE, min=0, max=1, step=0.05, value=0,
                               marks={0: "all", 0.5: "0.5", 0.8: "0.8", 1: "1"},
                               tooltip={"placement": "bottom"}),
                    html.Div("Confidence is the share of events like this one (same kind, cadence and "
                             "significance) that were real in our injection tests.", className="muted-help"),
                ], className="mb-2"),
                dag.AgGrid(id=ids.EVENTS_TABLE, rowData=[], columnDefs=[], defaultColDef=DEFAULT_COL_DEF,
                           dashGridOptions=_GRID_OPTIONS, columnSize="responsiveSizeToFit", style=grid_style,
                           className="ag-theme-alpine mb-3"),
                html.H5("Transit candidates"),
                dag.AgGrid(id=ids.TRANSITS_TABLE, rowData=[], columnDefs=[], defaultColDef=DEFAULT_COL_DEF,
                           dashGridOptions=_GRID_OPTIONS, columnSize="responsiveSizeToFit",
                           style={"height": "200px"}, className="ag-theme-alpine mb-3"),
                html.H5("Vetting"),
                html.Div("Each candidate's verdict (planet candidate, eclipsing binary or false alarm), the "
                         "tests behind it, and its report page.", className="muted-help mb-2"),
                dbc.Row([
                    dbc.Col(dbc.Select(id=ids.VETTING_SELECT, options=[], size="sm"), md=6),
                    dbc.Col(dbc.Button("Vetting report (PDF)", id=ids.DOWNLOAD_VETTING_REPORT, size="sm",
                                       color="primary", outline=True, disabled=True), md="auto"),
                ], className="mb-2"),
                dcc.Loading(html.Div(id=ids.VETTING_VIEW, className="mb-3")),
                html.Div([
                    html.Span("Download results: ", className="me-2"),
                    dbc.Button("Events (CSV)", id=ids.DOWNLOAD_EVENTS_CSV, size="sm", color="primary",
                               outline=True, className="me-2", disabled=True),
                    dbc.Button("Transits (CSV)", id=ids.DOWNLOAD_TRANSITS_CSV, size="sm", color="primary",
                               outline=True, className="me-2", disabled=True),
                    dbc.Button("Everything (JSON)", id=ids.DOWNLOAD_JSON, size="sm", color="primary",
                               outline=True, disabled=True),
                ], id=ids.DOWNLOAD_RESULTS, className="mb-4"),
                completeness_card.card(),
            ], xs=12, lg=9),
        ]),
    ])


@callback(
    Output(ids.ANALYSIS_REQUEST, "data"),
    Output(ids.ANALYSIS_READY, "data"),
    Input(ids.ANALYZE_BUTTON, "n_clicks"),
    Input(ids.AUTORUN, "data"),
    State(ids.CURVE_SELECT, "value"),
    *[State(component, "value") for component in SETTINGS_FORM],
)
def request_analysis(n_clicks, autorun, curve_hash, *settings):
    """Validate the settings; answer from the cache, or start a background job."""
    if ctx.triggered_id != ids.ANALYZE_BUTTON and not (autorun or {}).get("run"):
        raise dash.exceptions.PreventUpdate  # page load without ?run=1
    server = dash.get_app().server
    sid = current_session_id()
    svc = services()
    if not curve_hash or sid is None or not svc.store.has(sid, curve_hash):
        return dash.no_update, {"error": "Choose a light curve first (upload one or open one from the gallery)."}
    form = dict(zip(SETTINGS_FORM.values(), settings))
    form.update(detectors=form["detectors"] or [], model_id=saved_model_id(form["model_id"]))
    try:
        config = build_config(form)
    except ConfigError as exc:
        return dash.no_update, {"error": f"Check the settings: {exc}."}
    if config.model_id is not None:
        try:  # the select's value comes from the browser: another session's model id must not pass
            svc.training.require(Caller.of_session(sid), config.model_id)
        except ModelNotFoundError:
            return dash.no_update, {"error": MODEL_GONE_ALERT}
    planned = svc.analysis.plan(curve_hash, config)
    if planned.cached:
        return dash.no_update, {"token": seal(server, {"sid": sid, "curve": curve_hash, "key": planned.key}),
                                "cached": True}
    if not cache_reachable(svc.cache):  # the job's result could not reach this page: say so now, not never
        return dash.no_update, {"error": CACHE_DOWN_ALERT}
    return seal(server, {"sid": sid, "curve": curve_hash, "config": config.to_dict()}), dash.no_update


@callback(
    Output(ids.ANALYSIS_DONE, "data"),
    Input(ids.ANALYSIS_REQUEST, "data"),
    background=True,
    progress=[Output(ids.ANALYSIS_PROGRESS, "value"), Output(ids.ANALYSIS_PROGRESS, "label"),
              Output(ids.ANALYSIS_PROGRESS_MESSAGE, "children")],
    running=[(Output(ids.ANALYZE_BUTTON, "disabled"), True, False)],
    interval=400,
    prevent_initial_call=True,
)
def run_analysis(set_progress, token):
    """The long part, in a background process: analyse and put the result in the shared cache."""
    server = dash.get_app().server
    job = unseal(server, token)
    if job is None:
        return {"error": "This analysis request has expired; press Analyse again."}
    svc = services()

    def progress(fraction: float, message: str) -> None:
        percent = int(round(100 * max(0.0, min(1.0, fraction))))
        set_progress((percent, f"{percent}%", message))

    try:
        config = AnalysisConfig.from_mapping(job["config"])
        key = svc.analysis.run_stored(job["sid"], job["curve"], config, progress=progress)
    except (UserError, LookupError, ResultNotStoredError) as exc:
        return {"error": f"The analysis stopped: {exc}"}
    except Exception:  # shown to the user in plain words; the traceback goes to the log only
        log.exception("analysis failed")
        return {"error": "The analysis failed because of an internal error; it has been logged."}
    return {"token": seal(server, {"sid": job["sid"], "curve": job["curve"], "key": key}), "cached": False}


@callback(
    Output(ids.LIGHTCURVE_GRAPH, "figure"),
    Output(ids.DETRENDED_GRAPH, "figure"),
    Output(ids.PERIODOGRAM_GRAPH, "figure"),
    Output(ids.PHASE_FOLDS, "children"),
    Output(ids.EVENTS_TABLE, "rowData"),
    Output(ids.EVENTS_TABLE, "columnDefs"),
    Output(ids.TRANSITS_TABLE, "rowData"),
    Output(ids.TRANSITS_TABLE, "columnDefs"),
    Output(ids.RESULT_SUMMARY, "children"),
    Output(ids.ANALYSIS_SHOWN, "data"),
    *status_alert_outputs(),
    Input(ids.CURVE_SELECT, "value"),
    Input(ids.ANALYSIS_READY, "data"),
    Input(ids.ANALYSIS_DONE, "data"),
    prevent_initial_call="initial_duplicate",
)
def show(curve_hash, ready, done):
    """Preview a newly chosen curve, or draw a finished analysis."""
    svc = services()
    sid = current_session_id()
    unchanged = [dash.no_update] * 10
    if ctx.triggered_id in (ids.ANALYSIS_READY, ids.ANALYSIS_DONE):
        payload = (ready if ctx.triggered_id == ids.ANALYSIS_READY else done) or {}
        if "error" in payload:
            return *unchanged, *alert_state([payload["error"]])
        shown = unseal(dash.get_app().server, payload.get("token"))
        v = cached_views(svc.results, svc.views, shown["key"]) if shown and shown["sid"] == sid else None
        if v is None:
            return *unchanged, *alert_state(["This result is no longer available; press Analyse again."])
        folds = [dcc.Graph(figure=fig, style={"height": "320px"}, config={"displaylogo": False}) for fig in v.folds]
        notice = "Loaded from the cache (same curve, same settings)." if payload.get("cached") else None
        return (v.lightcurve, v.detrended, v.periodogram, folds, v.events_rows, v.events_columns,
                v.transits_rows, v.transits_columns, v.summary, payload["token"], *alert_state([], notice))
    lc = svc.store.load(sid, curve_hash) if (sid and curve_hash) else None
    if lc is None:
        return (*unchanged, dash.no_update, dash.no_update, dash.no_update)
    return (figures.preview_figure(lc), figures.placeholder("Detrended flux appears after the analysis."),
            figures.placeholder("BLS periodogram appears after the analysis."), [], [], [], [], [],
            "Press Analyse to look for transits, flares, outliers and anomalies.", None,
            dash.no_update, dash.no_update, dash.no_update)


@callback(
    *[Output(button, "disabled") for button in DOWNLOADS],
    Input(ids.ANALYSIS_SHOWN, "data"),
)
def enable_downloads(token):
    return [not token] * len(DOWNLOADS)


@callback(
    Output(ids.DOWNLOAD_FILE, "data"),
    *[Input(button, "n_clicks") for button in DOWNLOADS],
    State(ids.ANALYSIS_SHOWN, "data"),
    prevent_initial_call=True,
)
def download(*clicks_and_token):
    result = _shown_result(clicks_and_token[-1])
    if result is None:
        raise dash.exceptions.PreventUpdate
    return export(result, DOWNLOADS[ctx.triggered_id], file_stem(result.meta))


@callback(
    Output(ids.LIGHTCURVE_GRAPH, "figure", allow_duplicate=True),
    Output(ids.EVENTS_TABLE, "filterModel"),
    Input(ids.EVENT_CONFIDENCE, "value"),
    Input(ids.ANALYSIS_SHOWN, "data"),
    prevent_initial_call=True,
)
def filter_by_confidence(min_confidence, token):
    """Hide events below the chosen confidence in the plot (its event traces, patched in place) and the table."""
    if not isinstance(min_confidence, (int, float)) or not 0 <= min_confidence <= 1:
        raise dash.exceptions.PreventUpdate  # the slider sends numbers in [0, 1]; anything else was crafted
    min_confidence = float(min_confidence)
    if ctx.triggered_id == ids.ANALYSIS_SHOWN and min_confidence == 0.0:
        raise dash.exceptions.PreventUpdate  # a new result is drawn unfiltered already
    result = _shown_result(token)
    if result is None:
        return dash.no_update, confidence_filter(min_confidence)
    patch = dash.Patch()
    first = len(figures.zoom_series(result))  # the flux and trend traces come before the events'
    for offset, trace in enumerate(figures.event_traces(result, min_confidence)):
        patch["data"][first + offset]["x"] = list(trace.x)
        patch["data"][first + offset]["y"] = list(trace.y)
        patch["data"][first + offset]["hovertemplate"] = trace.hovertemplate
    patch["layout"]["title"]["text"] = figures.lightcurve_title(result, min_confidence)
    return patch, confidence_filter(min_confidence)


@callback(
    Output(ids.LIGHTCURVE_GRAPH, "figure", allow_duplicate=True),
    Input(ids.EVENTS_TABLE, "selectedRows"),
    Input(ids.LIGHTCURVE_GRAPH, "relayoutData"),
    State(ids.ANALYSIS_SHOWN, "data"),
    prevent_initial_call=True,
)
def focus(selected_rows, relayout, token):
    """Zoom on a selected event, and redraw flux and trend at full detail for the visible range."""
    if ctx.triggered_id == ids.EVENTS_TABLE:
        rows = selected_rows if isinstance(selected_rows, list) else []  # the table sends a list of row dicts
        x_range = zoom_range(rows[0]) if rows else None
    else:
        x_range = relayout_range(relayout)
        if x_range is NO_CHANGE:
            raise dash.exceptions.PreventUpdate
    patch = dash.Patch()
    if ctx.triggered_id == ids.EVENTS_TABLE:
        patch["layout"]["xaxis"]["autorange"] = x_range is None
        patch["layout"]["yaxis"]["autorange"] = True
        if x_range is not None:
            patch["layout"]["xaxis"]["range"] = x_range
    result = _shown_result(token)
    if result is not None:
        for trace, (values, budget) in enumerate(figures.zoom_series(result)):
            idx = figures.window_indices(result.time, values, x_range, budget)
            patch["data"][trace]["x"] = result.time[idx].tolist()
            patch["data"][trace]["y"] = values[idx].tolist()
    return patch


@callback(
    Output(ids.VETTING_SELECT, "options"),
    Output(ids.VETTING_SELECT, "value"),
    Input(ids.ANALYSIS_SHOWN, "data"),
)
def list_candidates(token):
    """The shown result's candidates; the first is chosen."""
    result = _shown_result(token)
    options = candidate_options(result) if result is not None else []
    return options, (options[0]["value"] if options else None)


@callback(
    Output(ids.VETTING_VIEW, "children"),
    Output(ids.DOWNLOAD_VETTING_REPORT, "disabled"),
    Input(ids.VETTING_SELECT, "value"),
    State(ids.ANALYSIS_SHOWN, "data"),
)
def show_vetting(number, token):
    """The chosen candidate's vetting view (drawn on demand: a page takes about a second)."""
    result = _shown_result(token)
    chosen = _candidate_number(number)
    if result is None or chosen is None:
        return (html.Div("No transit candidate to vet." if result is not None else ""), True)
    try:
        return vetting_view(result, chosen), False
    except ValueError:  # a number the select never offered
        return html.Div(), True


@callback(
    Output(ids.DOWNLOAD_FILE, "data", allow_duplicate=True),
    Input(ids.DOWNLOAD_VETTING_REPORT, "n_clicks"),
    State(ids.VETTING_SELECT, "value"),
    State(ids.ANALYSIS_SHOWN, "data"),
    prevent_initial_call=True,
)
def download_vetting_report(_clicks, number, token):
    result = _shown_result(token)
    chosen = _candidate_number(number)
    if result is None or chosen is None or not 1 <= chosen <= len(result.transits):
        raise dash.exceptions.PreventUpdate
    return dcc.send_bytes(report_bytes(result, chosen, "pdf"), f"{file_stem(result.meta)}-candidate-{chosen}-vetting.pdf")


def _shown_result(token):
    """The result this session's page shows (None when the token is not this session's or it expired)."""
    shown = unseal(dash.get_app().server, token) if token else None
    return services().results.get(shown["key"]) if shown and shown["sid"] == current_session_id() else None


def _candidate_number(value) -> int | None:
    """The select's value as a candidate number (it comes from the browser: anything else is None)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 1 else None
