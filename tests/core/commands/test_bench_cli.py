"""The bench command runs end to end on a tiny curve and prints its tables (timings are not asserted)."""
from __future__ import annotations

import json

from core.__main__ import main


def test_bench_small_prints_table(capsys):
    assert main(["bench", "--sizes", "2000", "3000", "--no-seed", "--no-kepler"]) == 0
    out = capsys.readouterr().out
    assert "| curve | points | analyze (s) | analyze, CPU (s) | seed-style (s) | seed / ours | planet found |" in out
    assert "| TESS | 2000 |" in out and "| TESS | 3000 |" in out
    assert "cores" in out
    assert "transit stage k = " in out and "n/a" not in out.split("transit stage k = ")[1].split(",")[0]


def test_bench_json_and_bad_size(capsys):
    assert main(["bench", "--sizes", "2000", "--no-seed", "--no-kepler", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    row = data["rows"][0]
    assert row["n_points"] == 2000 and "stages" in row and row["name"] == "TESS"
    assert row["search_round"] > 0 and row["search_round_cpu"] > 0 and row["search_round_reference"] > 0
    assert row["analyze_cpu"] > 0
    assert isinstance(row["planet_found"], bool)
    assert data["exponent_search_round"] is None  # one span: nothing to fit
    assert main(["bench", "--sizes", "10"]) == 2
    assert capsys.readouterr().err.startswith("error:")


def test_bench_markdown_file_holds_the_printed_tables_under_a_header(tmp_path, capsys):
    path = tmp_path / "speed.md"
    assert main(["bench", "--sizes", "2000", "--no-seed", "--no-kepler", "--markdown", str(path)]) == 0
    out = capsys.readouterr().out
    text = path.read_text()
    header, body = text[:text.index("Best of 1;")], text[text.index("Best of 1;"):]
    assert header.startswith("# Speed\n")
    assert "`python -m core bench --sizes 2000 --repeat 1 --no-kepler --no-seed --markdown " + str(path) + "`" in header
    assert "\n- Seeds: 0\n" in header and "\n- Machine: " in header and "\n- Elapsed: " in header
    # The same run's tables as on stdout, with the machine named once, in the header.
    assert out.startswith("Machine: ") and out[out.index("Best of 1;"):] == body + "\n"
    assert text.count("Machine: ") == 1
    assert "| curve | points | analyze (s) | analyze, CPU (s) | seed-style (s) | seed / ours |" in body and "| TESS | 2000 |" in body


def test_bench_refuses_a_markdown_path_in_a_missing_folder_before_timing(tmp_path, capsys):
    path = tmp_path / "missing" / "speed.md"
    assert main(["bench", "--sizes", "2000", "--no-seed", "--no-kepler", "--markdown", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing was timed
    assert captured.err.startswith("error:") and "does not exist" in captured.err
    assert not path.exists()
