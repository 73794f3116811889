"""The shared cache (flask-caching) for results, thumbnails and job states.

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

import redis
from flask import Flask
from flask_caching import Cache

from dashapp.settings import Settings

log = logging.getLogger(__name__)

REDIS_CONNECT_TIMEOUT_S = 1.0  # a refused or unroutable Redis is known to be down after this
REDIS_SOCKET_TIMEOUT_S = 2.0  # a hung Redis costs a request at most this (per command)
BACKEND_RETRY_S = 10.0  # after a backend failure, answer "not cached" this long without asking it
BACKEND_ERRORS = (redis.RedisError, OSError)


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
    """A flask-caching Cache whose get/get_many/set/has/add/delete never raise for backend failures.

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

    def get_many(self, *keys: str) -> list[Any]:
        """One value (or None) per key; a batch of many curves reads its states in one round trip to Redis."""
        misses = [None] * len(keys)
        return list(self._guarded("get_many", misses, lambda: super(ResilientCache, self).get_many(*keys)))

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
