"""Upload size limits on the dashboard's callback route, where files arrive as base64 in JSON.

dcc.Upload sends each file as a data URL inside the /_dash-update-component POST, so a file
of n bytes takes 4/3 n bytes there. MAX_CONTENT_LENGTH (MAX_UPLOAD_MB, sized for the REST
API's raw multipart uploads) would refuse such a POST for files well under the limit, so
that one route gets a body limit that fits one file at the limit. A POST over it is
answered before its body is read, with a Dash "sideUpdate" that opens the status alert in
plain words; a bare 413 would leave the page silent. dcc.Upload's own `max_size` is not
used: the browser then drops an oversized file without telling the server or the user.
"""
from __future__ import annotations

import math
from typing import Any

from flask import Flask, Response, jsonify, request

from dashapp import ids

MIB = 1024 * 1024
JSON_ALLOWANCE = 1 * MIB  # data-URL prefix, file name, component ids and the rest of Dash's JSON body


def callback_body_limit(max_upload_bytes: int) -> int:
    """Bytes a callback POST may carry: one file at the limit, base64-encoded, plus the JSON around it."""
    return 4 * math.ceil(max_upload_bytes / 3) + JSON_ALLOWANCE


def decoded_size(data_url: str) -> int:
    """Bytes a dcc.Upload data URL decodes to, counted without decoding it (0 if it carries no payload)."""
    _, sep, payload = data_url.partition(",")
    if not sep:
        return 0
    padding = len(payload) - len(payload.rstrip("="))
    return max(0, len(payload) * 3 // 4 - padding)


def too_big_message(size_bytes: int, max_upload_bytes: int) -> str:
    """The words shown for a file (or a drop of files) over the limit; the size is rounded up, never to the limit."""
    return (f"{math.ceil(10 * size_bytes / MIB) / 10:g} MB is more than the limit of {max_upload_bytes / MIB:g} MB "
            "per upload")


def oversized_drop_response(content_length: int, max_upload_bytes: int) -> Response:
    """A Dash callback answer that updates nothing but opens the status alert with the reason."""
    # Base64 inflates by 4/3: report roughly what the user dropped, not what the browser sent.
    message = (f"Not uploaded: {too_big_message(content_length * 3 // 4, max_upload_bytes)}. "
               "Drop fewer or smaller files at once (or use the CSV export, which is usually smaller).")
    alert: dict[str, Any] = {"children": message, "is_open": True, "color": "danger"}
    return jsonify(multi=True, response={}, sideUpdate={ids.STATUS_ALERT: alert})


def install(server: Flask, callback_path: str, max_upload_bytes: int) -> None:
    """Give `callback_path` its base64-sized body limit, and answer POSTs over it in the page's words."""
    limit = callback_body_limit(max_upload_bytes)

    def check() -> Response | None:
        if request.path != callback_path:
            return None
        request.max_content_length = limit  # still enforced while reading a body sent without Content-Length
        if request.content_length is not None and request.content_length > limit:
            return oversized_drop_response(request.content_length, max_upload_bytes)
        return None

    server.before_request(check)
