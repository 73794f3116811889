"""One way to analyse a light curve, for the dashboard's pages and the REST API alike.

A result is keyed by (the curve's content hash, the settings, core's version) in the shared
cache (`infra.result_cache`), so a curve analysed through the API is already cached when
someone opens it in the dashboard, and the other way round. Both callers prepare an
analysis (the curve, its settings and its model) and hand it to the same run; they differ
only in what a cache failure means. The pages pass a result from their background job to
the page through the shared cache, so a result that cannot be stored is an error there.
The API answers with the document it has in hand, so its cache is only a saving: a dead
backend is logged and ignored, and a few recent documents stay in this process.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Callable

from core.config import AnalysisConfig
from core.anomaly.estimator import AnomalyEnsemble
from core.detect.periodogram import search_work, star_duration_scale
from core.io import load_lightcurve
from core.lightcurve import LightCurve
from core.pipeline import analyze
from core.report.files import report_bytes
from core.result import AnalysisResult
from dashapp.infra.curve_store import CurveStore, content_hash
from dashapp.infra.lru import LRU
from dashapp.infra.ownership import Caller, may_read_result
from dashapp.infra.result_cache import ResultCache, result_key
from dashapp.training_service import TrainingService

log = logging.getLogger(__name__)

RESULT_LRU_SIZE = 32  # API documents a worker keeps in memory
RESULT_ID_PATTERN = re.compile(r"^[0-9a-f]{40}$")  # the hex part of a result key: what the API calls result_id
Progress = Callable[[float, str], None]  # fraction done, what is running


@dataclass(frozen=True)
class Plan:
    """Where a page's analysis request goes: straight to the cache, or to a background job."""

    key: str
    cached: bool


@dataclass(frozen=True)
class PreparedAnalysis:
    """A curve ready to analyse, whose result no cache holds yet: its key, settings and model."""

    key: str
    lc: LightCurve
    config: AnalysisConfig
    model: AnomalyEnsemble | None

    def search_work(self) -> float:
        """What this analysis's transit search costs (0 without the transits detector)."""
        if "transits" not in self.config.detectors:
            return 0.0
        return search_work(self.lc.time, self.config.min_period_days, self.config.max_period_days,
                           star_duration_scale(self.lc.meta))


class AnalysisService:
    """Analyses stored curves (pages) and uploads (API) through one run and one result cache."""

    def __init__(self, results: ResultCache, store: CurveStore, training: TrainingService) -> None:
        self.results = results
        self.store = store
        self.training = training
        self.documents: LRU[str, dict[str, Any]] = LRU(RESULT_LRU_SIZE)

    def _run(self, prepared: PreparedAnalysis, progress: Progress | None) -> AnalysisResult:
        return analyze(prepared.lc, prepared.config, progress=progress, model=prepared.model)

    # ------------------------------------------------------------------ the pages: curves of a session

    def plan(self, curve_hash: str, config: AnalysisConfig) -> Plan:
        key = result_key(curve_hash, config)
        return Plan(key=key, cached=self.results.has(key))

    def run_stored(self, sid: str, curve_hash: str, config: AnalysisConfig, progress: Progress | None = None) -> str:
        """Analyse a curve of this session (or take the cached result) and return the result's cache key.

        ResultNotStoredError when the result cannot be stored: the page could never fetch it.
        """
        lc = self.store.load(sid, curve_hash)
        if lc is None:
            raise LookupError("this curve is no longer stored for your session; upload it again")
        model = self.training.model(Caller.of_session(sid), config.model_id)
        prepared = PreparedAnalysis(result_key(curve_hash, config), lc, config, model)
        self.results.get_or_compute(prepared.key, lambda: self._run(prepared, progress))
        return prepared.key

    # ------------------------------------------------------------------ the API: uploaded bytes

    def lookup(self, caller: Caller, data: bytes, config: AnalysisConfig,
               filename: str | None = None) -> tuple[str, dict[str, Any] | None]:
        """The result key of these bytes (under this name) and settings, and the cached document if any cache holds it.

        The model is checked first: a deleted model, or one that is not the caller's to use,
        must not live on in cached results.
        """
        if config.model_id:
            self.training.require(caller, config.model_id)
        key = result_key(content_hash(data, filename), config)
        document = self.documents.get(key)
        if document is None:
            document = self._shared_get(key)
            if document is not None:
                self.documents.put(key, document)
        return key, document

    def prepare_upload(self, caller: Caller, key: str, data: bytes, config: AnalysisConfig,
                       filename: str | None = None) -> PreparedAnalysis:
        """Load the upload (422 errors surface here, while the client waits) and the model `caller` chose.

        The file name only labels the curve, and gives a CSV its mission (ktwo... is K2).
        """
        lc = load_lightcurve(data, filename=filename)
        return PreparedAnalysis(key, lc, config, self.training.model(caller, config.model_id))

    def run(self, prepared: PreparedAnalysis, progress: Callable[[float], None] | None = None) -> dict[str, Any]:
        """Analyse and keep the document in both caches; `progress` hears the fraction done."""
        report = (lambda fraction, message: progress(fraction)) if progress else None
        result = self._run(prepared, report)
        document = with_result_id(result.to_dict(), prepared.key)
        self._shared_put(prepared.key, result)
        self.documents.put(prepared.key, document)
        return document

    # ------------------------------------------------------------------ the API: a result's vetting report

    def grant(self, key: str, caller: Caller) -> None:
        """Let `caller` come back for the result under `key` (its reports); nothing to record for no key."""
        if caller.owner is None:
            return
        try:
            self.results.grant(key, caller.owner)
        except Exception:  # noqa: BLE001 - a dead cache only costs the report route, not the analysis
            log.warning("shared cache unwritable; the result's report will not be reachable", exc_info=True)

    def report(self, caller: Caller, result_id: str, number: int, fmt: str) -> bytes:
        """Candidate `number`'s vetting report (PDF or PNG) of a result `caller` reached.

        LookupError (the API's 404) for an id that is malformed, unknown, expired or not
        the caller's, and for a candidate the result does not have.
        """
        key = f"result:{result_id}"
        if not RESULT_ID_PATTERN.match(result_id) or not may_read_result(
                caller, caller.owner is not None and self.results.reached(key, caller.owner)):
            raise LookupError(f"no analysis result {result_id} (results are kept for the key that analysed them)")
        result = self.results.get(key)
        if result is None:
            raise LookupError(f"analysis result {result_id} has expired from the cache; analyse the curve again")
        if not 1 <= number <= len(result.transits):
            raise LookupError(f"result {result_id} has no transit candidate {number} "
                              f"(it has {len(result.transits)})")
        return report_bytes(result, number, fmt)

    # The shared cache only saves the API work: if its backend (e.g. Redis) is down, analyse anyway.
    def _shared_get(self, key: str) -> dict[str, Any] | None:
        try:
            result = self.results.get(key)
        except Exception:  # noqa: BLE001 - any backend failure means "not cached"
            log.warning("shared result cache unreadable; analysing without it", exc_info=True)
            return None
        return with_result_id(result.to_dict(), key) if result is not None else None

    def _shared_put(self, key: str, result: AnalysisResult) -> None:
        try:
            self.results.put(key, result)
        except Exception:  # noqa: BLE001 - see _shared_get
            log.warning("shared result cache unwritable; result kept in this process only", exc_info=True)


def with_result_id(document: dict[str, Any], key: str) -> dict[str, Any]:
    """The API document with its `result_id` and, per transit candidate, the URL of its vetting report."""
    result_id = key.removeprefix("result:")
    transits = [{**row, "report_url": f"/api/results/{result_id}/transits/{number}/report.pdf"}
                for number, row in enumerate(document.get("transits", []), start=1)]
    return {**document, "result_id": result_id, "transits": transits}
