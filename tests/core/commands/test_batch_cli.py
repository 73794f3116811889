"""`python -m core batch`: killed with SIGKILL half-way, then --resume, and every curve is in the summary once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.__main__ import main
from core.batch.summary import FAILED, OK, read_summary_csv
from tests.core.batch.curve_files import write_corrupt, write_curves

REPO_ROOT = Path(__file__).resolve().parents[3]
N_CURVES = 10


def _batch(*args: str, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen([sys.executable, "-m", "core", "batch", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for_records(results: Path, at_least: int, process: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if results.is_dir() and len(list(results.glob("*.json"))) >= at_least:
            return
        if process.poll() is not None:
            pytest.fail(f"the batch ended before it could be killed: {process.communicate()[1][-500:]}")
        time.sleep(0.05)
    pytest.fail(f"no {at_least} records within {timeout_s} s")


def _group_ends(pgid: int, timeout_s: float = 15) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_killed_mid_way_then_resumed_gives_every_curve_exactly_once(tmp_path: Path):
    folder = tmp_path / "curves"
    write_curves(folder, N_CURVES)
    write_corrupt(folder)
    out = tmp_path / "out"
    first = _batch("curves", "--out", "out", "--jobs", "2", cwd=tmp_path)
    _wait_for_records(out / "results", 3, first)
    os.kill(first.pid, signal.SIGKILL)  # the command only: its pool workers must notice and end by themselves
    first.communicate()
    assert _group_ends(first.pid), "pool workers outlived the killed batch"
    for record in (out / "results").iterdir():  # nothing half-written is visible
        assert record.name.startswith(".") or json.loads(record.read_text())["status"] in (OK, FAILED)
    done_before = len(list((out / "results").glob("*.json")))
    assert done_before < N_CURVES + 1

    second = _batch("curves", "--out", "out", "--jobs", "2", "--resume", cwd=tmp_path)
    _, err = second.communicate(timeout=300)
    assert second.returncode == 1, err  # one corrupt file: some failed
    assert f"{N_CURVES + 1 - done_before} analysed" in err and f"{done_before} already done" in err
    assert "curves/s" in err
    table = read_summary_csv((out / "summary.csv").read_text())
    files = sorted(str(Path("curves") / p.name) for p in folder.iterdir())
    assert sorted(row["file"] for row in table) == files  # every curve, each once
    assert [row["status"] for row in table].count(FAILED) == 1
    assert not [p.name for p in (out / "results").iterdir() if p.name.startswith(".")]


def test_nothing_to_analyse_is_one_line_and_exit_code_2(tmp_path: Path, capsys):
    assert main(["batch", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no light-curve file found at") and len(err.splitlines()) == 1


def test_a_bad_setting_or_job_count_is_one_line_and_exit_code_2(tmp_path: Path, capsys):
    write_curves(tmp_path / "in", 1, n_points=500)
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "0"]) == 2
    assert "jobs must be a whole number" in capsys.readouterr().err
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--contamination", "2"]) == 2
    assert "contamination must be in" in capsys.readouterr().err


def test_all_good_curves_exit_0_and_report_the_throughput(tmp_path: Path, capsys):
    write_curves(tmp_path / "in", 2, n_points=1500)
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "2 curves: 2 analysed in" in err and "curves/s" in err and "0 failed" in err
