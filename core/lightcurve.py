"""The light-curve value type shared by readers, detectors and the dashboard."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from core.stats import cadence_days

# Fallback QUALITY bitmask for curves whose reader did not set meta["quality_bitmask"]:
# only bits that mean "the spacecraft was not pointing" in both the Kepler/K2 and TESS
# layouts (attitude tweak 1, safe mode 2, coarse point 4, Earth point 8, desaturation
# 32). Cosmic-ray and impulsive-outlier bits are never masked by default: those
# points are what the outlier and flare detectors are for. Readers set per-mission
# masks (core/io/quality.py).
DEFAULT_QUALITY_BITMASK = 1 | 2 | 4 | 8 | 32


@dataclass(frozen=True)
class LightCurve:
    """Time-ordered photometry of one target.

    Arrays hold only rows with finite time and flux, sorted by time with
    duplicate times removed; how many rows were dropped and why is in `meta`.
    `quality` is the mission's bitmask (0 = good) or zeros when the file had none.
    `centroid_col`/`centroid_row` are the target's pixel centroid per cadence (may
    hold NaN), both None when the file had none; K2 roll correction needs them.
    Methods return new objects; the arrays are never modified in place.
    """

    time: np.ndarray
    flux: np.ndarray
    flux_err: np.ndarray
    quality: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)
    centroid_col: np.ndarray | None = None
    centroid_row: np.ndarray | None = None

    def __post_init__(self) -> None:
        if (self.centroid_col is None) != (self.centroid_row is None):
            raise ValueError("LightCurve.centroid_col and centroid_row must both be arrays or both be None")
        n = len(self.time)
        for name in self._array_names()[1:]:
            if len(getattr(self, name)) != n:
                raise ValueError(f"LightCurve.{name} has {len(getattr(self, name))} values, time has {n}")
        for name in self._array_names():
            getattr(self, name).flags.writeable = False

    def _array_names(self) -> tuple[str, ...]:
        """The per-cadence arrays this curve holds, time first."""
        names = ("time", "flux", "flux_err", "quality")
        return names + ("centroid_col", "centroid_row") if self.has_centroids else names

    def __len__(self) -> int:
        return len(self.time)

    @property
    def has_centroids(self) -> bool:
        """True when the curve carries pixel centroids (e.g. for K2 roll correction)."""
        return self.centroid_col is not None

    @property
    def cadence_days(self) -> float:
        """Median spacing of the samples (days); NaN for fewer than two points."""
        return cadence_days(self.time)

    def good_mask(self, bitmask: int | str | None = "default") -> np.ndarray:
        """True where no bit of `bitmask` is set in QUALITY.

        "default" uses the mission's bitmask that the reader stored in
        meta["quality_bitmask"] (falling back to DEFAULT_QUALITY_BITMASK);
        None keeps every point.
        """
        if bitmask is None:
            return np.ones(len(self), dtype=bool)
        if bitmask == "default":
            bitmask = self.meta.get("quality_bitmask", DEFAULT_QUALITY_BITMASK)
        return (self.quality.astype(np.int64) & int(bitmask)) == 0

    def select(self, mask: np.ndarray) -> "LightCurve":
        """A new light curve with only the rows where `mask` is True."""
        mask = np.asarray(mask, dtype=bool)
        return replace(
            self,
            **{name: getattr(self, name)[mask].copy() for name in self._array_names()},
            meta=dict(self.meta),
        )

    def normalized(self) -> "LightCurve":
        """Flux and error divided by the median flux, so the baseline sits at 1."""
        median = float(np.nanmedian(self.flux)) if len(self) else 1.0
        if not np.isfinite(median) or median == 0:
            median = 1.0
        return replace(
            self,
            flux=self.flux / median,
            flux_err=self.flux_err / abs(median),
            meta={**self.meta, "normalized_by": median},
        )

    def to_dataframe(self) -> pd.DataFrame:
        """Columns time, flux, flux_err, quality (the seed app's table shape plus quality)."""
        return pd.DataFrame(
            {"time": self.time, "flux": self.flux, "flux_err": self.flux_err, "quality": self.quality}
        )


def from_arrays(
    time: Any,
    flux: Any,
    flux_err: Any = None,
    quality: Any = None,
    meta: dict[str, Any] | None = None,
    *,
    centroid_col: Any = None,
    centroid_row: Any = None,
) -> LightCurve:
    """Build a LightCurve from raw arrays: drops non-finite rows, sorts, removes duplicate times.

    This is the one place that cleans arrays, so every reader and generator
    produces curves with the same guarantees. Counts go into meta. Centroids
    (both or neither) follow the flux rows; a NaN centroid does not drop its row.
    """
    time = np.asarray(time, dtype=np.float64).ravel()
    flux = np.asarray(flux, dtype=np.float64).ravel()
    n = len(time)
    columns = {
        "time": time,
        "flux": flux,
        "flux_err": np.full(n, np.nan) if flux_err is None else np.asarray(flux_err, dtype=np.float64).ravel(),
        "quality": np.zeros(n, dtype=np.int32) if quality is None else np.asarray(quality).astype(np.int32).ravel(),
    }
    if (centroid_col is None) != (centroid_row is None):
        raise ValueError("from_arrays needs both centroid_col and centroid_row, or neither")
    if centroid_col is not None:
        columns["centroid_col"] = np.asarray(centroid_col, dtype=np.float64).ravel()
        columns["centroid_row"] = np.asarray(centroid_row, dtype=np.float64).ravel()
    for name, values in columns.items():
        if len(values) != n:
            raise ValueError(f"from_arrays: {name} has {len(values)} values, time has {n}")
    meta = dict(meta or {})

    finite_time = np.isfinite(time)
    finite_flux = np.isfinite(flux)
    keep = finite_time & finite_flux
    meta["n_input_rows"] = int(n)
    meta["n_nan_time"] = int((~finite_time).sum())
    meta["n_nan_flux"] = int((finite_time & ~finite_flux).sum())
    columns = {name: values[keep] for name, values in columns.items()}

    order = np.argsort(columns["time"], kind="stable")
    meta["was_sorted"] = bool(np.all(order == np.arange(len(order))))
    columns = {name: values[order] for name, values in columns.items()}

    # Duplicate timestamps: keep the first row of each time (a re-export or an
    # overlap between stitched files), and say how many were dropped.
    time = columns["time"]
    if len(time) > 1:
        unique = np.concatenate(([True], np.diff(time) > 0))
    else:
        unique = np.ones(len(time), dtype=bool)
    meta["n_duplicate_times"] = int((~unique).sum())
    columns = {name: values[unique] for name, values in columns.items()}

    lc = LightCurve(**columns, meta=meta)
    if len(lc) >= 2:
        meta["cadence_min"] = round(lc.cadence_days * 24 * 60, 4)
        meta["time_span_days"] = float(lc.time[-1] - lc.time[0])
    return lc
