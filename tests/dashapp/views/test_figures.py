"""Figure builders: point cap, trace names, one colour and marker per kind, anomalies red."""
from __future__ import annotations

import numpy as np

from core.result import EVENT_KINDS, LABEL_CODES, Event
from dashapp.views import figures
from tests.dashapp.builders import make_lightcurve, make_result


def test_downsample_keeps_extremes_and_caps_points():
    values = np.zeros(200_000)
    values[12345] = 5.0   # a one-point flare
    values[150_001] = -7.0  # a one-point dropout
    idx = figures.downsample_indices(values, 10_000)
    assert len(idx) <= 10_000
    assert 12345 in idx and 150_001 in idx
    assert np.all(np.diff(idx) > 0)


def test_downsample_returns_everything_when_small():
    assert list(figures.downsample_indices(np.arange(10.0), 50)) == list(range(10))


def test_lightcurve_figure_never_ships_more_than_the_cap():
    result = make_result(n=200_000)
    fig = figures.lightcurve_figure(result)
    assert figures.count_points(fig) <= figures.MAX_POINTS
    for builder in (figures.detrended_figure, figures.periodogram_figure):
        assert figures.count_points(builder(result)) <= figures.MAX_POINTS
    assert figures.count_points(figures.phase_fold_figure(result, result.transits[0])) <= figures.MAX_POINTS


def test_lightcurve_figure_has_flux_trend_and_one_trace_per_kind():
    fig = figures.lightcurve_figure(make_result())
    names = [trace.name for trace in fig.data]
    assert names == ["flux", "trend", "transit", "flare", "outlier", "anomaly"]
    assert all(trace.type == "scattergl" for trace in fig.data)


def test_each_kind_has_its_own_colour_and_marker_and_anomalies_are_red():
    fig = figures.lightcurve_figure(make_result())
    by_name = {trace.name: trace for trace in fig.data}
    colours = {kind: by_name[kind].marker.color for kind in ("transit", "flare", "outlier", "anomaly")}
    symbols = {kind: by_name[kind].marker.symbol for kind in colours}
    assert len(set(colours.values())) == 4 and len(set(symbols.values())) == 4
    assert colours["anomaly"] == "#d62728"


def test_event_markers_sit_on_the_labelled_points():
    result = make_result()
    flare = next(t for t in figures.lightcurve_figure(result).data if t.name == "flare")
    assert len(flare.x) == 5
    assert np.isclose(flare.x[0], result.events[1].t_start)


def test_event_without_labels_is_marked_at_its_peak():
    result = make_result()
    result.labels[:] = 0
    outlier = next(t for t in figures.lightcurve_figure(result).data if t.name == "outlier")
    assert np.allclose(outlier.x, [result.events[2].t_peak])


def test_periodogram_marks_candidates_and_says_when_missing():
    result = make_result()
    fig = figures.periodogram_figure(result)
    assert fig.layout.xaxis.type == "log"
    assert any("#1: 1.5000 d" in text for trace in fig.data for text in (trace.text or ()))
    result.periodogram = None
    assert "No transit search" in figures.periodogram_figure(result).layout.annotations[0].text


def test_phase_fold_centres_transits_on_zero_hours():
    result = make_result()
    fig = figures.phase_fold_figure(result, result.transits[0], 1)
    folded = fig.data[0]
    assert np.max(np.abs(folded.x)) <= 3 * 0.1 * 24 + 1e-9
    assert "P = 1.50000 d" in fig.layout.title.text


def test_preview_and_thumbnail_are_small_and_labelled():
    lc = make_lightcurve(n=60_000, time_system="BTJD")
    preview = figures.preview_figure(lc)
    assert figures.count_points(preview) <= figures.MAX_POINTS
    assert preview.layout.xaxis.title.text == "Time (BTJD, days)"
    assert figures.count_points(figures.thumbnail_figure(lc)) <= figures.THUMBNAIL_POINTS


def test_zoomed_window_gets_full_detail_and_stays_capped():
    time = np.arange(200_000) * 0.001
    values = np.sin(time)
    full = figures.window_indices(time, values, None, 10_000)
    zoomed = figures.window_indices(time, values, [50.0, 52.0], 10_000)
    assert len(full) <= 10_000 and len(zoomed) == 2001  # every point of the zoomed window
    assert np.all((time[zoomed] >= 50.0) & (time[zoomed] <= 52.0))
    assert len(figures.window_indices(time, values, [0.0, 150.0], 10_000)) <= 10_000


def test_placeholder_is_the_empty_figure_and_a_fresh_copy_each_time():
    first = figures.placeholder("Detrended flux")
    assert first["layout"]["annotations"][0]["text"] == "Detrended flux"
    first["layout"]["annotations"][0]["text"] = "edited"
    assert figures.placeholder("Detrended flux")["layout"]["annotations"][0]["text"] == "Detrended flux"


def test_every_event_kind_has_its_own_colour_and_marker():
    styles = [figures.KIND_STYLE[kind] for kind in EVENT_KINDS]
    assert len({s["color"] for s in styles}) == len(EVENT_KINDS)
    assert len({s["symbol"] for s in styles}) == len(EVENT_KINDS)


def test_unusual_events_get_a_trace_of_their_kind():
    result = make_result()
    result.labels[3000:3050] = LABEL_CODES["dip"]
    result.events.append(Event("dip", result.time[3000], result.time[3049], result.time[3010], -0.02, 30.0, 30.0))
    dip = next(t for t in figures.lightcurve_figure(result).data if t.name == "dip")
    assert len(dip.x) == 50 and dip.marker.color == figures.KIND_STYLE["dip"]["color"]
