"""`python -m core evaluate --markdown PATH` writes the printed tables under a header; stdout is unchanged."""
from __future__ import annotations

import json

from core.__main__ import main

FAST = ["evaluate", "--quick", "--no-real", "--n-stars", "1"]


def test_markdown_file_holds_the_pooled_tables_printed_under_a_header(tmp_path, capsys):
    path = tmp_path / "evaluation.md"
    assert main(FAST + ["--seed", "0", "1", "--markdown", str(path)]) == 0
    out = capsys.readouterr().out
    text = path.read_text()
    assert text.startswith("# Evaluation\n")
    command = f"`python -m core evaluate --seed 0 1 --n-stars 1 --no-real --quick --markdown {path}`"
    assert command in text
    assert "\n- Seeds: 0 1\n" in text and "\n- Machine: " in text and "\n- Elapsed: " in text
    body = text[text.index("Injection-recovery, "):]
    assert out == body + "\n"  # print() adds the last newline
    assert body.startswith("Injection-recovery, seeds 0, 1 pooled: 2 synthetic-TESS, 2 clean, 2 hard-TESS, "
                           "2 hard-Kepler, 2 hard-K2, 2 clean-hard, 2 unusual-quiet-2min, 2 unusual-quiet-30min, "
                           "6 vetting-eb, 2 vetting-harmonic, 2 vetting-planet, 2 noise-quiet-2min curves;")
    assert "| SNR | planets | found | alias | recall |" in body
    assert "**Design bars**" in body and "| outlier recall >= 95% |" in body


def test_markdown_file_has_the_tables_when_stdout_is_json(tmp_path, capsys):
    path = tmp_path / "evaluation.md"
    assert main(FAST + ["--json", "--markdown", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    text = path.read_text()
    hits, n = data["summary"]["fractions"]["outlier_recall"]
    assert f"| outlier recall >= 95% | {hits / n:.0%} ({hits}/{n}) |" in text
    assert "\n- Seeds: 0\n" in text


def test_refuses_a_folder_as_the_markdown_path_before_running(tmp_path, capsys):
    assert main(FAST + ["--markdown", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: --markdown ") and "is a folder" in captured.err


def test_calibration_out_writes_every_scored_event_per_kind(tmp_path, capsys):
    path = tmp_path / "calibration.json"
    assert main(FAST + ["--json", "--calibration-out", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    calibration = json.loads(path.read_text())
    assert calibration["settings"]["seed"] == 0 and "real" in calibration["about"]
    records = [r for kind in calibration["kinds"].values() for r in kind]
    # Every event of every scored curve, as the reliability counts saw them.
    counted = sum(n for counts in data["counts"].values() for key, n in counts.items()
                  if key.startswith(("conf|", "conf_missing|")))
    assert len(records) == counted > 0
    assert all(isinstance(r["real"], bool) and "snr" in r["features"] for r in records)
    assert {r["source"] for r in records} <= set(data["counts"])


def test_refuses_a_folder_as_the_calibration_path_before_running(tmp_path, capsys):
    assert main(FAST + ["--calibration-out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: --calibration-out ")


def test_seeds_run_side_by_side_give_the_same_tables_as_one_after_another(capsys):
    assert main(FAST + ["--seed", "0", "1", "--json", "--jobs", "1"]) == 0
    one_by_one = json.loads(capsys.readouterr().out)
    assert main(FAST + ["--seed", "0", "1", "--json", "--jobs", "2"]) == 0
    side_by_side = json.loads(capsys.readouterr().out)
    assert side_by_side["counts"] == one_by_one["counts"] and side_by_side["summary"] == one_by_one["summary"]


def test_refuses_zero_jobs(capsys):
    assert main(FAST + ["--jobs", "0"]) == 2
    assert "jobs" in capsys.readouterr().err
