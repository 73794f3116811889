"""Who owns what, and who may do what with it: the one set of access rules for pages and API alike.

A caller is a browser session (the pages: the server-made id in Flask's signed cookie), an
API key (the REST API: `Authorization: Bearer <key>`), the operator (`ADMIN_TOKEN`), or
nobody (an API request without a key). What a caller makes that outlives the request (a
model, a job) records its owner tag, "session:<sid>" or "key:<key id>", taken only from
that cookie or key, never from anything else the client sends.

Models: the built-in default and published models are shared and read-only for everyone
but their owner; a model whose metadata names no owner (saved before owners were recorded,
or by the CLI) is shared and read-only too, so nothing is lost on upgrade. Everything else
is seen and changed by its owner alone, and the operator may list and delete anything.
Jobs: read by whoever started them. Analysis results (their vetting reports): read by whoever
sent the analysis under their key (the operator too); a request without a key reached it
only for that request. What a caller may not see does not exist for them:
the pages do not list it and the API answers 404, never 403, so ids are not revealed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.anomaly.registry import DEFAULT_MODEL_ID
from core.errors import UserError

OWNER_FIELD = "owner_id"  # model metadata: the owner tag (absent on models saved before owners)
PUBLISHED_FIELD = "published"  # model metadata: True when its owner shares it with everyone
OPERATOR_TAG = "operator"

# Whose a model is, as the caller sees it (the API's "owner" field).
YOU, SHARED, BUILT_IN = "you", "shared", "built-in"
PRIVATE = "private"  # another owner's unpublished model: only the operator ever sees one


class OwnerLimitError(UserError):
    """An owner already keeps as many models (or bytes of them) as the server allows."""


@dataclass(frozen=True)
class Caller:
    """Who is asking: the owner tag of what they make (None: nobody, an API request without a key)."""

    owner: str | None
    operator: bool = False

    @classmethod
    def of_session(cls, sid: str) -> "Caller":
        return cls(owner=f"session:{sid}")

    @classmethod
    def of_key(cls, key_id: str) -> "Caller":
        return cls(owner=f"key:{key_id}")


ANONYMOUS = Caller(owner=None)
OPERATOR = Caller(owner=OPERATOR_TAG, operator=True)


def model_owner(caller: Caller, metadata: dict[str, Any]) -> str | None:
    """Whose the model is for `caller` (YOU, SHARED, BUILT_IN; PRIVATE for the operator), or None: not for them to see."""
    if metadata.get("id") == DEFAULT_MODEL_ID:
        return BUILT_IN
    if OWNER_FIELD not in metadata:
        return SHARED
    if caller.owner is not None and metadata[OWNER_FIELD] == caller.owner:
        return YOU
    if metadata.get(PUBLISHED_FIELD) is True:
        return SHARED
    return PRIVATE if caller.operator else None


def may_change(caller: Caller, metadata: dict[str, Any]) -> bool:
    """Publish or unpublish: the owner only."""
    return model_owner(caller, metadata) == YOU


def may_delete(caller: Caller, metadata: dict[str, Any]) -> bool:
    """The owner, and the operator (any model but the built-in one)."""
    return may_change(caller, metadata) or (caller.operator and metadata.get("id") != DEFAULT_MODEL_ID)


def model_view(caller: Caller, metadata: dict[str, Any]) -> dict[str, Any]:
    """A model's metadata as `caller` is shown it: `owner` from their point of view, `published`
    (everyone may use it), and never the owner tag itself."""
    owner = model_owner(caller, metadata)
    shown = {k: v for k, v in metadata.items() if k not in (OWNER_FIELD, PUBLISHED_FIELD)}
    published = owner in (SHARED, BUILT_IN) or metadata.get(PUBLISHED_FIELD) is True
    return {**shown, "owner": owner, "published": published}


def new_model_fields(caller: Caller) -> dict[str, Any]:
    """The metadata every model saved for `caller` starts with: theirs, and private."""
    if caller.owner is None:
        raise ValueError("a model needs an owner; give an anonymous API caller a key first")
    return {OWNER_FIELD: caller.owner, PUBLISHED_FIELD: False}


def owned_by(owner: str, models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The models (registry metadata) whose owner tag is `owner`."""
    return [m for m in models if m.get(OWNER_FIELD) == owner]


def may_read_job(caller: Caller, started_it: bool) -> bool:
    """A job (of any kind) is read by whoever started it, and by the operator."""
    return caller.operator or (caller.owner is not None and started_it)


def may_read_result(caller: Caller, reached_it: bool) -> bool:
    """An analysis result is read again by whoever reached it (analysed or looked it up), and by the operator."""
    return caller.operator or (caller.owner is not None and reached_it)


@dataclass(frozen=True)
class OwnerLimits:
    """How much one owner may keep: models (MAX_MODELS_PER_OWNER) and megabytes of them (MAX_MODEL_MB_PER_OWNER).

    A full owner is refused a new model with a 409 that says so; nothing of theirs is
    evicted behind their back (a published model others use would vanish).
    """

    max_models: int
    max_mb: int

    def check_room(self, owned: list[dict[str, Any]]) -> None:
        """Raise OwnerLimitError unless one more model fits beside `owned` (registry metadata)."""
        if len(owned) >= self.max_models:
            raise OwnerLimitError(
                f"you already keep {len(owned)} models, the most this server keeps for one owner "
                f"(MAX_MODELS_PER_OWNER={self.max_models}); delete one (Training page, or DELETE "
                "/api/models/<id>) before training another")
        used_mb = sum(int(m.get("size_bytes") or 0) for m in owned) / 1e6
        if used_mb >= self.max_mb:
            raise OwnerLimitError(
                f"your models take {used_mb:.1f} MB, the most this server keeps for one owner is {self.max_mb} MB "
                "(MAX_MODEL_MB_PER_OWNER); delete one before training another")
