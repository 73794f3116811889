"""The completeness heatmap shows the map's own values, its 50% and 90% contours, and what the curve holds."""
from __future__ import annotations

import numpy as np
import pytest

from dashapp.views.completeness_figure import completeness_figure

MAP = {
    "kind": "transit", "axes": {"x": "period", "y": "depth"}, "n_injections": 40, "seed": 4,
    "grid": {"period": [1.0, 3.0], "depth": [2e-4, 1e-3]},
    "recovery": [[0.0, 0.2], [1.0, 0.9]], "low": [[0.0, 0.06], [0.72, 0.6]], "high": [[0.28, 0.51], [1.0, 0.98]],
    "injected": [[10, 10], [10, 10]], "recovered": [[0, 2], [10, 9]],
    "found": [{"period": 2.0, "depth": 5e-4, "snr": 20.0}],
}


def test_heatmap_holds_the_recovery_on_log_axes_labelled_in_ppm_and_days():
    fig = completeness_figure(MAP)
    heatmap = fig.data[0]
    assert np.array_equal(np.asarray(heatmap.z), np.array(MAP["recovery"]))
    assert list(heatmap.x) == pytest.approx(np.log10([1.0, 3.0]))
    assert list(heatmap.y) == pytest.approx(np.log10([200.0, 1000.0]))
    assert fig.layout.yaxis.title.text == "Depth (ppm)" and list(fig.layout.yaxis.ticktext) == ["200", "1000"]
    assert heatmap.customdata[1][1].tolist() == [9, 10, 60, 98]  # found 9 of 10, Wilson 60-98%


def test_contours_at_half_and_ninety_percent_and_the_found_planet_overplotted():
    fig = completeness_figure(MAP)
    contours = [trace for trace in fig.data if trace.type == "contour"]
    assert [(c.contours.start, c.contours.end) for c in contours] == [(0.5, 0.5), (0.9, 0.9)]
    [found] = [trace for trace in fig.data if trace.type == "scatter"]
    assert list(found.x) == pytest.approx([np.log10(2.0)]) and list(found.y) == pytest.approx([np.log10(500.0)])


def test_a_single_row_grid_draws_without_contours():
    one_row = {**MAP, "grid": {"period": [1.0, 3.0], "depth": [1e-3]}, "recovery": [[1.0, 0.9]],
               "low": [[0.72, 0.6]], "high": [[1.0, 0.98]], "injected": [[10, 10]], "recovered": [[10, 9]]}
    fig = completeness_figure(one_row)
    assert [trace.type for trace in fig.data] == ["heatmap", "scatter"]


def test_the_axes_show_the_grid_and_say_how_many_found_signals_lie_outside_it():
    outside = {**MAP, "found": MAP["found"] + [{"period": 2.0, "depth": 0.02}]}
    fig = completeness_figure(outside)
    assert list(fig.layout.yaxis.range) == pytest.approx([np.log10(200) - 0.35, np.log10(1000) + 0.35], abs=0.01)
    [found] = [trace for trace in fig.data if trace.type == "scatter"]
    assert len(found.x) == 1
    assert fig.layout.title.text.endswith("1 of the 2 found in this curve lie outside the grid")
