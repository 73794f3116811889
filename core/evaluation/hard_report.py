"""Tables for what the hard stars add: glitches by length, flare-like bumps, planets at rotation harmonics,
and false events per clean star for each clean set and every kind."""
from __future__ import annotations

from typing import Mapping

from core.evaluation.scoring import HARMONIC_MIN_SNR
from core.evaluation.unusual_cases import UNUSUAL_KINDS
from core.result import EVENT_KINDS

MAX_GLITCH_ROWS = 20


def hard_star_markdown(c: Mapping[str, int]) -> list[str]:
    """Outlier recall by glitch length (and what missed ones were called), bumps called flares, harmonic planets."""
    lines = ["**Glitches by length** (flat-topped boxes with sharp edges; an outlier either way)", "",
             "| cadences | injected | found as outlier |", "|---|---|---|"]
    for n_cadences in range(1, MAX_GLITCH_ROWS + 1):
        n = c.get(f"outlier_len|n={n_cadences}", 0)
        if n:
            found = c.get(f"outlier_len_found|n={n_cadences}", 0)
            lines.append(f"| {n_cadences} | {n} | {found} ({100 * found / n:.0f}%) |")
    missed_as = {key.split("|")[1]: n for key, n in c.items() if key.startswith("outlier_missed_as|")}
    if missed_as:
        lines += ["", "Missed outliers reported as another kind: "
                  + ", ".join(f"{kind} {n}" for kind, n in sorted(missed_as.items())) + "."]
    if c.get("bump"):
        lines += ["", f"**Flare-like bumps** (symmetric, or rising slowly and dropping fast; 5-30 sigma; not flares): "
                  f"{c['bump']} injected on the hard stars, {c.get('bump_as_flare', 0)} reported as flares "
                  f"(false flares, counted in the flare precision), {c.get('bump_as_any', 0)} touched by an event "
                  "of any kind."]
    if c.get("planet_harmonic"):
        lines += ["", f"**Planets at a rotation harmonic** (P = k x P_rot or P_rot / k, k = 1-3; effective SNR >= "
                  f"{HARMONIC_MIN_SNR:.0f}): {c.get('planet_harmonic_found', 0)} of {c['planet_harmonic']} found."]
    return lines


def clean_by_set_markdown(by_source: Mapping[str, Mapping[str, int]]) -> list[str]:
    """Events per clean star of every kind (the unusual ones included), for each clean set."""
    kinds = ("transit_candidate",) + tuple(dict.fromkeys(EVENT_KINDS + UNUSUAL_KINDS))
    lines = ["By clean set, every kind (events per star):", "",
             "| clean set | stars | " + " | ".join(kinds) + " |", "|---|---|" + "---|" * len(kinds)]
    for source, counts in by_source.items():
        stars = counts.get("stars", 0)
        cells = [f"{counts.get(f'false|{kind}', 0) / stars:.2f}" if stars else "-" for kind in kinds]
        lines.append(f"| {source} | {stars} | " + " | ".join(cells) + " |")
    return lines
