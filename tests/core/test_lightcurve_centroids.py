"""Pixel centroids (for K2 roll correction) stay aligned with their cadences through every LightCurve step."""
from __future__ import annotations

import numpy as np
import pytest

from core.lightcurve import LightCurve, from_arrays


def test_from_arrays_keeps_centroids_on_their_rows_through_drops_sorting_and_duplicates():
    # Row tag = its index, so any misalignment shows. Row 1 has NaN flux, row 4 NaN time,
    # rows 2 and 5 share a time (the first is kept), row 6 has a NaN centroid but good flux.
    time = np.array([3.0, 1.0, 2.0, 0.0, np.nan, 2.0, 4.0])
    flux = np.array([1.0, np.nan, 1.0, 1.0, 1.0, 1.0, 1.0])
    col = np.array([100.0, 101.0, 102.0, 103.0, 104.0, 105.0, np.nan])
    row = col + 50.0
    lc = from_arrays(time, flux, centroid_col=col, centroid_row=row)
    np.testing.assert_array_equal(lc.time, [0.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(lc.centroid_col, [103.0, 102.0, 100.0, np.nan])
    np.testing.assert_array_equal(lc.centroid_row, [153.0, 152.0, 150.0, np.nan])
    assert lc.has_centroids
    assert lc.centroid_col.dtype == np.float64
    assert (lc.meta["n_nan_flux"], lc.meta["n_nan_time"], lc.meta["n_duplicate_times"]) == (1, 1, 1)


def test_curves_without_centroids_say_so():
    lc = from_arrays(np.arange(5.0), np.ones(5))
    assert not lc.has_centroids
    assert lc.centroid_col is None and lc.centroid_row is None
    assert not lc.select(lc.time > 1).has_centroids


def test_select_and_normalized_keep_centroids_aligned():
    time = np.arange(6.0)
    lc = from_arrays(time, np.full(6, 5.0), centroid_col=time + 10, centroid_row=time + 20)
    picked = lc.select(lc.time % 2 == 0)
    np.testing.assert_array_equal(picked.centroid_col, [10.0, 12.0, 14.0])
    np.testing.assert_array_equal(picked.centroid_row, [20.0, 22.0, 24.0])
    np.testing.assert_array_equal(lc.normalized().centroid_col, lc.centroid_col)


def test_centroid_arrays_are_read_only():
    lc = from_arrays(np.arange(3.0), np.ones(3), centroid_col=np.zeros(3), centroid_row=np.zeros(3))
    with pytest.raises(ValueError):
        lc.centroid_col[0] = 1.0
    with pytest.raises(ValueError):
        lc.select(np.ones(3, dtype=bool)).centroid_row[0] = 1.0


@pytest.mark.parametrize(
    "col, row, message",
    [
        (np.zeros(4), np.zeros(5), "centroid_col has 4 values, time has 5"),
        (np.zeros(5), np.zeros(6), "centroid_row has 6 values, time has 5"),
        (np.zeros(5), None, "both"),
        (None, np.zeros(5), "both"),
    ],
)
def test_centroids_must_come_in_pairs_of_the_curve_length(col, row, message):
    arrays = {"time": np.arange(5.0), "flux": np.ones(5), "flux_err": np.ones(5), "quality": np.zeros(5)}
    with pytest.raises(ValueError, match=message):
        LightCurve(**arrays, centroid_col=col, centroid_row=row)
    with pytest.raises(ValueError, match=message):
        from_arrays(arrays["time"], arrays["flux"], centroid_col=col, centroid_row=row)
