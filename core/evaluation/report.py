"""The evaluation's counts per source, pooled over seeds, as JSON or as README-ready markdown tables."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from core.evaluation.cases import RED_NOISE_TAU_HOURS
from core.evaluation.scoring import ONE_EXPOSURE_SIGMA, SIGMA_BINS, SNR_BINS
from core.evaluation.summary import as_percent, as_text, median_or_none, rate, summarize
from core.result import EVENT_KINDS


@dataclass
class EvaluationReport:
    """Counts per metric and source; the rates and tables are derived from them."""

    settings: dict[str, Any]
    counts: dict[str, dict[str, int]]  # source -> counter key -> count
    period_errors: list[float]
    real_checks: list[dict[str, Any]]
    skipped: list[str]
    elapsed_s: float

    def total(self, sources: Iterable[str] | None = None) -> Counter:
        """Counts summed over `sources` (default: every injected source, clean stars apart)."""
        chosen = [s for s in self.counts if s != "clean"] if sources is None else list(sources)
        out: Counter = Counter()
        for source in chosen:
            out.update(self.counts.get(source, {}))
        return out

    def summary(self) -> dict[str, Any]:
        """The headline rates and whether each design bar is met."""
        return summarize(self.total(), Counter(self.counts.get("clean", {})), self.real_checks)

    @classmethod
    def pooled(cls, reports: Sequence["EvaluationReport"]) -> "EvaluationReport":
        """One report over several seeds: counts add up; the real files as they are are scored once.

        One seed's ~35 planets leave a recall uncertain by +-10 points; pooling seeds is
        how to tell a real change from the draw.
        """
        counts: dict[str, Counter] = {}
        for report in reports:
            for source, counter in report.counts.items():
                counts.setdefault(source, Counter()).update(counter)
        first = reports[0]
        settings = dict(first.settings, seed=[r.settings["seed"] for r in reports])
        return cls(settings, {source: dict(counter) for source, counter in counts.items()},
                   [e for r in reports for e in r.period_errors], first.real_checks, first.skipped,
                   sum(r.elapsed_s for r in reports))

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "elapsed_s": round(self.elapsed_s, 1),
            "summary": self.summary(),
            "counts": self.counts,
            "median_period_error": median_or_none(self.period_errors),
            "real_checks": self.real_checks,
            "skipped": self.skipped,
        }

    def to_markdown(self) -> str:
        """README-ready tables: ours beside the seed-style method on the same curves."""
        c = self.total()
        clean = Counter(self.counts.get("clean", {}))
        summary = self.summary()
        lines = [
            f"Injection-recovery, {_seeds(self.settings['seed'])}: "
            + ", ".join(f"{n} {source}" for source, n in self._curve_counts().items())
            + f" curves; {self.elapsed_s:.0f} s.",
            "",
            "**Transits** (found: a candidate period within 1% of the injected one; alias: P/2 or 2P)",
            "",
            "| SNR | planets | found | alias | recall |",
            "|---|---|---|---|---|",
        ]
        for name, _, _ in SNR_BINS:
            n, found = c[f"planet|{name}"], c[f"planet_found|{name}"]
            lines.append(f"| {name} | {n} | {found} | {c[f'planet_alias|{name}']} | {as_percent(rate(found, n))} |")
        if c["planet_single"]:
            lines += ["", f"Left out: {c['planet_single']} planet(s) with one transit in the data (gaps took the "
                          "others); a periodic search needs two, as the design says."]
        if any(c[f"planet_correlated|{name}"] for name, _, _ in SNR_BINS):
            lines += ["", f"Synthetic planets by SNR with the stars' correlated noise counted (AR(1) red noise of "
                          f"10-30% of the white noise per point, {RED_NOISE_TAU_HOURS:.0f}-h correlation time; "
                          "it does not average down over a long transit at 2-min cadence):", "",
                      "| SNR (white + red) | planets | found | recall |", "|---|---|---|---|"]
            for name, _, _ in SNR_BINS:
                n, found = c[f"planet_correlated|{name}"], c[f"planet_correlated_found|{name}"]
                lines.append(f"| {name} | {n} | {found} | {as_percent(rate(found, n))} |")
        lines += [
            "",
            f"Median period error of found planets: {as_text(median_or_none(self.period_errors), '.2e')} (relative).",
            "",
            f"Transit candidates on the injected stars: {c['candidate_det']}, of which {c['candidate_det_true']} "
            f"at an injected planet's period, P/2 or 2P ({as_percent(summary['transit_candidate_precision'])}); "
            "a real curve's own planet is not counted. The clean stars' false candidates are below.",
            "",
            "| individual transits (by planet SNR) | injected | ours: matched | seed-style: touched |",
            "|---|---|---|---|",
        ]
        for name, _, _ in SNR_BINS:
            n = c[f"transit|{name}"]
            lines.append(f"| {name} | {n} | {as_percent(rate(c[f'transit_found|{name}'], n))} "
                         f"| {as_percent(rate(c[f'transit_seed|{name}'], n))} |")
        lines += ["", "**Flares** (by observed peak / white-noise sigma)", "",
                  "| peak sigma | injected | ours: recall | seed-style: touched |", "|---|---|---|---|"]
        for name, _, _ in SIGMA_BINS:
            n = c[f"flare|{name}"]
            lines.append(f"| {name} | {n} | {as_percent(rate(c[f'flare_found|{name}'], n))} "
                         f"| {as_percent(rate(c[f'flare_seed|{name}'], n))} |")
        seed_precision = rate(c["seed_runs_true"], c["seed_runs"])
        lines += [
            f"| precision | | {as_percent(summary['flare_precision'])} ({c['flare_det']} flare events) "
            f"| {as_percent(seed_precision)} (any run on any injected event, {c['seed_runs']} runs) |",
            "",
        ]
        if c["flare_one_exposure"]:
            lines += [
                f"Of the flares >= 5 sigma, {c['flare_one_exposure']} are one high exposure (the next-highest, "
                f"noise-free, is below {ONE_EXPOSURE_SIGMA:.0f} sigma: flares shorter than a 30-min exposure), "
                "shaped like a one-cadence spike: "
                f"{as_percent(rate(c['flare_one_exposure_found'], c['flare_one_exposure']))} found as flares. "
                f"Recall on the other {c['flare_resolved']}: "
                f"{as_percent(rate(c['flare_resolved_found'], c['flare_resolved']))}.",
                "",
            ]
        lines += [
            "**Outliers** (5-30 sigma spikes, drops and 2-cadence glitches)",
            "",
            "| | ours | seed-style |",
            "|---|---|---|",
            f"| recall | {as_percent(summary['outlier_recall'])} of {c['outlier']} "
            f"| {as_percent(rate(c['outlier_seed'], c['outlier']))} touched |",
            f"| precision | {as_percent(summary['outlier_precision'])} ({c['outlier_det']} outlier events) "
            f"| {as_percent(seed_precision)} (all runs) |",
            "",
            f"**Clean stars** ({clean['stars']} with rotation, red noise and gaps, nothing injected): events per star",
            "",
            "| transit candidates | transit events | flare | outlier | anomaly | seed-style runs |",
            "|---|---|---|---|---|---|",
            "| " + " | ".join(as_text(summary["false_per_clean_star"][k], ".2f")
                             for k in ("transit_candidate",) + EVENT_KINDS)
            + f" | {as_text(summary['seed_false_runs_per_clean_star'], '.2f')} |",
            "",
            "**By source** (ours)",
            "",
            "| source | curves | transit recall SNR>=10 | flare recall >=5 sigma | flare precision "
            "| outlier recall | outlier precision |",
            "|---|---|---|---|---|---|---|",
        ]
        for source in (s for s in self.counts if s != "clean"):
            s = summarize(Counter(self.counts[source]), Counter(), [])
            lines.append(
                f"| {source} | {self.counts[source].get('stars', 0)} | {as_percent(s['transit_recall_snr_ge_10'])} "
                f"| {as_percent(s['flare_recall_ge_5_sigma'])} | {as_percent(s['flare_precision'])} "
                f"| {as_percent(s['outlier_recall'])} | {as_percent(s['outlier_precision'])} |"
            )
        if self.real_checks:
            lines += ["", "**Real files as they are** (MANIFEST.json known signals)", "",
                      "| file | signal | expected | found | detail |", "|---|---|---|---|---|"]
            lines += [f"| {r['file']} | {r['signal']} | {r['expected']} | {r['found']} | {r['detail']} |"
                      for r in self.real_checks]
        if self.skipped:
            lines += ["", "Skipped: " + "; ".join(self.skipped)]
        lines += ["", "**Design bars** (95% Wilson intervals: how far the rate could move on another draw of "
                  "as many stars)", "", "| bar | measured | 95% interval | met |", "|---|---|---|---|"]
        measured = summary["bar_measurements"]
        lines += [f"| {bar} | {measured[bar]['measured']} | {measured[bar]['interval_95']} | {_yes_no(ok)} |"
                  for bar, ok in summary["bars"].items()]
        return "\n".join(lines) + "\n"

    def _curve_counts(self) -> dict[str, int]:
        out = {source: counts.get("stars", 0) for source, counts in self.counts.items()}
        if self.real_checks:
            out["real as-is"] = len({r["file"] for r in self.real_checks})
        return out


def _seeds(seed: int | list[int]) -> str:
    return f"seed {seed}" if isinstance(seed, int) else f"seeds {', '.join(map(str, seed))} pooled"


def _yes_no(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**no**")
