"""The one analysis service, as the pages use it: cached runs of a session's stored curves."""
from __future__ import annotations

import numpy as np
import pytest
from flask import Flask
from flask_caching import Cache

from core.config import AnalysisConfig
from core.lightcurve import LightCurve
from core.synthetic import generate_sample
from dashapp import analysis_service
from dashapp.analysis_service import AnalysisService, Plan, PreparedAnalysis
from dashapp.api.analyze_request import fits_in_request
from dashapp.infra.cache import cache_config
from dashapp.infra.curve_store import content_hash
from dashapp.infra.result_cache import ResultCache
from dashapp.infra.session import new_session_id
from dashapp.pages.forms import build_config
from tests.dashapp.builders import analysis_form as form


@pytest.fixture
def results(settings) -> ResultCache:
    return ResultCache(Cache(Flask(__name__), config=cache_config(settings)), timeout_s=60)


@pytest.fixture
def service(store, results, training) -> AnalysisService:
    return AnalysisService(results, store, training)


def test_second_run_with_same_settings_comes_from_the_cache(store, service, monkeypatch):
    sid = new_session_id()
    lc, _ = generate_sample("exoplanet_transit")
    h = content_hash(b"exoplanet_transit")
    store.save(sid, h, lc, "exoplanet_transit.csv")
    config = build_config(form())
    assert not service.plan(h, config).cached
    progress = []
    key = service.run_stored(sid, h, config, progress=lambda f, m: progress.append(f))
    assert progress and progress[-1] == 1.0
    assert service.plan(h, config) == Plan(key=key, cached=True)
    monkeypatch.setattr(analysis_service, "analyze", lambda *a, **k: pytest.fail("re-analysed a cached curve"))
    assert service.run_stored(sid, h, config) == key
    assert not service.plan(h, build_config(form(contamination=0.02))).cached


def test_another_session_cannot_run_my_curve(store, service):
    h = content_hash(b"mine")
    store.save(new_session_id(), h, generate_sample("normal_star")[0], "mine.csv")
    with pytest.raises(LookupError):
        service.run_stored(new_session_id(), h, build_config(form()))


def test_a_small_stars_finer_search_grid_is_counted_when_choosing_a_job():
    """A 200k-point 2-min curve (a TESS multi-sector span) around a 0.13 R_sun M dwarf is searched on a
    grid ~10 times finer than the same curve without a header star (`star_duration_scale`); the cost
    that decides request or job must be that search's, or the request outlives Gunicorn's timeout."""
    n = 200_000
    time = 1325.0 + np.arange(n) * 2.0 / 1440.0
    flux = np.ones(n)

    def prepared(meta: dict) -> PreparedAnalysis:
        lc = LightCurve(time=time, flux=flux, flux_err=np.full(n, 1e-3), quality=np.zeros(n, np.int32), meta=meta)
        return PreparedAnalysis("key", lc, AnalysisConfig(), None)

    sun_like, m_dwarf = prepared({}), prepared({"radius": 0.13, "logg": 5.2})
    assert m_dwarf.search_work() > 5 * sun_like.search_work()
    assert fits_in_request(sun_like)
    assert not fits_in_request(m_dwarf)
