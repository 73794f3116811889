"""Which long trend the transit search runs on, chosen per star by its 1-hour scatter.

No single detrend suits every star: a local line keeps transits best but leaves a
spotted star's curvature behind; quadratics follow rotation of a few days but eat
more of a long transit; a star rotating in a day or two with spots of a few
percent needs its own light curve from neighbouring rotations (core.trend.rotation).
Each option is fitted and judged on the 1-h scatter of its residual, the time
scale of a transit, where a red residual shows though point by point the white
noise hides it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.stats import cadence_days, cdpp_ppm
from core.trend.robust import biweight_trend
from core.trend.rotation import rotation_trend

CDPP_TOLERANCE = 1.1  # a more transit-preserving trend may be this much noisier (1-h) than the quietest
FAST_ROTATION_WINDOWS = 4.0  # rotation periods up to this many trend windows get the rotation option
MIN_ROTATIONS = 3.0  # ... when the data span at least this many rotations
MIN_MODULATED_SHARE = 0.2  # ... and the folded curve is a broad modulation (see modulated_share)
PHASE_BINS = 50


@dataclass(frozen=True)
class TransitTrend:
    """A local polynomial of `degree` over `window_days`, after the rotation model when `rotation_days` is set."""

    degree: int
    window_days: float
    rotation_days: float | None = None

    def fit(
        self,
        time: np.ndarray,
        flux: np.ndarray,
        mask: np.ndarray | None = None,
        rotation_model: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(trend, spread) at every point; points in `mask` (flares, outliers, transits) are kept out of the fit.

        `spread` is how uncertain the trend is beyond the noise (the rotation
        estimates' disagreement); zero for a plain polynomial. `rotation_model` is
        rotation_trend()'s answer for the same data, mask and period, when it is
        already at hand (options differing only in window share it).
        """
        if self.rotation_days is None:
            return biweight_trend(time, flux, self.window_days, mask=mask, degree=self.degree), np.zeros(len(time))
        if rotation_model is None:
            rotation_model = rotation_trend(time, flux, self.rotation_days, mask)
        rotation, spread = (part.copy() for part in rotation_model)
        missing = ~np.isfinite(rotation)
        if missing.any():  # no neighbouring rotation with data (short segments): a local quadratic there
            rotation[missing] = biweight_trend(time, flux, self.window_days, mask=mask, degree=2)[missing]
            spread[missing] = 0.0
        trend = rotation * biweight_trend(time, flux / rotation, self.window_days, mask=mask, degree=self.degree)
        return trend, spread


def candidate_trends(window_days: float, rotation_days: float | None = None) -> list[TransitTrend]:
    """The options, most transit-preserving first."""
    options = []
    if rotation_days is not None:
        options += [TransitTrend(1, 2.0 * window_days, rotation_days), TransitTrend(1, window_days, rotation_days)]
    options += [TransitTrend(1, window_days), TransitTrend(2, 2.0 * window_days),
                TransitTrend(2, 4.0 * window_days / 3.0), TransitTrend(2, window_days)]
    return options


def fast_rotation(
    time: np.ndarray, flux: np.ndarray, period: float, power: float, min_power: float, window_days: float
) -> float | None:
    """`period` when the star rotates too fast for a local polynomial, the data hold enough
    rotations, and the signal at `period` is a broad modulation rather than a dip.

    A deep short-period planet or an eclipsing binary also wins a Lomb-Scargle
    periodogram; modelling it as rotation would remove the very transits we want.
    """
    if not (np.isfinite(period) and power >= min_power and period <= FAST_ROTATION_WINDOWS * window_days):
        return None
    if float(time[-1] - time[0]) < MIN_ROTATIONS * period:
        return None
    return float(period) if modulated_share(time, flux, period) >= MIN_MODULATED_SHARE else None


def modulated_share(time: np.ndarray, flux: np.ndarray, period: float) -> float:
    """Share of the folded curve (in PHASE_BINS median bins) more than half its extreme away from its median.

    About 2/3 for a sinusoid and a third or more for spots; a transit or an
    eclipse is a short excursion, a share near its duty cycle.
    """
    phase = np.mod(time - time[0], period) / period
    index = np.minimum((phase * PHASE_BINS).astype(np.int64), PHASE_BINS - 1)
    order = np.argsort(index, kind="stable")
    bounds = np.searchsorted(index[order], np.arange(PHASE_BINS + 1))
    folded = np.array([np.median(flux[order[a:b]]) for a, b in zip(bounds[:-1], bounds[1:]) if b > a])
    deviation = np.abs(folded - np.median(folded))
    if folded.size < PHASE_BINS // 2 or not deviation.max() > 0:
        return 0.0
    return float(np.mean(deviation > 0.5 * deviation.max()))


def choose_transit_trend(
    time: np.ndarray, flux: np.ndarray, window_days: float, mask: np.ndarray, rotation_days: float | None = None
) -> tuple[TransitTrend, np.ndarray, np.ndarray]:
    """(option, trend, spread): the first option whose 1-h residual scatter is within CDPP_TOLERANCE of the
    quietest."""
    usable = ~mask
    cadence = cadence_days(time)
    options = candidate_trends(window_days, rotation_days)
    rotation_model = None if rotation_days is None else rotation_trend(time, flux, rotation_days, mask)
    fits, scatter = [], []
    for option in options:
        trend, spread = option.fit(time, flux, mask, rotation_model)
        value = cdpp_ppm((flux / trend - 1.0)[usable], cadence, 1.0)
        fits.append((trend, spread))
        scatter.append(value if np.isfinite(value) else np.inf)
    best = min(scatter)
    chosen = next((i for i, value in enumerate(scatter) if value <= CDPP_TOLERANCE * best), 0)
    return options[chosen], *fits[chosen]


def search_weights(spread: np.ndarray, sigma: float) -> np.ndarray:
    """Relative weights (1 = plain noise) for the transit search where the trend is shaky.

    The trend's own error is the part of `spread` beyond its typical value (which
    is just noise in the estimates); adding it to the white noise in quadrature
    turns a stretch where the spots changed fast from a deep false dip into a
    few points the search barely listens to.
    """
    spread = np.nan_to_num(np.asarray(spread, dtype=np.float64))
    if not spread.any() or not sigma > 0:
        return np.ones(spread.size)
    excess = np.clip(spread**2 - np.median(spread**2), 0.0, None)
    return sigma**2 / (sigma**2 + excess)
