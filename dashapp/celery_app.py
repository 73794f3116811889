"""Celery worker entry point for scale-out mode (REDIS_URL set).

`celery -A dashapp.celery_app:celery_app worker` builds the same Dash app as the web
process; building it registers every background callback as a Celery task, and the batch
curve task is registered here. The pages' uploads live under DATA_DIR (UPLOAD_DIR), so web
and worker processes running the pages' analyses must share that folder; batch curves
travel through Redis and need no shared folder.
"""
from __future__ import annotations

from celery.signals import worker_process_init
from dash import CeleryManager

import dashapp.app as dashboard
from core.detect.periodogram import warm_up
from dashapp.batch.celery_queue import register_task
from dashapp.services import EXTENSION_KEY

_manager = dashboard.app._background_manager
if not isinstance(_manager, CeleryManager):
    raise RuntimeError("the Celery worker needs REDIS_URL set (the app is using the diskcache manager)")

celery_app = _manager.handle
_batches = dashboard.server.extensions[EXTENSION_KEY].batches
register_task(celery_app, lambda: (_batches.store, _batches.record))


@worker_process_init.connect
def _compile_the_bls_kernel(**_: object) -> None:
    """As Gunicorn's workers do: no first analysis waits ~3 s for numba (or its cache)."""
    warm_up()
