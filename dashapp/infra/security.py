"""Security headers on every response, installed by dashapp.app.create_app.

The dashboard is opened by strangers on a shared URL, so the browser is told to run only
our own scripts, never to guess content types, never to show the app inside a frame, and
not to leak the page's URL to other sites. Dash forces two relaxations: plotly.js (regl,
for WebGL traces) and the Dash renderer build code with `new Function` ('unsafe-eval'),
and both set inline styles ('unsafe-inline' for styles only). Inline scripts (the
renderer's start-up line, clientside callbacks) are allowed by their hashes, not wholesale.
"""
from __future__ import annotations

import dash
from flask import Response

STATIC_DIRECTIVES = (
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def content_security_policy(app: dash.Dash) -> str:
    """The policy for this app: static directives plus the hashes of its inline scripts."""
    script_src = " ".join(["script-src 'self' 'unsafe-eval'", *app.csp_hashes()])
    return "; ".join([*STATIC_DIRECTIVES, script_src])


def install(app: dash.Dash) -> None:
    """Add the headers to every response of `app.server` (pages, assets, callbacks, API)."""

    def add_headers(response: Response) -> Response:
        # Computed per response: clientside callbacks may add inline scripts after start-up,
        # and hashing a few short strings costs microseconds.
        response.headers["Content-Security-Policy"] = content_security_policy(app)
        for name, value in FIXED_HEADERS.items():
            response.headers[name] = value
        return response

    app.server.after_request(add_headers)
