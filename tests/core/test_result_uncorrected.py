"""The flux before the K2 roll correction travels with the result, so people can see what it changed."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core import AnalysisConfig, analyze, generate_sample, load_lightcurve

K2_FILE = "ktwo211117077-c04_llc.fits"
TESS_FILE = "tess2018206045859-s0001-0000000358108509-0120-s_lc.fits"
QUICK = ("flares", "outliers")  # the roll correction runs before any detector; these keep the tests fast


@pytest.fixture(scope="module")
def k2_result(real_data_dir):
    return analyze(load_lightcurve(real_data_dir / K2_FILE), AnalysisConfig(detectors=QUICK))


def test_a_corrected_k2_curve_keeps_its_flux_from_before_the_correction(k2_result):
    assert k2_result.meta["k2_roll_correction"]["applied"]
    before = k2_result.flux_uncorrected
    assert before is not None and before.shape == k2_result.flux.shape
    assert np.all(np.isfinite(before))
    assert not np.allclose(before, k2_result.flux)


def test_the_uncorrected_flux_is_in_the_series_json_only(k2_result):
    series = json.loads(json.dumps(k2_result.to_dict(include_series=True), allow_nan=False))["series"]
    assert len(series["flux_uncorrected"]) == len(series["flux"])
    assert "series" not in k2_result.to_dict()


def test_turning_the_correction_off_gives_no_uncorrected_flux(real_data_dir):
    config = AnalysisConfig(detectors=QUICK, k2_roll_correction=False)
    result = analyze(load_lightcurve(real_data_dir / K2_FILE), config)
    assert result.flux_uncorrected is None
    assert "flux_uncorrected" not in result.to_dict(include_series=True)["series"]


def test_a_tess_curve_has_no_uncorrected_flux(real_data_dir):
    result = analyze(load_lightcurve(real_data_dir / TESS_FILE), AnalysisConfig(detectors=QUICK))
    assert result.flux_uncorrected is None


def test_a_synthetic_sample_has_no_uncorrected_flux():
    lc, _ = generate_sample("normal_star")
    assert analyze(lc, AnalysisConfig(detectors=QUICK)).flux_uncorrected is None
