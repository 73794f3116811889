"""One trial in a pool worker: inject into the curve, analyse it, and ask which injections were found.

Recovery uses the evaluation's matching rules (core.evaluation.matching): a planet
is found when a reported candidate's period is within 1% of the injected one; a
flare when its peak lies inside a reported flare event widened by one cadence.
"""
from __future__ import annotations

import time as clock
from dataclasses import dataclass

import numpy as np

from core.completeness.inject import TransitInjection, inject
from core.completeness.plan import Trial
from core.config import AnalysisConfig
from core.evaluation.matching import match_events, period_match
from core.lightcurve import LightCurve
from core.pipeline import analyze


@dataclass(frozen=True)
class TrialTask:
    """What a worker needs: the user's curve, the settings (only the needed detectors), the trial, the noise."""

    lc: LightCurve
    config: AnalysisConfig
    trial: Trial
    kept: np.ndarray
    sigma: float  # white noise per point, relative flux


@dataclass(frozen=True)
class TrialOutcome:
    """Per injection: its parameters, `recovered`, and for planets the white-noise SNR it was injected at;
    and the CPU seconds the trial took in its worker (what a run costs, whatever else shares the machine)."""

    records: list[dict]
    cpu_seconds: float


def run_trial(task: TrialTask) -> TrialOutcome:
    """Inject, analyse, match."""
    started = clock.process_time()
    injected, signals = inject(task.lc, task.trial.injections)
    result = analyze(injected, task.config)
    records = [{"cell": injection.cell, **injection.to_dict()} for injection in task.trial.injections]
    if isinstance(task.trial.injections[0], TransitInjection):
        periods = [candidate.period for candidate in result.transits]
        for record, injection, signal in zip(records, task.trial.injections, signals):
            record["recovered"] = period_match(injection.period, periods) == "found"
            record["snr"] = injected_snr(signal[task.kept], task.sigma)
    else:
        flares = [event for event in result.events if event.kind == "flare"]
        truths = [{"t_peak": injection.t_peak} for injection in task.trial.injections]
        found, _ = match_events(truths, flares, task.lc.cadence_days)
        for record, recovered in zip(records, found):
            record["recovered"] = bool(recovered)
    return TrialOutcome(records, clock.process_time() - started)


def injected_snr(dip: np.ndarray, sigma: float) -> float:
    """The box SNR the vetting measures, for the signal as injected: mean depth in transit x sqrt(points) / sigma."""
    inside = dip > 0
    if not inside.any() or not sigma > 0:
        return 0.0
    return float(dip[inside].mean() * np.sqrt(inside.sum()) / sigma)
