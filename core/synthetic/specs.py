"""Value types of the generator: what to inject (PlanetSpec), where (MissionProfile), what was injected (Truth)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

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
}


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
    noise_sigma), shape and n_cadences.
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

    def events_of(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["kind"] == kind]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (lists, floats, ints, strings)."""
        out = asdict(self)
        out["limb_darkening"] = list(self.limb_darkening)
        out["gaps"] = [list(gap) for gap in self.gaps]
        return out
