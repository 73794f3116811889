"""Find exoplanet transits, stellar flares and instrumental outliers in light curves.

The public API: load_lightcurve, analyze, AnalysisConfig, AnalysisResult,
generate_sample, and the seed app's LightCurveLoader, LightCurvePreprocessor and
AnomalyDetector.

Each name is imported on first use (PEP 562): importing scikit-learn, numba and
astropy takes seconds, and `python -m core --help` or a bad file's error should
not wait for them.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_HOMES = {
    "AnalysisConfig": "core.config",
    "AnalysisResult": "core.result",
    "AnomalyDetector": "core.compat",
    "AnomalyEnsemble": "core.anomaly.estimator",
    "ConfigError": "core.errors",
    "DEFAULT_QUALITY_BITMASK": "core.lightcurve",
    "Event": "core.result",
    "LightCurve": "core.lightcurve",
    "LightCurveFormatError": "core.errors",
    "LightCurveLoader": "core.compat",
    "LightCurvePreprocessor": "core.compat",
    "SAMPLE_NAMES": "core.synthetic",
    "TransitCandidate": "core.result",
    "analyze": "core.pipeline",
    "from_arrays": "core.lightcurve",
    "generate_sample": "core.synthetic",
    "load_lightcurve": "core.io",
}

__all__ = sorted(_HOMES) + ["__version__"]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'core' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # the next lookup is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
