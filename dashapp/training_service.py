"""The anomaly models of one dashboard: the registry, the few models a worker keeps loaded,
training runs, and the one check of how much a training request may ask for.

Pages and the REST API both list, load, publish, delete and train models through here, for
a caller (`infra.ownership`), so "which model does this id mean", "may this caller see or
change it" and "how many curves may one run train on" have one answer each.
"""
from __future__ import annotations

import math
import re
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Sequence

from core.anomaly.estimator import AnomalyEnsemble
from core.anomaly.registry import DEFAULT_MODEL_ID, ModelNotFoundError, ModelRegistry
from core.anomaly.training import ensure_default_model, train_files, train_synthetic
from core.errors import ConfigError
from core.io.writers import write_csv
from dashapp.infra.curve_store import CurveStore
from dashapp.infra.lru import LRU
from dashapp.infra.ownership import (
    OWNER_FIELD,
    PUBLISHED_FIELD,
    Caller,
    OwnerLimits,
    may_change,
    may_delete,
    model_owner,
    model_view,
    new_model_fields,
    owned_by,
)

MAX_TRAIN_SAMPLES = 1000  # synthetic curves one training run may ask for (pages and API)
MAX_SESSION_CURVES = 50  # uploaded curves of a session one run trains on (the newest)
MODEL_LRU_SIZE = 4  # a loaded model is refitted from its reference windows (~1 s), so keep a few
StepProgress = Callable[[int, int], None]  # curves done, curves in all
Trained = tuple[str, dict[str, Any]]  # the new model's id, and its metadata as its owner sees it


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


class OwnedRegistry(ModelRegistry):
    """The registry as one owner saves into it: each new model records its owner, starts private,
    and must fit the owner's limits, checked again here because other runs may have saved meanwhile."""

    def __init__(self, root: Path, owner: Caller, limits: OwnerLimits) -> None:
        super().__init__(root)
        self.owner = owner
        self.limits = limits

    def save(self, estimator: AnomalyEnsemble, metadata: dict[str, Any] | None = None) -> str:
        self.limits.check_room(owned_by(self.owner.owner, self.list()))
        return super().save(estimator, {**(metadata or {}), **new_model_fields(self.owner)})


class TrainingService:
    """Lists, loads, publishes, deletes and trains the models of one registry, each for a caller.

    `work_dir` takes temporary training files; `limits` bound what one owner keeps.
    """

    def __init__(self, registry: ModelRegistry, work_dir: Path, limits: OwnerLimits) -> None:
        self.registry = registry
        self.work_dir = work_dir
        self.limits = limits
        self.loaded: LRU[str, AnomalyEnsemble] = LRU(MODEL_LRU_SIZE)

    # ------------------------------------------------------------------ what a caller may see and use

    def models(self, caller: Caller) -> list[dict[str, Any]]:
        """The models `caller` may see (shared, built-in and their own), newest first, as they are shown them."""
        return [model_view(caller, m) for m in self.registry.list() if model_owner(caller, m) is not None]

    def describe(self, caller: Caller, model_id: str) -> dict[str, Any]:
        """One model as `caller` is shown it; ModelNotFoundError when it is not theirs to see."""
        return model_view(caller, self._visible(caller, model_id))

    def require(self, caller: Caller, model_id: str) -> None:
        """Raise ModelNotFoundError unless `caller` may use the model.

        Everyone may use the built-in default; it is trained when first loaded (`model`), not here,
        so a quick check never waits for a training run.
        """
        if model_id != DEFAULT_MODEL_ID:
            self._visible(caller, model_id)

    def model(self, caller: Caller, model_id: str | None) -> AnomalyEnsemble | None:
        """The fitted ensemble saved under `model_id` if `caller` may use it, or None (fit on the analysed curve itself).

        Asked of the registry every time: another worker may have deleted or unpublished the model.
        The default model is trained on first use.
        """
        if model_id is None:
            return None
        if model_id == DEFAULT_MODEL_ID:
            ensure_default_model(self.registry)
        self._visible(caller, model_id)
        self.registry.touch(model_id)
        model = self.loaded.get(model_id)
        if model is None:
            model = self.registry.load(model_id)
            self.loaded.put(model_id, model)
        return model

    def _visible(self, caller: Caller, model_id: str) -> dict[str, Any]:
        try:
            metadata = self.registry.get_metadata(model_id)
        except ModelNotFoundError:
            self.loaded.pop(model_id)
            raise
        if model_owner(caller, metadata) is None:
            raise ModelNotFoundError(f"no model with id {model_id}")  # the same words as for an id never made
        return metadata

    # ------------------------------------------------------------------ what only the owner (or the operator) may do

    def publish(self, caller: Caller, model_id: str, published: bool) -> dict[str, Any]:
        """Share the model with everyone (read-only), or make it private again; the owner only."""
        self._changeable(caller, model_id, may_change)
        return model_view(caller, self.registry.update_metadata(model_id, {PUBLISHED_FIELD: bool(published)}))

    def delete(self, caller: Caller, model_id: str) -> None:
        """Delete a model: its owner, or the operator."""
        self._changeable(caller, model_id, may_delete)
        self.registry.delete(model_id)
        self.loaded.pop(model_id)

    def _changeable(self, caller: Caller, model_id: str, rule: Callable[[Caller, dict[str, Any]], bool]) -> None:
        not_yours = ModelNotFoundError(f"no model of yours with id {model_id}: only a model's owner can change "
                                       "or delete it")
        try:
            metadata = self.registry.get_metadata(model_id)
        except ModelNotFoundError:
            raise not_yours from None
        if not rule(caller, metadata):
            raise not_yours

    # ------------------------------------------------------------------ training, for an owner

    def check_room(self, owner: Caller) -> None:
        """OwnerLimitError when `owner` keeps as many models as allowed: refused before a run, not after it."""
        self.limits.check_room(owned_by(owner.owner, self.registry.list()))

    def train_synthetic(self, owner: Caller, n_samples: int, progress: StepProgress, **params: Any) -> Trained:
        """Train on seeded synthetic curves and save the model for `owner`; `params` are core's training knobs."""
        model_id, metadata = train_synthetic(n_samples, registry=self._saving_for(owner), progress=progress, **params)
        return model_id, model_view(owner, metadata)

    def train_files(self, owner: Caller, paths: Sequence[Path], progress: StepProgress, **params: Any) -> Trained:
        model_id, metadata = train_files(list(paths), registry=self._saving_for(owner), progress=progress, **params)
        return model_id, model_view(owner, metadata)

    def train_on_session(self, store: CurveStore, sid: str, contamination: float, progress: StepProgress) -> Trained:
        """Train on the curves uploaded in this session (newest first, at most MAX_SESSION_CURVES); the session owns the model.

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
            return self.train_files(Caller.of_session(sid), paths, progress, contamination=contamination)

    def _saving_for(self, owner: Caller) -> OwnedRegistry:
        return OwnedRegistry(self.registry.root, owner, self.limits)

    # ------------------------------------------------------------------ retention

    def prune(self, max_age_days: float) -> int:
        """Delete owned models nobody used for `max_age_days` (the uploads' retention); returns how many.

        The built-in model and models saved without an owner are kept: they belong to the operator.
        """
        cutoff = time.time() - max_age_days * 86400
        removed = 0
        for metadata in self.registry.list():
            if OWNER_FIELD in metadata and datetime.fromisoformat(metadata["last_used"]).timestamp() < cutoff:
                try:
                    self.registry.delete(metadata["id"])
                except ModelNotFoundError:
                    continue  # another worker pruned it first
                self.loaded.pop(metadata["id"])
                removed += 1
        return removed
