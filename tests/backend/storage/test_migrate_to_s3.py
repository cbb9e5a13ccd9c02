"""``flask photos migrate-to-s3``: the photos of a local store copied into the bucket under
the same keys (resumable, nothing deleted), then served from it."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from backend.db import db
from backend.models import Photo


def test_local_photos_move_to_the_bucket(app, bucket, resident, submit):
    app.extensions.pop("phananh_storage")  # the local disk first (MEDIA_ROOT)
    assert submit(resident()).status_code == 201
    stored = db.session.query(Photo).one()
    keys = {stored.original_key, stored.thumb_key, stored.display_key}
    media = Path(app.config["MEDIA_ROOT"])
    assert all((media / key).is_file() for key in keys)

    app.extensions["phananh_storage"] = bucket.storage  # S3_BUCKET set, restarted
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["photos", "migrate-to-s3", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output) == {"copied": 3, "skipped": 0}
    assert bucket.names() == []
    done = runner.invoke(args=["photos", "migrate-to-s3"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output) == {"copied": 3, "skipped": 0, "originals_missing": 0}
    assert bucket.names() == sorted(f"phananh/{key}" for key in keys)
    assert all((media / key).is_file() for key in keys)  # nothing deleted
    again = runner.invoke(args=["photos", "migrate-to-s3"])
    assert json.loads(again.output) == {"copied": 0, "skipped": 3, "originals_missing": 0}

    assert bucket.storage.get(stored.original_key) == (media / stored.original_key).read_bytes()
    served = requests.get(bucket.storage.url(stored.display_key))
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert requests.get(bucket.object_url(stored.original_key)).status_code == 403


def test_it_needs_a_bucket(app):
    answer = app.test_cli_runner().invoke(args=["photos", "migrate-to-s3"])
    assert answer.exit_code != 0 and "S3_BUCKET is not set" in answer.output
