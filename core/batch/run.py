"""`run_batch`: many curves on a process pool, one record per curve, one summary table, resumable.

Every input file gets exactly one row, in the order the inputs were given, whether it was
analysed now, done by an earlier run (`resume`), or failed. The summary is rewritten
atomically as rows arrive (at most once a second), so a run that is killed leaves a
summary of what it finished and no half-written file; `resume` then analyses the rest.
"""
from __future__ import annotations

import fcntl
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from core.atomic import write_bytes_atomically
from core.batch.curve import CurveOutcome, CurveTask, analyse_task
from core.parallel import parallel_map
from core.batch.records import RESULTS_FOLDER, curve_key, read_record, record_path, remove_temporaries
from core.batch.summary import FAILED, OK, Row, summary_csv, summary_row
from core.config import AnalysisConfig
from core.errors import UserError

SUMMARY_FILE = "summary.csv"
LOCK_FILE = ".batch.lock"
SUMMARY_EVERY_S = 1.0


@dataclass(frozen=True)
class BatchReport:
    """What a run did: every input's row, and the counts and time behind the throughput."""

    rows: list[Row]
    n_analysed: int  # analysed in this run (failed ones included)
    n_skipped: int  # done by an earlier run
    seconds: float
    summary_path: Path

    @property
    def n_failed(self) -> int:
        return sum(row["status"] == FAILED for row in self.rows)

    @property
    def curves_per_second(self) -> float:
        return self.n_analysed / self.seconds if self.seconds > 0 else 0.0


def run_batch(files: Sequence[Path], out: Path, config: AnalysisConfig, *, jobs: int | None = None,
              resume: bool = False, on_progress: Callable[[int, int, int], None] | None = None) -> BatchReport:
    """Analyse `files` into `out` (records in out/results/, out/summary.csv) on `jobs` processes.

    `on_progress(done, total, failed)` hears about the curves this run analyses: once before the
    first (done 0), then after each.
    """
    results = out / RESULTS_FOLDER
    try:
        results.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"can't create the output folder {out}: {exc.strerror or exc}") from None
    with _only_run_in(out):
        remove_temporaries(results)
        rows: list[Row | None] = [None] * len(files)
        tasks, task_rows = [], []
        for index, path in enumerate(files):
            file = str(path)
            try:
                key = curve_key(path, config)
            except OSError as exc:
                rows[index] = summary_row(file, None, f"can't read {file}: {exc.strerror or exc}")
                continue
            record = record_path(results, file)
            done = read_record(record) if resume else None
            if done is not None and done["key"] == key and done["status"] in (OK, FAILED):
                rows[index] = summary_row(file, done.get("result"), done.get("error"))
                continue
            tasks.append(CurveTask(file=file, key=key, record=record, config=config))
            task_rows.append(index)
        summary = _SummaryFile(out / SUMMARY_FILE, rows)
        summary.write()
        started = time.monotonic()
        done, failed = [0], [0]
        if on_progress is not None:
            on_progress(0, len(tasks), 0)

        def heard(task_index: int, outcome: CurveOutcome) -> None:
            rows[task_rows[task_index]] = outcome.row
            done[0] += 1
            failed[0] += outcome.row["status"] == FAILED
            summary.write_now_and_then()
            if on_progress is not None:
                on_progress(done[0], len(tasks), failed[0])

        try:
            parallel_map(analyse_task, tasks, jobs=jobs, on_result=heard)
        finally:
            summary.write()
        seconds = time.monotonic() - started
    return BatchReport(rows=[row for row in rows if row is not None], n_analysed=len(tasks),
                       n_skipped=len(files) - len(tasks), seconds=seconds, summary_path=summary.path)


class _SummaryFile:
    """The summary CSV of the rows known so far, in input order, replaced atomically."""

    def __init__(self, path: Path, rows: list[Row | None]) -> None:
        self.path = path
        self.rows = rows
        self._written_at = -float("inf")

    def write(self) -> None:
        write_bytes_atomically(self.path, summary_csv(row for row in self.rows if row is not None).encode("utf-8"))
        self._written_at = time.monotonic()

    def write_now_and_then(self) -> None:
        if time.monotonic() - self._written_at >= SUMMARY_EVERY_S:
            self.write()


@contextmanager
def _only_run_in(out: Path) -> Iterator[None]:
    """Hold the folder's lock for the run: two runs writing one folder would remove each other's temporaries."""
    handle = open(out / LOCK_FILE, "w")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(f"another batch is writing to {out}; wait for it, or choose another --out") from None
        yield
    finally:
        handle.close()
