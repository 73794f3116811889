"""The IF + LOF ensemble: scikit-learn contract, known answers on seeded curves, point voting."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from core.anomaly.estimator import AnomalyEnsemble, points_from_windows, train_ensemble
from core.anomaly.features import window_features
from core.compat import AnomalyDetector

# With vote="both" the ensemble flags the *intersection* of two members that each
# flag `contamination`, so it flags fewer than `contamination` on purpose.
_COUNTS_BY_DESIGN = "flags the intersection of IF and LOF, not exactly `contamination` of the data"


@parametrize_with_checks(
    [AnomalyEnsemble(n_estimators=10, random_state=0)],
    expected_failed_checks=lambda est: {
        "check_outliers_train": _COUNTS_BY_DESIGN,
        "check_outliers_fit_predict": _COUNTS_BY_DESIGN,
    },
)
def test_passes_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def _noise_with_glitches(seed: int, n_windows: int, n_glitches: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Window features of white noise with a few big single-point glitches; True marks glitch windows."""
    rng = np.random.default_rng(seed)
    values = rng.normal(size=n_windows * 12)
    at = rng.choice(np.arange(1_000, len(values) - 1_000, 997), n_glitches, replace=False)
    values[at] += rng.choice([-1, 1], n_glitches) * rng.uniform(10, 25, n_glitches)
    features, starts = window_features(values)
    glitch_windows = ((starts[:, None] <= at) & (at < starts[:, None] + 50)).any(axis=1)
    return features, starts, glitch_windows


@pytest.fixture(scope="module")
def glitch_curve():
    return _noise_with_glitches(seed=3, n_windows=3_000)


def test_init_only_stores_parameters_and_clone_copies_them():
    est = AnomalyEnsemble(contamination=0.1, n_neighbors=15, vote="either", random_state=7)
    assert clone(est).get_params() == est.get_params()
    assert not [name for name in vars(est) if name.endswith("_")]
    est.set_params(contamination=0.2)
    assert est.contamination == 0.2


def test_predict_before_fit_raises_not_fitted(glitch_curve):
    with pytest.raises(NotFittedError):
        AnomalyEnsemble().predict(glitch_curve[0])


def test_fit_returns_self_and_sets_fitted_attributes(glitch_curve):
    est = AnomalyEnsemble(random_state=0)
    assert est.fit(glitch_curve[0]) is est
    for name in ("scaler_", "iforest_", "lof_", "threshold_", "score_scale_", "reference_", "n_features_in_"):
        assert hasattr(est, name), name
    assert est.n_features_in_ == 14


def test_predict_does_not_refit(glitch_curve):
    features = glitch_curve[0]
    est = AnomalyEnsemble(random_state=0).fit(features)
    forest, thresholds = est.iforest_, est.threshold_.copy()
    est.predict(features[:100] * 3)
    assert est.iforest_ is forest
    np.testing.assert_array_equal(est.threshold_, thresholds)


def test_same_random_state_gives_identical_scores(glitch_curve):
    features = glitch_curve[0]
    first = AnomalyEnsemble(random_state=5, max_reference=1_000).fit(features).score_samples(features)
    second = AnomalyEnsemble(random_state=5, max_reference=1_000).fit(features).score_samples(features)
    np.testing.assert_array_equal(first, second)


def test_flags_every_window_holding_a_big_glitch(glitch_curve):
    features, _, glitch_windows = glitch_curve
    flags = AnomalyEnsemble(random_state=0).fit(features).predict(features) == -1
    assert flags[glitch_windows].all()
    assert flags[~glitch_windows].mean() < 0.05


def test_either_vote_flags_a_superset_of_both(glitch_curve):
    features = glitch_curve[0]
    both = AnomalyEnsemble(random_state=0).fit(features).predict(features) == -1
    either = AnomalyEnsemble(random_state=0, vote="either").fit(features).predict(features) == -1
    assert np.all(either[both]) and either.sum() > both.sum()


def test_subsample_fit_agrees_with_full_fit_on_flagged_windows():
    features, _, glitch_windows = _noise_with_glitches(seed=1, n_windows=6_000)
    full = AnomalyEnsemble(max_reference=None, random_state=0).fit(features).decision_function(features)
    sub = AnomalyEnsemble(max_reference=2_500, random_state=0).fit(features).decision_function(features)
    assert (full[glitch_windows] < 0).all() and (sub[glitch_windows] < 0).all()
    assert np.mean(sub[full < 0] < 0) >= 0.75  # borderline noise windows may go either way
    assert np.mean(sub[full < -0.5] < 0) >= 0.9  # clear flags agree


def test_bad_parameters_are_refused_at_fit(glitch_curve):
    for params in ({"contamination": 0.0}, {"contamination": 0.7}, {"vote": "majority"}, {"max_reference": 1}):
        with pytest.raises(ValueError):
            AnomalyEnsemble(**params).fit(glitch_curve[0])


def test_train_ensemble_stacks_curves(glitch_curve):
    features = glitch_curve[0]
    model = train_ensemble([features[:1_000], features[1_000:], np.empty((0, 14))], {"random_state": 0})
    assert model.reference_.shape == features.shape


def _points_from_windows_loop(flags, starts, window_size, n_points, vote_threshold):
    out = np.zeros(n_points, dtype=bool)
    for i in range(n_points):
        covering = [(s <= i < s + window_size) for s in starts]
        n_cover = sum(covering)
        n_flag = sum(f for f, c in zip(flags, covering) if c)
        out[i] = n_cover > 0 and n_flag / n_cover > vote_threshold
    return out


@pytest.mark.parametrize("vote_threshold", [0.0001, 0.3, 0.5, 0.99])
def test_points_from_windows_matches_plain_loop(rng, vote_threshold):
    n_points, window_size = 700, 50
    starts = np.append(np.arange(0, n_points - window_size + 1, 12), n_points - window_size)
    flags = rng.random(len(starts)) < 0.3
    fast = points_from_windows(flags, starts, window_size, n_points, vote_threshold)
    slow = _points_from_windows_loop(flags, starts, window_size, n_points, vote_threshold)
    np.testing.assert_array_equal(fast, slow)


def test_points_from_windows_leaves_uncovered_points_unflagged():
    flags = points_from_windows(np.array([True]), np.array([10]), 5, 30, 0.3)
    assert flags.tolist() == [False] * 10 + [True] * 5 + [False] * 15


def test_seed_compatible_detector_round_trip(tmp_path, glitch_curve):
    features = pd.DataFrame(glitch_curve[0])
    detector = AnomalyDetector(contamination=0.05)
    assert detector.fit(features) is detector
    predictions, scores = detector.predict_with_scores(features)
    assert set(np.unique(predictions)) <= {-1, 1}
    np.testing.assert_array_equal(predictions, detector.predict(features))
    detector.save_model(tmp_path / "model")
    restored = AnomalyDetector()
    assert restored.load_model(tmp_path / "model") is restored
    assert restored.contamination == 0.05
    np.testing.assert_array_equal(restored.predict_with_scores(features)[1], scores)


def test_seed_compatible_detector_predict_before_fit_raises():
    with pytest.raises(NotFittedError):
        AnomalyDetector().predict(np.zeros((5, 14)))
