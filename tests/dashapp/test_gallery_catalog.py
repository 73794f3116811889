"""The gallery catalogue: samples first, real curves when present, ids never paths."""
from __future__ import annotations

import pytest

from dashapp import gallery_catalog
from dashapp.infra.session import new_session_id


def test_catalog_lists_the_five_samples_first(settings):
    ids = [e.entry_id for e in gallery_catalog.catalog(settings)]
    assert ids[:5] == ["normal_star", "exoplanet_transit", "stellar_flares", "noisy_outliers", "complex_system"]


def test_real_curves_are_skipped_when_the_folder_is_absent(settings, tmp_path):
    from dataclasses import replace

    nowhere = replace(settings, real_data_dir=tmp_path / "nowhere", bundled_real_dir=tmp_path / "nothing")
    assert gallery_catalog.real_entries(nowhere) == []


def test_bundled_real_curves_fill_the_gallery_without_the_shared_folder(settings, tmp_path, store):
    from dataclasses import replace

    bundled_only = replace(settings, real_data_dir=tmp_path / "nowhere")
    entries = gallery_catalog.real_entries(bundled_only)
    assert {e.path.name for e in entries} == {
        "koi1003_kepler_q2.csv", "wasp18b_flat_lightcurve.csv",
        "kplr010002792-2010174085026_llc.fits", "ktwo211117077-c04_llc.fits",
    }
    assert all(e.path.parent == settings.bundled_real_dir for e in entries)
    assert gallery_catalog.open_entry(store, new_session_id(), entries[0]).summary["n_points"] > 1000


def test_unknown_or_path_like_ids_find_nothing(settings):
    assert gallery_catalog.find_entry(settings, "../../etc/passwd") is None
    assert gallery_catalog.find_entry(settings, "exoplanet_transit").path.name == "exoplanet_transit.csv"


def test_samples_are_written_on_first_use_and_open_into_the_session(settings, store):
    gallery_catalog.ensure_samples(settings)
    entry = gallery_catalog.find_entry(settings, "stellar_flares")
    assert entry.path.exists()
    sid = new_session_id()
    opened = gallery_catalog.open_entry(store, sid, entry)
    assert store.latest(sid).curve_hash == opened.curve_hash
    assert gallery_catalog.open_entry(store, sid, entry).curve_hash == opened.curve_hash  # same bytes, same curve


def test_real_curve_opens_when_present(settings, store):
    entries = gallery_catalog.real_entries(settings)
    if not entries:
        pytest.skip(f"real light curves not available in {settings.real_data_dir}")
    opened = gallery_catalog.open_entry(store, new_session_id(), entries[0])
    assert opened.summary["n_points"] > 1000
