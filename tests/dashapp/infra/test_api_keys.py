"""API keys: random, shown once, kept only as a hash, revocable; a bad header is a clear refusal, not a crash."""
from __future__ import annotations

import math
import os
import re
from collections import Counter

import pytest

from dashapp.api.auth import NotAuthenticated, caller_from_header
from dashapp.infra.api_keys import KEY_PATTERN, KeyStore
from dashapp.infra.ownership import ANONYMOUS, OPERATOR, Caller

ADMIN = "operator-token-" + "x" * 40


@pytest.fixture
def keys(tmp_path) -> KeyStore:
    return KeyStore(tmp_path / "keys")


def test_a_key_is_random_and_long_enough(keys):
    issued = [keys.issue() for _ in range(50)]
    assert len({i.key for i in issued}) == len({i.key_id for i in issued}) == 50
    secrets_ = [KEY_PATTERN.fullmatch(i.key).group(2) for i in issued]
    assert all(len(s) * 6 >= 128 for s in secrets_)  # base64url: 6 bits a character
    characters = Counter("".join(secrets_))
    entropy = -sum(n / sum(characters.values()) * math.log2(n / sum(characters.values())) for n in characters.values())
    assert entropy > 5.5  # close to the 6 bits of a uniform base64url alphabet


def test_the_store_keeps_no_key_in_clear(keys):
    issued = [keys.issue() for _ in range(5)]
    stored = b"".join(p.read_bytes() for p in keys.root.iterdir())
    for key in issued:
        secret = KEY_PATTERN.fullmatch(key.key).group(2)
        assert key.key.encode() not in stored and secret.encode() not in stored
        assert key.key_id.encode() in stored  # the id is public: it names the key for revocation


def test_a_key_verifies_until_it_is_revoked(keys):
    issued = keys.issue()
    assert keys.verify(issued.key) == issued.key_id
    assert keys.revoke(issued.key_id) is True
    assert keys.verify(issued.key) is None
    assert keys.revoke(issued.key_id) is False
    assert keys.revoke("../../etc/passwd") is False


def test_a_key_with_a_changed_secret_or_a_made_up_id_does_not_verify(keys):
    issued = keys.issue()
    body = issued.key[:-1] + ("A" if issued.key[-1] != "A" else "B")
    assert keys.verify(body) is None
    assert keys.verify(issued.key.replace(issued.key_id, "f" * 16)) is None
    for junk in ("", "lcd_", issued.key + "x", issued.key.upper(), "lcd_../../etc/passwd_" + "a" * 43):
        assert keys.verify(junk) is None


def test_keys_unused_for_the_retention_period_are_pruned(keys):
    idle, used = keys.issue(), keys.issue()
    for key in (idle, used):
        os.utime(keys.root / f"{key.key_id}.json", (1_000_000_000, 1_000_000_000))
    assert keys.verify(used.key) == used.key_id  # a use moves its last use forward
    assert keys.prune(max_age_days=7) == 1
    assert keys.verify(idle.key) is None and keys.verify(used.key) == used.key_id


def test_the_header_names_a_caller_or_is_refused(keys):
    issued = keys.issue()
    assert caller_from_header(None, keys, None) == ANONYMOUS
    assert caller_from_header(f"Bearer {issued.key}", keys, None) == Caller.of_key(issued.key_id)
    assert caller_from_header(f"bearer   {issued.key} ", keys, ADMIN) == Caller.of_key(issued.key_id)
    assert caller_from_header(f"Bearer {ADMIN}", keys, ADMIN) == OPERATOR


@pytest.mark.parametrize("header, words", [
    ("", "not a Bearer key"),
    ("Bearer", "not a Bearer key"),
    ("Basic dXNlcjpwYXNz", "not a Bearer key"),
    ("Bearer lcd_0123456789abcdef_" + "a" * 43, "unknown or was revoked"),
    ("Bearer \u00e9\u00e8", "unknown or was revoked"),
    ("Bearer " + ADMIN, "unknown or was revoked"),  # without ADMIN_TOKEN set, no token is the operator's
])
def test_bad_headers_are_refused_in_words(keys, header, words):
    with pytest.raises(NotAuthenticated, match=re.escape(words)):
        caller_from_header(header, keys, None)
