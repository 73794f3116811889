"""What the analysis page's download buttons send: the events CSV, the transits CSV or the full JSON."""
from __future__ import annotations

import io
import json
import re
from typing import Any

from core.result import AnalysisResult


def export(result: AnalysisResult, what: str, stem: str) -> dict[str, Any]:
    """dcc.Download data for `what` ("events", "transits" or "json")."""
    if what == "json":
        return {"content": json.dumps(result.to_dict(), indent=2), "filename": f"{stem}-result.json",
                "type": "application/json"}
    frame = result.events_frame() if what == "events" else result.transits_frame()
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return {"content": buffer.getvalue(), "filename": f"{stem}-{what}.csv", "type": "text/csv"}


def file_stem(meta: dict[str, Any]) -> str:
    """A download file name stem from the target name: letters, digits, '-' and '_' only."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", str(meta.get("target") or "lightcurve")).strip("_")
    return stem[:60] or "lightcurve"
