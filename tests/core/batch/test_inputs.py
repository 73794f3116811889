"""Which files a batch takes: named files whatever their name, light curves in folders and glob matches."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.batch.inputs import find_curves, looks_like_curve
from core.errors import UserError


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in ("a.csv", "b.fits", "c.fits.gz", "notes.md", ".hidden.csv", "sub/d.csv", "sub/deeper/e.txt",
                 ".git/f.csv", "sub/image.png"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return tmp_path


def _names(paths: list[Path], root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in paths]


def test_a_folder_gives_its_light_curves_recursively_and_skips_hidden_and_other_files(tree: Path):
    assert _names(find_curves([str(tree)]), tree) == ["a.csv", "b.fits", "c.fits.gz", "sub/d.csv", "sub/deeper/e.txt"]


def test_a_named_file_is_taken_whatever_its_name(tree: Path):
    assert _names(find_curves([str(tree / "notes.md")]), tree) == ["notes.md"]


def test_globs_match_light_curves_and_each_file_counts_once(tree: Path):
    found = find_curves([str(tree / "**" / "*.csv"), str(tree / "a.csv"), str(tree / "*.fits*")])
    assert _names(found, tree) == ["a.csv", "sub/d.csv", "b.fits", "c.fits.gz"]


def test_a_relative_pattern_keeps_the_users_spelling_for_the_table(tree: Path, monkeypatch):
    monkeypatch.chdir(tree)
    assert [str(p) for p in find_curves(["*.csv", "sub"])] == ["a.csv", os.path.join("sub", "d.csv"),
                                                              os.path.join("sub", "deeper", "e.txt")]


def test_patterns_that_match_nothing_are_named_in_one_error(tree: Path):
    with pytest.raises(UserError, match=r"'missing.csv', '.*nothing\*.fits'"):
        find_curves([str(tree / "a.csv"), "missing.csv", str(tree / "nothing*.fits")])


@pytest.mark.parametrize("name, expected", [("x.FITS", True), ("x.csv.gz", True), ("x.lc.fits", True),
                                            ("x.gz", False), ("x.png", False), (".x.csv", False)])
def test_light_curve_names(name: str, expected: bool):
    assert looks_like_curve(Path(name)) is expected
