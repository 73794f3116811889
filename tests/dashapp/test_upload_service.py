"""Upload handling: each file parsed on its own, bad files named with the reason, bytes cached."""
from __future__ import annotations

import base64
import io
import zipfile

import pytest

from core.errors import LightCurveFormatError
from dashapp import upload_service
from dashapp.infra.session import new_session_id

GOOD_CSV = "time,flux,flux_err\n" + "\n".join(f"{1000 + i * 0.02:.4f},{1 + (i % 7) * 1e-4:.6f},0.0001"
                                               for i in range(300))
MAX = 10 * 1024 * 1024


def data_url(text: str | bytes, kind: str = "text/csv") -> str:
    raw = text.encode() if isinstance(text, str) else text
    return f"data:{kind};base64," + base64.b64encode(raw).decode()


def test_good_and_bad_files_in_one_drop(store):
    sid = new_session_id()
    outcome = upload_service.store_uploads(store, sid, [data_url(GOOD_CSV), data_url("hello\nworld\n")],
                                           ["good.csv", "notes.txt"], MAX, max_zip_files=10)
    assert [e.name for e in outcome.stored] == ["good.csv"]
    assert outcome.stored[0].summary["n_points"] == 300
    assert len(outcome.errors) == 1 and outcome.errors[0].startswith("notes.txt: ")
    assert store.latest(sid).name == "good.csv"


def test_error_message_is_the_readers_plain_words(store):
    outcome = upload_service.store_uploads(store, new_session_id(), [data_url(b"")], ["empty.csv"], MAX, max_zip_files=10)
    assert outcome.errors == ["empty.csv: the file is empty"]


def test_same_bytes_are_not_parsed_twice(store, monkeypatch):
    sid = new_session_id()
    calls = []
    real = upload_service.load_lightcurve
    monkeypatch.setattr(upload_service, "load_lightcurve", lambda *a, **k: calls.append(1) or real(*a, **k))
    upload_service.store_uploads(store, sid, [data_url(GOOD_CSV)], ["a.csv"], MAX, max_zip_files=10)
    again = upload_service.store_uploads(store, sid, [data_url(GOOD_CSV)], ["a-copy.csv"], MAX, max_zip_files=10)
    assert len(calls) == 1
    assert again.stored[0].curve_hash == store.latest(sid).curve_hash


def test_oversized_and_damaged_uploads_are_refused(store):
    outcome = upload_service.store_uploads(store, new_session_id(), [data_url(GOOD_CSV), "data:text/csv;base64,@@@"],
                                           ["big.csv", "broken.csv"], max_bytes=100, max_zip_files=10)
    assert "limit" in outcome.errors[0] and outcome.errors[0].startswith("big.csv")
    assert "damaged" in outcome.errors[1]


def test_a_reader_crash_is_reported_without_losing_other_files(store, monkeypatch):
    real = upload_service.load_lightcurve

    def flaky(data, filename=None):
        if filename == "crash.csv":
            raise RuntimeError("bug")
        return real(data, filename=filename)

    monkeypatch.setattr(upload_service, "load_lightcurve", flaky)
    outcome = upload_service.store_uploads(store, new_session_id(), [data_url("x,y\n1,2\n"), data_url(GOOD_CSV)],
                                           ["crash.csv", "good.csv"], MAX, max_zip_files=10)
    assert len(outcome.stored) == 1 and "internal error" in outcome.errors[0]


def _zip(members: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def test_a_zip_stores_each_light_curve_under_its_name_and_reports_the_others(store):
    sid = new_session_id()
    other = GOOD_CSV.replace(",0.0001", ",0.0002")
    archive = _zip({"../../up.csv": GOOD_CSV, "sub/two.csv": other, "notes.txt": "hello\nworld\n"})
    outcome = upload_service.store_uploads(store, sid, [data_url(archive, "application/zip")], ["curves.zip"], MAX,
                                           max_zip_files=10)
    assert sorted(e.name for e in outcome.stored) == ["sub/two.csv", "up.csv"]
    assert len(outcome.errors) == 1 and outcome.errors[0].startswith("curves.zip/notes.txt: ")
    assert not list(store.root.rglob("up.csv"))  # names are labels: only hashed files are written


def test_a_zip_bomb_or_too_many_files_is_refused_whole(store):
    bomb = _zip({"zeros.csv": b"0" * (3 * MAX)})
    many = _zip({f"c{i}.csv": GOOD_CSV for i in range(11)})
    outcome = upload_service.store_uploads(store, new_session_id(), [data_url(bomb), data_url(many)],
                                           ["bomb.zip", "many.zip"], MAX, max_zip_files=10)
    assert outcome.stored == []
    assert outcome.errors[0].startswith("bomb.zip: ") and "zip bomb" in outcome.errors[0]
    assert outcome.errors[1].startswith("many.zip: ") and "11 files" in outcome.errors[1]


def test_decode_contents_rejects_non_data_urls():
    with pytest.raises(LightCurveFormatError):
        upload_service.decode_contents("no comma here")
