"""Default QUALITY bitmasks: drop unusable cadences, keep the events we look for."""
from core.io.quality import KEPLER_DEFAULT_BITMASK, TESS_DEFAULT_BITMASK, default_bitmask
from core.lightcurve import DEFAULT_QUALITY_BITMASK

KEPLER_IMPULSIVE_OUTLIER, KEPLER_COSMIC_RAYS = 2048, 128 | 8192
TESS_IMPULSIVE_OUTLIER, TESS_COSMIC_RAYS = 512, 64 | 1024


def test_kepler_default_matches_lightkurve_default_value():
    assert KEPLER_DEFAULT_BITMASK == 1130799


def test_tess_default_is_lightkurve_default_without_impulsive_outlier():
    assert TESS_DEFAULT_BITMASK == 17087 & ~TESS_IMPULSIVE_OUTLIER


def test_outliers_and_cosmic_rays_are_not_masked_by_default():
    assert KEPLER_DEFAULT_BITMASK & (KEPLER_IMPULSIVE_OUTLIER | KEPLER_COSMIC_RAYS) == 0
    assert TESS_DEFAULT_BITMASK & (TESS_IMPULSIVE_OUTLIER | TESS_COSMIC_RAYS) == 0


def test_pointing_problems_are_masked_for_every_mission():
    pointing = 1 | 2 | 4 | 8  # attitude tweak, safe mode, coarse point, Earth point
    for mission in ("Kepler", "K2", "TESS", None, "something else"):
        assert default_bitmask(mission) & pointing == pointing


def test_unknown_mission_uses_only_bits_shared_by_kepler_and_tess():
    assert default_bitmask(None) == DEFAULT_QUALITY_BITMASK
    assert DEFAULT_QUALITY_BITMASK & ~(KEPLER_DEFAULT_BITMASK & TESS_DEFAULT_BITMASK) == 0
