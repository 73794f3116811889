"""Plotly figures built from LightCurve and AnalysisResult values (no Dash, no I/O).

Every figure sends at most MAX_POINTS points to the browser (the pages use the smaller
DISPLAY_POINTS): long series are thinned
by keeping the minimum and the maximum of each bin, so one-point flares, outliers and
narrow dips survive the thinning. Point traces use WebGL (Scattergl).
"""
from __future__ import annotations

import functools
import json

import numpy as np
import plotly.graph_objects as go

from core.lightcurve import LightCurve
from core.result import EVENT_KINDS, LABEL_CODES, AnalysisResult, TransitCandidate

MAX_POINTS = 50_000
# What the pages actually send: two points (min and max) per bin of ~10k bins is more than
# a screen's width resolves, and keeps a software-rendered (no GPU) browser responsive.
DISPLAY_POINTS = 20_000
THUMBNAIL_POINTS = 400
PERIODOGRAM_POINTS = 6000  # drawn as SVG: browsers allow only ~16 WebGL plots per page

# One colour and marker per kind; anomalies are red as the seed app showed them.
KIND_STYLE: dict[str, dict[str, str]] = {
    "transit": {"color": "#1f77b4", "symbol": "triangle-down"},
    "flare": {"color": "#ff7f0e", "symbol": "star"},
    "outlier": {"color": "#9467bd", "symbol": "x"},
    "single_transit": {"color": "#17becf", "symbol": "triangle-down-open"},
    "dip": {"color": "#8c564b", "symbol": "diamond"},
    "brightening": {"color": "#bcbd22", "symbol": "triangle-up"},
    "step": {"color": "#7f7f7f", "symbol": "square"},
    "oscillation": {"color": "#e377c2", "symbol": "hexagon"},
    "anomaly": {"color": "#d62728", "symbol": "circle-open"},
}
FLUX_COLOR = "#5f6b7a"
UNCORRECTED_COLOR = "#c8cdd3"  # light grey: the 'before' curve sits behind the flux
UNCORRECTED_NAME = "before K2 roll correction"
TREND_COLOR = "#2ca02c"
# The "none" template plus a few explicit styles: plotly's named templates cost ~60 ms
# per figure to apply and add kilobytes to every response.
_AXIS_STYLE = dict(showgrid=True, gridcolor="#e9ecef", zeroline=False, showline=True, linecolor="#adb5bd",
                   ticks="outside", tickcolor="#adb5bd")
_BASE_LAYOUT = dict(
    template="none",
    paper_bgcolor="white",
    plot_bgcolor="white",
    font=dict(family="Lato, Helvetica Neue, Arial, sans-serif", size=12, color="#2c3e50"),
    margin=dict(l=60, r=20, t=80, b=50),
    title=dict(y=0.97, yanchor="top", x=0.01, xanchor="left", font=dict(size=15)),
    legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
    hovermode="closest",
)


def downsample_indices(values: np.ndarray, max_points: int) -> np.ndarray:
    """Sorted indices of at most `max_points` samples keeping each bin's min and max."""
    n = len(values)
    if n <= max_points:
        return np.arange(n)
    n_bins = max(1, max_points // 2)
    size = int(np.ceil(n / n_bins))
    n_bins = int(np.ceil(n / size))
    padded = np.full(n_bins * size, np.nan)
    padded[:n] = values
    padded = padded.reshape(n_bins, size)
    offsets = np.arange(n_bins) * size
    lows = offsets + np.nanargmin(padded, axis=1)
    highs = offsets + np.nanargmax(padded, axis=1)
    return np.unique(np.concatenate([lows, highs]))


def window_indices(time: np.ndarray, values: np.ndarray, x_range: list[float] | None,
                   max_points: int = DISPLAY_POINTS) -> np.ndarray:
    """Indices to draw for the visible time range: full detail once zoomed in far enough."""
    if x_range is None:
        return downsample_indices(values, max_points)
    inside = np.flatnonzero((time >= min(x_range)) & (time <= max(x_range)))
    return inside[downsample_indices(values[inside], max_points)]


def time_label(meta: dict) -> str:
    system = meta.get("time_system")
    if system in (None, "", "unknown"):
        return "Time (days)"
    return f"Time ({system}, days)"


def empty_figure(message: str) -> go.Figure:
    """A blank plot that says what to do next."""
    fig = go.Figure()
    fig.update_layout(
        **_BASE_LAYOUT,
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
        annotations=[dict(text=message, showarrow=False, font=dict(size=15, color="#6c757d"))],
    )
    return fig


def placeholder(message: str) -> dict:
    """empty_figure as plotly JSON, built once per message: pages show the same few on every visit."""
    return json.loads(_placeholder_json(message))


@functools.lru_cache(maxsize=32)  # the pages use five fixed messages
def _placeholder_json(message: str) -> str:
    return empty_figure(message).to_json()


def preview_figure(lc: LightCurve, max_points: int = DISPLAY_POINTS) -> go.Figure:
    """The raw curve before analysis, so a fresh upload is visible at once."""
    idx = downsample_indices(np.asarray(lc.flux), max_points)
    fig = go.Figure(
        go.Scattergl(
            x=np.asarray(lc.time)[idx], y=np.asarray(lc.flux)[idx], mode="markers", name="flux",
            marker=dict(size=3, color=FLUX_COLOR),
        )
    )
    return _finish(fig, title_text=_title(lc.meta, "not analysed yet"),
                   xaxis_title=time_label(lc.meta), yaxis_title="Flux")


def lightcurve_figure(result: AnalysisResult, max_points: int = DISPLAY_POINTS,
                      min_confidence: float = 0.0) -> go.Figure:
    """Flux with its trend and the points of each event kind in that kind's colour and marker."""
    time, flux = np.asarray(result.time), np.asarray(result.flux)
    marker_budget = max_points // 5
    flux_budget = max_points - 2 * marker_budget
    traces: list[go.Scattergl] = []
    if result.flux_uncorrected is not None:
        # First, so it is drawn under the flux; off until its legend entry is clicked. It takes half
        # of the flux budget, so the figure still sends at most max_points.
        before = np.asarray(result.flux_uncorrected)
        before_idx = downsample_indices(before, flux_budget // 2)
        flux_budget -= flux_budget // 2
        traces.append(go.Scattergl(x=time[before_idx], y=before[before_idx], mode="markers", name=UNCORRECTED_NAME,
                                   visible="legendonly", marker=dict(size=2, color=UNCORRECTED_COLOR),
                                   hovertemplate="t=%{x:.5f}<br>flux=%{y:.6g}"))
    idx = downsample_indices(flux, flux_budget)
    trend_idx = downsample_indices(np.asarray(result.trend), marker_budget)
    traces += [
        go.Scattergl(x=time[idx], y=flux[idx], mode="markers", name="flux",
                     marker=dict(size=3, color=FLUX_COLOR), hovertemplate="t=%{x:.5f}<br>flux=%{y:.6g}"),
        go.Scattergl(x=time[trend_idx], y=np.asarray(result.trend)[trend_idx], mode="lines", name="trend",
                     line=dict(color=TREND_COLOR, width=2), hoverinfo="skip"),
    ]
    traces += event_traces(result, min_confidence, max_points)
    fig = go.Figure(traces)
    return _finish(fig, title_text=lightcurve_title(result, min_confidence),
                   xaxis_title=time_label(result.meta), yaxis_title="Flux", dragmode="zoom")


def event_traces(result: AnalysisResult, min_confidence: float = 0.0,
                 max_points: int = DISPLAY_POINTS) -> list[go.Scattergl]:
    """One marker trace per kind the analysis found, in EVENT_KINDS order, showing only events of
    at least `min_confidence`; a kind whose events are all filtered out keeps an empty trace, so
    the confidence filter can patch the traces in place without shifting the others."""
    time, flux, labels = np.asarray(result.time), np.asarray(result.flux), np.asarray(result.labels)
    per_kind = max(1, (max_points // 5) // len(EVENT_KINDS))
    traces = []
    for kind in EVENT_KINDS:
        found = [e for e in result.events if e.kind == kind]
        if not found and not (labels == LABEL_CODES[kind]).any():
            continue
        shown = [e for e in found if _confidence(e) >= min_confidence]
        t, f = _event_points(shown, kind, labels, time, flux, filtered=len(shown) < len(found))
        keep = np.linspace(0, len(t) - 1, min(len(t), per_kind)).astype(int) if len(t) else np.empty(0, int)
        style = KIND_STYLE[kind]
        traces.append(go.Scattergl(
            x=t[keep], y=f[keep], mode="markers", name=kind,
            marker=dict(size=7, color=style["color"], symbol=style["symbol"],
                        line=dict(width=1, color=style["color"])),
            hovertemplate=f"{kind}<br>t=%{{x:.5f}}<br>flux=%{{y:.6g}}<extra>{len(shown)} event(s)</extra>",
        ))
    return traces


def count_phrase(counts: dict[str, int]) -> str:
    """"2 flares, 1 outlier": the kinds with any events, in the order given ("" when none)."""
    return ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items() if n)


def lightcurve_title(result: AnalysisResult, min_confidence: float = 0.0) -> str:
    """The target and how many events of each kind are shown (at the confidence filter, if any)."""
    shown = [e for e in result.events if _confidence(e) >= min_confidence]
    counts = {kind: sum(e.kind == kind for e in shown) for kind in EVENT_KINDS}
    detail = count_phrase(counts)
    if min_confidence > 0:
        detail = f"{detail or 'no events'} at confidence >= {min_confidence:g}"
    return _title(result.meta, detail or "nothing unusual found")


def zoom_series(result: AnalysisResult) -> list[tuple[np.ndarray, int]]:
    """(values, point budget) of the traces a zoom redraws at full detail, in lightcurve_figure's
    trace order; the uncorrected flux halves the flux's budget as it does in the figure."""
    flux, trend = np.asarray(result.flux), np.asarray(result.trend)
    if result.flux_uncorrected is None:
        return [(flux, DISPLAY_POINTS), (trend, DISPLAY_POINTS)]
    half = DISPLAY_POINTS // 2
    return [(np.asarray(result.flux_uncorrected), half), (flux, DISPLAY_POINTS - half), (trend, DISPLAY_POINTS)]


def detrended_figure(result: AnalysisResult, max_points: int = DISPLAY_POINTS) -> go.Figure:
    """Flux divided by the trend: what the detectors actually looked at."""
    time, detrended = np.asarray(result.time), np.asarray(result.detrended)
    idx = downsample_indices(detrended, max_points)
    fig = go.Figure(go.Scattergl(x=time[idx], y=detrended[idx], mode="markers", name="detrended",
                                 marker=dict(size=3, color=FLUX_COLOR)))
    return _finish(fig, title_text="Detrended flux", xaxis_title=time_label(result.meta),
                   yaxis_title="Relative flux")


def periodogram_figure(result: AnalysisResult, max_points: int = MAX_POINTS) -> go.Figure:
    """BLS power against period, with the kept candidates marked."""
    if result.periodogram is None or len(result.periodogram.period) == 0:
        return empty_figure("No transit search was run (the transits detector is off).")
    period = np.asarray(result.periodogram.period)
    power = np.asarray(result.periodogram.power)
    order = np.argsort(period)
    period, power = period[order], power[order]
    idx = downsample_indices(power, min(max_points, PERIODOGRAM_POINTS))
    traces = [go.Scatter(x=period[idx], y=power[idx], mode="lines", name="BLS power",
                         line=dict(color=KIND_STYLE["transit"]["color"], width=1))]
    if result.transits:
        # Markers on the peaks rather than shape annotations, which plotly misplaces on log axes.
        peaks = [float(np.interp(np.log(c.period), np.log(period), power)) for c in result.transits]
        traces.append(go.Scatter(
            x=[c.period for c in result.transits], y=peaks, mode="markers+text", name="candidates",
            text=[f"#{n}: {c.period:.4f} d" for n, c in enumerate(result.transits, start=1)],
            textposition="top center", marker=dict(size=10, color=KIND_STYLE["anomaly"]["color"],
                                                   symbol="triangle-down")))
    fig = go.Figure(traces)
    low, high = float(np.nanmin(power)), float(np.nanmax(power))
    return _finish(fig, title_text="BLS periodogram", xaxis_title="Period (days)",
                   yaxis_title="Power", xaxis_type="log",
                   yaxis_range=[low, high + 0.2 * (high - low or 1.0)])  # room for the peak labels


def phase_fold_figure(result: AnalysisResult, candidate: TransitCandidate, number: int = 1,
                      max_points: int = DISPLAY_POINTS // 2) -> go.Figure:
    """Detrended flux folded on one candidate's period, with its box model."""
    time, detrended = np.asarray(result.time), np.asarray(result.detrended)
    period, t0, duration = candidate.period, candidate.t0, candidate.duration
    phase_hours = (((time - t0 + 0.5 * period) % period) - 0.5 * period) * 24.0
    window = max(3.0 * duration * 24.0, 1.0)
    near = np.abs(phase_hours) <= window
    phase_hours, folded = phase_hours[near], detrended[near]
    order = np.argsort(phase_hours)
    phase_hours, folded = phase_hours[order], folded[order]
    idx = downsample_indices(folded, max_points - 4)
    half = 0.5 * duration * 24.0
    baseline = float(np.nanmedian(folded)) if len(folded) else 1.0
    box_x = [-window, -half, -half, half, half, window]
    box_y = [baseline, baseline, baseline - candidate.depth, baseline - candidate.depth, baseline, baseline]
    fig = go.Figure([
        go.Scattergl(x=phase_hours[idx], y=folded[idx], mode="markers", name="folded flux",
                     marker=dict(size=3, color=FLUX_COLOR)),
        go.Scatter(x=box_x, y=box_y, mode="lines", name="box model",
                   line=dict(color=KIND_STYLE["transit"]["color"], width=2, shape="linear")),
    ])
    return _finish(
        fig,
        title_text=(f"Candidate #{number}: P = {period:.5f} d, depth = {candidate.depth * 1e6:.0f} ppm, "
                    f"SNR = {candidate.snr:.1f}"),
        xaxis_title="Hours from mid-transit", yaxis_title="Relative flux",
    )


def thumbnail_figure(lc: LightCurve, max_points: int = THUMBNAIL_POINTS) -> go.Figure:
    """A small static plot for a gallery card (SVG: a gallery page holds a dozen of them)."""
    flux = np.asarray(lc.flux)
    idx = downsample_indices(flux, max_points)
    fig = go.Figure(go.Scatter(x=np.asarray(lc.time)[idx], y=flux[idx], mode="markers",
                               marker=dict(size=2, color=FLUX_COLOR), hoverinfo="skip"))
    fig.update_layout(template="none", margin=dict(l=4, r=4, t=4, b=4), height=120,
                      showlegend=False, xaxis=dict(visible=False), yaxis=dict(visible=False))
    return fig


def _finish(fig: go.Figure, **layout) -> go.Figure:
    """Apply the shared look (and a figure's own layout) in one place."""
    fig.update_layout(**_BASE_LAYOUT, **layout)
    fig.update_xaxes(**_AXIS_STYLE)
    fig.update_yaxes(**_AXIS_STYLE)
    return fig


def count_points(fig: go.Figure) -> int:
    """How many points a figure would send (the quantity MAX_POINTS bounds)."""
    return sum(len(trace.x) if trace.x is not None else 0 for trace in fig.data)


def _event_points(events: list, kind: str, labels: np.ndarray, time: np.ndarray, flux: np.ndarray,
                  filtered: bool) -> tuple[np.ndarray, np.ndarray]:
    """Points labelled with `kind` (only those inside `events` when some were filtered out);
    the events' peaks instead when the labels don't mark any."""
    mask = labels == LABEL_CODES[kind]
    if filtered:
        inside = np.zeros(len(time), bool)
        for event in events:
            inside |= (time >= event.t_start) & (time <= event.t_end)
        mask &= inside
    if mask.any():
        return time[mask], flux[mask]
    peaks = np.array([e.t_peak for e in events if np.isfinite(e.t_peak)])
    if len(peaks) == 0 or len(time) == 0:
        return np.empty(0), np.empty(0)
    return peaks, np.interp(peaks, time, flux)


def _confidence(event) -> float:
    """An event without a confidence (made before events had one) is always shown."""
    value = event.extra.get("confidence")
    return 1.0 if value is None else float(value)


def _title(meta: dict, detail: str) -> str:
    target = meta.get("target") or meta.get("filename") or "Light curve"
    mission = meta.get("mission")
    return f"{target} ({mission}): {detail}" if mission else f"{target}: {detail}"
