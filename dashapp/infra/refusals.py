"""Refusals that leave a keep-alive connection usable: 413, 415 and 429 on /api/* read the body first.

A refusal is decided before the body is read (the rate limit, a content type, a size or a
part count). Gunicorn then discards at most 64 KB of the unread body before it gives up on
the connection and closes it with the rest unread, and the kernel answers such a close with
a reset: a client that keeps its connection alive (requests.Session, most HTTP libraries)
and is still sending its upload then sees "connection reset" instead of the 429 and its
Retry-After. So the body is read and dropped here, up to the upload limit, before the
answer leaves; a body larger than the limit is not read, and the answer says
`Connection: close`, so the client knows to open a new connection rather than reuse this one.
"""
from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

REFUSALS = frozenset({413, 415, 429})
PREFIX = "/api/"
CHUNK_BYTES = 64 * 1024


def discard_body(limit: int) -> bool:
    """Read and drop what is left of this request's body, at most `limit` bytes; True if it was all read."""
    if request.content_length is not None and request.content_length > limit:
        return False
    read = 0
    try:
        stream = request.stream
        while read <= limit:
            chunk = stream.read(CHUNK_BYTES)
            if not chunk:
                return True
            read += len(chunk)
    except (RequestEntityTooLarge, ClientDisconnected, OSError):
        return False
    return False


def install(server: Flask, limit: int) -> None:
    """Drain refused /api/* request bodies (up to `limit`) before the answer is sent."""

    def drain(response: Response) -> Response:
        if response.status_code in REFUSALS and request.path.startswith(PREFIX) and not discard_body(limit):
            response.headers["Connection"] = "close"
        return response

    server.after_request(drain)
