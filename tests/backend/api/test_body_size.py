"""Request bodies: one other than an upload is at most 64 kB, an upload at most what the
photo limits need; a longer declared length is 413 before the body is read, a chunked body
once it runs over, and too many photos 422 as soon as the form is parsed."""

from __future__ import annotations

import io
import json

from werkzeug.test import EnvironBuilder

from backend.api.guards import MAX_BODY_BYTES
from backend.config import Settings, flask_config


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


# ---- the declared length is refused before the body is read; a chunked one once over ----


class CountingStream(io.RawIOBase):
    """A request body that counts what is read of it (``size`` bytes of ``fill``)."""

    def __init__(self, size: int, fill: bytes = b"x"):
        self.size, self.fill, self.read_bytes = size, fill, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.read_bytes)
        buffer[:n] = self.fill * n
        self.read_bytes += n
        return n


def _raw(app, path: str, stream, *, length: int | None, content_type: str, headers=None):
    """Send ``stream`` as the body, declaring ``length`` (None: chunked, as gunicorn says)."""
    environ = EnvironBuilder(
        path=path, method="POST", content_type=content_type, headers=headers or {}
    ).get_environ()
    environ["wsgi.input"] = stream
    environ.pop("CONTENT_LENGTH", None)
    if length is None:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        environ["wsgi.input_terminated"] = True
    else:
        environ["CONTENT_LENGTH"] = str(length)
    return app.response_class.from_app(app.wsgi_app, environ)


MULTIPART = "multipart/form-data; boundary=b0undary"


def _assert_413(response) -> None:
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == "payload_too_large"
    assert error["message"]["vi"] and error["message"]["en"]


def test_the_cap_is_what_the_photo_limits_need(app, tmp_path):
    config = flask_config(Settings(), str(tmp_path))
    photos = config["MAX_PHOTOS_PER_REPORT"] * config["MAX_PHOTO_BYTES"]
    assert photos < config["MAX_CONTENT_LENGTH"] <= photos + 128 * 1024  # not + 1 MB
    smaller = flask_config(
        Settings(max_photos_per_report=2, max_photo_bytes=1_000_000), str(tmp_path)
    )
    assert 2_000_000 < smaller["MAX_CONTENT_LENGTH"] <= 2_000_000 + 128 * 1024


def test_a_declared_length_over_the_cap_is_413_before_any_byte_or_the_token(app, resident):
    limit = app.config["MAX_CONTENT_LENGTH"]
    for headers in ({}, resident()):  # before authentication too: no 401 first
        for length in (limit + 1, 10 * limit, 2**40):
            stream = CountingStream(100)  # the body is small; only its declared length is not
            response = _raw(
                app,
                "/mobile/v1/reports",
                stream,
                length=length,
                content_type=MULTIPART,
                headers=headers,
            )
            _assert_413(response)
            assert stream.read_bytes == 0
    # Any route: nothing reads a body that large (the portal and the console answer a
    # browser with their HTML error page).
    for path in ("/staff/v1/auth/login", "/no/such/route", "/console/login", "/"):
        stream = CountingStream(100)
        response = _raw(app, path, stream, length=limit + 1, content_type=MULTIPART)
        if response.mimetype == "text/html":
            assert response.status_code == 413, path
        else:
            _assert_413(response)
        assert stream.read_bytes == 0, path


def test_a_json_body_declared_over_64_kb_is_refused_unread(app):
    stream = CountingStream(100)
    response = _raw(
        app,
        "/staff/v1/auth/login",
        stream,
        length=MAX_BODY_BYTES + 1,
        content_type="application/json",
    )
    _assert_413(response)
    assert stream.read_bytes == 0


def test_a_chunked_upload_is_cut_off_once_it_runs_over(app, resident):
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    part = (
        b'--b0undary\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n"
    )

    class Upload(CountingStream):
        def readinto(self, buffer) -> int:
            if self.read_bytes == 0:
                buffer[: len(part)] = part
                self.read_bytes = len(part)
                return len(part)
            return super().readinto(buffer)

    stream = Upload(50_000_000)  # 50 MB that never ends its part
    response = _raw(
        app,
        "/mobile/v1/reports",
        stream,
        length=None,
        content_type=MULTIPART,
        headers=resident(),
    )
    _assert_413(response)
    assert stream.read_bytes < 1_000_000  # stopped near the cap, not read to the end


def test_more_photos_than_a_report_takes_are_refused_before_one_is_read(
    app, client, resident, monkeypatch
):
    import mobile_api.views

    def never(*args, **kwargs):
        raise AssertionError("a photo was read")

    monkeypatch.setattr(mobile_api.views, "uploaded_photos", never)
    limit = app.config["MAX_PHOTOS_PER_REPORT"]
    response = client.post(
        "/mobile/v1/reports",
        data={
            "category": "giao-thong",
            "description": "Ổ gà lớn",
            "lat": "10.03",
            "lng": "105.78",
            "photos": [(io.BytesIO(b"jpeg"), f"{i}.jpg") for i in range(limit + 1)],
        },
        headers=resident(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "too_many_photos"
    assert "photos" in error["fields"]


def test_the_photo_count_applies_to_any_field_of_an_api_form(app, client, staff):
    limit = app.config["MAX_PHOTOS_PER_REPORT"]
    files = {f"f{i}": (io.BytesIO(b"x"), f"{i}.jpg") for i in range(limit + 1)}
    response = client.post(
        "/staff/v1/reports/PA-2026-000001/resolve",
        data={"response": "Đã sửa", **files},
        headers=staff("admin"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "too_many_photos"
