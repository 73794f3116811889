"""The OpenAPI request bodies are the parsers' own schemas: same fields, and bounds that the validators hold to."""
from __future__ import annotations

import math

import pytest

from core.errors import ConfigError
from dashapp.api.analyze_request import ANALYZE_FORM, FORM_FIELDS, parse_config
from dashapp.api.completeness_request import COMPLETENESS_FORM
from dashapp.api.openapi import openapi_spec
from dashapp.api.schemas import Field
from dashapp.api.train_request import FILES_FORM, SYNTHETIC_BODY, TrainParams, parse_synthetic

BOUNDED = [f for f in ANALYZE_FORM.fields if f.maximum is not None]


def _body(path: str, media: str) -> dict:
    return openapi_spec()["paths"][path]["post"]["requestBody"]["content"][media]["schema"]


def test_request_bodies_are_rendered_from_the_schemas() -> None:
    assert _body("/api/analyze", "multipart/form-data") == ANALYZE_FORM.json_schema()
    assert _body("/api/train/synthetic", "application/json") == SYNTHETIC_BODY.json_schema()
    assert _body("/api/train", "multipart/form-data") == FILES_FORM.json_schema()
    assert _body("/api/completeness", "multipart/form-data") == COMPLETENESS_FORM.json_schema()
    assert set(ANALYZE_FORM.json_schema()["properties"]) == {"file", *FORM_FIELDS}


def test_every_documented_setting_is_accepted_and_nothing_else() -> None:
    for name in FORM_FIELDS:
        parse_config({name: ""})  # known: an empty value means "the default"
    with pytest.raises(ConfigError, match="unknown"):
        parse_config({"colour": "red"})


def _edges(field: Field) -> tuple[list[float], list[float]]:
    """(values the field's schema allows at its edges, values just outside them)."""
    step = 1 if field.kind == "integer" else None
    inside, outside = [field.maximum], [field.maximum + 1 if step else math.nextafter(field.maximum, math.inf)]
    if field.minimum is not None:
        inside.append(field.minimum)
        outside.append(field.minimum - 1 if step else math.nextafter(field.minimum, -math.inf))
    if field.exclusive_minimum is not None:
        inside.append(field.exclusive_minimum + 1 if step else math.nextafter(field.exclusive_minimum, math.inf))
        outside.append(field.exclusive_minimum)
    return inside, outside


@pytest.mark.parametrize("field", BOUNDED, ids=[f.name for f in BOUNDED])
def test_documented_bounds_are_the_ones_core_enforces(field: Field) -> None:
    inside, outside = _edges(field)
    for value in inside:
        parse_config({field.name: repr(value)})
    for value in outside:
        with pytest.raises(ConfigError, match=field.name):
            parse_config({field.name: repr(value)})


def test_training_counts_are_checked_against_their_schema_bounds() -> None:
    n_samples, heldout = SYNTHETIC_BODY.field("n_samples"), SYNTHETIC_BODY.field("n_heldout")
    assert parse_synthetic({"n_samples": n_samples.maximum})[0] == n_samples.maximum
    assert TrainParams.from_mapping({"n_heldout": heldout.maximum}).n_heldout == heldout.maximum
    with pytest.raises(ConfigError, match="n_samples"):
        parse_synthetic({"n_samples": n_samples.maximum + 1})
    with pytest.raises(ConfigError, match="n_heldout"):
        TrainParams.from_mapping({"n_heldout": heldout.maximum + 1})
    with pytest.raises(ConfigError, match="n_samples"):
        parse_synthetic({"n_samples": n_samples.minimum - 1})
