"""The README stays short and true to the generated docs: its headline rows and its links must resolve.

docs/evaluation.md and docs/speed.md are written by `make docs`; the README quotes a few of their
rows by hand, so a regenerated file whose numbers moved makes these tests name the row to update.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
MAX_README_LINES = 300
# README section -> the generated file its tables are quoted from.
QUOTED_SECTIONS = {"How well it works": DOCS / "evaluation.md", "Speed": DOCS / "speed.md"}
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"README has no '## {heading}' section"
    return match.group(1)


def _table_rows(text: str) -> list[str]:
    """Table lines, header included, without the |---| separators."""
    return [line for line in text.splitlines() if line.startswith("|") and not re.fullmatch(r"[|\-: ]+", line)]


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(line.lstrip("#")) for line in path.read_text().splitlines() if line.startswith("#")}


def test_readme_is_short_and_keeps_the_two_commands():
    text = README.read_text()
    assert len(text.splitlines()) <= MAX_README_LINES
    assert "make run" in text and "make test" in text  # the CI hook greps for both


@pytest.mark.parametrize("heading", sorted(QUOTED_SECTIONS))
def test_readme_headline_rows_are_quoted_from_the_generated_docs(heading):
    source = QUOTED_SECTIONS[heading]
    rows = _table_rows(_section(README.read_text(), heading))
    assert rows, f"README's '{heading}' section has no table"
    generated = set(source.read_text().splitlines())
    stale = [row for row in rows if row not in generated]
    assert not stale, f"README rows not in {source.name} (copy them again after `make docs`): {stale}"


@pytest.mark.parametrize("page", [README, *sorted(DOCS.glob("*.md"))], ids=lambda p: p.name)
def test_relative_links_and_their_anchors_resolve(page):
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto: not checked here
        path_part, _, anchor = target.partition("#")
        path = (page.parent / path_part).resolve() if path_part else page
        assert path.exists(), f"{page.name} links to missing {path_part}"
        if anchor:
            assert anchor in _anchors(path), f"{page.name} links to #{anchor}, which {path.name} lacks"
