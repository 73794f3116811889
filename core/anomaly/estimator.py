"""Isolation Forest + Local Outlier Factor ensemble on window features.

The seed app's method, kept as one detector among several: a window is anomalous
when both members agree (vote="both"; "either" is the looser option). LOF costs
O(n^2)-ish, so both members are fitted on a bounded, seeded reference sample of
windows and every other window is only scored.

Fitting and scoring run on one BLAS/OpenMP thread: the matrices are small (a few
thousand windows of 14 features), and threads cost more than they save (the LOF fit
on 1.6k windows took 14 ms on one thread and 110-230 ms on two of a busy 2-core
machine); the process pool (core.parallel) is where parallelism pays.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from functools import lru_cache
from numbers import Integral, Real
from typing import Any, Sequence

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import ThreadpoolController

VOTES = ("both", "either")


class AnomalyEnsemble(OutlierMixin, BaseEstimator):
    """Scaled window features scored by an Isolation Forest and a novelty-mode LOF.

    Each member flags `contamination` of the reference windows; with vote="both" the
    ensemble flags only windows both members flag (so usually fewer than
    `contamination`), with "either" the union. `score_samples` is the combined
    margin in units of each member's robust score spread: negative means anomalous,
    higher is more normal (scikit-learn's convention); `offset_` is 0.

    Known limit of vote="both": LOF treats a kind of event that fills more than
    ~n_neighbors similar windows of the reference as a normal cluster, so frequent
    events of one kind (e.g. many outlier spikes in the training curves) go unflagged.

    Fitted attributes: scaler_, iforest_, lof_, reference_ (the unscaled rows the
    members were fitted on), n_samples_fit_ (rows given to fit), threshold_ (each
    member's raw-score cut, IF then LOF), score_scale_, offset_, n_features_in_.
    """

    def __init__(
        self,
        contamination: float = 0.05,
        n_estimators: int = 100,
        n_neighbors: int = 20,
        max_reference: int | None = 10_000,
        vote: str = "both",
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.contamination = contamination
        self.n_estimators = n_estimators
        self.n_neighbors = n_neighbors
        self.max_reference = max_reference
        self.vote = vote
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> "AnomalyEnsemble":
        """Fit scaler and both members on at most `max_reference` rows of X."""
        with _one_thread():
            return self._fit(X)

    def _fit(self, X: Any) -> "AnomalyEnsemble":
        self._validate_params()
        # C order: the stored reference is C-ordered, and a refit must see the same layout
        # for bit-identical sums.
        X = validate_data(self, X, dtype=np.float64, order="C", reset=True)
        if X.shape[0] < 2:
            raise ValueError(f"AnomalyEnsemble needs at least 2 samples, got n_samples = {X.shape[0]}")
        self.n_samples_fit_ = X.shape[0]
        rng = check_random_state(self.random_state)
        # Draw the forest's seed before subsampling, so refitting on the stored
        # reference sample (which needs no subsampling) rebuilds the same forest.
        forest_seed = int(rng.randint(np.iinfo(np.int32).max))
        if self.max_reference is not None and X.shape[0] > self.max_reference:
            rows = np.sort(rng.choice(X.shape[0], size=self.max_reference, replace=False))
            X = X[rows]
        self.reference_ = X.copy()
        self.scaler_ = StandardScaler().fit(X)
        scaled = self.scaler_.transform(X)
        self.iforest_ = IsolationForest(
            n_estimators=self.n_estimators, contamination=self.contamination, random_state=forest_seed
        ).fit(scaled)
        # Brute-force neighbours: in 14 dimensions trees barely prune, and BLAS
        # distance blocks are 3-7x faster to fit and query at 2k-20k windows.
        self.lof_ = LocalOutlierFactor(
            n_neighbors=min(self.n_neighbors, X.shape[0] - 1),
            contamination=self.contamination,
            novelty=True,
            algorithm="brute",
        ).fit(scaled)
        self.threshold_ = np.array([self.iforest_.offset_, self.lof_.offset_])
        self.score_scale_ = np.array(
            [_robust_spread(self.iforest_.score_samples(scaled)), _robust_spread(self.lof_.negative_outlier_factor_)]
        )
        self.offset_ = 0.0
        return self

    def member_margins(self, X: Any) -> np.ndarray:
        """(n, 2) margins of IF and LOF over their own thresholds, in spread units; < 0 flags."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        scaled = self.scaler_.transform(X)
        with _one_thread():
            raw = np.column_stack([self.iforest_.decision_function(scaled), self.lof_.decision_function(scaled)])
        return raw / self.score_scale_

    def score_samples(self, X: Any) -> np.ndarray:
        """Combined margin; higher is more normal, below 0 is an anomaly."""
        margins = self.member_margins(X)
        return margins.max(axis=1) if self.vote == "both" else margins.min(axis=1)

    def decision_function(self, X: Any) -> np.ndarray:
        """score_samples - offset_ (offset_ is 0); negative means anomalous."""
        return self.score_samples(X) - self.offset_

    def predict(self, X: Any) -> np.ndarray:
        """+1 for normal windows, -1 for anomalous ones; never refits."""
        return np.where(self.decision_function(X) < 0, -1, 1)

    def _validate_params(self) -> None:
        if not isinstance(self.contamination, Real) or not 0 < self.contamination <= 0.5:
            raise ValueError(f"contamination must be in (0, 0.5], got {self.contamination!r}")
        for name, low in (("n_estimators", 1), ("n_neighbors", 1)):
            value = getattr(self, name)
            if not isinstance(value, Integral) or value < low:
                raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
        if self.max_reference is not None and (not isinstance(self.max_reference, Integral) or self.max_reference < 2):
            raise ValueError(f"max_reference must be None or a whole number >= 2, got {self.max_reference!r}")
        if self.vote not in VOTES:
            raise ValueError(f"vote must be one of {VOTES}, got {self.vote!r}")


def train_ensemble(feature_matrices: Sequence[np.ndarray], params: dict[str, Any] | None = None) -> AnomalyEnsemble:
    """Fit one ensemble on the windows of many curves (stacked feature matrices)."""
    matrices = [np.asarray(m, dtype=np.float64) for m in feature_matrices if len(m)]
    if not matrices:
        raise ValueError("no windows to train on: every feature matrix was empty")
    return AnomalyEnsemble(**(params or {})).fit(np.vstack(matrices))


def points_from_windows(
    window_flags: np.ndarray,
    window_starts: np.ndarray,
    window_size: int,
    n_points: int,
    vote_threshold: float = 0.3,
) -> np.ndarray:
    """Per-point flags: True where more than `vote_threshold` of the windows covering it are flagged.

    Counts come from cumulative sums of +1/-1 at window edges, so the cost is
    O(n_points + n_windows) whatever the overlap.
    """
    flags = np.asarray(window_flags, dtype=bool)
    starts = np.asarray(window_starts, dtype=np.int64)
    ends = starts + int(window_size)
    covering = np.zeros(n_points + 1, dtype=np.int64)
    flagged = np.zeros(n_points + 1, dtype=np.int64)
    np.add.at(covering, starts, 1)
    np.add.at(covering, ends, -1)
    np.add.at(flagged, starts[flags], 1)
    np.add.at(flagged, ends[flags], -1)
    covering = np.cumsum(covering[:-1])
    flagged = np.cumsum(flagged[:-1])
    return flagged > vote_threshold * covering  # uncovered points: 0 > 0 is False


def _one_thread() -> AbstractContextManager:
    """BLAS and OpenMP limited to one thread for the duration of a `with` block."""
    return _thread_pools().limit(limits=1)


@lru_cache(maxsize=1)
def _thread_pools() -> ThreadpoolController:
    """The thread pools of the loaded numeric libraries, found once (looking costs ~5 ms)."""
    return ThreadpoolController()


def _robust_spread(scores: np.ndarray) -> float:
    """Scale of a member's scores (IQR as a Gaussian sigma), so margins of IF and LOF compare."""
    q25, q75 = np.percentile(scores, [25, 75])
    spread = (q75 - q25) / 1.349
    if not np.isfinite(spread) or spread <= 0:
        spread = float(np.std(scores))
    return spread if np.isfinite(spread) and spread > 0 else 1.0
