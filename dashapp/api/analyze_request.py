"""What POST /api/analyze accepts: the form's settings, what the file must not be, and whether
the analysis fits in the request or becomes a job.

A request goes lookup (any cache) -> checks (bad files fail here, while the client waits)
-> run. Small analyses answer at once; the transit search's cost is known before it runs
(`PreparedAnalysis.search_work`), and a multi-year Kepler curve takes longer than Gunicorn
lets a request live, so that one is handed to the job runner.
"""
from __future__ import annotations

from typing import Mapping

from core.config import DETECTORS, AnalysisConfig
from core.errors import ConfigError
from core.io.sniff import GZIP_MAGIC, describe_binary
from dashapp.analysis_service import PreparedAnalysis
from dashapp.api.schemas import Field, RequestSchema

_DEFAULTS = AnalysisConfig()
# The settings the API takes; their ranges are AnalysisConfig's (see schemas), defaults read from it.
CONTAMINATION = Field("contamination", "number", "Expected anomaly fraction for IF+LOF", exclusive_minimum=0,
                      maximum=0.5, default=_DEFAULTS.contamination)
WINDOW_SIZE = Field("window_size", "integer", minimum=10, maximum=1000, default=_DEFAULTS.window_size)
ANALYZE_FORM = RequestSchema(
    fields=(
        Field("file", "file", "FITS (Kepler/K2/TESS) or CSV light curve, optionally gzipped"),
        CONTAMINATION,
        WINDOW_SIZE,
        Field("vote_threshold", "number", "Fraction of flagged windows covering a point", exclusive_minimum=0,
              maximum=1, default=_DEFAULTS.vote_threshold),
        Field("detrend_window_days", "number", "Detrending window in days", minimum=0.05, maximum=10,
              default=_DEFAULTS.detrend_window_days),
        Field("detectors", "string", "Comma list of " + ",".join(DETECTORS)),
        Field("model_id", "string", "A registry model id; omit to fit on the curve itself"),
        Field("k2_roll_correction", "boolean", "Divide out the K2 roll sawtooth (self-flat-fielding on the centroids "
              "of a K2 FITS file); false to analyse the flux as is", default=_DEFAULTS.k2_roll_correction),
    ),
    required=("file",),
)
FORM_FIELDS = tuple(name for name in ANALYZE_FORM.names if name != "file")  # the settings among them
# Transit-search work (`core.detect.periodogram.search_work`: folding additions and box trials of one
# round, ~2e-9 s a unit on one core) that is still answered within the request: a few seconds of
# search, well inside Gunicorn's 120 s timeout. A 200k-point TESS curve (5e8) stays synchronous; a
# 4-year Kepler curve (5e9 a round, two or more rounds) becomes a job.
SYNC_MAX_SEARCH_WORK = 2e9


class UnsupportedMediaError(ValueError):
    """The upload is a known non-light-curve format (an image, an archive, a pickle)."""


def parse_config(form: Mapping[str, str]) -> AnalysisConfig:
    """AnalysisConfig from the request's form fields; unknown fields are refused so typos do not pass silently."""
    unknown = ANALYZE_FORM.unknown(form)
    if unknown:
        raise ConfigError(f"unknown form field(s) {unknown}; allowed: {list(FORM_FIELDS)} and 'file'")
    return AnalysisConfig.from_mapping({name: form[name] for name in FORM_FIELDS if name in form})


def check_media(data: bytes) -> None:
    """Refuse images, archives and pickles up front with what they look like (-> 415)."""
    if data.startswith(GZIP_MAGIC):
        return
    kind = describe_binary(data[:64])
    if kind:
        raise UnsupportedMediaError(f"this file looks like {kind}, not a light curve; upload a FITS or CSV file")


def fits_in_request(prepared: PreparedAnalysis) -> bool:
    """True when the analysis finishes well within a request; otherwise run it as a job."""
    return prepared.search_work() <= SYNC_MAX_SEARCH_WORK
