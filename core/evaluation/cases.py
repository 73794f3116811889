"""The injection set: seeded synthetic stars and real curves carrying known signals.

Synthetic TESS-like (2 min) and Kepler-like (30 min) stars with rotation, red and
white noise and gaps, each carrying one planet whose SNR is chosen bin by bin,
flares from 2 to 30 sigma and 5-30 sigma outliers; clean stars with the same
variability and nothing injected; and real curves with signals multiplied into
their flux (hard_cases.py and unusual_cases.py add the harder stars and the
unusual events). Every planet carries its effective SNR (effective_snr.py: the
depth against the scatter at the transit's duration of the same curve without
injections, white plus correlated noise) and its white-noise SNR, depth /
sigma_white * sqrt(points in transit). Synthetic stars' planets also carry the
SNR with their AR(1) noise counted by formula (`correlated_snr`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from core.detect.shape_metrics import expected_duration
from core.evaluation.effective_snr import duration_scatter, effective_snr
from core.lightcurve import LightCurve, from_arrays
from core.stats import cadence_days, point_to_point_std
from core.synthetic import MISSIONS, PlanetSpec, generate_lightcurve

# Target SNRs are drawn inside these ranges, highest bin first so that even a
# handful of stars covers the signals the bars are about.
SNR_TARGETS = ((30.0, 80.0), (15.0, 30.0), (10.0, 15.0), (7.0, 10.0), (4.0, 7.0))
RED_NOISE_TAU_HOURS = 2.0  # correlation time of the synthetic stars' red noise


@dataclass(frozen=True)
class StarRecipe:
    """Observing set-up of one synthetic star: TESS-like 2-min or Kepler-like 30-min."""

    mission: str
    n_points: int
    cadence_min: float


TESS_STAR = StarRecipe("TESS", 20160, 2.0)
KEPLER_STAR = StarRecipe("Kepler", 4000, 29.4)
QUICK_STAR = StarRecipe("TESS", 6000, 2.0)


@dataclass
class Case:
    """One curve to score: its flux, what was injected, and detections to forgive.

    `known` holds (t_start, t_end) of signals already in a real curve (found in
    its as-is run): a detection there that matches nothing injected is not false;
    `known_periods` the same for its as-is transit candidates. The vetting set
    (vetting_cases.py) adds its eclipsing binaries' truth in `binaries`, and the
    rotation period of a star whose spot makes the dips in `rotation_period`.
    """

    name: str
    # "synthetic-TESS", "synthetic-Kepler", "real-injected", "clean", "hard-<mission>", "clean-hard", "unusual-...",
    # "vetting-eb", "vetting-harmonic", "vetting-planet"
    source: str
    lc: LightCurve
    events: list[dict[str, Any]]
    planets: list[dict[str, Any]]
    cadence: float
    known: list[tuple[float, float]] = field(default_factory=list)
    known_periods: list[float] = field(default_factory=list)
    binaries: list[dict[str, Any]] = field(default_factory=list)
    rotation_period: float | None = None


def is_vetting(source: str) -> bool:
    """Curves of the vetting set ("vetting-eb", "vetting-harmonic", "vetting-planet"), scored apart."""
    return source.startswith("vetting")


def is_clean(source: str) -> bool:
    """Clean stars carry nothing injected: "clean" (today's) and "clean-hard"."""
    return source.startswith("clean")


def is_unusual(source: str) -> bool:
    """Curves of the unusual events' set ("unusual-<star>-<cadence>"), scored apart."""
    return source.startswith("unusual")


def build_cases(n_stars: int, seed: int, quick: bool = False) -> list[Case]:
    """The synthetic part: injected stars (about 1 in 6 Kepler-like) and clean stars (a quarter as many)."""
    cases = []
    for index in range(n_stars):
        recipe = QUICK_STAR if quick else (KEPLER_STAR if index % 6 == 5 else TESS_STAR)
        cases.append(synthetic_case(index, seed, recipe))
    for index in range(max(1, n_stars // 4)):
        cases.append(synthetic_case(index, seed, QUICK_STAR if quick else TESS_STAR, clean=True))
    return cases


def synthetic_case(index: int, seed: int, recipe: StarRecipe, clean: bool = False,
                   red_share: tuple[float, float] = (0.1, 0.3), red_tau_hours: float = RED_NOISE_TAU_HOURS,
                   source: str = "synthetic", effective_target: bool = False) -> Case:
    """A seeded star; unless `clean`, with one planet at a target SNR, flares and outliers.

    Its red noise is `red_share` (a range) of the white, correlated over `red_tau_hours`.
    The planet's target SNR is white-noise SNR, or with `effective_target` effective SNR
    (its depth scaled by how much the correlated noise costs at its duration).
    """
    rng = np.random.default_rng([seed, index, int(clean)])
    noise_ppm = float(np.exp(rng.uniform(np.log(200), np.log(2000))))
    sigma = noise_ppm * 1e-6
    cadence = recipe.cadence_min / 1440.0
    span = recipe.n_points * cadence
    star = dict(
        noise_ppm=noise_ppm,
        rotation_period=float(rng.uniform(2, 15)),
        rotation_amp=float(np.exp(rng.uniform(np.log(0.001), np.log(0.02)))),
        red_noise_ppm=float(rng.uniform(*red_share) * noise_ppm),
        red_noise_tau_hours=red_tau_hours,
        mission=recipe.mission,
    )
    name = f"{recipe.mission}-{'clean' if clean else 'inj'}-{index}"
    if source != "synthetic":
        name = f"{source}-{name}"
    quiet, _ = generate_lightcurve(recipe.n_points, recipe.cadence_min, seed * 100_003 + index, **star)
    if clean:
        return Case(name, "clean", quiet, [], [], cadence)
    planet = _planet_for(rng, index, MISSIONS[recipe.mission].t_start, span, cadence, sigma)
    if effective_target:
        planet = _at_effective_snr(planet, recipe, seed * 100_003 + index, star, quiet.flux, sigma)
    lc, truth = generate_lightcurve(
        recipe.n_points, recipe.cadence_min, seed * 100_003 + index, **star, planets=[planet],
        n_flares=6, flare_amp_range=(2 * sigma, 30 * sigma), n_outliers=10, outlier_sigma_range=(5.0, 30.0),
    )
    red = (star["red_noise_ppm"] * 1e-6, red_tau_hours / 24.0)
    return Case(name, f"{source}-{recipe.mission}", lc, with_sigma(truth.events, sigma),
                with_snr(truth.planets, lc.time, quiet.flux, sigma, red), cadence)


def _at_effective_snr(planet: PlanetSpec, recipe: StarRecipe, generator_seed: int, star: dict[str, Any],
                      quiet_flux: np.ndarray, sigma: float) -> PlanetSpec:
    """`planet` made deeper so that its effective SNR is what its white-noise SNR was (depth ~ rp_rs^2)."""
    alone, truth = generate_lightcurve(recipe.n_points, recipe.cadence_min, generator_seed, **star, planets=[planet])
    (measured,) = with_snr(truth.planets, alone.time, quiet_flux, sigma)
    if not measured["effective_snr"] > 0:
        return planet
    scale = math.sqrt(measured["snr"] / measured["effective_snr"])
    return PlanetSpec(period=planet.period, t0=planet.t0, rp_rs=float(min(planet.rp_rs * scale, 0.3)), b=planet.b,
                      duration=planet.duration)


def real_injected_case(name: str, base: LightCurve, index: int, seed: int,
                       known: list[tuple[float, float]], known_periods: Sequence[float] = ()) -> Case:
    """`base` (quality-masked, normalised real flux) times (1 + injected planet, flares, outliers).

    The signal is made by the generator on the real curve's cadence grid with its
    gaps, as the difference of two runs that share every random stream but the
    injections, so it carries no extra noise.
    """
    rng = np.random.default_rng([seed, index, 7])
    time = base.time
    cadence = base.cadence_days
    sigma = point_to_point_std(base.flux)
    span = float(time[-1] - time[0])
    n_grid = int(round(span / cadence)) + 1
    breaks = np.flatnonzero(np.diff(time) > 1.5 * cadence)
    gaps = [(float(time[i] + cadence / 2), float(time[i + 1] - cadence / 2)) for i in breaks]
    common = dict(noise_ppm=sigma * 1e6, gaps=gaps, t_start=float(time[0]),
                  mission="Kepler" if cadence * 1440 > 10 else "TESS")
    planet = _planet_for(rng, index, float(time[0]), span, cadence, sigma, base.meta)
    grid_seed = seed * 100_003 + 50_000 + index
    cadence_min = cadence * 1440.0
    with_signals, truth = generate_lightcurve(
        n_grid, cadence_min, grid_seed, **common, planets=[planet],
        n_flares=4, flare_amp_range=(2 * sigma, 30 * sigma), n_outliers=6, outlier_sigma_range=(5.0, 30.0),
    )
    plain, _ = generate_lightcurve(n_grid, cadence_min, grid_seed, **common)
    signal = with_signals.flux - plain.flux
    nearest = np.clip(np.searchsorted(with_signals.time, time - cadence / 2), 0, len(signal) - 1)
    flux = base.flux * (1.0 + signal[nearest])
    lc = from_arrays(time, flux, base.flux_err, None, dict(base.meta),
                     centroid_col=base.centroid_col, centroid_row=base.centroid_row)
    return Case(f"{name}+inj{index}", "real-injected", lc, with_sigma(truth.events, sigma),
                with_snr(truth.planets, time, base.flux, sigma), cadence, known, list(known_periods))


def _planet_for(rng: np.random.Generator, index: int, t_start: float, span: float, cadence: float,
                sigma: float, star: dict[str, Any] | None = None) -> PlanetSpec:
    """A planet with >= 2.5 transits in `span` whose depth gives a target SNR from bin `index`.

    Its duration is the one its orbit gives around the header's star (radius and log g),
    as the vetting expects; 1-6 h when the header does not say. Around the 0.13 R_sun
    TESS M dwarf a 2-d orbit's transit lasts about 0.6 h, and a 1-6 h one was refused,
    rightly, as too long for the star.
    """
    period = float(rng.uniform(0.8, span / 2.5))
    duration = float(min(rng.uniform(1.0, 6.0) / 24.0, period / 4))
    low, high = SNR_TARGETS[index % len(SNR_TARGETS)]
    target = float(rng.uniform(low, high))
    t0 = t_start + float(rng.uniform(0, period))
    b = float(rng.uniform(0, 0.6))
    central = expected_duration(period, star or {})
    if central is not None:
        duration = float(min(central * math.sqrt(1.0 - b**2), period / 4))
    points_in_transit = (span / period) * max(duration / cadence, 1.0)
    depth = target * sigma / math.sqrt(points_in_transit)
    # A limb-darkened centre is ~1.2x deeper than rp_rs^2 (u1=0.4, u2=0.25); the true SNR is measured afterwards.
    rp_rs = float(min(math.sqrt(depth / 1.2), 0.3))
    return PlanetSpec(period=period, t0=t0, rp_rs=rp_rs, b=b, duration=duration)


def with_snr(planets: list[dict[str, Any]], time: np.ndarray, quiet_flux: np.ndarray, sigma: float,
             red: tuple[float, float] | None = None) -> list[dict[str, Any]]:
    """Planets with their realised SNRs: `snr` = depth / sigma * sqrt(points actually in transit), and
    `effective_snr` against the scatter of `quiet_flux` (the same curve without injections) at the duration.

    With `red` = (sigma, correlation time in days) of the injected AR(1) noise, also
    `correlated_snr`: each transit's mean is as uncertain as white and red noise
    averaged over its points make it, and the transits are combined.
    """
    out = []
    cadence = cadence_days(time)
    for p in planets:
        phase = (time - p["t0"] + 0.5 * p["period"]) % p["period"] - 0.5 * p["period"]
        inside = np.abs(phase) <= p["duration"] / 2
        n_in = int(np.count_nonzero(inside))
        scatter = duration_scatter(time, quiet_flux, p["duration"])
        planet = {**p, "snr": p["depth"] / sigma * math.sqrt(n_in), "points_in_transit": n_in,
                  "effective_snr": effective_snr(p["depth"], n_in, p["duration"], cadence, scatter),
                  "duration_scatter": scatter}
        if red is not None:
            epochs = np.round((time[inside] - p["t0"]) / p["period"]).astype(np.int64)
            per_transit = np.unique(epochs, return_counts=True)[1]
            planet["correlated_snr"] = correlated_snr(p["depth"], per_transit, sigma, red[0],
                                                      math.exp(-cadence / red[1]))
        out.append(planet)
    return out


def correlated_snr(depth: float, points_per_transit: Sequence[int], sigma_white: float, sigma_red: float,
                   correlation: float) -> float:
    """SNR of a box of `depth` over transits of the given point counts, in white plus AR(1) red noise.

    `correlation` is the red noise's correlation from one cadence to the next. The
    variance of the mean of m consecutive AR(1) points is
    sigma_red^2 / m^2 * (m + 2 * sum_{k<m} (m - k) c^k), which stays near
    sigma_red^2 while m cadences are shorter than the correlation time.
    """
    inverse_variance = 0.0
    for m in points_per_transit:
        lags = np.arange(1, int(m))
        red_sum = m + 2.0 * float(np.sum((m - lags) * correlation**lags))
        inverse_variance += 1.0 / (sigma_white**2 / m + sigma_red**2 * red_sum / m**2)
    return depth * math.sqrt(inverse_variance)


def with_sigma(events: list[dict[str, Any]], sigma: float) -> list[dict[str, Any]]:
    """Events with `peak_sigma`: the observed peak over the white-noise sigma (flares also `second_sigma`)."""
    out = []
    for e in events:
        scaled = {"peak_sigma": abs(e["observed_amplitude"]) / sigma}
        if "observed_second" in e:
            scaled["second_sigma"] = e["observed_second"] / sigma
        out.append({**e, **scaled})
    return out
