"""Find exoplanet transits, stellar flares and instrumental outliers in light curves.

The public API: load_lightcurve, analyze, AnalysisConfig, AnalysisResult,
generate_sample, and the seed app's LightCurveLoader, LightCurvePreprocessor and
AnomalyDetector.
"""
from core.anomaly.estimator import AnomalyEnsemble
from core.compat import AnomalyDetector, LightCurveLoader, LightCurvePreprocessor
from core.config import AnalysisConfig
from core.errors import ConfigError, LightCurveFormatError
from core.io import load_lightcurve
from core.lightcurve import DEFAULT_QUALITY_BITMASK, LightCurve, from_arrays
from core.pipeline import analyze
from core.result import AnalysisResult, Event, TransitCandidate
from core.synthetic import SAMPLE_NAMES, generate_sample

__version__ = "0.1.0"

__all__ = [
    "AnalysisConfig",
    "AnalysisResult",
    "AnomalyDetector",
    "AnomalyEnsemble",
    "ConfigError",
    "DEFAULT_QUALITY_BITMASK",
    "Event",
    "LightCurve",
    "LightCurveFormatError",
    "LightCurveLoader",
    "LightCurvePreprocessor",
    "SAMPLE_NAMES",
    "TransitCandidate",
    "analyze",
    "from_arrays",
    "generate_sample",
    "load_lightcurve",
    "__version__",
]
