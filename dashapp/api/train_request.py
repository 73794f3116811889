"""Training requests of the REST API: validate once, then hand a closure to the job runner.

Uploaded training curves are checked while the client still waits (so a bad file is
a 415/422 at once, not a failed job later) and written under server-made names in a
private temporary directory that the job removes when it ends.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from core.config import AnalysisConfig
from core.errors import ConfigError, LightCurveFormatError
from core.io import load_lightcurve
from dashapp.api.analyze_request import CONTAMINATION, WINDOW_SIZE, UnsupportedMediaError, check_media
from dashapp.api.schemas import Field, RequestSchema
from dashapp.infra.ownership import Caller
from dashapp.training_service import MAX_TRAIN_SAMPLES, TrainingService, sample_count

SYNC_MAX_SAMPLES = 5  # this few curves train in about a second: answer at once
MAX_TRAIN_FILES = 50
MAX_HELDOUT = 50
Progress = Callable[[float], None]

N_HELDOUT = Field("n_heldout", "integer", "Held-out synthetic curves the metrics are measured on", minimum=0,
                  maximum=MAX_HELDOUT, default=10)
_TRAIN_COMMON = (replace(CONTAMINATION, description="IF+LOF contamination"), WINDOW_SIZE, N_HELDOUT)
SYNTHETIC_BODY = RequestSchema(
    fields=(Field("n_samples", "integer", minimum=1, maximum=MAX_TRAIN_SAMPLES, default=100), *_TRAIN_COMMON))
FILES_FORM = RequestSchema(fields=(Field("files", "files", max_items=MAX_TRAIN_FILES), *_TRAIN_COMMON),
                           required=("files",))


@dataclass(frozen=True)
class TrainParams:
    """The knobs every training request shares."""

    contamination: float = CONTAMINATION.default
    window_size: int = WINDOW_SIZE.default
    n_heldout: int = N_HELDOUT.default

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> "TrainParams":
        config = AnalysisConfig.from_mapping(
            {k: values[k] for k in ("contamination", "window_size") if values.get(k) is not None}
        )
        heldout = N_HELDOUT.whole_number(values.get("n_heldout", cls.n_heldout))
        return cls(contamination=config.contamination, window_size=config.window_size, n_heldout=heldout)

    def as_kwargs(self) -> dict[str, Any]:
        return {"contamination": self.contamination, "window_size": self.window_size, "n_heldout": self.n_heldout}


def parse_synthetic(body: Any) -> tuple[int, TrainParams]:
    """(n_samples, params) from the JSON body of POST /api/train/synthetic; ConfigError names the bad field."""
    if not isinstance(body, dict):
        raise ConfigError('the JSON body must be an object such as {"n_samples": 100, "contamination": 0.05}')
    unknown = SYNTHETIC_BODY.unknown(body)
    if unknown:
        raise ConfigError(f"unknown field(s) {unknown}; allowed: {', '.join(SYNTHETIC_BODY.names)}")
    n_samples = sample_count(body.get("n_samples", SYNTHETIC_BODY.field("n_samples").default))
    return n_samples, TrainParams.from_mapping(body)


def stage_uploads(uploads: list[tuple[str, bytes]]) -> Path:
    """Check every uploaded curve, then write them as upload-NNN into a new private temp dir."""
    if not uploads:
        raise ConfigError("no training curves were sent")
    if len(uploads) > MAX_TRAIN_FILES:
        raise ConfigError(f"at most {MAX_TRAIN_FILES} training files per request, got {len(uploads)}")
    for index, (label, data) in enumerate(uploads, start=1):
        try:
            check_media(data)
            load_lightcurve(data)
        except (UnsupportedMediaError, LightCurveFormatError) as exc:
            raise type(exc)(f"file {index} ({label}): {exc}") from None
    directory = Path(tempfile.mkdtemp(prefix="api-train-"))
    for index, (_, data) in enumerate(uploads, start=1):
        (directory / f"upload-{index:03d}").write_bytes(data)
    return directory


def synthetic_work(training: TrainingService, owner: Caller, n_samples: int,
                   params: TrainParams) -> Callable[[Progress], dict[str, Any]]:
    """Training on synthetic curves, as a job's work; the model is `owner`'s."""
    def work(progress: Progress) -> dict[str, Any]:
        model_id, metadata = training.train_synthetic(owner, n_samples, _fraction(progress), **params.as_kwargs())
        return model_summary(model_id, metadata)
    return work


def files_work(training: TrainingService, owner: Caller, directory: Path,
               params: TrainParams) -> Callable[[Progress], dict[str, Any]]:
    """Training on the staged uploads in `directory` (removed afterwards), as a job's work; the model is `owner`'s."""
    def work(progress: Progress) -> dict[str, Any]:
        try:
            paths = sorted(directory.iterdir())
            model_id, metadata = training.train_files(owner, paths, _fraction(progress), **params.as_kwargs())
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return model_summary(model_id, metadata)
    return work


def model_summary(model_id: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """A training job's result: the new model's id, metrics, metadata (as its owner sees it) and URL."""
    return {"model_id": model_id, "metrics": metadata.get("metrics", {}), "model": metadata,
            "model_url": f"/api/models/{model_id}"}


def _fraction(progress: Progress) -> Callable[[int, int], None]:
    return lambda done, total: progress(done / total if total else 1.0)
