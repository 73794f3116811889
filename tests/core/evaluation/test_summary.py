"""Rates come with honest 95% intervals."""
from __future__ import annotations

import pytest

from core.evaluation.summary import wilson_interval


def test_wilson_interval_matches_textbook_values():
    assert wilson_interval(0, 10) == pytest.approx([0.0, 0.2775], abs=1e-4)
    assert wilson_interval(10, 10) == pytest.approx([0.7225, 1.0], abs=1e-4)
    assert wilson_interval(31, 34) == pytest.approx([0.770, 0.970], abs=1e-3)
    assert wilson_interval(0, 0) is None
