"""Photo storage behind one small interface.

Keys are opaque strings; ``private/`` keys hold originals (with their EXIF),
``public/`` keys hold metadata-free renditions that may be served to anyone.
The embedded default is the local disk under ``MEDIA_ROOT``; an
S3-compatible store fits the same interface when the app runs on several
machines.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app, url_for


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


def new_key(visibility: str, suffix: str) -> str:
    """A fresh unguessable key, e.g. ``public/ab/abcdef....jpg``."""
    if visibility not in ("private", "public"):
        raise ValueError(visibility)
    token = secrets.token_urlsafe(24)
    return f"{visibility}/{token[:2]}/{token}{suffix}"


class LocalStorage:
    """Files under a root folder, written atomically (temp file + rename)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"key escapes the storage root: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


def get_storage() -> Storage:
    storage = current_app.extensions.get("phananh_storage")
    if storage is None:
        storage = LocalStorage(current_app.config["MEDIA_ROOT"])
        current_app.extensions["phananh_storage"] = storage
    return storage


def public_url(key: str | None) -> str | None:
    """Absolute URL of a public rendition (served by the ``media`` route)."""
    if not key:
        return None
    if not key.startswith("public/"):
        raise ValueError("only public keys have URLs")
    base = current_app.config.get("PUBLIC_BASE_URL")
    path = url_for("media.public_file", key=key.removeprefix("public/"), _external=not base)
    return f"{base.rstrip('/')}{path}" if base else path
