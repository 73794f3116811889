"""Analysis settings: one frozen value, validated once at the boundary."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any, Mapping

from core.errors import ConfigError

DETECTORS = ("transits", "flares", "outliers", "unusual", "anomaly")
MAX_UINT32 = 2**32 - 1


def _check_range(name: str, value: float, low: float, high: float, low_open: bool = False) -> None:
    ok = (value > low if low_open else value >= low) and value <= high
    if not ok:
        bracket = "(" if low_open else "["
        raise ConfigError(f"{name} must be in {bracket}{low}, {high}], got {value}")


@dataclass(frozen=True)
class VettingThresholds:
    """What the verdict holds each transit candidate's metrics to (core.detect.verdict; docs/vetting.md).

    A candidate fails to `false_alarm` when the search's own periodogram gives its peak a
    false-alarm probability above `max_fap`, when it does not stand `min_uniqueness` red-noise
    sigmas above the next dip or bump of its fold, when one transit carries more than
    `max_single_event_share` of its SNR^2, when sinusoids at P/2, P and 2P explain more than
    `max_sine_vs_box` times what a box explains (the search's SWEET-like `sine_vs_box`; a
    box alone gives 0.2-0.6 as its duty cycle grows, a rotation residual about 1) and more than
    `max_sine_excess` above what a noiseless box of its duty cycle gives (unless a box fitted together
    with those sinusoids keeps `min_box_beyond_sines` of the dip's depth: a transit on the star's
    rotation), when its
    period is a harmonic of the star's rotation, the dip has no flat bottom (v_shape >=
    `max_v_shape`) and sinusoids explain at least `min_sine_vs_box_at_rotation` of it (a spot;
    a synchronised binary's sharp eclipses score lower), or (star known) when its duration is outside
    [`min_duration_ratio`, `max_duration_ratio`] times a central transit's there. Otherwise it
    fails to `eclipsing_binary` when odd and even depths differ by more than `max_odd_even_sigma`,
    when a secondary eclipse is more significant than `max_secondary_sigma` and deeper than
    `max_occultation_ratio` of the transit (a planet's own occultation is shallower), or when it is
    V-shaped (v_shape >= `max_v_shape`) and a flat bottom is ruled out at `min_v_shape_sigma`.
    """

    max_fap: float = 0.01
    min_uniqueness: float = 2.0
    max_single_event_share: float = 0.8
    max_sine_vs_box: float = 0.6
    max_sine_excess: float = 0.15
    min_box_beyond_sines: float = 0.6
    min_sine_vs_box_at_rotation: float = 0.4
    min_duration_ratio: float = 0.1
    max_duration_ratio: float = 3.0
    max_odd_even_sigma: float = 3.0
    max_secondary_sigma: float = 4.0
    max_occultation_ratio: float = 0.1
    max_v_shape: float = 0.7
    min_v_shape_sigma: float = 3.0

    def __post_init__(self) -> None:
        for spec in fields(self):
            try:
                value = float(getattr(self, spec.name))
            except (TypeError, ValueError):
                raise ConfigError(f"vetting.{spec.name} must be a number, got {getattr(self, spec.name)!r}") from None
            low, high = _VETTING_RANGES[spec.name]
            _check_range(f"vetting.{spec.name}", value, low, high)
            object.__setattr__(self, spec.name, value)
        if self.min_duration_ratio >= self.max_duration_ratio:
            raise ConfigError("vetting.min_duration_ratio must be smaller than vetting.max_duration_ratio")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | str) -> "VettingThresholds":
        """From a mapping (or its JSON text); unknown keys raise ConfigError naming them."""
        if isinstance(values, str):
            try:
                values = json.loads(values)
            except ValueError:
                raise ConfigError("vetting must be a JSON object of thresholds") from None
        if not isinstance(values, Mapping):
            raise ConfigError("vetting must be an object of thresholds")
        unknown = sorted(set(values) - set(_VETTING_RANGES))
        if unknown:
            raise ConfigError(f"unknown vetting threshold(s) {unknown}; known: {sorted(_VETTING_RANGES)}")
        return cls(**{k: v for k, v in values.items() if v is not None and v != ""})


# Each threshold's allowed range: wide enough to switch a test off (e.g. max_fap = 1), never nonsense.
_VETTING_RANGES = {
    "max_fap": (0.0, 1.0), "min_uniqueness": (-1000.0, 1000.0), "max_single_event_share": (0.0, 1.0),
    "max_sine_vs_box": (0.0, 1000.0), "max_sine_excess": (0.0, 1000.0), "min_box_beyond_sines": (-1000.0, 1000.0), "min_sine_vs_box_at_rotation": (0.0, 1000.0), "min_duration_ratio": (0.0, 100.0), "max_duration_ratio": (0.0, 1000.0),
    "max_odd_even_sigma": (0.0, 1000.0), "max_secondary_sigma": (0.0, 1000.0), "max_occultation_ratio": (0.0, 1000.0),
    "max_v_shape": (0.0, 1.0), "min_v_shape_sigma": (0.0, 1000.0),
}


@dataclass(frozen=True)
class AnalysisConfig:
    """Everything `analyze` can be told. Defaults suit 2-min and 30-min cadence curves.

    contamination, window_size and vote_threshold are the seed app's knobs for the
    Isolation Forest + LOF ensemble; the rest steer the physical detectors, and
    `vetting` holds the thresholds every transit candidate's verdict is judged by.
    """

    contamination: float = 0.05
    window_size: int = 50
    vote_threshold: float = 0.3
    detectors: tuple[str, ...] = DETECTORS
    detrend_window_days: float = 0.75
    quality_bitmask: int | str | None = "default"
    min_period_days: float | None = None
    max_period_days: float | None = None
    transit_min_snr: float = 7.0
    transit_min_sde: float = 7.0
    max_planets: int = 3
    flare_sigma: float = 3.0
    outlier_sigma: float = 5.0
    k2_roll_correction: bool = True
    model_id: str | None = None
    random_state: int = 42
    vetting: VettingThresholds = VettingThresholds()

    def __post_init__(self) -> None:
        _check_range("contamination", float(self.contamination), 0.0, 0.5, low_open=True)
        if int(self.window_size) != self.window_size:
            raise ConfigError(f"window_size must be a whole number of points, got {self.window_size}")
        _check_range("window_size", int(self.window_size), 10, 1000)
        _check_range("vote_threshold", float(self.vote_threshold), 0.0, 1.0, low_open=True)
        _check_range("detrend_window_days", float(self.detrend_window_days), 0.05, 10.0)
        unknown = [d for d in self.detectors if d not in DETECTORS]
        if unknown:
            raise ConfigError(f"unknown detector(s) {unknown}; choose from {list(DETECTORS)}")
        if isinstance(self.quality_bitmask, str) and self.quality_bitmask not in ("default", "none"):
            raise ConfigError('quality_bitmask must be an integer, "default" or "none"')
        if isinstance(self.quality_bitmask, int):  # QUALITY columns are 32-bit
            _check_range("quality_bitmask", self.quality_bitmask, 0, MAX_UINT32)
        _check_range("random_state", int(self.random_state), 0, MAX_UINT32)  # what numpy and sklearn seed with
        for name in ("min_period_days", "max_period_days"):
            value = getattr(self, name)
            if value is not None:
                _check_range(name, float(value), 0.05, 1000.0)
        if self.min_period_days and self.max_period_days and self.min_period_days >= self.max_period_days:
            raise ConfigError("min_period_days must be smaller than max_period_days")
        _check_range("transit_min_snr", float(self.transit_min_snr), 1.0, 1000.0)
        _check_range("transit_min_sde", float(self.transit_min_sde), 0.0, 1000.0)
        _check_range("max_planets", int(self.max_planets), 0, 10)
        _check_range("flare_sigma", float(self.flare_sigma), 1.0, 100.0)
        _check_range("outlier_sigma", float(self.outlier_sigma), 2.0, 100.0)
        if not isinstance(self.k2_roll_correction, bool):
            raise ConfigError(f"k2_roll_correction must be true or false, got {self.k2_roll_correction!r}")
        if not isinstance(self.vetting, VettingThresholds):
            object.__setattr__(self, "vetting", VettingThresholds.from_mapping(self.vetting))
        object.__setattr__(self, "detectors", tuple(self.detectors))
        object.__setattr__(self, "window_size", int(self.window_size))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "AnalysisConfig":
        """Build from strings or JSON values (form fields, query parameters).

        Unknown keys and unparsable numbers raise ConfigError naming the field.
        """
        kinds = {f.name: f for f in fields(cls)}
        parsed: dict[str, Any] = {}
        for key, raw in values.items():
            if key not in kinds:
                raise ConfigError(f"unknown setting {key!r}; known settings: {sorted(kinds)}")
            if raw is None or raw == "":
                continue
            parsed[key] = _parse_value(key, raw)
        return cls(**parsed)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["detectors"] = list(self.detectors)
        return out


_INT_FIELDS = {"window_size", "max_planets", "random_state"}
_FLOAT_FIELDS = {
    "contamination", "vote_threshold", "detrend_window_days", "min_period_days", "max_period_days",
    "transit_min_snr", "transit_min_sde", "flare_sigma", "outlier_sigma",
}

_BOOL_FIELDS = {"k2_roll_correction"}
_BOOL_WORDS = {"true": True, "1": True, "yes": True, "on": True, "false": False, "0": False, "no": False, "off": False}


def _parse_value(key: str, raw: Any) -> Any:
    try:
        if key in _INT_FIELDS:
            number = float(raw)
            if number != int(number):
                raise ValueError
            return int(number)
        if key in _FLOAT_FIELDS:
            number = float(raw)
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError
            return number
    except (TypeError, ValueError, OverflowError):  # int(float("inf")) overflows
        raise ConfigError(f"{key} must be a number, got {raw!r}") from None
    if key in _BOOL_FIELDS:
        text = str(raw).strip().lower()
        if isinstance(raw, bool) or text in _BOOL_WORDS:
            return raw if isinstance(raw, bool) else _BOOL_WORDS[text]
        raise ConfigError(f"{key} must be true or false, got {raw!r}")
    if key == "detectors":
        if isinstance(raw, str):
            return tuple(d.strip() for d in raw.split(",") if d.strip())
        return tuple(raw)
    if key == "vetting":
        return raw if isinstance(raw, VettingThresholds) else VettingThresholds.from_mapping(raw)
    if key == "quality_bitmask":
        if isinstance(raw, str) and raw in ("default", "none"):
            return raw
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f'quality_bitmask must be an integer, "default" or "none", got {raw!r}') from None
    return str(raw)
