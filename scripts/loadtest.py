"""Load test: N simulated users against Gunicorn on 127.0.0.1 for a fixed time (`make loadtest`).

Starts the production server (gunicorn.conf.py, its default 2 workers) on a free local port
with every data directory in a temporary folder. Each of `--users` threads first does what a
newcomer's browser does (open the app, drop its curve on the upload page) and analyses that
curve once through the REST API, so the dashboard finds the result cached. Then, for
`--duration` seconds, it loops the four pages, /_dash-layout and /_dash-dependencies, the
dashboard's cheap callbacks (page navigation to /gallery and /analysis, Analyse answered from
the cache, drawing the cached result, the download buttons), GET /health and POST /api/analyze
(a 20k-point synthetic CSV). It prints requests/s, p50/p95/p99 latency and errors per endpoint
and per group, each worker's memory every `--rss-every` seconds, and stops the server.
The API rate limit is lifted for the run: all simulated users share one address.

    .venv/bin/python -m scripts.loadtest --users 20 --duration 60
"""
from __future__ import annotations

import argparse
import base64
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
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.config import DETECTORS, AnalysisConfig
from core.io.writers import write_csv
from core.synthetic import generate_lightcurve
from dashapp.infra.curve_store import content_hash
from dashapp.views.models import FIT_ON_CURVE
from scripts.dash_client import DashSession, find_callback

REPO_ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


PAGES = ("/", "/analysis", "/gallery", "/training")
DASH_GROUP = "dash callbacks"


@dataclass(frozen=True)
class Sample:
    endpoint: str
    seconds: float
    ok: bool
    problem: str = ""  # why a failed request failed, for the error summary


@dataclass
class RssLog:
    """Each worker's resident memory (MB) at moments of the run, keyed by worker pid."""

    times: list[float] = field(default_factory=list)
    by_pid: dict[str, list[float | None]] = field(default_factory=lambda: defaultdict(list))

    def record(self, at_s: float, sizes: dict[str, float]) -> None:
        for pid in sizes.keys() - self.by_pid.keys():
            self.by_pid[pid] = [None] * len(self.times)  # a worker started during the run
        self.times.append(at_s)
        for pid, series in self.by_pid.items():
            series.append(sizes.get(pid))


def group_of(endpoint: str) -> str:
    return DASH_GROUP if endpoint.startswith("dash:") else endpoint


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


def worker_rss_mb(master_pid: int) -> dict[str, float]:
    """Resident memory of each Gunicorn worker (children of the master) by pid, from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = {}
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue  # a worker that just exited
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        sizes[pid] = round(kb / 1024, 1)
    return sizes


def sample_rss(master_pid: int, every_s: float, started: float, log: RssLog, done: threading.Event) -> None:
    """Record worker memory now and every `every_s` seconds until `done` (one last record then)."""
    while True:
        log.record(time.monotonic() - started, worker_rss_mb(master_pid))
        if done.wait(every_s):
            log.record(time.monotonic() - started, worker_rss_mb(master_pid))
            return


def multipart_csv(csv: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="curve.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n").encode() + csv + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def make_uploads(n_curves: int, n_points: int, folder: Path) -> list[bytes]:
    csvs = []
    for seed in range(n_curves):
        lc, _ = generate_lightcurve(n_points=n_points, cadence_min=2.0, seed=seed, rotation_period=4.0,
                                    rotation_amp=0.003, n_flares=3, n_outliers=5, target=f"LOAD {seed}")
        csvs.append(write_csv(lc, folder / f"load-{seed}.csv").read_bytes())
    return csvs


class Visitor:
    """One simulated browser: its session, the page's callbacks and the values a page would hold."""

    def __init__(self, port: int, csv: bytes, samples: list[Sample], lock: threading.Lock) -> None:
        self.http = DashSession(HOST, port)
        self.csv = csv
        self.curve_hash = content_hash(csv)
        self.api_body, self.api_type = multipart_csv(csv)
        self.samples, self.lock = samples, lock
        self.dependencies: list[dict[str, Any]] = []  # from /_dash-dependencies, as the renderer reads it
        self.clicks = 0

    def timed(self, endpoint: str, method: str, path: str, body: bytes | None = None,
              headers: dict[str, str] | None = None, check=lambda reply: True) -> Any:
        """One request, recorded; returns the reply when it was a 200 that passed `check`, else None."""
        started = time.perf_counter()
        problem = ""
        try:
            reply = self.http.request(method, path, body, headers)
            ok = reply.status == 200 and check(reply)
            if not ok:
                problem = f"{method} {path}: HTTP {reply.status}" + (", unexpected body" if reply.status == 200 else "")
        except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError) as exc:  # no or odd answer
            reply, ok, problem = None, False, f"{method} {path}: {type(exc).__name__}: {exc}"[:200]
        with self.lock:
            self.samples.append(Sample(endpoint, time.perf_counter() - started, ok, problem))
        return reply if ok else None

    def timed_callback(self, endpoint: str, output_part: str, values: dict[str, Any], changed: list[str],
                       check=lambda reply: True) -> Any:
        try:
            callback = find_callback(self.dependencies, output_part)
        except LookupError:  # /_dash-dependencies failed at set-up: count the error, keep the user going
            with self.lock:
                self.samples.append(Sample(endpoint, 0.0, False, f"no callback outputs {output_part}"))
            return None
        return self.timed(endpoint, "POST", "/_dash-update-component", callback.body(values, changed),
                          {"Content-Type": "application/json"}, check)

    def set_up(self) -> None:
        """Open the app, drop the curve on the upload page, analyse it once through the API."""
        self.timed("setup: GET /", "GET", "/")
        reply = self.timed("setup: GET /_dash-dependencies", "GET", "/_dash-dependencies")
        self.dependencies = reply.json() if reply else []
        contents = "data:text/csv;base64," + base64.b64encode(self.csv).decode()
        self.timed_callback("setup: dash upload", "upload-cards.children",
                            {"upload-data.contents": [contents], "upload-data.filename": ["load.csv"]},
                            ["upload-data.contents"], check=lambda r: b"Loaded 1 curve" in r.body)
        self.api_analyze("setup: POST /api/analyze")

    def api_analyze(self, endpoint: str) -> None:
        self.timed(endpoint, "POST", "/api/analyze", self.api_body, {"Content-Type": self.api_type})

    def round(self) -> None:
        """One pass over everything a visitor touches."""
        for path in PAGES:
            self.timed("GET page", "GET", path)
        self.timed("GET /_dash-layout", "GET", "/_dash-layout")
        self.timed("GET /_dash-dependencies", "GET", "/_dash-dependencies")
        for path in ("/gallery", "/analysis"):
            self.timed_callback(f"dash: open {path}", "_pages_content.children",
                                {"_pages_location.pathname": path, "_pages_location.search": ""},
                                ["_pages_location.pathname"])
        self.analysis_page()
        self.timed("GET /health", "GET", "/health")
        self.api_analyze("POST /api/analyze")

    def analysis_page(self) -> None:
        """Press Analyse (answered from the cache), draw that result, update the download buttons."""
        self.clicks += 1
        defaults = AnalysisConfig()
        reply = self.timed_callback("dash: Analyse (cached)", "analysis-ready.data", {
            "analyze-button.n_clicks": self.clicks, "autorun.data": {"run": False},
            "curve-select.value": self.curve_hash, "setting-contamination.value": defaults.contamination,
            "setting-window-size.value": defaults.window_size, "setting-vote-threshold.value": defaults.vote_threshold,
            "setting-detrend-window.value": defaults.detrend_window_days, "setting-detectors.value": list(DETECTORS),
            "model-select.value": FIT_ON_CURVE, "setting-k2-roll.value": defaults.k2_roll_correction,
        }, ["analyze-button.n_clicks"], check=lambda r: r.json()["response"]["analysis-ready"]["data"]["cached"])
        if reply is None:
            return
        ready = reply.json()["response"]["analysis-ready"]["data"]
        shown = self.timed_callback("dash: draw cached result", "lightcurve-graph.figure", {
            "curve-select.value": self.curve_hash, "analysis-ready.data": ready, "analysis-done.data": None,
        }, ["analysis-ready.data"], check=lambda r: "analysis-shown" in r.json()["response"])
        if shown is not None:
            token = shown.json()["response"]["analysis-shown"]["data"]
            self.timed_callback("dash: download buttons", "download-json.disabled", {"analysis-shown.data": token},
                                ["analysis-shown.data"])


def user(port: int, csv: bytes, window: dict[str, float], barrier: threading.Barrier, samples: list[Sample],
         setup_samples: list[Sample], lock: threading.Lock) -> None:
    """Set up (recorded apart), wait for every user, then loop rounds until the window closes."""
    visitor = Visitor(port, csv, setup_samples, lock)
    try:
        visitor.set_up()
    finally:
        barrier.wait()
    # Waiting at the barrier for slower users can outlast Gunicorn's keep-alive (2 s), which then
    # closes the idle connection; a browser would not sit on it, so start the timed window on a new one.
    visitor.http.reconnect()
    visitor.samples = samples
    while time.monotonic() < window["stop_at"]:
        visitor.round()
    visitor.http.close()


def report(samples: list[Sample], duration_s: float) -> str:
    by_endpoint: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_endpoint[sample.endpoint].append(sample)
    dash_samples = [s for s in samples if group_of(s.endpoint) == DASH_GROUP]
    rows = [*by_endpoint.items(), *([(f"{DASH_GROUP} (all)", dash_samples)] if dash_samples else []),
            ("all", samples)]
    lines = [f"{'endpoint':<28} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"]
    for name, group in rows:
        if not group:
            continue
        ms = np.array([s.seconds for s in group]) * 1000
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        errors = sum(not s.ok for s in group)
        lines.append(f"{name:<28} {len(group):>8} {len(group) / duration_s:>7.1f} {p50:>8.0f} {p95:>8.0f} "
                     f"{p99:>8.0f} {errors:>6}")
    return "\n".join(lines)


def rss_report(log: RssLog) -> str:
    lines = ["worker memory (MB RSS) at " + ", ".join(f"{t:.0f}" for t in log.times) + " s:"]
    for pid, series in log.by_pid.items():
        known = [v for v in series if v is not None]
        shown = ", ".join("-" if v is None else f"{v:.0f}" for v in series)
        lines.append(f"  worker {pid}: start {known[0]:.0f}, end {known[-1]:.0f}, max {max(known):.0f}  [{shown}]")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--points", type=int, default=20_000, help="points per uploaded curve")
    parser.add_argument("--curves", type=int, default=4, help="distinct curves; user i uploads curve i mod this")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--rss-every", type=float, default=10.0, help="seconds between worker memory readings")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        folder = Path(tmp)
        csvs = make_uploads(args.curves, args.points, folder)
        port = free_port()
        server = start_server(folder, port, args.workers)
        try:
            samples: list[Sample] = []
            setup_samples: list[Sample] = []
            lock = threading.Lock()
            window: dict[str, float] = {}
            barrier = threading.Barrier(args.users, action=lambda: window.update(
                start=time.monotonic(), stop_at=time.monotonic() + args.duration))
            rss, rss_done = RssLog(), threading.Event()
            sampler = threading.Thread(target=sample_rss, args=(server.pid, args.rss_every, time.monotonic(), rss,
                                                                rss_done))
            sampler.start()
            threads = [threading.Thread(target=user, args=(port, csvs[i % len(csvs)], window, barrier, samples,
                                                           setup_samples, lock)) for i in range(args.users)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - window["start"]
            rss_done.set()
            sampler.join()
        finally:
            stop_server(server)
    print(f"{args.users} users, {elapsed:.0f} s, {args.workers} Gunicorn workers on {HOST}, "
          f"{args.curves} distinct {args.points}-point CSVs, {os.cpu_count()} CPUs")
    print(report(samples, elapsed))
    setup_errors = sum(not s.ok for s in setup_samples)
    print(f"set-up (before the timed window): {len(setup_samples)} requests, {setup_errors} errors")
    print(rss_report(rss))
    problems = Counter(s.problem for s in [*setup_samples, *samples] if not s.ok)
    for problem, count in problems.most_common(10):
        print(f"error x{count}: {problem}")
    return 1 if setup_errors or any(not s.ok for s in samples) else 0


if __name__ == "__main__":
    sys.exit(main())
