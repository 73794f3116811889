"""The one training service: models by id (None: fit on the curve) for a caller who may see them, what only
owners may change, training on a session's curves, retention, and the one check of how many curves a run
may ask for (pages and API)."""
from __future__ import annotations

import os

import numpy as np
import pytest

from core.anomaly.estimator import AnomalyEnsemble
from core.anomaly.registry import DEFAULT_MODEL_ID, ModelNotFoundError
from core.errors import ConfigError
from dashapp.infra.ownership import ANONYMOUS, OPERATOR, Caller, OwnerLimitError, OwnerLimits
from dashapp.infra.session import new_session_id
from dashapp.training_service import MAX_TRAIN_SAMPLES, OwnedRegistry, sample_count, whole_number
from dashapp.views.models import FIT_ON_CURVE, model_options, saved_model_id

ALICE, BOB = Caller.of_session(new_session_id()), Caller.of_key("0123456789abcdef")


@pytest.fixture(scope="module")
def fitted() -> AnomalyEnsemble:
    return AnomalyEnsemble(n_estimators=10, max_reference=300, random_state=0).fit(
        np.random.default_rng(5).standard_normal((300, 14)))


def _saved_for(training, owner: Caller, fitted: AnomalyEnsemble, limits: OwnerLimits | None = None) -> str:
    """A model saved the way training saves it for `owner` (without the minutes of training)."""
    return OwnedRegistry(training.registry.root, owner, limits or training.limits).save(fitted, {"note": "test"})


def _ids(models: list[dict]) -> list[str]:
    return [m["id"] for m in models]


def test_model_options_start_with_fit_on_curve(training):
    options = model_options(training.models(ALICE))
    assert options[0]["value"] == FIT_ON_CURVE
    assert training.model(ALICE, saved_model_id(FIT_ON_CURVE)) is None
    assert saved_model_id(FIT_ON_CURVE) is None
    assert saved_model_id("m-1") == "m-1"


def test_a_private_model_exists_for_its_owner_only(training, fitted):
    model_id = _saved_for(training, ALICE, fitted)
    [mine] = training.models(ALICE)
    assert (mine["id"], mine["owner"], mine["published"]) == (model_id, "you", False)
    assert "owner_id" not in mine  # the owner tag (a session id) is never shown
    assert isinstance(training.model(ALICE, model_id), AnomalyEnsemble)
    never_made = "m-20240101T000000Z-deadbeef"
    for other in (BOB, ANONYMOUS):
        assert model_id not in _ids(training.models(other))
        for use in (training.describe, training.require, training.model):  # the loaded copy is not handed out either
            with pytest.raises(ModelNotFoundError) as hidden:
                use(other, model_id)
            with pytest.raises(ModelNotFoundError) as missing:
                use(other, never_made)
            assert str(hidden.value) == str(missing.value).replace(never_made, model_id)
        with pytest.raises(ModelNotFoundError, match="no model of yours"):
            training.delete(other, model_id)
        with pytest.raises(ModelNotFoundError, match="no model of yours"):
            training.publish(other, model_id, True)
    assert training.describe(ALICE, model_id)["published"] is False  # still there, unchanged


def test_a_published_model_is_used_by_everyone_and_changed_by_its_owner_only(training, fitted):
    model_id = _saved_for(training, ALICE, fitted)
    assert training.publish(ALICE, model_id, True)["published"] is True
    for other in (BOB, ANONYMOUS):
        assert training.describe(other, model_id)["owner"] == "shared"
        assert isinstance(training.model(other, model_id), AnomalyEnsemble)
        with pytest.raises(ModelNotFoundError):
            training.delete(other, model_id)
        with pytest.raises(ModelNotFoundError):
            training.publish(other, model_id, False)
    training.publish(ALICE, model_id, False)
    assert model_id not in _ids(training.models(BOB))
    training.delete(ALICE, model_id)
    assert training.models(ALICE) == []


def test_a_model_saved_without_an_owner_is_shared_and_read_only(training, fitted):
    """Models saved before owners were recorded (or by the CLI) load as "shared": nothing is lost on upgrade."""
    legacy = training.registry.save(fitted, {"note": "before owners"})
    for caller in (ALICE, BOB, ANONYMOUS):
        view = training.describe(caller, legacy)
        assert (view["owner"], view["published"]) == ("shared", True)
        assert isinstance(training.model(caller, legacy), AnomalyEnsemble)
        with pytest.raises(ModelNotFoundError):
            training.delete(caller, legacy)
        with pytest.raises(ModelNotFoundError):
            training.publish(caller, legacy, False)
    training.delete(OPERATOR, legacy)
    assert not training.registry.exists(legacy)


def test_the_operator_lists_and_deletes_anything_but_the_built_in_model(training, fitted):
    model_id = _saved_for(training, ALICE, fitted)
    assert training.describe(OPERATOR, model_id)["owner"] == "private"
    with pytest.raises(ModelNotFoundError):
        training.publish(OPERATOR, model_id, True)  # publishing is the owner's choice
    training.delete(OPERATOR, model_id)
    assert not training.registry.exists(model_id)
    training.registry.save_default(fitted)
    assert training.describe(BOB, DEFAULT_MODEL_ID)["owner"] == "built-in"
    with pytest.raises(ModelNotFoundError):
        training.delete(OPERATOR, DEFAULT_MODEL_ID)


def test_an_owner_at_the_limit_is_refused_and_others_are_not(training, fitted):
    limits = OwnerLimits(max_models=2, max_mb=25)
    for _ in range(2):
        _saved_for(training, ALICE, fitted, limits)
    with pytest.raises(OwnerLimitError, match="MAX_MODELS_PER_OWNER=2"):
        _saved_for(training, ALICE, fitted, limits)
    _saved_for(training, BOB, fitted, limits)
    assert [len(training.models(c)) for c in (ALICE, BOB)] == [2, 1]  # private models: each sees their own


def test_retention_deletes_owned_models_nobody_used(training, fitted):
    idle, used = _saved_for(training, ALICE, fitted), _saved_for(training, BOB, fitted)
    legacy = training.registry.save(fitted)
    long_ago = 1_000_000_000
    for model_id in (idle, used, legacy):
        os.utime(training.registry.root / model_id, (long_ago, long_ago))
    training.model(BOB, used)  # using a model keeps it
    assert training.prune(max_age_days=7) == 1
    assert not training.registry.exists(idle)
    assert training.registry.exists(used) and training.registry.exists(legacy)  # the operator's, never pruned


@pytest.mark.parametrize("value", [0, MAX_TRAIN_SAMPLES + 1, "abc", True, 2.5, None, float("inf"), [10]])
def test_sample_count_is_a_whole_number_up_to_the_one_limit(value):
    with pytest.raises(ConfigError, match=f"n_samples must be a whole number from 1 to {MAX_TRAIN_SAMPLES}"):
        sample_count(value)


def test_sample_count_accepts_numbers_and_their_text():
    assert sample_count("100") == sample_count(100.0) == 100
    assert sample_count(MAX_TRAIN_SAMPLES) == MAX_TRAIN_SAMPLES
    assert whole_number("0", "n_heldout", 0, 50) == 0


def test_training_on_session_curves_needs_uploads(training, store):
    with pytest.raises(ConfigError, match="no uploaded curves"):
        training.train_on_session(store, new_session_id(), 0.05, lambda done, total: None)


@pytest.mark.slow
def test_training_on_session_curves_saves_a_model_of_that_session(settings, training, store):
    from core.synthetic import generate_sample

    from dashapp.infra.curve_store import content_hash

    sid = new_session_id()
    for name in ("normal_star", "stellar_flares"):
        store.save(sid, content_hash(name.encode()), generate_sample(name)[0], f"{name}.csv")
    steps = []
    model_id, metadata = training.train_on_session(store, sid, 0.05, lambda d, t: steps.append((d, t)))
    assert metadata["training_data"]["n_curves"] == 2 and steps[-1][0] == steps[-1][1]
    assert metadata["owner"] == "you" and metadata["published"] is False
    assert model_id in [o["value"] for o in model_options(training.models(Caller.of_session(sid)))]
    assert model_id not in _ids(training.models(Caller.of_session(new_session_id())))
    assert not list(settings.cache_dir.glob("train-*"))  # the temporary CSVs are gone
