"""Analysis settings: one frozen value, validated once at the boundary."""
from __future__ import annotations

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
class AnalysisConfig:
    """Everything `analyze` can be told. Defaults suit 2-min and 30-min cadence curves.

    contamination, window_size and vote_threshold are the seed app's knobs for the
    Isolation Forest + LOF ensemble; the rest steer the physical detectors.
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
    if key == "quality_bitmask":
        if isinstance(raw, str) and raw in ("default", "none"):
            return raw
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f'quality_bitmask must be an integer, "default" or "none", got {raw!r}') from None
    return str(raw)
