"""Every in-process cache has a bound: a long-running worker must not grow with traffic."""
from __future__ import annotations

from dashapp.analysis_service import RESULT_LRU_SIZE
from dashapp.infra.cache import cache_config
from dashapp.infra.lru import LRU
from dashapp.infra.ratelimit import MemoryCounter
from dashapp.settings import Settings
from dashapp.training_service import MODEL_LRU_SIZE
from dashapp.views import result_views


def test_lru_never_holds_more_than_its_size() -> None:
    lru: LRU[int, int] = LRU(8)
    for i in range(1000):
        lru.put(i, i)
        lru.get(i // 2)  # hits keep some old keys warm, they must still not pile up
    assert len(lru) == 8
    assert lru.get(999) == 999 and lru.get(0) is None


def test_api_lru_sizes_are_small() -> None:
    assert 0 < RESULT_LRU_SIZE <= 64 and 0 < MODEL_LRU_SIZE <= 8


def test_rate_limit_counter_is_bounded_within_a_window() -> None:
    counter = MemoryCounter(max_keys=100)
    counts = [counter.incr(f"2001:db8::{i:x}", window=1, period_s=60) for i in range(10_000)]
    assert len(counter) <= 101  # 100 addresses plus the shared overflow count
    assert counts[-1] == 10_000 - 100  # the newcomers past the bound share one count, so they are still limited
    counter.incr("198.51.100.1", window=2, period_s=60)
    assert len(counter) == 1  # a new window forgets the old one


def test_file_cache_has_a_threshold(tmp_path) -> None:
    config = cache_config(Settings.from_env({"DATA_DIR": str(tmp_path)}))
    assert config["CACHE_TYPE"] == "FileSystemCache" and 0 < config["CACHE_THRESHOLD"] <= 10_000


class _Results:
    """A shared result cache that holds every key but "gone"."""

    def get(self, key: str) -> object | None:
        return None if key == "gone" else f"result {key}"


def test_views_memo_is_bounded_and_builds_each_result_once(monkeypatch) -> None:
    built: list[object] = []
    monkeypatch.setattr(result_views, "build_views", lambda result: built.append(result) or f"views of {result}")
    memo: LRU[str, object] = LRU(result_views.VIEWS_LRU_SIZE)
    for i in range(100):
        assert result_views.cached_views(_Results(), memo, f"k{i}") == f"views of result k{i}"
    assert len(memo) == result_views.VIEWS_LRU_SIZE
    result_views.cached_views(_Results(), memo, "k99")
    assert len(built) == 100  # the recent one was not built again
    assert result_views.cached_views(_Results(), memo, "gone") is None and len(memo) == result_views.VIEWS_LRU_SIZE


def test_each_app_bounds_its_views_memo() -> None:
    from dashapp.app import server
    from dashapp.services import EXTENSION_KEY

    assert server.extensions[EXTENSION_KEY].views.size == result_views.VIEWS_LRU_SIZE
