"""Where the dashboard keeps its files and what it accepts, read once from the environment.

Every path can be moved with an environment variable so that tests (and a PaaS with an
ephemeral disk) never touch the repository's own data/ directory.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from core.parallel import worker_count

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_API_RATE_LIMIT = "120/minute"
MIN_ADMIN_TOKEN_CHARS = 32


@dataclass(frozen=True)
class Settings:
    """Paths and limits of one running dashboard."""

    data_dir: Path
    cache_dir: Path
    upload_dir: Path
    samples_dir: Path
    models_dir: Path
    keys_dir: Path  # API keys, stored as hashes (dashapp/infra/api_keys.py)
    real_data_dir: Path
    bundled_real_dir: Path
    max_upload_mb: int
    redis_url: str | None
    result_timeout_s: int
    secure_cookies: bool
    upload_retention_days: float
    api_rate_limit: str  # per client IP on /api/*, e.g. "60/minute" (dashapp/infra/ratelimit.py)
    # Proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none, so a
    # client cannot pick its own address to dodge rate limits; 1 behind one PaaS router).
    trusted_proxy_count: int
    max_models_per_owner: int  # a session or API key keeps at most this many models (409 beyond)
    max_model_mb_per_owner: int  # and at most this many MB of them
    max_batch_files: int  # curves in one batch (POST /api/batch, the Batch page); more is refused with 413
    batch_processes: int  # processes a web worker analyses a batch on without Redis (with it, Celery workers do)
    # The operator's token (off when None): lists and deletes anything through the API. Never printed.
    admin_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("DATA_DIR", REPO_ROOT / "data")).resolve()
        return cls(
            data_dir=data_dir,
            cache_dir=Path(env.get("CACHE_DIR", data_dir / "cache")).resolve(),
            upload_dir=Path(env.get("UPLOAD_DIR", data_dir / "uploads")).resolve(),
            samples_dir=Path(env.get("SAMPLES_DIR", data_dir / "samples")).resolve(),
            models_dir=Path(env.get("MODELS_DIR", data_dir / "models")).resolve(),
            keys_dir=Path(env.get("KEYS_DIR", data_dir / "keys")).resolve(),
            real_data_dir=Path(env.get("REAL_DATA_DIR", REPO_ROOT / ".." / "shared" / "data" / "real")).resolve(),
            bundled_real_dir=(REPO_ROOT / "data" / "real").resolve(),
            max_upload_mb=int(env.get("MAX_UPLOAD_MB", "64")),
            redis_url=env.get("REDIS_URL") or None,
            result_timeout_s=int(env.get("RESULT_CACHE_SECONDS", str(24 * 3600))),
            secure_cookies=env.get("SECURE_COOKIES", "").lower() in ("1", "true", "yes"),
            upload_retention_days=float(env.get("UPLOAD_RETENTION_DAYS", "7")),
            api_rate_limit=env.get("API_RATE_LIMIT", DEFAULT_API_RATE_LIMIT),
            trusted_proxy_count=_proxy_count(env.get("TRUSTED_PROXY_COUNT", "0")),
            max_models_per_owner=_positive(env, "MAX_MODELS_PER_OWNER", 10),
            max_model_mb_per_owner=_positive(env, "MAX_MODEL_MB_PER_OWNER", 25),
            max_batch_files=_positive(env, "MAX_BATCH_FILES", 1000),
            batch_processes=_positive(env, "BATCH_PROCESSES", worker_count()),
            admin_token=_admin_token(env.get("ADMIN_TOKEN", "")),
        )

    def ensure_dirs(self) -> None:
        for path in (self.cache_dir, self.upload_dir, self.samples_dir, self.models_dir, self.keys_dir):
            path.mkdir(parents=True, exist_ok=True)


def _proxy_count(text: str) -> int:
    """TRUSTED_PROXY_COUNT as a number of hops; a typo must stop start-up, not silently trust nobody (or everybody)."""
    if not text.strip().isdigit():
        raise ValueError(f"TRUSTED_PROXY_COUNT must be a whole number >= 0 (proxies in front of the app), got {text!r}")
    return int(text)


def _positive(env: dict[str, str], name: str, default: int) -> int:
    """A limit from the environment as a whole number >= 1; a typo stops start-up instead of lifting the limit."""
    text = env.get(name, str(default)).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {text!r}")
    return int(text)


def _admin_token(text: str) -> str | None:
    """ADMIN_TOKEN, or None when unset; a short one stops start-up (it unlocks deleting anything)."""
    token = text.strip()
    if not token:
        return None
    if len(token) < MIN_ADMIN_TOKEN_CHARS:
        raise ValueError(f"ADMIN_TOKEN must be at least {MIN_ADMIN_TOKEN_CHARS} characters; make one with "
                         "python -c 'import secrets; print(secrets.token_urlsafe(32))'")
    return token


def secret_key(settings: Settings, env: dict[str, str] | None = None) -> str:
    """SECRET_KEY from the environment, else one random key shared by all workers.

    Gunicorn runs several workers without preload; a per-worker random key would make a
    session cookie signed by one worker invalid in the next, so the generated key is
    written once into the cache directory (mode 0600, published atomically with a hard
    link so no worker can read a half-written file) and read back by every worker.
    """
    env = os.environ if env is None else env
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"]
    path = settings.cache_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".secret_key.{secrets.token_hex(8)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another worker won the race; use its key
        finally:
            tmp.unlink()
    return path.read_text().strip()
