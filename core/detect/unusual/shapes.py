"""Shapes an unusual event can take, fitted on a local quadratic baseline.

Each candidate is fitted in a window around it with flux = quadratic + a * shape,
for every shape on a grid of its own parameters (the quadratic and the
amplitude are linear, so each fit is one small least-squares solve, all of them
at once). The shapes:

- trapezoid (centre, duration, ingress share): a transit, flat-bottomed with
  sharp edges; at ingress share 0.5 a V;
- split Gaussian and split raised cosine (peak, rise, fall): a smooth dip or
  brightening, symmetric or not (fast in and slow out, or the reverse), with long
  wings or none;
- step (time): a jump to a level that stays;
- even cosine: the raised cosine with equal sides, fitted only to ask whether
  the data need unequal ones (its fit is labelled a cosine).

A shape is kept as a fit only if its amplitude's sign is the candidate's.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INGRESS_SHARES = (0.03, 0.1, 0.25, 0.5)
MAX_POSITIONS = 24
N_DURATIONS = 10
N_WIDTHS = 9
FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))
EDGE_SIGMAS = 2.0  # a split Gaussian's event ends this many widths from its peak (14% of it)
REFINE_STEPS = 5  # per parameter, across one step of the coarse grid on each side of its best


@dataclass(frozen=True)
class ShapeFit:
    """The best fit of one family: its chi-square, amplitude and parameters, and the baseline under it."""

    family: str  # "none" (the baseline alone), "trapezoid", "gaussian", "cosine" or "step"
    chi2: float
    amplitude: float
    amplitude_err: float
    params: tuple[float, ...]  # trapezoid: (centre, duration, ingress); gaussian, cosine: (peak, rise, fall);
    # step: (time,)
    baseline: np.ndarray  # quadratic coefficients in (t - origin)
    origin: float

    @property
    def span(self) -> tuple[float, float]:
        """Where the event is: the trapezoid's contacts, the Gaussian's EDGE_SIGMAS widths, the cosine's ends,
        the step itself."""
        if self.family == "trapezoid":
            centre, duration, _ = self.params
            return centre - duration / 2, centre + duration / 2
        if self.family == "gaussian":
            peak, rise, fall = self.params
            return peak - EDGE_SIGMAS * rise, peak + EDGE_SIGMAS * fall
        if self.family == "cosine":
            peak, rise, fall = self.params
            return peak - rise, peak + fall
        return self.params[0], self.params[0]

    @property
    def fwhm(self) -> float:
        """Full width at half the amplitude (days); 0 for a step."""
        if self.family == "trapezoid":
            return self.params[1] * (1.0 - self.params[2])
        if self.family == "gaussian":
            return 0.5 * FWHM_PER_SIGMA * (self.params[1] + self.params[2])
        if self.family == "cosine":
            return 0.5 * (self.params[1] + self.params[2])
        return 0.0

    @property
    def asymmetry(self) -> float:
        """(fall - rise) / (fall + rise): > 0 when the event ends more slowly than it starts."""
        if self.family in ("gaussian", "cosine"):
            return (self.params[2] - self.params[1]) / (self.params[2] + self.params[1])
        return 0.0

    def shape(self, time: np.ndarray) -> np.ndarray:
        """The unit shape at `time` (peak or jump 1)."""
        return _shapes(self.family, np.array([self.params]), np.asarray(time, dtype=np.float64))[0]


def fit_shapes(time: np.ndarray, flux: np.ndarray, weight: np.ndarray, sign: int, centre: tuple[float, float],
               durations: tuple[float, float], families: tuple[str, ...],
               refine: bool = False) -> dict[str, ShapeFit]:
    """The best fit of each of `families` to (time, flux) with `weight` (1 / variance per value), and of the
    baseline alone under "none".

    Centres are tried across `centre` (start, end), durations (or widths) across
    `durations` (shortest, longest), geometrically; with `refine`, each family's
    best is then sought again on a finer grid around it.
    """
    time = np.asarray(time, dtype=np.float64)
    origin = float(0.5 * (time[0] + time[-1]))
    x = time - origin
    base = np.stack([np.ones_like(x), x, x * x])  # the quadratic
    fits = {"none": _baseline_only(base, flux, weight, origin)}
    for family in families:
        shape = "cosine" if family == "even_cosine" else family
        params = _grid(family, centre, durations)
        fit = _best(shape, _shapes(shape, params, time), params, base, flux, weight, sign, origin)
        if fit is None:
            continue
        if not refine:
            fits[family] = fit
            continue
        params = _finer_grid(family, fit.params, centre, durations)
        finer = _best(shape, _shapes(shape, params, time), params, base, flux, weight, sign, origin)
        fits[family] = finer if finer is not None and finer.chi2 < fit.chi2 else fit
    return fits


def _grid(family: str, centre: tuple[float, float], durations: tuple[float, float]) -> np.ndarray:
    """One row of parameters per shape to try."""
    positions = np.linspace(centre[0], centre[1], MAX_POSITIONS)
    if family == "step":
        return positions[:, None]
    if family == "trapezoid":
        lengths = np.geomspace(durations[0], durations[1], N_DURATIONS)
        p, d, f = np.meshgrid(positions, lengths, INGRESS_SHARES, indexing="ij")
        return np.stack([p.ravel(), d.ravel(), f.ravel()], axis=1)
    widths = np.geomspace(durations[0], durations[1], N_WIDTHS)
    widths = widths / FWHM_PER_SIGMA if family == "gaussian" else widths
    if family == "even_cosine":
        p, a = np.meshgrid(positions, widths, indexing="ij")
        return np.stack([p.ravel(), a.ravel(), a.ravel()], axis=1)
    p, a, b = np.meshgrid(positions, widths, widths, indexing="ij")
    return np.stack([p.ravel(), a.ravel(), b.ravel()], axis=1)


def _finer_grid(family: str, best: tuple[float, ...], centre: tuple[float, float],
                durations: tuple[float, float]) -> np.ndarray:
    """A finer grid around the coarse grid's `best` (a step of it on each side): at high SNR the coarse grid's
    spacing, not the shape, would decide which family fits best (a lopsided dip off the grid's widths loses
    to a trapezoid)."""
    position_step = (centre[1] - centre[0]) / (MAX_POSITIONS - 1)
    positions = best[0] + np.linspace(-position_step, position_step, REFINE_STEPS)
    if family == "step":
        return positions[:, None]
    n = N_DURATIONS if family == "trapezoid" else N_WIDTHS
    ratio = (durations[1] / durations[0]) ** (1.0 / (n - 1)) if durations[1] > durations[0] else 1.0
    def around(value: float) -> np.ndarray:
        return value * np.geomspace(1.0 / ratio, ratio, REFINE_STEPS)
    if family == "trapezoid":
        k = INGRESS_SHARES.index(best[2])
        shares = np.linspace(INGRESS_SHARES[max(k - 1, 0)], INGRESS_SHARES[min(k + 1, len(INGRESS_SHARES) - 1)],
                             REFINE_STEPS)
        p, d, f = np.meshgrid(positions, around(best[1]), shares, indexing="ij")
        return np.stack([p.ravel(), d.ravel(), f.ravel()], axis=1)
    if family == "even_cosine":
        p, a = np.meshgrid(positions, around(best[1]), indexing="ij")
        return np.stack([p.ravel(), a.ravel(), a.ravel()], axis=1)
    p, a, b = np.meshgrid(positions, around(best[1]), around(best[2]), indexing="ij")
    return np.stack([p.ravel(), a.ravel(), b.ravel()], axis=1)


def _shapes(family: str, params: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Each row of `params` as a unit shape at `time`: (rows, len(time))."""
    t = time[None, :]
    if family == "step":
        return (t >= params[:, :1]).astype(np.float64)
    if family == "trapezoid":
        centre, duration, ingress = (params[:, k:k + 1] for k in range(3))
        return np.clip((duration / 2 - np.abs(t - centre)) / (ingress * duration), 0.0, 1.0)
    peak, rise, fall = (params[:, k:k + 1] for k in range(3))
    scaled = (t - peak) / np.where(t < peak, rise, fall)
    if family == "cosine":
        return 0.5 * (1.0 + np.cos(np.pi * np.clip(scaled, -1.0, 1.0)))
    return np.exp(-0.5 * scaled**2)


def _baseline_only(base: np.ndarray, flux: np.ndarray, weight: np.ndarray, origin: float) -> ShapeFit:
    coef = np.linalg.lstsq((base * weight) @ base.T, (base * weight) @ flux, rcond=None)[0]
    return ShapeFit("none", float(np.sum(weight * (flux - coef @ base) ** 2)), 0.0, np.inf, (), coef, origin)


def _best(family: str, shapes: np.ndarray, params: np.ndarray, base: np.ndarray, flux: np.ndarray,
          weight: np.ndarray, sign: int, origin: float) -> ShapeFit | None:
    """The least-squares fit of quadratic + a * shape for every shape (rows of `shapes`); the best of `sign`."""
    weighted_base = base * weight  # (3, M)
    bb = weighted_base @ base.T  # (3, 3)
    by = weighted_base @ flux  # (3,)
    sb = shapes @ weighted_base.T  # (K, 3)
    ss = (shapes * shapes) @ weight  # (K,)
    sy = shapes @ (weight * flux)  # (K,)
    k = shapes.shape[0]
    normal = np.zeros((k, 4, 4))
    normal[:, :3, :3] = bb
    normal[:, :3, 3] = sb
    normal[:, 3, :3] = sb
    normal[:, 3, 3] = ss
    rhs = np.zeros((k, 4))
    rhs[:, :3] = by
    rhs[:, 3] = sy
    usable = ss > 1e-12 * max(float(ss.max()), 1e-300)
    usable &= np.abs(np.linalg.det(normal)) > 0
    if not usable.any():
        return None
    solution = np.full((k, 4), np.nan)
    solution[usable] = np.linalg.solve(normal[usable], rhs[usable][..., None])[..., 0]
    chi2 = float(np.sum(weight * flux * flux)) - np.einsum("ki,ki->k", solution, rhs)
    chi2 = np.where(usable & (np.sign(solution[:, 3]) == sign), chi2, np.inf)
    best = int(np.argmin(chi2))
    if not np.isfinite(chi2[best]):
        return None
    variance = float(np.linalg.inv(normal[best])[3, 3])  # the amplitude's, from the inverted normal matrix
    return ShapeFit(family, float(chi2[best]), float(solution[best, 3]), float(np.sqrt(max(variance, 0.0))),
                    tuple(float(v) for v in params[best]), solution[best, :3], origin)
