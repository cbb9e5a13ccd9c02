"""Report photos: validate every upload before anything is stored, keep the original
private, and publish only metadata-free renditions (made by a background job).

Validation at intake proves each file complete from its structure and reads its EXIF,
without decoding pixels (backend.media.images.inspect_photo): what a request costs follows
its bytes. Pixels are decoded only by the rendition job, which marks the photo failed,
never published, when that decode fails."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from backend.db import db, on_rollback
from backend.domain.text import N_, Msgid
from backend.errors import DomainError, ValidationFailed
from backend.jobs import WITHDRAWN_FILES_JOB, enqueue
from backend.localtime import local_tz
from backend.media.images import RENDITIONS, Limits, PhotoError, PhotoInfo, inspect_photo
from backend.media.images import make_rendition as render
from backend.models import MediaDeletion, Photo
from backend.models.photo import RenditionStatus
from backend.storage import CONTENT_TYPES, get_storage, new_key

log = logging.getLogger(__name__)

#: The key's suffix of each type stored (the storage's table, read the other way).
_SUFFIX = {content_type: suffix for suffix, content_type in CONTENT_TYPES.items()}


@dataclass(frozen=True)
class Upload:
    filename: str | None
    data: bytes


@dataclass(frozen=True)
class InspectedUpload:
    upload: Upload
    info: PhotoInfo


class TooManyPhotos(ValidationFailed):
    code = "too_many_photos"
    message = N_("Too many photos.")


class InvalidPhoto(ValidationFailed):
    code = "invalid_photo"


class TooManyPixels(ValidationFailed):
    code = "photos_too_many_pixels"


def inspect_all(uploads: list[Upload], *, max_photos: int) -> list[InspectedUpload]:
    """Check every upload; the first bad one refuses the whole request (nothing stored).

    Each photo may declare at most ``Limits.max_pixels`` and ``Limits.max_decoded_bytes``,
    all of them together at most ``Limits.max_request_pixels`` and
    ``Limits.max_request_decoded_bytes``: all read from the headers, nothing is decoded.
    """
    if len(uploads) > max_photos:
        raise TooManyPhotos(fields={"photos": [f"At most {max_photos} photos."]})
    limits = Limits(max_bytes=current_app.config["MAX_PHOTO_BYTES"])
    inspected = []
    pixels = decoded = 0
    for position, upload in enumerate(uploads):
        try:
            info = inspect_photo(upload.data, limits)
        except PhotoError as exc:
            name = upload.filename or f"#{position + 1}"
            problem = Msgid(exc.message, exc.params)
            raise InvalidPhoto(
                N_("Photo %(name)s: %(problem)s"),
                params={"name": name, "problem": problem},
                code=exc.code,
                fields={f"photos[{position}]": [str(problem)]},
            ) from exc
        pixels += info.width * info.height
        decoded += info.decoded_bytes
        if decoded > limits.max_request_decoded_bytes:
            megabytes = limits.max_request_decoded_bytes // 1_000_000
            raise TooManyPixels(
                N_("The photos together are too large once decoded (at most %(megabytes)s MB)."),
                params={"megabytes": megabytes},
                fields={f"photos[{position}]": [f"At most {megabytes} MB decoded in all."]},
            )
        if pixels > limits.max_request_pixels:
            megapixels = limits.max_request_pixels // 1_000_000
            raise TooManyPixels(
                N_("The photos together have more than %(megapixels)s megapixels."),
                params={"megapixels": megapixels},
                fields={f"photos[{position}]": [f"At most {megapixels} MP in all photos."]},
            )
        inspected.append(InspectedUpload(upload, info))
    return inspected


def store(item: InspectedUpload, kind: str, now: datetime) -> Photo:
    """Write the private original; it is deleted again if the transaction rolls back.

    A store that cannot take it raises :class:`StorageUnavailable` (the originals stored
    before it are deleted by the rollback)."""
    storage = get_storage()
    key = new_key("private", _SUFFIX[item.info.mime])
    try:
        storage.put(key, item.upload.data, item.info.mime)
    except OSError as exc:  # full, read-only or missing photo store: the request is refused
        log.error("photo store unavailable, report refused: %s", exc)
        raise StorageUnavailable() from exc
    on_rollback(lambda: _delete_quietly(storage, key))
    gps = item.info.gps
    taken_at = item.info.taken_at
    return Photo(
        kind=kind,
        original_key=key,
        mime=item.info.mime,
        width=item.info.width,
        height=item.info.height,
        size_bytes=len(item.upload.data),
        sha256=item.info.sha256,
        gps_lat=gps[0] if gps else None,
        gps_lng=gps[1] if gps else None,
        # EXIF times carry no zone; phones record local time.
        taken_at=taken_at.replace(tzinfo=local_tz()).astimezone(UTC) if taken_at else None,
        rendition_status=RenditionStatus.PENDING,
        created_at=now,
    )


def rendition_key(photo: Photo, name: str) -> str:
    """Deterministic (a re-run overwrites, never orphans) yet unguessable without the secret."""
    token = hmac.new(
        current_app.config["SECRET_KEY"].encode(),
        f"{photo.id}:{photo.sha256}:{name}".encode(),
        hashlib.sha256,
    ).hexdigest()[:32]
    return f"public/{token[:2]}/{photo.id}-{name}-{token}.jpg"


class StorageUnavailable(DomainError):
    """Reading or writing the photo store failed (not the photo itself): at intake the
    request is refused whole (503, nothing written); a rendition job leaves the photo
    pending, for the re-dispatch to try again once the storage is back."""

    status = 503
    code = "storage_unavailable"
    message = N_("Photos cannot be saved right now; nothing was sent, please try again later.")
    retry_after = 60


def _delete_quietly(storage, key: str) -> None:
    try:
        storage.delete(key)
    except OSError:
        log.warning("could not delete %s while storage is failing", key)


def make_renditions(photo: Photo) -> None:
    """Make the public thumbnail and display JPEGs (no metadata); the caller commits.

    Files written before a failure are deleted again, so a failed run leaves nothing.
    Any failure marks the photo failed (never published; the report keeps it privately):
    the decode happens here, and a file whose bitstream is damaged, or that a later limit
    refuses, must not make the job fail, stay pending and be redispatched forever.
    """
    storage = get_storage()
    written: list[str] = []
    try:
        try:
            original = storage.get(photo.original_key)
        except FileNotFoundError:
            raise  # the original is gone: no retry can help (failed, below)
        except OSError as exc:
            raise StorageUnavailable from exc
        for name, size in RENDITIONS.items():
            data, _width, _height = render(original, size)
            key = rendition_key(photo, name)
            try:
                storage.put(key, data, "image/jpeg")
            except OSError as exc:
                raise StorageUnavailable from exc
            written.append(key)
    except StorageUnavailable:
        # The store, not the photo: left pending, so the re-dispatch (every minute) tries
        # again once storage is back, instead of the photo staying failed for ever.
        for key in written:
            _delete_quietly(storage, key)
        log.warning("renditions of photo %s wait for the storage to come back", photo.id)
        return
    except Exception:  # PhotoError, a decoder's OSError, MemoryError, ValueError...
        for key in written:
            storage.delete(key)
        log.exception("renditions failed for photo %s", photo.id)
        photo.rendition_status = RenditionStatus.FAILED
        return
    on_rollback(lambda: [storage.delete(key) for key in written])
    photo.thumb_key, photo.display_key = written
    photo.rendition_status = RenditionStatus.READY


def withdraw_public_files(photos_: list[Photo]) -> None:
    """Take photos off every public URL: their rendition files (on the disk or in the
    bucket, so the CDN's URL answers 404 too) are deleted by a job after the commit,
    recorded here (``media_deletions``) so that a store down at that moment only delays it.
    The private originals stay, for the moderators and the report's history."""
    keys = []
    for photo in photos_:
        keys += [k for k in (photo.thumb_key, photo.display_key) if k]
        photo.thumb_key = photo.display_key = None
        photo.rendition_status = RenditionStatus.REMOVED
    if keys:
        db.session.add_all(MediaDeletion(key=key) for key in keys)
        enqueue(WITHDRAWN_FILES_JOB)


def delete_withdrawn(*, batch: int) -> tuple[list[int], bool]:
    """Delete the files of up to ``batch`` recorded withdrawals, the oldest first; returns
    the rows done (the caller deletes them and commits) and whether the store failed (the
    rest wait for the next pass). A key a photo uses again (shown again: the rendition is
    made under the same key) is not deleted, only its row."""
    rows = db.session.scalars(select(MediaDeletion).order_by(MediaDeletion.id).limit(batch)).all()
    if not rows:
        return [], False
    keys = {row.key for row in rows}
    in_use = {
        key
        for pair in db.session.execute(
            select(Photo.thumb_key, Photo.display_key).where(
                or_(Photo.thumb_key.in_(keys), Photo.display_key.in_(keys))
            )
        )
        for key in pair
    }
    storage, done = get_storage(), []
    for row in rows:
        if row.key not in in_use:
            try:
                storage.delete(row.key)
            except OSError as exc:
                log.warning("withdrawn file %s waits for the storage (%s)", row.key, exc)
                return done, True
        done.append(row.id)
    return done, False


def stale_pending(now: datetime, older_than: timedelta, *, limit: int) -> list[int]:
    """Photos whose rendition job was lost (Redis down at commit, a crashed worker):
    at most ``limit`` ids, the oldest first."""
    return list(
        db.session.scalars(
            select(Photo.id)
            .where(
                Photo.rendition_status == RenditionStatus.PENDING,
                Photo.created_at < now - older_than,
            )
            .order_by(Photo.id)
            .limit(limit)
        )
    )
