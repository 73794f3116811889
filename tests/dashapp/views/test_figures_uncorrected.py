"""The flux before the K2 roll correction: cached with the result, and a legend-only trace under the flux."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from dashapp.infra.result_cache import result_from_npz, result_to_npz
from dashapp.views import figures
from tests.dashapp.builders import make_result


def with_uncorrected(n: int = 5000):
    """make_result plus a 'before' curve carrying a sawtooth the correction took out."""
    result = make_result(n=n)
    sawtooth = 1.0 - 2e-3 * (np.arange(n) % 12) / 12
    return replace(result, flux_uncorrected=result.flux * sawtooth)


def test_the_cache_keeps_the_uncorrected_flux():
    result = with_uncorrected()
    back = result_from_npz(result_to_npz(result))
    np.testing.assert_array_equal(back.flux_uncorrected, result.flux_uncorrected)
    assert back.to_dict(include_series=True) == result.to_dict(include_series=True)


def test_a_cached_result_without_it_loads_as_none():
    """What every result cached before the field existed looks like."""
    assert result_from_npz(result_to_npz(make_result())).flux_uncorrected is None


def test_the_uncorrected_trace_is_first_and_off_until_clicked():
    fig = figures.lightcurve_figure(with_uncorrected())
    before = fig.data[0]
    assert [trace.name for trace in fig.data[:3]] == [figures.UNCORRECTED_NAME, "flux", "trend"]
    assert before.visible == "legendonly" and before.marker.size == 2 and before.type == "scattergl"


def test_no_uncorrected_trace_without_the_array():
    names = [trace.name for trace in figures.lightcurve_figure(make_result()).data]
    assert figures.UNCORRECTED_NAME not in names


@pytest.mark.parametrize("max_points", [figures.DISPLAY_POINTS, 5000, 50])
def test_the_uncorrected_trace_shares_the_point_cap(max_points):
    fig = figures.lightcurve_figure(with_uncorrected(n=200_000), max_points=max_points)
    assert figures.count_points(fig) <= max_points
    assert len(fig.data[0].x) > 0


@pytest.mark.parametrize("uncorrected", [False, True])
def test_a_zoom_redraws_each_trace_from_its_own_series(uncorrected):
    """The analysis page patches traces by index with zoom_series, so its order must be the figure's."""
    result = with_uncorrected() if uncorrected else make_result()
    traces = figures.lightcurve_figure(result).data
    series = figures.zoom_series(result)
    assert len(series) == [trace.name for trace in traces].index("trend") + 1
    for trace, (values, _) in zip(traces, series):
        assert np.isin(trace.y, values).all()
    assert sum(budget for _, budget in series) <= figures.MAX_POINTS
