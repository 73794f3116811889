"""Stage 5: the unusual events (core.detect.unusual), and what they explain of the other detectors' findings.

Single transits, dips, brightenings, steps and oscillation bursts are searched
with the flares, outliers and periodic transits already found left out. A short
trend cannot follow the edges of a dip or a transit, a step, or the crests of an
oscillation, so the first look calls flares and outliers there; once the event is
known, each flare or outlier it overlaps is judged again on the flux with the
event's fitted model subtracted, against its own neighbours, and kept only if it
still stands out: a flare on top of a brightening does, the edge of a dip does not.
A flare or outlier between a step's last point before and first point after is the
jump itself. An oscillation on which two or more flares still stand out is a train
of flares (a flare star's flares a few hours apart), not a burst: it is dropped and
the flares kept.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.config import AnalysisConfig
from core.detect.transits import TRANSIT_MASK_FACTOR
from core.detect.unusual import Unusual, find_unusual
from core.detect.vetting import transit_mask
from core.pipeline.first_look import FLARE_MASK_PAD_CADENCES, FirstLook
from core.result import Event, TransitCandidate
from core.stats import cadence_days, pad_mask, point_to_point_std, span_mask

FLARE_KEEP_MARGIN = 2.0  # an overlapped flare must reach flare_sigma + this against the event-subtracted flux
NEIGHBOUR_SPANS = 3.0  # the neighbours a flare or outlier is judged against: this many of its own lengths around it
MIN_NEIGHBOUR_DAYS = 1.0 / 24.0
EDGE_SHARE = 0.1  # a flare or outlier this share of an event's length (or two cadences) beyond its edge overlaps it
MIN_ROTATIONS = 3.0  # the recurrence veto needs this many rotations in the data
# A step may span this much missing data (a Kepler attitude tweak's flagged cadences), except on K2, whose
# every thruster firing leaves such a hole with a roll reset across it.
BRIDGED_GAP_DAYS = 0.1
MAX_FLARES_ON_A_BURST = 2  # flares standing out on an oscillation that make it a train of flares instead


@dataclass(frozen=True)
class UnusualFindings:
    """The unusual events, their points, and the flares and outliers left once those they explain are dropped."""

    events: list[Event]
    masks: dict[str, np.ndarray]  # per kind: the points of its events
    look: FirstLook

    @property
    def mask(self) -> np.ndarray:
        """Points of any unusual event."""
        return np.logical_or.reduce(list(self.masks.values())) if self.masks else np.zeros(self.look.residual.size,
                                                                                            dtype=bool)

    @classmethod
    def none(cls, look: FirstLook) -> "UnusualFindings":
        return cls([], {}, look)


def find_unusual_events(
    time: np.ndarray, flux: np.ndarray, look: FirstLook, transits: list[TransitCandidate],
    rotation_days: float, config: AnalysisConfig, mission: str | None = None, fast_rotation: float | None = None,
) -> UnusualFindings:
    """Unusual events beside the flares, outliers and `transits` in `look`, and the look without what they explain.

    `fast_rotation`: the period of a star rotating too fast for a local polynomial (PreparedCurve), on which
    steps are also looked for one rotation apart."""
    windows = np.zeros(time.size, dtype=bool)
    for c in transits:
        windows |= transit_mask(time, c.period, c.t0, TRANSIT_MASK_FACTOR * c.duration)
    rotating = np.isfinite(rotation_days) and time[-1] - time[0] >= MIN_ROTATIONS * rotation_days
    sigma = point_to_point_std(flux)
    cadence = cadence_days(time)
    flare_threshold = config.flare_sigma + FLARE_KEEP_MARGIN

    def search(left_out: np.ndarray) -> list[Unusual]:
        """The events, with the flares' points `left_out`."""
        found = find_unusual(time, flux, flares=pad_mask(left_out, FLARE_MASK_PAD_CADENCES),
                             outliers=look.outlier_mask, transits=windows,
                             rotation_days=float(rotation_days) if rotating else None,
                             bridge_days=0.0 if mission == "K2" else BRIDGED_GAP_DAYS, fast_rotation=fast_rotation)
        return [u for u in found if not _flare_train(u, look.flares, found, time, flux, sigma, cadence,
                                                     flare_threshold)]

    found = search(look.flare_mask)
    flares = _still_standing(look.flares, found, time, flux, sigma, cadence, flare_threshold, +1)
    if len(flares) < len(look.flares):
        # Flares an event explains (its edge, its crest) were left out of the search that found it, and took
        # part of the event with them: search again with them in, so the event is fitted whole.
        found = search(span_mask(time, flares))
        flares = _still_standing(look.flares, found, time, flux, sigma, cadence, flare_threshold, +1)
    if not found:
        return UnusualFindings.none(look)
    outliers = _still_standing(look.outliers, found, time, flux, sigma, cadence, config.outlier_sigma, 0)
    kept = replace(look, flares=flares, flare_mask=span_mask(time, flares),
                   outliers=outliers, outlier_mask=span_mask(time, outliers))
    return UnusualFindings([_as_event(e) for e in found], kind_masks(time, found), kept)


def kind_masks(time: np.ndarray, events: list) -> dict[str, np.ndarray]:
    """Per kind, in the order the kinds first appear in `events`: the points of its events (the result's
    labels are painted in this order, so it must not depend on a set's)."""
    kinds = dict.fromkeys(e.kind for e in events)
    return {kind: span_mask(time, [e for e in events if e.kind == kind]) for kind in kinds}


def _still_standing(events: list[Event], found: list[Unusual], time: np.ndarray, flux: np.ndarray, sigma: float,
                    cadence: float, threshold: float, sign: int) -> list[Event]:
    """The events not overlapping an unusual event, or still `threshold` sigma from their neighbours once the
    overlapping events' models are subtracted (`sign` +1: upwards only, 0: either way)."""
    kept = []
    for event in events:
        over = [u for u in found if _overlaps(event, u, cadence)]
        if any(_inside_a_jump(event, u) for u in over):
            continue
        if not over or _stands_out(event, over, time, flux, sigma, threshold, sign):
            kept.append(event)
    return kept


def _flare_train(unusual: Unusual, flares: list[Event], found: list[Unusual], time: np.ndarray, flux: np.ndarray,
                 sigma: float, cadence: float, threshold: float) -> bool:
    """Whether an oscillation is flares in a row: MAX_FLARES_ON_A_BURST or more of the flares inside it still
    stand out once it is subtracted (an oscillation's own crests do not; one flare on a pulsator may)."""
    if unusual.kind != "oscillation":
        return False
    inside = [f for f in flares if unusual.t_start <= f.t_peak <= unusual.t_end]
    standing = _still_standing(inside, found, time, flux, sigma, cadence, threshold, +1)
    return len(standing) >= MAX_FLARES_ON_A_BURST


def _inside_a_jump(event: Event, unusual: Unusual) -> bool:
    """Whether `event` lies between a step's last point before and first point after: it is the jump itself
    (the step's model knows the jump only to the search's bin, so subtracting it cannot judge these points)."""
    return unusual.kind == "step" and unusual.t_start <= event.t_start and event.t_end <= unusual.t_end


def _overlaps(event: Event, unusual: Unusual, cadence: float) -> bool:
    edge = max(2.0 * cadence, EDGE_SHARE * (unusual.t_end - unusual.t_start))
    return event.t_start <= unusual.t_end + edge and unusual.t_start - edge <= event.t_end


def _stands_out(event: Event, over: list[Unusual], time: np.ndarray, flux: np.ndarray, sigma: float,
                threshold: float, sign: int) -> bool:
    """Whether `event`'s points stand `threshold` sigma from their neighbours on the flux less the models."""
    reach = max(NEIGHBOUR_SPANS * (event.t_end - event.t_start), MIN_NEIGHBOUR_DAYS)
    near = (time >= event.t_start - reach) & (time <= event.t_end + reach)
    own = (time >= event.t_start) & (time <= event.t_end)
    if not own.any() or not (near & ~own).any():
        return True
    t = time[near]
    subtracted = flux[near] - sum(u.relative_model(t) for u in over) * np.median(flux[near])
    inside = own[near]
    baseline = float(np.median(subtracted[~inside]))
    excess = (subtracted[inside] - baseline) / sigma
    return bool((excess.max() if sign > 0 else np.abs(excess).max()) >= threshold)


def _as_event(unusual: Unusual) -> Event:
    return Event(kind=unusual.kind, t_start=unusual.t_start, t_end=unusual.t_end, t_peak=unusual.t_peak,
                 amplitude=unusual.amplitude, snr=unusual.snr, score=unusual.snr, extra=dict(unusual.extra))
