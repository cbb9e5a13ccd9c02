"""A photo store that fails for a while: renditions wait (pending) and are made once it is
back, by the minute's re-dispatch; a photo that cannot be decoded still fails at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend import tasks
from backend.db import db
from backend.models import Photo
from backend.storage import LocalStorage, get_storage
from tests.factories import file_report, new_resident


@pytest.fixture
def failing_writes(monkeypatch):
    """Writes to the store fail (a full or read-only disk) until ``.restore()``."""
    real = LocalStorage.put

    class Switch:
        def restore(self):
            monkeypatch.setattr(LocalStorage, "put", real)

    def refuse(self, key, data, content_type):
        if key.startswith("public/"):
            raise PermissionError(13, "Permission denied", key)
        return real(self, key, data, content_type)

    monkeypatch.setattr(LocalStorage, "put", refuse)
    return Switch()


def _newest_photo() -> Photo:
    db.session.expire_all()
    return db.session.query(Photo).order_by(Photo.id.desc()).first()


def test_renditions_wait_for_the_storage_and_are_made_once_it_is_back(
    app, city, run_jobs, failing_writes
):
    file_report(new_resident("disk-full", "+84900000078"), datetime.now(UTC))
    photo = _newest_photo()
    assert photo.rendition_status == "pending"  # not "failed": the photo itself is fine
    assert photo.thumb_key is None
    photo_id = photo.id

    failing_writes.restore()
    assert tasks.redispatch_renditions(datetime.now(UTC) + timedelta(minutes=2)) == 1
    run_jobs()
    photo = db.session.get(Photo, photo_id)
    assert photo.rendition_status == "ready"
    assert get_storage().exists(photo.thumb_key)


def test_a_lost_rendition_is_dispatched_again_after_a_minute_not_five(
    app, city, run_jobs, failing_writes
):
    filed = datetime.now(UTC)
    file_report(new_resident("lost-job", "+84900000079"), filed)  # its job "lost": pending
    failing_writes.restore()
    assert tasks.redispatch_renditions(filed + timedelta(seconds=30)) == 0  # still on its way
    assert tasks.redispatch_renditions(filed + timedelta(seconds=90)) == 1
    periodic = dict(app.extensions["phananh_periodic"])
    assert periodic["backend.tasks:redispatch_renditions"] <= 60  # the scheduler looks each minute
