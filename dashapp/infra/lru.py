"""The bound on every in-process cache of a worker: cachetools' LRUCache behind a lock.

Gunicorn gthread workers serve requests on several threads that share one map, and a
worker lives for days, so a per-process cache must both lock and forget. cachetools
keeps the recency order; its caches are not thread-safe on their own (a get reorders
the map), hence the lock around every call.
"""
from __future__ import annotations

import threading
from typing import Generic, Hashable, TypeVar

from cachetools import LRUCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A thread-safe least-recently-used map of at most `size` items."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: LRUCache[K, V] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value

    def pop(self, key: K) -> None:
        with self._lock:
            self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
