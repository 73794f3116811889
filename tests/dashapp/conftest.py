"""Dashboard unit tests: no browser, no server; the app's data lives in a temporary directory."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Before anything imports dashapp.app (which builds `app` at import): keep the repo's data/ untouched.
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="dashapp-unit-")
os.environ.pop("REDIS_URL", None)

from core.anomaly.registry import ModelRegistry  # noqa: E402
from dashapp.settings import Settings  # noqa: E402
from dashapp.infra.curve_store import CurveStore  # noqa: E402
from dashapp.infra.ownership import OwnerLimits  # noqa: E402
from dashapp.training_service import TrainingService  # noqa: E402


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings.from_env({"DATA_DIR": str(tmp_path / "data")})
    s.ensure_dirs()
    return s


@pytest.fixture
def store(tmp_path: Path) -> CurveStore:
    return CurveStore(tmp_path / "uploads")


@pytest.fixture
def training(settings: Settings) -> TrainingService:
    """The training service on the settings' registry, with the default per-owner limits."""
    limits = OwnerLimits(max_models=settings.max_models_per_owner, max_mb=settings.max_model_mb_per_owner)
    return TrainingService(ModelRegistry(settings.models_dir), settings.cache_dir, limits)
