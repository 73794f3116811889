"""Fuzz POST /api/analyze: random bytes and mutated small CSV and FITS files.

Whatever arrives, the answer is a result (200) or a JSON `{"error": ...}` with a 4xx
status: never a 500, never a traceback. Bounded (100 examples per test, the same ones
every run, well under 30 s on a 2-core machine); hypothesis shrinks any failure to a small input to keep below.
"""
from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.io.writers import write_csv, write_fits
from core.synthetic import generate_lightcurve
from dashapp.app import create_app
from dashapp.settings import Settings

FUZZ = settings(max_examples=100, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CARD = 80
FITS_KEYWORDS = [b"NAXIS", b"NAXIS1", b"NAXIS2", b"BITPIX", b"TFIELDS", b"PCOUNT", b"GCOUNT", b"TFORM1", b"TFORM2",
                 b"TTYPE1", b"TTYPE2", b"XTENSION", b"EXTNAME", b"BJDREFI", b"TELESCOP", b"TIMEDEL"]
CSV_TOKENS = ["nan", "inf", "-inf", "1e308", "-1e308", "0", "", "abc", "1,2", ";", "\t", "#", "\x00", "1e-320",
              "99999999999999999999", "time", "flux", "\ufeff", "\r", '"']


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A small valid CSV and FITS (60 points at 30-min cadence): every mutation is analysed quickly."""
    folder = tmp_path_factory.mktemp("fuzz-inputs")
    lc, _ = generate_lightcurve(n_points=60, cadence_min=30.0, seed=5, n_outliers=1, mission="TESS", target="TIC 7")
    return {"csv": write_csv(lc, folder / "a.csv").read_bytes(), "fits": write_fits(lc, folder / "a.fits").read_bytes()}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    data_dir = tmp_path_factory.mktemp("fuzz-data")
    return create_app(Settings.from_env({"DATA_DIR": str(data_dir), "API_RATE_LIMIT": "1000000/minute"})).server.test_client()


def assert_clean_answer(client: FlaskClient, data: bytes) -> None:
    response = client.post("/api/analyze", data={"file": (io.BytesIO(data), "upload.bin")},
                           content_type="multipart/form-data")
    body = response.get_data()
    event(f"status {response.status_code}")  # shown by pytest --hypothesis-show-statistics
    assert b"Traceback" not in body, body[:300]
    assert response.status_code == 200 or 400 <= response.status_code < 500, (response.status_code, body[:300])
    assert response.is_json
    if response.status_code != 200:
        assert isinstance(response.json.get("error"), str) and response.json["error"], body[:300]


@st.composite
def byte_edits(draw: st.DrawFn, data: bytes, focus: int | None = None) -> bytes:
    """Overwrite, insert, delete or truncate at a few places (within the first `focus` bytes if given)."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            break
        at = draw(st.integers(0, max(len(out) - 1, 0) if focus is None else min(focus, len(out)) - 1))
        kind = draw(st.sampled_from(["overwrite", "insert", "delete", "truncate"]))
        chunk = draw(st.binary(min_size=1, max_size=8))
        if kind == "overwrite":
            out[at:at + len(chunk)] = chunk
        elif kind == "insert":
            out[at:at] = chunk
        elif kind == "delete":
            del out[at:at + draw(st.integers(1, 200))]
        else:
            del out[at:]
    return bytes(out)


@st.composite
def csv_edits(draw: st.DrawFn, data: bytes) -> bytes:
    """Replace numbers or whole lines with awkward tokens, duplicate or drop lines."""
    lines = data.decode().split("\n")
    for _ in range(draw(st.integers(1, 5))):
        row = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["token", "line", "duplicate", "drop"]))
        if kind == "token":
            cells = lines[row].split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(CSV_TOKENS) | st.text(max_size=6))
            lines[row] = ",".join(cells)
        elif kind == "line":
            lines[row] = draw(st.text(max_size=30))
        elif kind == "duplicate":
            lines.insert(row, lines[row])
        elif len(lines) > 1:
            del lines[row]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def fits_card_edits(draw: st.DrawFn, data: bytes) -> bytes:
    """Give size and structure keywords absurd values: zero, negative, huge, text."""
    out = bytearray(data)
    cards = [at for at in range(0, len(out) - CARD, CARD)
             if out[at:at + 8].rstrip() in FITS_KEYWORDS and out[at + 8:at + 10] == b"= "]
    for at in draw(st.lists(st.sampled_from(cards), min_size=1, max_size=3)):
        value = draw(st.sampled_from(["0", "-1", "1", "2", "8", "-64", "999999999", "2147483647", "1E300", "'8E'",
                                      "'X'", "'TIME'", "'BINTABLE'", "T", "''"])
                     | st.integers(-10, 10**12).map(str))
        out[at + 10:at + 30] = value.rjust(20).encode()[:20]
    return bytes(out)


def test_regression_one_absurd_time_value(client: FlaskClient, files: dict[str, bytes]) -> None:
    """Found by test_mutated_csv: a time of 3e9 days made the analysis allocate 1 TiB (500); now a 422."""
    lines = files["csv"].split(b"\n")
    lines[1] = b"3000000000," + lines[1].split(b",", 1)[1]
    response = client.post("/api/analyze", data={"file": (io.BytesIO(b"\n".join(lines)), "upload.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "not in days" in response.json["error"]


def test_regression_number_as_fits_column_name(client: FlaskClient, files: dict[str, bytes]) -> None:
    """Found by test_mutated_fits: TTYPE1 = 0 made astropy raise AssertionError (500); now a 422."""
    data = bytearray(files["fits"])
    at = data.index(b"TTYPE1  = ")
    data[at + 10:at + 30] = b"0".rjust(20)
    response = client.post("/api/analyze", data={"file": (io.BytesIO(bytes(data)), "upload.fits")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "corrupt" in response.json["error"]


@FUZZ
@given(data=st.binary(max_size=4096) | st.sampled_from([b"SIMPLE  =", b"\x1f\x8b", b"time,flux\n"]).flatmap(
    lambda head: st.binary(max_size=512).map(lambda tail: head + tail)))
def test_random_bytes(client: FlaskClient, data: bytes) -> None:
    assert_clean_answer(client, data)


@FUZZ
@given(choice=st.data())
def test_mutated_csv(client: FlaskClient, files: dict[str, bytes], choice: st.DataObject) -> None:
    csv = files["csv"]
    assert_clean_answer(client, choice.draw(csv_edits(csv) | byte_edits(csv)))


@FUZZ
@given(choice=st.data())
def test_mutated_fits(client: FlaskClient, files: dict[str, bytes], choice: st.DataObject) -> None:
    fits = files["fits"]
    header_bytes = re.search(rb"END {77}", fits[2880:]).end() + 2880  # primary + table header cards
    assert_clean_answer(client, choice.draw(fits_card_edits(fits) | byte_edits(fits, focus=header_bytes)
                                            | byte_edits(fits)))
