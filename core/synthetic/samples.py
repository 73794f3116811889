"""The gallery's five named samples and their seeded variants.

Each name has a fixed default seed and fixed parameters, so `python -m core
samples` writes identical files on every run. Variants (index >= 5) cycle
through the five kinds with parameters drawn from their own seed.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Callable

import numpy as np

from core.errors import ConfigError
from core.lightcurve import LightCurve
from core.synthetic.generator import generate_lightcurve
from core.synthetic.specs import MISSIONS, PlanetSpec, Truth

SAMPLE_NAMES = ("normal_star", "exoplanet_transit", "stellar_flares", "noisy_outliers", "complex_system")

SAMPLE_DESCRIPTIONS = {
    "normal_star": "A quiet spotted star: rotation, red and white noise, data gaps; nothing to find.",
    "exoplanet_transit": "A ~1%-deep planet transit every 15 days in 90 days of Kepler-like 30-min data.",
    "stellar_flares": "An active M dwarf (TESS-like 2-min) with 8 flares from faint to strong on fast rotation.",
    "noisy_outliers": "A noisy TESS-like star with 20 instrumental spikes, drops and two-point glitches.",
    "complex_system": "Everything at once: spot rotation, a 4.1-day planet, flares, outliers and gaps.",
}

_DEFAULT_SEEDS = {name: 101 * (i + 1) for i, name in enumerate(SAMPLE_NAMES)}
_VARIANT = re.compile(r"^(?P<kind>[a-z_]+)_v(?P<index>\d+)$")
_KEPLER_CADENCE_MIN = 29.4244
_TESS_SECTOR = dict(n_points=20160, cadence_min=2.0, mission="TESS")
_KEPLER_QUARTER = dict(n_points=4400, cadence_min=_KEPLER_CADENCE_MIN, mission="Kepler")


def sample_names(n_samples: int) -> list[str]:
    """The first `n_samples` sample names: the five kinds, then kind_v<index> variants."""
    return [variant_name(index) for index in range(n_samples)]


def variant_name(index: int) -> str:
    """Name of sample number `index` (0-4 are the five kinds, then e.g. 6 -> "exoplanet_transit_v6")."""
    kind = SAMPLE_NAMES[index % len(SAMPLE_NAMES)]
    return kind if index < len(SAMPLE_NAMES) else f"{kind}_v{index}"


def sample_seed(name: str) -> int:
    """The default seed of a sample: fixed per kind, 1000 + index for variants."""
    kind, index = _parse(name)
    return _DEFAULT_SEEDS[kind] if index is None else 1000 + index


def describe_sample(name: str) -> str:
    kind, index = _parse(name)
    return SAMPLE_DESCRIPTIONS[kind] + ("" if index is None else f" (variant {index}: other seed and parameters)")


def generate_sample(name: str, seed: int | None = None) -> tuple[LightCurve, Truth]:
    """One named sample (a kind or a kind_v<index> variant). `seed` replaces the default realisation only."""
    kind, index = _parse(name)
    seed = sample_seed(name) if seed is None else int(seed)
    # The five fixed samples keep their parameters whatever the seed; variants draw theirs from it.
    draw = None if index is None else np.random.default_rng([seed, index])
    kwargs = _BUILDERS[kind](draw)
    lc, truth = generate_lightcurve(seed=seed, target=f"SYN-{name}-seed{seed}", **kwargs)
    return replace(lc, meta={**lc.meta, "sample": name}), truth


def generate_variant(index: int, seed: int | None = None) -> tuple[LightCurve, Truth]:
    """Sample number `index` (>= 5 gives a seeded variant of kind index % 5)."""
    if index < 0:
        raise ConfigError(f"variant index must be >= 0, got {index}")
    return generate_sample(variant_name(index), seed)


def _parse(name: str) -> tuple[str, int | None]:
    if name in SAMPLE_NAMES:
        return name, None
    match = _VARIANT.match(name)
    if match:
        kind, index = match["kind"], int(match["index"])
        if kind in SAMPLE_NAMES and index >= len(SAMPLE_NAMES) and variant_name(index) == name:
            return kind, index
    raise ConfigError(
        f"unknown sample {name!r}; choose one of {', '.join(SAMPLE_NAMES)} "
        f"or a variant such as {variant_name(6)}"
    )


def _pick(draw: np.random.Generator | None, fixed: float, low: float, high: float, log: bool = False) -> float:
    """The fixed value for the named samples, a uniform (or log-uniform) draw for variants."""
    if draw is None:
        return fixed
    if log:
        return float(np.exp(draw.uniform(np.log(low), np.log(high))))
    return float(draw.uniform(low, high))


def _sun_like_a_rs(period: float) -> float:
    """a/R* for a planet around a Sun-like star (Kepler's third law: 215 R_sun per AU)."""
    return 215.0 * (period / 365.25) ** (2.0 / 3.0)


def _spotted_star(
    draw: np.random.Generator | None, observing: dict[str, Any], noise_ppm: tuple[float, float, float],
    rotation_period: tuple[float, float, float], rotation_amp: tuple[float, float, float],
) -> dict[str, Any]:
    """The observing set-up and a spotted star's white noise and rotation.

    Each triple is (the named sample's value, a variant's low, high); the
    amplitude is drawn log-uniformly. Drawn in this order, before anything else
    of the star the caller adds.
    """
    return dict(
        **observing,
        noise_ppm=_pick(draw, *noise_ppm),
        rotation_period=_pick(draw, *rotation_period),
        rotation_amp=_pick(draw, *rotation_amp, log=True),
    )


def _normal_star(draw: np.random.Generator | None) -> dict[str, Any]:
    return dict(
        **_spotted_star(draw, _TESS_SECTOR, (300.0, 150.0, 800.0), (6.3, 1.0, 15.0), (0.004, 0.0005, 0.01)),
        red_noise_ppm=_pick(draw, 100.0, 30.0, 200.0),
    )


def _exoplanet_transit(draw: np.random.Generator | None) -> dict[str, Any]:
    period = _pick(draw, 15.0, 3.0, 15.0)
    t_start = MISSIONS["Kepler"].t_start
    return dict(
        **_spotted_star(draw, _KEPLER_QUARTER, (250.0, 100.0, 500.0), (11.5, 5.0, 25.0), (0.002, 0.0005, 0.005)),
        red_noise_ppm=50.0,
        red_noise_tau_hours=6.0,
        planets=(PlanetSpec(
            period=period,
            t0=t_start + _pick(draw, 5.2, 0.5, period),
            rp_rs=_pick(draw, 0.09, 0.05, 0.12),
            b=_pick(draw, 0.3, 0.0, 0.7),
            a_rs=_sun_like_a_rs(period),
        ),),
    )


def _stellar_flares(draw: np.random.Generator | None) -> dict[str, Any]:
    return dict(
        **_spotted_star(draw, _TESS_SECTOR, (600.0, 400.0, 1200.0), (1.8, 0.5, 5.0), (0.008, 0.002, 0.02)),
        red_noise_ppm=150.0,
        n_flares=8 if draw is None else int(draw.integers(5, 13)),
        flare_amp_range=(0.004, 0.3),
        flare_fwhm_range_min=(4.0, 30.0),
    )


def _noisy_outliers(draw: np.random.Generator | None) -> dict[str, Any]:
    return dict(
        **_spotted_star(draw, _TESS_SECTOR, (1500.0, 800.0, 2500.0), (4.5, 2.0, 12.0), (0.003, 0.001, 0.008)),
        red_noise_ppm=300.0,
        n_outliers=20 if draw is None else int(draw.integers(15, 26)),
        outlier_sigma_range=(7.0, 20.0),
    )


def _complex_system(draw: np.random.Generator | None) -> dict[str, Any]:
    period = _pick(draw, 4.1, 2.0, 7.0)
    return dict(
        **_spotted_star(draw, _TESS_SECTOR, (400.0, 250.0, 800.0), (3.2, 1.5, 10.0), (0.006, 0.002, 0.012)),
        red_noise_ppm=150.0,
        planets=(PlanetSpec(
            period=period,
            t0=MISSIONS["TESS"].t_start + _pick(draw, 1.9, 0.3, period),
            rp_rs=_pick(draw, 0.075, 0.05, 0.1),
            b=_pick(draw, 0.25, 0.0, 0.6),
            a_rs=_sun_like_a_rs(period),
        ),),
        n_flares=4 if draw is None else int(draw.integers(2, 7)),
        flare_amp_range=(0.005, 0.05),
        n_outliers=8 if draw is None else int(draw.integers(4, 12)),
        n_small_gaps=4,
    )


_BUILDERS: dict[str, Callable[[np.random.Generator | None], dict[str, Any]]] = {
    "normal_star": _normal_star,
    "exoplanet_transit": _exoplanet_transit,
    "stellar_flares": _stellar_flares,
    "noisy_outliers": _noisy_outliers,
    "complex_system": _complex_system,
}
