"""The confidence filter: events below it leave the plot's markers, its title's counts and the table."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from dashapp.views import figures, tables
from tests.dashapp.builders import make_result


def with_confidences(result, values):
    result.events = [replace(e, extra={**e.extra, "confidence": c}) for e, c in zip(result.events, values)]
    return result


def test_filtered_kinds_keep_an_empty_trace_so_the_others_do_not_shift():
    result = with_confidences(make_result(), [0.9, 0.3, 0.85, 0.1])
    traces = {t.name: t for t in figures.event_traces(result, min_confidence=0.5)}
    assert list(traces) == ["transit", "flare", "outlier", "anomaly"]
    assert len(traces["transit"].x) == 5 and len(traces["outlier"].x) == 5
    assert len(traces["flare"].x) == 0 and len(traces["anomaly"].x) == 0


def test_unfiltered_figure_is_the_same_as_before_the_filter_existed():
    result = with_confidences(make_result(), [0.9, 0.3, 0.85, 0.1])
    at_zero = figures.lightcurve_figure(result, min_confidence=0.0)
    assert [len(t.x) for t in at_zero.data if t.name in ("transit", "flare", "outlier", "anomaly")] == [5] * 4
    assert "1 flare" in at_zero.layout.title.text


def test_only_the_points_of_confident_events_of_a_kind_stay_marked():
    result = make_result()
    second = replace(result.events[1], t_start=result.time[3000], t_end=result.time[3004],
                     t_peak=result.time[3002], extra={"confidence": 0.95})
    result.labels[3000:3005] = result.labels[result.time == result.events[1].t_start][0]
    result.events = [result.events[0], replace(result.events[1], extra={"confidence": 0.2}), second,
                     *result.events[2:]]
    flare = next(t for t in figures.event_traces(result, min_confidence=0.8) if t.name == "flare")
    assert np.allclose(np.sort(flare.x), result.time[3000:3005])


def test_title_counts_only_what_is_shown_and_says_the_threshold():
    result = with_confidences(make_result(), [0.9, 0.3, 0.85, 0.1])
    title = figures.lightcurve_title(result, 0.8)
    assert "1 transit" in title and "1 outlier" in title and "flare" not in title and "0.8" in title


def test_events_without_a_confidence_are_never_hidden():
    result = make_result()  # hand-built events carry no confidence
    assert all(len(t.x) == 5 for t in figures.event_traces(result, min_confidence=0.99))


def test_table_filter_model_hides_rows_below_the_threshold_and_nothing_at_zero():
    assert tables.confidence_filter(0) == {}
    assert tables.confidence_filter(0.8) == {
        "confidence": {"filterType": "number", "type": "greaterThanOrEqual", "filter": 0.8}}
