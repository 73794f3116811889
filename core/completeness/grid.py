"""The grid a completeness run injects on, its limits, and a default grid fitted to the curve's own noise.

Rows of every map follow the strength axis (transit depth or planet radius, flare
amplitude); columns the time-scale axis (orbital period, flare FWHM). Values are
the injected values themselves (no jitter inside a cell), so a cell's fraction
answers one question: "a planet this deep at this period, anywhere in phase".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from core.completeness.orbit import EARTH_RADII_PER_SOLAR_RADIUS, central_duration, scaled_semi_major_axis
from core.errors import ConfigError
from core.evaluation.effective_snr import duration_scatter

KINDS = ("transit", "flare")
AXES = {"period": "orbital periods, days", "depth": "mid-transit depths, relative flux",
        "radius": "planet radii, Earth radii (when the file gives the star's radius)",
        "fwhm": "flare FWHMs, days", "amplitude": "flare amplitudes, relative flux"}
MAX_GRID_CELLS = 400
MAX_AXIS_VALUES = 40
MAX_INJECTIONS = 5000
MIN_POINTS = 100  # fewer points than this is no curve to search
MAX_DEPTH = 0.5
MAX_RP_RS = 0.5
MAX_FLARE_AMPLITUDE = 10.0
MIN_PERIOD_DAYS = 0.2
MIN_A_RS = 1.5  # shorter orbits put the planet against the star's surface
DEFAULT_AXIS_VALUES = 5
DEFAULT_SNR = 7.0
DEFAULT_SNR_RANGE = (0.5, 4.0)  # default depths: these multiples of the depth at effective SNR 7, mid-grid
DEFAULT_FLARE_SIGMA_RANGE = (1.0, 20.0)  # default flare amplitudes: these multiples of the point-to-point noise


@dataclass(frozen=True)
class Grid:
    """Two axes: `x` (period or FWHM, days) across, `y` (depth, radius in Earth radii, or amplitude) down."""

    x_name: str
    x: tuple[float, ...]
    y_name: str
    y: tuple[float, ...]

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) = (len(y), len(x))."""
        return len(self.y), len(self.x)

    @property
    def n_cells(self) -> int:
        return len(self.x) * len(self.y)

    def cell_values(self, cell: int) -> tuple[float, float]:
        """(x, y) of cell number `cell`, counted row by row."""
        row, column = divmod(cell, len(self.x))
        return self.x[column], self.y[row]

    def to_dict(self) -> dict[str, list[float]]:
        return {self.x_name: list(self.x), self.y_name: list(self.y)}


def parse_axis(name: str, text: str) -> list[float]:
    """Comma-separated numbers (a command-line option, a form field) as a list; ConfigError names `name`."""
    try:
        return [float(value) for value in text.split(",") if value.strip()]
    except ValueError:
        raise ConfigError(f"{name} must be comma-separated numbers, got {text!r}") from None


def axis_names(kind: str, star_radius: float | None) -> tuple[str, str]:
    """(x, y) axis names: period and depth, or radius when the star's radius is known; FWHM and amplitude for flares."""
    if kind == "flare":
        return "fwhm", "amplitude"
    return "period", ("radius" if star_radius else "depth")


def build_grid(
    kind: str, grid: Mapping[str, Sequence[float]] | None, time: np.ndarray, flux: np.ndarray, sigma: float,
    star_radius: float | None,
) -> Grid:
    """The user's grid, or the default one for this curve, checked against the curve."""
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {list(KINDS)}, got {kind!r}")
    x_name, y_name = axis_names(kind, star_radius)
    if grid is None:
        grid = default_grid(kind, time, flux, sigma, star_radius).to_dict()
    unknown = sorted(set(grid) - {x_name, y_name})
    missing = sorted({x_name, y_name} - set(grid))
    if unknown or missing:
        raise ConfigError(f"a {kind} grid needs exactly the axes {x_name!r} and {y_name!r}"
                          f"{' (the star radius is known, so radius replaces depth)' if y_name == 'radius' else ''}; "
                          f"got {sorted(grid)}")
    x = _axis(x_name, grid[x_name])
    y = _axis(y_name, grid[y_name])
    if len(x) * len(y) > MAX_GRID_CELLS:
        raise ConfigError(f"the grid has {len(x)} x {len(y)} = {len(x) * len(y)} cells; the limit is {MAX_GRID_CELLS}")
    _check_ranges(kind, x_name, x, y_name, y, time, star_radius)
    return Grid(x_name, x, y_name, y)


def _axis(name: str, values: Sequence[float]) -> tuple[float, ...]:
    """Sorted, distinct, finite, positive values of one axis."""
    try:
        array = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ConfigError(f"grid axis {name!r} must be a list of numbers, got {values!r}") from None
    if array.size == 0:
        raise ConfigError(f"grid axis {name!r} is empty")
    if array.size > MAX_AXIS_VALUES:
        raise ConfigError(f"grid axis {name!r} has {array.size} values; the limit is {MAX_AXIS_VALUES}")
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ConfigError(f"grid axis {name!r} must hold finite numbers > 0")
    if np.unique(array).size != array.size:
        raise ConfigError(f"grid axis {name!r} repeats a value")
    return tuple(float(v) for v in np.sort(array))


def _check_ranges(
    kind: str, x_name: str, x: tuple[float, ...], y_name: str, y: tuple[float, ...], time: np.ndarray,
    star_radius: float | None,
) -> None:
    span = float(time[-1] - time[0])
    if kind == "transit":
        if x[0] < MIN_PERIOD_DAYS:
            raise ConfigError(f"periods must be >= {MIN_PERIOD_DAYS} d, got {x[0]:g}")
        if x[-1] > span / 2:
            raise ConfigError(f"the curve spans {span:.2f} d, too short for a period of {x[-1]:g} d: "
                              f"two transits need periods <= {span / 2:.2f} d")
        if scaled_semi_major_axis(x[0], star_radius or 1.0) < MIN_A_RS:
            raise ConfigError(f"a {x[0]:g} d orbit would graze the surface of this star: choose longer periods")
        if y_name == "depth" and y[-1] > MAX_DEPTH:
            raise ConfigError(f"depths are relative flux and must be <= {MAX_DEPTH}, got {y[-1]:g}")
        if y_name == "radius" and y[-1] / (EARTH_RADII_PER_SOLAR_RADIUS * star_radius) > MAX_RP_RS:
            raise ConfigError(f"a {y[-1]:g} Earth-radius planet is more than {MAX_RP_RS} of this "
                              f"{star_radius:g} solar-radius star's radius")
        return
    if y[-1] > MAX_FLARE_AMPLITUDE:
        raise ConfigError(f"flare amplitudes are relative flux and must be <= {MAX_FLARE_AMPLITUDE}, got {y[-1]:g}")
    if x[-1] > span / 10:
        raise ConfigError(f"the curve spans {span:.2f} d, too short for flares with a FWHM of {x[-1]:g} d "
                          f"(at most a tenth of the span, {span / 10:.3g} d)")


def default_grid(kind: str, time: np.ndarray, flux: np.ndarray, sigma: float, star_radius: float | None) -> Grid:
    """A 5 x 5 grid that brackets where this curve's noise puts the detection limit.

    For planets, the depths straddle the effective SNR of 7 (the evaluation's
    measure: noise averaged over a transit duration, correlated noise included) at
    the middle period; for flares the amplitudes run from 1 to 20 times the
    point-to-point noise `sigma` (relative flux; `flux` is relative too).
    """
    span = float(time[-1] - time[0])
    cadence = float(np.median(np.diff(time)))
    n = DEFAULT_AXIS_VALUES
    if kind == "flare":
        fwhm = np.geomspace(max(2 * cadence, 4 / 1440), max(15 * cadence, 1 / 24), n)
        fwhm = fwhm[fwhm <= span / 10] if np.any(fwhm <= span / 10) else np.array([span / 10])
        amplitude = np.geomspace(*DEFAULT_FLARE_SIGMA_RANGE, n) * sigma
        return Grid("fwhm", _rounded(fwhm), "amplitude", _rounded(np.minimum(amplitude, MAX_FLARE_AMPLITUDE)))
    longest = max(min(span / 3, 30.0), MIN_PERIOD_DAYS)
    periods = np.geomspace(0.5, longest, n) if longest > 0.5 else np.array([longest])
    middle = float(np.median(periods))
    duration = central_duration(middle, star_radius or 1.0)
    scatter = duration_scatter(time, flux, duration)
    if not np.isfinite(scatter):
        scatter = sigma / np.sqrt(max(1.0, duration / cadence))
    depth7 = DEFAULT_SNR * scatter / np.sqrt(max(1.0, span / middle))
    depths = np.minimum(np.geomspace(*DEFAULT_SNR_RANGE, n) * depth7, MAX_DEPTH)
    if star_radius:
        radii = np.sqrt(depths) * EARTH_RADII_PER_SOLAR_RADIUS * star_radius
        return Grid("period", _rounded(periods), "radius", _rounded(radii))
    return Grid("period", _rounded(periods), "depth", _rounded(depths))


def _rounded(values: np.ndarray) -> tuple[float, ...]:
    """Three significant digits: grid values a person can read back; duplicates removed."""
    return tuple(sorted({float(f"{v:.3g}") for v in values}))
