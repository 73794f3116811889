"""`python -m core completeness FILE --kind ... --json` prints the map; progress goes to stderr; a bad file
or a bad grid is one line and exit 2, as for analyze."""
from __future__ import annotations

import json

from core.__main__ import main
from core.io.writers import write_csv
from tests.core.completeness.curves import white_noise_curve


def test_prints_the_map_as_json_with_progress_on_stderr(tmp_path, capsys):
    path = write_csv(white_noise_curve(n_points=3000), tmp_path / "star.csv")
    code = main(["completeness", str(path), "--kind", "transit", "--period", "1.1", "--depth", "1e-4,4e-3",
                 "--n-injections", "4", "--seed", "3", "--jobs", "1", "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    result = json.loads(out)
    assert result["grid"] == {"period": [1.1], "depth": [1e-4, 4e-3]}
    assert result["recovery"] == [[0.0], [1.0]] and result["seed"] == 3 and result["n_injections"] == 4
    assert "[100%] 4 of 4 injected copies of the curve analysed" in err.splitlines()


def test_readable_summary_states_the_limit(tmp_path, capsys):
    path = write_csv(white_noise_curve(n_points=3000), tmp_path / "star.csv")
    assert main(["completeness", str(path), "--period", "1.1", "--depth", "4e-3", "--n", "2", "--jobs", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("At least 90% of planets at least 4000 ppm deep with P up to 1.1 d")
    assert out[-1].split()[:2] == ["0.004", "100%"]


def test_bad_file_and_bad_grid_are_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("not,a\nlight,curve\n")
    assert main(["completeness", str(bad), "--kind", "transit"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err
    good = write_csv(white_noise_curve(n_points=1500), tmp_path / "star.csv")
    assert main(["completeness", str(good), "--period", "1,x", "--depth", "1e-3"]) == 2
    assert capsys.readouterr().err.strip() == "error: --period must be comma-separated numbers, got '1,x'"
    assert main(["completeness", str(good), "--n-injections", "0"]) == 2
    assert "n_injections must be between 1 and 5000" in capsys.readouterr().err
