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
    assert set(data["counts"]) == {"synthetic-TESS", "clean", "hard-TESS", "hard-Kepler", "hard-K2", "clean-hard",
                                   "unusual-quiet-2min", "unusual-quiet-30min", "vetting-eb", "vetting-harmonic",
                                   "vetting-planet", "noise-quiet-2min"}
    assert data["counts"]["synthetic-TESS"]["stars"] == 2
    c = quick_report.total()
    assert c["planet|>30"] >= 1
    assert c["planet_found|>30"] / c["planet|>30"] > 0.5
    assert c["flare|>10"] > 0 and data["counts"]["synthetic-TESS"]["outlier"] == 20 and c["outlier"] == 50
    summary = data["summary"]
    assert 0.0 <= summary["outlier_recall"] <= 1.0
    assert set(summary["false_per_clean_star"]) == {"transit_candidate", "transit", "flare", "outlier", "anomaly",
                                                    "single_transit", "dip", "brightening", "step", "oscillation"}
    text = quick_report.to_markdown()
    assert "| SNR | planets | found | alias | recall |" in text
    assert "| effective SNR | planets | found | alias | recall |" in text
    assert "| SNR (white + red) | planets | found | recall |" in text
    assert sum(c[f"planet_correlated|{name}"] for name, _, _ in SNR_BINS) == 5  # every synthetic planet
    assert sum(c[f"planet_effective|{name}"] for name, _, _ in SNR_BINS) == 5
    assert "**Design bars**" in text and "| bar | measured | 95% interval | met |" in text
    assert "**Raised noise**" in text and data["summary"]["fractions"]["raised_noise_found"][1] == 2
    assert "**Flares of another shape**" in text and data["summary"]["fractions"]["flare_recall_mendoza_template"][1] > 0
    hits, n = data["summary"]["fractions"]["outlier_recall"]
    assert (hits, n) == (c["outlier_found"], 50)


def test_quick_evaluate_scores_hard_stars_unusual_events_and_confidence(quick_report):
    c = quick_report.total()
    assert c["bump"] == 12 and c["bump_as_flare"] <= 12
    assert sum(n for key, n in c.items() if key.startswith("outlier_len|")) == c["outlier"]
    unusual = quick_report.unusual_total()
    assert sum(n for key, n in unusual.items() if key.startswith("unusual|")) == 2 + 3
    assert quick_report.clean_total()["stars"] == 1 + 1
    text = quick_report.to_markdown()
    for table in ("**Glitches by length**", "**Unusual events**", "| kind | SNR | injected | found | named ",
                  "**Confidence reliability**", "| confidence | events | real | precision |"):
        assert table in text
    n_events = sum(n for key, n in quick_report.total(quick_report.counts).items()
                   if key.startswith(("conf|", "conf_missing|")))
    assert len(quick_report.calibration) == n_events > 0
    assert {r["source"] for r in quick_report.calibration} <= set(quick_report.counts)
    bars = quick_report.summary()["bars"]
    assert "transit recall >= 90% at effective SNR >= 10" in bars
    assert "unusual events at SNR >= 15: >= 80% with the right kind" in bars


def test_quick_evaluate_scores_the_vetting_set_in_a_confusion_matrix(quick_report):
    vetting = quick_report.to_dict()["vetting"]
    assert vetting["curves"] == 5  # one of each: three kinds of binary, a spotted star, a planet
    matrix = vetting["confusion"]
    assert sum(matrix["eclipsing_binary"].values()) == 3
    assert sum(matrix["planet_candidate"].values()) == 1 and sum(matrix["false_alarm"].values()) == 1
    assert matrix["planet_candidate"]["planet_candidate"] == 1
    assert matrix["eclipsing_binary"]["eclipsing_binary"] >= 2
    assert set(vetting["met"]) == {"significant_eb_called_eb", "planet_called_otherwise", "harmonic_called_false_alarm"}
    text = quick_report.to_markdown()
    assert "**Vetting**" in text and "| truth \\ called | planet candidate | eclipsing binary | false alarm |" in text
    assert not any(record["source"].startswith("vetting") for record in quick_report.calibration)


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
