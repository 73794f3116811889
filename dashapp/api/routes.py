"""The REST API's routes: a Flask blueprint on the dashboard's server (`register_api(server)`).

Every route parses its request (`analyze_request`, `completeness_request`, `train_request`,
`model_request`), calls the same services the pages use (`services()`) for the caller its key
names (`auth`), and answers JSON; failures are answered by `errors`.
"""
from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, jsonify, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

import core
from core.io.writers import write_csv
from core.anomaly.registry import DEFAULT_MODEL_ID
from core.io import load_lightcurve
from core.report import REPORT_FORMATS
from core.synthetic import SAMPLE_DESCRIPTIONS, SAMPLE_NAMES, generate_sample
from dashapp.api import errors
from dashapp.api.analyze_request import UnsupportedMediaError, check_media, fits_in_request, parse_config
from dashapp.api.auth import api_caller, owner_of_new_work, resolve_caller, with_key
from dashapp.api.batch_request import batch_files, parse_batch_config, too_many_parts
from dashapp.api.completeness_request import cached_map, parse_completeness
from dashapp.api.model_request import parse_publish
from dashapp.api.openapi import openapi_spec
from dashapp.api.train_request import (
    SYNC_MAX_SAMPLES,
    TrainParams,
    files_work,
    parse_synthetic,
    stage_uploads,
    synthetic_work,
)
from dashapp.infra.api_keys import IssuedKey
from dashapp.infra.cache import cache_reachable
from dashapp.infra.disk import unwritable
from dashapp.services import services

api = Blueprint("api", __name__)
errors.register(api)
api.before_request(resolve_caller)


def register_api(server: Flask) -> None:
    """Mount the API on a server built by dashapp.app.create_app (it needs that app's Services)."""
    server.register_blueprint(api)
    errors.install(server)


@api.get("/health")
def health() -> Response:
    """200 while the server answers; "degraded" names what is down (the cache, a data directory)."""
    svc = services()
    reachable = cache_reachable(svc.cache)
    problems = unwritable(svc.settings)
    return jsonify(
        status="ok" if reachable and not problems else "degraded",
        version=core.__version__,
        default_model=svc.registry.exists(DEFAULT_MODEL_ID),
        cache={"backend": "redis" if svc.settings.redis_url else "filesystem", "reachable": reachable},
        storage={"writable": not problems, "problems": problems},
    )


@api.post("/api/analyze")
def analyze_upload() -> Response | tuple[Response, int]:
    """200 with the document when cached or quick; 202 and a job when the transit search would outlast the request."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaError("send the light curve as multipart/form-data with the file in field 'file'")
    upload = request.files.get("file")
    if upload is None:
        return errors.error(400, "no file: send the light curve (FITS or CSV) in multipart field 'file'")
    config = parse_config(request.form)
    svc = services()
    caller = api_caller()
    data = upload.read()
    key, document = svc.analysis.lookup(caller, data, config, upload.filename)
    if document is not None:
        svc.analysis.grant(key, caller)
        return jsonify(document)
    check_media(data)
    prepared = svc.analysis.prepare_upload(caller, key, data, config, upload.filename)
    if fits_in_request(prepared):
        document = svc.analysis.run(prepared)
        svc.analysis.grant(key, caller)
        return jsonify(document)
    with owner_of_new_work() as (owner, issued):
        job_id = svc.jobs.analysis.submit("analyze", lambda progress: svc.analysis.run(prepared, progress),
                                          owner=owner.owner, same_work=prepared.key)
        svc.analysis.grant(key, owner)
    return _accepted(job_id, issued)


@api.get("/api/results/<result_id>/transits/<int:number>/report.<fmt>")
def vetting_report(result_id: str, number: int, fmt: str) -> Response | tuple[Response, int]:
    """One transit candidate's vetting report page (PDF or PNG) of a result the caller's key analysed."""
    if fmt not in REPORT_FORMATS:
        return errors.error(404, f"no report format {fmt!r}; ask for report.pdf or report.png")
    try:
        page = services().analysis.report(api_caller(), result_id, number, fmt)
    except LookupError as exc:
        return errors.error(404, str(exc))
    return send_file(io.BytesIO(page), mimetype="application/pdf" if fmt == "pdf" else "image/png",
                     download_name=f"candidate_{number}.{fmt}")


@api.post("/api/completeness")
def completeness_upload() -> Response | tuple[Response, int]:
    """Injection-recovery on the uploaded curve, as a job (202), or 200 with the map a job already made for the
    same file and settings; bad files and settings are refused at once."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaError("send the light curve as multipart/form-data with the file in field 'file'")
    upload = request.files.get("file")
    if upload is None:
        return errors.error(400, "no file: send the light curve (FITS or CSV) in multipart field 'file'")
    params = parse_completeness(request.form)
    data = upload.read()
    svc = services()
    key = params.work_key(data)
    done = cached_map(svc.cache, key)
    if done is not None:
        return jsonify(done)
    check_media(data)
    lc = load_lightcurve(data, filename=upload.filename)
    params.check(lc)
    work = params.work(lc, svc.cache, key, svc.settings.result_timeout_s)
    with owner_of_new_work() as (owner, issued):
        job_id = svc.jobs.analysis.submit("completeness", work, owner=owner.owner, same_work=key)
    return _accepted(job_id, issued)


@api.post("/api/train/synthetic")
def train_synthetic_models() -> tuple[Response, int]:
    """The replaced app's call: works without a key, and then answers with a new key that owns the model."""
    n_samples, params = parse_synthetic(request.get_json())
    svc = services()
    with owner_of_new_work() as (owner, issued):
        svc.training.check_room(owner)
        work = synthetic_work(svc.training, owner, n_samples, params)
        if n_samples <= SYNC_MAX_SAMPLES:
            result = work(lambda fraction: None)
            response = jsonify(with_key(result, issued))
            response.headers["Location"] = result["model_url"]
            return response, 201
        job_id = svc.jobs.training.submit("train-synthetic", work, owner=owner.owner)
    return _accepted(job_id, issued)


@api.post("/api/train")
def train_uploaded_models() -> tuple[Response, int]:
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaError("send the training curves as multipart/form-data in field 'files'")
    params = TrainParams.from_mapping(request.form.to_dict())
    uploads = [(upload.filename or "unnamed", upload.read()) for upload in request.files.getlist("files")]
    if not uploads:
        return errors.error(400, "no training curves: send one or more FITS or CSV files in multipart field 'files'")
    svc = services()
    with owner_of_new_work() as (owner, issued):
        svc.training.check_room(owner)
        directory = stage_uploads(uploads)
        try:
            job_id = svc.jobs.training.submit("train-files", files_work(svc.training, owner, directory, params),
                                              owner=owner.owner)
        except Exception:  # a full or unreachable queue: the job that would remove the folder never runs
            shutil.rmtree(directory, ignore_errors=True)
            raise
    return _accepted(job_id, issued)


@api.get("/api/jobs/<job_id>")
def job_status(job_id: str) -> Response | tuple[Response, int]:
    """A job's state, for whoever started it (another owner's job is as unknown as one never made)."""
    state = services().jobs.status(job_id, api_caller())
    if state is None:
        return errors.error(404, f"no job with id {job_id}")
    return jsonify(state)


@api.post("/api/batch")
def start_batch() -> tuple[Response, int]:
    """Many curves (files, or zips of them) as one batch: 202 with its status URL; each curve a row of its summary."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaError("send the light curves as multipart/form-data, one part per file in field 'files' "
                                    "(or zips of them)")
    svc = services()
    try:
        uploads, form = request.files.getlist("files"), request.form
    except RequestEntityTooLarge:  # the byte limit, or more parts than a batch may have
        if (request.content_length or 0) > (current_app.config.get("MAX_CONTENT_LENGTH") or 0):
            raise
        raise too_many_parts(svc.settings.max_batch_files) from None
    config = parse_batch_config(form)
    if not uploads:
        return errors.error(400, "no files: send the light curves in multipart field 'files' (one part each, or a zip)")
    files = batch_files(uploads, svc.settings.max_batch_files, svc.settings.max_upload_mb * 1024 * 1024)
    if not files:
        return errors.error(400, "the zip holds no light-curve files")
    with owner_of_new_work() as (owner, issued):
        batch_id = svc.batches.start_uploads(owner.owner, files, config)
    url = f"/api/batch/{batch_id}"
    response = jsonify(with_key({"batch_id": batch_id, "status_url": url, "summary_csv_url": f"{url}/summary.csv",
                                 "n_curves": len(files)}, issued))
    response.headers["Location"] = url
    return response, 202


@api.get("/api/batch/<batch_id>")
def batch_status(batch_id: str) -> Response | tuple[Response, int]:
    """Status, progress, each curve's state and the summary rows, for whoever started the batch."""
    view = services().batches.view(batch_id, api_caller())
    if view is None:
        return errors.error(404, f"no batch with id {batch_id}")
    return jsonify(view)


@api.get("/api/batch/<batch_id>/summary.csv")
def batch_summary_csv(batch_id: str) -> Response | tuple[Response, int]:
    text = services().batches.summary_csv(batch_id, api_caller())
    if text is None:
        return errors.error(404, f"no batch with id {batch_id}")
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="batch-{batch_id}.csv"'})


@api.get("/api/batch/<batch_id>/curves/<int:index>")
def batch_curve(batch_id: str, index: int) -> Response | tuple[Response, int]:
    """One curve's full result document (the shape of POST /api/analyze), once it is analysed."""
    document = services().batches.curve_result(batch_id, index, api_caller())
    if document is None:
        return errors.error(404, f"no analysed curve {index} in batch {batch_id} (not analysed yet, failed, "
                                 "or no such batch)")
    return jsonify(document)


@api.post("/api/keys")
def create_key() -> tuple[Response, int]:
    """A new API key, shown this once (only its hash is kept)."""
    issued = services().keys.issue()
    url = f"/api/keys/{issued.key_id}"
    response = jsonify(key=issued.key, key_id=issued.key_id, revoke_url=url)
    response.headers["Location"] = url
    return response, 201


@api.delete("/api/keys/<key_id>")
def revoke_key(key_id: str) -> Response | tuple[Response, int]:
    """Revoke a key: with that key itself, or the operator's token."""
    caller = api_caller()
    if (caller.operator or caller.owner == f"key:{key_id}") and services().keys.revoke(key_id):
        return jsonify(revoked=key_id)
    return errors.error(404, f"no key of yours with id {key_id}; a key is revoked with itself in Authorization")


@api.get("/api/models")
def list_models() -> Response:
    """Shared, built-in and your own models (the operator: all), each with whose it is."""
    return jsonify(models=services().training.models(api_caller()), default_model_id=DEFAULT_MODEL_ID)


@api.get("/api/models/<model_id>")
def get_model(model_id: str) -> Response:
    return jsonify(services().training.describe(api_caller(), model_id))


@api.patch("/api/models/<model_id>")
def change_model(model_id: str) -> Response:
    """Publish your model (everyone may use it, nobody else may change it) or make it private again."""
    published = parse_publish(request.get_json())
    return jsonify(services().training.publish(api_caller(), model_id, published))


@api.delete("/api/models/<model_id>")
def delete_model(model_id: str) -> Response | tuple[Response, int]:
    if model_id == DEFAULT_MODEL_ID:
        return errors.error(409, "the built-in default model cannot be deleted; analyses fall back to it")
    services().training.delete(api_caller(), model_id)
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
        return errors.error(404, f"no sample named {name!r}; choose from {list(SAMPLE_NAMES)}")
    stored = services().settings.samples_dir / f"{name}.csv"
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
    return errors.error(404, f"no API endpoint /api/{unknown}; see /api/openapi.json")


def _accepted(job_id: str, issued: IssuedKey | None) -> tuple[Response, int]:
    """202 for a queued job; with the new key that reads it when the caller sent none."""
    url = f"/api/jobs/{job_id}"
    response = jsonify(with_key({"job_id": job_id, "status_url": url}, issued))
    response.headers["Location"] = url
    return response, 202
