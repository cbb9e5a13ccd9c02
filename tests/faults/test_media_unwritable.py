"""The photo store unwritable: a submission is refused whole (503 storage_unavailable, no
report, photo, event, notification or file), and renditions that waited for the store
are made once it is back. Runs on every backend (the store is the local disk)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from backend import tasks
from backend.db import db
from backend.models import Photo, Report, ReportEvent
from backend.storage import get_storage
from notifications.models import Notification


def _block(folder: Path) -> None:
    """Make ``folder`` unwritable even for root (chmod is not enough): what it held moves
    aside (an unmounted volume) and a plain file takes its place."""
    if folder.exists():
        folder.rename(folder.with_name(folder.name + ".away"))
    folder.write_text("not a folder")


def _unblock(folder: Path) -> None:
    folder.unlink()
    away = folder.with_name(folder.name + ".away")
    if away.exists():
        away.rename(folder)
    else:
        folder.mkdir()


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _counts() -> tuple[int, ...]:
    db.session.expire_all()
    return tuple(
        db.session.query(model).count() for model in (Report, Photo, ReportEvent, Notification)
    )


def test_unwritable_store_refuses_the_report_whole_and_renditions_catch_up(
    app, resident, submit, run_jobs
):
    media = Path(app.config["MEDIA_ROOT"])
    (media / "private").mkdir(parents=True)
    headers = resident()

    # Renditions cannot be written: the report is taken (its original is stored), its
    # photo waits, pending, instead of failing for ever.
    _block(media / "public")
    first = submit(headers)
    assert first.status_code == 201, first.get_json()
    waiting = db.session.query(Photo).one()
    assert waiting.rendition_status == "pending"
    waiting_id = waiting.id

    # Originals cannot be written either: the submission is refused, nothing kept.
    _block(media / "private")
    before, files = _counts(), _files(media)
    refused = submit(headers)
    assert refused.status_code == 503, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "storage_unavailable"
    assert error["message"]["vi"] and error["message"]["en"].startswith("Photos cannot be saved")
    assert refused.headers["Retry-After"]
    assert _counts() == before
    assert _files(media) == files  # no orphan original, no temp file

    # The store is back: the waiting renditions are made by the re-dispatch.
    _unblock(media / "private")
    _unblock(media / "public")
    assert tasks.redispatch_renditions(datetime.now(UTC) + timedelta(minutes=1)) == 1
    run_jobs()
    db.session.expire_all()
    photo = db.session.get(Photo, waiting_id)
    assert photo.rendition_status == "ready"
    assert get_storage().exists(photo.thumb_key) and get_storage().exists(photo.display_key)
    again = submit(headers)
    assert again.status_code == 201, again.get_json()
    assert not [f for f in _files(media) if Path(f).name.startswith(".upload-")]
