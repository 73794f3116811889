"""What POST /api/completeness accepts, and the job it becomes.

The file is read and the whole request checked against the curve (grid limits,
periods the curve is long enough for) while the client waits, so a bad request is a
4xx at once; the injections, minutes of work, run as a job on the analysis lane.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any, Callable, Mapping

from core.completeness import MAX_INJECTIONS, check_request, completeness
from core.completeness.grid import AXES, KINDS, parse_axis
from core.errors import ConfigError
from core.lightcurve import LightCurve
from dashapp.api.schemas import Field, RequestSchema

MAX_SEED = 2**32 - 1
Progress = Callable[[float], None]
N_INJECTIONS = Field("n_injections", "integer", "Injections in all, dealt evenly over the grid's cells",
                     minimum=1, maximum=MAX_INJECTIONS, default=100)
SEED = Field("seed", "integer", "The same seed gives the same map", minimum=0, maximum=MAX_SEED, default=0)
COMPLETENESS_FORM = RequestSchema(
    fields=(
        Field("file", "file", "FITS (Kepler/K2/TESS) or CSV light curve, optionally gzipped"),
        Field("kind", "string", "What to inject: " + " or ".join(KINDS), default=KINDS[0]),
        N_INJECTIONS,
        SEED,
        *(Field(axis, "string", f"Comma list of {meaning}; omit every axis for a grid around the curve's limit")
          for axis, meaning in AXES.items()),
    ),
    required=("file",),
)


@dataclass(frozen=True)
class CompletenessParams:
    """A completeness request's settings, parsed."""

    kind: str
    n_injections: int
    seed: int
    grid: dict[str, list[float]] | None

    def check(self, lc: LightCurve) -> None:
        """Refuse what the run would refuse (ConfigError -> 422), before anything is queued."""
        check_request(lc, None, self.kind, self.grid, self.n_injections, self.seed)

    def work_key(self, data: bytes) -> str:
        """Names the work: the same file with the same settings joins a live job instead of queueing another."""
        digest = hashlib.sha256(data)
        digest.update(json.dumps(asdict(self), sort_keys=True).encode())
        return f"completeness:{digest.hexdigest()}"

    def work(self, lc: LightCurve, cache: Any, key: str, timeout_s: int) -> Callable[[Progress], dict[str, Any]]:
        """The job: the map as JSON, also kept in `cache` under `key` (the same request is then answered at once)."""
        def run(progress: Progress) -> dict[str, Any]:
            result = completeness(lc, None, kind=self.kind, grid=self.grid, n_injections=self.n_injections,
                                  seed=self.seed, progress=lambda fraction, message: progress(fraction)).to_dict()
            cache.set(key, json.dumps(result), timeout=timeout_s)
            return result
        return run


def cached_map(cache: Any, key: str) -> dict[str, Any] | None:
    """The map a finished job kept for this file and these settings, if the cache still has it."""
    stored = cache.get(key)
    return json.loads(stored) if isinstance(stored, str) else None


def parse_completeness(form: Mapping[str, str]) -> CompletenessParams:
    """The form's settings; unknown fields are refused so typos do not pass silently."""
    unknown = COMPLETENESS_FORM.unknown(form)
    if unknown:
        allowed = [name for name in COMPLETENESS_FORM.names if name != "file"]
        raise ConfigError(f"unknown form field(s) {unknown}; allowed: {allowed} and 'file'")
    kind = form.get("kind") or KINDS[0]
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {list(KINDS)}, got {kind!r}")
    grid = {axis: parse_axis(axis, form[axis]) for axis in AXES if form.get(axis)}
    return CompletenessParams(
        kind=kind,
        n_injections=N_INJECTIONS.whole_number(form.get("n_injections") or N_INJECTIONS.default),
        seed=SEED.whole_number(form.get("seed") or SEED.default),
        grid=grid or None,
    )
