"""The evaluation's counts per source, pooled over seeds, as JSON or as README-ready markdown tables."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from core.evaluation.cases import RED_NOISE_TAU_HOURS, is_clean, is_unusual, is_vetting
from core.evaluation.effective_snr import FLATTEN_DURATIONS
from core.evaluation.fast_rotator_cases import fast_rotator_markdown, is_fast_rotator
from core.evaluation.foreign_flares import foreign_flare_markdown
from core.evaluation.identifiable import IDENTIFIABLE_LEAD, MAX_BOX_CADENCES
from core.evaluation.identifiable import MIN_SIGNIFICANCE as IDENTIFIABLE_SIGNIFICANCE
from core.evaluation.hard_report import clean_by_set_markdown, hard_star_markdown
from core.evaluation.labels import labels_markdown
from core.evaluation.noise_cases import is_noise, noise_markdown
from core.evaluation.red_noise_cases import is_red_noise, red_noise_markdown
from core.evaluation.reliability import reliability_markdown
from core.evaluation.scoring import ONE_EXPOSURE_SIGMA, SIGMA_BINS, SNR_BINS
from core.evaluation.summary import EVENT_RATES, as_percent, as_text, median_or_none, rate, source_row, summarize
from core.evaluation.unusual import unusual_markdown
from core.evaluation.vetting_score import vetting_markdown, vetting_summary

# The clean-star table's columns, as they were before the unusual kinds (clean_by_set_markdown lists every kind).
_TODAYS_KINDS = ("transit", "flare", "outlier", "anomaly")


@dataclass
class EvaluationReport:
    """Counts per metric and source; the rates and tables are derived from them.

    `label_rows` are the real flare stars' events against labels made by eye;
    `calibration` one record per event of every scored curve (its kind, whether
    it is real, its numeric fields), written by `--calibration-out`, not by to_dict.
    """

    settings: dict[str, Any]
    counts: dict[str, dict[str, int]]  # source -> counter key -> count
    period_errors: list[float]
    real_checks: list[dict[str, Any]]
    skipped: list[str]
    elapsed_s: float
    label_rows: list[dict[str, Any]] = field(default_factory=list)
    calibration: list[dict[str, Any]] = field(default_factory=list)

    def total(self, sources: Iterable[str] | None = None) -> Counter:
        """Counts summed over `sources` (default: every injected source; clean stars and unusual events apart)."""
        chosen = ([s for s in self.counts if not _scored_apart(s)]
                  if sources is None
                  else list(sources))
        out: Counter = Counter()
        for source in chosen:
            out.update(self.counts.get(source, {}))
        return out

    def clean_total(self) -> Counter:
        return self.total([s for s in self.counts if is_clean(s)])

    def unusual_total(self) -> Counter:
        return self.total([s for s in self.counts if is_unusual(s)])

    def vetting_total(self) -> Counter:
        return self.total([s for s in self.counts if is_vetting(s)])

    def summary(self) -> dict[str, Any]:
        """The headline rates and whether each design bar is met."""
        return summarize(self.total(), self.clean_total(), self.real_checks, self.label_rows, self.unusual_total(),
                         self.total(self.counts))

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
                   sum(r.elapsed_s for r in reports), first.label_rows,
                   [record for r in reports for record in r.calibration])

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "elapsed_s": round(self.elapsed_s, 1),
            "summary": self.summary(),
            "vetting": vetting_summary(self.vetting_total()),
            "counts": self.counts,
            "median_period_error": median_or_none(self.period_errors),
            "real_checks": self.real_checks,
            "real_labels": self.label_rows,
            "skipped": self.skipped,
        }

    def calibration_by_kind(self) -> dict[str, list[dict[str, Any]]]:
        """The calibration records grouped by event kind: {kind: [{"features", "real", "case", "source"}]}."""
        out: dict[str, list[dict[str, Any]]] = {}
        for record in self.calibration:
            out.setdefault(record["kind"], []).append({k: v for k, v in record.items() if k != "kind"})
        return out

    def to_markdown(self) -> str:
        """README-ready tables: ours beside the seed-style method on the same curves."""
        c = self.total()
        clean = self.clean_total()
        summary = self.summary()
        lines = [
            f"Injection-recovery, {_seeds(self.settings['seed'])}: "
            + ", ".join(f"{n} {source}" for source, n in self._curve_counts().items())
            + f" curves; {self.elapsed_s:.0f} s.",
            "",
            "**Transits** (found: a candidate period within 1% of the injected one; alias: P/2 or 2P) by effective "
            f"SNR: depth x sqrt(transits with data) / the scatter, averaged over one duration, of the same curve "
            f"without injections flattened by a running mean {FLATTEN_DURATIONS:.0f} durations long (white plus "
            "correlated noise, like Kepler's MES)",
            "",
            "| effective SNR | planets | found | alias | recall |",
            "|---|---|---|---|---|",
        ]
        for name, _, _ in SNR_BINS:
            n, found = c[f"planet_effective|{name}"], c[f"planet_effective_found|{name}"]
            lines.append(f"| {name} | {n} | {found} | {c[f'planet_effective_alias|{name}']} "
                         f"| {as_percent(rate(found, n))} |")
        lines += [
            "",
            "The same planets by white-noise SNR (depth / sigma_white x sqrt(points in transit)):",
            "",
            "| SNR | planets | found | alias | recall |",
            "|---|---|---|---|---|",
        ]
        for name, _, _ in SNR_BINS:
            n, found = c[f"planet|{name}"], c[f"planet_found|{name}"]
            lines.append(f"| {name} | {n} | {found} | {c[f'planet_alias|{name}']} | {as_percent(rate(found, n))} |")
        lines += ["", "Counting only candidates whose vetting verdict is not `false_alarm` (what a user who trusts "
                      f"the verdict keeps): recall at effective SNR >= 10 is "
                      f"{as_percent(summary['transit_recall_effective_snr_ge_10_believed'])}."]
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
            f"a real curve's own planet is not counted. The vetting calls {c['candidate_det_false_alarm']} of them a "
            f"false alarm ({c['candidate_det_false_alarm_true']} of those at an injected period); of the others, "
            f"{as_percent(summary['transit_candidate_precision_believed'])} are at an injected period. "
            "The clean stars' false candidates are below.",
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
        if c["flare_identifiable"]:
            lines += [*self._identifiable_markdown(), ""]
        foreign = foreign_flare_markdown(clean)
        if foreign:
            lines += [*foreign, ""]
        lines += [
            "**Outliers** (5-30 sigma spikes, drops and flat-topped glitches of 2 cadences, 2-5 on the hard stars)",
            "",
            "| | ours | seed-style |",
            "|---|---|---|",
            f"| recall | {as_percent(summary['outlier_recall'])} of {c['outlier']} "
            f"| {as_percent(rate(c['outlier_seed'], c['outlier']))} touched |",
            f"| precision | {as_percent(summary['outlier_precision'])} ({c['outlier_det']} outlier events) "
            f"| {as_percent(seed_precision)} (all runs) |",
            "",
            *hard_star_markdown(c),
            "",
            f"**Clean stars** ({clean['stars']} with rotation or evolving spots, red noise, gaps, ramps and K2 roll, "
            "nothing injected): events per star",
            "",
            "| transit candidates | transit events | flare | outlier | anomaly | seed-style runs |",
            "|---|---|---|---|---|---|",
            "| " + " | ".join(as_text(summary["false_per_clean_star"][k], ".2f")
                             for k in ("transit_candidate",) + _TODAYS_KINDS)
            + f" | {as_text(summary['seed_false_runs_per_clean_star'], '.2f')} |",
            "",
            *clean_by_set_markdown({s: self.counts[s] for s in self.counts if is_clean(s)}),
            "",
            "**By source** (ours)",
            "",
            "| source | curves | transit recall SNR>=10 | flare recall >=5 sigma | flare precision "
            "| outlier recall | outlier precision | transit recall effective SNR>=10 |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [source_row(source, self.counts[source], ("transit_recall_snr_ge_10",) + EVENT_RATES
                             + ("transit_recall_effective_snr_ge_10",))
                  for source in self.counts if not _scored_apart(source)]
        red_sources = {s: self.counts[s] for s in self.counts if is_red_noise(s)}
        if red_sources:
            lines += ["", *red_noise_markdown(red_sources)]
        fast_sources = {s: self.counts[s] for s in self.counts if is_fast_rotator(s)}
        if fast_sources:
            lines += ["", *fast_rotator_markdown(fast_sources)]
        unusual_sources = {s: self.counts[s] for s in self.counts if is_unusual(s)}
        if unusual_sources:
            lines += ["", *unusual_markdown(self.unusual_total(), unusual_sources, clean)]
        if self.vetting_total():
            lines += ["", *vetting_markdown(self.vetting_total())]
        noise_sources = {s: self.counts[s] for s in self.counts if is_noise(s)}
        if noise_sources:
            lines += ["", *noise_markdown(noise_sources)]
        if self.real_checks:
            lines += ["", "**Real files as they are** (MANIFEST.json known signals)", "",
                      "| file | signal | expected | found | detail |", "|---|---|---|---|---|"]
            lines += [f"| {r['file']} | {r['signal']} | {r['expected']} | {r['found']} | {r['detail']} |"
                      for r in self.real_checks]
        if self.label_rows:
            lines += ["", *labels_markdown(self.label_rows)]
        lines += ["", *reliability_markdown(self.total(self.counts))]
        if self.skipped:
            lines += ["", "Skipped: " + "; ".join(self.skipped)]
        lines += ["", "**Design bars** (95% Wilson intervals: how far the rate could move on another draw of "
                  "as many stars)", "", "| bar | measured | 95% interval | met |", "|---|---|---|---|"]
        measured = summary["bar_measurements"]
        lines += [f"| {bar} | {measured[bar]['measured']} | {measured[bar]['interval_95']} | {_yes_no(ok)} |"
                  for bar, ok in summary["bars"].items()]
        return "\n".join(lines) + "\n"

    def _identifiable_markdown(self) -> list[str]:
        """Flare recall beside what an ideal observer, who knows each flare's shape, tells from a glitch."""
        lines = [
            f"Which flares >= 5 sigma could anyone call a flare? An observer who knows each one's exact shape and "
            f"peak time fits it against the best flat glitch of 1-{MAX_BOX_CADENCES} exposures "
            f"(`core/evaluation/identifiable.py`); *identifiable* means the template wins by chi^2 >= "
            f"{IDENTIFIABLE_LEAD:.0f} (2 sigma) and stands {IDENTIFIABLE_SIGNIFICANCE:.0f} sigma over the local "
            "quadratic. No detector can tell a flare that is not identifiable from a glitch.",
            "",
            "| source | flares >= 5 sigma | identifiable | recall | recall on the identifiable |",
            "|---|---|---|---|---|",
        ]
        for source, counts in self.counts.items():
            counts = Counter(counts)
            if counts["flare|5-10"] + counts["flare|>10"] and not _scored_apart(source):
                lines.append(_identifiable_row(source, counts))
        lines.append(_identifiable_row("all", self.total()))
        return lines

    def _curve_counts(self) -> dict[str, int]:
        out = {source: counts.get("vet_curves" if is_vetting(source) else "stars", 0)
               for source, counts in self.counts.items()}
        if self.real_checks:
            out["real as-is"] = len({r["file"] for r in self.real_checks})
        return out


def _identifiable_row(source: str, counts: Counter) -> str:
    n = counts["flare|5-10"] + counts["flare|>10"]
    found = counts["flare_found|5-10"] + counts["flare_found|>10"]
    ident, ident_found = counts["flare_identifiable"], counts["flare_identifiable_found"]
    return (f"| {source} | {n} | {ident} ({as_percent(rate(ident, n))}) | {as_percent(rate(found, n))} "
            f"| {as_percent(rate(ident_found, ident))} |")


def _scored_apart(source: str) -> bool:
    """Sets with their own tables, left out of the injected stars' totals."""
    return (is_clean(source) or is_unusual(source) or is_vetting(source) or is_noise(source) or is_red_noise(source)
            or is_fast_rotator(source))


def _seeds(seed: int | list[int]) -> str:
    return f"seed {seed}" if isinstance(seed, int) else f"seeds {', '.join(map(str, seed))} pooled"


def _yes_no(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "**no**")
