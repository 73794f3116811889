"""Preparing a curve: bad quality masked, flux normalised."""
import numpy as np

from core.lightcurve import from_arrays
from core.prepare import prepare

CADENCE = 2.0 / 1440.0


def test_prepare_masks_bad_quality_and_normalises():
    t = np.arange(100) * CADENCE
    quality = np.zeros(100, dtype=int)
    quality[:10] = 4  # coarse point
    lc = from_arrays(t, np.full(100, 5000.0), np.full(100, 5.0), quality, {"quality_bitmask": 4})
    prepared = prepare(lc)
    assert len(prepared) == 90
    assert prepared.meta["n_quality_masked"] == 10
    assert np.allclose(prepared.flux, 1.0) and np.allclose(prepared.flux_err, 0.001)
