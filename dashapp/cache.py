"""The shared caches: flask-caching for results and thumbnails, a manager for background callbacks.

Defaults need no service (files under the cache directory); with REDIS_URL set the
same code uses Redis, so several machines can serve one dashboard.
"""
from __future__ import annotations

from typing import Any

import diskcache
from celery import Celery
from dash import CeleryManager, DiskcacheManager
from flask import Flask
from flask_caching import Cache

from dashapp.settings import Settings


def cache_config(settings: Settings) -> dict[str, Any]:
    """flask-caching settings: Redis when REDIS_URL is set, else files in the cache directory."""
    if settings.redis_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.redis_url,
                "CACHE_DEFAULT_TIMEOUT": settings.result_timeout_s, "CACHE_KEY_PREFIX": "lcad:"}
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(settings.cache_dir / "flask"),
            "CACHE_THRESHOLD": 2000, "CACHE_DEFAULT_TIMEOUT": settings.result_timeout_s}


def make_cache(server: Flask, settings: Settings) -> Cache:
    return Cache(server, config=cache_config(settings))


def make_background_manager(settings: Settings) -> Any:
    """Dash's manager for long callbacks: a diskcache in the cache directory by default,
    Celery on Redis when REDIS_URL is set (workers: `celery -A dashapp.celery_app:celery_app worker`).
    """
    if settings.redis_url:
        return CeleryManager(make_celery(settings))
    return DiskcacheManager(diskcache.Cache(str(settings.cache_dir / "background")))


def make_celery(settings: Settings) -> Celery:
    """The Celery app that runs background callbacks; Redis is both broker and result store."""
    celery_app = Celery("dashapp", broker=settings.redis_url, backend=settings.redis_url)
    celery_app.conf.update(result_expires=3600, worker_prefetch_multiplier=1, task_acks_late=True,
                           broker_connection_retry_on_startup=True)
    return celery_app
