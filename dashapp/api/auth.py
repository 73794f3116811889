"""Who is calling the REST API: the key (or the operator's token) in `Authorization: Bearer ...`, else nobody.

The API reads no cookie: a script's identity is its key, and a request a browser is tricked
into sending carries none. A request without a key may read what is shared and analyse;
whatever it starts that outlives it (a model, a job) gets a fresh key that owns it, handed
back in the answer (`owner_of_new_work`). A malformed, unknown or revoked key is a 401 with
a JSON error, on every /api/ path, before the route runs.
"""
from __future__ import annotations

import hashlib
import hmac
from contextlib import contextmanager
from typing import Iterator

from flask import g, request

from dashapp.infra.api_keys import IssuedKey, KeyStore
from dashapp.infra.ownership import ANONYMOUS, OPERATOR, Caller
from dashapp.services import services

_SCHEME = "bearer"
HOW_TO_SEND = "send your API key as 'Authorization: Bearer <key>'; get one with POST /api/keys"


class NotAuthenticated(Exception):
    """The request's Authorization header names no valid key or token (answered 401)."""


def caller_from_header(header: str | None, keys: KeyStore, admin_token: str | None) -> Caller:
    """The caller an Authorization header names; NotAuthenticated for anything but none, a valid key or the token."""
    if header is None:
        return ANONYMOUS
    scheme, _, credential = header.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != _SCHEME or not credential:
        raise NotAuthenticated(f"the Authorization header is not a Bearer key: {HOW_TO_SEND}")
    if admin_token is not None and _same_secret(credential, admin_token):
        return OPERATOR
    key_id = keys.verify(credential)
    if key_id is None:
        raise NotAuthenticated("this API key is not valid: it is unknown or was revoked; get a new one with "
                               "POST /api/keys")
    return Caller.of_key(key_id)


def resolve_caller() -> None:
    """Blueprint hook: find the caller of every /api/ request once (401 before the route runs)."""
    if request.path.startswith("/api/"):
        svc = services()
        g.api_caller = caller_from_header(request.headers.get("Authorization"), svc.keys, svc.settings.admin_token)


def api_caller() -> Caller:
    """The caller of this API request (see resolve_caller)."""
    return g.get("api_caller", ANONYMOUS)


@contextmanager
def owner_of_new_work() -> Iterator[tuple[Caller, IssuedKey | None]]:
    """(owner, new key or None) for something this request starts that outlives it.

    The caller, when they sent a key; otherwise a new key that owns the work and is returned
    to them. If the work is refused or fails before it is handed over, the new key is revoked
    again, so failed requests leave no keys behind.
    """
    caller = api_caller()
    if caller.owner is not None:
        yield caller, None
        return
    keys = services().keys
    issued = keys.issue()
    try:
        yield Caller.of_key(issued.key_id), issued
    except BaseException:
        keys.revoke(issued.key_id)
        raise


def with_key(body: dict, issued: IssuedKey | None) -> dict:
    """An answer's body, with the new key (and its id, to revoke it) when one was issued for it."""
    return {**body, "key": issued.key, "key_id": issued.key_id} if issued else body


def _same_secret(presented: str, expected: str) -> bool:
    """Constant-time comparison that does not even leak the token's length."""
    return hmac.compare_digest(hashlib.sha256(presented.encode("utf-8", "replace")).digest(),
                               hashlib.sha256(expected.encode("utf-8")).digest())
