"""Vetting reports: one page per transit candidate, as arrays (panels.py), drawn (page.py), written (files.py)."""

REPORT_FORMATS = ("pdf", "png")
