"""Per-session curve storage: isolation, no pickle, no client file names on disk."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest

from core.lightcurve import from_arrays
from dashapp.infra.curve_store import content_hash, lightcurve_from_npz, lightcurve_to_npz
from dashapp.infra.session import new_session_id
from tests.dashapp.builders import make_lightcurve


def test_curves_of_one_session_are_invisible_to_another(store):
    alice, bob = new_session_id(), new_session_id()
    lc = make_lightcurve()
    h = content_hash(b"alice's file")
    store.save(alice, h, lc, "alice.csv")
    assert store.has(alice, h) and store.load(alice, h) is not None
    assert not store.has(bob, h)
    assert store.load(bob, h) is None
    assert store.list(bob) == []


def test_round_trip_keeps_arrays_and_meta_without_pickle(store):
    lc = make_lightcurve(time_system="BTJD")
    data = lightcurve_to_npz(lc)
    back = lightcurve_from_npz(data)  # np.load(..., allow_pickle=False) inside
    np.testing.assert_array_equal(back.time, lc.time)
    np.testing.assert_array_equal(back.flux, lc.flux)
    assert back.meta["time_system"] == "BTJD" and back.meta["target"] == "TIC 1"


def test_client_file_name_is_a_label_not_a_path(store, tmp_path):
    sid = new_session_id()
    h = content_hash(b"x")
    entry = store.save(sid, h, make_lightcurve(), "../../etc/passwd\x00.csv")
    files = sorted(p.name for p in (tmp_path / "uploads" / sid).iterdir())
    assert files == [f"{h}.json", f"{h}.npz"]
    assert entry.name == "../../etc/passwd.csv"  # shown as text only


def test_latest_is_the_most_recently_opened_curve(store):
    sid = new_session_id()
    first, second = content_hash(b"1"), content_hash(b"2")
    store.save(sid, first, make_lightcurve(seed=1), "one.csv")
    store.save(sid, second, make_lightcurve(seed=2), "two.csv")
    assert store.latest(sid).curve_hash == second
    store.touch(sid, first)
    assert [e.curve_hash for e in store.list(sid)] == [first, second]


@pytest.mark.parametrize("sid", ["", "../x", "a" * 10, None, "bad/slash" + "x" * 20])
def test_invalid_session_ids_are_refused(store, sid):
    with pytest.raises(ValueError):
        store.save(sid, content_hash(b"x"), make_lightcurve(), "x.csv")


def test_invalid_hashes_are_never_looked_up(store):
    sid = new_session_id()
    assert not store.has(sid, "../secret_key")
    assert store.load(sid, "not-a-hash") is None
    with pytest.raises(ValueError):
        store.save(sid, "../../x", make_lightcurve(), "x.csv")


def test_summary_has_what_a_card_shows(store):
    entry = store.save(new_session_id(), content_hash(b"s"), make_lightcurve(n=1441), "s.csv")
    s = entry.summary
    assert (s["target"], s["mission"], s["n_points"]) == ("TIC 1", "TESS", 1441)
    assert s["cadence_min"] == pytest.approx(2.0) and s["time_span_days"] == pytest.approx(2.0)
    assert s["warnings"] == []


def test_prune_forgets_idle_sessions_only(store):
    import os
    import time

    idle, active = new_session_id(), new_session_id()
    store.save(idle, content_hash(b"old"), make_lightcurve(), "old.csv")
    store.save(active, content_hash(b"new"), make_lightcurve(), "new.csv")
    long_ago = time.time() - 30 * 86400
    for path in (store.root / idle).iterdir():
        os.utime(path, (long_ago, long_ago))
    assert store.prune(max_age_days=7) == 1
    assert store.list(idle) == [] and len(store.list(active)) == 1


def test_round_trip_keeps_centroids():
    lc = make_lightcurve(n=100)
    col, row = np.linspace(600.0, 601.0, 100), np.linspace(400.0, 399.0, 100)
    col[3] = row[3] = np.nan
    with_centroids = from_arrays(lc.time, lc.flux, lc.flux_err, lc.quality, lc.meta, centroid_col=col, centroid_row=row)
    back = lightcurve_from_npz(lightcurve_to_npz(with_centroids))
    np.testing.assert_array_equal(back.centroid_col, col)
    np.testing.assert_array_equal(back.centroid_row, row)


def test_curves_stored_before_centroids_still_load():
    lc = make_lightcurve(n=50)
    buffer = io.BytesIO()  # the layout written before centroids were stored
    np.savez(buffer, time=lc.time, flux=lc.flux, flux_err=lc.flux_err, quality=lc.quality,
             meta=np.array(json.dumps({"target": "TIC 1"})))
    back = lightcurve_from_npz(buffer.getvalue())
    np.testing.assert_array_equal(back.time, lc.time)
    assert not back.has_centroids and not lightcurve_from_npz(lightcurve_to_npz(back)).has_centroids


def test_a_file_name_that_sets_the_mission_is_part_of_the_curve_identity():
    """The same CSV bytes as 'ktwo...csv' are a K2 curve (roll-corrected), as 'star.csv' a plain one."""
    data = b"time,flux\n1,1\n"
    assert content_hash(data, "star.csv") == content_hash(data) == content_hash(data, None)
    assert content_hash(data, "ktwo211117077-c04_llc.csv") != content_hash(data)
    assert content_hash(data, "ktwo211117077-c04_llc.csv") == content_hash(data, "ktwo201367065-c01_llc.csv")
    assert content_hash(data, "kplr010002792_llc.csv") != content_hash(data, "ktwo211117077-c04_llc.csv")
