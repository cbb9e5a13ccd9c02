"""After the photo store is restored from its originals alone, one command makes the
public files again."""

from __future__ import annotations

from datetime import UTC, datetime

from backend import tasks
from backend.db import db
from backend.models import Photo
from backend.storage import get_storage
from tests.factories import file_report, new_resident


def test_missing_public_files_are_made_again_once(app, city, run_jobs):
    file_report(new_resident("restore", "+84900000077"), datetime.now(UTC))
    # (a real RQ worker ended the session: what file_report returned is detached)
    photo = db.session.query(Photo).order_by(Photo.id.desc()).first()
    photo_id, storage = photo.id, get_storage()
    assert photo.rendition_status == "ready" and storage.exists(photo.thumb_key)
    for key in (photo.thumb_key, photo.display_key):  # the restore brought back private/ only
        storage.delete(key)

    assert tasks.rebuild_missing_renditions() == 1
    run_jobs()
    photo = db.session.get(Photo, photo_id)
    assert photo.rendition_status == "ready"
    assert storage.exists(photo.thumb_key) and storage.exists(photo.display_key)
    assert tasks.rebuild_missing_renditions() == 0  # nothing missing any more
