"""The access rules, as a table: who sees a model as whose, who may change or delete it, who reads a job."""
from __future__ import annotations

import pytest

from core.anomaly.registry import DEFAULT_MODEL_ID
from dashapp.infra.ownership import (
    ANONYMOUS,
    OPERATOR,
    Caller,
    OwnerLimitError,
    OwnerLimits,
    may_change,
    may_delete,
    may_read_job,
    model_owner,
    model_view,
    new_model_fields,
)

ALICE, BOB = Caller.of_session("a" * 22), Caller.of_key("0123456789abcdef")
PRIVATE_OF_ALICE = {"id": "m-1", **new_model_fields(ALICE)}
PUBLISHED_OF_ALICE = {**PRIVATE_OF_ALICE, "published": True}
LEGACY = {"id": "m-2"}  # saved before owners were recorded
BUILT_IN = {"id": DEFAULT_MODEL_ID}


@pytest.mark.parametrize(("model", "expected"), [
    # Alice, Bob, nobody, the operator
    (PRIVATE_OF_ALICE, ("you", None, None, "private")),
    (PUBLISHED_OF_ALICE, ("you", "shared", "shared", "shared")),
    (LEGACY, ("shared", "shared", "shared", "shared")),
    (BUILT_IN, ("built-in", "built-in", "built-in", "built-in")),
], ids=["private", "published", "legacy", "built-in"])
def test_whose_a_model_is_for_each_caller(model, expected):
    assert tuple(model_owner(c, model) for c in (ALICE, BOB, ANONYMOUS, OPERATOR)) == expected


@pytest.mark.parametrize("model", [PRIVATE_OF_ALICE, PUBLISHED_OF_ALICE, LEGACY, BUILT_IN])
def test_only_the_owner_changes_and_the_operator_also_deletes(model):
    owned = model is PRIVATE_OF_ALICE or model is PUBLISHED_OF_ALICE
    assert [may_change(c, model) for c in (ALICE, BOB, ANONYMOUS, OPERATOR)] == [owned, False, False, False]
    assert [may_delete(c, model) for c in (ALICE, BOB, ANONYMOUS)] == [owned, False, False]
    assert may_delete(OPERATOR, model) is (model is not BUILT_IN)


def test_a_caller_without_identity_owns_nothing_even_a_model_without_an_owner_tag():
    assert model_owner(ANONYMOUS, {"id": "m-3", "owner_id": None}) is None
    with pytest.raises(ValueError, match="needs an owner"):
        new_model_fields(ANONYMOUS)


def test_the_view_names_whose_it_is_and_never_the_owner_tag():
    view = model_view(BOB, PUBLISHED_OF_ALICE)
    assert view == {"id": "m-1", "owner": "shared", "published": True}
    assert model_view(ALICE, PRIVATE_OF_ALICE) == {"id": "m-1", "owner": "you", "published": False}


def test_a_job_is_read_by_who_started_it_and_the_operator():
    assert may_read_job(ALICE, started_it=True)
    assert not may_read_job(BOB, started_it=False)
    assert not may_read_job(ANONYMOUS, started_it=True)  # nobody has started nothing
    assert may_read_job(OPERATOR, started_it=False)


def test_limits_count_models_and_their_megabytes():
    limits = OwnerLimits(max_models=3, max_mb=2)
    limits.check_room([{"size_bytes": 600_000}] * 2)
    with pytest.raises(OwnerLimitError, match="MAX_MODELS_PER_OWNER=3"):
        limits.check_room([{"size_bytes": 1}] * 3)
    with pytest.raises(OwnerLimitError, match=r"2\.4 MB.*MAX_MODEL_MB_PER_OWNER"):
        limits.check_room([{"size_bytes": 1_200_000}] * 2)
