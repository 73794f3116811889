"""A server-made id per browser session, kept in Flask's signed session cookie.

Uploads and results are filed under this id, so one visitor never sees another's
curves. The id is made here (never taken from the client) and checked by pattern
before it is ever used to build a path.
"""
from __future__ import annotations

import re
import secrets

import flask
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_KEY = "sid"
_SID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def new_session_id() -> str:
    return secrets.token_urlsafe(16)


def is_valid_session_id(value: object) -> bool:
    return isinstance(value, str) and bool(_SID_PATTERN.match(value))


def ensure_session_id() -> None:
    """Flask before_request hook: give every browser a session id on its first request."""
    if not is_valid_session_id(flask.session.get(SESSION_KEY)):
        flask.session[SESSION_KEY] = new_session_id()


def current_session_id() -> str | None:
    """The caller's session id, or None outside a request (e.g. Dash's startup checks)."""
    if not flask.has_request_context():
        return None
    sid = flask.session.get(SESSION_KEY)
    return sid if is_valid_session_id(sid) else None


def install(server: flask.Flask, secure_cookies: bool = False) -> None:
    """Cookie settings and the hook that hands out ids (secure_cookies: HTTPS-only, behind TLS)."""
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_SECURE=secure_cookies)
    server.before_request(ensure_session_id)


def seal(server: flask.Flask, payload: dict) -> str:
    """Sign a payload that makes a round trip through the browser (job requests, result keys) so it cannot be edited."""
    return URLSafeTimedSerializer(server.secret_key, salt="dashboard").dumps(payload)


def unseal(server: flask.Flask, token: str, max_age_s: int = 24 * 3600) -> dict | None:
    """The payload of a sealed value, or None when it was tampered with or is older than max_age_s."""
    if not isinstance(token, str):
        return None
    try:
        return URLSafeTimedSerializer(server.secret_key, salt="dashboard").loads(token, max_age=max_age_s)
    except BadSignature:
        return None
