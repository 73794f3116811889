"""Per-mission default QUALITY bitmasks: which flagged cadences are unusable.

Bit meanings come from the Kepler Archive Manual (Table 2.3) and the TESS
Science Data Products Description Document (EXP-TESS-ARC-ICD-0014). The
"default" masks follow the cadences lightkurve's `KeplerQualityFlags` /
`TessQualityFlags` call *definitely useless* (spacecraft not pointing, no
data, manual exclusion), with one deliberate difference: we never mask the
pipeline's "impulsive outlier" or cosmic-ray bits by default. Those mark
single-cadence brightenings and dips, i.e. the flares and outliers this
project exists to find; masking them would repeat the seed app's mistake of
deleting events before detection. Detectors that want them gone can apply a
harder mask themselves.
"""
from __future__ import annotations

from core.lightcurve import DEFAULT_QUALITY_BITMASK

# Kepler and K2 (same bit layout). lightkurve's default is exactly this set
# (1130799). Not included: 16 reaction-wheel zero crossing, 64/4096
# Argabrightening, 128/8192 cosmic ray (aperture/collateral), 1024 sudden
# sensitivity dropout, 2048 impulsive outlier, 32768 no fine point,
# 131072/262144 rolling band, 524288 *possible* thruster firing.
KEPLER_DEFAULT_BITMASK = (
    1            # attitude tweak
    | 2          # safe mode
    | 4          # coarse point
    | 8          # Earth point
    | 32         # reaction-wheel desaturation (momentum dump)
    | 256        # manual exclude
    | 16384      # detector anomaly
    | 65536      # no data
    | 1048576    # K2 thruster firing (the pointing is moving during the cadence)
)

# TESS. lightkurve's current default also sets 512 (impulsive outlier); we
# leave that bit out for the reason in the module docstring (lightkurve's
# value is 17087, ours 16575). Not included either: 64/1024 cosmic ray,
# 256 discontinuity, 2048/4096 stray light, 8192 planet-search exclude,
# 32768 insufficient targets.
TESS_DEFAULT_BITMASK = (
    1            # attitude tweak
    | 2          # safe mode
    | 4          # coarse point
    | 8          # Earth point
    | 16         # Argabrightening
    | 32         # reaction-wheel desaturation (momentum dump)
    | 128        # manual exclude
    | 16384      # bad calibration exclude
)

_BY_MISSION = {"Kepler": KEPLER_DEFAULT_BITMASK, "K2": KEPLER_DEFAULT_BITMASK, "TESS": TESS_DEFAULT_BITMASK}


def default_bitmask(mission: str | None) -> int:
    """The default bitmask for "Kepler", "K2" or "TESS"; otherwise DEFAULT_QUALITY_BITMASK, the bits whose
    meaning is the same in both missions."""
    return _BY_MISSION.get(mission or "", DEFAULT_QUALITY_BITMASK)
