"""Stage 6: stretches of raised noise (core.detect.scatter), as `anomaly` events, and what they explain.

Jitter makes every detector that compares a point or a box with the curve's usual
noise see things: at long cadence its tail is a swarm of outliers, and a run of
low points inside it is a "dip" or a "single transit". Once a stretch is known to
be noisier, each flare, outlier, dip, brightening or single transit inside it is judged
again against that stretch's noise (its significance divided by the scatter ratio)
and dropped when it no longer stands out. An oscillation explains raised
point-to-point scatter by itself (its slopes), so a stretch it covers is not
reported again.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.config import AnalysisConfig
from core.detect.scatter import ScatterBurst, find_scatter_bursts
from core.detect.unusual.scan import DETECT_SIGMA
from core.pipeline.first_look import FLARE_MASK_PAD_CADENCES, FirstLook
from core.pipeline.unusual import UnusualFindings, kind_masks
from core.result import Event
from core.stats import cadence_days, pad_mask, span_mask

EXPLAINED_SHARE = 0.5  # of a stretch covered by an oscillation: the oscillation's slopes are the scatter
JUDGED_KINDS = ("dip", "brightening", "single_transit")


@dataclass(frozen=True)
class ScatterFindings:
    """The raised-noise stretches as events, their points, and the unusual findings without what they explain."""

    events: list[Event]
    mask: np.ndarray
    unusual: UnusualFindings


def find_raised_noise(time: np.ndarray, in_transit: np.ndarray, unusual: UnusualFindings,
                      config: AnalysisConfig) -> ScatterFindings:
    """Raised-noise stretches on the first look's residual, with flares and transits left out."""
    look = unusual.look
    cadence = cadence_days(time)
    usable = ~(pad_mask(look.flare_mask, FLARE_MASK_PAD_CADENCES) | in_transit)
    bursts = [b for b in find_scatter_bursts(time, look.residual, usable, cadence)
              if not _oscillation_covers(b, unusual.events)]
    if not bursts:
        return ScatterFindings([], np.zeros(time.size, dtype=bool), unusual)
    mask = np.zeros(time.size, dtype=bool)
    events = []
    for burst in bursts:
        inside = (time >= burst.t_start) & (time <= burst.t_end)
        mask |= inside
        peak = int(np.flatnonzero(inside)[np.argmax(np.abs(look.residual[inside]))])
        events.append(Event("anomaly", burst.t_start, burst.t_end, float(time[peak]), float(look.residual[peak]),
                            burst.z, burst.z, {"reason": "raised noise", "scatter_ratio": round(burst.ratio, 3),
                                               "n_differences": burst.n_differences}))
    outliers = [o for o in look.outliers if _still_outstanding(o, bursts, config.outlier_sigma)]
    flares = [f for f in look.flares if _still_outstanding(f, bursts, config.flare_sigma)]
    kept_events = [e for e in unusual.events if e.kind not in JUDGED_KINDS or _still_outstanding(e, bursts, DETECT_SIGMA)]
    kept_look = replace(look, outliers=outliers, outlier_mask=span_mask(time, outliers),
                        flares=flares, flare_mask=span_mask(time, flares))
    return ScatterFindings(events, mask, UnusualFindings(kept_events, kind_masks(time, kept_events), kept_look))


def noise_ratio(time: np.ndarray, look: FirstLook, in_transit: np.ndarray | None = None) -> np.ndarray:
    """Per point: how many times the curve's white noise the noise is there (1 outside raised-noise stretches).

    The transit search weighs each point by the inverse square of this, as any
    least-squares fit of data with unequal errors would.
    """
    left_out = pad_mask(look.flare_mask, FLARE_MASK_PAD_CADENCES)
    if in_transit is not None:
        left_out |= in_transit
    ratio = np.ones(time.size)
    for burst in find_scatter_bursts(time, look.residual, ~left_out, cadence_days(time)):
        inside = (time >= burst.t_start) & (time <= burst.t_end)
        ratio[inside] = np.maximum(ratio[inside], burst.ratio)
    return ratio


def _oscillation_covers(burst: ScatterBurst, events: list[Event]) -> bool:
    length = burst.t_end - burst.t_start
    covered = sum(max(0.0, min(e.t_end, burst.t_end) - max(e.t_start, burst.t_start))
                  for e in events if e.kind == "oscillation")
    return length > 0 and covered >= EXPLAINED_SHARE * length


def _still_outstanding(event: Event, bursts: list[ScatterBurst], threshold: float) -> bool:
    """Whether `event` reaches `threshold` against the noise where it lies (the curve's, or a stretch's raised)."""
    ratio = max((b.ratio for b in bursts if b.t_start <= event.t_peak <= b.t_end), default=1.0)
    return abs(event.snr) / ratio >= threshold
