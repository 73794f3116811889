"""Vetting of transit candidates: measured on unbinned flux, each test a reason to refuse.

A periodic box that BLS likes is not yet a transit: rotation residuals, red
noise, glitch pairs and a single deep event all make BLS peaks. Each test here
names what it rejects; `vet_candidate` returns the first reason that applies.
"""
from __future__ import annotations

import numpy as np

from core.stats import cadence_days, robust_std
from core.result import Event, TransitCandidate

SINGLE_EVENT_SHARE = 0.8  # one transit may carry at most this share of the total SNR^2
ODD_EVEN_SIGMA = 3.0  # odd and even depths further apart than this (standard errors) are flagged
MIN_PINK_SNR = 5.5  # SNR with red noise counted (Pont et al. 2006)
MIN_RED_SNR = 3.0  # depth over the folded curve's own scatter
MAX_SHOULDER_FRACTION = 0.35  # flux beside the dip this far down (of the depth) is a smooth variation
MIN_MEDIAN_DEPTH_FRACTION = 0.5  # in-transit median depth over mean depth
MAX_INCONSISTENT_EPOCHS = 0.25  # share of transits allowed to be clearly shallower than half the depth
MAX_PERIOD_MULTIPLE = 3  # a candidate is checked for being a 1/2 or 1/3 alias of a longer period
MAX_EPOCH_SCATTER_SIGMA = 3.0  # transit depths may scatter this many expected errors (white + red) ...
MAX_EPOCH_SCATTER_FRACTION = 0.3  # ... or this share of the depth, whichever is larger ...
MAX_EPOCHS_SCATTER_TEST = 6  # ... in candidates with 4 to this many transits
FLARE_OVER_DEPTH = 3.0  # a flare this many transit depths high can lift the trend into a false dip before it
MIN_TRANSIT_COVERAGE = 0.3  # a transit has data when at least this share of its cadences has a point ...
MIN_ONE_POINT_TRANSITS = 3  # ... and two points, unless this many transits shorter than two exposures have one
# A transit this few exposures long has no shape a glitch lacks: only three or more on one period say it recurs.
GLITCH_LIKE_POINTS = 3.0


def with_transit_data(counts: np.ndarray, expected_points: float) -> np.ndarray:
    """Which transits, by their points in transit (`counts`), are measured: MIN_TRANSIT_COVERAGE of the
    `expected_points` and two points. A transit shorter than two exposures (an hour at long cadence) may
    leave one, all K2 leaves once a thruster firing drops the other; such points count when
    MIN_ONE_POINT_TRANSITS transits have them, for any two glitches fall on some period."""
    counts = np.asarray(counts)
    strict = counts >= max(2.0, MIN_TRANSIT_COVERAGE * expected_points)
    if expected_points >= 2.0:
        return strict
    lenient = counts >= 1
    return lenient if lenient.sum() >= MIN_ONE_POINT_TRANSITS else strict


def outside_deeper_transits(usable: np.ndarray, candidates: list[TransitCandidate], windows: list[np.ndarray],
                            index: int, same_period: float | None = None) -> np.ndarray:
    """`usable` without the `windows` of the candidates deeper than `candidates[index]`, to measure it on.

    A shallow planet's epoch that coincides with a deep planet's transit would look like a
    glitch; a shallower candidate's windows stay (a shallow false alarm's many windows can
    take a planet's few transits). Candidates within `same_period` (relative) of its period
    stay in too, when given: two such dips are one binary's two eclipses.
    """
    own = usable.copy()
    candidate = candidates[index]
    for j, (other, window) in enumerate(zip(candidates, windows)):
        if j == index or other.depth <= candidate.depth:
            continue
        if same_period is not None and abs(other.period / candidate.period - 1.0) <= same_period:
            continue
        own &= ~window
    return own


def transit_mask(time: np.ndarray, period: float, t0: float, width: float) -> np.ndarray:
    """True within `width`/2 of every transit centre t0 + k*period."""
    phase = np.mod(time - t0 + 0.5 * period, period) - 0.5 * period
    return np.abs(phase) < 0.5 * width


def dips_before_flares(candidate: TransitCandidate, flares: list[Event]) -> str | None:
    """Why `candidate` is refused when half or more of its transits (two at least) end where a big flare starts.

    A flare's tail fades under the noise long before it ends and lifts the trend
    fitted through it, so the hours before the flare look like a dip; two such
    flares make a "planet". A flare many times the dip's depth starting between
    mid-transit and half a duration after egress marks that transit. (A real
    transit's own edges can look like small flares to a short trend, never like
    ones many depths high.)
    """
    starts = np.array([f.t_start for f in flares if f.amplitude >= FLARE_OVER_DEPTH * candidate.depth])
    if starts.size == 0:
        return None
    since_mid = starts - candidate.t0
    epochs = np.round(since_mid / candidate.period)
    after_mid = since_mid - epochs * candidate.period
    marked = np.unique(epochs[(after_mid >= 0) & (after_mid <= candidate.duration)]).size
    if marked >= 2 and marked >= 0.5 * candidate.n_transits:
        return f"{marked} of {candidate.n_transits} transits end where a flare starts: its tail lifted the trend"
    return None


def vet_candidate(
    time: np.ndarray,
    flux: np.ndarray,
    usable: np.ndarray,
    period: float,
    t0: float,
    duration: float,
    sigma: float,
    sde: float,
) -> dict:
    """Measure a candidate on unbinned flux and apply the vetting tests.

    Returns {"reason": None or why it was rejected, "snr", "candidate", "events"}.
    """
    t, f = time[usable], flux[usable]
    inside = transit_mask(t, period, t0, duration)
    out = ~transit_mask(t, period, t0, 2.0 * duration)
    verdict: dict = {"reason": None, "snr": 0.0, "red_snr": float("inf"), "candidate": None, "events": []}
    if inside.sum() < 3 or out.sum() < 10:
        verdict["reason"] = "too few points in or out of transit"
        return verdict
    baseline = float(np.median(f[out]))
    depth = baseline - float(np.mean(f[inside]))
    snr = depth / sigma * np.sqrt(inside.sum()) if sigma > 0 else 0.0
    verdict["snr"] = float(snr)
    if depth <= 0:
        verdict["reason"] = "not a dip"
        return verdict
    median_depth = baseline - float(np.median(f[inside]))
    if median_depth < MIN_MEDIAN_DEPTH_FRACTION * depth:
        verdict["reason"] = "the dip is carried by a few extreme points (glitches), not a flat-bottomed transit"
        return verdict

    epochs = np.round((t[inside] - t0) / period).astype(np.int64)
    expected_points = duration / max(cadence_days(t), 1e-9)
    epoch_ids, counts = np.unique(epochs, return_counts=True)
    with_data = epoch_ids[with_transit_data(counts, expected_points)]
    if with_data.size < 2:
        verdict["reason"] = "fewer than two transits with data"
        return verdict
    if with_data.size < MIN_ONE_POINT_TRANSITS and expected_points < GLITCH_LIKE_POINTS:
        verdict["reason"] = (f"{with_data.size} transits of {expected_points:.1f} exposures each: any two "
                             "glitches fall on some period")
        return verdict

    epoch_depth = np.array([baseline - f[inside][epochs == e].mean() for e in with_data])
    epoch_n = np.array([(epochs == e).sum() for e in with_data])
    epoch_snr = epoch_depth / sigma * np.sqrt(epoch_n)
    positive = np.clip(epoch_snr, 0, None) ** 2
    if positive.sum() > 0 and positive.max() / positive.sum() > SINGLE_EVENT_SHARE:
        verdict["reason"] = "one event carries most of the signal"
        return verdict

    epoch_err = sigma / np.sqrt(epoch_n)
    inconsistent = (epoch_depth < 0.5 * depth) & (0.5 * depth - epoch_depth > 3.0 * epoch_err)
    if inconsistent.sum() > MAX_INCONSISTENT_EPOCHS * with_data.size:
        verdict["reason"] = f"{inconsistent.sum()} of {with_data.size} transits are missing or far too shallow"
        verdict["uneven"] = True
        return verdict

    red = red_variance(t, f - baseline, duration, sigma)
    pink = float(depth / np.sqrt(sigma**2 / inside.sum() + red / with_data.size))
    if pink < MIN_PINK_SNR:
        verdict["reason"] = f"SNR {pink:.1f} once correlated noise on the transit's time scale is counted"
        return verdict
    epoch_noise = np.sqrt(epoch_err**2 + red)
    scatter = _epoch_scatter(with_data, epoch_depth, epoch_noise)
    if (scatter is not None and scatter > MAX_EPOCH_SCATTER_SIGMA
            and scatter * np.median(epoch_noise) > MAX_EPOCH_SCATTER_FRACTION * depth):
        verdict["reason"] = (f"transit depths disagree ({scatter:.1f} times their expected error): "
                             "unrelated dips folded together, not one planet")
        verdict["uneven"] = True
        return verdict

    red_snr = _folded_snr(t, f, period, t0, duration, depth)
    verdict["red_snr"] = float("inf") if red_snr is None else red_snr
    if red_snr is not None and red_snr < 0.5 * snr and red_snr < MIN_RED_SNR:
        verdict["reason"] = f"dip not unique in phase (red-noise SNR {red_snr:.1f})"
        return verdict
    shoulders = _shoulder_fraction(t, f, period, t0, duration, depth)
    if shoulders > MAX_SHOULDER_FRACTION:
        verdict["reason"] = f"flux beside the dip is {shoulders:.0%} of its depth low: a smooth variation, not a transit"
        return verdict

    flags: list[str] = []
    odd_even = _odd_even_sigma(with_data, epoch_depth, sigma / np.sqrt(epoch_n))
    if odd_even > ODD_EVEN_SIGMA:
        flags.append("odd_even_mismatch")

    t0_first = t0 + period * np.ceil((t[0] - t0 - 0.5 * duration) / period)
    candidate = TransitCandidate(
        period=float(period),
        t0=float(t0_first),
        duration=float(duration),
        depth=float(depth),
        snr=float(snr),
        sde=float(sde),
        n_transits=int(with_data.size),
        depth_err=float(sigma / np.sqrt(inside.sum())),
        odd_even_sigma=odd_even,
        snr_pink=float(pink),
        flags=tuple(flags),
    )
    events = [
        Event(
            kind="transit",
            t_start=float(t0 + e * period - 0.5 * duration),
            t_end=float(t0 + e * period + 0.5 * duration),
            t_peak=float(t0 + e * period),
            amplitude=float(-d),
            snr=float(s),
            score=float(snr),
            extra={"period": float(period)},
        )
        for e, d, s in zip(with_data, epoch_depth, epoch_snr)
    ]
    verdict["candidate"] = candidate
    verdict["events"] = events
    verdict["multiple"] = period_multiple(with_data, epoch_depth, epoch_err)
    return verdict


def loudest_epoch(
    time: np.ndarray, flux: np.ndarray, usable: np.ndarray, period: float, t0: float, duration: float, sigma: float,
    min_share: float,
) -> float | None:
    """Mid-time of the transit of (period, t0, duration) that carries at least `min_share` of its SNR^2, if one does.

    A glitch run of a few cadences or a ramp after a gap is one deep event; BLS
    folds it with noise at many periods, and those peaks can crowd out a planet
    of a few shallower transits. Such a peak is no planet, and neither are its aliases.
    """
    t, f = time[usable], flux[usable]
    inside = transit_mask(t, period, t0, duration)
    out = ~transit_mask(t, period, t0, 2.0 * duration)
    if inside.sum() == 0 or out.sum() < 10 or not sigma > 0:
        return None
    epochs = np.round((t[inside] - t0) / period).astype(np.int64)
    ids, index = np.unique(epochs, return_inverse=True)
    deficit = np.bincount(index, weights=float(np.median(f[out])) - f[inside])
    snr2 = np.clip(deficit, 0.0, None) ** 2 / np.bincount(index) / sigma**2
    loudest = int(np.argmax(snr2))
    if not snr2.sum() > 0 or snr2[loudest] < min_share * snr2.sum():
        return None
    return float(t0 + ids[loudest] * period)


def period_multiple(epochs: np.ndarray, depths: np.ndarray, errors: np.ndarray) -> tuple[int, int] | None:
    """(k, j) when the dip is carried only by every k-th transit (epoch % k == j): the period is k times longer.

    BLS happily folds a planet at P/2 or P/3 when noise dips fill the empty
    epochs. The chosen epochs must hold at least two transits, be clearly deeper
    (3 sigma) than the rest, and the rest must be under half their depth. Every
    other epoch dipping less but clearly dipping is an eclipsing binary's
    secondary, which the odd/even test flags at the shorter period: for k = 2 the
    rest must also be consistent with no dip (under 2 sigma).
    """
    weights = 1.0 / errors**2
    best, best_score = None, 0.0
    for k in range(2, MAX_PERIOD_MULTIPLE + 1):
        for j in range(k):
            chosen = (epochs % k) == j
            if chosen.sum() < 2 or not (~chosen).any():
                continue
            d_in, e_in = _weighted_mean(depths[chosen], weights[chosen])
            d_out, e_out = _weighted_mean(depths[~chosen], weights[~chosen])
            score = (d_in - d_out) / np.hypot(e_in, e_out)
            secondary = k == 2 and d_out > 2.0 * e_out
            if d_in > 0 and d_out < 0.5 * d_in and not secondary and score > 3.0 and score > best_score:
                best, best_score = (k, j), score
    return best


def sine_vs_box(time: np.ndarray, flux: np.ndarray, period: float, t0: float, duration: float) -> tuple[float, float]:
    """(box, sine): the sum of squares a box transit, and a smooth modulation, remove from the flux (SWEET-like).

    The modulation is a sinusoid at the period with its first overtone, and one at
    twice the period; a transit's narrow box leaves most of its power in higher
    harmonics (a sinusoid explains ~30% of a box with a 5% duty cycle), a rotation
    residual's minimum is explained by it nearly whole.
    """
    f = flux - np.mean(flux)
    box = _centred_box(time, period, t0, duration)
    box_gain = float((box @ f) ** 2 / (box @ box)) if box @ box > 0 else 0.0
    waves = _waves(time, period, t0)
    coef, *_ = np.linalg.lstsq(waves, f, rcond=None)
    fitted = waves @ coef
    return box_gain, float(fitted @ fitted)


def box_beyond_sines(time: np.ndarray, flux: np.ndarray, period: float, t0: float, duration: float) -> float:
    """The box's depth fitted together with the sinusoids of `sine_vs_box` (relative flux; positive: a dip).

    Fitted together, a transit's box keeps its whole depth even when the star's rotation
    at P or 2P adds to the sinusoids (they take the rotation, the box its own shape),
    while a spot's smooth minimum goes to the sinusoids and leaves the box little.
    """
    f = flux - np.mean(flux)
    design = np.column_stack([_centred_box(time, period, t0, duration), _waves(time, period, t0)])
    coef, *_ = np.linalg.lstsq(design, f, rcond=None)
    return float(-coef[0])


def _centred_box(time: np.ndarray, period: float, t0: float, duration: float) -> np.ndarray:
    box = transit_mask(time, period, t0, duration).astype(float)
    return box - box.mean()


def _waves(time: np.ndarray, period: float, t0: float) -> np.ndarray:
    """Sinusoids at P/2, P and 2P (sine and cosine of each), centred."""
    phase = 2 * np.pi * (time - t0)
    waves = np.column_stack([fn(phase * k / period) for k in (0.5, 1.0, 2.0) for fn in (np.sin, np.cos)])
    return waves - waves.mean(axis=0)


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    return float(np.sum(weights * values) / np.sum(weights)), float(1.0 / np.sqrt(np.sum(weights)))


def _odd_even_sigma(epochs: np.ndarray, depths: np.ndarray, errors: np.ndarray) -> float:
    """Difference of the median odd and even transit depths, in standard errors.

    Errors come from the larger of the photometric error and the epochs' own
    scatter, so one transit spoilt by a gap edge or a systematic does not make
    a planet look like an eclipsing binary.
    """
    odd = (epochs % 2) == 1
    if odd.sum() < 1 or (~odd).sum() < 1:
        return float("nan")
    spread = robust_std(depths) if depths.size >= 4 else 0.0
    variances = []
    for group in (odd, ~odd):
        per_epoch = max(float(np.median(errors[group])), spread)
        variances.append(per_epoch**2 / group.sum())
    return float(abs(np.median(depths[odd]) - np.median(depths[~odd])) / np.sqrt(sum(variances)))


def red_variance(t: np.ndarray, residual: np.ndarray, duration: float, sigma: float) -> float:
    """Variance of duration-long bin means beyond what white noise explains (Pont et al. 2006).

    It averages down only with the number of transits, not of points: the pink
    SNR is depth / sqrt(sigma^2 / n_in + red / n_transits).
    """
    index = np.floor((t - t[0]) / duration).astype(np.int64)
    counts = np.bincount(index)
    expected = duration / max(cadence_days(t), 1e-12)
    full = counts >= 0.5 * expected
    if full.sum() < 10:
        return 0.0
    means = np.bincount(index, weights=residual)[full] / counts[full]
    white_binned = sigma**2 / np.mean(counts[full])
    return max(robust_std(means) ** 2 - white_binned, 0.0)


def _epoch_scatter(epochs: np.ndarray, depths: np.ndarray, errors: np.ndarray) -> float | None:
    """Spread of the single-transit depths in units of their expected errors; None outside 4-6 transits.

    One planet's transits share one depth; a fold of a few unrelated dips (K2 roll
    ramps that end at thruster resets) does not. The most deviant transit is left
    out, so one transit spoilt by a gap edge or a flare does not condemn a planet;
    an eclipsing binary's alternating depths are measured about their own odd and
    even medians when that is the smaller spread (its most deviant transit left out
    after the split, so the deep half is not taken for the outlier). Many transits
    cannot all be chance dips, and there the test would cost planets: on K2, even
    roll-corrected, a real planet's 17 transit depths scatter 4.6 times these errors.
    """
    if not 4 <= depths.size <= MAX_EPOCHS_SCATTER_TEST:
        return None
    spreads = [_spread_without_worst(depths, np.zeros(depths.size, dtype=bool), errors)]
    odd = (epochs % 2) == 1
    if odd.sum() >= 2 and (~odd).sum() >= 2:  # two depths fitted: two degrees of freedom used
        spreads.append(_spread_without_worst(depths, odd, errors))
    return min(spreads)


def _spread_without_worst(depths: np.ndarray, group: np.ndarray, errors: np.ndarray) -> float:
    """RMS of the depths about their group's median (one or two groups), in errors, without the most deviant.

    A group left with one depth after the cut contributes no deviation and takes no degree of freedom.
    """
    def deviation(keep: np.ndarray) -> np.ndarray:
        out = np.zeros(depths.size)
        for members in (group & keep, ~group & keep):
            if members.any():
                out[members] = depths[members] - np.median(depths[members])
        return out

    everything = np.ones(depths.size, dtype=bool)
    keep = everything.copy()
    keep[np.argmax(np.abs(deviation(everything)))] = False
    fitted = sum(1 for members in (group & keep, ~group & keep) if members.any())
    return float(np.sqrt(np.sum((deviation(keep)[keep] / errors[keep]) ** 2) / max(keep.sum() - fitted, 1)))


def _folded_snr(t: np.ndarray, f: np.ndarray, period: float, t0: float, duration: float, depth: float) -> float | None:
    """Depth over the scatter of half-duration bins of the folded curve away from the dip.

    White noise gives about the usual SNR; a rotation residual or red noise gives
    many similar dips at other phases and a much lower value.
    """
    width = 0.5 * duration
    n_bins = int(np.floor(period / width))
    phase = np.mod(t - t0 + 0.5 * period, period) - 0.5 * period
    far = np.abs(phase) > 1.5 * duration
    index = np.minimum(((phase[far] + 0.5 * period) / (period / n_bins)).astype(np.int64), n_bins - 1)
    counts = np.bincount(index, minlength=n_bins)
    keep = counts > 0
    if keep.sum() < 4:
        return None
    means = np.bincount(index, weights=f[far], minlength=n_bins)[keep] / counts[keep]
    scatter = robust_std(means)
    if not np.isfinite(scatter) or scatter <= 0:
        return None
    return float(depth / scatter)


def _shoulder_fraction(t: np.ndarray, f: np.ndarray, period: float, t0: float, duration: float, depth: float) -> float:
    """How far the flux just outside the dip sits below the baseline, as a fraction of the depth.

    A box-shaped transit has shoulders at the baseline (about 0); the minimum of
    a rotation residual is flanked by flux nearly as low (0.5 or more).
    """
    phase = np.abs(np.mod(t - t0 + 0.5 * period, period) - 0.5 * period)
    shoulder = (phase > 0.75 * duration) & (phase < 1.75 * duration)
    baseline = phase > 2.5 * duration
    if shoulder.sum() < 3 or baseline.sum() < 10:
        return 0.0
    return float((np.median(f[baseline]) - np.mean(f[shoulder])) / depth)
