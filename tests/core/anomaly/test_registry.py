"""The model registry: exact round trips, server-made ids, and refusal of anything tampered."""
from __future__ import annotations

import hashlib
import io
import json
import pickle
import re
from pathlib import Path

import numpy as np
import pytest

from core.anomaly.estimator import AnomalyEnsemble
from core.anomaly.registry import (
    DEFAULT_MODEL_ID,
    ModelFormatError,
    ModelNotFoundError,
    ModelRegistry,
    read_model,
    write_model,
)
from core.errors import ConfigError


@pytest.fixture(scope="module")
def features() -> np.ndarray:
    rng = np.random.default_rng(11)
    return rng.standard_t(4, size=(1_500, 14))


@pytest.fixture(scope="module")
def fitted(features) -> AnomalyEnsemble:
    return AnomalyEnsemble(max_reference=1_000, random_state=3).fit(features)


@pytest.fixture
def saved(tmp_path, fitted) -> Path:
    return write_model(tmp_path / "model", fitted, {"note": "test"})


def test_saved_and_loaded_model_gives_identical_scores(saved, fitted, features):
    loaded, metadata = read_model(saved)
    np.testing.assert_array_equal(loaded.score_samples(features), fitted.score_samples(features))
    np.testing.assert_array_equal(loaded.predict(features), fitted.predict(features))
    assert loaded.get_params() == fitted.get_params()
    assert metadata["note"] == "test"


def test_model_files_are_json_and_a_plain_npz(saved):
    assert sorted(p.name for p in saved.iterdir()) == ["model.json", "reference.npz"]
    document = json.loads((saved / "model.json").read_text())
    assert document["reference"]["shape"] == [1_000, 14]
    with np.load(saved / "reference.npz", allow_pickle=False) as archive:
        assert archive["reference"].dtype == np.float64


def test_unseeded_model_cannot_be_saved(tmp_path, features):
    with pytest.raises(ValueError, match="random_state"):
        write_model(tmp_path / "m", AnomalyEnsemble().fit(features[:200]))


class _CreatesMarker:
    """Unpickling this would create a file: the classic pickle payload."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _rewrite_checksum(model_dir: Path) -> None:
    """What an attacker who can write the directory would also do."""
    path = model_dir / "model.json"
    document = json.loads(path.read_text())
    document["reference"]["sha256"] = hashlib.sha256((model_dir / "reference.npz").read_bytes()).hexdigest()
    path.write_text(json.dumps(document))


@pytest.mark.parametrize("fix_checksum", [False, True])
def test_pickle_renamed_npz_is_refused_without_running_it(saved, tmp_path, fix_checksum):
    marker = tmp_path / "pwned"
    (saved / "reference.npz").write_bytes(pickle.dumps(_CreatesMarker(marker)))
    if fix_checksum:
        _rewrite_checksum(saved)
    with pytest.raises(ModelFormatError):
        read_model(saved)
    assert not marker.exists()


def test_object_array_inside_npz_is_refused_without_running_it(saved, tmp_path):
    marker = tmp_path / "pwned"
    buffer = io.BytesIO()
    np.savez(buffer, reference=np.array([_CreatesMarker(marker)], dtype=object))
    (saved / "reference.npz").write_bytes(buffer.getvalue())
    _rewrite_checksum(saved)
    with pytest.raises(ModelFormatError):
        read_model(saved)
    assert not marker.exists()


def test_altered_array_fails_the_checksum(saved):
    buffer = io.BytesIO()
    np.savez(buffer, reference=np.zeros((1_000, 14)))
    (saved / "reference.npz").write_bytes(buffer.getvalue())
    with pytest.raises(ModelFormatError, match="checksum"):
        read_model(saved)


def test_wrong_array_shape_is_refused(saved):
    buffer = io.BytesIO()
    np.savez(buffer, reference=np.zeros((10, 3)))
    (saved / "reference.npz").write_bytes(buffer.getvalue())
    _rewrite_checksum(saved)
    with pytest.raises(ModelFormatError, match="promises"):
        read_model(saved)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: "{not json",
        lambda d: json.dumps([1, 2]),
        lambda d: json.dumps({**d, "format_version": 99}),
        lambda d: json.dumps({**d, "params": {**d["params"], "contamination": "0.1; import os"}}),
        lambda d: json.dumps({**d, "params": {**d["params"], "contamination": 0.9}}),
        lambda d: json.dumps({**d, "params": {**d["params"], "__class__": "os.system"}}),
        lambda d: json.dumps({**d, "reference": {**d["reference"], "shape": [-1, 14]}}),
    ],
    ids=["bad-json", "not-an-object", "future-version", "string-param", "out-of-range", "extra-param", "bad-shape"],
)
def test_tampered_json_is_refused(saved, mutate):
    path = saved / "model.json"
    path.write_text(mutate(json.loads(path.read_text())))
    with pytest.raises(ModelFormatError):
        read_model(saved)


def test_model_format_error_is_a_value_error():
    assert issubclass(ModelFormatError, ValueError)


def test_registry_ids_are_made_by_the_server(tmp_path, fitted):
    registry = ModelRegistry(tmp_path)
    model_id = registry.save(fitted, {"name": "../../etc/passwd", "metrics": {"recall": 0.5}})
    assert re.fullmatch(r"m-\d{8}T\d{6}Z-[0-9a-f]{8}", model_id)
    assert [p.name for p in tmp_path.iterdir()] == [model_id]
    listed = registry.list()
    assert [m["id"] for m in listed] == [model_id]
    assert listed[0]["metrics"] == {"recall": 0.5}
    assert listed[0]["n_training_windows"] == 1_500
    assert set(listed[0]["versions"]) == {"numpy", "sklearn"}
    assert registry.get_metadata(model_id)["params"]["random_state"] == 3


@pytest.mark.parametrize(
    "bad_id", ["../x", "..", "/etc/passwd", "m-20250101T000000Z-abcdef0/../../x", "default\n", "", "M-20250101T000000Z-ABCDEF01"]
)
def test_registry_refuses_ids_it_could_not_have_made(tmp_path, bad_id):
    registry = ModelRegistry(tmp_path)
    for call in (registry.load, registry.get_metadata, registry.delete):
        with pytest.raises(ModelNotFoundError):
            call(bad_id)


def test_registry_load_and_delete(tmp_path, fitted, features):
    registry = ModelRegistry(tmp_path)
    model_id = registry.save(fitted)
    np.testing.assert_array_equal(registry.load(model_id).predict(features), fitted.predict(features))
    registry.delete(model_id)
    assert registry.list() == []
    with pytest.raises(ModelNotFoundError):
        registry.load(model_id)


def test_registry_skips_damaged_models_in_list(tmp_path, fitted):
    registry = ModelRegistry(tmp_path)
    good = registry.save(fitted)
    broken = registry.save(fitted)
    (tmp_path / broken / "model.json").write_text("{")
    assert [m["id"] for m in registry.list()] == [good]


def test_default_model_cannot_be_deleted(tmp_path):
    with pytest.raises(ConfigError, match="default"):
        ModelRegistry(tmp_path).delete(DEFAULT_MODEL_ID)


def test_no_temporary_files_are_left_behind(tmp_path, fitted):
    registry = ModelRegistry(tmp_path)
    model_id = registry.save(fitted)
    assert [p.name for p in tmp_path.iterdir()] == [model_id]
    assert not [p for p in (tmp_path / model_id).iterdir() if p.name.endswith(".tmp")]


def test_a_crash_while_saving_leaves_the_previous_model_intact(tmp_path, fitted, features, monkeypatch):
    import core.anomaly.registry as registry_module

    registry = ModelRegistry(tmp_path)
    first = registry.save(fitted, {"note": "first"})
    expected = registry.load(first).score_samples(features)

    real_write = registry_module.write_bytes_atomically
    calls = {"n": 0}

    def crash_on_second_file(path, data):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        real_write(path, data)

    monkeypatch.setattr(registry_module, "write_bytes_atomically", crash_on_second_file)
    with pytest.raises(OSError, match="disk full"):
        registry.save(fitted, {"note": "second"})
    monkeypatch.undo()

    assert [m["id"] for m in registry.list()] == [first]
    assert np.array_equal(registry.load(first).score_samples(features), expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == [first]  # no half-written model, no temp dir


def test_metadata_update_rewrites_only_the_metadata(tmp_path, fitted, features):
    registry = ModelRegistry(tmp_path)
    model_id = registry.save(fitted, {"note": "first"})
    created = registry.get_metadata(model_id)["created"]
    updated = registry.update_metadata(model_id, {"published": True})
    assert (updated["note"], updated["published"], updated["created"]) == ("first", True, created)
    assert registry.get_metadata(model_id)["published"] is True
    np.testing.assert_array_equal(registry.load(model_id).score_samples(features), fitted.score_samples(features))
    with pytest.raises(ValueError, match="never change"):
        registry.update_metadata(model_id, {"id": "m-other"})
    registry.delete(model_id)
    with pytest.raises(ModelNotFoundError):
        registry.update_metadata(model_id, {"published": False})


def test_last_used_moves_with_touch_and_size_counts_the_files(tmp_path, fitted):
    import os

    registry = ModelRegistry(tmp_path)
    model_id = registry.save(fitted)
    os.utime(tmp_path / model_id, (1_000_000_000, 1_000_000_000))  # 2001-09-09
    assert registry.get_metadata(model_id)["last_used"].startswith("2001-09-09")
    registry.touch(model_id)
    assert not registry.get_metadata(model_id)["last_used"].startswith("2001")
    on_disk = sum(f.stat().st_size for f in (tmp_path / model_id).iterdir())
    assert registry.get_metadata(model_id)["size_bytes"] == on_disk > fitted.reference_.nbytes


def test_a_deleted_model_leaves_nothing_in_the_registry(tmp_path, fitted):
    registry = ModelRegistry(tmp_path)
    model_id = registry.save(fitted)
    registry.delete(model_id)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ModelNotFoundError):
        registry.delete(model_id)
    with pytest.raises(ModelNotFoundError):
        registry.touch(model_id)
