"""Preparing a curve for analysis: quality mask, normalisation, and a check that the flux can be analysed."""
from __future__ import annotations

import numpy as np

from core.errors import LightCurveFormatError
from core.lightcurve import LightCurve

# A flux varying by less than this fraction of its level is rounding error: the trend's
# least-squares fits would then decide by rounding which points are "extreme".
ROUNDING_SPREAD = 1e-12


def prepare(lc: LightCurve, bitmask: int | str | None = "default") -> LightCurve:
    """Drop points with bad QUALITY bits and normalise the flux to a median of 1."""
    if bitmask == "none":
        bitmask = None
    good = lc.good_mask(bitmask)
    out = lc.select(good).normalized()
    out.meta["n_quality_masked"] = int((~good).sum())
    return out


def check_flux_usable(flux: np.ndarray) -> None:
    """Raise LightCurveFormatError, in words, for a flux the analysis cannot normalise or search.

    Analysis divides by the median flux so the baseline sits at 1. A column with one
    value in every row (a flag or a fill value), or one that varies only by rounding
    error, has nothing in it to find, and one centred on zero (a differential flux,
    or the wrong column) turns into noise divided by noise: each needs a message,
    not a result. An empty flux passes: the
    callers' point counts say what is wrong with it.
    """
    values = np.asarray(flux, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return
    if np.all(values == values[0]):
        raise LightCurveFormatError(f"the flux has the same value ({values[0]:.6g}) in every usable row: there is "
                                    "nothing to look for; is it the right column?")
    median = float(np.median(values))
    if np.ptp(values) <= ROUNDING_SPREAD * abs(median):
        raise LightCurveFormatError(
            f"the flux varies by at most {np.ptp(values):.3g} around {median:.6g}: rounding error, not a signal; "
            "there is nothing to look for (is it the right column?)"
        )
    spread = float(np.median(np.abs(values - median)))
    if abs(median) <= spread:
        raise LightCurveFormatError(
            f"the flux is centred on zero (median {median:.3g}, typical deviation {spread:.3g}); the analysis "
            "divides by the median flux, so give the flux itself (e.g. PDCSAP_FLUX) or a relative flux around 1 "
            "(add 1 to a differential flux)"
        )
