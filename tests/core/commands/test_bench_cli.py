"""The bench command runs end to end on a tiny curve and prints its tables (timings are not asserted)."""
from __future__ import annotations

import json

from core.__main__ import main


def test_bench_small_prints_table(capsys):
    assert main(["bench", "--sizes", "2000", "--no-seed"]) == 0
    out = capsys.readouterr().out
    assert "| points | analyze (s) | seed-style (s) | seed / ours |" in out
    assert "| 2000 |" in out
    assert "cores" in out


def test_bench_json_and_bad_size(capsys):
    assert main(["bench", "--sizes", "2000", "--no-seed", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    row = data["rows"][0]
    assert row["n_points"] == 2000 and "stages" in row
    assert row["bls_round"] > 0 and row["bls_round_astropy"] > 0
    assert main(["bench", "--sizes", "10"]) == 2
    assert capsys.readouterr().err.startswith("error:")
