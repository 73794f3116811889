"""How the REST API answers failures: `{"error": "..."}` with a 4xx status (401 with
WWW-Authenticate for a bad key, 409 for an owner at their limits, 413 for more than a
batch takes), a 503 (with Retry-After)
when the job queue or the server's storage is unavailable, and a generic 500 for anything
unexpected (logged, never shown), so no request can make the server show a traceback or a path."""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from core.anomaly.registry import ModelNotFoundError
from core.errors import UserError
from dashapp.api.analyze_request import UnsupportedMediaError
from dashapp.api.auth import NotAuthenticated
from dashapp.api.jobs import JobQueueUnavailableError, QueueFullError
from dashapp.infra.archives import TooLargeError
from dashapp.infra.disk import STORAGE_MESSAGE, is_storage_error
from dashapp.infra.ownership import OwnerLimitError

log = logging.getLogger(__name__)
RETRY_AFTER_S = "30"


def error(status: int, message: str) -> tuple[Response, int]:
    return jsonify(error=message), status


def unavailable(message: str) -> tuple[Response, int]:
    response, status = error(503, message)
    response.headers["Retry-After"] = RETRY_AFTER_S
    return response, status


def unauthenticated(message: str) -> tuple[Response, int]:
    response, status = error(401, message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response, status


def register(api: Blueprint) -> None:
    """The blueprint's error handlers (once, where the blueprint is made: Flask freezes it when first mounted)."""
    api.register_error_handler(HTTPException, _http_error)
    api.register_error_handler(NotAuthenticated, lambda exc: unauthenticated(str(exc)))
    api.register_error_handler(ModelNotFoundError, lambda exc: error(404, str(exc)))
    api.register_error_handler(OwnerLimitError, lambda exc: error(409, str(exc)))
    api.register_error_handler(UserError, lambda exc: error(422, str(exc)))
    api.register_error_handler(TooLargeError, lambda exc: error(413, str(exc)))
    api.register_error_handler(UnsupportedMediaError, lambda exc: error(415, str(exc)))
    for busy in (QueueFullError, JobQueueUnavailableError):
        api.register_error_handler(busy, lambda exc: unavailable(str(exc)))
    api.register_error_handler(Exception, _unexpected)


def install(server: Flask) -> None:
    """Requests that match no API route (e.g. POST to an unknown /api/ path) are answered by the app,
    not the blueprint: keep those JSON too, and leave the dashboard's pages alone."""
    server.register_error_handler(HTTPException, _app_http_error)


def _http_error(exc: HTTPException) -> tuple[Response, int]:
    messages = {
        413: f"the upload is larger than the limit of {current_app.config.get('MAX_CONTENT_LENGTH') or 0:,} bytes",
        415: "unsupported content type; see /api/openapi.json for what each endpoint accepts",
    }
    status = exc.code or 500
    return error(status, messages.get(status) or exc.description or exc.name)


def _app_http_error(exc: HTTPException) -> Any:
    if request.path.startswith("/api/") or request.path == "/health":
        return _http_error(exc)
    return exc


def _unexpected(exc: Exception) -> tuple[Response, int]:
    if is_storage_error(exc):  # a full or read-only disk: the admin's problem, and worth a retry later
        log.warning("storage error in %s %s: %s", request.method, request.path, exc)
        return unavailable(STORAGE_MESSAGE)
    log.exception("unhandled error in %s %s", request.method, request.path)
    return error(500, "internal server error; the details are in the server log")
