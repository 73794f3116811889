"""Stage 5: the Isolation Forest + LOF ensemble on window features, where nothing else explains the data.

`contamination` sets where IF and LOF start to flag; an `anomaly` event further
needs a window ANOMALY_MIN_MARGIN score spreads beyond that cut, so the ordinary
tail of a clean star's windows does not become events.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.anomaly.estimator import AnomalyEnsemble, points_from_windows
from core.anomaly.features import feature_stride, model_features
from core.config import AnalysisConfig
from core.pipeline.first_look import FirstLook
from core.result import Event
from core.stats import cadence_days, flag_runs

ANOMALY_REFERENCE_WINDOWS = 4000
MIN_FIT_WINDOWS = 2  # the ensemble fitted on a curve's own windows needs at least this many
ANOMALY_MIN_MARGIN = 3.0


@dataclass(frozen=True)
class AnomalyFindings:
    """Anomaly events, their points, and per point the most anomalous margin among its windows."""

    events: list[Event]
    mask: np.ndarray
    scores: np.ndarray | None

    @classmethod
    def none(cls, n_points: int) -> "AnomalyFindings":
        return cls([], np.zeros(n_points, dtype=bool), None)

    def with_events(self, events: list[Event], mask: np.ndarray) -> "AnomalyFindings":
        """These findings and anomaly `events` found another way (over the points in `mask`)."""
        return AnomalyFindings(self.events + events, self.mask | mask, self.scores)


def find_anomalies(
    time: np.ndarray, flux: np.ndarray, look: FirstLook, in_transit: np.ndarray, config: AnalysisConfig,
    model: AnomalyEnsemble | None,
) -> AnomalyFindings:
    """Ensemble-flagged runs of points that no flare, outlier or transit explains, as events.

    `model` is a fitted ensemble (e.g. from the registry); without one it is fitted
    on this curve's own windows, as the seed app did.
    """
    size = config.window_size
    features, starts = model_features(flux, look.trend, size, feature_stride(size))
    if model is None and starts.size < MIN_FIT_WINDOWS:
        return AnomalyFindings.none(time.size)  # too short to fit the ensemble on its own windows
    if model is None:
        model = AnomalyEnsemble(
            contamination=config.contamination, max_reference=ANOMALY_REFERENCE_WINDOWS,
            random_state=config.random_state,
        ).fit(features)
    margins = model.score_samples(features)
    # A window holding a flare, transit or outlier is explained by it, not anomalous.
    explained = look.flare_mask | look.outlier_mask | in_transit
    explained_before = np.concatenate(([0], np.cumsum(explained)))
    margins = np.where(explained_before[starts + size] - explained_before[starts] > 0, np.inf, margins)
    flagged = points_from_windows(margins < 0, starts, size, time.size, config.vote_threshold)
    point_margin = np.full(time.size, np.inf)
    for offset in range(size):
        np.minimum.at(point_margin, starts + offset, margins)
    events, mask = _events(time, flagged & ~explained, point_margin, look)
    return AnomalyFindings(events, mask, point_margin)


def _events(time: np.ndarray, candidates: np.ndarray, point_margin: np.ndarray,
            look: FirstLook) -> tuple[list[Event], np.ndarray]:
    """Runs of candidate points (split at gaps) strong enough to report, and their points."""
    events: list[Event] = []
    mask = np.zeros(time.size, dtype=bool)
    contiguous = np.concatenate(([False], np.diff(time) <= 1.5 * cadence_days(time)))
    for a, b in flag_runs(candidates, contiguous):
        strength = float(-point_margin[a:b].min())
        if not np.isfinite(strength) or strength < ANOMALY_MIN_MARGIN:
            continue
        z = np.abs(look.residual[a:b]) / look.sigma
        peak = a + int(np.argmax(z))
        mask[a:b] = True
        events.append(Event.spanning("anomaly", time, look.residual, a, b, peak, snr=z.max(), score=strength))
    return events, mask
