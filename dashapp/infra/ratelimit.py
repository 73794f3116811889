"""Per-client-IP rate limits on the REST API (/api/*), installed by dashapp.app.create_app.

One client looping on POST /api/analyze could keep every worker busy; a fixed-window
counter per IP stops that. The counter lives in Redis (INCR + EXPIRE) when REDIS_URL is
set, so all workers and machines share it; without Redis, or while Redis is down, each
worker counts in its own memory: the limit then holds per worker, which still bounds the
load. The dashboard's own routes (/_dash-*, pages, assets) and /health are never limited,
nor are GET /api/jobs/<id> and /api/batch/<id> polls: clients are told to poll, and a poll
only reads the cache.
"""
from __future__ import annotations

import logging
import math
import re
import threading
import time
from dataclasses import dataclass
from typing import Callable

import redis
from flask import Flask, Response, jsonify, request

log = logging.getLogger(__name__)

PERIODS_S = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
RATE_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)\s*$")
LIMITED_PREFIX = "/api/"
POLL_PREFIXES = ("/api/jobs/", "/api/batch/")
REDIS_RETRY_S = 30.0  # after a Redis failure, count in memory this long before trying Redis again
REDIS_TIMEOUT_S = 0.25  # a slow Redis must not add more than this to a request
MAX_MEMORY_KEYS = 100_000  # addresses counted apart per window in one worker (a few MB at most)
OVERFLOW_KEY = "\0overflow"  # never an address


@dataclass(frozen=True)
class Rate:
    """At most `limit` requests per `period_s` seconds."""

    limit: int
    period_s: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """'60/minute' -> Rate(60, 60); ValueError names the accepted forms."""
        match = RATE_PATTERN.match(text)
        if not match or int(match[1]) < 1:
            raise ValueError(f"API_RATE_LIMIT must look like '60/minute' (N >= 1 per second|minute|hour|day), got {text!r}")
        return cls(int(match[1]), PERIODS_S[match[2]])


class MemoryCounter:
    """Counts per key in the current window; forgets every key when the window ends.

    Within a window at most `max_keys` addresses get their own count (IPv6 hands one client
    millions of addresses); later newcomers share one overflow count, so memory stays
    bounded and a flood of fresh addresses is still limited.
    """

    def __init__(self, max_keys: int = MAX_MEMORY_KEYS) -> None:
        self.max_keys = max_keys
        self._window = -1
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def incr(self, key: str, window: int, period_s: int) -> int:
        with self._lock:
            if window != self._window:
                self._window, self._counts = window, {}
            if key not in self._counts and len(self._counts) >= self.max_keys:
                key = OVERFLOW_KEY
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]

    def __len__(self) -> int:
        return len(self._counts)


class RedisCounter:
    """The same count shared by every worker; raises redis.RedisError when Redis is unreachable."""

    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_S,
                                            socket_timeout=REDIS_TIMEOUT_S)

    def incr(self, key: str, window: int, period_s: int) -> int:
        name = f"lcad:ratelimit:{window}:{key}"
        pipe = self._client.pipeline()
        pipe.incr(name)
        pipe.expire(name, period_s + 1)
        count, _ = pipe.execute()
        return int(count)


class RateLimiter:
    """Fixed-window limiter: Redis when configured and up, this worker's memory otherwise."""

    def __init__(self, rate: Rate, redis_url: str | None = None, clock: Callable[[], float] = time.time) -> None:
        self.rate = rate
        self.clock = clock
        self.memory = MemoryCounter()
        self.redis = RedisCounter(redis_url) if redis_url else None
        self._redis_retry_at = 0.0

    def hit(self, key: str) -> float:
        """Count one request for `key`; 0 if allowed, else the seconds until the window ends."""
        now = self.clock()
        window = int(now // self.rate.period_s)
        if self._count(key, window, now) <= self.rate.limit:
            return 0.0
        return (window + 1) * self.rate.period_s - now

    def _count(self, key: str, window: int, now: float) -> int:
        if self.redis is not None and now >= self._redis_retry_at:
            try:
                return self.redis.incr(key, window, self.rate.period_s)
            except redis.RedisError:
                log.warning("Redis unreachable for rate limits; counting in this worker for %.0f s", REDIS_RETRY_S)
                self._redis_retry_at = now + REDIS_RETRY_S
        return self.memory.incr(key, window, self.rate.period_s)


def install(server: Flask, limiter: RateLimiter) -> None:
    """Answer /api/* requests over the limit with 429, {"error": ...} and Retry-After."""

    def check() -> tuple[Response, int] | None:
        if not request.path.startswith(LIMITED_PREFIX) or (
                request.method == "GET" and request.path.startswith(POLL_PREFIXES)):
            return None
        wait_s = limiter.hit(request.remote_addr or "unknown")
        if not wait_s:
            return None
        response = jsonify(error=f"too many requests: at most {limiter.rate.limit} per {limiter.rate.period_s} s "
                                 f"from one address; retry in {math.ceil(wait_s)} s")
        response.headers["Retry-After"] = str(math.ceil(wait_s))
        return response, 429

    server.before_request(check)
