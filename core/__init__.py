"""Find exoplanet transits, stellar flares and instrumental outliers in light curves."""
from core.errors import ConfigError, LightCurveFormatError
from core.lightcurve import DEFAULT_QUALITY_BITMASK, LightCurve, from_arrays

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "DEFAULT_QUALITY_BITMASK",
    "LightCurve",
    "LightCurveFormatError",
    "from_arrays",
    "__version__",
]
