"""Steps on a fast rotator: seen in the flux over itself one rotation earlier, where the plain search sees none."""
from __future__ import annotations

import numpy as np
import pytest

from core.detect.unusual import find_unusual
from core.synthetic import generate_lightcurve

T0 = 1000.0
PERIOD = 1.16  # days, as KIC 10002792's
STEP_AT = T0 + 30.0


def _rotator(seed: int, jump: float, flares: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A 30-min curve of a star with stable 3% spots on a 1.16-day rotation, its flux multiplied by 1 + `jump`
    from STEP_AT across one missing cadence (a Kepler attitude tweak); `flares` adds four flares of 1-5%."""
    lc, _ = generate_lightcurve(seed=seed, n_points=3000, cadence_min=29.4, noise_ppm=300.0, gaps=False,
                                t_start=T0, n_flares=4 if flares else 0, flare_amp_range=(0.01, 0.05))
    time = lc.time
    flux = lc.flux * (1 + 0.03 * np.sin(2 * np.pi * time / PERIOD) + 0.01 * np.sin(4 * np.pi * time / PERIOD + 1.0))
    flux[time >= STEP_AT] *= 1.0 + jump
    keep = ~((time > STEP_AT - 0.03) & (time < STEP_AT + 0.01))
    return time[keep], flux[keep]


def _steps(time, flux, fast_rotation):
    none = np.zeros(time.size, dtype=bool)
    found = find_unusual(time, flux, flares=none, outliers=none, transits=none, rotation_days=PERIOD,
                         bridge_days=0.1, fast_rotation=fast_rotation)
    return [u for u in found if u.kind == "step"]


@pytest.mark.parametrize("jump", [0.03, -0.02, 0.01])
@pytest.mark.parametrize("seed", [1, 2])
def test_a_step_on_a_fast_rotator_is_found_one_rotation_apart(seed, jump):
    time, flux = _rotator(seed, jump)
    assert not _steps(time, flux, None)  # the lines fitted on each side cannot follow the rotation
    steps = _steps(time, flux, PERIOD)
    assert len(steps) == 1
    step = steps[0]
    assert step.t_start < STEP_AT < step.t_end + 0.03  # between the cadences around the missing one
    assert step.amplitude == pytest.approx(jump, rel=0.15)
    assert step.extra["rotation_period"] == PERIOD


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_fast_rotator_without_a_step_has_none_even_with_flares(seed):
    time, flux = _rotator(seed, 0.0, flares=True)
    assert not _steps(time, flux, PERIOD)
