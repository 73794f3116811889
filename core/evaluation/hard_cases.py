"""The hard stars: what fooled the detectors on real files, grown into the generator with ground truth.

Issue 16 found flares on rotation flanks of a 1.2-day spotted rotator, on K2
roll resets and at gap edges, glitches of a few cadences called flares or
anomalies, and a planet at twice the rotation period vetoed as rotation. Each
hard star carries those: evolving spots (fast rotators at 30-min cadence), ramps
after gaps, glitches of 2-5 cadences, bumps shaped like flares but not flares,
K2's roll sawtooth (on K2-like stars, with the centroids that let the analysis
correct it) and one planet, half of them at a harmonic of the rotation. Clean
hard stars carry the star and the instrument and nothing else.

A planet's depth is chosen for a target *effective* SNR, measured on the same
star without injections (and, on K2-like stars, without the roll, which
self-flat-fielding is there to remove).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from core.evaluation.cases import RED_NOISE_TAU_HOURS, SNR_TARGETS, Case, StarRecipe, with_sigma, with_snr
from core.evaluation.effective_snr import duration_scatter
from core.synthetic import PlanetSpec, RollSpec, SpotSpec, generate_lightcurve

HARD_RECIPES = (StarRecipe("TESS", 20160, 2.0), StarRecipe("Kepler", 4000, 29.4), StarRecipe("K2", 3500, 29.4))
QUICK_HARD_RECIPES = (StarRecipe("TESS", 6000, 2.0), StarRecipe("Kepler", 1500, 29.4),
                      StarRecipe("K2", 1500, 29.4))
# Per mission: rotation period range (days) and log-uniform spot amplitude range (relative flux).
SPOTS = {"TESS": ((0.3, 5.0), (0.003, 0.03)), "Kepler": ((0.3, 3.0), (0.01, 0.06)),
         "K2": ((0.3, 10.0), (0.002, 0.03))}
ROLL_AMPLITUDE = (0.001, 0.01)
GAP_RAMP_AMPLITUDE = (0.0005, 0.003)
GLITCH_CADENCES = (2, 5)
HARMONIC_SHARE = 0.5  # of hard planets, at k * P_rot or P_rot / k
HARMONICS = (1, 2, 3)
MIN_PERIOD_DAYS = 0.5
MIN_PERIOD_PER_DURATION = 8.0  # room between short-period transits for the flares, glitches and bumps
_SEED_OFFSET = 70_000  # generator seeds apart from the other sets' (cases.py uses index and 50_000 + index)


def build_hard_cases(n_hard: int, seed: int, quick: bool = False) -> list[Case]:
    """`n_hard` hard stars cycling through TESS-, Kepler- and K2-like, and clean hard stars: one of each kind
    (a quarter as many as `n_hard` when that is more), or a single one for a `quick` smoke run."""
    recipes = QUICK_HARD_RECIPES if quick else HARD_RECIPES
    cases = [hard_case(index, seed, recipes[index % len(recipes)]) for index in range(n_hard)]
    n_clean = 1 if quick else max(len(recipes), n_hard // 4)
    cases += [hard_case(index, seed, recipes[index % len(recipes)], clean=True) for index in range(n_clean)]
    return cases


def hard_case(index: int, seed: int, recipe: StarRecipe, clean: bool = False) -> Case:
    """A seeded hard star; unless `clean`, with a planet, flares, glitches and bumps."""
    rng = np.random.default_rng([seed, index, int(clean), 16])
    star = _hard_star(rng, recipe)
    sigma = star["noise_ppm"] * 1e-6
    generator_seed = seed * 100_003 + _SEED_OFFSET + 2 * index + int(clean)
    cadence = recipe.cadence_min / 1440.0
    name = f"hard-{recipe.mission}-{'clean' if clean else 'inj'}-{index}"
    if clean:
        lc, _ = generate_lightcurve(recipe.n_points, recipe.cadence_min, generator_seed, **star)
        return Case(name, "clean-hard", lc, [], [], cadence)
    without_roll = {key: value for key, value in star.items() if key != "roll"}
    quiet, _ = generate_lightcurve(recipe.n_points, recipe.cadence_min, generator_seed, **without_roll)
    planet, harmonic = _hard_planet(rng, index, quiet.time, quiet.flux, star["spots"].period)
    lc, truth = generate_lightcurve(
        recipe.n_points, recipe.cadence_min, generator_seed, **star, planets=[planet],
        n_flares=6, flare_amp_range=(2 * sigma, 30 * sigma), n_outliers=10, outlier_sigma_range=(5.0, 30.0),
        glitch_cadences=GLITCH_CADENCES, n_bumps=4, bump_amp_range=(5 * sigma, 30 * sigma),
    )
    red = (star["red_noise_ppm"] * 1e-6, RED_NOISE_TAU_HOURS / 24.0)
    quiet_flux = quiet.flux[np.isin(quiet.time, lc.time)]  # without the exposures the K2 firings took
    planets = [dict(p, harmonic=harmonic, rotation_period=star["spots"].period)
               for p in with_snr(truth.planets, lc.time, quiet_flux, sigma, red)]
    return Case(name, f"hard-{recipe.mission}", lc, with_sigma(truth.events, sigma), planets, cadence)


def _hard_star(rng: np.random.Generator, recipe: StarRecipe) -> dict[str, Any]:
    """The generator's keywords for a hard star of `recipe`'s mission: spots, red noise, ramps (and roll on K2)."""
    noise_ppm = float(np.exp(rng.uniform(np.log(200), np.log(2000))))
    periods, amplitudes = SPOTS[recipe.mission]
    star: dict[str, Any] = dict(
        mission=recipe.mission,
        noise_ppm=noise_ppm,
        spots=SpotSpec(period=float(rng.uniform(*periods)),
                       amplitude=float(np.exp(rng.uniform(*np.log(amplitudes))))),
        red_noise_ppm=float(rng.uniform(0.1, 0.3) * noise_ppm),
        red_noise_tau_hours=RED_NOISE_TAU_HOURS,
        gap_ramp_amp_range=GAP_RAMP_AMPLITUDE,
    )
    if recipe.mission == "K2":
        star["roll"] = RollSpec(amplitude=float(np.exp(rng.uniform(*np.log(ROLL_AMPLITUDE)))))
    return star


def _hard_planet(rng: np.random.Generator, index: int, time: np.ndarray, quiet_flux: np.ndarray,
                 rotation_period: float) -> tuple[PlanetSpec, str | None]:
    """A planet with >= 2.5 transits whose depth gives a target effective SNR from bin `index`,
    at a rotation harmonic for HARMONIC_SHARE of them; with the harmonic's name ("2 x P_rot", "P_rot / 3")."""
    span = float(time[-1] - time[0])
    cadence = float(np.median(np.diff(time)))
    longest = span / 2.5
    harmonics = [(k * rotation_period, f"{k} x P_rot") for k in HARMONICS]
    harmonics += [(rotation_period / k, f"P_rot / {k}") for k in HARMONICS[1:]]
    usable = [(period, name) for period, name in harmonics if MIN_PERIOD_DAYS <= period <= longest]
    if usable and rng.uniform() < HARMONIC_SHARE:
        period, harmonic = usable[int(rng.integers(len(usable)))]
    else:
        period, harmonic = float(rng.uniform(MIN_PERIOD_DAYS, longest)), None
    duration = float(min(rng.uniform(1.0, 6.0) / 24.0, period / MIN_PERIOD_PER_DURATION))
    t0 = float(time[0] + rng.uniform(0, period))
    low, high = SNR_TARGETS[index % len(SNR_TARGETS)]
    target = float(rng.uniform(low, high))
    phase = (time - t0 + 0.5 * period) % period - 0.5 * period
    transits_with_data = max(np.count_nonzero(np.abs(phase) <= duration / 2) * cadence / duration, 1.0)
    depth = target * duration_scatter(time, quiet_flux, duration) / math.sqrt(transits_with_data)
    # A limb-darkened centre is ~1.2x deeper than rp_rs^2; the realised effective SNR is measured afterwards.
    rp_rs = float(min(math.sqrt(depth / 1.2), 0.3))
    return PlanetSpec(period=period, t0=t0, rp_rs=rp_rs, b=float(rng.uniform(0, 0.6)), duration=duration), harmonic
