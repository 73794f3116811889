"""Synthetic light curves with ground truth: the gallery's samples and the evaluation's injections,
including the hard stars (evolving spots, K2 roll, ramps, glitches, flare-like bumps) and unusual events."""
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
from core.synthetic.specs import MISSIONS, EventSpec, MissionProfile, PlanetSpec, RollSpec, SpotSpec, Truth

__all__ = [
    "EventSpec",
    "MISSIONS",
    "MissionProfile",
    "PlanetSpec",
    "RollSpec",
    "SAMPLE_DESCRIPTIONS",
    "SAMPLE_NAMES",
    "SpotSpec",
    "Truth",
    "describe_sample",
    "generate_lightcurve",
    "generate_sample",
    "generate_variant",
    "sample_names",
    "sample_seed",
    "variant_name",
]
