"""Build a synthetic light curve from a star, planets, flares, outliers and gaps, with its ground truth.

Flux is relative (quiet star = 1) and the components add: 1 + rotation + red
noise - transit dips + flares + outliers + white noise, so each truth amplitude
is exactly what was added. Every component draws from its own random stream
derived from `seed`, so turning one off (e.g. n_outliers=0) leaves the others
bit-for-bit identical; tests use this to isolate a single component.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from core.errors import ConfigError
from core.lightcurve import LightCurve, from_arrays
from core.synthetic.noise import red_noise, rotation_signal, white_noise
from core.flare_model import flare_binned, flare_end_offset, flare_equivalent_duration
from core.synthetic.signals import transit_dip
from core.synthetic.specs import MISSIONS, MissionProfile, PlanetSpec, Truth

_STREAMS = ("gaps", "rotation", "red_noise", "white_noise", "flares", "outliers")
# Transit exposures are sampled at least once per minute of cadence.
_TRANSIT_SUBSAMPLE_MIN = 1.0
_OUTLIER_SHAPES = ("spike", "drop", "glitch")
_OUTLIER_MIN_SEPARATION = 10  # cadences between two outliers
_GAP_DAYS = 1.0  # downlink gap length
_SMALL_GAP_RANGE_DAYS = (0.05, 0.3)


def generate_lightcurve(
    n_points: int = 20160,
    cadence_min: float = 2.0,
    seed: int = 0,
    *,
    noise_ppm: float = 300.0,
    rotation_period: float | None = None,
    rotation_amp: float = 0.0,
    red_noise_ppm: float = 0.0,
    red_noise_tau_hours: float = 2.0,
    planets: Sequence[PlanetSpec] = (),
    limb_darkening: tuple[float, float] = (0.4, 0.25),
    n_flares: int = 0,
    flare_amp_range: tuple[float, float] = (0.005, 0.1),
    flare_fwhm_range_min: tuple[float, float] = (4.0, 30.0),
    n_outliers: int = 0,
    outlier_sigma_range: tuple[float, float] = (7.0, 20.0),
    gaps: bool | Sequence[tuple[float, float]] = True,
    n_small_gaps: int = 3,
    mission: str = "TESS",
    t_start: float | None = None,
    target: str | None = None,
) -> tuple[LightCurve, Truth]:
    """A seeded synthetic curve and the truth of what was injected.

    Amplitudes are relative flux; flare amplitudes are drawn log-uniformly from
    `flare_amp_range`, outlier amplitudes uniformly in units of the white-noise
    sigma from `outlier_sigma_range`. Flares peak on kept data away from transits;
    outliers sit on kept cadences away from transits, flares and each other.
    `gaps` is True (mission-like downlink gaps plus `n_small_gaps` random ones),
    False, or explicit (start, end) intervals whose cadences are removed.
    """
    _validate(n_points, cadence_min, noise_ppm, rotation_period, rotation_amp, red_noise_ppm, red_noise_tau_hours,
              limb_darkening, n_flares, flare_amp_range, flare_fwhm_range_min, n_outliers, outlier_sigma_range,
              n_small_gaps, gaps, mission)
    profile = MISSIONS[mission]
    children = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    streams = {name: np.random.default_rng(child) for name, child in zip(_STREAMS, children)}
    cadence = cadence_min / 1440.0
    time = (profile.t_start if t_start is None else float(t_start)) + np.arange(n_points) * cadence
    sigma = noise_ppm * 1e-6

    if gaps is True:
        gap_intervals = _gap_intervals(time, profile, n_small_gaps, streams["gaps"])
    else:
        gap_intervals = _merge([(float(a), float(b)) for a, b in (gaps or ())])
    kept = np.ones(n_points, dtype=bool)
    for start, end in gap_intervals:
        kept &= ~((time >= start) & (time <= end))

    flux = np.ones(n_points)
    if rotation_period is not None and rotation_amp > 0:
        flux += rotation_signal(time, rotation_period, rotation_amp, streams["rotation"])
    flux += red_noise(n_points, cadence, red_noise_ppm * 1e-6, red_noise_tau_hours / 24.0, streams["red_noise"])

    events: list[dict[str, Any]] = []
    busy = np.zeros(n_points, dtype=bool)  # cadences already carrying an injected event
    planet_truth = []
    u1, u2 = limb_darkening
    for index, planet in enumerate(planets):
        dip, planet_events = _inject_planet(time, kept, cadence, planet, index, u1, u2, busy)
        flux -= dip
        events += planet_events
        planet_truth.append(_planet_dict(planet, u1, u2, len(planet_events)))
    for event, signal in _place_flares(time, kept, cadence, busy, n_flares, flare_amp_range,
                                       flare_fwhm_range_min, streams["flares"]):
        flux += signal
        events.append(event)
    outlier_flux, outlier_events = _place_outliers(time, kept, cadence, busy, n_outliers, outlier_sigma_range,
                                                   sigma, streams["outliers"])
    flux += outlier_flux
    events += outlier_events
    flux += white_noise(n_points, sigma, streams["white_noise"])

    name = target or f"SYN-seed{seed}"
    meta = {
        "mission": profile.name,
        "target": name,
        "time_system": profile.time_system,
        "time_offset": profile.time_offset,
        profile.segment_key: profile.segment,
        "synthetic": True,
        "seed": int(seed),
    }
    lc = from_arrays(time[kept], flux[kept], np.full(int(kept.sum()), sigma), None, meta)
    truth = Truth(
        target=name,
        mission=profile.name,
        time_system=profile.time_system,
        time_offset=profile.time_offset,
        seed=int(seed),
        n_points=len(lc),
        cadence_min=float(cadence_min),
        noise_sigma=sigma,
        red_noise_sigma=red_noise_ppm * 1e-6,
        red_noise_tau_days=red_noise_tau_hours / 24.0,
        rotation_period=None if rotation_period is None else float(rotation_period),
        rotation_amp=float(rotation_amp),
        limb_darkening=(float(u1), float(u2)),
        planets=planet_truth,
        events=sorted(events, key=lambda e: e["t_peak"]),
        gaps=[(float(a), float(b)) for a, b in gap_intervals],
    )
    return lc, truth


def _validate(n_points, cadence_min, noise_ppm, rotation_period, rotation_amp, red_noise_ppm, red_noise_tau_hours,
              limb_darkening, n_flares, flare_amp_range, flare_fwhm_range_min, n_outliers, outlier_sigma_range,
              n_small_gaps, gaps, mission) -> None:
    if mission not in MISSIONS:
        raise ConfigError(f"mission must be one of {sorted(MISSIONS)}, got {mission!r}")
    if not 10 <= n_points <= 2_000_000:
        raise ConfigError(f"n_points must be in [10, 2000000], got {n_points}")
    if not 0.01 <= cadence_min <= 60:
        raise ConfigError(f"cadence_min must be in [0.01, 60] minutes, got {cadence_min}")
    for name, value in (("noise_ppm", noise_ppm), ("rotation_amp", rotation_amp), ("red_noise_ppm", red_noise_ppm)):
        if not value >= 0:
            raise ConfigError(f"{name} must be >= 0, got {value}")
    if rotation_period is not None and not rotation_period > 0:
        raise ConfigError(f"rotation_period must be > 0 days or None, got {rotation_period}")
    if not red_noise_tau_hours > 0:
        raise ConfigError(f"red_noise_tau_hours must be > 0, got {red_noise_tau_hours}")
    if len(limb_darkening) != 2 or not all(0 <= u <= 1 for u in limb_darkening) or sum(limb_darkening) > 1:
        raise ConfigError(
            f"limb_darkening must be (u1, u2) with u1, u2 in [0, 1] and u1 + u2 <= 1, got {limb_darkening}"
        )
    for name, count in (("n_flares", n_flares), ("n_outliers", n_outliers), ("n_small_gaps", n_small_gaps)):
        if not 0 <= count <= 10_000:
            raise ConfigError(f"{name} must be in [0, 10000], got {count}")
    for name, (low, high) in (("flare_amp_range", flare_amp_range), ("flare_fwhm_range_min", flare_fwhm_range_min),
                              ("outlier_sigma_range", outlier_sigma_range)):
        if not 0 < low <= high:
            raise ConfigError(f"{name} must be (low, high) with 0 < low <= high, got {(low, high)}")
    if not isinstance(gaps, bool) and any(not a < b for a, b in gaps):
        raise ConfigError(f"each gap must be (start, end) with start < end, got {list(gaps)}")
    if n_outliers and noise_ppm == 0:
        raise ConfigError("outliers are scaled by the white noise: give noise_ppm > 0 when n_outliers > 0")


def _gap_intervals(
    time: np.ndarray, profile: MissionProfile, n_small: int, rng: np.random.Generator
) -> list[tuple[float, float]]:
    """Downlink gaps of ~1 day every `downlink_every_days` (none in the last quarter-interval)
    plus `n_small` short random gaps, merged where they overlap."""
    start, end = time[0], time[-1]
    intervals = []
    k = 1
    while start + k * profile.downlink_every_days + _GAP_DAYS < end - profile.downlink_every_days / 4:
        gap_start = start + k * profile.downlink_every_days + rng.uniform(-0.3, 0.3)
        intervals.append((gap_start, gap_start + _GAP_DAYS * rng.uniform(0.8, 1.2)))
        k += 1
    for _ in range(n_small):
        length = rng.uniform(*_SMALL_GAP_RANGE_DAYS)
        gap_start = rng.uniform(start, max(start, end - length))
        intervals.append((gap_start, gap_start + length))
    return _merge(intervals)


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted, non-overlapping intervals covering the same times."""
    merged: list[tuple[float, float]] = []
    for gap_start, gap_end in sorted(intervals):
        if merged and gap_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], gap_end))
        else:
            merged.append((gap_start, gap_end))
    return merged


def _inject_planet(
    time: np.ndarray, kept: np.ndarray, cadence: float, planet: PlanetSpec, index: int, u1: float, u2: float,
    busy: np.ndarray,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """The planet's dip on every cadence, and one event per transit whose mid-time is sampled.

    "Sampled" means a kept cadence within half a cadence of the centre; a transit
    whose middle fell in a gap is not listed (its ingress or egress may still show).
    """
    n_sub = max(1, math.ceil(cadence * 1440.0 / _TRANSIT_SUBSAMPLE_MIN))
    dip = transit_dip(time, planet.period, planet.t0, planet.rp_rs, planet.a_rs, planet.b, u1, u2, cadence, n_sub)
    depth = _planet_depth(planet, u1, u2)
    half = planet.duration / 2
    first = math.ceil((time[0] - half - planet.t0) / planet.period)
    last = math.floor((time[-1] + half - planet.t0) / planet.period)
    events = []
    for epoch in range(first, last + 1):
        centre = planet.t0 + epoch * planet.period
        window = (time >= centre - half - cadence) & (time <= centre + half + cadence)
        busy |= window
        if not np.any(kept & (np.abs(time - centre) <= cadence / 2)):
            continue
        on_data = window & kept
        events.append({
            "kind": "transit", "t_start": centre - half, "t_end": centre + half, "t_peak": centre,
            "amplitude": -depth, "observed_amplitude": -float(dip[on_data].max()),
            "planet": index, "transit_number": epoch, "duration": planet.duration,
        })
    return dip, events


def _planet_depth(planet: PlanetSpec, u1: float, u2: float) -> float:
    """Deepest instantaneous dip of the model (at mid-transit, separation b)."""
    return float(transit_dip(np.array([planet.t0]), planet.period, planet.t0, planet.rp_rs, planet.a_rs,
                             planet.b, u1, u2)[0])


def _planet_dict(planet: PlanetSpec, u1: float, u2: float, n_transits: int) -> dict[str, Any]:
    return {
        "period": float(planet.period), "t0": float(planet.t0), "duration": float(planet.duration),
        "depth": _planet_depth(planet, u1, u2), "rp_rs": float(planet.rp_rs), "b": float(planet.b),
        "a_rs": float(planet.a_rs), "n_transits": n_transits,
    }


def _near(mask: np.ndarray, before: int, after: int) -> np.ndarray:
    """True at i when mask is set anywhere in i - after .. i + before (index units).

    An event starting `after` cadences before i and ending `before` cadences after
    it would touch a set cadence, so these are the forbidden places for it.
    """
    count = np.concatenate(([0], np.cumsum(mask)))
    i = np.arange(len(mask))
    return count[np.minimum(i + before + 1, len(mask))] - count[np.maximum(i - after, 0)] > 0


def _pick(allowed: np.ndarray, rng: np.random.Generator, what: str) -> int:
    candidates = np.flatnonzero(allowed)
    if len(candidates) == 0:
        raise ConfigError(f"no room left on the curve to place {what}; ask for fewer or a longer curve")
    return int(rng.choice(candidates))


def _place_flares(
    time: np.ndarray, kept: np.ndarray, cadence: float, busy: np.ndarray, n_flares: int,
    amp_range: tuple[float, float], fwhm_range_min: tuple[float, float], rng: np.random.Generator,
) -> list[tuple[dict[str, Any], np.ndarray]]:
    """Flares peaking within half a cadence of a kept cadence, none overlapping another or a transit."""
    end_offset = flare_end_offset()
    widest = fwhm_range_min[1] / 1440.0
    # A peak at cadence i covers i - rise .. i + decay (in cadences) for the widest flare.
    rise, decay = math.ceil(widest / cadence) + 1, math.ceil(end_offset * widest / cadence) + 1
    placed = []
    for _ in range(n_flares):
        amplitude = float(np.exp(rng.uniform(np.log(amp_range[0]), np.log(amp_range[1]))))
        fwhm = float(rng.uniform(*fwhm_range_min)) / 1440.0
        centre = _pick(kept & ~_near(busy, before=decay, after=rise), rng, f"{n_flares} flares")
        t_peak = float(time[centre] + rng.uniform(-0.5, 0.5) * cadence)
        t_start, t_end = t_peak - fwhm, t_peak + end_offset * fwhm
        busy |= (time >= t_start - cadence) & (time <= t_end + cadence)
        signal = flare_binned(time, t_peak, fwhm, amplitude, cadence)
        highest = np.sort(signal[kept])[-2:]
        placed.append(({
            "kind": "flare", "t_start": t_start, "t_end": t_end, "t_peak": t_peak, "amplitude": amplitude,
            "observed_amplitude": float(highest[-1]), "observed_second": float(highest[0]), "fwhm": fwhm,
            "equivalent_duration": flare_equivalent_duration(fwhm, amplitude),
        }, signal))
    return placed


def _place_outliers(
    time: np.ndarray, kept: np.ndarray, cadence: float, busy: np.ndarray, n_outliers: int,
    sigma_range: tuple[float, float], sigma: float, rng: np.random.Generator,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Spikes (+), drops (-) and two-cadence glitches (either sign) on kept cadences away from other events."""
    n = len(time)
    flux = np.zeros(n)
    # A cadence may start a two-point glitch only if the next one (on the regular grid) is kept.
    pair_ok = np.zeros(n, dtype=bool)
    pair_ok[:-1] = kept[1:]
    events = []
    for _ in range(n_outliers):
        shape = str(rng.choice(_OUTLIER_SHAPES))
        n_sigma = float(rng.uniform(*sigma_range))
        if shape == "glitch":
            sign = float(rng.choice((-1.0, 1.0)))
        else:
            sign = 1.0 if shape == "spike" else -1.0
        width = 2 if shape == "glitch" else 1
        allowed = kept & ~_near(busy, before=_OUTLIER_MIN_SEPARATION + width - 1, after=_OUTLIER_MIN_SEPARATION)
        first = _pick(allowed & pair_ok if width == 2 else allowed, rng, f"{n_outliers} outliers")
        cadences = slice(first, first + width)
        amplitude = sign * n_sigma * sigma
        flux[cadences] = amplitude
        busy[cadences] = True
        events.append({
            "kind": "outlier", "t_start": float(time[first]), "t_end": float(time[first + width - 1]),
            "t_peak": float(time[first]), "amplitude": amplitude, "observed_amplitude": amplitude,
            "sigma": n_sigma, "shape": shape, "n_cadences": width,
        })
    return flux, events
