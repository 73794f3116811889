"""The one container of what pages and the REST API share: settings, the curve store, the
caches, the analysis service, the training service (with the model registry and the access
rules for models), the API keys, the API's job lanes and the batches. It is kept on the Flask app.

Callbacks and routes fetch it with `services()` instead of module globals, so each app
built by `create_app` (tests build their own with temporary directories) has its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dash
import flask
from flask import Flask

from core.anomaly.registry import ModelRegistry
from dashapp.analysis_service import AnalysisService
from dashapp.api.jobs import JobLanes
from dashapp.batch.celery_queue import CeleryQueue
from dashapp.batch.embedded import EmbeddedQueue
from dashapp.batch.service import BatchService
from dashapp.batch.store import BatchStore
from dashapp.infra.api_keys import KeyStore
from dashapp.infra.cache import ResilientCache
from dashapp.infra.curve_store import CurveStore
from dashapp.infra.lru import LRU
from dashapp.infra.ownership import OwnerLimits
from dashapp.infra.result_cache import ResultCache
from dashapp.settings import Settings
from dashapp.training_service import TrainingService
from dashapp.views.result_views import VIEWS_LRU_SIZE, Views

EXTENSION_KEY = "lightcurve_dashboard"


@dataclass(frozen=True)
class Services:
    settings: Settings
    cache: ResilientCache  # the shared flask-caching backend: results, thumbnails, job states
    store: CurveStore  # each session's curves on disk
    results: ResultCache  # analysis results in `cache`
    registry: ModelRegistry
    training: TrainingService  # every model a caller lists, uses, publishes, deletes or trains goes through it
    analysis: AnalysisService
    keys: KeyStore  # API keys, stored hashed
    jobs: JobLanes  # the REST API's background jobs
    batches: BatchService  # many curves at once: on this worker's process pool, or one Celery task per curve
    views: LRU[str, Views]  # figures and tables of recently shown results, by result key

    @classmethod
    def build(cls, settings: Settings, cache: ResilientCache, celery: Any = None) -> "Services":
        """Everything wired to one settings and one cache backend; batches go to `celery` when given (REDIS_URL)."""
        store = CurveStore(settings.upload_dir)
        results = ResultCache(cache, settings.result_timeout_s)
        batch_store = BatchStore(cache, settings.result_timeout_s)
        queue = CeleryQueue(celery, batch_store) if celery is not None else EmbeddedQueue(settings.batch_processes)
        registry = ModelRegistry(settings.models_dir)
        limits = OwnerLimits(max_models=settings.max_models_per_owner, max_mb=settings.max_model_mb_per_owner)
        training = TrainingService(registry, work_dir=settings.cache_dir, limits=limits)
        return cls(settings=settings, cache=cache, store=store, results=results, registry=registry,
                   training=training, analysis=AnalysisService(results, store, training),
                   keys=KeyStore(settings.keys_dir), jobs=JobLanes.on(cache), views=LRU(VIEWS_LRU_SIZE),
                   batches=BatchService(batch_store, results, queue))

    def prune(self) -> None:
        """Forget what nobody used for UPLOAD_RETENTION_DAYS: sessions' uploads, owned models, API keys."""
        days = self.settings.upload_retention_days
        self.store.prune(days)
        self.training.prune(days)
        self.keys.prune(days)


def attach(server: Flask, services_: Services) -> None:
    server.extensions[EXTENSION_KEY] = services_


def services() -> Services:
    """The services of the app serving this request, else (a background-callback process) of the running app.

    Flask's current_app comes first: dash.get_app() answers with whichever app last served a
    layout in this thread, which is another app when one process holds several (tests do).
    """
    server = flask.current_app if flask.has_app_context() else dash.get_app().server
    return server.extensions[EXTENSION_KEY]
