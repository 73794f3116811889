"""A batch on the REDIS_URL deployment: one Celery task per curve, two workers, one of them killed mid-batch.

Redis, two single-process Celery workers that share no folder with the web server (each
its own DATA_DIR: the curves travel through Redis) and Gunicorn. 50 small curves (a few
corrupt) go in one POST; once some are done, one worker is SIGKILLed while it analyses.
The batch must still finish with every curve exactly once, and its summary must be the
CLI's for the same files.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from core.batch.summary import read_summary_csv
from tests.core.batch.curve_files import write_corrupt, write_curves
from tests.e2e.conftest import REPO_ROOT, _start_gunicorn, with_redis

pytestmark = pytest.mark.e2e

N_GOOD, N_CORRUPT = 47, 3
BATCH_TIMEOUT_S = 420


@pytest.fixture(scope="module")
def curve_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("batch-inputs")
    return write_curves(folder, N_GOOD, n_points=1500) + [write_corrupt(folder, f"corrupt_{i}.csv")
                                                          for i in range(N_CORRUPT)]


def _worker(services, env: dict[str, str], name: str, data_dir: Path) -> subprocess.Popen:
    return services.start(name, [sys.executable, "-m", "celery", "-A", "dashapp.celery_app:celery_app", "worker",
                                 "--concurrency=1", "-n", f"{name}@%h", "--loglevel=warning"],
                          {**env, "DATA_DIR": str(data_dir)})


def _cli_summary(files: list[Path], out: Path) -> dict[str, dict[str, str]]:
    subprocess.run([sys.executable, "-m", "core", "batch", *map(str, files), "--out", str(out), "--jobs", "1"],
                   cwd=REPO_ROOT, check=False, capture_output=True, timeout=600)
    rows = read_summary_csv((out / "summary.csv").read_text())
    return {Path(row["file"]).name: {**row, "file": Path(row["file"]).name} for row in rows}


def test_a_batch_survives_a_killed_worker_and_matches_the_cli(tmp_path_factory, curve_files: list[Path]) -> None:
    services, env, _, _ = with_redis(tmp_path_factory, "batch-scaled", "the Celery batch test")
    try:
        workers = [_worker(services, env, f"batch{i}", tmp_path_factory.mktemp(f"worker{i}")) for i in range(2)]
        url = _start_gunicorn(services, env)
        session = requests.Session()
        uploads = [("files", (path.name, path.read_bytes())) for path in curve_files]
        response = session.post(f"{url}/api/batch", files=uploads, timeout=120)
        assert response.status_code == 202, response.text[:300]
        accepted = response.json()
        session.headers["Authorization"] = f"Bearer {accepted['key']}"

        killed = False
        deadline = time.monotonic() + BATCH_TIMEOUT_S
        while True:
            assert time.monotonic() < deadline, f"the batch did not finish within {BATCH_TIMEOUT_S} s"
            view = session.get(f"{url}{accepted['status_url']}", timeout=30).json()
            if view["status"] == "done":
                break
            if not killed and view["counts"]["done"] >= 5 and view["counts"]["running"] >= 2:
                os.killpg(workers[0].pid, signal.SIGKILL)  # mid-curve: both workers are analysing one
                workers[0].wait(timeout=30)
                killed = True
            time.sleep(0.5)
        assert killed, "the batch finished before a worker could be killed mid-way; make it longer"
        assert workers[1].poll() is None

        rows = view["summary"]
        assert sorted(row["file"] for row in rows) == sorted(path.name for path in curve_files)
        assert view["counts"] == {"queued": 0, "running": 0, "done": N_GOOD, "failed": N_CORRUPT}

        served = read_summary_csv(session.get(f"{url}{accepted['summary_csv_url']}", timeout=30).text)
        cli = _cli_summary(curve_files, tmp_path_factory.mktemp("cli-out"))
        assert {row["file"]: row for row in served} == cli
    finally:
        services.stop()
