"""`python -m core samples` writes the gallery files with their truth, identically every run."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.__main__ import main
from core.io import load_lightcurve
from core.synthetic import SAMPLE_NAMES, generate_sample

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    return out, main(["samples", "--format", "both", "--n-samples", "5", "--out", str(out)])


def test_writes_csv_fits_and_truth_for_each_of_the_five_samples(written, capsys):
    out, code = written
    assert code == 0
    expected = {f"{name}{ext}" for name in SAMPLE_NAMES for ext in (".csv", ".fits", ".truth.json")}
    assert {p.name for p in out.iterdir()} == expected


def test_prints_one_line_per_file(tmp_path, capsys):
    assert main(["samples", "--format", "csv", "--n-samples", "2", "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(line.startswith("wrote ") for line in lines)
    assert "normal_star.csv" in lines[0] and "exoplanet_transit.truth.json" in lines[3]


def test_files_hold_the_sample_and_its_truth(written):
    out, _ = written
    lc, truth = generate_sample("exoplanet_transit")
    assert json.loads((out / "exoplanet_transit.truth.json").read_text()) == json.loads(json.dumps(truth.to_dict()))
    for ext in (".csv", ".fits"):
        loaded = load_lightcurve(out / f"exoplanet_transit{ext}")
        np.testing.assert_allclose(loaded.time, lc.time, atol=1e-9, rtol=0)
        np.testing.assert_allclose(loaded.normalized().flux, lc.normalized().flux, atol=1e-9, rtol=0)


def test_output_is_byte_identical_run_to_run(written, tmp_path):
    out, _ = written
    assert main(["samples", "--format", "both", "--n-samples", "5", "--out", str(tmp_path)]) == 0
    for path in out.iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_more_than_five_samples_adds_seeded_variants(tmp_path):
    assert main(["samples", "--format", "fits", "--n-samples", "7", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "exoplanet_transit_v6.fits").exists()
    assert (tmp_path / "normal_star_v5.truth.json").exists()


def test_seed_offset_gives_another_realisation(tmp_path):
    assert main(["samples", "--format", "csv", "--n-samples", "1", "--out", str(tmp_path), "--seed-offset", "3"]) == 0
    truth = json.loads((tmp_path / "normal_star.truth.json").read_text())
    assert truth["seed"] == 104 and truth["target"] == "SYN-normal_star-seed104"


@pytest.mark.parametrize("n_samples", ["0", "1001", "-4"])
def test_bad_n_samples_exits_2_with_one_line_and_writes_nothing(n_samples, tmp_path, capsys):
    assert main(["samples", "--n-samples", n_samples, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --n-samples") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_command_line_entry_point_exits_2_on_bad_input(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "core", "samples", "--n-samples", "0", "--out", str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "--n-samples" in result.stderr
