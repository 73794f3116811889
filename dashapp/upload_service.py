"""Turn files into curves of a session: dcc.Upload contents (with plain-word errors, file by file;
a zip is opened in memory and each of its light curves stored like a file of its own) and gallery
files, through one `store_curve`."""
from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass, field

from core.errors import LightCurveFormatError, UserError
from core.io import load_lightcurve
from dashapp.infra.curve_store import CurveStore, StoredCurve, content_hash
from dashapp.infra.archives import is_zip, read_zip
from dashapp.infra.disk import STORAGE_MESSAGE, is_storage_error
from dashapp.infra.upload_limits import decoded_size, too_big_message

log = logging.getLogger(__name__)

ZIP_EXPANSION_FACTOR = 2  # one zip may unpack to at most this many times the upload limit


@dataclass
class UploadOutcome:
    """Curves stored from one drop of files, and one message per file that failed."""

    stored: list[StoredCurve] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def decode_contents(contents: str) -> bytes:
    """The bytes of a dcc.Upload data URL ("data:<type>;base64,<payload>")."""
    _, sep, payload = contents.partition(",")
    if not sep:
        raise LightCurveFormatError("the browser sent the file in an unexpected form; please upload it again")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise LightCurveFormatError("the upload arrived damaged; please upload it again") from None


def store_uploads(store: CurveStore, sid: str, contents: list[str], filenames: list[str],
                  max_bytes: int, *, max_zip_files: int) -> UploadOutcome:
    """Parse and store each file on its own, so one bad file never loses the others.

    A file already stored in this session (same bytes) is not parsed again, only
    marked as the most recent curve. A zip holds at most `max_zip_files` files.
    """
    outcome = UploadOutcome()
    for raw_contents, filename in zip(contents, filenames):
        name = filename or "unnamed file"
        try:
            data = _decoded(raw_contents, max_bytes)
        except LightCurveFormatError as exc:
            outcome.errors.append(f"{name}: {exc}")
            continue
        if not is_zip(data):
            _store_reporting(store, sid, data, name, name, outcome)
            continue
        try:
            members = read_zip(data, max_files=max_zip_files, max_member_bytes=max_bytes,
                               max_total_bytes=ZIP_EXPANSION_FACTOR * max_bytes)
        except UserError as exc:
            outcome.errors.append(f"{name}: {exc}")
            continue
        for member in members:
            if member.data is None:
                outcome.errors.append(f"{name}/{member.label}: {member.error}")
            else:
                _store_reporting(store, sid, member.data, member.label, f"{name}/{member.label}", outcome)
    return outcome


def _decoded(raw_contents: str, max_bytes: int) -> bytes:
    size = decoded_size(raw_contents)  # refuse before decoding: a big payload is not copied again
    if size > max_bytes:
        raise LightCurveFormatError(too_big_message(size, max_bytes))
    data = decode_contents(raw_contents)
    if not data:
        raise LightCurveFormatError("the file is empty")
    return data


def _store_reporting(store: CurveStore, sid: str, data: bytes, name: str, shown: str, outcome: UploadOutcome) -> None:
    """Store one file's curve (as `name`) in `outcome`, or its reason in plain words (after `shown`)."""
    try:
        outcome.stored.append(store_curve(store, sid, data, name))
    except LightCurveFormatError as exc:
        outcome.errors.append(f"{shown}: {exc}")
    except Exception as exc:  # a reader bug or a full disk must not take the other files down with it
        if is_storage_error(exc):
            log.warning("an upload could not be stored: %s", exc)
            outcome.errors.append(f"{shown}: {STORAGE_MESSAGE}.")
        else:
            log.exception("unexpected error reading an upload")
            outcome.errors.append(f"{shown}: this file could not be read because of an internal error; "
                                  "it has been logged. Try the CSV export of the same data.")


def store_curve(store: CurveStore, sid: str, data: bytes, name: str) -> StoredCurve:
    """Make these bytes the session's most recent curve; bytes it already holds are not parsed again."""
    curve_hash = content_hash(data, name)
    if store.has(sid, curve_hash):
        touched = store.touch(sid, curve_hash)
        if touched is not None:
            return touched
    return store.save(sid, curve_hash, load_lightcurve(data, filename=name), name)
