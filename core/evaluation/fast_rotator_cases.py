"""Fast, deeply spotted rotators at 2-min cadence: a stress set, scored apart ("fastrot-TESS").

Young M dwarfs, the flare stars users bring most, turn in under a day with spots
that last many rotations and swing by tens to a hundred times a TESS curve's noise.
The hard stars rarely reach that (their spots live 2-6 rotations, their periods
run to 5 days). These stars do: rotation 0.3-1 d, spots FAST_AMPLITUDE_SIGMAS
times the white noise living FAST_LIFETIME_ROTATIONS, with flares and one-cadence
outliers and nothing else. Not in the design bars: it measures one kind of star
the bars' sets hold too few of.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from core.evaluation.cases import Case, with_sigma
from core.evaluation.summary import EVENT_RATES, source_row
from core.synthetic import SpotSpec, generate_lightcurve

FAST_PERIOD_DAYS = (0.3, 1.0)
FAST_AMPLITUDE_SIGMAS = (20.0, 150.0)  # log-uniform, in units of the white noise
FAST_LIFETIME_ROTATIONS = (10.0, 30.0)
FAST_STARS = 4
FAST_POINTS = 20160  # 28 days at 2-min cadence
_SEED_OFFSET = 90_000  # generator seeds apart from the other sets'


def is_fast_rotator(source: str) -> bool:
    """Curves of the fast-rotator stress set, scored apart."""
    return source.startswith("fastrot")


def build_fast_rotator_cases(seed: int, quick: bool = False) -> list[Case]:
    """FAST_STARS seeded fast rotators (none for a `quick` smoke run)."""
    return [] if quick else [fast_rotator_case(index, seed) for index in range(FAST_STARS)]


def fast_rotator_case(index: int, seed: int) -> Case:
    """One fast rotator with 8 flares of 2-30 sigma and 8 outliers of 5-30 sigma."""
    rng = np.random.default_rng([seed, index, 17])
    noise_ppm = float(np.exp(rng.uniform(np.log(200), np.log(2000))))
    sigma = noise_ppm * 1e-6
    amplitude = float(np.exp(rng.uniform(*np.log(FAST_AMPLITUDE_SIGMAS)))) * sigma
    spots = SpotSpec(period=float(rng.uniform(*FAST_PERIOD_DAYS)), amplitude=min(amplitude, 0.3),
                     lifetime_rotations=FAST_LIFETIME_ROTATIONS)
    lc, truth = generate_lightcurve(
        FAST_POINTS, 2.0, seed * 100_003 + _SEED_OFFSET + index, mission="TESS", noise_ppm=noise_ppm, spots=spots,
        n_flares=8, flare_amp_range=(2 * sigma, 30 * sigma), n_outliers=8, outlier_sigma_range=(5.0, 30.0),
    )
    return Case(f"fastrot-TESS-{index}", "fastrot-TESS", lc, with_sigma(truth.events, sigma), [], 2.0 / 1440.0)


def fast_rotator_markdown(counts: dict[str, Counter]) -> list[str]:
    """One row for the set: its flares and outliers."""
    lines = ["**Fast, deeply spotted rotators** (2-min cadence, rotation 0.3-1 d, spots 20-150 times the noise "
             "living 10-30 rotations; not in the bars)", "",
             "| source | curves | flare recall >=5 sigma | flare precision | outlier recall | outlier precision |",
             "|---|---|---|---|---|---|"]
    return lines + [source_row(source, counter, EVENT_RATES) for source, counter in counts.items()]
