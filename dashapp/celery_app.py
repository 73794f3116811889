"""Celery worker entry point for scale-out mode (REDIS_URL set).

`celery -A dashapp.celery_app:celery_app worker` builds the same Dash app as the web
process; building it registers every background callback as a Celery task. Uploads
live under DATA_DIR (UPLOAD_DIR), so web and worker processes must share that folder.
"""
from __future__ import annotations

from celery.signals import worker_process_init
from dash import CeleryManager

import dashapp.app as dashboard
from core.detect.periodogram import warm_up

_manager = dashboard.app._background_manager
if not isinstance(_manager, CeleryManager):
    raise RuntimeError("the Celery worker needs REDIS_URL set (the app is using the diskcache manager)")

celery_app = _manager.handle


@worker_process_init.connect
def _compile_the_bls_kernel(**_: object) -> None:
    """As Gunicorn's workers do: no first analysis waits ~3 s for numba (or its cache)."""
    warm_up()
