"""Training: the default model is trained once, progress and metrics are reported, bad input is named."""
from __future__ import annotations

from core.anomaly.estimator import AnomalyEnsemble
from core.anomaly.registry import DEFAULT_MODEL_ID, ModelRegistry
from core.anomaly.training import ensure_default_model, train_synthetic


def test_ensure_default_trains_once_and_keeps_the_model(tmp_path):
    registry = ModelRegistry(tmp_path)
    metadata = ensure_default_model(registry, n_samples=5)
    assert metadata["id"] == DEFAULT_MODEL_ID
    assert metadata["training_data"]["kind"] == "synthetic"
    assert 0 <= metadata["metrics"]["clean_flagged_fraction"] <= 0.05
    created = metadata["created"]
    assert ensure_default_model(registry, n_samples=5)["created"] == created
    assert isinstance(registry.load(DEFAULT_MODEL_ID), AnomalyEnsemble)


def test_train_synthetic_reports_progress_and_metrics(tmp_path):
    calls = []
    model_id, metadata = train_synthetic(
        4, contamination=0.05, window_size=50, seed=1, registry=ModelRegistry(tmp_path),
        progress=lambda done, total: calls.append((done, total)), n_heldout=5,
    )
    assert calls[-1] == (9, 9) and [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert metadata["id"] == model_id and metadata["window_size"] == 50
    for key in ("point_precision", "point_recall", "event_recall_by_kind", "clean_flagged_fraction"):
        assert key in metadata["metrics"]
    assert metadata["n_training_windows"] > 1_000


def test_train_command_prints_the_model_id_and_fails_cleanly(tmp_path, capsys):
    from core.__main__ import main

    assert main(["train", "--synthetic", "2", "--heldout", "1", "--models-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    model_id = ModelRegistry(tmp_path).list()[0]["id"]
    assert f"model {model_id} saved" in out and "[3/3]" in out
    assert main(["train", "--synthetic", "2", "--contamination", "0.9", "--models-dir", str(tmp_path)]) == 2
    assert "contamination" in capsys.readouterr().err


def test_training_on_a_file_whose_flux_is_one_value_names_the_file(tmp_path, capsys):
    from core.__main__ import main

    flat = tmp_path / "flat.csv"
    flat.write_text("time,flux\n" + "".join(f"{1500 + 0.02 * i},0\n" for i in range(200)))
    assert main(["train", "--files", str(flat), "--models-dir", str(tmp_path / "models")]) == 2
    err = capsys.readouterr().err
    assert "flat.csv: the flux has the same value (0)" in err and "Traceback" not in err
