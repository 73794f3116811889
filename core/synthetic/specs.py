"""Value types of the generator: what to inject (PlanetSpec, SpotSpec, RollSpec, EventSpec), where
(MissionProfile), what was injected (Truth)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from core.errors import ConfigError
from core.synthetic.signals import a_rs_from_duration, transit_duration


@dataclass(frozen=True)
class PlanetSpec:
    """A planet on a circular orbit. Give exactly one of `a_rs` or `duration`; the other is derived.

    period and duration in days, t0 (a mid-transit time) in the curve's own time
    system, rp_rs and a_rs in stellar radii, b the impact parameter.
    """

    period: float
    t0: float
    rp_rs: float
    b: float = 0.0
    a_rs: float | None = None
    duration: float | None = None

    def __post_init__(self) -> None:
        if not self.period > 0:
            raise ConfigError(f"planet period must be > 0 days, got {self.period}")
        if not 0 < self.rp_rs < 1:
            raise ConfigError(f"planet rp_rs must be in (0, 1), got {self.rp_rs}")
        if not 0 <= self.b < 1 + self.rp_rs:
            raise ConfigError(f"impact parameter b must be in [0, 1 + rp_rs) to transit, got {self.b}")
        if (self.a_rs is None) == (self.duration is None):
            raise ConfigError("give a planet exactly one of a_rs or duration")
        if self.duration is not None:
            if not 0 < self.duration < self.period / 2:
                raise ConfigError(f"transit duration must be in (0, period/2), got {self.duration}")
            object.__setattr__(self, "a_rs", a_rs_from_duration(self.period, self.rp_rs, self.duration, self.b))
        elif not self.a_rs > 1 + self.rp_rs:
            raise ConfigError(f"a_rs must exceed 1 + rp_rs (planet outside the star), got {self.a_rs}")
        object.__setattr__(self, "duration", transit_duration(self.period, self.rp_rs, self.a_rs, self.b))


@dataclass(frozen=True)
class MissionProfile:
    """Time system and observing pattern of a Kepler-like or TESS-like curve."""

    name: str
    time_system: str
    time_offset: float  # add to the curve's times to get BJD_TDB
    t_start: float  # first cadence, in the mission's time system
    downlink_every_days: float  # a ~1-day data gap this often (TESS orbit, Kepler monthly downlink)
    segment_key: str  # "sector" or "quarter"
    segment: int


MISSIONS = {
    "TESS": MissionProfile("TESS", "BTJD", 2457000.0, 1325.30, 13.7, "sector", 1),
    "Kepler": MissionProfile("Kepler", "BKJD", 2454833.0, 169.77, 31.0, "quarter", 2),
    # K2 campaign 4 starts here; a campaign's ~80 days had one mid-campaign download.
    "K2": MissionProfile("K2", "BKJD", 2454833.0, 2229.0, 40.0, "campaign", 4),
}


@dataclass(frozen=True)
class SpotSpec:
    """Evolving starspots on a differentially rotating star (core/synthetic/spots.py).

    `period` is the equator's rotation period (days); `amplitude` half the range
    between the 1st and 99th percentiles of the modulation (relative flux);
    `n_alive` how many spots live at any time on average; each lives
    `lifetime_rotations` rotations (drawn in that range); `shear` is the
    equator-to-pole difference in angular velocity, relative (the Sun's is ~0.2).
    """

    period: float
    amplitude: float
    n_alive: float = 6.0
    lifetime_rotations: tuple[float, float] = (2.0, 6.0)
    shear: float = 0.1

    def __post_init__(self) -> None:
        if not self.period > 0:
            raise ConfigError(f"spot rotation period must be > 0 days, got {self.period}")
        if not 0 < self.amplitude < 0.5:
            raise ConfigError(f"spot amplitude must be in (0, 0.5) relative flux, got {self.amplitude}")
        if not 0.5 <= self.n_alive <= 50:
            raise ConfigError(f"n_alive must be in [0.5, 50] spots, got {self.n_alive}")
        low, high = self.lifetime_rotations
        if not 0 < low <= high:
            raise ConfigError(f"lifetime_rotations must be (low, high) with 0 < low <= high, got {(low, high)}")
        if not 0 <= self.shear < 1:
            raise ConfigError(f"shear must be in [0, 1), got {self.shear}")


@dataclass(frozen=True)
class RollSpec:
    """K2's roll: the star drifts along an arc for ~`period_hours`, losing up to `amplitude` of its flux,
    until the thrusters fire and put it back (core/synthetic/systematics.py)."""

    amplitude: float
    period_hours: float = 5.9

    def __post_init__(self) -> None:
        if not 0 < self.amplitude < 0.2:
            raise ConfigError(f"roll amplitude must be in (0, 0.2) relative flux, got {self.amplitude}")
        if not 1 <= self.period_hours <= 48:
            raise ConfigError(f"roll period_hours must be in [1, 48], got {self.period_hours}")


# The kinds of unusual event the generator injects (core/synthetic/event_shapes.py) and the
# sign of their `amplitude`: -1 a dimming, +1 a brightening, 0 either.
EVENT_SIGNS = {"single_transit": -1, "dip": -1, "brightening": 1, "step": 0, "oscillation": 1}


@dataclass(frozen=True)
class EventSpec:
    """One unusual event at a chosen time, as issue 23 lists them.

    `t_peak` is the deepest or highest point (single_transit: mid-transit; step: the
    jump; oscillation: the burst's middle). `amplitude` is the signed relative flux
    change there (negative for single_transit and dip; a step's jump; an
    oscillation's semi-amplitude). `duration` is first-to-fourth contact
    (single_transit), the whole dip (dip), the full width at half maximum
    (brightening) or the burst's length (oscillation); a step has none (0).
    `asymmetry` is the fraction of a dip's duration spent going in (0.2: fast in,
    slow out); `period` an oscillation's period.
    """

    kind: str
    t_peak: float
    amplitude: float
    duration: float = 0.0
    asymmetry: float = 0.5
    period: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in EVENT_SIGNS:
            raise ConfigError(f"event kind must be one of {sorted(EVENT_SIGNS)}, got {self.kind!r}")
        sign = EVENT_SIGNS[self.kind]
        if self.amplitude == 0 or (sign and np.sign(self.amplitude) != sign):
            expected = {1: "> 0", -1: "< 0", 0: "!= 0"}[sign]
            raise ConfigError(f"a {self.kind} event's amplitude must be {expected}, got {self.amplitude}")
        if not abs(self.amplitude) < 1:
            raise ConfigError(f"event amplitude must be below 1 in relative flux, got {self.amplitude}")
        if self.kind == "step":
            if self.duration != 0:
                raise ConfigError(f"a step has no duration (give 0), got {self.duration}")
        elif not 0 < self.duration <= 30:
            raise ConfigError(f"a {self.kind} event's duration must be in (0, 30] days, got {self.duration}")
        if not 0.05 <= self.asymmetry <= 0.95:
            raise ConfigError(f"dip asymmetry must be in [0.05, 0.95], got {self.asymmetry}")
        if self.kind == "oscillation":
            if self.period is None or not 0 < self.period <= self.duration / 2:
                raise ConfigError(f"an oscillation needs a period in (0, duration / 2], got {self.period}")
        elif self.period is not None:
            raise ConfigError(f"only an oscillation has a period, not a {self.kind}")


@dataclass
class Truth:
    """Everything injected into a synthetic curve, in its own time system (days) and relative flux.

    `events` lists only transits, flares and outliers that fall on kept data,
    each a dict with kind, t_start, t_end, t_peak, amplitude (intrinsic peak,
    negative for dips), observed_amplitude (extreme of the exposure-averaged
    signal at a kept cadence) and kind-specific fields: transits have planet,
    transit_number and duration; flares fwhm and equivalent_duration (both in
    days) and observed_second (the next-highest exposure: near zero for a flare
    shorter than one long-cadence exposure); outliers sigma (amplitude /
    noise_sigma), shape and n_cadences; bumps (flare-like but not flares) shape
    and fwhm; unusual events (single_transit, dip, brightening, step,
    oscillation) duration and, where they apply, asymmetry and period.

    `spots` lists the evolving spots of a SpotSpec star; `systematics` the
    instrument's signals with no event of their own (the K2 roll, ramps after
    gaps), each a dict with its kind and parameters.
    """

    target: str
    mission: str
    time_system: str
    time_offset: float
    seed: int
    n_points: int
    cadence_min: float
    noise_sigma: float  # white noise, relative flux per cadence
    red_noise_sigma: float
    red_noise_tau_days: float
    rotation_period: float | None
    rotation_amp: float
    limb_darkening: tuple[float, float]
    planets: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[tuple[float, float]] = field(default_factory=list)
    spots: list[dict[str, Any]] = field(default_factory=list)
    systematics: list[dict[str, Any]] = field(default_factory=list)

    def events_of(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["kind"] == kind]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (lists, floats, ints, strings)."""
        out = asdict(self)
        out["limb_darkening"] = list(self.limb_darkening)
        out["gaps"] = [list(gap) for gap in self.gaps]
        return out
