"""S3Storage against moto's S3 server on the loopback: what the app stores, who can read
it over plain HTTP, and what a store that cannot be reached answers."""

from __future__ import annotations

import pytest
import requests
from flask import Flask

from backend import storage as storage_module
from backend.config import Settings, flask_config
from backend.config_values import ConfigError, ObjectStorage
from backend.storage import RENDITION_CACHE_CONTROL, LocalStorage, StorageError, public_url
from backend.storage_s3 import S3Storage
from tests.backend.storage.conftest import S3Server, make_bucket

JPEG = b"\xff\xd8\xff\xe0" + b"pixels" * 100


def test_put_get_delete_and_who_may_read(s3_server):
    bucket = make_bucket(s3_server)
    store = bucket.storage
    store.put("private/ab/original.jpg", JPEG, "image/jpeg")
    store.put("public/ab/thumb.jpg", JPEG, "image/jpeg")
    assert bucket.names() == ["phananh/private/ab/original.jpg", "phananh/public/ab/thumb.jpg"]
    assert store.get("private/ab/original.jpg") == JPEG
    assert store.exists("public/ab/thumb.jpg") and not store.exists("public/ab/other.jpg")
    with pytest.raises(FileNotFoundError):
        store.get("private/ab/missing.jpg")

    # Without credentials: the original is refused, the rendition served with its headers.
    assert requests.get(bucket.object_url("private/ab/original.jpg")).status_code == 403
    assert store.url("private/ab/original.jpg") is None
    answer = requests.get(store.url("public/ab/thumb.jpg"))
    assert answer.status_code == 200 and answer.content == JPEG
    assert answer.headers["Content-Type"] == "image/jpeg"
    assert answer.headers["Cache-Control"] == RENDITION_CACHE_CONTROL
    original = bucket.admin.head_object(Bucket=bucket.name, Key="phananh/private/ab/original.jpg")
    assert "CacheControl" not in original and original["ContentType"] == "image/jpeg"
    acl = bucket.admin.get_object_acl(Bucket=bucket.name, Key="phananh/public/ab/thumb.jpg")
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in acl["Grants"])  # no ACL

    store.delete("public/ab/thumb.jpg")
    store.delete("public/ab/thumb.jpg")  # already gone: no error
    assert requests.get(bucket.object_url("public/ab/thumb.jpg")).status_code == 404
    assert bucket.names() == ["phananh/private/ab/original.jpg"]


def test_a_file_object_is_streamed_whole(s3_server, tmp_path):
    bucket = make_bucket(s3_server)
    spooled = tmp_path / "upload"
    spooled.write_bytes(JPEG * 50)
    with spooled.open("rb") as fh:
        bucket.storage.put("private/cd/big.jpg", fh, "image/jpeg")
    assert bucket.storage.get("private/cd/big.jpg") == JPEG * 50


def test_keys_outside_the_app_layout_are_refused(s3_server):
    store = make_bucket(s3_server).storage
    for key in ("../etc/passwd", "private/../public/x.jpg", "other/x.jpg"):
        with pytest.raises(ValueError):
            store.put(key, JPEG, "image/jpeg")


def test_an_unreachable_store_is_a_storage_error_within_seconds():
    server = S3Server()
    server.start()
    bucket = make_bucket(server)
    server.stop()
    store = bucket.storage
    for call in (
        lambda: store.put("private/ab/x.jpg", JPEG, "image/jpeg"),
        lambda: store.get("private/ab/x.jpg"),
        lambda: store.exists("private/ab/x.jpg"),
        lambda: store.delete("private/ab/x.jpg"),
    ):
        with pytest.raises(StorageError):
            call()


def test_public_urls_from_the_bucket_or_the_cdn(app, s3_server):
    bucket = make_bucket(s3_server)
    settings = ObjectStorage(
        bucket=bucket.name, prefix="pa/", access_key_id="k", secret_access_key="s"
    )
    cdn = S3Storage(settings, public_base_url="https://anh.example.vn")
    assert cdn.url("public/ab/x.jpg") == "https://anh.example.vn/pa/public/ab/x.jpg"
    aws = S3Storage(ObjectStorage(bucket="phananh-media", region="ap-southeast-1"), client=1)
    assert aws.url("public/ab/x.jpg") == (
        "https://phananh-media.s3.ap-southeast-1.amazonaws.com/public/ab/x.jpg"
    )
    app.extensions["phananh_storage"] = cdn
    assert public_url("public/ab/x.jpg") == "https://anh.example.vn/pa/public/ab/x.jpg"
    # An older link to the app's media route goes to the CDN.
    answer = app.test_client().get("/media/public/ab/x.jpg")
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://anh.example.vn/pa/public/ab/x.jpg"


def test_local_disk_with_a_public_base_url(app, tmp_path):
    local = LocalStorage(tmp_path, public_base_url="https://anh.example.vn")
    app.extensions["phananh_storage"] = local
    assert public_url("public/ab/x.jpg") == "https://anh.example.vn/public/ab/x.jpg"
    app.extensions["phananh_storage"] = LocalStorage(tmp_path)
    with app.test_request_context():
        assert public_url("public/ab/x.jpg") == "http://localhost/media/public/ab/x.jpg"


def test_half_a_configuration_is_refused_at_start():
    for env in (
        {"S3_PREFIX": "phananh"},
        {"S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
        {"S3_REGION": "ap-southeast-1"},
        {"S3_BUCKET": "phananh-media", "AWS_ACCESS_KEY_ID": "k"},
        {"S3_BUCKET": "phananh-media", "AWS_SECRET_ACCESS_KEY": "s"},
        {"S3_BUCKET": "Phananh_Media"},
        {"S3_BUCKET": "phananh-media", "S3_ENDPOINT_URL": "minio:9000"},
        {"S3_BUCKET": "phananh-media", "S3_PREFIX": "a/../b"},
    ):
        with pytest.raises(ConfigError):
            Settings.from_env(env)
    settings = Settings.from_env({"S3_BUCKET": "phananh-media", "S3_PREFIX": "/can-tho/"})
    assert settings.object_storage.prefix == "can-tho/"
    assert Settings.from_env({}).object_storage is None


def test_a_bucket_without_credentials_stops_the_app(monkeypatch, tmp_path):
    # boto3's default chain finds nothing: no keys, files, profile or instance role.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    bare = Flask("bare")
    bare.config.update(
        OBJECT_STORAGE=ObjectStorage(bucket="phananh-media"), MEDIA_PUBLIC_BASE_URL=None
    )
    with pytest.raises(ConfigError, match="no credentials"):
        storage_module.init_app(bare)
    # The local disk needs nothing.
    bare.config.update(OBJECT_STORAGE=None, MEDIA_ROOT=str(tmp_path))
    storage_module.init_app(bare)
    assert isinstance(bare.extensions["phananh_storage"], LocalStorage)


def test_media_public_base_url_must_be_a_url(tmp_path):
    for env in (
        {"MEDIA_PUBLIC_BASE_URL": "cdn.example.vn"},
        {"MEDIA_PUBLIC_BASE_URL": "http://cdn.example.vn", "APP_ENV": "production"},
    ):
        with pytest.raises(ConfigError, match="MEDIA_PUBLIC_BASE_URL"):
            flask_config(Settings.from_env(env), str(tmp_path))
    config = flask_config(
        Settings.from_env({"MEDIA_PUBLIC_BASE_URL": "https://cdn.example.vn/"}), str(tmp_path)
    )
    assert config["MEDIA_PUBLIC_BASE_URL"] == "https://cdn.example.vn"
