"""Requests that change a model: `PATCH /api/models/<id>` with `{"published": true|false}`."""
from __future__ import annotations

from typing import Any

from core.errors import ConfigError
from dashapp.api.schemas import Field, RequestSchema

PUBLISH_BODY = RequestSchema(
    fields=(Field("published", "boolean", "true: everyone may use the model (only you may change or delete it); "
                  "false: only you see it"),),
    required=("published",))


def parse_publish(body: Any) -> bool:
    """The `published` flag of a PATCH body; ConfigError (422) for anything but {"published": true|false}."""
    if not isinstance(body, dict) or set(body) != {"published"} or not isinstance(body["published"], bool):
        raise ConfigError('the JSON body must be {"published": true} or {"published": false}')
    return body["published"]
