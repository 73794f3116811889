"""The anomaly models of one dashboard: the registry, the few models a worker keeps loaded,
training runs, and the one check of how much a training request may ask for.

Pages and the REST API both load models and train through here, so "which model does
this id mean" and "how many curves may one run train on" have one answer.
"""
from __future__ import annotations

import math
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

from core.anomaly.estimator import AnomalyEnsemble
from core.anomaly.registry import DEFAULT_MODEL_ID, ModelNotFoundError, ModelRegistry
from core.anomaly.training import ensure_default_model, train_files, train_synthetic
from core.errors import ConfigError
from core.io.writers import write_csv
from dashapp.infra.curve_store import CurveStore
from dashapp.infra.lru import LRU

MAX_TRAIN_SAMPLES = 1000  # synthetic curves one training run may ask for (pages and API)
MAX_SESSION_CURVES = 50  # uploaded curves of a session one run trains on (the newest)
MODEL_LRU_SIZE = 4  # a loaded model is refitted from its reference windows (~1 s), so keep a few
StepProgress = Callable[[int, int], None]  # curves done, curves in all


def whole_number(value: Any, name: str, low: int, high: int) -> int:
    """`value` (a number or its text, as forms and JSON send it) as an int in [low, high]; ConfigError names `name`."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number != int(number) or not low <= number <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return int(number)


def sample_count(value: Any, name: str = "n_samples", low: int = 1) -> int:
    """How many synthetic curves a training run is asked for, within [low, MAX_TRAIN_SAMPLES]."""
    return whole_number(value, name, low, MAX_TRAIN_SAMPLES)


class TrainingService:
    """Loads, lists, deletes and trains models of one registry; `work_dir` takes temporary training files."""

    def __init__(self, registry: ModelRegistry, work_dir: Path) -> None:
        self.registry = registry
        self.work_dir = work_dir
        self.loaded: LRU[str, AnomalyEnsemble] = LRU(MODEL_LRU_SIZE)

    def model(self, model_id: str | None) -> AnomalyEnsemble | None:
        """The fitted ensemble saved under `model_id`, or None (fit on the analysed curve itself)."""
        if model_id is None:
            return None
        self.require(model_id)
        model = self.loaded.get(model_id)
        if model is None:
            model = self.registry.load(model_id)
            self.loaded.put(model_id, model)
        return model

    def require(self, model_id: str) -> None:
        """Raise ModelNotFoundError unless the model exists; the default one is trained on first use.

        Asked of the registry every time: another worker may have deleted the model.
        """
        if model_id == DEFAULT_MODEL_ID:
            ensure_default_model(self.registry)
        elif not self.registry.exists(model_id):
            self.loaded.pop(model_id)
            raise ModelNotFoundError(f"no model with id {model_id}")

    def models(self) -> list[dict[str, Any]]:
        """The saved models' metadata, newest first."""
        return self.registry.list()

    def delete(self, model_id: str) -> None:
        self.registry.delete(model_id)
        self.loaded.pop(model_id)

    def train_synthetic(self, n_samples: int, progress: StepProgress, **params: Any) -> tuple[str, dict[str, Any]]:
        """Train on seeded synthetic curves and save the model; `params` are core's training knobs."""
        return train_synthetic(n_samples, registry=self.registry, progress=progress, **params)

    def train_files(self, paths: Sequence[Path], progress: StepProgress, **params: Any) -> tuple[str, dict[str, Any]]:
        return train_files(list(paths), registry=self.registry, progress=progress, **params)

    def train_on_session(self, store: CurveStore, sid: str, contamination: float,
                         progress: StepProgress) -> tuple[str, dict[str, Any]]:
        """Train on the curves uploaded in this session (newest first, at most MAX_SESSION_CURVES).

        core trains from files, so the stored arrays are written as CSV into a temporary folder
        of the work directory that is removed afterwards.
        """
        entries = store.list(sid)[:MAX_SESSION_CURVES]
        if not entries:
            raise ConfigError("there are no uploaded curves in this session; upload some on the Upload page first")
        with tempfile.TemporaryDirectory(dir=self.work_dir, prefix="train-") as folder:
            paths = []
            for entry in entries:
                lc = store.load(sid, entry.curve_hash)
                if lc is not None:
                    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(entry.name).stem)[:60] or "curve"
                    paths.append(write_csv(lc, Path(folder) / f"{stem}-{entry.curve_hash[:8]}.csv"))
            return self.train_files(paths, progress, contamination=contamination)
