"""Hand-made truths and detections for the evaluation's matching and scoring tests."""
from core.result import Event

CADENCE = 0.01


def flare_truth(t_peak: float) -> dict:
    return {"kind": "flare", "t_start": t_peak - 0.01, "t_end": t_peak + 0.05, "t_peak": t_peak, "peak_sigma": 8.0}


def detection(kind: str, t_start: float, t_end: float) -> Event:
    return Event(kind=kind, t_start=t_start, t_end=t_end, t_peak=t_start, amplitude=0.01, snr=10.0, score=1.0)
