"""Property: for any short curve, analyze() returns a result that serialises as strict JSON, or
raises LightCurveFormatError / ConfigError: never another exception (a traceback, a 500).

The curves are odd on purpose: a few points, one anomaly window, gaps, jitter, flux that is
constant, zero, quantised, rounding-error noise, spiky or mostly NaN. Seeded (derandomize) so
a failure reproduces; bounded to ~10 seconds.
"""
import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import AnalysisConfig, analyze, from_arrays
from core.errors import ConfigError, LightCurveFormatError

FUZZ = settings(
    max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
CADENCES_MIN = (0.33, 2.0, 10.0, 29.4)
FLUX_KINDS = ("noise", "constant", "zeros", "quantised", "rounding", "spikes", "mostly_nan", "rotation")


def _curve(n: int, cadence_min: float, layout: str, kind: str, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    cadence = cadence_min / 1440.0
    t = 1000.0 + np.arange(n) * cadence
    if layout == "gap":
        t[n // 2:] += rng.uniform(0.5, 10.0)
    elif layout == "jitter":
        t += rng.normal(0.0, 0.3 * cadence, n)
    elif layout == "sparse":
        t = np.sort(rng.uniform(1000.0, 1000.0 + 20 * n * cadence, n))
    flux = 1.0 + noise * rng.normal(size=n)
    if kind == "constant":
        flux = np.ones(n)
    elif kind == "zeros":
        flux = np.zeros(n)
    elif kind == "quantised":
        flux = np.round(flux, 3)
    elif kind == "rounding":
        flux = 1.0 + 1e-16 * rng.normal(size=n)
    elif kind == "spikes":
        flux[rng.integers(0, n, max(1, n // 10))] += 0.05
    elif kind == "mostly_nan":
        flux[rng.random(n) < 0.9] = np.nan
    elif kind == "rotation":
        flux *= 1.0 + 0.02 * np.sin(2 * np.pi * t / 0.7)
    return from_arrays(t, flux)


@FUZZ
@given(
    n=st.one_of(st.sampled_from([20, 50, 61, 62]), st.integers(20, 400)),
    cadence_min=st.sampled_from(CADENCES_MIN),
    layout=st.sampled_from(["regular", "gap", "jitter", "sparse"]),
    kind=st.sampled_from(FLUX_KINDS),
    noise=st.sampled_from([0.0, 1e-6, 1e-3, 0.2]),
    seed=st.integers(0, 2**16),
)
def test_odd_short_curves_give_a_result_or_a_readable_error(n, cadence_min, layout, kind, noise, seed):
    lc = _curve(n, cadence_min, layout, kind, noise, seed)
    try:
        result = analyze(lc, AnalysisConfig())
    except (LightCurveFormatError, ConfigError) as exc:
        assert str(exc)
    else:
        json.dumps(result.to_dict(include_series=True), allow_nan=False)
