"""Gunicorn settings for the dashboard (`gunicorn -c gunicorn.conf.py dashapp.app:server`).

Everything a PaaS varies comes from the environment: PORT, WEB_CONCURRENCY, GUNICORN_THREADS.
Long analyses run as background callbacks, so 120 s is a generous request timeout.
Gunicorn's forwarded_allow_ips is left at its default (FORWARDED_ALLOW_IPS, else only
127.0.0.1): it decides whose X-Forwarded-Proto Gunicorn believes, never REMOTE_ADDR. The
client address used for rate limits comes from the app's TRUSTED_PROXY_COUNT (ProxyFix).
"""
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8050')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 120
graceful_timeout = 30
preload_app = False  # each worker builds its own app (and its own background-callback manager)
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")


def post_worker_init(worker):
    """Compile the transit search's kernels (or load them from numba's cache) before serving."""
    from core.detect.periodogram import warm_up

    warm_up()
