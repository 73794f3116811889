"""The model registry: anomaly ensembles stored without pickle and rebuilt by refitting.

A model is a directory holding `model.json` (parameters, metadata, the sha256 of
the array file) and `reference.npz` (the float64 rows the ensemble was fitted on,
read with allow_pickle=False). Loading verifies the checksum and shapes, then
refits with the stored random_state; IsolationForest and LOF are deterministic
given data and seed, so the rebuilt model scores exactly like the saved one.
Nothing in a model file is ever executed or unpickled.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import warnings
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import sklearn

from core.anomaly.estimator import AnomalyEnsemble
from core.anomaly.features import FEATURE_NAMES
from core.atomic import fsync_directory, write_bytes_atomically
from core.errors import ConfigError, UserError

FORMAT_NAME = "lightcurve-anomaly-ensemble"
FORMAT_VERSION = 1
DEFAULT_MODEL_ID = "default"
MODEL_ID_PATTERN = re.compile(r"^(default|m-\d{8}T\d{6}Z-[0-9a-f]{8})$")
_JSON_FILE = "model.json"
_ARRAY_FILE = "reference.npz"
_MAX_JSON_BYTES = 1_000_000
_MAX_ARRAY_BYTES = 200_000_000
_PARAM_TYPES = {
    "contamination": float,
    "n_estimators": int,
    "n_neighbors": int,
    "max_reference": (int, type(None)),
    "vote": str,
    "random_state": int,
}


class ModelFormatError(UserError):
    """A stored model is damaged, tampered with or not a model at all."""


class ModelNotFoundError(ConfigError):
    """No model with that id (or the id is not one the registry could have made)."""


def write_model(directory: Path, model: AnomalyEnsemble, metadata: dict[str, Any] | None = None) -> Path:
    """Save a fitted ensemble to a new `directory`, atomically (temp dir + fsync + rename)."""
    directory = Path(directory)
    if directory.exists():
        raise FileExistsError(f"{directory} already exists; choose a new path for the model")
    directory.parent.mkdir(parents=True, exist_ok=True)
    temp = directory.parent / f".tmp-{secrets.token_hex(8)}"
    temp.mkdir()
    try:
        _write_files(temp, model, metadata or {})
        os.replace(temp, directory)
        fsync_directory(directory.parent)
    finally:
        if temp.exists():
            shutil.rmtree(temp)
    return directory


def read_model(directory: Path) -> tuple[AnomalyEnsemble, dict[str, Any]]:
    """Verify the files in `directory` and rebuild the ensemble; raises ModelFormatError if anything is off."""
    directory = Path(directory)
    document = _read_json(directory / _JSON_FILE)
    params = _validated_params(document)
    reference = _read_reference(directory / _ARRAY_FILE, document)
    model = AnomalyEnsemble(**params).fit(reference)
    if not np.allclose(model.threshold_, document["checks"]["threshold"], rtol=1e-9, atol=1e-12):
        warnings.warn(
            f"model in {directory} was saved with numpy {document['versions'].get('numpy')} / scikit-learn "
            f"{document['versions'].get('sklearn')} and refits slightly differently here; scores may differ",
            RuntimeWarning,
            stacklevel=2,
        )
    return model, document["metadata"]


class ModelRegistry:
    """Models under `root`, one directory each, named by ids the server makes."""

    def __init__(self, root: Path = Path("data/models")) -> None:
        self.root = Path(root)

    def save(self, estimator: AnomalyEnsemble, metadata: dict[str, Any] | None = None) -> str:
        """Store a fitted ensemble under a new id ("m-<UTC timestamp>-<8 hex>") and return the id."""
        now = datetime.now(timezone.utc)
        model_id = f"m-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
        self._write(model_id, estimator, metadata, now)
        return model_id

    def load(self, model_id: str) -> AnomalyEnsemble:
        """The rebuilt ensemble for `model_id`."""
        return read_model(self._existing(model_id))[0]

    def get_metadata(self, model_id: str) -> dict[str, Any]:
        """Metadata of one model, read without refitting it, with when it was last used and its size on disk."""
        path = self._existing(model_id)
        return {**_summary(_read_json(path / _JSON_FILE)), **_usage(path)}

    def update_metadata(self, model_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Merge `changes` into a saved model's metadata (model.json rewritten atomically); returns the new metadata.

        For facts that change after a model is saved (e.g. who may use it). The parameters,
        the reference rows and their checksum stay as they are, so the model scores the same.
        """
        if {"id", "created"} & set(changes):
            raise ValueError("a model's id and creation time never change")
        path = self._existing(model_id)
        document = _read_json(path / _JSON_FILE)
        document["metadata"] = {**document["metadata"], **changes}
        try:
            write_bytes_atomically(path / _JSON_FILE, json.dumps(document, indent=1, allow_nan=False).encode())
        except FileNotFoundError:  # deleted meanwhile (by another worker)
            raise ModelNotFoundError(f"no model with id {model_id}") from None
        return self.get_metadata(model_id)

    def touch(self, model_id: str) -> None:
        """Record that the model was used now (its `last_used`), so retention keeps models in use."""
        try:
            os.utime(self._existing(model_id))
        except FileNotFoundError:
            raise ModelNotFoundError(f"no model with id {model_id}") from None

    def list(self) -> list[dict[str, Any]]:
        """Metadata of every readable model, newest first; damaged directories are skipped."""
        out = []
        if self.root.is_dir():
            for path in self.root.iterdir():
                if MODEL_ID_PATTERN.fullmatch(path.name) and path.is_dir():
                    try:
                        out.append(self.get_metadata(path.name))
                    except UserError:  # a damaged directory or one removed meanwhile
                        continue
        return sorted(out, key=lambda m: m["created"], reverse=True)

    def delete(self, model_id: str) -> None:
        """Remove a model; the default model is refused (it is what analyses fall back to).

        The directory is first renamed out of the registry's names in one step, so no reader
        (nor a metadata update) ever sees half of a deleted model.
        """
        if model_id == DEFAULT_MODEL_ID:
            raise ConfigError("the default model cannot be deleted")
        path = self._existing(model_id)
        doomed = self.root / f".deleted-{secrets.token_hex(8)}"
        try:
            os.replace(path, doomed)
        except FileNotFoundError:  # another worker deleted it first
            raise ModelNotFoundError(f"no model with id {model_id}") from None
        shutil.rmtree(doomed, ignore_errors=True)

    def exists(self, model_id: str) -> bool:
        return bool(MODEL_ID_PATTERN.fullmatch(str(model_id))) and (self.root / model_id / _JSON_FILE).is_file()

    def save_default(self, estimator: AnomalyEnsemble, metadata: dict[str, Any] | None = None) -> None:
        """Store the model analyses fall back to under DEFAULT_MODEL_ID.

        FileExistsError when it is there already (another worker won the race).
        """
        self._write(DEFAULT_MODEL_ID, estimator, metadata, datetime.now(timezone.utc))

    def _write(self, model_id: str, estimator: AnomalyEnsemble, metadata: dict[str, Any] | None,
               created: datetime) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        record = {**(metadata or {}), "id": model_id, "created": created.isoformat(timespec="seconds")}
        try:
            write_model(self.root / model_id, estimator, record)
        except OSError as exc:
            if (self.root / model_id).exists():
                raise FileExistsError(f"model {model_id} already exists") from exc
            raise

    def _existing(self, model_id: str) -> Path:
        if not isinstance(model_id, str) or not MODEL_ID_PATTERN.fullmatch(model_id):
            raise ModelNotFoundError(f"{model_id!r} is not a model id (expected 'default' or m-YYYYMMDDTHHMMSSZ-xxxxxxxx)")
        path = self.root / model_id
        if not (path / _JSON_FILE).is_file():
            raise ModelNotFoundError(f"no model with id {model_id}")
        return path


def _write_files(directory: Path, model: AnomalyEnsemble, metadata: dict[str, Any]) -> None:
    if not hasattr(model, "reference_"):
        raise ValueError("only a fitted AnomalyEnsemble can be saved; call fit first")
    params = model.get_params()
    if not isinstance(params["random_state"], (int, np.integer)) or isinstance(params["random_state"], bool):
        raise ValueError("set random_state to an integer before fitting, so the saved model can be rebuilt exactly")
    params["random_state"] = int(params["random_state"])
    reference = np.ascontiguousarray(model.reference_, dtype=np.float64)
    buffer = io.BytesIO()
    np.savez(buffer, reference=reference)
    array_bytes = buffer.getvalue()
    document = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "estimator": "AnomalyEnsemble",
        "params": params,
        "reference": {"file": _ARRAY_FILE, "sha256": hashlib.sha256(array_bytes).hexdigest(),
                      "shape": list(reference.shape)},
        "feature_names": list(FEATURE_NAMES) if reference.shape[1] == len(FEATURE_NAMES) else None,
        "checks": {"threshold": [float(v) for v in model.threshold_]},
        "fitted": {"n_samples_fit": int(model.n_samples_fit_)},
        "versions": {"numpy": np.__version__, "sklearn": sklearn.__version__},
        "metadata": metadata,
    }
    write_bytes_atomically(directory / _ARRAY_FILE, array_bytes)
    write_bytes_atomically(directory / _JSON_FILE, json.dumps(document, indent=1, allow_nan=False).encode())


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ModelFormatError(f"{path} is missing; this directory is not a saved model")
    raw = path.read_bytes()
    if len(raw) > _MAX_JSON_BYTES:
        raise ModelFormatError(f"{path.name} is {len(raw)} bytes, too large for model metadata")
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFormatError(f"{path.name} is not valid JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ModelFormatError(f"{path.name} is not a {FORMAT_NAME} file")
    if document.get("format_version") != FORMAT_VERSION:
        raise ModelFormatError(f"unsupported model format version {document.get('format_version')!r}")
    for key, kind in (("params", dict), ("reference", dict), ("checks", dict), ("fitted", dict),
                      ("versions", dict), ("metadata", dict)):
        if not isinstance(document.get(key), kind):
            raise ModelFormatError(f"{path.name} has no valid {key!r} section")
    shape = document["reference"].get("shape")
    if not (isinstance(shape, list) and len(shape) == 2 and all(type(v) is int and v > 0 for v in shape)):
        raise ModelFormatError("model reference.shape must be two positive integers")
    return document


def _validated_params(document: dict[str, Any]) -> dict[str, Any]:
    params = document["params"]
    if set(params) != set(_PARAM_TYPES):
        raise ModelFormatError(f"model parameters must be exactly {sorted(_PARAM_TYPES)}, got {sorted(params)}")
    for name, kind in _PARAM_TYPES.items():
        if not isinstance(params[name], kind) or isinstance(params[name], bool):
            raise ModelFormatError(f"model parameter {name} has the wrong type: {params[name]!r}")
    threshold = document["checks"].get("threshold")
    if not (isinstance(threshold, list) and len(threshold) == 2 and all(isinstance(v, (int, float)) for v in threshold)):
        raise ModelFormatError("model checks.threshold must be two numbers")
    try:
        AnomalyEnsemble(**params)._validate_params()
    except ValueError as exc:
        raise ModelFormatError(f"model parameters are out of range: {exc}") from None
    return params


def _read_reference(path: Path, document: dict[str, Any]) -> np.ndarray:
    spec = document["reference"]
    shape = spec["shape"]
    if not path.is_file():
        raise ModelFormatError(f"{path.name} is missing from the model directory")
    if path.stat().st_size > _MAX_ARRAY_BYTES:
        raise ModelFormatError(f"{path.name} is larger than {_MAX_ARRAY_BYTES} bytes")
    raw = path.read_bytes()  # hash and parse the same bytes
    if hashlib.sha256(raw).hexdigest() != spec.get("sha256"):
        raise ModelFormatError(f"{path.name} does not match the checksum in {_JSON_FILE}; the file was altered")
    try:
        archive = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ModelFormatError(f"{path.name} is not a plain numpy archive ({exc})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ModelFormatError(f"{path.name} is a bare array, not a numpy archive")
    with archive:
        if archive.files != ["reference"]:
            raise ModelFormatError(f"{path.name} must hold exactly one array named 'reference'")
        try:
            reference = archive["reference"]
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise ModelFormatError(f"{path.name} holds an array that cannot be read safely ({exc})") from None
    if reference.dtype != np.float64 or list(reference.shape) != shape:
        raise ModelFormatError(
            f"{path.name} holds {reference.dtype} {reference.shape}, the metadata promises float64 {tuple(shape)}"
        )
    if not np.all(np.isfinite(reference)):
        raise ModelFormatError(f"{path.name} contains NaN or infinity")
    return reference


def _usage(directory: Path) -> dict[str, Any]:
    """When the model was last used (the directory's mtime: saving, `touch`, a metadata update) and its bytes on disk."""
    try:
        last_used = datetime.fromtimestamp(directory.stat().st_mtime, timezone.utc)
        size = sum(f.stat().st_size for f in directory.iterdir())
    except FileNotFoundError:  # deleted while we looked
        raise ModelNotFoundError(f"no model with id {directory.name}") from None
    return {"last_used": last_used.isoformat(timespec="seconds"), "size_bytes": size}


def _summary(document: dict[str, Any]) -> dict[str, Any]:
    metadata = dict(document["metadata"])
    metadata.setdefault("id", None)
    metadata.setdefault("created", "")
    metadata.setdefault("n_training_windows", document["fitted"].get("n_samples_fit"))
    return {
        **metadata,
        "params": document["params"],
        "n_reference_windows": document["reference"]["shape"][0],
        "versions": document["versions"],
    }
