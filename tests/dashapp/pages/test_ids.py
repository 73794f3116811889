"""Component ids live in dashapp/ids.py: the pages name none as a string, and no two constants share a value."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashapp import ids

PAGES = sorted((Path(ids.__file__).parent / "pages").glob("*.py"))
DEPENDENCIES = {"Input", "Output", "State"}


def _literal_ids(tree: ast.AST) -> list[str]:
    """String literals given as `id=` or as the component of an Input/Output/State."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        values = [k.value for k in node.keywords if k.arg in ("id", "component_id")]
        if isinstance(node.func, ast.Name) and node.func.id in DEPENDENCIES and node.args:
            values.append(node.args[0])
        found += [v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    return found


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_pages_take_their_ids_from_the_ids_module(page: Path) -> None:
    assert _literal_ids(ast.parse(page.read_text())) == []


def test_ids_are_unique() -> None:
    values = [value for name, value in vars(ids).items() if name.isupper()]
    assert len(values) == len(set(values))


def test_the_stable_ids_of_the_design_are_there() -> None:
    stable = {"upload-data", "analyze-button", "lightcurve-graph", "events-table", "transits-table", "status-alert",
              "gallery", "train-button", "train-n-samples", "train-progress", "model-select", "download-results"}
    assert stable <= {value for name, value in vars(ids).items() if name.isupper()}
