"""The analysis page's views of one result: every panel filled, and a summary in words."""
from __future__ import annotations

import json

from dashapp.views.result_views import build_views, summary_text
from tests.dashapp.builders import make_result


def test_views_fill_every_panel():
    v = build_views(make_result())
    assert len(v.folds) == 1
    assert len(v.events_rows) == 4 and {c["field"] for c in v.events_columns} >= {"kind", "t_peak", "snr"}
    assert v.transits_rows[0]["flags"] == "odd_even"
    assert "1 transit candidate" in v.summary and "1 flare" in v.summary
    assert "took 0.21 s" in v.summary  # the pipeline's own total, not the sum of its stages plus the total
    json.dumps(v.events_rows)  # JSON-safe for the grid


def test_summary_says_when_a_k2_curve_was_roll_corrected():
    result = make_result()
    assert "K2 roll" not in summary_text(result)
    result.meta["k2_roll_correction"] = {"applied": True, "windows": 47, "noise_before_ppm": 575.8,
                                         "noise_after_ppm": 450.8}
    assert "K2 roll corrected (self-flat-fielding in 47 windows): noise 576 -> 451 ppm" in summary_text(result)


def test_the_kind_filter_matches_whole_kind_names_first():
    kind = next(c for c in build_views(make_result()).events_columns if c["field"] == "kind")
    # a 'contains' filter for "transit" would also keep every single_transit
    assert kind["filter"] == "agTextColumnFilter" and kind["filterParams"]["defaultOption"] == "equals"
