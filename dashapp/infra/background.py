"""Dash's manager for background callbacks: diskcache by default, Celery on Redis when REDIS_URL is set.

The Celery connection uses the cache's short Redis timeouts, so with Redis down starting
or polling a job fails within seconds instead of blocking a web thread.
"""
from __future__ import annotations

from typing import Any

import diskcache
from celery import Celery
from dash import CeleryManager, DiskcacheManager

from dashapp.batch.celery_queue import batch_queues
from dashapp.infra.cache import REDIS_CONNECT_TIMEOUT_S, REDIS_SOCKET_TIMEOUT_S
from dashapp.settings import Settings

# Celery's own default is 20 retries a second apart: a click would wait ~19 s for its error.
QUICK_RETRIES = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def make_background_manager(settings: Settings) -> Any:
    """Dash's manager for long callbacks: a diskcache in the cache directory by default,
    Celery on Redis when REDIS_URL is set (workers: `celery -A dashapp.celery_app:celery_app worker`).
    """
    if settings.redis_url:
        return CeleryManager(make_celery(settings))
    return DiskcacheManager(diskcache.Cache(str(settings.cache_dir / "background")))


def make_celery(settings: Settings) -> Celery:
    """The Celery app that runs background callbacks and batch curves; Redis is both broker and result store.

    Connection timeouts are short so that, with Redis down, starting or polling a job fails
    within seconds instead of blocking a web thread.
    """
    celery_app = Celery("dashapp", broker=settings.redis_url, backend=settings.redis_url)
    celery_app.conf.update(result_expires=3600, worker_prefetch_multiplier=1, task_acks_late=True,
                           task_queues=batch_queues(),  # workers take the dashboard's callbacks and batch curves
                           broker_connection_retry_on_startup=True,
                           broker_connection_timeout=REDIS_CONNECT_TIMEOUT_S,
                           redis_socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S,
                           redis_socket_timeout=REDIS_SOCKET_TIMEOUT_S,
                           task_publish_retry_policy=QUICK_RETRIES,
                           result_backend_transport_options={"retry_policy": QUICK_RETRIES})
    return celery_app
