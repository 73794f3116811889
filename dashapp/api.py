"""The REST API: a Flask blueprint on the dashboard's server (`register_api(server)`).

Every answer is JSON; every error is `{"error": "..."}` with a 4xx status, a 503 (with
Retry-After) when the job queue or the server's storage is unavailable, and anything
unexpected is logged and answered with a generic 500 that carries no details, so no
request can make the server show a traceback or a path.
"""
from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, send_file
from werkzeug.exceptions import HTTPException

import core
from core.errors import ConfigError, LightCurveFormatError
from core.io.writers import write_csv
from core.anomaly.registry import DEFAULT_MODEL_ID, ModelFormatError, ModelNotFoundError, ModelRegistry
from core.synthetic import SAMPLE_DESCRIPTIONS, SAMPLE_NAMES, generate_sample
from dashapp.api_analyze import Analyzer, UnsupportedMediaError, parse_config
from dashapp.api_jobs import JobQueueUnavailableError, JobRunner, QueueFullError
from dashapp.api_train import (
    SYNC_MAX_SAMPLES,
    TrainParams,
    files_work,
    parse_synthetic,
    stage_uploads,
    synthetic_work,
)
from dashapp.cache import cache_reachable
from dashapp.openapi import openapi_spec
from dashapp.services import EXTENSION_KEY, Services
from dashapp.storage import STORAGE_MESSAGE, is_storage_error, unwritable

log = logging.getLogger(__name__)
API_STATE_KEY = "lightcurve_api"
# Jobs are CPU-bound and the machine is shared: one at a time per lane. Analyses and
# training get a lane each, so a minutes-long search of years of data does not hold
# up a model someone is training (and the other way round).
JOB_WORKERS = 1
JOB_QUEUE = 4

api = Blueprint("api", __name__)


@dataclass(frozen=True)
class ApiState:
    """What the API keeps per app: the registry, the analysis caches, a job runner per lane.

    Both runners keep job states in the same shared cache, so either answers for any job.
    """

    services: Services
    registry: ModelRegistry
    analyzer: Analyzer
    analysis_jobs: JobRunner
    training_jobs: JobRunner


def register_api(server: Flask) -> None:
    """Mount the API on a server built by dashapp.app.create_app (it needs that app's Services)."""
    services: Services = server.extensions[EXTENSION_KEY]
    registry = ModelRegistry(services.settings.models_dir)
    server.extensions[API_STATE_KEY] = ApiState(
        services=services,
        registry=registry,
        analyzer=Analyzer(registry, services.results),
        analysis_jobs=JobRunner(services.cache, max_workers=JOB_WORKERS, max_pending=JOB_QUEUE),
        training_jobs=JobRunner(services.cache, max_workers=JOB_WORKERS, max_pending=JOB_QUEUE),
    )
    server.register_blueprint(api)
    # Requests that match no API route (e.g. POST to an unknown /api/ path) are answered by
    # the app, not the blueprint: keep those JSON too, and leave the dashboard's pages alone.
    server.register_error_handler(HTTPException, _app_http_error)


def _state() -> ApiState:
    return current_app.extensions[API_STATE_KEY]


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify(error=message), status


# ----------------------------------------------------------------------------- errors

@api.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> tuple[Response, int]:
    messages = {
        413: f"the upload is larger than the limit of {current_app.config.get('MAX_CONTENT_LENGTH') or 0:,} bytes",
        415: "unsupported content type; see /api/openapi.json for what each endpoint accepts",
    }
    status = exc.code or 500
    return _error(status, messages.get(status) or exc.description or exc.name)


def _app_http_error(exc: HTTPException) -> Any:
    if request.path.startswith("/api/") or request.path == "/health":
        return _http_error(exc)
    return exc


@api.errorhandler(ModelNotFoundError)
def _not_found(exc: ModelNotFoundError) -> tuple[Response, int]:
    return _error(404, str(exc))


@api.errorhandler(ConfigError)
@api.errorhandler(LightCurveFormatError)
@api.errorhandler(ModelFormatError)
def _unprocessable(exc: ValueError) -> tuple[Response, int]:
    return _error(422, str(exc))


@api.errorhandler(UnsupportedMediaError)
def _unsupported(exc: UnsupportedMediaError) -> tuple[Response, int]:
    return _error(415, str(exc))


@api.errorhandler(QueueFullError)
@api.errorhandler(JobQueueUnavailableError)
def _busy(exc: RuntimeError) -> tuple[Response, int]:
    return _unavailable(str(exc))


@api.errorhandler(Exception)
def _unexpected(exc: Exception) -> tuple[Response, int]:
    if is_storage_error(exc):  # a full or read-only disk: the admin's problem, and worth a retry later
        log.warning("storage error in %s %s: %s", request.method, request.path, exc)
        return _unavailable(STORAGE_MESSAGE)
    log.exception("unhandled error in %s %s", request.method, request.path)
    return _error(500, "internal server error; the details are in the server log")


def _unavailable(message: str) -> tuple[Response, int]:
    response, status = _error(503, message)
    response.headers["Retry-After"] = "30"
    return response, status


# ----------------------------------------------------------------------------- routes

@api.get("/health")
def health() -> Response:
    """200 while the server answers; "degraded" names what is down (the cache, a data directory)."""
    state = _state()
    reachable = cache_reachable(state.services.cache)
    problems = unwritable(state.services.settings)
    return jsonify(
        status="ok" if reachable and not problems else "degraded",
        version=core.__version__,
        default_model=state.registry.exists(DEFAULT_MODEL_ID),
        cache={"backend": "redis" if state.services.settings.redis_url else "filesystem", "reachable": reachable},
        storage={"writable": not problems, "problems": problems},
    )


@api.post("/api/analyze")
def analyze_upload() -> Response | tuple[Response, int]:
    """200 with the document when cached or quick; 202 and a job when the transit search would outlast the request."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaError("send the light curve as multipart/form-data with the file in field 'file'")
    upload = request.files.get("file")
    if upload is None:
        return _error(400, "no file: send the light curve (FITS or CSV) in multipart field 'file'")
    config = parse_config(request.form)
    analyzer = _state().analyzer
    data = upload.read()
    key, document = analyzer.lookup(data, config, upload.filename)
    if document is not None:
        return jsonify(document)
    parsed = analyzer.parse(key, data, config, upload.filename)
    if parsed.fits_request():
        return jsonify(analyzer.run(parsed))
    job_id = _state().analysis_jobs.submit("analyze", lambda progress: analyzer.run(parsed, progress),
                                           same_work=parsed.key)
    return _accepted(job_id)


@api.post("/api/train/synthetic")
def train_synthetic_models() -> tuple[Response, int]:
    n_samples, params = parse_synthetic(request.get_json())
    work = synthetic_work(_state().registry, n_samples, params)
    if n_samples <= SYNC_MAX_SAMPLES:
        result = work(lambda fraction: None)
        response = jsonify(result)
        response.headers["Location"] = result["model_url"]
        return response, 201
    return _accepted(_state().training_jobs.submit("train-synthetic", work))


@api.post("/api/train")
def train_uploaded_models() -> tuple[Response, int]:
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaError("send the training curves as multipart/form-data in field 'files'")
    params = TrainParams.from_mapping(request.form.to_dict())
    uploads = [(upload.filename or "unnamed", upload.read()) for upload in request.files.getlist("files")]
    if not uploads:
        return _error(400, "no training curves: send one or more FITS or CSV files in multipart field 'files'")
    directory = stage_uploads(uploads)
    return _accepted(_state().training_jobs.submit("train-files", files_work(_state().registry, directory, params)))


@api.get("/api/jobs/<job_id>")
def job_status(job_id: str) -> Response | tuple[Response, int]:
    state = _state().analysis_jobs.status(job_id)
    if state is None:
        return _error(404, f"no job with id {job_id}")
    return jsonify(state)


@api.get("/api/models")
def list_models() -> Response:
    return jsonify(models=_state().registry.list(), default_model_id=DEFAULT_MODEL_ID)


@api.get("/api/models/<model_id>")
def get_model(model_id: str) -> Response:
    return jsonify(_state().registry.get_metadata(model_id))


@api.delete("/api/models/<model_id>")
def delete_model(model_id: str) -> Response | tuple[Response, int]:
    state = _state()
    if model_id == DEFAULT_MODEL_ID:
        return _error(409, "the default model cannot be deleted; analyses fall back to it")
    state.registry.delete(model_id)
    state.analyzer.forget_model(model_id)
    return jsonify(deleted=model_id)


@api.get("/api/samples")
def list_samples() -> Response:
    return jsonify(samples=[
        {"name": name, "description": SAMPLE_DESCRIPTIONS[name], "url": f"/api/samples/{name}.csv"}
        for name in SAMPLE_NAMES
    ])


@api.get("/api/samples/<name>.csv")
def sample_csv(name: str) -> Response | tuple[Response, int]:
    if name not in SAMPLE_NAMES:
        return _error(404, f"no sample named {name!r}; choose from {list(SAMPLE_NAMES)}")
    stored = _state().services.settings.samples_dir / f"{name}.csv"
    if stored.is_file():
        return send_file(stored, mimetype="text/csv", as_attachment=True, download_name=f"{name}.csv")
    with tempfile.TemporaryDirectory(prefix="api-sample-") as tmp:
        data = write_csv(generate_sample(name)[0], Path(tmp) / "sample.csv").read_bytes()
    return Response(data, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


@api.get("/api/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_spec())


@api.get("/api/<path:unknown>")
def unknown_api_path(unknown: str) -> tuple[Response, int]:
    """Without this, the dashboard's catch-all page route would answer unknown API paths with HTML."""
    return _error(404, f"no API endpoint /api/{unknown}; see /api/openapi.json")


def _accepted(job_id: str) -> tuple[Response, int]:
    url = f"/api/jobs/{job_id}"
    response = jsonify(job_id=job_id, status_url=url)
    response.headers["Location"] = url
    return response, 202

