"""Real flare stars against labels made by eye: precision leaves ambiguous events out, recall counts labels."""
from __future__ import annotations

import json

import pytest
from hand_made import detection

from core.errors import ConfigError
from core.evaluation.labels import LABELS_PATH, label_row, labels_markdown, load_flare_labels, long_cadence_precision
from core.lightcurve import from_arrays
from core.result import AnalysisResult

LONG = 29.4 / 1440.0


def result_with(detections) -> AnalysisResult:
    lc = from_arrays([0.0, 1.0], [1.0, 1.0])
    return AnalysisResult(n_points=2, meta={}, transits=[], events=detections, time=lc.time, flux=lc.flux,
                          trend=lc.flux, detrended=lc.flux, labels=lc.flux.astype("int8"))


def test_the_repositorys_labels_load_and_csv_copies_share_their_fits_files_labels():
    labels = load_flare_labels()
    assert LABELS_PATH.exists()
    fits, csv = "ktwo211117077-c04_llc.fits", "ktwo211117077-c04_llc.csv"
    assert labels[csv] == labels[fits] and 2246.556 in labels[fits]["flare"]
    assert all(set(entry) == {"flare", "ambiguous", "not_flare"} for entry in labels.values())
    assert labels["kplr010002792-2009259160929_llc.fits"]["not_flare"] == [246.207]


def test_a_missing_label_file_means_no_labels(tmp_path):
    assert load_flare_labels(tmp_path / "absent.json") == {}
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"rule": "none"}))
    with pytest.raises(ConfigError, match="flare-label file"):
        load_flare_labels(broken)


def test_events_on_flares_ambiguous_ones_and_neither():
    labels = {"star.fits": {"flare": [10.0, 20.0, 30.0], "ambiguous": [40.0]}}
    events = [detection("flare", 10.02, 10.05),  # within 1.5 cadences (0.03 d) of the label
              detection("flare", 19.9, 20.1), detection("flare", 40.0, 40.01), detection("flare", 50.0, 50.1),
              detection("flare", 29.9, 29.95),  # ends 0.05 d before the label: more than 1.5 cadences
              detection("outlier", 30.0, 30.0)]  # not a flare event
    row = label_row({"file": "star.fits"}, result_with(events), LONG, labels)
    assert (row["flare_events"], row["on_flare"], row["on_ambiguous"], row["on_neither"]) == (5, 2, 1, 2)
    assert row["precision"] == 0.5 and (row["found"], row["labelled_flares"]) == (2, 3)
    assert row["long_cadence"] and row["labels"] == "by eye"
    assert long_cadence_precision([row]) == (2, 4)
    assert "| star.fits | by eye | 5 | 2 | 1 | 2 | 50% | 2 of 3 |" in "\n".join(labels_markdown([row]))


def test_short_cadence_files_are_scored_against_the_manifests_flares():
    entry = {"file": "tess.fits", "ground_truth": {"flares": [{"t_peak": 5.0}, {"t_peak": 7.0}]}}
    labels = {"tess.fits": {"flare": [], "ambiguous": []}}
    row = label_row(entry, result_with([detection("flare", 4.999, 5.01)]), 2.0 / 1440.0, labels)
    assert (row["labels"], row["on_flare"], row["found"], row["labelled_flares"]) == ("MANIFEST.json", 1, 1, 2)
    assert not row["long_cadence"]
    assert label_row({"file": "other.fits"}, result_with([]), LONG, labels) is None


def test_a_piece_of_a_file_is_its_own_row_and_stays_out_of_the_pooled_bar():
    labels = {"star.fits": {"flare": [0.5, 30.0], "ambiguous": []}}  # the piece spans days 0-1
    whole = label_row({"file": "star.fits"}, result_with([detection("flare", 0.5, 0.55)]), LONG, labels)
    half = label_row({"file": "star.fits"}, result_with([detection("flare", 0.5, 0.55), detection("flare", 0.8, 0.85)]),
                     LONG, labels, part="second half")
    assert half["file"] == "star.fits (second half)" and whole["part"] is None
    assert long_cadence_precision([whole, half]) == (1, 1)
    assert long_cadence_precision([whole, half], parts=True) == (1, 2)
    table = "\n".join(labels_markdown([whole, half]))
    assert "| star.fits (second half) | by eye | 2 | 1 | 0 | 1 | 50% | 1 of 1 |" in table  # the label at 30 is not in it
    assert (whole["found"], whole["labelled_flares"]) == (1, 2)
    assert "analysed alone" in table and "1 of 2 flare events on a labelled flare (50%)" in table
