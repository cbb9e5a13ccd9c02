"""The photo pipeline with its photos in a bucket (moto's S3 server on the loopback): a
submission leaves the original private and the renditions public at the bucket's URL,
refusing or hiding deletes the public objects (after the commit, a job), and a store that
is down refuses the submission whole or leaves renditions and deletions for later."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from backend import tasks
from backend.db import db
from backend.models import MediaDeletion, Photo, Report, ReportEvent
from tests.backend.storage.conftest import S3Server, make_bucket, public_renditions_policy
from tests.factories import photo


def _photo() -> Photo:
    db.session.expire_all()
    return db.session.query(Photo).order_by(Photo.id.desc()).first()


def _counts() -> tuple[int, ...]:
    db.session.expire_all()
    return tuple(db.session.query(model).count() for model in (Report, Photo, ReportEvent))


def test_a_submission_keeps_the_original_private_and_publishes_renditions(
    app, client, bucket, resident, submit
):
    sent = photo("DSCN0010.jpg")  # EXIF with GPS
    answer = submit(resident(), photos=[(sent, "DSCN0010.jpg")])
    assert answer.status_code == 201, answer.get_json()
    stored = _photo()
    assert stored.rendition_status == "ready"
    assert bucket.storage.get(stored.original_key) == sent  # untouched, in the bucket
    assert sorted(bucket.names()) == sorted(
        f"phananh/{key}" for key in (stored.original_key, stored.thumb_key, stored.display_key)
    )
    # No credentials: the original cannot be fetched, it has no public URL at all.
    assert requests.get(bucket.object_url(stored.original_key)).status_code == 403
    code = answer.get_json()["code"]
    public = client.get(f"/public/v1/reports/{code}").get_json()
    urls = public["photos"][0]
    assert urls["display_url"] == bucket.storage.url(stored.display_key)
    assert urls["display_url"].startswith(f"{bucket.storage.endpoint_url}/{bucket.name}/")
    for url in (urls["thumb_url"], urls["display_url"]):
        fetched = requests.get(url)  # served by the bucket, not the app
        assert fetched.status_code == 200 and fetched.content[:2] == b"\xff\xd8"
        assert fetched.headers["Content-Type"] == "image/jpeg"
        assert "immutable" in fetched.headers["Cache-Control"]
        assert b"Exif" not in fetched.content[:4096]  # metadata-free
    assert stored.original_key not in json.dumps(public)
    media = Path(app.config["MEDIA_ROOT"])  # nothing fell back to the local disk
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_refusing_a_report_deletes_its_public_objects(
    client, bucket, resident, submit, staff, run_jobs
):
    code = submit(resident()).get_json()["code"]
    stored = _photo()
    url, original = bucket.storage.url(stored.display_key), stored.original_key
    assert requests.get(url).status_code == 200
    refused = client.post(
        f"/staff/v1/reports/{code}/reject",
        json={"reason": "Nội dung không phải phản ánh hiện trường."},
        headers=staff("coordinator"),
    )
    assert refused.status_code == 200, refused.get_json()
    run_jobs()
    assert requests.get(url).status_code == 404  # the CDN's origin answers 404
    assert bucket.names() == [f"phananh/{original}"]  # the original stays, private
    assert db.session.query(MediaDeletion).count() == 0


def test_hiding_a_photo_removes_its_public_objects(
    client, bucket, resident, submit, staff, run_jobs
):
    code = submit(resident()).get_json()["code"]
    stored = _photo()
    photo_id, thumb, display = stored.id, stored.thumb_key, stored.display_key
    moderator = staff("moderator")
    hidden = client.post(
        f"/moderation/v1/reports/{code}/photos/{photo_id}/hide",
        json={"reason": "Lộ biển số xe"},
        headers=moderator,
    )
    assert hidden.status_code == 200, hidden.get_json()
    run_jobs()
    for key in (thumb, display):
        assert requests.get(bucket.storage.url(key)).status_code == 404
    # Shown again: made again under the same keys, and a late deletion keeps them.
    shown = client.post(
        f"/moderation/v1/reports/{code}/photos/{photo_id}/show",
        json={"reason": "Đã xem lại"},
        headers=moderator,
    )
    assert shown.status_code == 200
    run_jobs()
    db.session.add(MediaDeletion(key=display))
    db.session.commit()
    assert tasks.delete_withdrawn_files() == 1
    assert requests.get(bucket.storage.url(display)).status_code == 200


def test_an_outage_refuses_the_submission_whole(app, resident, submit):
    server = S3Server()
    server.start()
    down = make_bucket(server)
    app.extensions["phananh_storage"] = down.storage
    headers = resident()
    server.stop()
    before = _counts()
    refused = submit(headers)
    assert refused.status_code == 503, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "storage_unavailable"
    assert error["message"]["vi"] and error["message"]["en"].startswith("Photos cannot be saved")
    assert refused.headers["Retry-After"]
    assert _counts() == before
    server.start()
    assert down.names() == []  # nothing half-written
    assert submit(headers).status_code == 201
    server.stop()


def test_renditions_and_deletions_wait_for_the_store(
    client, app, bucket, resident, submit, staff, run_jobs
):
    # The bucket refuses renditions (a policy denying puts under public/): the report is
    # taken, its photo waits, pending, instead of failing for ever.
    deny = json.loads(public_renditions_policy(bucket.name))
    deny["Statement"].append(
        {
            "Sid": "NoRenditions",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket.name}/phananh/public/*",
        }
    )
    bucket.admin.put_bucket_policy(Bucket=bucket.name, Policy=json.dumps(deny))
    answer = submit(resident())
    assert answer.status_code == 201, answer.get_json()
    waiting = _photo()
    assert waiting.rendition_status == "pending"
    assert bucket.names() == [f"phananh/{waiting.original_key}"]
    waiting_id = waiting.id

    bucket.admin.put_bucket_policy(Bucket=bucket.name, Policy=public_renditions_policy(bucket.name))
    assert tasks.redispatch_renditions(datetime.now(UTC) + timedelta(minutes=1)) == 1
    run_jobs()
    ready = db.session.get(Photo, waiting_id)
    assert ready.rendition_status == "ready"
    url = bucket.storage.url(ready.display_key)
    assert requests.get(url).status_code == 200

    # Deleting refused (the store fails): the deletion stays recorded, done on the next pass.
    deny["Statement"][-1]["Action"] = "s3:DeleteObject"
    deny["Statement"][-1]["Resource"] = f"arn:aws:s3:::{bucket.name}/phananh/*"
    bucket.admin.put_bucket_policy(Bucket=bucket.name, Policy=json.dumps(deny))
    code = answer.get_json()["code"]
    refused = client.post(
        f"/staff/v1/reports/{code}/reject",
        json={"reason": "Trùng lặp."},
        headers=staff("coordinator"),
    )
    assert refused.status_code == 200
    run_jobs()
    assert db.session.query(MediaDeletion).count() == 2
    assert requests.get(url).status_code == 200  # still there, for now
    bucket.admin.put_bucket_policy(Bucket=bucket.name, Policy=public_renditions_policy(bucket.name))
    assert tasks.delete_withdrawn_files() == 2
    assert requests.get(url).status_code == 404
    assert db.session.query(MediaDeletion).count() == 0
