"""The command line's analysis settings default to the library's, so the CLI, batch, API and dashboard agree."""
from __future__ import annotations

import argparse

from core.commands.settings_args import add_settings_arguments, settings_from_arguments
from core.config import AnalysisConfig


def test_no_options_give_the_library_defaults_with_every_detector():
    parser = argparse.ArgumentParser()
    add_settings_arguments(parser)
    assert settings_from_arguments(parser.parse_args([])) == AnalysisConfig()


def test_a_subset_of_detectors_is_kept():
    parser = argparse.ArgumentParser()
    add_settings_arguments(parser)
    config = settings_from_arguments(parser.parse_args(["--detectors", "flares,outliers"]))
    assert set(config.detectors) == {"flares", "outliers"}
