"""The local periodogram built from blocks of bins gives the power of the plain per-window sums."""
import numpy as np
import pytest

from core.detect.unusual.oscillation import STEP_SHARE, WINDOW_DAYS, _frequencies, _power


def reference_power(t, weighted, frequencies, window, starts, n):
    """2 (C^2 + S^2) / n with C, S the sums of y cos and y sin over each window, one window at a time."""
    power = np.empty((frequencies.size, starts.size))
    for j, start in enumerate(starts):
        span = slice(start, start + window)
        phase = 2 * np.pi * frequencies[:, None] * t[None, span]
        c = np.sum(weighted[span] * np.cos(phase), axis=1)
        s = np.sum(weighted[span] * np.sin(phase), axis=1)
        power[:, j] = 2.0 * (c * c + s * s) / max(n[j], 1.0)
    return power


@pytest.mark.parametrize("width", [10.0 / 1440.0, 29.4 / 1440.0])  # 144-bin windows of 4 blocks; 49 of 4 blocks of 12 and 1 bin
def test_block_power_equals_the_per_window_sums(rng, width):
    size = 3 * int(round(WINDOW_DAYS / width)) + 17  # windows do not tile the grid exactly
    window = int(round(WINDOW_DAYS / width))
    starts = np.arange(0, size - window + 1, max(int(round(STEP_SHARE * window)), 1))
    t = 1326.0 + (np.arange(size) + 0.5) * width
    weighted = rng.normal(size=size) * (rng.random(size) > 0.2) + 0.3 * np.sin(2 * np.pi * 6.1 * t)
    n = rng.integers(0, window, starts.size).astype(float)
    frequencies = _frequencies(width, window)
    expected = reference_power(t, weighted, frequencies, window, starts, n)
    assert np.allclose(_power(weighted, frequencies, width, window, starts, n), expected, rtol=1e-9,
                       atol=1e-9 * expected.mean())
