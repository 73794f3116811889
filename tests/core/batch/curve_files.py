"""Small light-curve files with known contents for batch tests: CSV and FITS, planets on every other star."""
from __future__ import annotations

from pathlib import Path

from core.io.writers import write_csv, write_fits
from core.synthetic import generate_lightcurve
from core.synthetic.specs import PlanetSpec

CORRUPT_CSV = "this is not,a light curve\nat all,really\n"


def write_curves(folder: Path, n: int, n_points: int = 2000, first_seed: int = 0) -> list[Path]:
    """`n` seeded curves named curve_000.csv, ...; every fourth one a FITS file; planets on even seeds."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(first_seed, first_seed + n):
        planets = [PlanetSpec(period=0.9 + 0.05 * seed, t0=0.3, rp_rs=0.1, a_rs=7.0, b=0.2)] if seed % 2 == 0 else []
        lc, _ = generate_lightcurve(n_points=n_points, seed=seed, planets=planets, n_flares=seed % 3, n_outliers=2,
                                    target=f"TIC {1000 + seed}")
        if seed % 4 == 3:
            paths.append(write_fits(lc, folder / f"curve_{seed:03d}.fits", flux_scale=1000.0))
        else:
            paths.append(write_csv(lc, folder / f"curve_{seed:03d}.csv"))
    return paths


def write_corrupt(folder: Path, name: str = "corrupt.csv") -> Path:
    path = folder / name
    path.write_text(CORRUPT_CSV)
    return path
