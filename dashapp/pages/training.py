"""Training page (/training): fit the anomaly ensemble in the background; list, publish and delete your models.

The session (Flask's signed cookie) owns what it trains. The saved-models list shows the
models this session may see, each marked "yours", "shared" or "built-in", with a publish
switch and a delete button on its own; every change goes through the training service,
which applies the ownership rules whatever model id a crafted request names.
"""
from __future__ import annotations

import logging
import time

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from core.errors import ConfigError, UserError
from dashapp import ids
from dashapp.infra.cache import cache_reachable
from dashapp.infra.disk import STORAGE_MESSAGE, is_storage_error
from dashapp.infra.ownership import Caller
from dashapp.infra.session import current_session_id, seal, unseal
from dashapp.pages.forms import PAGE_MIN_SAMPLES, training_inputs
from dashapp.services import services
from dashapp.training_service import MAX_TRAIN_SAMPLES
from dashapp.views.components import alert_state, status_alert_outputs
from dashapp.views.models import flat_metrics, model_list

log = logging.getLogger(__name__)

dash.register_page(__name__, path="/training", name="Training", title="Training - Light-curve anomaly detector",
                   order=2)

def saved_models(sid: str | None) -> html.Ul | html.P:
    """The saved-models list as this session sees it."""
    return model_list(services().training.models(Caller.of_session(sid))) if sid else model_list([])


def layout(**_query: str) -> html.Div:
    sid = current_session_id()
    n_uploaded = len(services().store.list(sid)) if sid else 0
    return html.Div([
        dcc.Store(id=ids.TRAIN_REQUEST),
        html.H2("Train the anomaly model"),
        html.P("Fit the Isolation Forest + LOF ensemble on synthetic light curves or on the curves you "
               "uploaded. The model is scored on held-out synthetic curves with known events, saved in the "
               "model registry, and can then be chosen on the Analysis page. It is yours: nobody else sees it "
               "until you share it with the switch beside it.", className="text-muted"),
        dbc.Alert(id=ids.STATUS_ALERT, is_open=False, dismissable=True),
        dbc.Card(dbc.CardBody(dbc.Row([
            dbc.Col([dbc.Label("Train on"),
                     dbc.RadioItems(id=ids.TRAIN_SOURCE, value="synthetic", options=[
                         {"label": "synthetic curves", "value": "synthetic"},
                         {"label": f"my uploaded curves ({n_uploaded})", "value": "session",
                          "disabled": n_uploaded == 0}])], md=2),
            dbc.Col([dbc.Label("Synthetic curves", html_for=ids.TRAIN_N_SAMPLES),
                     dbc.Input(id=ids.TRAIN_N_SAMPLES, type="number", value=100, min=PAGE_MIN_SAMPLES, max=MAX_TRAIN_SAMPLES,
                               step=1)], md=2),
            dbc.Col([dbc.Label("Contamination", html_for=ids.TRAIN_CONTAMINATION),
                     dbc.Input(id=ids.TRAIN_CONTAMINATION, type="number", value=0.05, min=0.001, max=0.5,
                               step=0.005)], md=2),
            dbc.Col(dbc.Button("Train", id=ids.TRAIN_BUTTON, color="primary", className="w-100"), md=2,
                    className="d-flex align-items-end"),
            dbc.Col([dbc.Label("Progress"), dbc.Progress(id=ids.TRAIN_PROGRESS, value=0, label="",
                                                          style={"height": "24px"})], md=4),
        ])), className="shadow-sm mb-3"),
        html.Div(id=ids.TRAIN_RESULT, className="mb-3"),
        html.H4("Saved models"),
        html.Div(saved_models(sid), id=ids.MODEL_LIST_CONTAINER),
    ])


CACHE_DOWN_ALERT = ("Training is unavailable right now: the server cannot reach its job queue and cache "
                    "(Redis unreachable). Try again in a minute, or tell the server's administrator.")


@callback(
    Output(ids.TRAIN_REQUEST, "data"),
    *status_alert_outputs(),
    Input(ids.TRAIN_BUTTON, "n_clicks"),
    State(ids.TRAIN_N_SAMPLES, "value"),
    State(ids.TRAIN_CONTAMINATION, "value"),
    State(ids.TRAIN_SOURCE, "value"),
    prevent_initial_call=True,
)
def request_training(n_clicks, n_samples, contamination, source):
    """Check the inputs, the session's room for one more model, and that a background job can report back; then start it.

    The job runs on Celery when Redis is configured: with Redis down it could not
    even be queued, so the page says so now instead of failing with a bare error. The
    sealed job names the session that will own the model (the background process has
    no cookie to read).
    """
    sid = current_session_id()
    if sid is None:
        return dash.no_update, *_error("Your session has expired; reload the page.")
    try:
        n, c = training_inputs(n_samples, contamination)
        services().training.check_room(Caller.of_session(sid))
    except ConfigError as exc:
        return dash.no_update, *_error(f"Check the inputs: {exc}.")
    except UserError as exc:
        return dash.no_update, *_error(f"Training was not started: {exc}.")
    if not cache_reachable(services().cache):
        return dash.no_update, *_error(CACHE_DOWN_ALERT)
    job = {"n": n, "contamination": c, "source": source, "sid": sid, "click": n_clicks}
    return seal(dash.get_app().server, job), *alert_state([], "")


@callback(
    Output(ids.TRAIN_RESULT, "children"),
    Output(ids.MODEL_LIST_CONTAINER, "children"),
    *status_alert_outputs(),
    Input(ids.TRAIN_REQUEST, "data"),
    background=True,
    progress=[Output(ids.TRAIN_PROGRESS, "value"), Output(ids.TRAIN_PROGRESS, "label")],
    running=[(Output(ids.TRAIN_BUTTON, "disabled"), True, False)],
    interval=400,
    prevent_initial_call=True,
)
def train(set_progress, request_token):
    """Train in a background process, reporting each finished curve on the progress bar."""
    params = unseal(dash.get_app().server, request_token)
    if params is None:
        return dash.no_update, dash.no_update, *_error("This training request has expired; press Train again.")
    n, c, source, sid = params["n"], params["contamination"], params["source"], params["sid"]
    set_progress((0, "starting"))
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        percent = int(round(100 * done / max(total, 1)))
        set_progress((percent, f"{done}/{total}"))

    try:
        svc = services()
        if source == "session":
            model_id, metadata = svc.training.train_on_session(svc.store, sid, c, progress)
        else:
            model_id, metadata = svc.training.train_synthetic(Caller.of_session(sid), n, progress, contamination=c)
    except UserError as exc:
        return dash.no_update, dash.no_update, *_error(f"Training stopped: {exc}")
    except Exception as exc:
        if is_storage_error(exc):
            log.warning("a trained model could not be saved: %s", exc)
            return dash.no_update, dash.no_update, *_error(f"Training stopped: {STORAGE_MESSAGE}.")
        log.exception("training failed")
        return dash.no_update, dash.no_update, *_error(
            "Training failed because of an internal error; it has been logged.")
    set_progress((100, "done"))
    return (result_card(model_id, metadata, time.perf_counter() - started), saved_models(sid),
            *alert_state([], f"Model {model_id} saved; choose it on the Analysis page."))


@callback(
    Output(ids.MODEL_LIST_CONTAINER, "children", allow_duplicate=True),
    *status_alert_outputs(),
    Input({"type": ids.MODEL_PUBLISH_TYPE, "model": ALL}, "value"),
    Input({"type": ids.MODEL_DELETE_TYPE, "model": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def change_model(_published, _deletions):
    """Publish, unpublish or delete one of the session's models (the switch or button that fired)."""
    trigger, value = ctx.triggered_id, ctx.triggered[0]["value"] if ctx.triggered else None
    sid = current_session_id()
    if not isinstance(trigger, dict) or sid is None:
        raise dash.exceptions.PreventUpdate
    caller, model_id = Caller.of_session(sid), trigger.get("model")
    training = services().training
    try:
        if trigger.get("type") == ids.MODEL_DELETE_TYPE and value:
            training.delete(caller, model_id)
            notice = f"Model {model_id} deleted."
        elif (trigger.get("type") == ids.MODEL_PUBLISH_TYPE and isinstance(value, bool)
              and training.describe(caller, model_id)["published"] != value):
            training.publish(caller, model_id, value)
            notice = (f"Model {model_id} is shared: everyone can use it, only you can change or delete it." if value
                      else f"Model {model_id} is private again.")
        else:
            raise dash.exceptions.PreventUpdate  # a switch or button drawn anew, not a change
    except UserError as exc:
        return saved_models(sid), *_error(f"Nothing changed: {exc}.")
    except OSError as exc:
        if not is_storage_error(exc):
            raise
        return saved_models(sid), *_error(f"Nothing changed: {STORAGE_MESSAGE}.")
    return saved_models(sid), *alert_state([], notice)


def _error(message: str) -> tuple[str, bool, str]:
    """The status alert's children, is_open and colour for one problem."""
    return message, True, "danger"


def result_card(model_id: str, metadata: dict, seconds: float) -> dbc.Card:
    rows = [html.Tr([html.Td(name), html.Td(f"{value:.3f}" if isinstance(value, float) else str(value))])
            for name, value in flat_metrics(metadata.get("metrics", {}))]
    data = metadata.get("training_data", {})
    what = "synthetic curves" if data.get("kind") == "synthetic" else "uploaded curves"
    return dbc.Card(dbc.CardBody([
        html.H5(["Model ", html.Code(model_id, id=ids.TRAINED_MODEL_ID)], className="card-title"),
        html.P(f"Trained in {seconds:.1f} s on {data.get('n_curves', '?')} {what}.",
               className="text-muted"),
        dbc.Table([html.Thead(html.Tr([html.Th("Metric (held-out synthetic curves)"), html.Th("Value")])),
                   html.Tbody(rows)], size="sm", bordered=False, className="mb-0") if rows
        else html.P("No metrics were reported."),
    ]), className="shadow-sm")
