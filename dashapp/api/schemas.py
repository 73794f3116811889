"""Request schemas: the fields a request may carry, read both by the request parsers (which
fields exist, their defaults and the bounds dashapp checks itself) and by the OpenAPI
document, so the description cannot drift from what is accepted.

The analysis settings' ranges are enforced by core's AnalysisConfig; their fields state the
same bounds, and a test checks each against AnalysisConfig at its edges.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from dashapp.training_service import whole_number

OCTET_STREAM = "application/octet-stream"


@dataclass(frozen=True)
class Field:
    """One request field. `kind` is a JSON Schema type, or "file"/"files" for multipart uploads."""

    name: str
    kind: str
    description: str | None = None
    minimum: float | None = None
    exclusive_minimum: float | None = None
    maximum: float | None = None
    max_items: int | None = None
    default: Any = None  # None: the field has no default

    def json_schema(self) -> dict[str, Any]:
        if self.kind == "file":
            schema: dict[str, Any] = {"type": "string", "contentMediaType": OCTET_STREAM}
        elif self.kind == "files":
            schema = {"type": "array", "items": {"type": "string", "contentMediaType": OCTET_STREAM}}
        else:
            schema = {"type": self.kind}
        keywords = {"description": self.description, "minimum": self.minimum,
                    "exclusiveMinimum": self.exclusive_minimum, "maximum": self.maximum,
                    "maxItems": self.max_items, "default": self.default}
        schema.update((keyword, value) for keyword, value in keywords.items() if value is not None)
        return schema

    def whole_number(self, value: Any) -> int:
        """`value` checked against this integer field's bounds; ConfigError names the field."""
        if self.minimum is None or self.maximum is None:
            raise TypeError(f"{self.name} has no bounds to check a whole number against")
        return whole_number(value, self.name, int(self.minimum), int(self.maximum))


@dataclass(frozen=True)
class RequestSchema:
    """The fields of one request body or form."""

    fields: tuple[Field, ...]
    required: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def unknown(self, keys: Iterable[str]) -> list[str]:
        """The keys this schema does not know, sorted (requests refuse them, so typos do not pass silently)."""
        return sorted(set(keys) - set(self.names))

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object"}
        if self.required:
            schema["required"] = list(self.required)
        schema["properties"] = {f.name: f.json_schema() for f in self.fields}
        return schema
