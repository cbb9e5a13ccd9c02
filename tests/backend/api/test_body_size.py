"""A request body other than an upload is small: a large one is refused before it is read."""

from __future__ import annotations

import json

from backend.api.guards import MAX_BODY_BYTES


def test_a_large_json_body_is_413_before_anything_reads_it(client):
    body = {"username": "admin", "password": "demo", "x": [[0]] * (MAX_BODY_BYTES // 4)}
    data = json.dumps(body)
    assert len(data) > MAX_BODY_BYTES
    answer = client.post(
        "/staff/v1/auth/login", data=data, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "payload_too_large"
    # An ordinary sign-in is unaffected.
    ok = client.post("/staff/v1/auth/login", json={"username": "admin", "password": "x"})
    assert ok.status_code == 401


def test_uploads_keep_the_photo_limits(client, resident, submit):
    assert submit(resident()).status_code == 201  # a multipart body far over 64 kB
