"""Build a synthetic light curve from a star, planets, events, systematics and gaps, with its ground truth.

Flux is relative (quiet star = 1) and the components add: 1 + rotation (or
evolving spots) + red noise - K2 roll loss + ramps after gaps - transit dips +
unusual events + flares + outliers + flare-like bumps + white noise, so each
truth amplitude is exactly what was added. Every component draws from its own
random stream derived from `seed`, so turning one off (e.g. n_outliers=0) leaves
the others bit-for-bit identical; tests and the evaluation use this to isolate a
component, or to make the same star without its injections.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from core.errors import ConfigError
from core.lightcurve import LightCurve, from_arrays
from core.synthetic.event_shapes import event_signal
from core.synthetic.noise import red_noise, rotation_signal, white_noise
from core.synthetic.placement import place_bumps, place_flares, place_outliers
from core.synthetic.signals import transit_dip
from core.synthetic.specs import MISSIONS, EventSpec, MissionProfile, PlanetSpec, RollSpec, SpotSpec, Truth
from core.synthetic.spots import spot_modulation
from core.synthetic.systematics import gap_ramps, k2_roll

# New streams go at the end: a SeedSequence's nth child does not depend on how many follow it.
_STREAMS = ("gaps", "rotation", "red_noise", "white_noise", "flares", "outliers", "spots", "roll", "ramps", "bumps")
# Transit and event exposures are sampled at least once per minute of cadence.
_TRANSIT_SUBSAMPLE_MIN = 1.0
_GAP_DAYS = 1.0  # downlink gap length
_SMALL_GAP_RANGE_DAYS = (0.05, 0.3)
MAX_GLITCH_CADENCES = 20


def generate_lightcurve(
    n_points: int = 20160,
    cadence_min: float = 2.0,
    seed: int = 0,
    *,
    noise_ppm: float = 300.0,
    rotation_period: float | None = None,
    rotation_amp: float = 0.0,
    spots: SpotSpec | None = None,
    red_noise_ppm: float = 0.0,
    red_noise_tau_hours: float = 2.0,
    roll: RollSpec | None = None,
    gap_ramp_amp_range: tuple[float, float] | None = None,
    planets: Sequence[PlanetSpec] = (),
    limb_darkening: tuple[float, float] = (0.4, 0.25),
    events: Sequence[EventSpec] = (),
    n_flares: int = 0,
    flare_amp_range: tuple[float, float] = (0.005, 0.1),
    flare_fwhm_range_min: tuple[float, float] = (4.0, 30.0),
    n_outliers: int = 0,
    outlier_sigma_range: tuple[float, float] = (7.0, 20.0),
    glitch_cadences: tuple[int, int] = (2, 2),
    n_bumps: int = 0,
    bump_amp_range: tuple[float, float] = (0.002, 0.02),
    bump_width_range_hours: tuple[float, float] = (0.5, 3.0),
    gaps: bool | Sequence[tuple[float, float]] = True,
    n_small_gaps: int = 3,
    mission: str = "TESS",
    t_start: float | None = None,
    target: str | None = None,
) -> tuple[LightCurve, Truth]:
    """A seeded synthetic curve and the truth of what was injected.

    The star rotates either as two drifting harmonics (`rotation_period`,
    `rotation_amp`) or with evolving spots (`spots`), not both. `roll` adds K2's
    sawtooth and the centroid track behind it (mission "K2" only; the curve then
    carries centroids, so the analysis can self-flat-field it);
    `gap_ramp_amp_range` adds an exponential ramp after every gap.

    Amplitudes are relative flux; flare and bump amplitudes are drawn
    log-uniformly from their ranges, outlier amplitudes uniformly in units of the
    white-noise sigma from `outlier_sigma_range`; a glitch lasts `glitch_cadences`
    (low, high) cadences. `events` are unusual events at chosen times. Flares,
    bumps and outliers sit on kept data away from transits, events and each
    other. `gaps` is True (mission-like downlink gaps plus `n_small_gaps` random
    ones), False, or explicit (start, end) intervals whose cadences are removed.
    """
    _validate(n_points, cadence_min, noise_ppm, rotation_period, rotation_amp, red_noise_ppm, red_noise_tau_hours,
              limb_darkening, n_flares, flare_amp_range, flare_fwhm_range_min, n_outliers, outlier_sigma_range,
              n_small_gaps, gaps, mission)
    _validate_hard(spots, rotation_amp, roll, mission, gap_ramp_amp_range, glitch_cadences, n_bumps, bump_amp_range,
                   bump_width_range_hours)
    profile = MISSIONS[mission]
    children = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    streams = {name: np.random.default_rng(child) for name, child in zip(_STREAMS, children)}
    cadence = cadence_min / 1440.0
    n_sub = max(1, math.ceil(cadence_min / _TRANSIT_SUBSAMPLE_MIN))
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
    spot_truth: list[dict[str, Any]] = []
    if spots is not None:
        modulation, spot_truth = spot_modulation(time, spots, streams["spots"])
        flux += modulation
    elif rotation_period is not None and rotation_amp > 0:
        flux += rotation_signal(time, rotation_period, rotation_amp, streams["rotation"])
    flux += red_noise(n_points, cadence, red_noise_ppm * 1e-6, red_noise_tau_hours / 24.0, streams["red_noise"])
    systematics: list[dict[str, Any]] = []
    centroids: dict[str, np.ndarray] = {}
    if roll is not None:
        track = k2_roll(time, roll, streams["roll"])
        kept &= ~track.firing  # K2 flags the exposure of each firing; the default quality mask drops it
        flux -= track.loss
        centroids = {"centroid_col": track.centroid_col[kept], "centroid_row": track.centroid_row[kept]}
        systematics.append({"kind": "k2_roll", "amplitude": roll.amplitude, "period_hours": roll.period_hours,
                            "n_resets": track.n_resets})
    if gap_ramp_amp_range is not None:
        ramp, ramps = gap_ramps(time, gap_intervals, gap_ramp_amp_range, streams["ramps"])
        flux += ramp
        systematics += ramps

    injected: list[dict[str, Any]] = []
    busy = np.zeros(n_points, dtype=bool)  # cadences already carrying an injected event
    planet_truth = []
    u1, u2 = limb_darkening
    for index, planet in enumerate(planets):
        dip, planet_events = _inject_planet(time, kept, cadence, planet, index, u1, u2, busy)
        flux -= dip
        injected += planet_events
        planet_truth.append(_planet_dict(planet, u1, u2, len(planet_events)))
    for spec in events:
        signal, event = _inject_event(time, kept, cadence, n_sub, spec, limb_darkening, busy)
        flux += signal
        if event is not None:
            injected.append(event)
    for event, signal in place_flares(time, kept, cadence, busy, n_flares, flare_amp_range,
                                      flare_fwhm_range_min, streams["flares"]):
        flux += signal
        injected.append(event)
    outlier_flux, outlier_events = place_outliers(time, kept, busy, n_outliers, outlier_sigma_range, sigma,
                                                  glitch_cadences, streams["outliers"])
    flux += outlier_flux
    injected += outlier_events
    for event, signal in place_bumps(time, kept, cadence, busy, n_bumps, bump_amp_range, bump_width_range_hours,
                                     n_sub, streams["bumps"]):
        flux += signal
        injected.append(event)
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
    lc = from_arrays(time[kept], flux[kept], np.full(int(kept.sum()), sigma), None, meta, **centroids)
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
        rotation_period=float(spots.period) if spots is not None else (
            None if rotation_period is None else float(rotation_period)),
        rotation_amp=float(spots.amplitude) if spots is not None else float(rotation_amp),
        limb_darkening=(float(u1), float(u2)),
        planets=planet_truth,
        events=sorted(injected, key=lambda e: e["t_peak"]),
        gaps=[(float(a), float(b)) for a, b in gap_intervals],
        spots=spot_truth,
        systematics=systematics,
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


def _validate_hard(spots, rotation_amp, roll, mission, gap_ramp_amp_range, glitch_cadences, n_bumps, bump_amp_range,
                   bump_width_range_hours) -> None:
    if spots is not None and rotation_amp > 0:
        raise ConfigError("give the star rotation_amp or spots, not both")
    if roll is not None and mission != "K2":
        raise ConfigError(f"the roll sawtooth is K2's: give mission='K2' with roll, got {mission!r}")
    low, high = glitch_cadences
    if not 1 <= low <= high <= MAX_GLITCH_CADENCES:
        raise ConfigError(f"glitch_cadences must be (low, high) with 1 <= low <= high <= {MAX_GLITCH_CADENCES}, "
                          f"got {(low, high)}")
    if not 0 <= n_bumps <= 10_000:
        raise ConfigError(f"n_bumps must be in [0, 10000], got {n_bumps}")
    ranges = [("bump_amp_range", bump_amp_range), ("bump_width_range_hours", bump_width_range_hours)]
    if gap_ramp_amp_range is not None:
        ranges.append(("gap_ramp_amp_range", gap_ramp_amp_range))
    for name, (low, high) in ranges:
        if not 0 < low <= high:
            raise ConfigError(f"{name} must be (low, high) with 0 < low <= high, got {(low, high)}")


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


def _inject_event(
    time: np.ndarray, kept: np.ndarray, cadence: float, n_sub: int, spec: EventSpec,
    limb_darkening: tuple[float, float], busy: np.ndarray,
) -> tuple[np.ndarray, dict[str, Any] | None]:
    """An unusual event's signal on every cadence and its truth, or None when no kept cadence falls in its span."""
    signal, (t_start, t_end) = event_signal(spec, time, cadence, n_sub, limb_darkening)
    busy |= (time >= t_start - cadence) & (time <= t_end + cadence)
    on_data = kept & (time >= t_start - cadence / 2) & (time <= t_end + cadence / 2)
    if not on_data.any():
        return signal, None
    # A step is whole once the exposure holding it is over: it is all of its amplitude after.
    extreme = spec.amplitude if spec.kind == "step" else float(np.sign(spec.amplitude) * np.max(
        np.sign(spec.amplitude) * signal[on_data]))
    event = {"kind": spec.kind, "t_start": t_start, "t_end": t_end, "t_peak": spec.t_peak,
             "amplitude": spec.amplitude, "observed_amplitude": float(extreme), "duration": spec.duration}
    if spec.kind == "dip":
        event["asymmetry"] = spec.asymmetry
    if spec.kind == "oscillation":
        event["period"] = spec.period
    return signal, event


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
