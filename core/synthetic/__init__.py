"""Synthetic light curves with ground truth: the gallery's samples and the evaluation's injections."""
from core.synthetic.generator import generate_lightcurve
from core.synthetic.samples import (
    SAMPLE_DESCRIPTIONS,
    SAMPLE_NAMES,
    describe_sample,
    generate_sample,
    generate_variant,
    sample_names,
    sample_seed,
    variant_name,
)
from core.synthetic.specs import MISSIONS, MissionProfile, PlanetSpec, Truth

__all__ = [
    "MISSIONS",
    "MissionProfile",
    "PlanetSpec",
    "SAMPLE_DESCRIPTIONS",
    "SAMPLE_NAMES",
    "Truth",
    "describe_sample",
    "generate_lightcurve",
    "generate_sample",
    "generate_variant",
    "sample_names",
    "sample_seed",
    "variant_name",
]
