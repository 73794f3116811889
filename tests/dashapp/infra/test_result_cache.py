"""Result cache: keyed by (content hash, settings), stored without pickle, computed once."""
from __future__ import annotations

import numpy as np
from flask import Flask
from flask_caching import Cache

from core.config import AnalysisConfig
from dashapp.infra.cache import cache_config
from dashapp.infra.result_cache import ResultCache, result_from_npz, result_key, result_to_npz
from tests.dashapp.builders import make_result


def test_key_depends_on_curve_and_every_setting():
    base = result_key("a" * 32, AnalysisConfig())
    assert base == result_key("a" * 32, AnalysisConfig())
    assert base != result_key("b" * 32, AnalysisConfig())
    assert base != result_key("a" * 32, AnalysisConfig(contamination=0.1))
    assert base != result_key("a" * 32, AnalysisConfig(detectors=("flares",)))
    assert base != result_key("a" * 32, AnalysisConfig(model_id="m-1"))


def test_round_trip_keeps_events_transits_and_series():
    result = make_result()
    back = result_from_npz(result_to_npz(result))
    assert back.to_dict() == result.to_dict()
    np.testing.assert_array_equal(back.labels, result.labels)
    np.testing.assert_array_equal(back.periodogram.power, result.periodogram.power)
    assert back.events[0].extra == {"n_points": 5}
    assert back.transits[0].flags == ("odd_even",)


def test_file_system_cache_computes_once(settings):
    server = Flask(__name__)
    cache = ResultCache(Cache(server, config=cache_config(settings)), timeout_s=60)
    calls = []

    def compute():
        calls.append(1)
        return make_result()

    first = cache.get_or_compute("result:x", compute)
    second = cache.get_or_compute("result:x", compute)
    assert len(calls) == 1 and cache.has("result:x")
    assert second.to_dict() == first.to_dict()


def test_redis_url_switches_flask_caching_to_redis(settings):
    from dataclasses import replace

    config = cache_config(replace(settings, redis_url="redis://localhost:6379/0"))
    assert config["CACHE_TYPE"] == "RedisCache" and config["CACHE_REDIS_URL"].startswith("redis://")
    assert cache_config(settings)["CACHE_TYPE"] == "FileSystemCache"


def test_round_trip_keeps_every_transit_candidate_field():
    from dataclasses import fields, replace

    from core.result import TransitCandidate

    result = make_result()
    full = TransitCandidate(period=3.3, t0=1326.2, duration=0.11, depth=0.0098, snr=41.0, sde=18.2, n_transits=7,
                            depth_err=1e-4, odd_even_sigma=0.4, snr_pink=30.5, flags=("odd_even_mismatch",))
    result = replace(result, transits=[full])
    back = result_from_npz(result_to_npz(result)).transits[0]
    for spec in fields(TransitCandidate):
        assert getattr(back, spec.name) == getattr(full, spec.name), spec.name
