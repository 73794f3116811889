"""Stars with correlated noise as strong as the white: a stress set, scored apart ("rednoise-<mission>").

Our synthetic and hard stars carry red noise of 10-30% of the white. An injection
set made elsewhere may not: issue 16's used "stronger correlated noise", and real
stars' granulation and instruments can reach the white noise's level. These stars
are today's synthetic ones (one planet, flares, outliers) with red noise equal to
the white, correlated over half an hour (about a flare's length) or three hours
(a transit's); the planet's SNR target is its effective SNR, as on the hard stars.
Flare and outlier sigmas stay white-noise sigmas, as in every other table, so a
5-sigma flare here stands 3.5 sigma above the total noise. Not in the design bars:
it measures how the detectors degrade, not what they promise.
"""
from __future__ import annotations

from collections import Counter

from core.evaluation.cases import KEPLER_STAR, TESS_STAR, Case, synthetic_case
from core.evaluation.summary import EVENT_RATES, source_row

RED_SHARE = (1.0, 1.0)  # red noise / white noise
TAU_HOURS = (0.5, 3.0)
STARS_PER_MISSION = 4  # alternating between the two correlation times
_INDEX_OFFSET = 1_000  # generator seeds apart from the synthetic stars'


def is_red_noise(source: str) -> bool:
    """Curves of the stronger-correlated-noise set, scored apart."""
    return source.startswith("rednoise")


def build_red_noise_cases(seed: int, quick: bool = False) -> list[Case]:
    """STARS_PER_MISSION TESS-like and Kepler-like stars (none for a `quick` smoke run)."""
    if quick:
        return []
    return [synthetic_case(_INDEX_OFFSET + index, seed, recipe, red_share=RED_SHARE,
                           red_tau_hours=TAU_HOURS[index % len(TAU_HOURS)], source="rednoise", effective_target=True)
            for recipe in (TESS_STAR, KEPLER_STAR) for index in range(STARS_PER_MISSION)]


def red_noise_markdown(counts: dict[str, Counter]) -> list[str]:
    """One row per mission, the columns of the by-source table."""
    lines = ["**Stronger correlated noise** (red noise as strong as the white, correlated over 0.5 h or 3 h; "
             "sigmas are white-noise sigmas; not in the bars)", "",
             "| source | curves | flare recall >=5 sigma | flare precision | outlier recall | outlier precision "
             "| transit recall effective SNR>=10 | transit candidates (false) | false ones vetted as false alarms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for source, counter in counts.items():
        candidates = counter.get("candidate_det", 0)
        false = candidates - counter.get("candidate_det_true", 0)
        vetted = counter.get("candidate_det_false_alarm", 0) - counter.get("candidate_det_false_alarm_true", 0)
        lines.append(source_row(source, counter, EVENT_RATES + ("transit_recall_effective_snr_ge_10",))
                     + f" {candidates} ({false}) | {vetted} |")
    return lines
