"""Load test: N simulated users against Gunicorn on 127.0.0.1 for a fixed time (`make loadtest`).

Starts the production server (gunicorn.conf.py, its default 2 workers) on a free local port
with every data directory in a temporary folder, runs `--users` threads, each looping
GET /, GET /health, POST /api/analyze (a 20k-point synthetic CSV), then prints requests/s,
p50/p95/p99 latency and errors per endpoint and each worker's memory, and stops the server.
The API rate limit is lifted for the run: all simulated users share one address.

    .venv/bin/python -m scripts.loadtest --users 20 --duration 60
"""
from __future__ import annotations

import argparse
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.io.writers import write_csv
from core.synthetic import generate_lightcurve

REPO_ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Sample:
    endpoint: str
    seconds: float
    ok: bool


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(data_dir: Path, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DATA_DIR": str(data_dir), "WEB_CONCURRENCY": str(workers), "LOG_LEVEL": "warning",
           "API_RATE_LIMIT": "1000000/minute"}
    env.pop("REDIS_URL", None)
    log = open(data_dir / "gunicorn.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{port}",
                                "--access-logfile", "/dev/null", "dashapp.app:server"],
                               cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode}; see {data_dir / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/health", timeout=5) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise RuntimeError("gunicorn did not answer /health within 120 s")


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each Gunicorn worker (children of the master), from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        sizes.append(round(kb / 1024, 1))
    return sizes


def multipart_csv(csv: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="curve.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n").encode() + csv + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def make_uploads(n_curves: int, n_points: int, folder: Path) -> list[tuple[bytes, str]]:
    uploads = []
    for seed in range(n_curves):
        lc, _ = generate_lightcurve(n_points=n_points, cadence_min=2.0, seed=seed, rotation_period=4.0,
                                    rotation_amp=0.003, n_flares=3, n_outliers=5, target=f"LOAD {seed}")
        uploads.append(multipart_csv(write_csv(lc, folder / f"load-{seed}.csv").read_bytes()))
    return uploads


def user(port: int, upload: tuple[bytes, str], stop_at: float, samples: list[Sample], lock: threading.Lock) -> None:
    """One simulated visitor on one keep-alive connection, reconnecting after any failure."""
    body, content_type = upload
    steps = [("GET /", "GET", "/", None, {}),
             ("GET /health", "GET", "/health", None, {}),
             ("POST /api/analyze", "POST", "/api/analyze", body, {"Content-Type": content_type})]
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    while time.monotonic() < stop_at:
        for name, method, path, payload, headers in steps:
            started = time.perf_counter()
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=120)
            with lock:
                samples.append(Sample(name, time.perf_counter() - started, ok))
    connection.close()


def report(samples: list[Sample], duration_s: float) -> str:
    by_endpoint: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_endpoint[sample.endpoint].append(sample)
    lines = [f"{'endpoint':<20} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"]
    for name, group in [*by_endpoint.items(), ("all", samples)]:
        ms = np.array([s.seconds for s in group]) * 1000
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        errors = sum(not s.ok for s in group)
        lines.append(f"{name:<20} {len(group):>8} {len(group) / duration_s:>7.1f} {p50:>8.0f} {p95:>8.0f} "
                     f"{p99:>8.0f} {errors:>6}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--points", type=int, default=20_000, help="points per uploaded curve")
    parser.add_argument("--curves", type=int, default=4, help="distinct curves; user i uploads curve i mod this")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        folder = Path(tmp)
        uploads = make_uploads(args.curves, args.points, folder)
        port = free_port()
        server = start_server(folder, port, args.workers)
        try:
            rss_before = worker_rss_mb(server.pid)
            samples: list[Sample] = []
            lock = threading.Lock()
            started = time.monotonic()
            threads = [threading.Thread(target=user, args=(port, uploads[i % len(uploads)], started + args.duration,
                                                           samples, lock)) for i in range(args.users)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            rss_after = worker_rss_mb(server.pid)
        finally:
            stop_server(server)
    print(f"{args.users} users, {elapsed:.0f} s, {args.workers} Gunicorn workers on {HOST}, "
          f"{args.curves} distinct {args.points}-point CSVs, {os.cpu_count()} CPUs")
    print(report(samples, elapsed))
    print(f"worker memory (MB RSS): before {rss_before}, after {rss_after}")
    return 1 if any(not s.ok for s in samples) else 0


if __name__ == "__main__":
    sys.exit(main())
