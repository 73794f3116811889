"""Hand-made truths and detections for the evaluation's matching and scoring tests."""
from dataclasses import fields, replace

from core.candidate_vetting import CandidateMetrics, Vetting
from core.result import Event, TransitCandidate

CADENCE = 0.01


def flare_truth(t_peak: float) -> dict:
    return {"kind": "flare", "t_start": t_peak - 0.01, "t_end": t_peak + 0.05, "t_peak": t_peak, "peak_sigma": 8.0}


def detection(kind: str, t_start: float, t_end: float) -> Event:
    return Event(kind=kind, t_start=t_start, t_end=t_end, t_peak=t_start, amplitude=0.01, snr=10.0, score=1.0)


def vetted(candidate: TransitCandidate, verdict: str) -> TransitCandidate:
    """`candidate` with a `verdict` and no metrics: scoring reads the verdict alone."""
    empty = CandidateMetrics(**{f.name: () if f.name in ("per_transit", "aliases") else None
                                for f in fields(CandidateMetrics)})
    return replace(candidate, vetting=Vetting(verdict, (), empty))
