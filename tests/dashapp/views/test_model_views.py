"""How the pages show a model: its label in model-select and its metrics as rows."""
from __future__ import annotations

from dashapp.views.models import flat_metrics, model_label


def test_model_label_and_metrics_table():
    meta = {"id": "m-1", "training_data": {"n_curves": 5}, "params": {"contamination": 0.05},
            "metrics": {"point_recall": 0.5, "event_recall_by_kind": {"flare": 0.8}}}
    assert model_label(meta) == "m-1 (5 curves, contamination 0.05)"
    assert flat_metrics(meta["metrics"]) == [("point_recall", 0.5), ("event_recall_by_kind.flare", 0.8)]
