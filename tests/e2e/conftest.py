"""Browser tests: Debian's Chromium, driven by Playwright, against the app served by Gunicorn.

One Gunicorn (two workers, like production) per test session on 127.0.0.1 and a free
port, with every data directory in a temporary folder so the repository's data/ is never
touched. Screenshots go to $SCREENSHOT_DIR (`make screenshots` sets docs/screenshots).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.io.writers import write_csv, write_fits
from core.synthetic import generate_lightcurve, generate_sample
from core.synthetic.specs import PlanetSpec

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer at {url} within {timeout_s:.0f} s")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """Files a user would upload: a sample CSV and a 65k-point TESS-like FITS with a planet."""
    folder = tmp_path_factory.mktemp("inputs")
    sample, _ = generate_sample("complex_system")
    long_lc, _ = generate_lightcurve(
        n_points=65_000, cadence_min=2.0, seed=7, rotation_period=3.0, rotation_amp=0.004,
        planets=[PlanetSpec(period=4.3, t0=1.2, rp_rs=0.08, a_rs=12.0, b=0.3)], n_flares=4, n_outliers=10,
        mission="TESS", target="TIC 65000")
    broken = folder / "broken_lightcurve.csv"
    broken.write_text("this is not,a light curve\nat all,really\n")
    return {
        "sample_csv": write_csv(sample, folder / "complex_system.csv"),
        "tess_65k_fits": write_fits(long_lc, folder / "tic65000_s01_lc.fits", flux_scale=12_000.0),
        "broken": broken,
    }


class Services:
    """Processes started for a test session, stopped (process group and all) at the end."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "w")
        process = subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _app_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATA_DIR": str(data_dir), "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4",
           "LOG_LEVEL": "warning", **extra}
    if "REDIS_URL" not in extra:
        env.pop("REDIS_URL", None)
    return env


def _start_gunicorn(services: Services, env: dict[str, str]) -> str:
    port = _free_port()
    process = services.start("gunicorn", [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                          "--bind", f"127.0.0.1:{port}", "dashapp.app:server"], env)
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(url + "/", process)
    return url


def redis_args(port: int) -> list[str]:
    """A throwaway redis-server on 127.0.0.1:`port` that writes nothing to disk."""
    return ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]


def with_redis(tmp_path_factory, folder: str, what: str) -> tuple["Services", dict[str, str], subprocess.Popen, int]:
    """(services, app environment, redis process, port): a data folder and a running redis-server for the app.

    Skips the test when redis-server is not installed; the caller stops the services.
    """
    if not shutil.which("redis-server"):
        pytest.skip(f"{what} needs redis-server (apt-get install redis-server)")
    data_dir = tmp_path_factory.mktemp(folder)
    services = Services(data_dir)
    port = _free_port()
    env = _app_env(data_dir, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    redis = services.start("redis", redis_args(port), env)
    return services, env, redis, port


@pytest.fixture(scope="session")
def server_url(chromium_path, tmp_path_factory) -> str:
    """The default deployment: Gunicorn, file-system cache, diskcache background callbacks."""
    data_dir = tmp_path_factory.mktemp("app-data")
    services = Services(data_dir)
    try:
        yield _start_gunicorn(services, _app_env(data_dir))
    finally:
        services.stop()


@pytest.fixture(scope="session")
def scaled_out_url(chromium_path, tmp_path_factory) -> str:
    """The REDIS_URL deployment: Redis for flask-caching, a Celery worker for background callbacks."""
    services, env, _, _ = with_redis(tmp_path_factory, "scaled-data", "the Redis/Celery browser test")
    try:
        services.start("celery", [sys.executable, "-m", "celery", "-A", "dashapp.celery_app:celery_app", "worker",
                                  "--concurrency=2", "--loglevel=warning"], env)
        yield _start_gunicorn(services, env)
    finally:
        services.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _new_page(browser, base_url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=base_url)
    context.set_default_timeout(60_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, server_url):
    """A fresh browser context per test: its own cookies, so its own dashboard session."""
    context, new_page = _new_page(browser, server_url)
    yield new_page
    context.close()


@pytest.fixture
def new_page(browser, server_url):
    """Makes pages in fresh browser contexts (each its own cookies: its own session), all closed after the test."""
    contexts = []

    def make():
        context, made = _new_page(browser, server_url)
        contexts.append(context)
        return made

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def scaled_out_page(browser, scaled_out_url):
    context, new_page = _new_page(browser, scaled_out_url)
    yield new_page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
