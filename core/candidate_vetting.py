"""A transit candidate's vetting as values: what was measured, each test's outcome, and the verdict.

The metrics (`CandidateMetrics`) are measured by `core.detect.candidate_metrics`, judged by
`core.detect.verdict`; both only look at and make these values. In the result JSON they are
flattened into the candidate's own object (`Vetting.to_dict`), as DESIGN.md's contract lists them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

PLANET_CANDIDATE, ECLIPSING_BINARY, FALSE_ALARM = "planet_candidate", "eclipsing_binary", "false_alarm"
VERDICTS = (PLANET_CANDIDATE, ECLIPSING_BINARY, FALSE_ALARM)


@dataclass(frozen=True)
class TransitMeasure:
    """One transit with data: its epoch (0 is the candidate's t0), mid-time, depth and SNR (red noise counted)."""

    epoch: int
    t_mid: float
    depth: float
    depth_err: float
    snr: float
    n_points: int


@dataclass(frozen=True)
class AliasPower:
    """The search's SDE at a simple multiple of the candidate's period; None outside the searched periods."""

    label: str  # "P/3", "P/2", "P", "2P", "3P"
    period: float
    sde: float | None


@dataclass(frozen=True)
class Reason:
    """One vetting test: the value measured, the threshold it was held to, whether it passed, and why.

    `fails_as` is the verdict a failure of this test leads to; `detail` says in words
    what the number means for this candidate.
    """

    test: str
    value: float | None
    threshold: float
    passed: bool
    fails_as: str
    detail: str = ""


@dataclass(frozen=True)
class CandidateMetrics:
    """Everything measured to vet one candidate (see docs/vetting.md for how each is computed).

    Depths are relative flux below the baseline; times and durations in days; sigmas
    count red noise on the transit's timescale. A metric that could not be measured
    (too few points, no stellar parameters) is NaN, or None for `duration_ratio`.
    """

    fap: float  # chance that noise alone gives a search peak this high somewhere in the grid
    period_err: float
    t0_err: float
    depth_err: float
    odd_depth: float
    odd_depth_err: float
    even_depth: float
    even_depth_err: float
    odd_even_sigma: float
    secondary_depth: float
    secondary_depth_err: float
    secondary_sigma: float
    secondary_phase: float  # in orbital phase, 0 is mid-transit
    v_shape: float  # (T14 - T23) / T14: 0 a flat-bottomed box, 1 a V
    v_shape_sigma: float  # how strongly a flat bottom (T23 >= T14 / 2) is ruled out
    b_plus_k: float  # impact parameter plus radius ratio, from the trapezoid's shape (1 or more: grazing)
    smooth_dip_sigma: float  # how much better a smooth (Gaussian) dip fits than the trapezoid (< 0: worse)
    t14: float
    t23: float
    trapezoid_depth: float
    max_single_event_share: float  # the strongest transit's share of the total SNR^2
    uniqueness: float  # ModShift-like: primary over the next dip or bump in the fold, in red-noise sigmas
    primary_sigma: float
    tertiary_sigma: float
    positive_sigma: float
    red_noise_factor: float  # scatter of the box-filtered fold over what white noise gives (ModShift's F_red)
    sine_vs_box: float  # what sinusoids at P/2, P and 2P explain over what the box does (SWEET-like): ~1 is rotation
    sine_vs_box_of_box: float  # the same for a noiseless box of this duty cycle and sampling: what a transit gives
    box_beyond_sines: float  # the box's depth fitted together with those sinusoids, over its depth: ~1 a transit
    duration_ratio: float | None  # T14 over a central transit's duration around this star; None: star unknown
    expected_duration: float | None
    rotation_period: float | None  # the star's rotation when strong enough to act on (None: none measured)
    rotation_harmonic: str | None  # "P_rot", "2 x P_rot", "P_rot / 3", ... when the period is one
    per_transit: tuple[TransitMeasure, ...] = ()
    aliases: tuple[AliasPower, ...] = ()


@dataclass(frozen=True)
class Vetting:
    """A candidate's verdict (one of VERDICTS), the reasons behind it, and the metrics they judged."""

    verdict: str
    reasons: tuple[Reason, ...]
    metrics: CandidateMetrics

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")

    def failed_tests(self) -> tuple[str, ...]:
        return tuple(reason.test for reason in self.reasons if not reason.passed)

    def to_dict(self) -> dict[str, Any]:
        """The JSON fields: verdict, reasons, every metric, per_transit and aliases as lists of objects."""
        out: dict[str, Any] = {"verdict": self.verdict, "reasons": [_plain(asdict(r)) for r in self.reasons]}
        for spec in fields(CandidateMetrics):
            value = getattr(self.metrics, spec.name)
            if spec.name in ("per_transit", "aliases"):
                out[spec.name] = [_plain(asdict(item)) for item in value]
            else:
                out[spec.name] = _plain(value)
        return out

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> "Vetting":
        """The inverse of to_dict (None read back as NaN, except where None means "not known")."""
        values: dict[str, Any] = {}
        for spec in fields(CandidateMetrics):
            raw = row.get(spec.name)
            if spec.name == "per_transit":
                values[spec.name] = tuple(TransitMeasure(**{k: _number(v) for k, v in item.items()}) for item in raw or ())
            elif spec.name == "aliases":
                values[spec.name] = tuple(AliasPower(item["label"], _number(item["period"]), item.get("sde"))
                                          for item in raw or ())
            elif spec.name in ("duration_ratio", "expected_duration", "rotation_period", "rotation_harmonic"):
                values[spec.name] = raw
            else:
                values[spec.name] = _number(raw)
        reasons = tuple(Reason(**{**r, "value": r.get("value")}) for r in row.get("reasons") or ())
        return cls(verdict=row["verdict"], reasons=reasons, metrics=CandidateMetrics(**values))


def _number(value: Any) -> Any:
    return float("nan") if value is None else value


def _plain(value: Any) -> Any:
    """JSON-friendly: numpy scalars to Python, NaN and inf to None."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
