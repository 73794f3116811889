"""Training the anomaly ensemble on many curves, scoring it on held-out ones, and storing it.

A model is fitted on window features of the noise-normalised residual from the
short trend (`curve_features`), so one model serves stars of any brightness;
whoever applies a registry model must feed it the same features. Every model is
scored on held-out synthetic curves with injected events before it is saved, and
the numbers go into its metadata.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from core.anomaly.estimator import AnomalyEnsemble, points_from_windows, train_ensemble
from core.anomaly.features import curve_features
from core.anomaly.registry import DEFAULT_MODEL_ID, ModelRegistry
from core.config import AnalysisConfig
from core.errors import ConfigError, UserError
from core.io import load_lightcurve
from core.lightcurve import LightCurve
from core.stats import flag_runs
from core.synthetic import generate_variant

Progress = Callable[[int, int], None]
STRIDE = 12  # training windows step by 12 points whatever their length; the metadata records it
MAX_SAMPLES = 2_000
_HELDOUT_SEED_OFFSET = 500_000  # held-out curves never share a seed with training curves


@dataclass(frozen=True)
class TrainingSettings:
    """The knobs of one training run, validated once (ConfigError) when it is made."""

    contamination: float = 0.05
    window_size: int = 50
    seed: int = 0
    vote: str = "both"  # flag a window when both IF and LOF agree (the seed's rule) or when either does
    n_heldout: int = 10  # held-out synthetic curves the metrics are measured on

    def __post_init__(self) -> None:
        AnalysisConfig(contamination=self.contamination, window_size=self.window_size)
        if self.vote not in ("both", "either"):
            raise ConfigError(f'vote must be "both" or "either", got {self.vote!r}')
        if int(self.seed) != self.seed or self.seed < 0:
            raise ConfigError(f"seed must be a whole number >= 0, got {self.seed}")
        if not 0 <= int(self.n_heldout) <= 200:
            raise ConfigError(f"n_heldout must be between 0 and 200, got {self.n_heldout}")

    def estimator_params(self) -> dict[str, Any]:
        return {"contamination": float(self.contamination), "vote": self.vote, "random_state": int(self.seed)}


def train_synthetic(
    n_samples: int, *, progress: Progress | None = None, registry: ModelRegistry | None = None, **settings: Any
) -> tuple[str, dict[str, Any]]:
    """Train on `n_samples` synthetic curves, evaluate, save; returns (model_id, metadata).

    `settings` are TrainingSettings fields (contamination, window_size, seed, vote, n_heldout).
    """
    estimator, metadata = build_synthetic_model(n_samples, progress=progress, **settings)
    return _save(estimator, metadata, registry)


def train_files(
    paths: Sequence[Path], *, progress: Progress | None = None, registry: ModelRegistry | None = None,
    **settings: Any,
) -> tuple[str, dict[str, Any]]:
    """Train on light-curve files (CSV/FITS), evaluate on synthetic held-out curves, save.

    `settings` are TrainingSettings fields (contamination, window_size, seed, vote, n_heldout).
    """
    knobs = TrainingSettings(**settings)
    curves = [(Path(path).name, lambda path=path: load_lightcurve(path)) for path in paths]
    summary = {"kind": "files", "files": [Path(p).name for p in paths]}
    estimator, metadata = _build(curves, summary, knobs, progress)
    return _save(estimator, metadata, registry)


def ensure_default_model(registry: ModelRegistry, n_samples: int = 40, seed: int = 0) -> dict[str, Any]:
    """Metadata of the registry's default model, training it on synthetic curves first if it is missing.

    Safe when several workers race: one rename wins, the others keep its model.
    """
    if registry.exists(DEFAULT_MODEL_ID):
        return registry.get_metadata(DEFAULT_MODEL_ID)
    estimator, metadata = build_synthetic_model(n_samples=n_samples, seed=seed)
    try:
        registry.save_default(estimator, metadata)
    except FileExistsError:
        pass
    return registry.get_metadata(DEFAULT_MODEL_ID)


def _save(estimator: AnomalyEnsemble, metadata: dict[str, Any],
          registry: ModelRegistry | None) -> tuple[str, dict[str, Any]]:
    """Store a trained model; returns (model_id, its metadata as the registry reports it)."""
    registry = registry or ModelRegistry()
    model_id = registry.save(estimator, metadata)
    return model_id, registry.get_metadata(model_id)


def build_synthetic_model(
    n_samples: int, *, progress: Progress | None = None, **settings: Any
) -> tuple[AnomalyEnsemble, dict[str, Any]]:
    """Fitted ensemble and its metadata (metrics included), not yet saved; `settings` as for train_synthetic."""
    if not 1 <= int(n_samples) <= MAX_SAMPLES:
        raise ConfigError(f"n_samples must be between 1 and {MAX_SAMPLES}, got {n_samples}")
    knobs = TrainingSettings(**settings)
    seed = knobs.seed
    curves = [(f"synthetic curve {i}", lambda i=i: generate_variant(i, seed=_training_seed(seed, i))[0])
              for i in range(int(n_samples))]
    summary = {"kind": "synthetic", "generator": "core.synthetic.generate_variant", "seed": int(seed)}
    return _build(curves, summary, knobs, progress)


def heldout_metrics(model: AnomalyEnsemble, window_size: int, n_curves: int, seed: int,
                    vote_threshold: float = 0.3, progress: Progress | None = None) -> dict[str, Any]:
    """Per-point precision/recall against injected events, and what the model flags on clean stars."""
    tp = flagged_total = truth_total = 0
    found: dict[str, list[bool]] = {}
    clean_fraction, clean_runs = [], []
    for i in range(n_curves):
        lc, truth = generate_variant(i, seed=_HELDOUT_SEED_OFFSET + _training_seed(seed, i))
        features, starts, prepared = curve_features(lc, window_size, STRIDE)
        flags = points_from_windows(model.predict(features) == -1, starts, window_size, len(prepared), vote_threshold)
        if progress:
            progress(i + 1, n_curves)
        if not truth.events:
            clean_fraction.append(float(flags.mean()))
            clean_runs.append(len(flag_runs(flags)))
            continue
        inside = np.zeros(len(prepared), dtype=bool)
        for event in truth.events:
            in_event = (prepared.time >= event["t_start"]) & (prepared.time <= event["t_end"])
            inside |= in_event
            found.setdefault(event["kind"], []).append(bool(flags[in_event].any()))
        tp += int((flags & inside).sum())
        flagged_total += int(flags.sum())
        truth_total += int(inside.sum())
    return {
        "heldout_curves": n_curves,
        "point_precision": round(tp / flagged_total, 4) if flagged_total else None,
        "point_recall": round(tp / truth_total, 4) if truth_total else None,
        "event_recall_by_kind": {kind: round(float(np.mean(hits)), 4) for kind, hits in sorted(found.items())},
        "clean_flagged_fraction": round(float(np.mean(clean_fraction)), 5) if clean_fraction else None,
        "clean_flagged_runs_per_curve": round(float(np.mean(clean_runs)), 2) if clean_runs else None,
    }


def _build(curves: Sequence[tuple[str, Callable[[], LightCurve]]], summary: dict[str, Any], knobs: TrainingSettings,
           progress: Progress | None) -> tuple[AnomalyEnsemble, dict[str, Any]]:
    window_size, n_heldout = knobs.window_size, knobs.n_heldout
    started = time.perf_counter()
    total = len(curves) + n_heldout
    matrices, n_points = [], 0
    for done, (name, make_curve) in enumerate(curves, start=1):
        try:
            lc = make_curve()
            matrices.append(curve_features(lc, window_size, STRIDE)[0])
        except UserError as exc:
            raise type(exc)(f"{name}: {exc}") from None
        n_points += len(lc)
        if progress:
            progress(done, total)
    model = train_ensemble(matrices, knobs.estimator_params())
    heldout_progress = (lambda done, _: progress(len(curves) + done, total)) if progress else None
    metrics = heldout_metrics(model, window_size, n_heldout, knobs.seed, progress=heldout_progress) if n_heldout else {}
    metadata = {
        "n_training_windows": int(sum(len(m) for m in matrices)),
        "window_size": int(window_size),
        "stride": STRIDE,
        "features": "window_features(noise_normalised_residual(flux, short_trend(time, flux)))",
        "training_data": {**summary, "n_curves": len(curves), "n_points": int(n_points)},
        "metrics": metrics,
        "train_seconds": round(time.perf_counter() - started, 2),
    }
    return model, metadata


def _training_seed(seed: int, index: int) -> int:
    return 10_000 * int(seed) + index
