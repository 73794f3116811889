"""AnalysisConfig refuses every value analyze() cannot use with a ConfigError naming the field."""
import pytest

from core import AnalysisConfig
from core.errors import ConfigError


def test_form_strings_become_typed_values():
    config = AnalysisConfig.from_mapping({"window_size": "40", "contamination": "0.1", "detectors": "flares, outliers",
                                          "k2_roll_correction": "off", "quality_bitmask": "none"})
    assert (config.window_size, config.contamination, config.detectors) == (40, 0.1, ("flares", "outliers"))
    assert config.k2_roll_correction is False and config.quality_bitmask == "none"


@pytest.mark.parametrize("field, raw", [
    ("window_size", "inf"),  # int(float("inf")) overflows rather than failing as a ValueError
    ("max_planets", "-inf"),
    ("random_state", "1e400"),
    ("window_size", "nan"),
    ("contamination", "inf"),
    ("window_size", "12.5"),
])
def test_numbers_that_are_not_finite_or_not_whole_name_the_field(field, raw):
    with pytest.raises(ConfigError, match=f"{field} must be a number"):
        AnalysisConfig.from_mapping({field: raw})


@pytest.mark.parametrize("field, value", [
    ("random_state", -1), ("random_state", 2**32),  # numpy and scikit-learn seed with 32 bits
    ("quality_bitmask", -1), ("quality_bitmask", 2**70),  # QUALITY columns are 32-bit
])
def test_seeds_and_bitmasks_outside_32_bits_are_refused(field, value):
    with pytest.raises(ConfigError, match=f"{field} must be in \\[0, 4294967295\\]"):
        AnalysisConfig(**{field: value})


def test_32_bit_seeds_and_bitmasks_are_accepted():
    config = AnalysisConfig(random_state=2**32 - 1, quality_bitmask=2**32 - 1)
    assert config.random_state == 2**32 - 1 and config.quality_bitmask == 2**32 - 1
