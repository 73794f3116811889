"""Format detection by content, text decoding and capped gzip."""
import gzip

import numpy as np
import pytest

from core.errors import LightCurveFormatError
from core.io.sniff import decode_text, describe_binary, detect_format, gunzip_capped


def test_fits_magic_is_fits():
    assert detect_format(b"SIMPLE  =                    T / conforms" + b" " * 40) == "fits"


@pytest.mark.parametrize(
    "encoded",
    [
        b"time,flux\n1,2\n",
        b"\xef\xbb\xbftime,flux\n1,2\n",
        "time,flux\n1,2\n".encode("utf-16"),
        "time,flux\n1,2\n".encode("utf-16-le"),
        "# T = 3000\xb0C\ntime,flux\n".encode("latin-1"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le-no-bom", "latin1"],
)
def test_text_in_common_encodings_is_text(encoded):
    assert detect_format(encoded) == "text"
    assert decode_text(encoded).lstrip("#").lstrip().startswith(("time", "T = "))


def test_utf8_bom_is_stripped():
    assert decode_text(b"\xef\xbb\xbftime,flux\n") == "time,flux\n"


def test_head_cut_inside_a_utf8_character_is_still_text():
    head = "time,flux # \u00e9".encode("utf-8")[:-1]
    assert detect_format(head) == "text"


@pytest.mark.parametrize(
    "head, words",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"PK\x03\x04\x14\x00", "ZIP archive"),
        (b"%PDF-1.7\n", "PDF document"),
        (b"\xff\xd8\xff\xe0", "JPEG image"),
        (b"\x80\x04\x95", "pickle"),
    ],
)
def test_known_binary_formats_are_named(head, words):
    assert words in describe_binary(head)
    with pytest.raises(LightCurveFormatError, match=words):
        detect_format(head)


def test_unknown_binary_is_refused():
    junk = np.random.default_rng(3).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    with pytest.raises(LightCurveFormatError, match="binary data"):
        detect_format(junk)


def test_gzip_head_must_be_unwrapped_first():
    with pytest.raises(LightCurveFormatError, match="gzip"):
        detect_format(gzip.compress(b"time,flux\n"))


def test_gunzip_round_trips_and_joins_members():
    data = gzip.compress(b"time,flux\n") + gzip.compress(b"1,2\n")
    assert gunzip_capped(data, 1000) == b"time,flux\n1,2\n"


def test_gunzip_stops_at_the_cap():
    with pytest.raises(LightCurveFormatError, match="expands to more than 1,000 bytes"):
        gunzip_capped(gzip.compress(bytes(5000)), 1000)


def test_truncated_gzip_is_reported():
    with pytest.raises(LightCurveFormatError, match="truncated"):
        gunzip_capped(gzip.compress(b"time,flux\n" * 100)[:30], 10_000)
