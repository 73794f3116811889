"""Many light curves at once: find the files, analyse them on a process pool, one record per
curve and one summary table, resumable after a kill (`python -m core batch`).

inputs (which files) -> records (what is done, by content and settings) -> curve (one
analysis in a worker) -> run (the pool, the summary) ; summary (the table's columns, shared
with the REST API and the dashboard) ; progress (the terminal line).
"""
from core.batch.run import BatchReport, run_batch
from core.batch.summary import SUMMARY_COLUMNS, summary_csv, summary_row

__all__ = ["BatchReport", "SUMMARY_COLUMNS", "run_batch", "summary_csv", "summary_row"]
