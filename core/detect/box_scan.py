"""The best box on a folded light curve, skipping the phases where no box can beat the best so far.

Scanning every phase for every duration is as costly as folding: the fold's bins
times the durations tried, at every period. Most phases are noise, and a bound
tells them apart cheaply. With d_b = (mean flux) * w_b - y_b per phase bin (weight
w_b, weighted flux y_b), a box's gain is 0.5 * W^2 * (sum of d_b)^2 / (w_in * w_out^2)
(W: total weight), and by Cauchy-Schwarz (sum of d_b)^2 <= w_in * (sum of d_b+^2 / w_b).
So every box whose starts lie in a block of BLOCK phases gains at most
0.5 * W^2 * Q / (W - W_block)^2, Q and W_block summed over the bins the block's
boxes can touch. For noise that bound is about half the bins in the block, far
below the best of a whole period; a block whose bound is below the best so far is
skipped. The maximum found is the one a full scan finds, to the last bit.

Neighbouring periods of a grid have similar best gains (95% of them within 30% of the
previous one's), so `best_box_after` first asks only for gains above FLOOR_FRACTION of
the previous period's best, which prunes from the first block on, and scans again
without that floor in the few cases where nothing reaches it.
"""
from __future__ import annotations

import numpy as np

from core.detect.jit import compiled

BLOCK = 8  # box starts bounded together
_TINY = float(np.finfo(np.float64).eps)  # a box side with less weight is empty (astropy's DBL_EPSILON)
_SLACK = 1e-6  # the bound's relative margin over rounding in the gain
FLOOR_FRACTION = 0.7  # the first scan of a period looks for gains above this share of the previous period's


@compiled
def bound_terms(fold_y: np.ndarray, fold_w: np.ndarray, mean: float, out: np.ndarray) -> None:
    """out[j] = d_j+^2 / w_j for each phase bin j of a fold (0 where d_j <= 0 or the bin is empty)."""
    for j in range(fold_y.size):
        w = fold_w[j]
        d = mean * w - fold_y[j]
        out[j] = d * d / w if (d > 0.0) & (w > 0.0) else 0.0


@compiled
def best_box_after(cum_y, cum_w, cum_q, n_starts, widths, total_wy, total_w, hint, previous):
    """`best_box`, knowing the neighbouring period's best gain `previous` (-inf when unknown)."""
    floor = FLOOR_FRACTION * previous if previous > 0.0 else -np.inf
    gain, width, start = best_box(cum_y, cum_w, cum_q, n_starts, widths, total_wy, total_w, hint, floor)
    if gain < floor:  # nothing above the floor: the best lies below it, look again for all of it
        gain, width, start = best_box(cum_y, cum_w, cum_q, n_starts, widths, total_wy, total_w, hint, -np.inf)
    return gain, width, start


@compiled
def best_box(cum_y, cum_w, cum_q, n_starts, widths, total_wy, total_w, hint, floor):
    """(gain, width, start) of the best box over starts [0, n_starts) and `widths` (bins).

    cum_y, cum_w, cum_q: prefix sums (index 0 holds 0) of the fold's weighted flux,
    weights and bound terms (`bound_terms`); a box from start j of width w spans [j, j + w) and needs
    j + w < len(cum_y). Only dips count, with both sides holding weight (the BLS
    kernel's statistic); gain -inf when no box qualifies. Ties go to the first width,
    then the first start, as in a full scan. `hint` is a start to try first (the best
    of a neighbouring period), so the bound prunes from the start. Blocks that cannot
    reach `floor` are skipped too: the answer is exact when the best gain is >= floor,
    and below floor (or -inf) otherwise.
    """
    last = cum_y.size - 1
    bound_scale = 0.5 * total_w * total_w * (1.0 + _SLACK)
    best = -np.inf
    best_k = -1
    best_start = 0
    widest = widths.max()
    n_blocks = (n_starts + BLOCK - 1) // BLOCK
    hint_block = min(max(hint, 0), n_starts - 1) // BLOCK
    for order in range(n_blocks + 1):
        if order == 0:
            block = hint_block
        else:
            block = order - 1
            if block == hint_block:
                continue
        first = block * BLOCK
        # The widest box's bound is the largest (its bins include the others', its outside is
        # the smallest): when even it cannot win, no box starting in this block can.
        end = min(first + BLOCK, n_starts, last - widest + 1) - 1 + widest
        room = total_w - (cum_w[end] - cum_w[first])
        if room > 0.0 and bound_scale * (cum_q[end] - cum_q[first]) < max(best, floor) * room * room:
            continue
        for k in range(widths.size):
            width = widths[k]
            stop = min(first + BLOCK, n_starts, last - width + 1)
            if stop <= first:
                continue
            end = stop - 1 + width
            room = total_w - (cum_w[end] - cum_w[first])
            # bound < threshold, multiplied out: no division on the path of every block
            if room > 0.0 and bound_scale * (cum_q[end] - cum_q[first]) < max(best, floor) * room * room:
                continue
            for j in range(first, stop):
                w_in = cum_w[j + width] - cum_w[j]
                w_out = total_w - w_in
                if w_in < _TINY or w_out < _TINY:
                    continue
                excess = total_wy * w_in - (cum_y[j + width] - cum_y[j]) * total_w
                if excess < 0.0:  # a bump, not a dip
                    continue
                half_square = 0.5 * excess * excess
                spread = w_in * w_out * w_out
                if half_square < best * spread * (1.0 - _SLACK):  # clearly below the best: no division
                    continue
                gain = half_square / spread
                if gain > best or (gain == best and (k < best_k or (k == best_k and j < best_start))):
                    best = gain
                    best_k = k
                    best_start = j
    return best, (widths[best_k] if best_k >= 0 else 0), best_start
