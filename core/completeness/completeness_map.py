"""The result of a completeness run: counts per grid cell, their fractions and Wilson intervals."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.completeness.grid import Grid
from core.evaluation.summary import wilson_interval


@dataclass(frozen=True)
class CompletenessMap:
    """Injected and recovered counts per cell (rows follow `grid.y`, columns `grid.x`), and how they were made.

    `injections` lists every injection with its cell, parameters and `recovered`;
    `found` is what the analysis found in the curve as it is (for overplotting);
    `sentence` states the limit in words.
    """

    kind: str
    grid: Grid
    injected: np.ndarray
    recovered: np.ndarray
    seed: int
    settings: dict[str, Any]
    injections: list[dict[str, Any]]
    found: list[dict[str, Any]]
    sentence: str
    noise: float
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def n_injections(self) -> int:
        return int(self.injected.sum())

    @property
    def fraction(self) -> np.ndarray:
        """Recovered over injected per cell (NaN where nothing was injected)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.injected > 0, self.recovered / np.maximum(self.injected, 1), np.nan)

    @property
    def interval(self) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) Wilson 95% interval per cell (NaN where nothing was injected)."""
        low = np.full(self.injected.shape, np.nan)
        high = np.full(self.injected.shape, np.nan)
        for index in np.ndindex(self.injected.shape):
            bounds = wilson_interval(int(self.recovered[index]), int(self.injected[index]))
            if bounds is not None:
                low[index], high[index] = bounds
        return low, high

    def to_dict(self) -> dict[str, Any]:
        """Strict JSON (no NaN): the DESIGN's completeness shape plus counts, the sentence and the injections."""
        low, high = self.interval
        return {
            "kind": self.kind,
            "grid": self.grid.to_dict(),
            "axes": {"x": self.grid.x_name, "y": self.grid.y_name},
            "recovery": _json_rows(self.fraction),
            "low": _json_rows(low),
            "high": _json_rows(high),
            "injected": self.injected.astype(int).tolist(),
            "recovered": self.recovered.astype(int).tolist(),
            "n_injections": self.n_injections,
            "seed": self.seed,
            "sentence": self.sentence,
            "noise": self.noise,
            "settings": self.settings,
            "injections": self.injections,
            "found": self.found,
            "timings": self.timings,
        }


def _json_rows(values: np.ndarray) -> list[list[float | None]]:
    return [[None if not np.isfinite(v) else round(float(v), 6) for v in row] for row in values]
