"""The completeness heatmap: recovered share per grid cell, its 50% and 90% contours, and what the curve holds.

Built from the map's JSON (`CompletenessMap.to_dict()`, the REST job's result), so the
page, the API and the tests all draw from the same values.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from dashapp.views.figures import KIND_STYLE, empty_figure

# How each axis is shown: (title, factor from the map's unit to the shown one).
AXIS_DISPLAY = {
    "period": ("Period (d)", 1.0),
    "depth": ("Depth (ppm)", 1e6),
    "radius": ("Planet radius (Earth radii)", 1.0),
    "fwhm": ("FWHM (min)", 1440.0),
    "amplitude": ("Amplitude (% of the star)", 100.0),
}
CONTOUR_LEVELS = (0.5, 0.9)
CONTOUR_COLOR = "#212529"


def completeness_figure(result: dict[str, Any]) -> go.Figure:
    """Heatmap over the grid (log axes), contours at 50% and 90%, found signals overplotted, hover with intervals."""
    x_name, y_name = result["axes"]["x"], result["axes"]["y"]
    x_title, x_factor = AXIS_DISPLAY[x_name]
    y_title, y_factor = AXIS_DISPLAY[y_name]
    x = np.asarray(result["grid"][x_name], dtype=float) * x_factor
    y = np.asarray(result["grid"][y_name], dtype=float) * y_factor
    recovery = _array(result["recovery"])
    if recovery.size == 0:
        return empty_figure("No completeness map yet.")
    low, high = _array(result["low"]), _array(result["high"])
    counts = np.dstack([np.asarray(result["recovered"]), np.asarray(result["injected"]), low * 100, high * 100])
    fig = go.Figure(go.Heatmap(
        x=np.log10(x), y=np.log10(y), z=recovery, zmin=0.0, zmax=1.0, colorscale="Viridis",
        colorbar=dict(title="found", tickformat=".0%"), customdata=counts,
        text=[[f"{v:.4g}" for v in x] for _ in y], hovertext=[[f"{v:.4g}" for _ in x] for v in y],
        hovertemplate=(f"{x_title}: %{{text}}<br>{y_title}: %{{hovertext}}<br>found %{{customdata[0]}} of "
                       "%{customdata[1]} (95% interval %{customdata[2]:.0f}-%{customdata[3]:.0f}%)<extra></extra>"),
        name="recovered",
    ))
    if recovery.shape[0] > 1 and recovery.shape[1] > 1:
        for level in CONTOUR_LEVELS:
            fig.add_trace(go.Contour(
                x=np.log10(x), y=np.log10(y), z=np.nan_to_num(recovery), showscale=False, hoverinfo="skip",
                contours=dict(start=level, end=level, size=1, coloring="lines", showlabels=True,
                              labelformat=".0%", labelfont=dict(color=CONTOUR_COLOR)),
                colorscale=[[0, CONTOUR_COLOR], [1, CONTOUR_COLOR]],  # "lines" colouring takes the scale's colour
                line=dict(width=2, dash="solid" if level == 0.9 else "dash"),
                name=f"{level:.0%} found",
            ))
    x_range, y_range = _cell_edges(x), _cell_edges(y)
    found = [(f.get(x_name), f.get(y_name)) for f in result.get("found", [])]
    found = [(fx * x_factor, abs(fy) * y_factor) for fx, fy in found if fx and fy]
    inside = [(fx, fy) for fx, fy in found
              if x_range[0] <= np.log10(fx) <= x_range[1] and y_range[0] <= np.log10(fy) <= y_range[1]]
    title = f"Injected {result['kind']}s found, of {result['n_injections']} (seed {result['seed']})"
    if len(found) > len(inside):
        title += f"; {len(found) - len(inside)} of the {len(found)} found in this curve lie outside the grid"
    found = inside
    if found:
        style = KIND_STYLE[result["kind"]]
        fig.add_trace(go.Scatter(
            x=np.log10([fx for fx, _ in found]), y=np.log10([fy for _, fy in found]), mode="markers",
            marker=dict(color="white", symbol=style["symbol"], size=13, line=dict(color=style["color"], width=2)),
            name="found in this curve", hovertemplate="found in this curve<extra></extra>",
        ))
    fig.update_layout(
        template="none", margin=dict(l=70, r=20, t=40, b=50), plot_bgcolor="white", paper_bgcolor="white",
        title=dict(text=title, font=dict(size=14)),
        xaxis=_log_axis(x_title, x, x_range), yaxis=_log_axis(y_title, y, y_range), showlegend=False,
    )
    return fig


def _array(rows: list[list[float | None]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


def _cell_edges(values: np.ndarray) -> tuple[float, float]:
    """(first, last) edge in log10 of the heatmap's cells around `values`: the axis shows the grid, no more."""
    logs = np.log10(values)
    half = (logs[-1] - logs[0]) / (2 * (logs.size - 1)) if logs.size > 1 else 0.5
    return float(logs[0] - half), float(logs[-1] + half)


def _log_axis(title: str, values: np.ndarray, edges: tuple[float, float]) -> dict[str, Any]:
    """An axis in log10 units labelled with the grid's own values (the heatmap needs linear coordinates)."""
    return dict(title=title, tickvals=np.log10(values).tolist(), ticktext=[f"{float(f'{v:.3g}'):g}" for v in values],
                range=list(edges))
