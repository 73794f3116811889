"""The shared caches: flask-caching for results and thumbnails, a manager for background callbacks.

Defaults need no service (files under the cache directory); with REDIS_URL set the
same code uses Redis, so several machines can serve one dashboard.

The cache only saves work, so a dead or hung Redis must not take pages or the API down:
every Redis socket has a short timeout, and `ResilientCache` turns backend errors into
cache misses (logged) and stops asking a failing backend for a few seconds.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

import diskcache
import redis
from celery import Celery
from dash import CeleryManager, DiskcacheManager
from flask import Flask
from flask_caching import Cache

from dashapp.settings import Settings

log = logging.getLogger(__name__)

REDIS_CONNECT_TIMEOUT_S = 1.0  # a refused or unroutable Redis is known to be down after this
REDIS_SOCKET_TIMEOUT_S = 2.0  # a hung Redis costs a request at most this (per command)
BACKEND_RETRY_S = 10.0  # after a backend failure, answer "not cached" this long without asking it
BACKEND_ERRORS = (redis.RedisError, OSError)
# Celery's own default is 20 retries a second apart: a click would wait ~19 s for its error.
QUICK_RETRIES = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def cache_config(settings: Settings) -> dict[str, Any]:
    """flask-caching settings: Redis when REDIS_URL is set, else files in the cache directory."""
    if settings.redis_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.redis_url,
                "CACHE_DEFAULT_TIMEOUT": settings.result_timeout_s, "CACHE_KEY_PREFIX": "lcad:",
                "CACHE_OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT_S,
                                  "socket_timeout": REDIS_SOCKET_TIMEOUT_S}}
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(settings.cache_dir / "flask"),
            "CACHE_THRESHOLD": 2000, "CACHE_DEFAULT_TIMEOUT": settings.result_timeout_s}


class ResilientCache(Cache):
    """A flask-caching Cache whose get/set/has/add/delete never raise for backend failures.

    A failure is logged once, answered as a miss (get -> None, the others -> False) and,
    for BACKEND_RETRY_S, every further call is answered the same way at once, so a
    hung Redis costs one socket timeout per worker and period, not one per call.
    """

    def __init__(self, server: Flask, config: dict[str, Any], clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(server, config=config)
        self._clock = clock
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        return self._guarded("get", None, lambda: super(ResilientCache, self).get(key))

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return bool(self._guarded("set", False, lambda: super(ResilientCache, self).set(key, value, timeout=timeout)))

    def has(self, key: str) -> bool:
        return bool(self._guarded("has", False, lambda: super(ResilientCache, self).has(key)))

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return bool(self._guarded("add", False, lambda: super(ResilientCache, self).add(key, value, timeout=timeout)))

    def delete(self, key: str) -> bool:
        return bool(self._guarded("delete", False, lambda: super(ResilientCache, self).delete(key)))

    def _guarded(self, operation: str, miss: Any, call: Callable[[], Any]) -> Any:
        if self._clock() < self._retry_at:
            return miss
        try:
            return call()
        except BACKEND_ERRORS as exc:
            with self._lock:
                self._retry_at = self._clock() + BACKEND_RETRY_S
            log.warning("cache backend failed on %s (%s); working without it for %.0f s",
                        operation, exc, BACKEND_RETRY_S)
            return miss


def make_cache(server: Flask, settings: Settings) -> ResilientCache:
    return ResilientCache(server, config=cache_config(settings))


def cache_reachable(cache: Cache) -> bool:
    """Round-trip a value through the shared cache: False if the backend is down, full or unwritable."""
    return bool(cache.set("health:probe", "ok", timeout=60)) and cache.get("health:probe") == "ok"


def make_background_manager(settings: Settings) -> Any:
    """Dash's manager for long callbacks: a diskcache in the cache directory by default,
    Celery on Redis when REDIS_URL is set (workers: `celery -A dashapp.celery_app:celery_app worker`).
    """
    if settings.redis_url:
        return CeleryManager(make_celery(settings))
    return DiskcacheManager(diskcache.Cache(str(settings.cache_dir / "background")))


def make_celery(settings: Settings) -> Celery:
    """The Celery app that runs background callbacks; Redis is both broker and result store.

    Connection timeouts are short so that, with Redis down, starting or polling a job fails
    within seconds instead of blocking a web thread.
    """
    celery_app = Celery("dashapp", broker=settings.redis_url, backend=settings.redis_url)
    celery_app.conf.update(result_expires=3600, worker_prefetch_multiplier=1, task_acks_late=True,
                           broker_connection_retry_on_startup=True,
                           broker_connection_timeout=REDIS_CONNECT_TIMEOUT_S,
                           redis_socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S,
                           redis_socket_timeout=REDIS_SOCKET_TIMEOUT_S,
                           task_publish_retry_policy=QUICK_RETRIES,
                           result_backend_transport_options={"retry_policy": QUICK_RETRIES})
    return celery_app
