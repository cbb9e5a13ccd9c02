"""Photo storage behind one small interface.

Keys are opaque strings; ``private/`` keys hold originals (with their EXIF),
``public/`` keys hold metadata-free renditions that may be served to anyone.
The embedded default is the local disk under ``MEDIA_ROOT``; with ``S3_BUCKET``
set the photos live in an S3-compatible bucket (:mod:`backend.storage_s3`), the
originals private and the renditions served by the bucket or a CDN
(``MEDIA_PUBLIC_BASE_URL``) instead of the app.

Every failure of the store itself (unwritable, unreachable, refused) is an
:class:`OSError`; a key that is not there is a :class:`FileNotFoundError`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app, url_for

#: Renditions never change under their key (a new one gets a new key) and the key cannot
#: be guessed: browsers keep them a year. Shared caches (a CDN) an hour, as the app's own
#: media route: a photo a moderator hides or a refused report's must stop being served.
RENDITION_CACHE_CONTROL = "public, max-age=31536000, s-maxage=3600, immutable"

Data = bytes | BinaryIO


class Storage(Protocol):
    def put(self, key: str, data: Data, content_type: str) -> None:
        """Store ``data`` (bytes, or a binary file read from its position) whole or not at
        all: a failed put leaves nothing under ``key``."""

    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None:
        """Remove ``key``; a key already gone is no error."""

    def exists(self, key: str) -> bool: ...
    def url(self, key: str) -> str | None:
        """Where the store itself serves a public key, or None: the app's media route."""


class StorageError(OSError):
    """The store could not be reached or refused the request (not: the key is missing)."""


def new_key(visibility: str, suffix: str) -> str:
    """A fresh unguessable key, e.g. ``public/ab/abcdef....jpg``."""
    if visibility not in ("private", "public"):
        raise ValueError(visibility)
    token = secrets.token_urlsafe(24)
    return f"{visibility}/{token[:2]}/{token}{suffix}"


def check_key(key: str) -> str:
    """A key the app makes: under ``private/`` or ``public/``, no ``..``."""
    if not key.startswith(("private/", "public/")) or ".." in key.split("/"):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files under a root folder, written atomically (temp file + rename).

    ``public_base_url``: a web server or CDN serving the root folder (its ``public/``), the
    media route otherwise."""

    def __init__(self, root: str | os.PathLike, public_base_url: str | None = None):
        self.root = Path(root)
        self.public_base_url = public_base_url

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"key escapes the storage root: {key!r}")
        return path

    def put(self, key: str, data: Data, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                if isinstance(data, bytes | bytearray | memoryview):
                    fh.write(data)
                else:
                    shutil.copyfileobj(data, fh)
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

    def url(self, key: str) -> str | None:
        return f"{self.public_base_url}/{check_key(key)}" if self.public_base_url else None

    def stored_keys(self, prefix: str = "") -> Iterator[str]:
        """The keys stored under ``prefix`` (``private/``, ``public/``), temp files left out."""
        for top in ("private", "public"):
            folder = self.root / top
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*")):
                key = path.relative_to(self.root).as_posix()
                if path.is_file() and not path.name.startswith(".") and key.startswith(prefix):
                    yield key


#: The type each stored file had when written (originals by their format, renditions JPEG).
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".heic": "image/heif",
}


def copy_all(source: LocalStorage, target: Storage, *, dry_run: bool = False) -> dict[str, int]:
    """Copy every file of a local store into ``target`` (the bucket) under the same key,
    streamed from the disk; a key already there is skipped, so a second run (after an
    interruption) only copies what is left. Nothing is deleted from the source."""
    copied = skipped = 0
    for key in source.stored_keys():
        if target.exists(key):
            skipped += 1
            continue
        if not dry_run:
            content_type = CONTENT_TYPES.get(Path(key).suffix, "application/octet-stream")
            with source._path(key).open("rb") as fh:
                target.put(key, fh, content_type)
        copied += 1
    return {"copied": copied, "skipped": skipped}


def build_storage(config) -> Storage:
    """The store the configuration names: the bucket when ``OBJECT_STORAGE`` is set (its
    credentials looked up now: none is a ConfigError at start), else ``MEDIA_ROOT``."""
    base = config.get("MEDIA_PUBLIC_BASE_URL")
    if config.get("OBJECT_STORAGE"):
        from backend.storage_s3 import S3Storage

        return S3Storage(config["OBJECT_STORAGE"], public_base_url=base)
    return LocalStorage(config["MEDIA_ROOT"], public_base_url=base)


def init_app(app: Flask) -> None:
    """Build the store at start: a bucket without credentials stops the app here."""
    app.extensions["phananh_storage"] = build_storage(app.config)


def get_storage() -> Storage:
    storage = current_app.extensions.get("phananh_storage")
    if storage is None:
        storage = build_storage(current_app.config)
        current_app.extensions["phananh_storage"] = storage
    return storage


def public_url(key: str | None) -> str | None:
    """Absolute URL of a public rendition: the bucket's or the CDN's, else the ``media``
    route's (on ``PUBLIC_BASE_URL`` when set)."""
    if not key:
        return None
    if not key.startswith("public/"):
        raise ValueError("only public keys have URLs")
    direct = get_storage().url(key)
    if direct:
        return direct
    base = current_app.config.get("PUBLIC_BASE_URL")
    path = url_for("media.public_file", key=key.removeprefix("public/"), _external=not base)
    return f"{base.rstrip('/')}{path}" if base else path
