"""The vetting injection set (issue 19): eclipsing binaries, rotation-harmonic dimmings and planets.

Each curve is one star (white, red noise and rotation, as today's stars) carrying one
of:

- an eclipsing binary, of one of three kinds: "secondary" (a secondary eclipse 10-50%
  of the primary's depth, at phase 0.5 or, eccentric, 0.35-0.65), "half_period"
  (unequal eclipses 50-90% alike at phase 0.5, which a box search folds at P/2) or
  "grazing" (b near 1 + k: V-shaped, with a secondary of up to 40%);
- a rotation-harmonic dimming: a dark spot on a fast rotator (core.synthetic.binaries.
  spot_dimming), periodic at P_rot with strong harmonics, whose amplitude drifts as
  spots evolve: any candidate on it is a false alarm;
- a planet at an effective SNR of 10-50, the control.

Every eclipsing binary carries the significance its secondary and its odd/even
difference truly have: the mean depth over the duration against the scatter of the
same star without it at that duration (effective_snr.py), for the secondary alone,
and for the two eclipses' difference when folded at P/2. The design's bar is about
binaries where either is >= 5 sigma.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from core.evaluation.cases import RED_NOISE_TAU_HOURS, Case, StarRecipe, with_snr
from core.evaluation.effective_snr import duration_scatter, effective_snr
from core.lightcurve import LightCurve, from_arrays
from core.synthetic import PlanetSpec, generate_lightcurve
from core.synthetic.binaries import BinarySpec, eclipse_dips, spot_dimming

KINDS = ("eb:secondary", "eb:half_period", "eb:grazing", "harmonic", "planet")  # cycled through, in this order
RECIPES = (StarRecipe("TESS", 20160, 2.0), StarRecipe("TESS", 20160, 2.0), StarRecipe("Kepler", 4000, 29.4))
QUICK_RECIPE = StarRecipe("TESS", 6000, 2.0)
DEFAULT_N_CURVES = 20  # per seed: 12 binaries, 4 rotation-harmonic stars, 4 planets
SIGNIFICANT_SIGMA = 5.0  # the design's bar is about binaries with a secondary or odd/even difference this strong
PRIMARY_SNR = (15.0, 300.0)  # effective SNR of the primary eclipse, log-uniform
SECONDARY_RATIO = {"secondary": (0.1, 0.5), "half_period": (0.5, 0.9), "grazing": (0.0, 0.4)}
RADIUS_RATIO = (0.15, 0.5)
PLANET_SNR = (10.0, 50.0)
ROTATION_DAYS = (0.3, 3.0)
SPOT_AMPLITUDE_SIGMAS = (0.5, 10.0)  # the spot's depth in white-noise sigmas per point, log-uniform
SPOT_SHARPNESS = (2.0, 8.0)
SPOT_EVOLUTION_ROTATIONS = (3.0, 10.0)  # the spot's depth drifts by +-30% over this many rotations
_SEED_OFFSET = 110_000
_SUBSAMPLE_MIN = 1.0


def build_vetting_cases(n_curves: int, seed: int, quick: bool = False) -> list[Case]:
    """`n_curves` seeded curves cycling through KINDS (one quick TESS-like recipe for a smoke run)."""
    return [vetting_case(index, seed, QUICK_RECIPE if quick else RECIPES[index % len(RECIPES)])
            for index in range(n_curves)]


def vetting_case(index: int, seed: int, recipe: StarRecipe) -> Case:
    kind = KINDS[index % len(KINDS)]
    rng = np.random.default_rng([seed, index, 19])
    generator_seed = seed * 100_003 + _SEED_OFFSET + index
    noise_ppm = float(np.exp(rng.uniform(np.log(200), np.log(2000))))
    star: dict[str, Any] = dict(mission=recipe.mission, noise_ppm=noise_ppm,
                                red_noise_ppm=float(rng.uniform(0.1, 0.3) * noise_ppm),
                                red_noise_tau_hours=RED_NOISE_TAU_HOURS,
                                rotation_period=float(rng.uniform(2, 15)),
                                rotation_amp=float(np.exp(rng.uniform(np.log(0.001), np.log(0.01)))))
    if kind == "harmonic":
        star.update(rotation_period=float(rng.uniform(*ROTATION_DAYS)),
                    rotation_amp=float(rng.uniform(0.5, 3.0) * noise_ppm * 1e-6))
    quiet, _ = generate_lightcurve(recipe.n_points, recipe.cadence_min, generator_seed, **star)
    cadence = recipe.cadence_min / 1440.0
    name = f"vetting-{recipe.mission}-{kind.replace(':', '-')}-{index}"
    if kind == "planet":
        planet = _planet(rng, quiet)
        lc, truth = generate_lightcurve(recipe.n_points, recipe.cadence_min, generator_seed, **star, planets=[planet])
        return Case(name, "vetting-planet", lc, [], with_snr(truth.planets, lc.time, quiet.flux, noise_ppm * 1e-6),
                    cadence)
    if kind == "harmonic":
        period = float(star["rotation_period"])
        amplitude = float(np.exp(rng.uniform(*np.log(SPOT_AMPLITUDE_SIGMAS)))) * noise_ppm * 1e-6
        evolution = float(rng.uniform(*SPOT_EVOLUTION_ROTATIONS)) * period
        drift = 1.0 + 0.3 * np.sin(2 * np.pi * quiet.time / evolution + rng.uniform(0, 2 * np.pi))
        signal = drift * spot_dimming(quiet.time, period, amplitude, quiet.time[0] + rng.uniform(0, period),
                                      float(rng.uniform(*SPOT_SHARPNESS)))
        lc = _with_signal(quiet, signal)
        return Case(name, "vetting-harmonic", lc, [], [], cadence, rotation_period=period)
    spec = _binary(rng, kind.split(":")[1], quiet)
    n_sub = max(1, math.ceil(recipe.cadence_min / _SUBSAMPLE_MIN))
    lc = _with_signal(quiet, eclipse_dips(quiet.time, spec, cadence, n_sub))
    return Case(name, "vetting-eb", lc, [], [], cadence,
                binaries=[binary_truth(spec, kind.split(":")[1], quiet.time, quiet.flux, cadence, n_sub)])


def binary_truth(spec: BinarySpec, kind: str, time: np.ndarray, quiet_flux: np.ndarray, cadence: float,
                 n_sub: int) -> dict[str, Any]:
    """The binary's parameters with the significance of its secondary and of its odd/even difference at P/2."""
    scatter = duration_scatter(time, quiet_flux, spec.duration)
    primary_only = eclipse_dips(time, BinarySpec(**{**spec.__dict__, "secondary_depth": 0.0}), cadence, n_sub)
    secondary_only = eclipse_dips(time, spec, cadence, n_sub) - primary_only
    primary_in = _in_eclipse(time, spec.period, spec.t0, spec.duration)
    secondary_in = _in_eclipse(time, spec.period, spec.t0 + spec.secondary_phase * spec.period, spec.duration)
    n1, n2 = int(primary_in.sum()), int(secondary_in.sum())
    d1 = float(np.mean(primary_only[primary_in])) if n1 else 0.0
    d2 = float(np.mean(secondary_only[secondary_in])) if n2 else 0.0
    secondary_sigma = effective_snr(d2, n2, spec.duration, cadence, scatter) if n2 else 0.0
    combined = 1.0 / (1.0 / n1 + 1.0 / n2) if n1 and n2 else 0.0
    odd_even_sigma = effective_snr(d1 - d2, int(combined), spec.duration, cadence, scatter) if combined else 0.0
    if abs(spec.secondary_phase - 0.5) > 0.5 * spec.duration / spec.period:
        odd_even_sigma = 0.0  # a box search cannot fold an eccentric pair at P/2
    return {**spec.__dict__, "kind": kind, "primary_mean_depth": d1, "secondary_mean_depth": d2,
            "secondary_sigma": secondary_sigma, "odd_even_sigma": odd_even_sigma,
            "significant": max(secondary_sigma, odd_even_sigma) >= SIGNIFICANT_SIGMA}


def _binary(rng: np.random.Generator, kind: str, quiet: LightCurve) -> BinarySpec:
    time = quiet.time
    span = float(time[-1] - time[0])
    period = float(rng.uniform(0.8, span / 3.0))
    duration = float(min(rng.uniform(1.5, 6.0) / 24.0, period / 8.0))
    k = float(rng.uniform(*RADIUS_RATIO))
    b = float(rng.uniform(1.0 - 0.3 * k, 1.0 + 0.6 * k)) if kind == "grazing" else float(rng.uniform(0.0, 0.6))
    phase = 0.5 if kind != "secondary" or rng.uniform() < 0.5 else float(rng.uniform(0.35, 0.65))
    t0 = float(time[0] + rng.uniform(0, period))
    cadence = float(np.median(np.diff(time)))
    in_eclipse = np.count_nonzero(_in_eclipse(time, period, t0, duration))
    target = float(np.exp(rng.uniform(*np.log(PRIMARY_SNR))))
    mean_depth = target * duration_scatter(time, quiet.flux, duration) / math.sqrt(max(in_eclipse * cadence / duration, 1.0))
    depth = min(1.3 * mean_depth, 0.5)  # the deepest point of an eclipse is ~1.3x its mean over the duration
    ratio = float(rng.uniform(*SECONDARY_RATIO[kind]))
    return BinarySpec(period=period, t0=t0, primary_depth=depth, secondary_depth=ratio * depth, radius_ratio=k, b=b,
                      duration=duration, secondary_phase=phase)


def _planet(rng: np.random.Generator, quiet: LightCurve) -> PlanetSpec:
    time = quiet.time
    span = float(time[-1] - time[0])
    period = float(rng.uniform(0.8, span / 3.0))
    duration = float(min(rng.uniform(1.0, 6.0) / 24.0, period / 8.0))
    t0 = float(time[0] + rng.uniform(0, period))
    cadence = float(np.median(np.diff(time)))
    transits = max(np.count_nonzero(_in_eclipse(time, period, t0, duration)) * cadence / duration, 1.0)
    target = float(rng.uniform(*PLANET_SNR))
    depth = target * duration_scatter(time, quiet.flux, duration) / math.sqrt(transits)
    rp_rs = float(min(math.sqrt(depth / 1.2), 0.3))  # a limb-darkened centre is ~1.2x deeper than rp_rs^2
    return PlanetSpec(period=period, t0=t0, rp_rs=rp_rs, b=float(rng.uniform(0, 0.6)), duration=duration)


def _in_eclipse(time: np.ndarray, period: float, t0: float, duration: float) -> np.ndarray:
    phase = np.mod(time - t0 + 0.5 * period, period) - 0.5 * period
    return np.abs(phase) <= 0.5 * duration


def _with_signal(quiet: LightCurve, dip: np.ndarray) -> LightCurve:
    """The quiet star with `dip` (relative flux lost) taken out of it."""
    return from_arrays(quiet.time, quiet.flux - dip, quiet.flux_err, None, dict(quiet.meta))

