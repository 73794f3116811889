"""run_batch: every input once in the summary, failures with their reason, records that let a rerun skip work."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.batch.records import curve_key, record_path, remove_temporaries
from core.batch.run import run_batch
from core.batch.summary import FAILED, OK, read_summary_csv
from core.config import AnalysisConfig
from core.errors import UserError
from tests.core.batch.curve_files import write_corrupt, write_curves


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("batch-in")
    curves = write_curves(folder, 4)
    return [curves[0], write_corrupt(folder), *curves[1:]]


@pytest.fixture(scope="module")
def first_run(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch-out")
    return out, run_batch(inputs, out, AnalysisConfig(), jobs=1)


def test_every_input_is_one_row_in_input_order_with_failures_and_their_reasons(inputs, first_run):
    out, report = first_run
    table = read_summary_csv((out / "summary.csv").read_text())
    assert [row["file"] for row in table] == [str(p) for p in inputs]
    assert [row["status"] for row in table] == [OK, FAILED, OK, OK, OK]
    assert "no time column" in table[1]["error"]
    assert table[0]["n_candidates"] == "1" and float(table[0]["best_period"]) == pytest.approx(0.9, rel=0.01)
    assert (report.n_analysed, report.n_skipped, report.n_failed) == (5, 0, 1)


def test_each_curve_has_a_record_with_its_result_document(inputs, first_run):
    out, _ = first_run
    records = {json.loads(p.read_text())["file"]: json.loads(p.read_text()) for p in (out / "results").glob("*.json")}
    assert set(records) == {str(p) for p in inputs}
    good = records[str(inputs[0])]
    assert good["status"] == OK and good["error"] is None
    assert {"n_points", "meta", "transits", "events", "timings"} <= set(good["result"])
    assert records[str(inputs[1])]["result"] is None


def test_resume_skips_what_is_done_and_gives_the_same_table(inputs, first_run, tmp_path):
    out, _ = first_run
    before = (out / "summary.csv").read_text()
    again = run_batch(inputs, out, AnalysisConfig(), jobs=1, resume=True)
    assert (again.n_analysed, again.n_skipped) == (0, len(inputs))
    assert (out / "summary.csv").read_text() == before


def test_resume_analyses_a_changed_file_and_other_settings_again(inputs, tmp_path):
    out, config = tmp_path / "out", AnalysisConfig(detectors=("flares",))
    kept, edited = tmp_path / "kept.csv", tmp_path / "edited.csv"
    kept.write_bytes(inputs[0].read_bytes())
    edited.write_bytes(inputs[2].read_bytes())
    run_batch([kept, edited], out, config, jobs=1)
    edited.write_bytes(inputs[3].read_bytes())  # the same path, other bytes: a new key
    report = run_batch([kept, edited], out, config, jobs=1, resume=True)
    assert (report.n_analysed, report.n_skipped) == (1, 1)
    report = run_batch([kept], out, AnalysisConfig(detectors=("flares", "outliers")), jobs=1, resume=True)
    assert report.n_analysed == 1


def test_without_resume_everything_is_analysed_again(inputs, tmp_path):
    out = tmp_path / "out"
    run_batch(inputs[:1], out, AnalysisConfig(detectors=("outliers",)), jobs=1)
    assert run_batch(inputs[:1], out, AnalysisConfig(detectors=("outliers",)), jobs=1).n_analysed == 1


def test_two_processes_give_the_same_table_as_one(inputs, first_run, tmp_path):
    out, _ = first_run
    report = run_batch(inputs, tmp_path / "two", AnalysisConfig(), jobs=2)
    assert report.n_analysed == len(inputs)
    assert (tmp_path / "two" / "summary.csv").read_text() == (out / "summary.csv").read_text()


def test_progress_hears_each_analysed_curve(inputs, tmp_path):
    heard = []
    run_batch(inputs[:2], tmp_path / "out", AnalysisConfig(detectors=("outliers",)), jobs=1,
              on_progress=lambda done, total, failed: heard.append((done, total, failed)))
    assert heard == [(0, 2, 0), (1, 2, 0), (2, 2, 1)]


def test_a_second_run_on_the_same_folder_is_refused_while_the_first_holds_it(inputs, tmp_path):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".batch.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(UserError, match="another batch is writing"):
            run_batch(inputs[:1], out, AnalysisConfig(), jobs=1)


def test_keys_follow_bytes_settings_and_the_mission_a_name_implies(tmp_path, inputs):
    csv = inputs[0].read_bytes()
    plain, k2_named = tmp_path / "a.csv", tmp_path / "ktwo201367065-c01_llc.csv"
    plain.write_bytes(csv)
    k2_named.write_bytes(csv)
    config = AnalysisConfig()
    assert curve_key(plain, config) == curve_key(inputs[0], config)
    assert curve_key(plain, config) != curve_key(k2_named, config)
    assert curve_key(plain, config) != curve_key(plain, AnalysisConfig(contamination=0.1))


def test_record_names_stay_apart_for_same_named_files_in_different_folders(tmp_path):
    names = {record_path(tmp_path, file).name for file in ("a/x.csv", "b/x.csv", "x.csv", "../../x.csv")}
    assert len(names) == 4 and all(name.startswith("x.csv-") for name in names)


def test_leftover_temporaries_of_a_killed_run_are_removed_and_records_kept(tmp_path):
    (tmp_path / ".x.csv-1.json.abc.tmp").write_text("half")
    (tmp_path / "x.csv-1.json").write_text("{}")
    assert remove_temporaries(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv-1.json"]
