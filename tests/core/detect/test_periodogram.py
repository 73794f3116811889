"""The fast search (FFA) gives the reference search's periodogram peaks; its kernel folds what it is given."""
import numpy as np
import pytest

from core.detect.box_kernel import box_likelihood_power
from core.detect.fast_fold import _rows, _transform, fold_search
from core.detect.periodogram import (
    MIN_DURATION_SCALE, detection_efficiency, folds_fast, period_grid, periodogram, plan_chunks, reference_periodogram,
    star_duration_scale, uniform_bins,
)
from core.detect.transits import _peak_indices, _same_or_alias
from core.detect.vetting import transit_mask


def _curve(seed, days, cadence_min, period, depth, duration, sigma=1e-3):
    """Noise with a downlink gap, 5% of cadences missing, uneven weights and a planet."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, days, cadence_min / 1440.0)
    t = t[~((t > 0.4 * days) & (t < 0.4 * days + 2.0)) & (rng.random(t.size) > 0.05)]
    flux = 1.0 + rng.normal(0.0, sigma, t.size) - depth * transit_mask(t, period, 0.37 * period, duration)
    return t, flux, rng.uniform(0.5, 1.5, t.size)


def _planet_and_aliases(sde, periods, count=3):
    """The `count` highest peaks, integer aliases of a higher one merged into it (the search's own choice,
    `_peak_indices`, also passes over 3/2 and 5/3 harmonics, leaving noise peaks that the two searches rank
    differently)."""
    chosen = []
    for index in np.argsort(sde)[::-1]:
        if len(chosen) == count:
            break
        if not any(_same_or_alias(periods[index], periods[c]) for c in chosen):
            chosen.append(int(index))
    return chosen


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(
    ("days", "cadence_min", "period", "depth", "duration"),
    [
        (200.0, 10.0, 0.93, 1.2e-3, 0.06),  # ~200 periods in the data: the planet's chunk is fast-folded
        (90.0, 2.0, 2.47, 8e-4, 0.09),  # a TESS-like 90 days
        (27.0, 2.0, 0.71, 1.5e-3, 0.05),  # one sector
    ],
)
def test_fast_and_reference_searches_give_the_same_peaks(seed, days, cadence_min, period, depth, duration):
    t, flux, weights = _curve(seed, days, cadence_min, period, depth, duration)
    span = float(t[-1] - t[0])
    periods = period_grid(span, 0.3, span / 2)
    chunk = next(c for c in plan_chunks(t, periods) if periods[c.first] <= period < periods[c.last - 1])
    assert folds_fast(chunk, periods, span)  # the planet is found by the FFA, not by the kernel it replaces

    fast, fast_best = periodogram(t, flux, periods, weights)
    reference, reference_best = reference_periodogram(t, flux, periods, weights)
    fast_sde, reference_sde = detection_efficiency(fast), detection_efficiency(reference)
    fast_peaks = _planet_and_aliases(fast_sde, periods)
    reference_peaks = _planet_and_aliases(reference_sde, periods)
    # The planet at the very same grid period (its power recomputed exactly there), then its aliases.
    assert periods[fast_peaks[0]] == pytest.approx(period, rel=0.003)
    assert fast_peaks[0] == reference_peaks[0]
    np.testing.assert_allclose(np.sort(periods[fast_peaks]), np.sort(periods[reference_peaks]), rtol=0.002)
    assert fast_best["duration"][fast_peaks[0]] == reference_best["duration"][reference_peaks[0]]
    assert fast_sde[fast_peaks[0]] == pytest.approx(reference_sde[reference_peaks[0]], rel=0.02)
    around = slice(fast_peaks[0] - 3, fast_peaks[0] + 4)
    np.testing.assert_array_equal(fast[around], reference[around])
    # And the whole periodogram alike, not only its peaks.
    assert np.corrcoef(fast, reference)[0, 1] > 0.99
    assert np.median(fast / reference) == pytest.approx(1.0, abs=0.01)


def test_chunks_with_few_periods_in_the_data_are_the_reference_exactly():
    t, flux, weights = _curve(2, 27.0, 2.0, 5.3, 1e-3, 0.12)
    span = float(t[-1] - t[0])
    periods = period_grid(span, 0.3, span / 2)
    fast, fast_best = periodogram(t, flux, periods, weights)
    reference, reference_best = reference_periodogram(t, flux, periods, weights)
    exact = [c for c in plan_chunks(t, periods) if not folds_fast(c, periods, span)]
    assert exact
    for chunk in exact:
        part = slice(chunk.first, chunk.last)
        np.testing.assert_array_equal(fast[part], reference[part])
        np.testing.assert_array_equal(fast_best["duration"][part], reference_best["duration"][part])
    assert np.all(np.isfinite(fast))


def test_the_transform_keeps_every_bin_in_every_trial():
    rng = np.random.default_rng(5)
    n_rows, base = 37, 23
    flux, weight = rng.normal(size=n_rows * base), rng.uniform(0.0, 2.0, n_rows * base)
    folded_y, folded_w = _rows(flux, n_rows, base), _rows(weight, n_rows, base)
    _transform(folded_y, folded_w, folded_y.copy(), folded_w.copy(), n_rows, base)
    # The transform adds in single precision (see fast_fold._rows).
    np.testing.assert_allclose(folded_y.sum(axis=1, dtype=np.float64), flux.sum(), rtol=1e-5)
    np.testing.assert_allclose(folded_w.sum(axis=1, dtype=np.float64), weight.sum(), rtol=1e-5)


def test_a_box_far_from_a_whole_number_of_bins_folds_as_deep_as_with_the_reference_kernel():
    """500 transits of a 4-bin box every 61.3 bins: the FFA's staircase of rounded shifts keeps the
    box's gain (>= 95% of the BLS kernel's, which folds each bin at its exact phase)."""
    period, width, n_bins = 61.3, 4, 30_650
    start = np.arange(0, n_bins - width, period)
    sum_w = np.ones(n_bins)
    sum_wy = np.zeros(n_bins)
    for s in start:
        sum_wy[int(round(s)):int(round(s)) + width] = -1.0
    sum_wy -= sum_wy.mean()
    periods = np.array([61.0, period, 61.6])
    power, widths = fold_search(sum_wy, sum_w, periods, np.array([3, 4, 6]))
    assert np.argmax(power) == 1 and widths[1] == width
    exact = box_likelihood_power(np.arange(n_bins) + 0.5, sum_wy, None, periods, np.array([3.0, 4.0, 6.0]), 3)
    assert exact.duration[1] == width
    assert power[1] >= 0.95 * exact.power[1]


def test_uniform_bins_sum_weights_and_leave_gaps_empty():
    t = np.array([0.0, 0.1, 0.25, 0.9, 1.0])
    flux = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    weights = np.array([1.0, 1.0, 2.0, 1.0, 1.0])
    sum_wy, sum_w = uniform_bins(t, flux, weights, 0.2)
    np.testing.assert_array_equal(sum_w, [2.0, 2.0, 0.0, 0.0, 1.0, 1.0])
    centre = 3.0  # median of the filled bins' means (2, 2, 5, 4)
    np.testing.assert_allclose(sum_wy, [4.0 - 2 * centre, 4.0 - 2 * centre, 0.0, 0.0, 5.0 - centre, 4.0 - centre])


def test_down_weighted_drops_weigh_the_same_in_the_fast_and_the_reference_search():
    """The pipeline gives outlier drops a tenth of the weight (DROP_WEIGHT): a long-cadence planet whose
    transits are single exposures, and bright single-cadence glitches. Both searches must weigh them alike."""
    rng = np.random.default_rng(7)
    t = np.arange(0.0, 400.0, 29.4 / 1440.0)
    flux = 1.0 + rng.normal(0.0, 1e-3, t.size)
    in_transit = transit_mask(t, 1.37, 0.4, 0.02)
    flux[in_transit] -= 6e-3
    glitches = rng.choice(t.size, 60, replace=False)
    flux[glitches] -= 0.02
    weights = np.ones(t.size)
    weights[in_transit] = weights[glitches] = 0.1
    periods = period_grid(400.0, 0.3, 200.0)

    fast, _ = periodogram(t, flux, periods, weights)
    reference, _ = reference_periodogram(t, flux, periods, weights)
    unweighted, _ = periodogram(t, flux, periods, np.ones(t.size))
    fast_sde, reference_sde = detection_efficiency(fast), detection_efficiency(reference)
    fast_peak = _peak_indices(fast_sde, periods, 1)[0]
    assert fast_peak == _peak_indices(reference_sde, periods, 1)[0]
    assert periods[fast_peak] == pytest.approx(1.37, rel=0.003)
    assert fast_sde[fast_peak] == pytest.approx(reference_sde[fast_peak], rel=0.02)
    # Away from the planet the periodogram is noise, whose fine structure the FFA's nearest-fold
    # periods follow less closely (0.88 with all weights one and a planet as strong as this one's).
    assert np.corrcoef(fast, reference)[0, 1] > 0.85
    assert np.median(fast / reference) == pytest.approx(1.0, abs=0.01)
    assert np.median(unweighted / reference) > 2.0  # the weights change the statistic: the check above can fail


def test_a_small_star_is_searched_on_a_finer_grid_with_shorter_boxes():
    # The grid assumed half a Sun-like star's transit duration; around the 0.13 R_sun TESS M dwarf a transit
    # lasts a quarter of that, and a 0.66-h, 4.8%-deep planet smeared over the fold to SDE 6.1.
    m_dwarf = {"radius": 0.129, "logg": 5.2}
    assert star_duration_scale(m_dwarf) == pytest.approx(MIN_DURATION_SCALE)
    assert star_duration_scale({"radius": 1.0, "logg": 4.44}) == pytest.approx(1.0, rel=0.01)  # the Sun
    assert star_duration_scale({}) == 1.0 and star_duration_scale({"radius": None, "logg": "x"}) == 1.0
    coarse, fine = period_grid(27.0, 0.5, 13.0), period_grid(27.0, 0.5, 13.0, duration_scale=0.3)
    assert fine.size == pytest.approx(coarse.size / 0.3, rel=0.05)
    t = np.arange(0.0, 27.0, 2.0 / 1440.0)
    shortest = min(chunk.durations.min() for chunk in plan_chunks(t, fine, 0.3))
    assert shortest * 24.0 < 0.5 <= min(chunk.durations.min() for chunk in plan_chunks(t, coarse)) * 24.0
