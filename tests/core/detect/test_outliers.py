"""Outliers: isolated spikes, drops and 2-point glitches; never long runs or explained points."""
import numpy as np

from core.detect.outliers import find_outliers

CADENCE = 2.0 / 1440.0


def _residual(rng, n=5000):
    return np.arange(n) * CADENCE, rng.normal(0, 1e-3, n)


def test_spikes_drops_and_glitches_are_found_with_their_sign(rng):
    t, residual = _residual(rng)
    residual[1000] = 0.01
    residual[2000] = -0.012
    residual[[3000, 3001]] = 0.009
    events, mask = find_outliers(t, residual, 1e-3)
    assert [round(e.t_peak / CADENCE) for e in events] == [1000, 2000, 3000]
    assert [np.sign(e.amplitude) for e in events] == [1, -1, 1]
    assert events[2].extra["n_points"] == 2
    assert mask.sum() == 4


def test_runs_longer_than_two_cadences_are_not_outliers(rng):
    t, residual = _residual(rng)
    residual[1000:1004] = -0.01
    assert find_outliers(t, residual, 1e-3)[0] == []


def test_points_explained_by_a_flare_are_not_outliers(rng):
    t, residual = _residual(rng)
    residual[1000] = 0.01
    explained = np.zeros(t.size, dtype=bool)
    explained[995:1010] = True
    assert find_outliers(t, residual, 1e-3, explained=explained)[0] == []


def test_white_noise_has_no_five_sigma_outliers(rng):
    t, residual = _residual(rng, 20000)
    assert len(find_outliers(t, residual, 1e-3)[0]) <= 1


def test_a_glitch_that_dragged_the_trend_is_still_an_outlier(rng):
    """A big 2-point glitch pulls a short trend up, so the next point sits below it;
    a neighbour on the other side is not part of the glitch, one on the same side is."""
    t, residual = _residual(rng)
    residual[[1000, 1001]] = 0.04
    residual[1002] = -0.005
    residual[[2000, 2001]] = 0.04
    residual[2002] = 0.005
    events, _ = find_outliers(t, residual, 1e-3)
    assert [round(e.t_peak / CADENCE) for e in events] == [1000]
