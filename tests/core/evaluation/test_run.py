"""A quick end-to-end evaluation: its structure, reproducibility and pooling over seeds."""
from __future__ import annotations

import pytest

from core.evaluation.report import EvaluationReport
from core.evaluation.run import evaluate
from core.evaluation.scoring import SNR_BINS


@pytest.fixture(scope="module")
def quick_report():
    return evaluate(n_stars=2, seed=0, include_real=False, quick=True)


def test_quick_evaluate_structure_and_high_snr_recall(quick_report):
    data = quick_report.to_dict()
    assert set(data["counts"]) == {"synthetic-TESS", "clean"}
    assert data["counts"]["synthetic-TESS"]["stars"] == 2
    c = quick_report.total()
    assert c["planet|>30"] >= 1
    assert c["planet_found|>30"] / c["planet|>30"] > 0.5
    assert c["flare|>10"] > 0 and c["outlier"] == 20
    summary = data["summary"]
    assert 0.0 <= summary["outlier_recall"] <= 1.0
    assert set(summary["false_per_clean_star"]) == {"transit_candidate", "transit", "flare", "outlier", "anomaly"}
    text = quick_report.to_markdown()
    assert "| SNR | planets | found | alias | recall |" in text
    assert "| SNR (white + red) | planets | found | recall |" in text
    assert sum(c[f"planet_correlated|{name}"] for name, _, _ in SNR_BINS) == 2  # every synthetic planet
    assert "**Design bars**" in text and "| bar | measured | 95% interval | met |" in text
    hits, n = data["summary"]["fractions"]["outlier_recall"]
    assert (hits, n) == (c["outlier_found"], 20)


def test_quick_evaluate_is_reproducible(quick_report):
    again = evaluate(n_stars=1, seed=0, include_real=False, quick=True)
    first = quick_report.counts["synthetic-TESS"]
    # Star 0 is built the same way whatever n_stars is, so its planet verdict repeats.
    assert again.counts["synthetic-TESS"]["planet|>30"] == 1
    assert again.counts["synthetic-TESS"]["planet_found|>30"] == first["planet_found|>30"]


def test_pooled_seeds_add_counts_and_score_the_real_files_once(quick_report):
    pooled = EvaluationReport.pooled([quick_report, quick_report])
    for source, counts in quick_report.counts.items():
        assert pooled.counts[source] == {key: 2 * value for key, value in counts.items()}
    assert pooled.real_checks == quick_report.real_checks
    assert len(pooled.period_errors) == 2 * len(quick_report.period_errors)
    assert pooled.summary()["outlier_recall"] == quick_report.summary()["outlier_recall"]
    assert pooled.to_markdown().startswith("Injection-recovery, seeds 0, 0 pooled:")
