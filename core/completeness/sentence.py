"""One sentence a person can quote: the part of the grid where most injections were found.

Detection gets easier with depth (or radius) and shorter periods for planets,
with amplitude and longer FWHM for flares, so the sentence names a corner of the
grid: "at least 90% of planets at least 800 ppm deep with P up to 7 d". Of all
such corners whose pooled recovery reaches the level, the one holding the most
injections is named; 90% first, then 50%.
"""
from __future__ import annotations

import numpy as np

from core.completeness.grid import Grid

LEVELS = (0.9, 0.5)


def limit_sentence(kind: str, grid: Grid, injected: np.ndarray, recovered: np.ndarray) -> str:
    """The sentence for the largest well-recovered corner of the grid, or how little was found."""
    for level in LEVELS:
        corner = _best_corner(kind, injected, recovered, level)
        if corner is not None:
            row, column, hits, total = corner
            return (f"At least {level:.0%} of {_population(kind, grid, row, column)} would have been found "
                    f"({hits} of {total} injected into this curve were).")
    row = len(grid.y) - 1
    hits, total = int(recovered[row].sum()), int(injected[row].sum())
    what = "planets" if kind == "transit" else "flares"
    return (f"Fewer than half of the injected {what} were found anywhere on the grid: even the strongest "
            f"({_strength(grid, grid.y[row])}) were found {hits} times in {total}.")


def _best_corner(
    kind: str, injected: np.ndarray, recovered: np.ndarray, level: float,
) -> tuple[int, int, int, int] | None:
    """(lowest row, last or first column, hits, injections) of the largest corner recovered at `level`."""
    rows, columns = injected.shape
    best = None
    for row in range(rows):
        for column in range(columns):
            part = (slice(row, rows), slice(0, column + 1) if kind == "transit" else slice(column, columns))
            total, hits = int(injected[part].sum()), int(recovered[part].sum())
            if total and hits >= level * total and (best is None or total > best[3]):
                best = (row, column, hits, total)
    return best


def _population(kind: str, grid: Grid, row: int, column: int) -> str:
    if kind == "transit":
        return f"planets {_strength(grid, grid.y[row])} with P up to {_readable(grid.x[column])} d"
    return f"flares {_strength(grid, grid.y[row])} with a FWHM of at least {_readable(grid.x[column] * 1440)} min"


def _strength(grid: Grid, value: float) -> str:
    if grid.y_name == "depth":
        return f"at least {_readable(value * 1e6)} ppm deep"
    if grid.y_name == "radius":
        return f"of at least {_readable(value)} Earth radii"
    return f"at least {_readable(value * 100)}% above the star"


def _readable(value: float) -> str:
    """Three significant digits without an exponent: 3000, 70.2, 0.45."""
    return f"{float(f'{value:.3g}'):g}"
