"""One candidate's vetting report as a matplotlib page, drawn headless (Agg; pyplot and its global state unused).

The page follows the Kepler/TESS DV one-page summary: the light curve with the
transits marked, the fold with the fitted model, odd against even, the secondary
eclipse window, each transit, the transit depths, the periodogram with its aliases,
and the tests behind the verdict.
"""
from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.gridspec import GridSpecFromSubplotSpec

from core.report.panels import VERDICT_COLORS, VERDICT_TEXT, VettingPanels, Window

PAGE_INCHES = (11.0, 14.0)
POINT_COLOR = "#9aa5b1"
BIN_COLOR = "#1f3b57"
MODEL_COLOR = "#d62728"
TICK_COLOR = "#1f77b4"
OTHER_TICK_COLOR = "#bbbbbb"
FONT_SIZE = 7.5


def draw_page(panels: VettingPanels) -> Figure:
    """The report page of one candidate (a Figure not registered with pyplot: callers save and drop it)."""
    figure = Figure(figsize=PAGE_INCHES, layout="constrained")
    figure.get_layout_engine().set(h_pad=0.06, w_pad=0.05)
    grid = figure.add_gridspec(6, 3, height_ratios=[0.45, 1.0, 1.1, 1.0, 1.1, 1.9])
    _header(figure.add_subplot(grid[0, :]), panels)
    _light_curve(figure.add_subplot(grid[1, :]), panels)
    _fold(figure.add_subplot(grid[2, :2]), panels)
    _periodogram(figure.add_subplot(grid[2, 2]), panels)
    depth_limits = _limits(panels.odd, panels.even)
    _window(figure.add_subplot(grid[3, 0]), panels.odd, "Odd transits", depth_limits)
    _window(figure.add_subplot(grid[3, 1]), panels.even, "Even transits", depth_limits)
    _window(figure.add_subplot(grid[3, 2]), panels.secondary, f"Secondary eclipse window ({panels.secondary.label})",
            None)
    _singles(figure, grid[4, :2], panels)
    _depths(figure.add_subplot(grid[4, 2]), panels)
    _table(figure.add_subplot(grid[5, :]), panels)
    return figure


def _style(ax: Axes, title: str, xlabel: str = "", ylabel: str = "") -> None:
    ax.set_title(title, fontsize=FONT_SIZE + 1, loc="left")
    ax.set_xlabel(xlabel, fontsize=FONT_SIZE)
    ax.set_ylabel(ylabel, fontsize=FONT_SIZE)
    ax.tick_params(labelsize=FONT_SIZE - 0.5)
    ax.ticklabel_format(axis="y", useOffset=False)
    ax.grid(True, color="#eeeeee", linewidth=0.6)


def _header(ax: Axes, panels: VettingPanels) -> None:
    ax.axis("off")
    color = VERDICT_COLORS[panels.verdict]
    ax.text(0.0, 0.95, panels.title, fontsize=12, fontweight="bold", va="top", transform=ax.transAxes)
    ax.text(0.0, 0.35, VERDICT_TEXT[panels.verdict], fontsize=15, fontweight="bold", color=color, va="center",
            transform=ax.transAxes, bbox=dict(boxstyle="round,pad=0.35", facecolor="white", edgecolor=color))
    failed = [row.name for row in panels.table if row.passed is False]
    why = ("failed: " + ", ".join(failed)) if failed else "passed every test"
    ax.text(0.22, 0.35, why, fontsize=10, va="center", transform=ax.transAxes)


def _light_curve(ax: Axes, panels: VettingPanels) -> None:
    ax.plot(panels.curve_time, panels.curve_flux, ".", ms=1.2, color=POINT_COLOR, rasterized=True)
    if panels.other_ticks.size:
        ax.vlines(panels.other_ticks, 0.0, 0.06, transform=ax.get_xaxis_transform(), color=OTHER_TICK_COLOR, lw=1.0)
    ax.vlines(panels.ticks, 0.0, 0.1, transform=ax.get_xaxis_transform(), color=TICK_COLOR, lw=1.2)
    _style(ax, "Detrended light curve (ticks: this candidate's transits; grey: other candidates')",
           panels.time_label, "Relative flux")


def _fold(ax: Axes, panels: VettingPanels) -> None:
    fold = panels.fold
    ax.plot(fold.x, fold.y, ".", ms=1.5, color=POINT_COLOR, rasterized=True, label="flux")
    ax.errorbar(fold.binned.x, fold.binned.y, fold.binned.err, fmt="o", ms=2.5, color=BIN_COLOR, lw=0.8,
                label="binned")
    ax.plot(panels.model_x, panels.model_y, color=MODEL_COLOR, lw=1.3, label="trapezoid model")
    ax.legend(fontsize=FONT_SIZE - 1, loc="lower right")
    _zoom_to_bins(ax, fold)
    _style(ax, "Phase fold", "Hours from mid-transit", "Relative flux")


def _window(ax: Axes, window: Window, title: str, limits: tuple[float, float] | None) -> None:
    ax.plot(window.x, window.y, ".", ms=1.5, color=POINT_COLOR, rasterized=True)
    if window.binned.x.size:
        ax.errorbar(window.binned.x, window.binned.y, window.binned.err, fmt="o", ms=2.5, color=BIN_COLOR, lw=0.8)
    if np.isfinite(window.level):
        ax.axhline(window.level, color=MODEL_COLOR, lw=1.0, ls="--")
    if limits is not None:
        ax.set_ylim(*limits)
    else:
        _zoom_to_bins(ax, window)
    _style(ax, title, "Hours from the centre", "Relative flux")


def _singles(figure: Figure, cell, panels: VettingPanels) -> None:
    shown = panels.transits
    if not shown:
        ax = figure.add_subplot(cell)
        ax.axis("off")
        ax.text(0.5, 0.5, "no transit with enough data", ha="center", transform=ax.transAxes)
        return
    columns = min(6, len(shown))
    rows = int(np.ceil(len(shown) / columns))
    inner = GridSpecFromSubplotSpec(rows, columns, subplot_spec=cell, wspace=0.05, hspace=0.35)
    low = min(float(np.min(t.y)) for t in shown if t.y.size) if any(t.y.size for t in shown) else 0.99
    high = max(float(np.max(t.y)) for t in shown if t.y.size) if any(t.y.size for t in shown) else 1.01
    for i, transit in enumerate(shown):
        ax = figure.add_subplot(inner[i // columns, i % columns])
        ax.plot(transit.x, transit.y, ".", ms=1.5, color=BIN_COLOR, rasterized=True)
        ax.plot(panels.model_x, panels.model_y, color=MODEL_COLOR, lw=0.8)
        ax.set_xlim(panels.model_x[0] * 2 / 3, panels.model_x[-1] * 2 / 3)
        ax.set_ylim(low, high)
        ax.ticklabel_format(axis="y", useOffset=False)
        ax.set_title(f"epoch {transit.epoch}", fontsize=FONT_SIZE - 1)
        ax.tick_params(labelsize=FONT_SIZE - 2)
        if i % columns:
            ax.set_yticklabels([])
    suffix = "" if panels.n_transits_total <= len(shown) else f" (first {len(shown)} of {panels.n_transits_total})"
    figure.text(0.0, 0.0, "", fontsize=1)  # keeps constrained layout from dropping the inner grid's title space
    figure.axes[-len(shown)].annotate(f"Individual transits{suffix}", (0.0, 1.35), xycoords="axes fraction",
                                      fontsize=FONT_SIZE + 1)


def _depths(ax: Axes, panels: VettingPanels) -> None:
    if panels.depths.size:
        ax.errorbar(panels.depth_epochs, panels.depths * 1e6, panels.depth_errs * 1e6, fmt="o", ms=3,
                    color=BIN_COLOR, lw=0.8)
    ax.axhline(panels.mean_depth * 1e6, color=MODEL_COLOR, lw=1.0, ls="--")
    _style(ax, "Depth of each transit", "Epoch", "Depth (ppm)")


def _periodogram(ax: Axes, panels: VettingPanels) -> None:
    if panels.period.size:
        ax.plot(panels.period, panels.sde, color=TICK_COLOR, lw=0.6)
        ax.set_xscale("log")
        for label, period, sde in panels.aliases:
            if sde is None:
                continue
            ax.axvline(period, color=MODEL_COLOR if label == "P" else "#ff7f0e", lw=0.8, ls=":")
            ax.annotate(f"{label}\n{sde:.1f}", (period, sde), fontsize=FONT_SIZE - 1.5, ha="center", va="bottom")
    else:
        ax.text(0.5, 0.5, "no periodogram", ha="center", transform=ax.transAxes)
    _style(ax, "Periodogram (SDE) and aliases", "Period (days)", "SDE")


def _table(ax: Axes, panels: VettingPanels) -> None:
    ax.axis("off")
    rows = panels.table
    cells = [[row.name, row.value, row.threshold, _outcome(row.passed), _clip(row.detail)] for row in rows]
    table = ax.table(cellText=cells, colLabels=["Test / measurement", "Value", "Threshold", "Outcome", "Why"],
                     colWidths=[0.19, 0.17, 0.07, 0.06, 0.51], loc="upper left", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(FONT_SIZE)
    table.scale(1.0, 1.25)
    for (row, column), cell in table.get_celld().items():
        cell.set_edgecolor("#dddddd")
        if row == 0:
            cell.set_text_props(fontweight="bold")
        elif column == 3 and rows[row - 1].passed is not None:
            cell.set_text_props(color="#2ca02c" if rows[row - 1].passed else "#d62728", fontweight="bold")


def _outcome(passed: bool | None) -> str:
    return "" if passed is None else ("pass" if passed else "FAIL")


def _clip(text: str, length: int = 100) -> str:
    return text if len(text) <= length else text[: length - 1] + "..."


def _zoom_to_bins(ax: Axes, window: Window) -> None:
    """Scale the y axis to the binned points (and the level): single noisy points would flatten the dip."""
    values = np.concatenate([window.binned.y, [window.level]]) if window.binned.y.size else window.y
    values = values[np.isfinite(values)]
    if values.size:
        low, high = float(values.min()), float(values.max())
        pad = 0.25 * (high - low or abs(high) * 1e-3 or 1e-3)
        ax.set_ylim(low - pad, high + pad)


def _limits(*windows: Window) -> tuple[float, float] | None:
    """One y range for odd and even, so their depths compare by eye."""
    values = np.concatenate([np.concatenate([w.binned.y, [w.level]]) for w in windows])
    values = values[np.isfinite(values)]
    if not values.size:
        return None
    low, high = float(values.min()), float(values.max())
    pad = 0.25 * (high - low or 1e-3)
    return low - pad, high + pad
