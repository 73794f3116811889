"""POST /api/analyze behind the scenes: form -> config, bytes -> cached result, model ids -> models.

Kept apart from the routes so the caching and validation rules are plain functions.
Results are keyed exactly like the dashboard's (`dashapp.results.result_key`), so a
curve analysed through the API is already cached when someone opens it in the
dashboard, and a repeated request never parses the file again.

A request goes lookup (any cache) -> parse (bad files fail here, in the request) ->
run. The route runs small analyses at once and hands long ones to the job runner:
the transit search's cost is known before it runs (`search_work`), and a multi-year
Kepler curve takes longer than Gunicorn lets a request live.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from core.anomaly.estimator import AnomalyEnsemble
from core.anomaly.registry import DEFAULT_MODEL_ID, ModelNotFoundError, ModelRegistry
from core.anomaly.training import ensure_default_model
from core.config import AnalysisConfig
from core.detect.transits import search_work
from core.errors import ConfigError
from core.io import load_lightcurve
from core.io.sniff import GZIP_MAGIC, describe_binary
from core.lightcurve import LightCurve
from core.pipeline import analyze
from core.result import AnalysisResult
from dashapp.lru import LRU
from dashapp.results import ResultCache, result_key
from dashapp.store import content_hash

FORM_FIELDS = ("contamination", "window_size", "vote_threshold", "model_id", "detectors", "detrend_window_days",
               "k2_roll_correction")
RESULT_LRU_SIZE = 32
MODEL_LRU_SIZE = 4  # a loaded model is refitted from its reference windows (~1 s), so keep a few
# Transit-search work (periods x binned points per round, ~3e-9 s a unit on 2 cores, 2+ rounds) that
# is still answered within the request: about 20 s of search, well inside Gunicorn's 120 s timeout.
# Everything up to a 200k-point TESS curve (1.3e9) stays synchronous; a 4-year Kepler curve (~2e10
# a round, ~2 minutes) becomes a job.
SYNC_MAX_SEARCH_WORK = 3e9

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


@dataclass(frozen=True)
class ParsedUpload:
    """An upload that passed its checks and whose result no cache holds yet."""

    key: str
    lc: LightCurve
    config: AnalysisConfig
    model: AnomalyEnsemble | None

    def search_work(self) -> float:
        """What this analysis's transit search costs (0 without the transits detector)."""
        if "transits" not in self.config.detectors:
            return 0.0
        return search_work(self.lc.time, self.config.min_period_days, self.config.max_period_days)

    def fits_request(self) -> bool:
        """True when the analysis finishes well within a request; otherwise run it as a job."""
        return self.search_work() <= SYNC_MAX_SEARCH_WORK


class Analyzer:
    """Per-app analysis service: a bounded in-process LRU in front of the shared result cache."""

    def __init__(self, registry: ModelRegistry, shared: ResultCache | None) -> None:
        self.registry = registry
        self.shared = shared
        self.results: LRU[str, dict[str, Any]] = LRU(RESULT_LRU_SIZE)
        self.models: LRU[str, AnomalyEnsemble] = LRU(MODEL_LRU_SIZE)

    def lookup(self, data: bytes, config: AnalysisConfig, filename: str | None = None) -> tuple[str, dict[str, Any] | None]:
        """The result key of these bytes (under this name) and settings, and the cached document if any cache holds it."""
        if config.model_id:
            self.require_model(config.model_id)  # a deleted model must not live on in cached results
        key = result_key(content_hash(data, filename), config)
        document = self.results.get(key)
        if document is None:
            document = self._shared_get(key)
            if document is not None:
                self.results.put(key, document)
        return key, document

    def parse(self, key: str, data: bytes, config: AnalysisConfig, filename: str | None = None) -> ParsedUpload:
        """Check and load the upload (415/422 errors surface here, while the client waits) and its model.

        The file name only labels the curve, and gives a CSV its mission (ktwo... is K2).
        """
        check_media(data)
        lc = load_lightcurve(data, filename=filename)
        model = self.model(config.model_id) if config.model_id else None
        return ParsedUpload(key=key, lc=lc, config=config, model=model)

    def run(self, upload: ParsedUpload, progress: Callable[[float], None] | None = None) -> dict[str, Any]:
        """Analyse a parsed upload and store the document in both caches; `progress` hears the fraction done."""
        report = (lambda fraction, message: progress(fraction)) if progress else None
        result = analyze(upload.lc, upload.config, progress=report, model=upload.model)
        document = result.to_dict()
        self._shared_put(upload.key, result)
        self.results.put(upload.key, document)
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
            ensure_default_model(self.registry)
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
