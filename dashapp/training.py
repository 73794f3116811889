"""The model registry as the pages see it: options for model-select, loading, training runs."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any, Callable

from core.anomaly.training import train_files, train_synthetic
from core.errors import ConfigError
from core.io.writers import write_csv
from core.anomaly.registry import ModelRegistry
from dashapp.settings import Settings
from dashapp.store import CurveStore

MAX_TRAIN_SAMPLES = 1000
MAX_SESSION_CURVES = 50
FIT_ON_CURVE = "fit-on-curve"  # model-select value meaning "fit the ensemble on the analysed curve itself"


def registry(settings: Settings) -> ModelRegistry:
    return ModelRegistry(settings.models_dir)


def model_options(settings: Settings) -> list[dict[str, str]]:
    """model-select options: fitting on the curve itself, then saved models, newest first."""
    models = registry(settings).list()  # newest first
    return [{"label": "Fit on this curve (as the seed app did)", "value": FIT_ON_CURVE}] + [
        {"label": model_label(m), "value": m["id"]} for m in models
    ]


def model_label(metadata: dict[str, Any]) -> str:
    """"<id> (<n> curves, contamination <c>)" from the registry's metadata."""
    n_curves = metadata.get("training_data", {}).get("n_curves")
    contamination = metadata.get("params", {}).get("contamination")
    detail = ", ".join(part for part in (
        f"{n_curves} curves" if n_curves is not None else "",
        f"contamination {contamination}" if contamination is not None else "",
    ) if part)
    return f"{metadata['id']} ({detail})" if detail else str(metadata["id"])


def flat_metrics(metrics: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested metrics as (dotted name, value) rows for a table."""
    rows: list[tuple[str, Any]] = []
    for name, value in metrics.items():
        if isinstance(value, dict):
            rows += flat_metrics(value, f"{prefix}{name}.")
        else:
            rows.append((f"{prefix}{name}", value))
    return rows


def saved_model_id(selected: str | None) -> str | None:
    """model-select's value as AnalysisConfig.model_id: None means fit on the curve."""
    return None if selected in (None, "", FIT_ON_CURVE) else selected


def load_model(settings: Settings, model_id: str | None) -> Any:
    """The fitted ensemble saved under `model_id`, or None to fit on the curve."""
    if saved_model_id(model_id) is None:
        return None
    return registry(settings).load(model_id)


def train(settings: Settings, n_samples: int, contamination: float,
          progress: Callable[[int, int], None]) -> tuple[str, dict[str, Any]]:
    """Train on synthetic curves and save into this dashboard's registry."""
    return train_synthetic(n_samples, contamination=contamination, progress=progress, registry=registry(settings))


def train_on_session(settings: Settings, store: CurveStore, sid: str, contamination: float,
                     progress: Callable[[int, int], None]) -> tuple[str, dict[str, Any]]:
    """Train on the curves uploaded in this session (newest first, at most MAX_SESSION_CURVES).

    core trains from files, so the stored arrays are written as CSV into a temporary folder
    of the cache directory that is removed afterwards.
    """
    entries = store.list(sid)[:MAX_SESSION_CURVES]
    if not entries:
        raise ConfigError("there are no uploaded curves in this session; upload some on the Upload page first")
    with tempfile.TemporaryDirectory(dir=settings.cache_dir, prefix="train-") as folder:
        paths = []
        for entry in entries:
            lc = store.load(sid, entry.curve_hash)
            if lc is not None:
                stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(entry.name).stem)[:60] or "curve"
                paths.append(write_csv(lc, Path(folder) / f"{stem}-{entry.curve_hash[:8]}.csv"))
        return train_files(paths, contamination=contamination, progress=progress, registry=registry(settings))


def parse_inputs(n_samples: Any, contamination: Any) -> tuple[int, float]:
    """Whole number of curves in [5, MAX_TRAIN_SAMPLES] and contamination in (0, 0.5]."""
    try:
        n = int(n_samples)
        c = float(contamination)
    except (TypeError, ValueError):
        raise ConfigError("enter a whole number of curves and a contamination between 0 and 0.5") from None
    if n != float(n_samples) or not 5 <= n <= MAX_TRAIN_SAMPLES:
        raise ConfigError(f"the number of curves must be a whole number from 5 to {MAX_TRAIN_SAMPLES}")
    if not 0.0 < c <= 0.5:
        raise ConfigError("contamination must be above 0 and at most 0.5")
    return n, c
