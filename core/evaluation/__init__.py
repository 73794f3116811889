"""Injection-recovery evaluation (`python -m core evaluate`), one job per module.

cases.py builds the injection set, matching.py matches detections to what was
injected, scoring.py counts one curve, real.py checks the real files, summary.py
turns counts into rates and design bars, report.py pools and prints them, and
run.py (`evaluate`) runs the whole set through `analyze` and the seed-style method.
"""
