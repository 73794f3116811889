"""The pages' forms: analysis settings become an AnalysisConfig, the training form two checked numbers."""
from __future__ import annotations

import pytest

from core.errors import ConfigError
from dashapp.pages.forms import build_config, training_inputs
from tests.dashapp.builders import analysis_form as form


def test_form_values_become_a_config():
    config = build_config(form(contamination="0.1", window_size="40", detectors=["flares"]))
    assert (config.contamination, config.window_size, config.detectors) == (0.1, 40, ("flares",))
    assert config.k2_roll_correction  # the switch's default, and what a missing value means
    assert not build_config(form(k2_roll=False)).k2_roll_correction


@pytest.mark.parametrize("bad", [{"contamination": 0.9}, {"window_size": "abc"}, {"detectors": ["psychic"]}])
def test_bad_settings_raise_config_error(bad):
    with pytest.raises(ConfigError):
        build_config(form(**bad))


@pytest.mark.parametrize("n, c", [(4, 0.05), (2000, 0.05), (10, 0.0), (10, 0.6), ("x", 0.05), (5.5, 0.05)])
def test_training_inputs_are_checked(n, c):
    with pytest.raises(ConfigError):
        training_inputs(n, c)


def test_training_inputs_accept_form_values():
    assert training_inputs("100", "0.05") == (100, 0.05)
