"""The summary row: one per file, the same columns whether the curve was analysed, failed or read back."""
from __future__ import annotations

import math

import pytest

from core.batch.summary import FAILED, OK, SUMMARY_COLUMNS, read_summary_csv, summary_csv, summary_row


def _document(**changes):
    document = {
        "n_points": 20000,
        "meta": {"target": "TIC 1", "mission": "TESS", "time_span_days": 27.5, "noise_ppm": 512.3456789,
                 "cdpp_1h_ppm": 80.0},
        "transits": [{"period": 3.3, "depth": 0.001, "snr": 12.0},
                     {"period": 7.123456789, "depth": 0.004, "snr": 40.0, "verdict": "planet_candidate"}],
        "events": [{"kind": "flare"}, {"kind": "flare"}, {"kind": "outlier"}, {"kind": "anomaly"},
                   {"kind": "transit"}, {"kind": "dip"}],
    }
    document.update(changes)
    return document


def test_columns_are_the_designs_in_its_order():
    assert SUMMARY_COLUMNS[:3] == ("file", "status", "error")
    assert set(summary_row("a.csv", _document())) == set(SUMMARY_COLUMNS)


def test_a_row_names_the_strongest_candidate_and_counts_events_by_kind():
    row = summary_row("a.csv", _document())
    assert row["status"] == OK and row["error"] is None
    assert (row["target"], row["mission"], row["n_points"], row["span_days"]) == ("TIC 1", "TESS", 20000, 27.5)
    assert row["n_candidates"] == 2
    assert (row["best_period"], row["best_snr"], row["best_verdict"]) == (7.12346, 40.0, "planet_candidate")
    assert (row["n_flares"], row["n_outliers"], row["n_anomalies"]) == (2, 1, 1)
    assert row["flares_per_day"] == pytest.approx(2 / 27.5, rel=1e-5)
    assert row["noise_ppm"] == 512.346  # six significant digits


def test_no_candidate_leaves_the_best_columns_empty_and_a_verdict_is_read_only_when_present():
    row = summary_row("quiet.csv", _document(transits=[]))
    assert row["n_candidates"] == 0
    assert all(row[c] is None for c in ("best_period", "best_depth", "best_snr", "best_verdict"))
    unvetted = summary_row("a.csv", _document(transits=[{"period": 2.0, "depth": 0.01, "snr": 9.0}]))
    assert unvetted["best_period"] == 2.0 and unvetted["best_verdict"] is None


def test_a_failed_file_is_a_row_with_its_reason_and_nothing_else():
    row = summary_row("bad.csv", None, "no time column found")
    assert (row["file"], row["status"], row["error"]) == ("bad.csv", FAILED, "no time column found")
    assert all(row[c] is None for c in SUMMARY_COLUMNS[3:])


def test_a_span_of_zero_gives_no_flare_rate_rather_than_infinity():
    row = summary_row("a.csv", _document(meta={"time_span_days": 0.0}))
    assert row["flares_per_day"] is None and row["span_days"] == 0.0


def test_csv_round_trip_keeps_every_cell_and_empty_cells_for_missing_values():
    rows = [summary_row("a, with comma.csv", _document()), summary_row("bad.csv", None, 'quote " and, comma')]
    text = summary_csv(rows)
    assert text.splitlines()[0] == ",".join(SUMMARY_COLUMNS)
    back = read_summary_csv(text)
    assert [r["file"] for r in back] == ["a, with comma.csv", "bad.csv"]
    assert back[1]["error"] == 'quote " and, comma' and back[1]["target"] == ""
    assert math.isclose(float(back[0]["best_period"]), 7.12346)


def test_a_table_with_other_columns_is_not_taken_for_a_summary():
    with pytest.raises(ValueError, match="not a batch summary"):
        read_summary_csv("time,flux\n1,2\n")
