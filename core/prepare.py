"""Preparing a curve for analysis: quality mask, normalisation, a check that the flux can be
analysed, and the K2 roll correction."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from core.errors import LightCurveFormatError
from core.lightcurve import LightCurve
from core.trend import fit_trend
from core.trend.k2_sff import MIN_NOISE_GAIN

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


def correct_k2_roll(lc: LightCurve, enabled: bool = True) -> tuple[LightCurve, dict[str, Any] | None]:
    """`lc` with the K2 roll sawtooth divided out, and what was done (None when not K2).

    The correction is kept only when it lowers the point-to-point noise, so a curve
    whose centroids say little about its flux is left as it was.
    """
    if lc.meta.get("mission") != "K2":
        return lc, None
    if not enabled:
        return lc, {"applied": False, "reason": "turned off (k2_roll_correction=false)"}
    if not lc.has_centroids:
        reason = ("no centroid columns (the K2 FITS light curve has them; a table needs centroid_col and "
                  "centroid_row, or mom_centr1 and mom_centr2)")
        return lc, {"applied": False, "reason": reason}
    roll = fit_trend(lc.time, lc.flux, "k2_sff", centroids=(lc.centroid_col, lc.centroid_row)).roll
    if roll.windows == 0:
        return lc, {"applied": False, "reason": "too few points with a centroid to fit the roll"}
    info: dict[str, Any] = {
        "applied": roll.helps,
        "windows": roll.windows,
        "noise_before_ppm": round(roll.noise_before_ppm, 1),
        "noise_after_ppm": round(roll.noise_after_ppm, 1),
    }
    if not roll.helps:
        info["reason"] = f"it took less than {MIN_NOISE_GAIN:.0%} off the noise"
        return lc, info
    return replace(lc, flux=lc.flux / roll.correction, flux_err=lc.flux_err / roll.correction), info


def describe_roll_correction(info: dict[str, Any] | None) -> str | None:
    """One sentence for people on what `correct_k2_roll` did (None when the curve is not K2)."""
    if not info:
        return None
    if info["applied"]:
        return (f"K2 roll corrected (self-flat-fielding in {info['windows']} windows): noise "
                f"{info['noise_before_ppm']:.0f} -> {info['noise_after_ppm']:.0f} ppm per point.")
    return f"K2 roll not corrected: {info['reason']}."
