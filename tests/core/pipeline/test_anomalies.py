"""The forest fitted on a curve's own windows is smaller than scikit-learn's default, and flags the same windows."""
import numpy as np
import pytest

from core.anomaly.estimator import AnomalyEnsemble
from core.anomaly.features import feature_stride, model_features
from core.evaluation.cases import TESS_STAR, synthetic_case
from core.pipeline.anomalies import ANOMALY_MIN_MARGIN, ANOMALY_REFERENCE_WINDOWS, ANOMALY_TREES
from core.prepare import prepare
from core.trend import fit_trend


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


@pytest.mark.parametrize("index", [1, 3, 6])
def test_fewer_trees_flag_the_windows_a_hundred_trees_flag(index):
    """Seeded stars with flares, outliers and a planet: the windows flagged, and the strong ones that
    become events, agree with a 100-tree forest's."""
    assert ANOMALY_TREES < 100
    lc = prepare(synthetic_case(index, 0, TESS_STAR).lc)
    features, _ = model_features(lc.flux, fit_trend(lc.time, lc.flux, "short").trend, 50, feature_stride(50))

    def margins(trees: int) -> np.ndarray:
        model = AnomalyEnsemble(n_estimators=trees, max_reference=ANOMALY_REFERENCE_WINDOWS, random_state=0)
        return model.fit(features).score_samples(features)

    ours, hundred = margins(ANOMALY_TREES), margins(100)
    assert (hundred < -ANOMALY_MIN_MARGIN).sum() >= 10  # strong windows to agree on
    assert _jaccard(ours < 0, hundred < 0) >= 0.85
    assert _jaccard(ours < -ANOMALY_MIN_MARGIN, hundred < -ANOMALY_MIN_MARGIN) >= 0.85
