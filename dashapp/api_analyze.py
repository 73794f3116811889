"""POST /api/analyze behind the scenes: form -> config, bytes -> cached result, model ids -> models.

Kept apart from the routes so the caching and validation rules are plain functions.
Results are keyed exactly like the dashboard's (`dashapp.results.result_key`), so a
curve analysed through the API is already cached when someone opens it in the
dashboard, and a repeated request never parses the file again.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from core.config import AnalysisConfig
from core.detect.anomaly import AnomalyEnsemble
from core.errors import ConfigError
from core.io import load_lightcurve
from core.io.detect import GZIP_MAGIC, describe_binary
from core.models import DEFAULT_MODEL_ID, ModelNotFoundError, ModelRegistry
from core.pipeline import analyze
from core.result import AnalysisResult
from dashapp.lru import LRU
from dashapp.results import ResultCache, result_key
from dashapp.store import content_hash

FORM_FIELDS = ("contamination", "window_size", "vote_threshold", "model_id", "detectors", "detrend_window_days",
               "k2_roll_correction")
RESULT_LRU_SIZE = 32
MODEL_LRU_SIZE = 4  # a loaded model is refitted from its reference windows (~1 s), so keep a few

log = logging.getLogger(__name__)

class UnsupportedMediaError(ValueError):
    """The upload is a known non-light-curve format (an image, an archive, a pickle)."""


def parse_config(form: Mapping[str, str]) -> AnalysisConfig:
    """AnalysisConfig from the request's form fields; unknown fields are refused so typos do not pass silently."""
    unknown = sorted(set(form) - set(FORM_FIELDS))
    if unknown:
        raise ConfigError(f"unknown form field(s) {unknown}; allowed: {list(FORM_FIELDS)} and 'file'")
    return AnalysisConfig.from_mapping({name: form[name] for name in FORM_FIELDS if name in form})


def check_media(data: bytes) -> None:
    """Refuse images, archives and pickles up front with what they look like (-> 415)."""
    if data.startswith(GZIP_MAGIC):
        return
    kind = describe_binary(data[:64])
    if kind:
        raise UnsupportedMediaError(f"this file looks like {kind}, not a light curve; upload a FITS or CSV file")


class Analyzer:
    """Per-app analysis service: a bounded in-process LRU in front of the shared result cache."""

    def __init__(self, registry: ModelRegistry, shared: ResultCache | None) -> None:
        self.registry = registry
        self.shared = shared
        self.results: LRU[str, dict[str, Any]] = LRU(RESULT_LRU_SIZE)
        self.models: LRU[str, AnomalyEnsemble] = LRU(MODEL_LRU_SIZE)

    def analyze_bytes(self, data: bytes, config: AnalysisConfig) -> dict[str, Any]:
        """The result dict for these bytes and settings, computed at most once per cache lifetime."""
        if config.model_id:
            self.require_model(config.model_id)  # a deleted model must not live on in cached results
        key = result_key(content_hash(data), config)
        cached = self.results.get(key)
        if cached is not None:
            return cached
        model = self.model(config.model_id) if config.model_id else None
        document = self._shared_get(key)
        if document is None:
            check_media(data)
            lc = load_lightcurve(data)
            result = analyze(lc, config, model=model)
            document = result.to_dict()
            self._shared_put(key, result)
        self.results.put(key, document)
        return document

    def model(self, model_id: str) -> AnomalyEnsemble:
        """The fitted ensemble for `model_id`; ModelNotFoundError if the registry has no such model."""
        self.require_model(model_id)
        model = self.models.get(model_id)
        if model is None:
            model = self.registry.load(model_id)
            self.models.put(model_id, model)
        return model

    def require_model(self, model_id: str) -> None:
        """Raise ModelNotFoundError unless the model exists; the default one is trained on first use."""
        if model_id == DEFAULT_MODEL_ID:
            self.registry.ensure_default()
        elif not self.registry.exists(model_id):
            self.models.pop(model_id)
            raise ModelNotFoundError(f"no model with id {model_id}")

    def forget_model(self, model_id: str) -> None:
        self.models.pop(model_id)

    # The shared cache only saves work: if its backend (e.g. Redis) is down, analyse anyway.
    def _shared_get(self, key: str) -> dict[str, Any] | None:
        if self.shared is None:
            return None
        try:
            result = self.shared.get(key)
        except Exception:  # noqa: BLE001 - any backend failure means "not cached"
            log.warning("shared result cache unreadable; analysing without it", exc_info=True)
            return None
        return result.to_dict() if result is not None else None

    def _shared_put(self, key: str, result: AnalysisResult) -> None:
        if self.shared is None:
            return
        try:
            self.shared.put(key, result)
        except Exception:  # noqa: BLE001 - see _shared_get
            log.warning("shared result cache unwritable; result kept in this process only", exc_info=True)
