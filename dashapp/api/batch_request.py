"""What POST /api/batch accepts: many files in field `files` (one part each), or zips of them, and the
analysis settings of POST /api/analyze (but no model: a batch fits each curve's own ensemble).

The request as a whole is refused with 413 when it carries more files than MAX_BATCH_FILES
(as parts, or inside zips) or zips that would expand beyond EXPANSION_FACTOR times the
upload limit. A single file that cannot be analysed (an image, an empty file, an encrypted
zip member) does not refuse the others: it becomes a failed row with its reason.
"""
from __future__ import annotations

from typing import Mapping

from werkzeug.datastructures import FileStorage

from core.config import AnalysisConfig
from core.errors import ConfigError
from dashapp.api.analyze_request import ANALYZE_FORM, UnsupportedMediaError, check_media
from dashapp.api.schemas import Field, RequestSchema
from dashapp.batch.service import BatchFile
from dashapp.infra.archives import TooLargeError, is_zip, read_zip, safe_label

EXPANSION_FACTOR = 2  # unzipped files of one request: at most this many times the upload limit
SETTINGS = tuple(f for f in ANALYZE_FORM.fields if f.name not in ("file", "model_id"))
BATCH_FORM = RequestSchema(
    fields=(Field("files", "files", "Light curves (FITS, CSV, gzip), one part each, or zips of them (up to "
                                    "MAX_BATCH_FILES curves in all)"), *SETTINGS),
    required=("files",),
)


def parse_batch_config(form: Mapping[str, str]) -> AnalysisConfig:
    """The batch's settings from the form; a model or an unknown field is refused by name."""
    if "model_id" in form:
        raise ConfigError("model_id is not taken for batches: each curve is scored by an ensemble fitted on itself; "
                          "analyse one curve with POST /api/analyze to use a saved model")
    unknown = BATCH_FORM.unknown(form)
    if unknown:
        raise ConfigError(f"unknown form field(s) {unknown}; allowed: 'files' and {[f.name for f in SETTINGS]}")
    return AnalysisConfig.from_mapping({f.name: form[f.name] for f in SETTINGS if f.name in form})


def batch_files(uploads: list[FileStorage], max_files: int, max_file_bytes: int) -> list[BatchFile]:
    """Every light curve of the request, zips opened, each with its bytes or the reason it cannot be analysed."""
    files: list[BatchFile] = []
    unzipped_budget = EXPANSION_FACTOR * max_file_bytes
    for upload in uploads:
        data = upload.read()
        if not is_zip(data):
            files.append(_checked(safe_label(upload.filename), data))
        else:
            members = read_zip(data, max_files=max_files, max_member_bytes=max_file_bytes,
                               max_total_bytes=unzipped_budget)
            unzipped_budget -= sum(len(m.data or b"") for m in members)
            files += [_checked(m.label, m.data) if m.data is not None else BatchFile(m.label, None, m.error)
                      for m in members]
        if len(files) > max_files:
            raise TooLargeError(f"more than {max_files:,} light curves in one batch (MAX_BATCH_FILES); "
                                "split them into several batches")
    return files


def too_many_parts(max_files: int) -> TooLargeError:
    """What a request with more multipart parts than the server parses is told."""
    return TooLargeError(f"more than {max_files:,} files in one request, the most a batch takes (MAX_BATCH_FILES); "
                         "split them into several batches")


def _checked(label: str, data: bytes) -> BatchFile:
    if not data:
        return BatchFile(label, None, "the file is empty (0 bytes)")
    try:
        check_media(data)
    except UnsupportedMediaError as exc:
        return BatchFile(label, None, str(exc))
    return BatchFile(label, data)
