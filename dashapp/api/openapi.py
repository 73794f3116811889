"""The OpenAPI 3.1 description served at /api/openapi.json.

Request bodies are rendered from the request schemas the parsers validate with
(`api.schemas`); paths, summaries and response shapes are written here, and a test
compares the paths and methods with the blueprint's URL rules, so neither can drift.
"""
from __future__ import annotations

from typing import Any

import core
from core.batch.summary import SUMMARY_COLUMNS
from core.result import EVENT_KINDS
from dashapp.api.analyze_request import ANALYZE_FORM
from dashapp.api.batch_request import BATCH_FORM
from dashapp.api.completeness_request import COMPLETENESS_FORM
from dashapp.api.model_request import PUBLISH_BODY
from dashapp.api.train_request import FILES_FORM, SYNTHETIC_BODY
from dashapp.infra.ownership import BUILT_IN, PRIVATE, SHARED, YOU

ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    meaning = {400: "Bad request (missing file, malformed JSON)",
               401: "The Authorization header names no valid key (malformed, unknown or revoked)",
               404: "Not found (or not yours: other owners' ids are never revealed)", 409: "Refused",
               413: "Upload larger than MAX_CONTENT_LENGTH (a batch: more than MAX_BATCH_FILES curves, or a zip "
                    "that would expand beyond twice the upload limit)", 415: "Unsupported media type",
               422: "Invalid parameter or unreadable light curve", 503: "Job queue full; retry later"}
    return {str(code): _json(ERROR, meaning[code]) for code in codes}


_NEW_KEY = {
    "key": {"type": "string", "description": "Only when the request sent no key: a new API key that owns what was "
                                             "started (send it as 'Authorization: Bearer <key>'); shown this once"},
    "key_id": {"type": "string", "description": "The new key's id, to revoke it with DELETE /api/keys/{key_id}"},
}
_SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    "AnalysisResult": {
        "type": "object",
        "required": ["n_points", "meta", "transits", "events", "timings"],
        "properties": {
            "n_points": {"type": "integer"},
            "meta": {"type": "object"},
            "result_id": {"type": "string", "description": "Names this result in /api/results/{result_id}/..."},
            "transits": {"type": "array", "items": {"type": "object", "properties": {
                **{k: {"type": ["number", "null"]} for k in (
                    "period", "t0", "duration", "depth", "snr", "sde", "fap", "period_err", "t0_err", "depth_err",
                    "odd_even_sigma", "secondary_depth", "secondary_sigma", "secondary_phase", "v_shape",
                    "max_single_event_share", "uniqueness", "sine_vs_box", "duration_ratio")},
                "verdict": {"enum": ["planet_candidate", "eclipsing_binary", "false_alarm"]},
                "reasons": {"type": "array", "items": {"type": "object", "properties": {
                    "test": {"type": "string"}, "value": {"type": ["number", "null"]},
                    "threshold": {"type": "number"}, "passed": {"type": "boolean"},
                    "detail": {"type": "string"}}}},
                "per_transit": {"type": "array", "items": {"type": "object", "properties": {
                    k: {"type": "number"} for k in ("epoch", "t_mid", "depth", "depth_err", "snr")}}},
                "aliases": {"type": "array", "items": {"type": "object", "properties": {
                    "label": {"type": "string"}, "period": {"type": "number"}, "sde": {"type": ["number", "null"]}}}},
                "report_url": {"type": "string", "description": "This candidate's vetting report (PDF)"}}}},
            "events": {"type": "array", "items": {"type": "object", "properties": {
                "kind": {"enum": list(EVENT_KINDS)},
                **{k: {"type": ["number", "null"]} for k in ("t_start", "t_end", "t_peak", "amplitude", "snr",
                                                              "score")},
                "confidence": {"type": "number", "minimum": 0, "maximum": 1,
                               "description": "Share of events like it that were real in the evaluation"},
                "period": {"type": "number", "description": "A transit event's candidate's period (d)"},
                "verdict": {"enum": ["planet_candidate", "eclipsing_binary"],
                            "description": "A transit event's candidate's verdict (a false alarm's dips are "
                                           "no events)"}}}},
            "timings": {"type": "object", "additionalProperties": {"type": "number"}},
        },
    },
    "JobAccepted": {"type": "object", "required": ["job_id", "status_url"],
                    "properties": {"job_id": {"type": "string"}, "status_url": {"type": "string"}, **_NEW_KEY}},
    "Job": {"type": "object", "required": ["id", "status", "progress"], "properties": {
        "id": {"type": "string"}, "kind": {"type": "string"},
        "status": {"enum": ["queued", "running", "done", "failed"]},
        "progress": {"type": "number", "minimum": 0, "maximum": 1},
        "updated": {"type": "number", "description": "Unix time of the job's last state change or progress"},
        "result": {"oneOf": [{"$ref": "#/components/schemas/TrainResult"},
                             {"$ref": "#/components/schemas/AnalysisResult"},
                             {"$ref": "#/components/schemas/CompletenessMap"}, {"type": "null"}]},
        "error": {"type": ["string", "null"]}}},
    "CompletenessMap": {
        "type": "object",
        "required": ["kind", "grid", "recovery", "low", "high", "injected", "recovered", "n_injections", "seed",
                     "sentence"],
        "properties": {
            "kind": {"enum": ["transit", "flare"]},
            "grid": {"type": "object", "description": "Two axes: period (d) and depth (relative) or radius (Earth "
                                                      "radii, when the file gives the star's radius); or fwhm (d) "
                                                      "and amplitude (relative)",
                     "additionalProperties": {"type": "array", "items": {"type": "number"}}},
            "axes": {"type": "object", "properties": {"x": {"type": "string"}, "y": {"type": "string"}}},
            **{name: {"type": "array", "description": description, "items": {"type": "array", "items": {
                "type": ["number", "null"]}}} for name, description in (
                ("recovery", "Recovered share per cell; rows follow the depth/radius/amplitude axis"),
                ("low", "Wilson 95% interval, lower bound"), ("high", "Wilson 95% interval, upper bound"),
                ("injected", "Injections per cell"), ("recovered", "Recovered injections per cell"))},
            "n_injections": {"type": "integer"}, "seed": {"type": "integer"},
            "sentence": {"type": "string", "description": "The limit in words"},
            "noise": {"type": "number", "description": "Point-to-point noise of the curve, relative flux"},
            "injections": {"type": "array", "items": {"type": "object"}},
            "found": {"type": "array", "items": {"type": "object"},
                      "description": "What the analysis finds in the curve as it is"},
            "settings": {"type": "object"}, "timings": {"type": "object"}}},
    "TrainResult": {"type": "object", "required": ["model_id", "metrics"], "properties": {
        "model_id": {"type": "string"}, "metrics": {"type": "object"}, "model": {"$ref": "#/components/schemas/Model"},
        "model_url": {"type": "string"}, **_NEW_KEY}},
    "Model": {"type": "object", "required": ["id", "created", "params", "owner", "published"], "properties": {
        "id": {"type": "string"}, "created": {"type": "string"}, "params": {"type": "object"},
        "owner": {"enum": [YOU, SHARED, BUILT_IN, PRIVATE],
                  "description": f"Whose the model is, for the caller: {YOU!r} (yours: you may publish or delete "
                                 f"it), {SHARED!r} (another owner published it, or it predates owners: read-only), "
                                 f"{BUILT_IN!r} (the default model); {PRIVATE!r} only for the operator"},
        "published": {"type": "boolean", "description": "Everyone may use it"},
        "last_used": {"type": "string", "description": "Models unused for UPLOAD_RETENTION_DAYS are deleted"},
        "size_bytes": {"type": "integer"},
        "metrics": {"type": "object"}, "training_data": {"type": "object"}, "versions": {"type": "object"}}},
    "BatchAccepted": {"type": "object", "required": ["batch_id", "status_url", "summary_csv_url", "n_curves"],
                      "properties": {"batch_id": {"type": "string"}, "status_url": {"type": "string"},
                                     "summary_csv_url": {"type": "string"}, "n_curves": {"type": "integer"},
                                     **_NEW_KEY}},
    "Batch": {"type": "object", "required": ["id", "status", "n_curves", "progress", "counts", "curves", "summary"],
              "properties": {
                  "id": {"type": "string"}, "status": {"enum": ["queued", "running", "done"]},
                  "created": {"type": "number"}, "n_curves": {"type": "integer"},
                  "progress": {"type": "number", "minimum": 0, "maximum": 1,
                               "description": "Share of the curves finished (analysed or failed)"},
                  "counts": {"type": "object", "properties": {
                      k: {"type": "integer"} for k in ("queued", "running", "done", "failed")}},
                  "curves": {"type": "array", "items": {"type": "object", "properties": {
                      "index": {"type": "integer"}, "file": {"type": "string"},
                      "status": {"enum": ["queued", "running", "done", "failed"]},
                      "error": {"type": ["string", "null"]}}}},
                  "summary": {"type": "array", "description": "One row per file, in the order sent (zips opened)",
                              "items": {"type": "object", "properties": {
                                  column: {} for column in SUMMARY_COLUMNS}}}}},
    "KeyIssued": {"type": "object", "required": ["key", "key_id", "revoke_url"], "properties": {
        "key": {"type": "string", "description": "Shown this once; the server keeps only its SHA-256"},
        "key_id": {"type": "string"}, "revoke_url": {"type": "string"}}},
}
_OWNERSHIP = ("Send an API key as 'Authorization: Bearer <key>' (POST /api/keys makes one). You see shared, "
              "built-in and your own models and read only jobs you started; anything else answers 404. A request "
              "without a key may analyse and read what is shared; training without a key works too, and the "
              "answer carries a new key that owns the model (keep it: nobody else can use, publish or delete the "
              "model). The operator's token (ADMIN_TOKEN) may list and delete anything.")

_BATCH_ID = {"name": "batch_id", "in": "path", "required": True, "schema": {"type": "string"}}
_MODEL_ID = {"name": "model_id", "in": "path", "required": True, "schema": {"type": "string"}}
_KEY_ID = {"name": "key_id", "in": "path", "required": True, "schema": {"type": "string"}}


def openapi_spec() -> dict[str, Any]:
    """The whole document; built per call so the version is the running one."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Light-curve anomaly detector API", "version": core.__version__,
                 "description": "Find transits, flares, outliers and anomalies in Kepler/K2/TESS and CSV light curves. "
                                + _OWNERSHIP},
        "security": [{}, {"apiKey": []}],
        "paths": {
            "/health": {"get": {"summary": "Liveness, version, default model and cache status", "responses": {
                "200": _json({"type": "object", "properties": {
                    "status": {"enum": ["ok", "degraded"]}, "version": {"type": "string"},
                    "default_model": {"type": "boolean"},
                    "cache": {"type": "object", "properties": {"backend": {"type": "string"},
                                                               "reachable": {"type": "boolean"}}}}}, "Status")}}},
            "/api/analyze": {"post": {
                "summary": "Analyse one light curve (a long transit search runs as a job: 202)",
                "description": "Cached results and analyses whose transit search is small (up to about a "
                               "200k-point TESS curve) answer at once with 200. A longer search (a multi-year "
                               "Kepler curve) would outlast the request timeout, so it is queued as a job and "
                               "answered with 202 and a Location header; poll /api/jobs/{job_id} with your key "
                               "(sent without one, the 202 carries a new key that reads the job), whose result "
                               "then holds the same document. Unreadable files are refused (415/422) before "
                               "anything is queued; a repeated request while the job is queued or running "
                               "answers 202 with the same job, and after it is done 200 from the cache.",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": ANALYZE_FORM.json_schema()}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/AnalysisResult"}, "The analysis"),
                              "202": _json({"$ref": "#/components/schemas/JobAccepted"},
                                           "Long transit search: queued as a job whose result is the analysis"),
                              **_errors(400, 401, 404, 413, 415, 422, 503)}}},
            "/api/completeness": {"post": {
                "summary": "What this curve could have hidden: injection-recovery of planets or flares (a job: 202)",
                "description": "Planets (limb-darkened, random epochs) or flares (Davenport template, away from "
                               "the curve's own events) are injected into the uploaded curve itself and each copy "
                               "analysed; the job's result is the map of recovered shares with Wilson intervals "
                               "and one sentence stating the limit. Unreadable files (415/422) and bad settings "
                               "(422: a grid larger than the limit, zero injections, periods too long for the "
                               "curve) are refused before anything is queued. The same seed gives the same map; the "
                               "same file and settings again answer 200 with the map from the cache.",
                "requestBody": {"required": True,
                                "content": {"multipart/form-data": {"schema": COMPLETENESS_FORM.json_schema()}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/CompletenessMap"},
                                           "The map a job already made for the same file and settings (cached)"),
                              "202": _json({"$ref": "#/components/schemas/JobAccepted"},
                                           "Queued as a job whose result is the CompletenessMap"),
                              **_errors(400, 401, 413, 415, 422, 503)}}},
            "/api/train/synthetic": {"post": {
                "summary": "Train a model on seeded synthetic curves (n_samples <= 5 answers at once with 201)",
                "description": "The model is the key's; sent without a key, the answer carries a new key that owns "
                               "it. 409 when the owner already keeps MAX_MODELS_PER_OWNER models (or "
                               "MAX_MODEL_MB_PER_OWNER of them).",
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": SYNTHETIC_BODY.json_schema()}}},
                "responses": {"201": _json({"$ref": "#/components/schemas/TrainResult"}, "Trained at once"),
                              "202": _json({"$ref": "#/components/schemas/JobAccepted"}, "Queued as a job"),
                              **_errors(400, 401, 409, 415, 422, 503)}}},
            "/api/train": {"post": {
                "summary": "Train a model on uploaded light curves (runs as a job)",
                "description": "As /api/train/synthetic: the model is the key's, or a new key's handed back.",
                "requestBody": {"required": True,
                                "content": {"multipart/form-data": {"schema": FILES_FORM.json_schema()}}},
                "responses": {"202": _json({"$ref": "#/components/schemas/JobAccepted"}, "Queued as a job"),
                              **_errors(400, 401, 409, 413, 415, 422, 503)}}},
            "/api/results/{result_id}/transits/{number}/report.{fmt}": {"get": {
                "summary": "A transit candidate's vetting report: one PDF or PNG page (send the key that analysed it)",
                "description": "The result_id and each candidate's report_url come with the analysis. The page "
                               "shows the light curve with the transits marked, the fold with its model, odd "
                               "against even transits, the secondary-eclipse window, each transit, their depths, "
                               "the periodogram with its aliases and the verdict's reasons. Results are kept for "
                               "whoever analysed them with a key (or the operator), as long as the result cache "
                               "keeps the result; an analysis sent without a key has no report to come back for.",
                "parameters": [
                    {"name": "result_id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "number", "in": "path", "required": True,
                     "schema": {"type": "integer", "minimum": 1}, "description": "1 is the first candidate"},
                    {"name": "fmt", "in": "path", "required": True, "schema": {"enum": ["pdf", "png"]}}],
                "responses": {"200": {"description": "The report page",
                                      "content": {"application/pdf": {}, "image/png": {}}},
                              **_errors(401, 404)}}},
            "/api/jobs/{job_id}": {"get": {
                "summary": "Status, progress and result of a job you started (send the key that started it)",
                "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json({"$ref": "#/components/schemas/Job"}, "The job"), **_errors(401, 404)}}},
            "/api/batch": {"post": {
                "summary": "Analyse many light curves as one batch (files, or zips of them): 202",
                "description": "Each file (or light curve inside a zip) is one curve and one row of the batch's "
                               "summary; a file that cannot be read is a failed row with its reason, and the others "
                               "go on. Zip member paths are only labels. The batch is the key's (sent without one, "
                               "the 202 carries a new key that reads it); poll /api/batch/{batch_id}.",
                "requestBody": {"required": True,
                                "content": {"multipart/form-data": {"schema": BATCH_FORM.json_schema()}}},
                "responses": {"202": _json({"$ref": "#/components/schemas/BatchAccepted"}, "Queued"),
                              **_errors(400, 401, 413, 415, 422, 503)}}},
            "/api/batch/{batch_id}": {"get": {
                "summary": "Status, progress, each curve's state and the summary rows of a batch you started",
                "parameters": [_BATCH_ID],
                "responses": {"200": _json({"$ref": "#/components/schemas/Batch"}, "The batch"),
                              **_errors(401, 404)}}},
            "/api/batch/{batch_id}/summary.csv": {"get": {
                "summary": "The batch's summary table as CSV (one row per file; rows of unfinished curves are "
                           "their status only)",
                "parameters": [_BATCH_ID],
                "responses": {"200": {"description": "CSV file", "content": {"text/csv": {}}}, **_errors(401, 404)}}},
            "/api/batch/{batch_id}/curves/{index}": {"get": {
                "summary": "One analysed curve's full result (as POST /api/analyze answers)",
                "parameters": [_BATCH_ID, {"name": "index", "in": "path", "required": True,
                                           "schema": {"type": "integer", "minimum": 0}}],
                "responses": {"200": _json({"$ref": "#/components/schemas/AnalysisResult"}, "The analysis"),
                              **_errors(401, 404)}}},
            "/api/keys": {"post": {
                "summary": "A new API key: an owner identity for a client without a browser",
                "responses": {"201": _json({"$ref": "#/components/schemas/KeyIssued"}, "The key, shown once")}}},
            "/api/keys/{key_id}": {"delete": {
                "summary": "Revoke a key (send that key, or the operator's token); its models stay until retention",
                "parameters": [_KEY_ID],
                "responses": {"200": _json({"type": "object", "properties": {"revoked": {"type": "string"}}},
                                           "Revoked"), **_errors(401, 404)}}},
            "/api/models": {"get": {"summary": "Models you may use (shared, built-in, yours), newest first", "responses": {
                "200": _json({"type": "object", "properties": {
                    "models": {"type": "array", "items": {"$ref": "#/components/schemas/Model"}},
                    "default_model_id": {"type": "string"}}}, "The models"), **_errors(401)}}},
            "/api/models/{model_id}": {
                "get": {"summary": "One model's metadata", "parameters": [_MODEL_ID],
                        "responses": {"200": _json({"$ref": "#/components/schemas/Model"}, "The model"),
                                      **_errors(401, 404)}},
                "patch": {"summary": "Publish your model (everyone may use it, only you may change it) or make it "
                                     "private again",
                          "parameters": [_MODEL_ID],
                          "requestBody": {"required": True,
                                          "content": {"application/json": {"schema": PUBLISH_BODY.json_schema()}}},
                          "responses": {"200": _json({"$ref": "#/components/schemas/Model"}, "The model"),
                                        **_errors(401, 404, 415, 422)}},
                "delete": {"summary": "Delete your model (the operator: any but the built-in one)",
                           "parameters": [_MODEL_ID],
                           "responses": {"200": _json({"type": "object", "properties": {
                               "deleted": {"type": "string"}}}, "Deleted"), **_errors(401, 404, 409)}}},
            "/api/samples": {"get": {"summary": "The gallery samples with download URLs", "responses": {
                "200": _json({"type": "object", "properties": {"samples": {"type": "array", "items": {
                    "type": "object", "properties": {k: {"type": "string"} for k in ("name", "description", "url")}}}}},
                    "The samples")}}},
            "/api/samples/{name}.csv": {"get": {
                "summary": "One sample as CSV (time, flux, flux_err)",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "CSV file", "content": {"text/csv": {}}}, **_errors(404)}}},
            "/api/openapi.json": {"get": {"summary": "This document",
                                          "responses": {"200": {"description": "OpenAPI 3.1 document"}}}},
        },
        "components": {"schemas": _SCHEMAS, "securitySchemes": {"apiKey": {
            "type": "http", "scheme": "bearer",
            "description": "An API key from POST /api/keys (or from a training answer), or the operator's ADMIN_TOKEN"}}},
    }
