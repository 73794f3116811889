"""Build the Dash app. Gunicorn serves `dashapp.app:server`; nothing heavy runs at import."""
from __future__ import annotations

from pathlib import Path

import dash
from dash import CeleryManager
from werkzeug.middleware.proxy_fix import ProxyFix

from dashapp.api.routes import register_api
from dashapp.infra import ratelimit, refusals, security, session, upload_limits
from dashapp.infra.background import make_background_manager
from dashapp.infra.cache import make_cache
from dashapp.infra.disk import require_writable
from dashapp.services import Services, attach
from dashapp.settings import REPO_ROOT, Settings, secret_key
from dashapp.views import shell

PAGES_FOLDER = Path(__file__).resolve().parent / "pages"
ASSETS_FOLDER = REPO_ROOT / "assets"
FORM_FIELDS_ALLOWANCE = 50  # multipart parts beside the files: the settings


def create_app(settings: Settings | None = None) -> dash.Dash:
    """A configured dashboard; paths and limits come from `settings` (default: the environment)."""
    settings = settings or Settings.from_env()
    require_writable(settings)  # a read-only or full data disk stops start-up with the directory and its variable
    background = make_background_manager(settings)
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(PAGES_FOLDER),
        assets_folder=str(ASSETS_FOLDER),
        suppress_callback_exceptions=True,  # pages bring their own components
        background_callback_manager=background,
        # The Bootswatch "Flatly" theme is served from assets/ (no CDN: the app must work offline).
        title="Light-curve anomaly detector",
        update_title=None,
    )
    server = app.server
    server.secret_key = secret_key(settings)
    server.config["MAX_CONTENT_LENGTH"] = settings.max_upload_mb * 1024 * 1024
    server.config["MAX_FORM_PARTS"] = settings.max_batch_files + FORM_FIELDS_ALLOWANCE  # a batch's files are parts
    upload_limits.install(server, f"{app.config.routes_pathname_prefix}_dash-update-component",
                          settings.max_upload_mb * 1024 * 1024)
    if settings.trusted_proxy_count:  # request.remote_addr (the rate-limit key) becomes the client's address
        n = settings.trusted_proxy_count
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    refusals.install(server, settings.max_upload_mb * 1024 * 1024)
    session.install(server, secure_cookies=settings.secure_cookies)
    security.install(app)
    ratelimit.install(server, ratelimit.RateLimiter(ratelimit.Rate.parse(settings.api_rate_limit), settings.redis_url))
    celery = background.handle if isinstance(background, CeleryManager) else None
    services = Services.build(settings, make_cache(server, settings), celery=celery)
    services.prune()  # each worker start: forget uploads, models and keys idle for days
    attach(server, services)
    app.layout = shell.layout
    register_api(server)  # the REST API (dashapp/api/) on the same server and services
    _serve_first_page(server)
    return app


def _serve_first_page(server) -> None:
    """Render the index once, inside this process.

    Dash registers its JavaScript bundles (and binds the pages' callbacks) while serving the
    first page. With several Gunicorn workers the browser's bundle requests can reach a worker
    that has served no page yet, which then answers 500; after this every worker is ready.
    """
    server.test_client().get("/")


app = create_app()
server = app.server
