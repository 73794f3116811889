"""The seed app's classes, kept so its scripts run unchanged, on top of the new core.

LightCurveLoader.load_file and LightCurvePreprocessor.preprocess/extract_features
keep the seed's names and table shapes; what they do underneath is the new,
correct behaviour (content-sniffed readers, quality masking, robust detrending,
outliers flagged rather than deleted).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from core.features import FEATURE_NAMES, window_features
from core.io import load_lightcurve
from core.lightcurve import from_arrays
from core.prepare import prepare
from core.stats import robust_std
from core.trend import fit_trend

SEED_STRIDE_FRACTION = 4  # the seed stepped 50-point windows by 12 points


class LightCurveLoader:
    """Seed interface: `load_file(path)` returns a DataFrame with time, flux and flux_err."""

    def load_file(self, path: str | Path) -> pd.DataFrame:
        lc = load_lightcurve(path)
        frame = lc.to_dataframe()
        frame.attrs["meta"] = dict(lc.meta)
        return frame


class LightCurvePreprocessor:
    """Seed interface: `preprocess(df)` and `extract_features(df, window_size=50)`.

    preprocess masks bad QUALITY (when a quality column is present), normalises to
    a median of 1 and divides by a robust trend; it adds `trend`, `detrended`,
    `residual_sigma` (residual in units of its robust scatter) and `is_outlier`
    (|residual| > 5 sigma) columns instead of deleting those points as the seed did.
    """

    def __init__(self, detrend_window_days: float = 0.75, outlier_sigma: float = 5.0) -> None:
        self.detrend_window_days = detrend_window_days
        self.outlier_sigma = outlier_sigma

    def preprocess(self, df: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in ("time", "flux") if c not in df.columns]
        if missing:
            raise ValueError(f"preprocess needs columns time and flux; missing {missing}")
        lc = from_arrays(
            df["time"].to_numpy(),
            df["flux"].to_numpy(),
            df["flux_err"].to_numpy() if "flux_err" in df.columns else None,
            df["quality"].to_numpy() if "quality" in df.columns else None,
            dict(df.attrs.get("meta", {})),
        )
        lc = prepare(lc)
        trend = fit_trend(lc.time, lc.flux, "biweight", self.detrend_window_days).trend
        detrended = lc.flux / trend
        residual = detrended - 1.0
        sigma = robust_std(residual)
        z = residual / sigma if sigma > 0 else np.zeros_like(residual)
        return pd.DataFrame(
            {
                "time": lc.time,
                "flux": lc.flux,
                "flux_err": lc.flux_err,
                "trend": trend,
                "detrended": detrended,
                "residual_sigma": z,
                "is_outlier": np.abs(z) > self.outlier_sigma,
            }
        )

    def extract_features(self, df: pd.DataFrame, window_size: int = 50) -> pd.DataFrame:
        """The 14 window statistics, one row per window (stride window_size // 4), with the window's start time."""
        column = "residual_sigma" if "residual_sigma" in df.columns else "flux"
        values = df[column].to_numpy(dtype=np.float64)
        features, starts = window_features(values, window_size, max(1, window_size // SEED_STRIDE_FRACTION))
        frame = pd.DataFrame(features, columns=list(FEATURE_NAMES))
        frame.insert(0, "start_index", starts)
        frame.insert(1, "start_time", df["time"].to_numpy()[starts])
        return frame
