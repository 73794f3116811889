"""The analysis page's logic without a browser: settings, cached runs, views, downloads, zoom."""
from __future__ import annotations

import json

import pytest
from flask import Flask
from flask_caching import Cache

from core.errors import ConfigError
from core.synthetic import generate_sample
from dashapp import analysis
from dashapp.cache import cache_config
from dashapp.results import ResultCache
from dashapp.session import new_session_id
from dashapp.store import content_hash
from tests.dashapp.builders import make_result


@pytest.fixture
def results(settings) -> ResultCache:
    return ResultCache(Cache(Flask(__name__), config=cache_config(settings)), timeout_s=60)


def form(**changes):
    values = {"contamination": 0.05, "window_size": 50, "vote_threshold": 0.3, "detrend_window": 0.75,
              "detectors": ["transits", "flares", "outliers", "anomaly"], "model_id": None}
    return {**values, **changes}


def test_form_values_become_a_config():
    config = analysis.build_config(form(contamination="0.1", window_size="40", detectors=["flares"]))
    assert (config.contamination, config.window_size, config.detectors) == (0.1, 40, ("flares",))
    assert config.k2_roll_correction  # the switch's default, and what a missing value means
    assert not analysis.build_config(form(k2_roll=False)).k2_roll_correction


@pytest.mark.parametrize("bad", [{"contamination": 0.9}, {"window_size": "abc"}, {"detectors": ["psychic"]}])
def test_bad_settings_raise_config_error(bad):
    with pytest.raises(ConfigError):
        analysis.build_config(form(**bad))


def test_second_run_with_same_settings_comes_from_the_cache(store, results, monkeypatch):
    sid = new_session_id()
    lc, _ = generate_sample("exoplanet_transit")
    h = content_hash(b"exoplanet_transit")
    store.save(sid, h, lc, "exoplanet_transit.csv")
    config = analysis.build_config(form())
    assert not analysis.plan(results, h, config).cached
    progress = []
    key = analysis.run(store, results, sid, h, config, progress=lambda f, m: progress.append(f))
    assert progress and progress[-1] == 1.0
    assert analysis.plan(results, h, config) == analysis.Plan(key=key, cached=True)
    monkeypatch.setattr(analysis, "analyze", lambda *a, **k: pytest.fail("re-analysed a cached curve"))
    assert analysis.run(store, results, sid, h, config) == key
    assert not analysis.plan(results, h, analysis.build_config(form(contamination=0.02))).cached


def test_another_session_cannot_run_my_curve(store, results):
    h = content_hash(b"mine")
    store.save(new_session_id(), h, generate_sample("normal_star")[0], "mine.csv")
    with pytest.raises(LookupError):
        analysis.run(store, results, new_session_id(), h, analysis.build_config(form()))


def test_views_fill_every_panel():
    v = analysis.views(make_result())
    assert len(v.folds) == 1
    assert len(v.events_rows) == 4 and {c["field"] for c in v.events_columns} >= {"kind", "t_peak", "snr"}
    assert v.transits_rows[0]["flags"] == "odd_even"
    assert "1 transit candidate" in v.summary and "1 flare" in v.summary
    assert "took 0.21 s" in v.summary  # the pipeline's own total, not the sum of its stages plus the total
    json.dumps(v.events_rows)  # JSON-safe for the grid


def test_exports_are_csv_and_json():
    result = make_result()
    events = analysis.export(result, "events", "TIC_1")
    assert events["filename"] == "TIC_1-events.csv" and events["content"].startswith("kind,")
    assert analysis.export(result, "transits", "TIC_1")["content"].startswith("period,")
    doc = json.loads(analysis.export(result, "json", "TIC_1")["content"])
    assert doc["n_points"] == result.n_points and len(doc["events"]) == 4


def test_download_name_is_safe():
    assert analysis.file_stem({"target": "../TIC 261136679 / b"}) == "TIC_261136679_b"
    assert analysis.file_stem({}) == "lightcurve"


def test_zoom_range_covers_the_event():
    lo, hi = analysis.zoom_range({"t_start": 10.0, "t_end": 10.1})
    assert lo < 10.0 and hi > 10.1
    assert analysis.zoom_range({"kind": "flare"}) is None


def test_relayout_events_map_to_time_ranges():
    assert analysis.relayout_range({"xaxis.range[0]": 1.0, "xaxis.range[1]": 2.0}) == [1.0, 2.0]
    assert analysis.relayout_range({"xaxis.range": [3, 4]}) == [3.0, 4.0]
    assert analysis.relayout_range({"xaxis.autorange": True, "yaxis.autorange": True}) is None
    assert analysis.relayout_range({"dragmode": "pan"}) is analysis.NO_CHANGE
    # What plotly never sends leaves the view as it is.
    assert analysis.relayout_range({"xaxis.range[0]": "a", "xaxis.range[1]": 2}) is analysis.NO_CHANGE
    assert analysis.relayout_range({"xaxis.range": ["a"]}) is analysis.NO_CHANGE
    assert analysis.relayout_range([1, 2]) is analysis.NO_CHANGE


def test_summary_says_when_a_k2_curve_was_roll_corrected():
    result = make_result()
    assert "K2 roll" not in analysis.summary_text(result)
    result.meta["k2_roll_correction"] = {"applied": True, "windows": 47, "noise_before_ppm": 575.8,
                                         "noise_after_ppm": 450.8}
    assert "K2 roll corrected (self-flat-fielding in 47 windows): noise 576 -> 451 ppm" in analysis.summary_text(result)
