"""Injection-recovery evaluation (`python -m core evaluate`), one job per module.

cases.py builds today's injection set (and the real curves' injected copies),
hard_cases.py the hard stars, unusual_cases.py the unusual events' curves;
effective_snr.py measures a signal's SNR against white plus correlated noise;
matching.py matches detections to what was injected; scoring.py counts one
curve, unusual.py one unusual-event curve, reliability.py labels every event
for the confidence table and the calibration file; real.py checks the real
files against MANIFEST.json and labels.py their flare events against labels made
by eye; summary.py turns counts into rates and design bars; report.py and
hard_report.py pool and print them; run.py (`evaluate`) runs the whole set
through `analyze` and the seed-style method.
"""
