"""The evaluation's headline rates, their 95% intervals, and whether each design bar is met."""
from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

import numpy as np

from core.evaluation.labels import long_cadence_precision
from core.evaluation.reliability import HIGH_CONFIDENCE, reliability_summary
from core.evaluation.scoring import SNR_BINS
from core.evaluation.unusual import unusual_summary
from core.evaluation.unusual_cases import UNUSUAL_KINDS
from core.result import EVENT_KINDS


def summarize(c: Counter, clean: Counter, real_checks: list[dict[str, Any]],
              label_rows: Sequence[dict[str, Any]] = (), unusual: Counter | None = None,
              confidence: Counter | None = None) -> dict[str, Any]:
    """The headline rates and whether each design bar is met.

    `c` holds the counts of the injected curves, `clean` those of the clean stars,
    `real_checks` the rows of the real files checked as they are, `label_rows`
    their flare events against labels made by eye, `unusual` the counts of the
    unusual events' curves, `confidence` the counts of every curve (reliability, and the raised-noise set's).
    """
    n_clean = clean["stars"]
    high = [name for name, low, _ in SNR_BINS if low >= 10]
    fractions = {  # (hits, trials) behind each rate bar
        "transit_recall_effective_snr_ge_10": (sum(c[f"planet_effective_found|{b}"] for b in high),
                                               sum(c[f"planet_effective|{b}"] for b in high)),
        # Not a design bar: the same, counting only candidates the vetting does not call a false alarm.
        "transit_recall_effective_snr_ge_10_believed": (sum(c[f"planet_effective_believed|{b}"] for b in high),
                                                        sum(c[f"planet_effective|{b}"] for b in high)),
        # Not a design bar since effective SNR replaced it: recall at white-noise SNR >= 10.
        "transit_recall_snr_ge_10": (sum(c[f"planet_found|{b}"] for b in high), sum(c[f"planet|{b}"] for b in high)),
        # Not a design bar: synthetic planets at SNR >= 10 with the correlated noise counted.
        "transit_recall_correlated_snr_ge_10": (sum(c[f"planet_correlated_found|{b}"] for b in high),
                                                sum(c[f"planet_correlated|{b}"] for b in high)),
        "flare_recall_ge_5_sigma": (c["flare_found|5-10"] + c["flare_found|>10"], c["flare|5-10"] + c["flare|>10"]),
        # Not a design bar: the same flares without those that are one high exposure.
        "flare_recall_ge_5_sigma_resolved": (c["flare_resolved_found"], c["flare_resolved"]),
        # Nor this: the flares an ideal observer tells from a flat glitch (core.evaluation.identifiable).
        "flare_recall_ge_5_sigma_identifiable": (c["flare_identifiable_found"], c["flare_identifiable"]),
        "flare_precision": (c["flare_det_true"], c["flare_det"]),
        "outlier_recall": (c["outlier_found"], c["outlier"]),
        "outlier_precision": (c["outlier_det_true"], c["outlier_det"]),
        # Not a design bar: candidates on injected stars at an injected planet's period (or P/2, 2P).
        "transit_candidate_precision": (c["candidate_det_true"], c["candidate_det"]),
        # ... and among those the vetting does not call a false alarm.
        "transit_candidate_precision_believed": (c["candidate_det_true"] - c["candidate_det_false_alarm_true"],
                                                 c["candidate_det"] - c["candidate_det_false_alarm"]),
        "real_long_cadence_flare_precision": long_cadence_precision(label_rows),
        # Not a design bar: each half of those files analysed alone (real.halves).
        "real_long_cadence_flare_precision_halves": long_cadence_precision(label_rows, parts=True),
        # Not design bars: flares on the clean stars, as the detector's own template and as another (foreign_flares.py).
        **{f"flare_recall_{template}_template": (
            sum(clean[f"foreign_flare|{template}|{cls}|found"] for cls in ("short", "long")),
            sum(clean[f"foreign_flare|{template}|{cls}|injected"] for cls in ("short", "long")))
           for template in ("davenport", "mendoza")},
        # Not design bars: stretches of raised noise found as anomalies, and those where another kind was named.
        "raised_noise_found": ((confidence or Counter())["noise_stretch_found"], (confidence or Counter())["noise_stretch"]),
        "raised_noise_named": ((confidence or Counter())["noise_stretch_named"], (confidence or Counter())["noise_stretch"]),
    }
    unusual_rates = unusual_summary(unusual or Counter(), clean)
    fractions["unusual_recall_snr_ge_15"] = (unusual_rates["found_snr_ge_15"], unusual_rates["injected_snr_ge_15"])
    fractions["unusual_kind_accuracy_snr_ge_15"] = (unusual_rates["named_snr_ge_15"],
                                                    unusual_rates["injected_snr_ge_15"])
    kinds = ("transit_candidate",) + tuple(dict.fromkeys(EVENT_KINDS + UNUSUAL_KINDS))
    out = {
        **{name: rate(hits, n) for name, (hits, n) in fractions.items()},
        "fractions": {name: [hits, n] for name, (hits, n) in fractions.items()},
        "intervals_95": {name: wilson_interval(hits, n) for name, (hits, n) in fractions.items()},
        "false_per_clean_star": {kind: rate(clean[f"false|{kind}"], n_clean) for kind in kinds},
        "seed_false_runs_per_clean_star": rate(clean["seed_runs"], n_clean),
        "unusual": unusual_rates,
    }
    false = out["false_per_clean_star"]
    rate_bars = (("transit recall >= 90% at effective SNR >= 10", "transit_recall_effective_snr_ge_10", 0.9),
                 ("flare recall >= 90% at >= 5 sigma", "flare_recall_ge_5_sigma", 0.9),
                 ("flare precision >= 90%", "flare_precision", 0.9),
                 ("outlier recall >= 95%", "outlier_recall", 0.95),
                 ("outlier precision >= 90%", "outlier_precision", 0.9))
    bars: dict[str, tuple[bool | None, str, str]] = {}  # bar -> (met, measured, 95% interval)
    for bar, name, floor in rate_bars:
        hits, n = fractions[name]
        interval = out["intervals_95"][name]
        bars[bar] = (at_least(out[name], floor), f"{as_percent(out[name])} ({hits}/{n})",
                     f"{interval[0]:.0%}-{interval[1]:.0%}" if interval else "-")
    per_star = ("transit_candidate", "flare", "outlier")
    bars["<= 0.2 false transit/flare/outlier per clean star"] = (
        all(at_most(false[k], 0.2) for k in per_star),
        ", ".join(f"{k} {as_text(false[k], '.2f')}" for k in per_star), "")
    bars["<= 1 anomaly event per clean star"] = (at_most(false["anomaly"], 1.0), as_text(false["anomaly"], ".2f"), "")
    for bar, name, floor in (("unusual events at SNR >= 15: >= 90% found (not as flare or outlier)",
                              "unusual_recall_snr_ge_15", 0.9),
                             ("unusual events at SNR >= 15: >= 80% with the right kind",
                              "unusual_kind_accuracy_snr_ge_15", 0.8),
                             ("real long-cadence flare stars: >= 80% of flare events on a flare by eye",
                              "real_long_cadence_flare_precision", 0.8)):
        hits, n = fractions[name]
        interval = out["intervals_95"][name]
        bars[bar] = (at_least(out[name], floor), f"{as_percent(out[name])} ({hits}/{n})",
                     f"{interval[0]:.0%}-{interval[1]:.0%}" if interval else "-")
    inside = unusual_rates["with_flare_inside_snr_ge_15"]
    bars["unusual events at SNR >= 15: no flare inside"] = (
        inside == 0 if unusual_rates["injected_snr_ge_15"] else None,
        f"{inside} of {unusual_rates['injected_snr_ge_15']} with a flare inside", "")
    bars["<= 0.5 unusual events (single transit, dip, brightening, step, oscillation) per clean star"] = (
        at_most(unusual_rates["false_per_clean_star"], 0.5), as_text(unusual_rates["false_per_clean_star"], ".2f"), "")
    found = sum(r["found"] == r["expected"] for r in real_checks)
    bars["real files: known signals found"] = (
        found == len(real_checks) if real_checks else None,
        f"{found} of {len(real_checks)} checks" if real_checks else "-", "")
    high_confidence = reliability_summary(confidence or Counter())
    real_high, n_high = high_confidence["bins"][-1]["real"], high_confidence["high_confidence_events"]
    bars[f"of events with confidence >= {HIGH_CONFIDENCE}, >= 80% real"] = (
        at_least(rate(real_high, n_high), 0.8), f"{as_percent(rate(real_high, n_high))} ({real_high}/{n_high})", "")
    out["confidence_reliability"] = high_confidence
    out["bars"] = {bar: met for bar, (met, _, _) in bars.items()}
    out["bar_measurements"] = {bar: {"measured": measured, "interval_95": interval}
                               for bar, (_, measured, interval) in bars.items()}
    return out


def wilson_interval(hits: int, n: int, z: float = 1.96) -> list[float] | None:
    """Wilson score interval of a binomial rate: honest at 0%, 100% and small n, unlike rate +- z*se."""
    if n <= 0:
        return None
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [float(max(0.0, centre - half)), float(min(1.0, centre + half))]


def rate(hits: float, total: float) -> float | None:
    return None if not total else hits / total


def median_or_none(values: Sequence[float]) -> float | None:
    return float(np.median(values)) if len(values) else None


def at_least(value: float | None, bar: float) -> bool | None:
    return None if value is None else value >= bar


def at_most(value: float | None, bar: float) -> bool | None:
    return None if value is None else value <= bar


def as_percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


# The flare and outlier rates every per-source table shows, in this order.
EVENT_RATES = ("flare_recall_ge_5_sigma", "flare_precision", "outlier_recall", "outlier_precision")


def source_row(source: str, counter: Counter, rates: Sequence[str]) -> str:
    """A per-source table row: the source, its curves, then each of `rates` (summary keys) as a percentage,
    left open at the end for a table's own further cells."""
    summary = summarize(Counter(counter), Counter(), [])
    return f"| {source} | {counter.get('stars', 0)} | " + " | ".join(as_percent(summary[r]) for r in rates) + " |"


def as_text(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)
