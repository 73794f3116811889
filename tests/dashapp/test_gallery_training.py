"""Gallery catalogue and training helpers."""
from __future__ import annotations

import pytest

from core.errors import ConfigError
from dashapp import gallery, training
from dashapp.session import new_session_id


def test_catalog_lists_the_five_samples_first(settings):
    ids = [e.entry_id for e in gallery.catalog(settings)]
    assert ids[:5] == ["normal_star", "exoplanet_transit", "stellar_flares", "noisy_outliers", "complex_system"]


def test_real_curves_are_skipped_when_the_folder_is_absent(settings, tmp_path):
    from dataclasses import replace

    nowhere = replace(settings, real_data_dir=tmp_path / "nowhere", bundled_real_dir=tmp_path / "nothing")
    assert gallery.real_entries(nowhere) == []


def test_bundled_real_curves_fill_the_gallery_without_the_shared_folder(settings, tmp_path, store):
    from dataclasses import replace

    bundled_only = replace(settings, real_data_dir=tmp_path / "nowhere")
    entries = gallery.real_entries(bundled_only)
    assert {e.path.name for e in entries} == {
        "koi1003_kepler_q2.csv", "wasp18b_flat_lightcurve.csv",
        "kplr010002792-2010174085026_llc.fits", "ktwo211117077-c04_llc.fits",
    }
    assert all(e.path.parent == settings.bundled_real_dir for e in entries)
    assert gallery.open_entry(store, new_session_id(), entries[0]).summary["n_points"] > 1000


def test_unknown_or_path_like_ids_find_nothing(settings):
    assert gallery.find_entry(settings, "../../etc/passwd") is None
    assert gallery.find_entry(settings, "exoplanet_transit").path.name == "exoplanet_transit.csv"


def test_samples_are_written_on_first_use_and_open_into_the_session(settings, store):
    gallery.ensure_samples(settings)
    entry = gallery.find_entry(settings, "stellar_flares")
    assert entry.path.exists()
    sid = new_session_id()
    opened = gallery.open_entry(store, sid, entry)
    assert store.latest(sid).curve_hash == opened.curve_hash
    assert gallery.open_entry(store, sid, entry).curve_hash == opened.curve_hash  # same bytes, same curve


def test_real_curve_opens_when_present(settings, store):
    entries = gallery.real_entries(settings)
    if not entries:
        pytest.skip(f"real light curves not available in {settings.real_data_dir}")
    opened = gallery.open_entry(store, new_session_id(), entries[0])
    assert opened.summary["n_points"] > 1000


@pytest.mark.parametrize("n, c", [(4, 0.05), (2000, 0.05), (10, 0.0), (10, 0.6), ("x", 0.05), (5.5, 0.05)])
def test_training_inputs_are_checked(n, c):
    with pytest.raises(ConfigError):
        training.parse_inputs(n, c)


def test_training_inputs_accept_form_values():
    assert training.parse_inputs("100", "0.05") == (100, 0.05)


def test_model_options_start_with_fit_on_curve(settings):
    options = training.model_options(settings)
    assert options[0]["value"] == training.FIT_ON_CURVE
    assert training.load_model(settings, training.FIT_ON_CURVE) is None
    assert training.saved_model_id(training.FIT_ON_CURVE) is None
    assert training.saved_model_id("m-1") == "m-1"


def test_model_label_and_metrics_table():
    meta = {"id": "m-1", "training_data": {"n_curves": 5}, "params": {"contamination": 0.05},
            "metrics": {"point_recall": 0.5, "event_recall_by_kind": {"flare": 0.8}}}
    assert training.model_label(meta) == "m-1 (5 curves, contamination 0.05)"
    assert training.flat_metrics(meta["metrics"]) == [("point_recall", 0.5), ("event_recall_by_kind.flare", 0.8)]


def test_training_on_session_curves_needs_uploads(settings, store):
    with pytest.raises(ConfigError, match="no uploaded curves"):
        training.train_on_session(settings, store, new_session_id(), 0.05, lambda done, total: None)


@pytest.mark.slow
def test_training_on_session_curves_saves_a_model_listed_for_analysis(settings, store):
    from core.synthetic import generate_sample

    from dashapp.store import content_hash

    sid = new_session_id()
    for name in ("normal_star", "stellar_flares"):
        store.save(sid, content_hash(name.encode()), generate_sample(name)[0], f"{name}.csv")
    steps = []
    model_id, metadata = training.train_on_session(settings, store, sid, 0.05, lambda d, t: steps.append((d, t)))
    assert metadata["training_data"]["n_curves"] == 2 and steps[-1][0] == steps[-1][1]
    assert model_id in [o["value"] for o in training.model_options(settings)]
    assert not list(settings.cache_dir.glob("train-*"))  # the temporary CSVs are gone
