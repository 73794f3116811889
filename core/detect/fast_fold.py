"""The box search folded with the Fast Folding Algorithm: every period near a base period at once.

Folding binned flux at each trial period costs all the bins for every period, and
both the periods and the bins grow with the time span: quadratic. The FFA (Staelin
1969; TERRA, Petigura et al. 2013) cuts the uniformly binned series into rows of
`m` bins and adds rows pairwise with shifts, so that after log2(rows) passes it
holds the fold at every period from m to m + 1 bins: O(bins log rows) for as many
periods as there are rows. Sums of weight x flux and of weight are folded side by
side, so gaps (empty bins) weigh nothing and the box statistic is the same
likelihood as `core.detect.box_kernel`'s.

The price is the FFA's staircase: a row's shift is rounded at every pass, so a
fold can sit up to ~log2(rows)/6 bins off the exact one; the search bins to a third
of its shortest duration, and the tests hold the periodogram's peaks to the exact
kernel's. A shift that passes a whole profile is taken modulo the trial period,
not modulo the m bins the profile is stored in, so long drifts do not pile up.
"""
from __future__ import annotations

import math

import numpy as np

from core.detect.box_scan import best_box_after, bound_terms
from core.detect.jit import compiled




def fold_search(
    sum_wy: np.ndarray, sum_w: np.ndarray, periods_in_bins: np.ndarray, widths: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Best box log-likelihood gain and its width (bins) at each period of `periods_in_bins`.

    `sum_wy`, `sum_w`: per uniform time bin, the summed weight x (flux - a centre) and
    summed weight (0 in gaps). `periods_in_bins` must be ascending and longer than
    the widest box. Each period is scored on the FFA trial nearest to it; periods
    sharing a base (floor of the period in bins) share one transform.
    """
    sum_wy = np.ascontiguousarray(sum_wy, dtype=np.float64)
    sum_w = np.ascontiguousarray(sum_w, dtype=np.float64)
    periods_in_bins = np.ascontiguousarray(periods_in_bins, dtype=np.float64)
    widths = np.ascontiguousarray(widths, dtype=np.int64)
    power = np.full(periods_in_bins.size, -np.inf)
    best_width = np.zeros(periods_in_bins.size, dtype=np.int64)
    if periods_in_bins.size:
        _search(sum_wy, sum_w, periods_in_bins, widths, power, best_width)
    return power, best_width


@compiled
def rows_needed(n_bins: int, base: int, period_step_bins: float) -> int:
    """Rows the transform at `base` runs on: every bin, and enough trials (one per row) that
    one lies within half of `period_step_bins` (the grid's step) of every period asked for."""
    return max((n_bins + base - 1) // base, int(math.ceil(1.0 / period_step_bins)) + 1, 2)


@compiled
def _search(sum_wy, sum_w, periods, widths, power, best_width):
    n_bins = sum_wy.size
    total_wy = sum_wy.sum()
    total_w = sum_w.sum()
    mean = total_wy / total_w
    max_width = widths.max()
    hint = 0  # the best box's start at the previous period: where the next one's search starts
    first = 0
    while first < periods.size:
        base = int(math.floor(periods[first]))
        last = first
        while last < periods.size and int(math.floor(periods[last])) == base:
            last += 1
        step = 1.0
        for g in range(max(first, 1), min(last + 1, periods.size)):
            step = min(step, periods[g] - periods[g - 1])
        n_rows = rows_needed(n_bins, base, step)
        data_y, data_w = _rows(sum_wy, n_rows, base), _rows(sum_w, n_rows, base)
        _transform(data_y, data_w, data_y.copy(), data_w.copy(), n_rows, base)
        cum_y = np.empty(base + max_width + 1)
        cum_w = np.empty(base + max_width + 1)
        cum_q = np.empty(base + max_width + 1)
        terms = np.empty(base)
        for g in range(first, last):
            row = int(math.floor((periods[g] - base) * (n_rows - 1) + 0.5))
            _wrapped_sums(data_y[row], data_w[row], mean, max_width, cum_y, cum_w, cum_q, terms)
            power[g], best_width[g], hint = best_box_after(cum_y, cum_w, cum_q, base, widths, total_wy, total_w,
                                                           hint, power[g - 1] if g > 0 else -np.inf)
        first = last


@compiled
def _rows(series, n_rows, base):
    """`series` cut into rows of `base` bins, the last one padded with zeros, in single precision.

    The transform moves every row log2(rows) times and is bound by memory traffic: in
    float32 it runs ~1.5x faster. Its sums stay accurate to ~1e-7 of the fold, far below
    the noise; the box scan sums the folded rows in double precision, and the strongest
    peaks are recomputed exactly (`core.detect.periodogram`).
    """
    rows = np.zeros(n_rows * base, dtype=np.float32)
    rows[:series.size] = series
    return rows.reshape(n_rows, base)


@compiled
def _transform(even_y, even_w, odd_y, odd_w, n_rows, base):
    """FFA of all rows: output row k is the fold at a drift of k / (n_rows - 1) bins per row.

    The rows are halved recursively (first half, second half); each half's transform is
    merged into its parent's rows. Written as a loop over the halving tree, children
    before parents, because numba cannot cache recursive functions. Both buffer pairs
    hold the input rows on entry; a node at an even depth writes the `even` pair and
    reads its halves from the `odd` pair, and the other way round, so the root's
    result ends in `even_*`.
    """
    first, rows, depth = _halving_tree(n_rows)
    for node in range(first.size - 1, -1, -1):
        if depth[node] % 2 == 0:
            source_y, source_w, out_y, out_w = odd_y, odd_w, even_y, even_w
        else:
            source_y, source_w, out_y, out_w = even_y, even_w, odd_y, odd_w
        a = first[node]
        n = rows[node]
        if n == 1:
            out_y[a] = source_y[a]
            out_w[a] = source_w[a]
            continue
        head = n // 2
        tail = n - head
        last_row = n - 1
        for k in range(n):
            k_head = (2 * k * (head - 1) + last_row) // (2 * last_row)
            k_tail = (2 * k * (tail - 1) + last_row) // (2 * last_row)
            # The second half's first row drifts by k - k_tail bins (its last row then lands on k
            # exactly); whole trial periods (base + drift bins) come off before wrapping in the base.
            drift = k / last_row
            shift = k - k_tail
            turns = int(math.floor(shift / (base + drift)))
            shift = (shift - turns * base - int(math.floor(turns * drift + 0.5))) % base
            h = a + k_head
            t = a + head + k_tail
            o = a + k
            for c in range(base - shift):
                out_y[o, c] = source_y[h, c] + source_y[t, c + shift]
                out_w[o, c] = source_w[h, c] + source_w[t, c + shift]
            for c in range(base - shift, base):
                out_y[o, c] = source_y[h, c] + source_y[t, c + shift - base]
                out_w[o, c] = source_w[h, c] + source_w[t, c + shift - base]


@compiled
def _halving_tree(n_rows):
    """Nodes (first row, rows, depth) of the halving tree, every parent before its children."""
    size = 2 * n_rows - 1
    first = np.empty(size, dtype=np.int64)
    rows = np.empty(size, dtype=np.int64)
    depth = np.empty(size, dtype=np.int64)
    stack = np.empty((size, 3), dtype=np.int64)
    stack[0, 0], stack[0, 1], stack[0, 2] = 0, n_rows, 0
    top = 1
    count = 0
    while top > 0:
        top -= 1
        a, n, d = stack[top, 0], stack[top, 1], stack[top, 2]
        first[count], rows[count], depth[count] = a, n, d
        count += 1
        if n > 1:
            head = n // 2
            stack[top, 0], stack[top, 1], stack[top, 2] = a, head, d + 1
            stack[top + 1, 0], stack[top + 1, 1], stack[top + 1, 2] = a + head, n - head, d + 1
            top += 2
    return first, rows, depth


@compiled
def _wrapped_sums(fold_y, fold_w, mean, max_width, cum_y, cum_w, cum_q, terms):
    """Prefix sums of a folded profile and of its bound terms, continued `max_width` bins past
    phase zero so that a box can straddle it."""
    base = fold_y.size
    bound_terms(fold_y, fold_w, mean, terms)
    sum_y = sum_w = sum_q = 0.0
    cum_y[0] = cum_w[0] = cum_q[0] = 0.0
    for c in range(base + max_width):
        cc = c if c < base else c - base
        sum_y += fold_y[cc]
        sum_w += fold_w[cc]
        sum_q += terms[cc]
        cum_y[c + 1] = sum_y
        cum_w[c + 1] = sum_w
        cum_q[c + 1] = sum_q
