"""The one way the search's kernels are compiled.

nogil: the searches run period chunks on a thread pool. cache: compiled once per
install (seconds), not once per process, unless no folder for numba's cache is
writable (a read-only deployment), where each process compiles its own.
error_model="numpy": a division by zero gives inf instead of raising. The kernels
guard their divisions themselves, and without the check in every division the
compiler can vectorise the loops (the same arithmetic, element by element).
"""
from __future__ import annotations

from typing import Callable, TypeVar

from numba import njit

Function = TypeVar("Function", bound=Callable)


def compiled(function: Function) -> Function:
    """`function` compiled by numba, cached on disk when numba can write its cache."""
    try:
        return njit(nogil=True, cache=True, error_model="numpy")(function)
    except RuntimeError:  # numba: "cannot cache function ...: no locator available"
        return njit(nogil=True, error_model="numpy")(function)
