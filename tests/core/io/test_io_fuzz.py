"""Property: for any bytes at all, the loader returns a LightCurve or raises LightCurveFormatError.

Random bytes and random edits of a small valid CSV and FITS file. Seeded
(derandomize) so a failure reproduces; bounded to a few seconds.
"""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import LightCurveFormatError
from core.io import load_lightcurve
from core.lightcurve import LightCurve
from io_builders import make_csv, make_fits

VALID_CSV = make_csv(30)
VALID_FITS = make_fits(30)
FUZZ = settings(
    max_examples=200, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _loads_or_refuses(data: bytes) -> None:
    try:
        result = load_lightcurve(data, min_points=1, max_bytes=1_000_000)
    except LightCurveFormatError as exc:
        assert str(exc)
    else:
        assert isinstance(result, LightCurve)
        assert np.all(np.isfinite(result.time)) and np.all(np.isfinite(result.flux))


def _mutations(valid: bytes, focus: int):
    """Byte overwrites (mostly within the first `focus` bytes), insertions, deletions and a cut."""
    positions = st.integers(0, len(valid) - 1)
    focused = st.integers(0, focus - 1)
    edit = st.one_of(
        st.tuples(st.just("set"), st.one_of(focused, positions), st.binary(min_size=1, max_size=8)),
        st.tuples(st.just("insert"), positions, st.binary(min_size=1, max_size=8)),
        st.tuples(st.just("delete"), positions, st.integers(1, 100)),
    )
    return st.tuples(st.lists(edit, min_size=1, max_size=6), st.integers(1, len(valid)))


def _apply(valid: bytes, edits, cut: int) -> bytes:
    data = bytearray(valid)
    for kind, at, what in edits:
        at = min(at, len(data))
        if kind == "set":
            data[at : at + len(what)] = what
        elif kind == "insert":
            data[at:at] = what
        else:
            del data[at : at + what]
    return bytes(data[:cut]) if cut < len(data) and cut % 3 == 0 else bytes(data)


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_never_escape_as_other_exceptions(data):
    _loads_or_refuses(data)


@FUZZ
@given(_mutations(VALID_CSV, focus=200))
def test_mutated_csv_never_escapes_as_other_exceptions(mutation):
    _loads_or_refuses(_apply(VALID_CSV, *mutation))


@FUZZ
@given(_mutations(VALID_FITS, focus=5760))
def test_mutated_fits_never_escapes_as_other_exceptions(mutation):
    _loads_or_refuses(_apply(VALID_FITS, *mutation))
