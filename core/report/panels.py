"""What each panel of a candidate's vetting report shows, as arrays: one source for the PDF/PNG page and the dashboard.

Built from an `AnalysisResult` alone (its detrended flux, candidates with their vetting,
and periodogram), so a cached result draws the same report as a fresh one. Point
clouds are thinned, folds are also binned, so neither a page nor a browser gets more
than a few thousand points per panel.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.candidate_vetting import Reason
from core.detect.shape_metrics import smeared_profile
from core.result import AnalysisResult, TransitCandidate
from core.stats import cadence_days

MAX_CURVE_POINTS = 4000  # the full light curve, thinned
MAX_FOLD_POINTS = 3000
FOLD_WINDOW = 3.0  # durations each side of mid-transit (or mid-secondary) shown
BINS_PER_DURATION = 8
MAX_TRANSIT_PANELS = 6  # individual transits drawn (one row); the per-transit depth panel shows them all
VERDICT_TEXT = {"planet_candidate": "Planet candidate", "eclipsing_binary": "Eclipsing binary",
                "false_alarm": "False alarm"}
VERDICT_COLORS = {"planet_candidate": "#2ca02c", "eclipsing_binary": "#ff7f0e", "false_alarm": "#d62728"}


@dataclass(frozen=True)
class Binned:
    """Bin centres, mean flux and its standard error (x in hours from the window's centre)."""

    x: np.ndarray
    y: np.ndarray
    err: np.ndarray


@dataclass(frozen=True)
class Window:
    """Flux folded around one phase: thinned points, bins, and the level to compare them with."""

    x: np.ndarray  # hours from the centre
    y: np.ndarray
    binned: Binned
    level: float  # the flux the panel's measurement puts at the bottom (baseline - depth)
    label: str


@dataclass(frozen=True)
class SingleTransit:
    epoch: int
    t_mid: float
    x: np.ndarray  # hours from mid-transit
    y: np.ndarray


@dataclass(frozen=True)
class TableRow:
    name: str
    value: str
    threshold: str = ""
    passed: bool | None = None  # None: a metric no test judges
    detail: str = ""


@dataclass(frozen=True)
class VettingPanels:
    """Everything one candidate's report page draws."""

    number: int
    candidate: TransitCandidate
    title: str
    verdict: str
    time_label: str
    curve_time: np.ndarray
    curve_flux: np.ndarray
    ticks: np.ndarray  # this candidate's mid-transit times within the data
    other_ticks: np.ndarray  # the other candidates'
    fold: Window
    model_x: np.ndarray  # hours
    model_y: np.ndarray
    odd: Window
    even: Window
    secondary: Window
    transits: list[SingleTransit]
    n_transits_total: int
    depth_epochs: np.ndarray
    depths: np.ndarray
    depth_errs: np.ndarray
    mean_depth: float
    period: np.ndarray
    sde: np.ndarray
    aliases: list[tuple[str, float, float | None]]
    table: list[TableRow] = field(default_factory=list)


def vetting_panels(result: AnalysisResult, number: int) -> VettingPanels:
    """The panels of candidate `number` (1-based) of `result`; ValueError when it has no such candidate."""
    if not 1 <= number <= len(result.transits):
        raise ValueError(f"there is no transit candidate {number}; this result has {len(result.transits)}")
    candidate = result.transits[number - 1]
    if candidate.vetting is None:
        raise ValueError(f"transit candidate {number} was not vetted")
    vetting, m = candidate.vetting, candidate.vetting.metrics
    time, flux = np.asarray(result.time, dtype=float), np.asarray(result.detrended, dtype=float)
    good = np.isfinite(flux)
    time, flux = time[good], flux[good]
    period, t0, duration = candidate.period, candidate.t0, candidate.duration
    phase = _offset(time, period, t0)
    epoch = np.round((time - t0) / period).astype(np.int64)
    out_of_transit = np.abs(phase) > duration
    baseline = float(np.median(flux[out_of_transit])) if out_of_transit.any() else 1.0
    window = FOLD_WINDOW * duration

    near = np.abs(phase) <= window
    fold = _window(phase[near], flux[near], duration, baseline - candidate.depth, "all transits")
    model_x = np.linspace(-window, window, 400)
    model_y = baseline - m.trapezoid_depth * smeared_profile(model_x, m.t14, m.t23, cadence_days(time)) \
        if np.isfinite(m.trapezoid_depth) else np.full(model_x.size, baseline)
    measured = np.array([t.epoch for t in m.per_transit], dtype=np.int64)
    in_measured = np.isin(epoch, measured)
    odd = _window(phase[near & in_measured & (epoch % 2 == 1)], flux[near & in_measured & (epoch % 2 == 1)],
                  duration, baseline - m.odd_depth, "odd transits")
    even = _window(phase[near & in_measured & (epoch % 2 == 0)], flux[near & in_measured & (epoch % 2 == 0)],
                   duration, baseline - m.even_depth, "even transits")
    secondary_phase = m.secondary_phase if np.isfinite(m.secondary_phase) else 0.5
    around = _offset(time, period, t0 + secondary_phase * period)
    close = np.abs(around) <= window
    secondary = _window(around[close], flux[close], duration, baseline - m.secondary_depth,
                        f"phase {secondary_phase:.3f}")

    singles = []
    for transit in m.per_transit[:MAX_TRANSIT_PANELS]:
        own = (epoch == transit.epoch) & (np.abs(phase) <= 2.0 * duration)
        singles.append(SingleTransit(transit.epoch, transit.t_mid, phase[own] * 24.0, flux[own]))
    ticks = _mid_times(time, period, t0)
    others = [c for i, c in enumerate(result.transits) if i != number - 1]
    other_ticks = np.concatenate([_mid_times(time, c.period, c.t0) for c in others]) if others else np.empty(0)
    pg_period, pg_sde = _periodogram(result)
    idx = _thin(time.size, MAX_CURVE_POINTS)
    return VettingPanels(
        number=number,
        candidate=candidate,
        title=_title(result, candidate, number),
        verdict=vetting.verdict,
        time_label=_time_label(result.meta),
        curve_time=time[idx],
        curve_flux=flux[idx],
        ticks=ticks,
        other_ticks=other_ticks,
        fold=fold,
        model_x=model_x * 24.0,
        model_y=model_y,
        odd=odd,
        even=even,
        secondary=secondary,
        transits=singles,
        n_transits_total=len(m.per_transit),
        depth_epochs=measured,
        depths=np.array([t.depth for t in m.per_transit]),
        depth_errs=np.array([t.depth_err for t in m.per_transit]),
        mean_depth=float(candidate.depth),
        period=pg_period,
        sde=pg_sde,
        aliases=[(a.label, a.period, a.sde) for a in m.aliases],
        table=metrics_table(candidate),
    )


def metrics_table(candidate: TransitCandidate) -> list[TableRow]:
    """The report's table: the ephemeris with errors, each test with its threshold and outcome, then the rest."""
    assert candidate.vetting is not None
    m = candidate.vetting.metrics
    rows = [
        TableRow("Period (d)", f"{candidate.period:.6f} +- {_g(m.period_err)}"),
        TableRow("T0", f"{candidate.t0:.5f} +- {_g(m.t0_err)}"),
        TableRow("Depth (ppm)", f"{candidate.depth * 1e6:.0f} +- {_g(m.depth_err * 1e6)}"),
        TableRow("Duration (h): box, T14, T23", f"{candidate.duration * 24:.2f}, {m.t14 * 24:.2f}, {m.t23 * 24:.2f}"),
        TableRow("SNR, SDE, transits", f"{candidate.snr:.1f}, {candidate.sde:.1f}, {candidate.n_transits}"),
    ]
    rows += [_reason_row(reason) for reason in candidate.vetting.reasons]
    return rows


def _reason_row(reason: Reason) -> TableRow:
    return TableRow(reason.test.replace("_", " "), _g(reason.value), _g(reason.threshold), reason.passed,
                    reason.detail)


def _g(value: float | None) -> str:
    if value is None or not np.isfinite(value):
        return "n/a"
    return f"{value:.3g}"


def _window(x_days: np.ndarray, y: np.ndarray, duration: float, level: float, label: str) -> Window:
    hours = x_days * 24.0
    order = np.argsort(hours)
    hours, y = hours[order], y[order]
    idx = _thin(hours.size, MAX_FOLD_POINTS)
    return Window(hours[idx], y[idx], _binned(hours, y, duration * 24.0 / BINS_PER_DURATION), float(level), label)


def _binned(x: np.ndarray, y: np.ndarray, width: float) -> Binned:
    if x.size == 0 or not width > 0:
        return Binned(np.empty(0), np.empty(0), np.empty(0))
    index = np.floor((x - x.min()) / width).astype(np.int64)
    counts = np.bincount(index)
    keep = counts >= 2
    sums = np.bincount(index, weights=y)
    squares = np.bincount(index, weights=y * y)
    mean = sums[keep] / counts[keep]
    spread = np.sqrt(np.maximum(squares[keep] / counts[keep] - mean**2, 0.0))
    centres = x.min() + (np.flatnonzero(keep) + 0.5) * width
    return Binned(centres, mean, spread / np.sqrt(counts[keep]))


def _offset(time: np.ndarray, period: float, centre: float) -> np.ndarray:
    """Days from the nearest time centre + k * period."""
    return np.mod(time - centre + 0.5 * period, period) - 0.5 * period


def _mid_times(time: np.ndarray, period: float, t0: float) -> np.ndarray:
    if time.size == 0:
        return np.empty(0)
    first = np.ceil((time[0] - t0) / period)
    last = np.floor((time[-1] - t0) / period)
    return t0 + np.arange(first, last + 1) * period


def _periodogram(result: AnalysisResult) -> tuple[np.ndarray, np.ndarray]:
    if result.periodogram is None or len(result.periodogram.period) == 0:
        return np.empty(0), np.empty(0)
    period = np.asarray(result.periodogram.period, dtype=float)
    power = np.asarray(result.periodogram.power, dtype=float)
    order = np.argsort(period)
    period, power = period[order], power[order]
    if period.size <= 2 * MAX_CURVE_POINTS:
        return period, power
    # Keep each bin's highest point: a peak must not vanish in the thinning.
    size = int(np.ceil(period.size / MAX_CURVE_POINTS))
    n_bins = int(np.ceil(period.size / size))
    padded = np.full(n_bins * size, -np.inf)
    padded[:period.size] = power
    best = np.arange(n_bins) * size + np.argmax(padded.reshape(n_bins, size), axis=1)
    return period[best], power[best]


def _thin(n: int, budget: int) -> np.ndarray:
    return np.arange(n) if n <= budget else np.linspace(0, n - 1, budget).astype(np.int64)


def _title(result: AnalysisResult, candidate: TransitCandidate, number: int) -> str:
    target = result.meta.get("target") or result.meta.get("filename") or "Light curve"
    mission = result.meta.get("mission")
    where = f"{target} ({mission})" if mission else str(target)
    return (f"{where}, candidate {number}: P = {candidate.period:.5f} d, depth = {candidate.depth * 1e6:.0f} ppm, "
            f"SNR = {candidate.snr:.1f}")


def _time_label(meta: dict) -> str:
    system = meta.get("time_system")
    return "Time (days)" if system in (None, "", "unknown") else f"Time ({system}, days)"

