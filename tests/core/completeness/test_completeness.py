"""Completeness on a user's own curve: deep signals are found, faint ones missed, seeds reproduce, bad
requests are refused with a sentence that says what to change."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core.completeness import MAX_GRID_CELLS, completeness
from core.errors import ConfigError
from tests.core.completeness.curves import white_noise_curve

# Four days at 2-min cadence, 1000 ppm per point: a 2-d planet 3000 ppm deep has SNR ~ 50, one 100 ppm deep ~ 2.
TRANSIT_GRID = {"period": [1.1, 1.7], "depth": [1e-4, 3e-3]}


def comparable(result) -> dict:
    out = result.to_dict()
    out.pop("timings")
    return out


def test_deep_planets_are_found_and_faint_ones_missed_with_wilson_intervals():
    result = completeness(white_noise_curve(), kind="transit", grid=TRANSIT_GRID, n_injections=8, seed=5, jobs=1)
    out = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert out["grid"] == TRANSIT_GRID
    assert out["injected"] == [[2, 2], [2, 2]]
    assert out["recovery"] == [[0.0, 0.0], [1.0, 1.0]]  # rows follow depth: faint, then deep
    assert all(lo <= rate <= hi for row in zip(out["low"], out["recovery"], out["high"]) for lo, rate, hi in zip(*row))
    assert out["low"][1][0] == pytest.approx(0.342, abs=1e-3)  # Wilson 95% for 2 of 2
    assert out["high"][0][0] == pytest.approx(0.658, abs=1e-3)
    assert out["sentence"] == ("At least 90% of planets at least 3000 ppm deep with P up to 1.7 d would have been "
                               "found (4 of 4 injected into this curve were).")
    assert out["noise"] == pytest.approx(1e-3, rel=0.05)
    assert all(abs(r["depth"] / out["grid"]["depth"][r["cell"] // 2] - 1) < 1e-6 for r in out["injections"])


def test_seeded_runs_give_identical_maps_whatever_the_number_of_workers():
    lc = white_noise_curve(seed=8)
    grid = {"period": [1.3], "depth": [8e-4, 1.6e-3]}  # near the limit, so the draws decide
    one = completeness(lc, kind="transit", grid=grid, n_injections=6, seed=11, jobs=1)
    two = completeness(lc, kind="transit", grid=grid, n_injections=6, seed=11, jobs=2)
    other = completeness(lc, kind="transit", grid=grid, n_injections=6, seed=12, jobs=1)
    assert comparable(one) == comparable(two)
    assert [r["t0"] for r in one.injections] != [r["t0"] for r in other.injections]


def test_bright_flares_are_found_and_faint_ones_missed_away_from_the_curves_own_flare():
    lc = white_noise_curve(seed=4)
    flux = np.array(lc.flux)
    own_peak = 1501.0
    flux += 1000.0 * 0.05 * np.exp(-np.clip(lc.time - own_peak, 0, None) / 0.01) * (lc.time >= own_peak)
    from core.lightcurve import from_arrays
    lc = from_arrays(lc.time, flux, lc.flux_err, meta=dict(lc.meta))
    grid = {"fwhm": [10 / 1440, 30 / 1440], "amplitude": [5e-4, 2e-2]}
    progress: list[float] = []
    result = completeness(lc, kind="flare", grid=grid, n_injections=12, seed=2, jobs=1,
                          progress=lambda fraction, message: progress.append(fraction))
    out = result.to_dict()
    assert out["recovery"][1] == [1.0, 1.0]
    assert max(out["recovery"][0]) <= 1 / 3
    assert progress == sorted(progress) and progress[-1] == 1.0
    assert any(abs(f["t_peak"] - own_peak) < 0.01 for f in out["found"])
    assert all(abs(r["t_peak"] - own_peak) > 0.05 for r in out["injections"])


def test_radius_replaces_depth_when_the_star_radius_is_known():
    lc = white_noise_curve(radius=0.5)
    result = completeness(lc, kind="transit", grid={"period": [1.2], "radius": [0.3, 6.0]}, n_injections=4,
                          seed=1, jobs=1)
    assert result.to_dict()["recovery"] == [[0.0], [1.0]]
    deep = [r for r in result.injections if r["cell"] == 1][0]
    assert deep["rp_rs"] == pytest.approx(6.0 / (109.1 * 0.5))
    assert "Earth radii" in result.sentence
    with pytest.raises(ConfigError, match="radius replaces depth"):
        completeness(lc, kind="transit", grid=TRANSIT_GRID, n_injections=4)


def test_default_grid_brackets_the_curves_limit():
    result = completeness(white_noise_curve(n_points=3000), kind="transit", n_injections=25, seed=0, jobs=2)
    recovery = np.array(result.to_dict()["recovery"], dtype=float)
    assert result.grid.shape == (5, 5)
    assert recovery[-1].mean() > 0.8 and recovery[0].mean() < 0.2


def test_a_curve_too_short_for_the_default_grid_is_refused():
    with pytest.raises(ConfigError, match="the curve spans 0.21 d, too short for a period of 0.2 d"):
        completeness(white_noise_curve(n_points=150), kind="transit")


@pytest.mark.parametrize("kwargs, message", [
    ({"n_injections": 0}, "n_injections must be between 1 and"),
    ({"kind": "planet"}, "kind must be one of"),
    ({"grid": {"period": list(np.linspace(0.5, 1.5, 21)), "depth": list(np.geomspace(1e-4, 1e-2, 20))}},
     f"the limit is {MAX_GRID_CELLS}"),
    ({"grid": {"period": [1.0, 3.0], "depth": [1e-3]}}, "too short for a period of 3 d"),
    ({"grid": {"period": [1.0], "depth": [1e-3, 2e-3]}, "n_injections": 1}, "at least the grid's 2 cells"),
    ({"grid": {"period": [1.0], "depth": [-1e-3]}}, "finite numbers > 0"),
    ({"grid": {"fwhm": [0.01], "amplitude": [1e-3]}}, "needs exactly the axes 'period' and 'depth'"),
    ({"seed": -1}, "seed must be a whole number"),
])
def test_bad_requests_are_refused_with_what_to_change(kwargs, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("+", r"\+")):
        completeness(white_noise_curve(n_points=1500), **{"kind": "transit", **kwargs})
