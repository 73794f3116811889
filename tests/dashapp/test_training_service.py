"""The one training service: models by id (None: fit on the curve), training on a session's curves,
and the one check of how many curves a run may ask for (pages and API)."""
from __future__ import annotations

import pytest

from core.errors import ConfigError
from core.anomaly.registry import ModelRegistry
from dashapp.infra.session import new_session_id
from dashapp.training_service import MAX_TRAIN_SAMPLES, TrainingService, sample_count, whole_number
from dashapp.views.models import FIT_ON_CURVE, model_options, saved_model_id


@pytest.fixture
def training(settings) -> TrainingService:
    return TrainingService(ModelRegistry(settings.models_dir), settings.cache_dir)


def test_model_options_start_with_fit_on_curve(training):
    options = model_options(training.models())
    assert options[0]["value"] == FIT_ON_CURVE
    assert training.model(saved_model_id(FIT_ON_CURVE)) is None
    assert saved_model_id(FIT_ON_CURVE) is None
    assert saved_model_id("m-1") == "m-1"


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
def test_training_on_session_curves_saves_a_model_listed_for_analysis(settings, training, store):
    from core.synthetic import generate_sample

    from dashapp.infra.curve_store import content_hash

    sid = new_session_id()
    for name in ("normal_star", "stellar_flares"):
        store.save(sid, content_hash(name.encode()), generate_sample(name)[0], f"{name}.csv")
    steps = []
    model_id, metadata = training.train_on_session(store, sid, 0.05, lambda d, t: steps.append((d, t)))
    assert metadata["training_data"]["n_curves"] == 2 and steps[-1][0] == steps[-1][1]
    assert model_id in [o["value"] for o in model_options(training.models())]
    assert not list(settings.cache_dir.glob("train-*"))  # the temporary CSVs are gone
