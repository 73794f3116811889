"""Gallery thumbnails: a small figure per card, built once and kept in the shared cache."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.io import load_lightcurve
from dashapp.views.figures import thumbnail_figure


def thumbnail(cache: Any, entry_id: str, path: Path) -> dict:
    """The thumbnail of the curve in `path` (as plotly JSON), cached by the file's identity.

    `cache` is the app's flask-caching cache; a file rewritten in place gets a new key.
    """
    stat = path.stat()
    key = f"thumb:{entry_id}:{stat.st_size}:{stat.st_mtime_ns}"
    cached = cache.get(key)
    if isinstance(cached, str):
        return json.loads(cached)
    figure_json = thumbnail_figure(load_lightcurve(path)).to_json()
    cache.set(key, figure_json, timeout=0)
    return json.loads(figure_json)
