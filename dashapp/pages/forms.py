"""What the pages' forms send, turned into the values core and the services accept.

Plain functions, so tests check them without a browser. (Dash imports only the modules of
this folder that register a page; this one registers none.)
"""
from __future__ import annotations

from typing import Any

from core.config import AnalysisConfig
from core.errors import ConfigError
from dashapp.training_service import sample_count

PAGE_MIN_SAMPLES = 5  # fewer synthetic curves train no useful model; the API allows 1 for quick checks

# Analysis form field -> AnalysisConfig field.
FORM_FIELDS = {
    "contamination": "contamination",
    "window_size": "window_size",
    "vote_threshold": "vote_threshold",
    "detectors": "detectors",
    "detrend_window": "detrend_window_days",
    "model_id": "model_id",
    "k2_roll": "k2_roll_correction",
}


def build_config(form: dict[str, Any]) -> AnalysisConfig:
    """AnalysisConfig from the analysis form's raw values; ConfigError names the bad field."""
    values = {FORM_FIELDS[name]: value for name, value in form.items() if name in FORM_FIELDS}
    if values.get("detectors") is not None:
        values["detectors"] = tuple(values["detectors"])
    return AnalysisConfig.from_mapping(values)


def training_inputs(n_samples: Any, contamination: Any) -> tuple[int, float]:
    """The training form: a whole number of curves in [PAGE_MIN_SAMPLES, MAX_TRAIN_SAMPLES], contamination in (0, 0.5]."""
    n = sample_count(n_samples, "the number of curves", low=PAGE_MIN_SAMPLES)
    try:
        c = float(contamination)
    except (TypeError, ValueError):
        c = float("nan")
    if not 0.0 < c <= 0.5:
        raise ConfigError(f"contamination must be above 0 and at most 0.5, got {contamination!r}")
    return n, c
