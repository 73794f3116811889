"""The REST API as a script sees it: Gunicorn (two workers, as in production) on 127.0.0.1 and urllib.

Two workers matter: a job accepted by one worker is polled through whichever worker
answers, so its status must live in the shared cache, not in one process.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from core.io.writers import write_csv
from core.synthetic import generate_sample

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 90
JOB_TIMEOUT_S = 180


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen]]:
    """(url, master process) of a Gunicorn serving dashapp.app:server with temp data dirs; always stopped."""
    data_dir = tmp_path_factory.mktemp("api-gunicorn")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DATA_DIR": str(data_dir), "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4",
           "PORT": str(port), "LOG_LEVEL": "warning"}
    env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    if (REPO_ROOT / "gunicorn.conf.py").exists():
        command[3:3] = ["-c", "gunicorn.conf.py"]
    with open(data_dir / "gunicorn.log", "w") as log:
        process = subprocess.Popen(command + ["dashapp.app:server"], cwd=REPO_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_for_health(url, process)
            yield url, process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="module")
def api_url(api_server: tuple[str, subprocess.Popen]) -> str:
    return api_server[0]


def _wait_for_health(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with code {process.returncode} before answering /health")
        try:
            if _request(url + "/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"gunicorn did not answer {url}/health within {START_TIMEOUT_S} s")


def _request(url: str, body: bytes | None = None, content_type: str | None = None,
             key: str | None = None) -> tuple[int, Any]:
    """(status, decoded JSON) for a GET, or a POST when `body` is given, sent with `key` if any;
    HTTP errors are returned, not raised."""
    headers = {"Content-Type": content_type} if content_type else {}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _multipart(fields: dict[str, str], file_name: str, file_bytes: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + file_bytes + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.fixture(scope="module")
def sample_csv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    lc, _ = generate_sample("exoplanet_transit")
    return write_csv(lc, tmp_path_factory.mktemp("api-inputs") / "curve.csv").read_bytes()


def test_health(api_url: str) -> None:
    status, body = _request(api_url + "/health")
    assert status == 200 and body["status"] == "ok"
    assert body["cache"] == {"backend": "filesystem", "reachable": True}


def test_analyze_csv(api_url: str, sample_csv: bytes) -> None:
    body, content_type = _multipart({"contamination": "0.05"}, "lightcurve.csv", sample_csv)
    status, result = _request(api_url + "/api/analyze", body, content_type)
    assert status == 200, result
    assert {"n_points", "meta", "transits", "events", "timings"} <= set(result)
    assert isinstance(result["n_points"], int) and result["n_points"] > 1000
    assert all({"period", "t0", "duration", "depth", "snr", "sde", "n_transits"} <= set(t) for t in result["transits"])
    assert all({"kind", "t_start", "t_end", "t_peak", "amplitude", "snr", "score"} <= set(e) for e in result["events"])
    assert any(abs(t["period"] - 15) < 0.5 for t in result["transits"])


def test_bad_upload_is_json_error(api_url: str) -> None:
    body, content_type = _multipart({"contamination": "2"}, "lightcurve.csv", b"time,flux\n1,2\n")
    status, result = _request(api_url + "/api/analyze", body, content_type)
    assert status == 422 and "contamination" in result["error"]


def test_training_job_polled_across_workers(api_url: str) -> None:
    status, accepted = _request(api_url + "/api/train/synthetic", json.dumps({"n_samples": 6, "n_heldout": 1}).encode(),
                                "application/json")
    assert status == 202, accepted
    key = accepted["key"]  # sent without a key: the answer hands out the one that owns the job and its model
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        status, job = _request(api_url + accepted["status_url"], key=key)
        assert status == 200, job  # every poll, whichever worker answers it (the key store is shared too)
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert job["status"] == "done", job
    _, models = _request(api_url + "/api/models", key=key)
    assert {m["id"]: m["owner"] for m in models["models"]}[job["result"]["model_id"]] == "you"
    assert _request(api_url + accepted["status_url"])[0] == 404  # nobody else reads the job


def _worker_pids(master_pid: int) -> list[int]:
    """Gunicorn workers: the processes whose parent is the master (read from /proc)."""
    workers = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid):
            workers.append(int(status.parent.name))
    return workers


def test_killing_a_worker_mid_request_leaves_the_server_serving_and_the_cache_readable(
    api_server: tuple[str, subprocess.Popen], sample_csv: bytes
) -> None:
    url, master = api_server
    cached_body, content_type = _multipart({"contamination": "0.07"}, "lightcurve.csv", sample_csv)
    status, before = _request(url + "/api/analyze", cached_body, content_type)
    assert status == 200, before

    # An uncached analysis (other settings) is in flight while a worker is killed.
    slow_body, slow_type = _multipart({"contamination": "0.11"}, "lightcurve.csv", sample_csv)
    in_flight = threading.Thread(target=lambda: _try_request(url + "/api/analyze", slow_body, slow_type))
    in_flight.start()
    time.sleep(0.2)
    workers = _worker_pids(master.pid)
    assert len(workers) >= 2, workers
    os.kill(workers[0], signal.SIGKILL)
    in_flight.join(timeout=120)

    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and len(_worker_pids(master.pid)) < len(workers):
        time.sleep(0.3)  # the master replaces the dead worker
    assert master.poll() is None, "the Gunicorn master died with its worker"
    for _ in range(6):  # several requests, so both workers answer some
        assert _request(url + "/health")[0] == 200
        status, after = _request(url + "/api/analyze", cached_body, content_type)
        assert status == 200 and after["transits"] == before["transits"] and after["events"] == before["events"]


def _try_request(url: str, body: bytes, content_type: str) -> None:
    """A request whose worker may be killed under it: a dropped connection is expected, not a failure."""
    try:
        _request(url, body, content_type)
    except (OSError, ValueError):
        pass
