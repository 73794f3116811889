"""The bounded box scan returns the full scan's best box: gain, width and start, ties included."""
import numpy as np
import pytest

from core.detect.box_scan import best_box, best_box_after, bound_terms


def _full_scan(fold_y, fold_w, widths):
    """Every start and width, in order, strict improvements only: the obvious version."""
    total_y, total_w = fold_y.sum(), fold_w.sum()
    tiny = np.finfo(np.float64).eps
    cum_y = np.concatenate(([0.0], np.cumsum(fold_y)))
    cum_w = np.concatenate(([0.0], np.cumsum(fold_w)))
    best, best_width, best_start = -np.inf, 0, 0
    for width in widths:
        for start in range(fold_y.size - width + 1):
            w_in = cum_w[start + width] - cum_w[start]
            w_out = total_w - w_in
            excess = total_y * w_in - (cum_y[start + width] - cum_y[start]) * total_w
            if w_in < tiny or w_out < tiny or excess < 0.0:
                continue
            gain = 0.5 * excess * excess / (w_in * w_out * w_out)
            if gain > best:
                best, best_width, best_start = gain, width, start
    return best, best_width, best_start


def _bounded_scan(fold_y, fold_w, widths, hint, floor=-np.inf, previous=None):
    """best_box (with `floor`), or best_box_after when the neighbouring period's best `previous` is given."""
    terms = np.empty(fold_y.size)
    bound_terms(fold_y, fold_w, fold_y.sum() / fold_w.sum(), terms)
    cum = [np.concatenate(([0.0], np.cumsum(a))) for a in (fold_y, fold_w, terms)]
    n_starts = fold_y.size - widths.min() + 1
    if previous is not None:
        return best_box_after(*cum, n_starts, widths, fold_y.sum(), fold_w.sum(), hint, previous)
    return best_box(*cum, n_starts, widths, fold_y.sum(), fold_w.sum(), hint, floor)


@pytest.mark.parametrize("seed", range(20))
def test_bounded_scan_equals_the_full_scan_on_noise_with_gaps_and_a_dip(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(30, 3000))
    fold_w = rng.poisson(rng.uniform(0.5, 20.0), n).astype(float) * rng.uniform(0.5, 1.5, n)
    fold_y = rng.normal(0.0, 1e-3, n) * np.sqrt(fold_w)
    if seed % 2:
        start = int(rng.integers(0, n - 10))
        fold_y[start:start + 6] -= 3e-3 * fold_w[start:start + 6]
    widths = np.unique(rng.integers(2, 25, 5))
    hint = int(rng.integers(0, n))
    expected = _full_scan(fold_y, fold_w, widths)
    assert _bounded_scan(fold_y, fold_w, widths, hint) == expected
    # A neighbouring period's best far below, near, or above this one's: the same answer.
    for previous in (-np.inf, 0.1 * expected[0], 0.9 * expected[0], expected[0], 1.3 * expected[0], 5 * expected[0]):
        assert _bounded_scan(fold_y, fold_w, widths, hint, previous=previous) == expected


def test_a_floor_below_the_best_changes_nothing_and_one_above_it_says_so():
    rng = np.random.default_rng(7)
    fold_w = rng.uniform(1.0, 3.0, 800)
    fold_y = rng.normal(0.0, 1e-3, 800) * fold_w
    widths = np.array([3, 5, 8])
    best, width, start = _full_scan(fold_y, fold_w, widths)
    assert _bounded_scan(fold_y, fold_w, widths, 0, floor=0.5 * best) == (best, width, start)
    assert _bounded_scan(fold_y, fold_w, widths, 0, floor=best) == (best, width, start)
    assert _bounded_scan(fold_y, fold_w, widths, 0, floor=2.0 * best)[0] < 2.0 * best


def test_ties_go_to_the_first_width_then_the_first_start():
    fold_y = np.zeros(64)
    fold_y[[10, 40]] = -1.0  # two identical one-bin dips
    fold_w = np.ones(64)
    widths = np.array([1, 2])
    assert _bounded_scan(fold_y, fold_w, widths, hint=40) == _full_scan(fold_y, fold_w, widths)
    assert _bounded_scan(fold_y, fold_w, widths, hint=40)[1:] == (1, 10)


def test_a_fold_where_no_box_has_weight_on_both_sides_has_no_gain():
    fold_y = np.zeros(40)
    fold_w = np.zeros(40)
    fold_w[7] = 1.0  # every box either holds all the weight or none of it
    assert _full_scan(fold_y, fold_w, np.array([3])) == (-np.inf, 0, 0)
    assert _bounded_scan(fold_y, fold_w, np.array([3]), hint=0) == (-np.inf, 0, 0)
