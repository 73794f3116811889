"""Analysing one curve of a batch, in a pool worker: never raises, so one bad file stops nothing else."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.batch.records import write_record
from core.batch.summary import FAILED, OK, Row, summary_row
from core.config import AnalysisConfig
from core.errors import UserError
from core.io import load_lightcurve
from core.pipeline import analyze

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CurveTask:
    """One file to analyse and where its record goes."""

    file: str  # the path as the batch names it (the summary's `file`)
    key: str
    record: Path
    config: AnalysisConfig


@dataclass(frozen=True)
class CurveOutcome:
    """The summary row of one task, and whether a record keeps it (a failure of ours is tried again on resume)."""

    row: Row
    recorded: bool


def analyse_document(source: Any, filename: str | None, config: AnalysisConfig) -> tuple[dict | None, str | None]:
    """(result document, None), or (None, why not) for a file or settings a person has to fix.

    Errors that are ours (a bug, memory) are raised: the caller decides whether to retry.
    """
    try:
        lc = load_lightcurve(source, filename=filename)
        return analyze(lc, config).to_dict(), None
    except UserError as exc:
        return None, str(exc)


def analyse_task(task: CurveTask) -> CurveOutcome:
    """Analyse `task.file`, write its record, and return its row."""
    try:
        document, error = analyse_document(Path(task.file), None, task.config)
    except Exception as exc:  # noqa: BLE001 - reported in the row; no record, so --resume tries it again
        log.exception("analysing %s failed", task.file)
        return CurveOutcome(summary_row(task.file, None, f"internal error ({type(exc).__name__}: {exc})"), False)
    record = {"file": task.file, "key": task.key, "status": OK if document else FAILED, "error": error,
              "result": document}
    write_record(task.record, record)
    return CurveOutcome(summary_row(task.file, document, error), True)
