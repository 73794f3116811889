"""The seed app's classes, kept so its scripts run unchanged, on top of the new core.

LightCurveLoader.load_file, LightCurvePreprocessor.preprocess/extract_features and
AnomalyDetector.fit/predict/save_model/load_model keep the seed's names and table
shapes; what they do underneath is the new, correct behaviour (content-sniffed
readers, quality masking, robust detrending, outliers flagged rather than deleted,
models stored without pickle).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError

from core.anomaly.estimator import AnomalyEnsemble
from core.anomaly.features import FEATURE_NAMES, feature_stride, window_features
from core.anomaly.registry import read_model, write_model
from core.io import load_lightcurve
from core.lightcurve import from_arrays
from core.prepare import prepare
from core.stats import robust_std
from core.trend import fit_trend


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
        features, starts = window_features(values, window_size, feature_stride(window_size))
        frame = pd.DataFrame(features, columns=list(FEATURE_NAMES))
        frame.insert(0, "start_index", starts)
        frame.insert(1, "start_time", df["time"].to_numpy()[starts])
        return frame


class AnomalyDetector:
    """The seed app's interface: AnomalyDetector(contamination).fit/predict/save_model/load_model.

    Backed by AnomalyEnsemble with vote="both" and a fixed seed. Models are saved as
    a directory (model.json + reference.npz, see core.anomaly.registry) and rebuilt on load
    by refitting deterministically, never unpickled. `load_model` updates this
    detector in place and returns it, like the seed's instance method.
    """

    def __init__(self, contamination: float = 0.05, random_state: int = 42) -> None:
        self.contamination = contamination
        self.random_state = random_state
        self.model: AnomalyEnsemble | None = None

    def fit(self, features: Any) -> "AnomalyDetector":
        self.model = AnomalyEnsemble(contamination=self.contamination, random_state=self.random_state).fit(
            _as_matrix(features)
        )
        return self

    def predict(self, features: Any) -> np.ndarray:
        """-1 for anomalous windows, 1 for normal ones."""
        return self._fitted().predict(_as_matrix(features))

    def predict_with_scores(self, features: Any) -> tuple[np.ndarray, np.ndarray]:
        """(predictions, scores); scores follow scikit-learn: lower is more anomalous, < 0 flagged."""
        model = self._fitted()
        scores = model.score_samples(_as_matrix(features))
        return np.where(scores < 0, -1, 1), scores

    def save_model(self, path: str | Path) -> Path:
        """Write the model to directory `path` (created; must not exist yet)."""
        return write_model(Path(path), self._fitted(), metadata={"saved_by": "AnomalyDetector"})

    def load_model(self, path: str | Path) -> "AnomalyDetector":
        """Rebuild the model saved at `path` into this detector and return it."""
        model, _ = read_model(Path(path))
        self.model = model
        self.contamination = model.contamination
        self.random_state = model.random_state
        return self

    def _fitted(self) -> AnomalyEnsemble:
        if self.model is None:
            raise NotFittedError("this AnomalyDetector is not fitted yet; call fit(features) or load_model(path)")
        return self.model


def _as_matrix(features: Any) -> np.ndarray:
    return np.asarray(getattr(features, "values", features), dtype=np.float64)
