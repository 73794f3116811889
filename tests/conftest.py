"""Shared fixtures: the real light curves in ../shared/data/real/ and seeded generators."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_DATA_DIR = (REPO_ROOT / ".." / "shared" / "data" / "real").resolve()


def _manifest() -> list[dict]:
    path = REAL_DATA_DIR / "MANIFEST.json"
    if not path.exists():
        return []
    return json.loads(path.read_text())


REAL_MANIFEST = _manifest()


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    if not (REAL_DATA_DIR / "MANIFEST.json").exists():
        pytest.skip(f"real light curves not available: {REAL_DATA_DIR} is absent")
    return REAL_DATA_DIR


@pytest.fixture(scope="session")
def real_manifest(real_data_dir: Path) -> dict[str, dict]:
    return {entry["file"]: entry for entry in REAL_MANIFEST}


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)
