"""Photos in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2...): boto3.

The objects are named ``S3_PREFIX`` + the app's key. None is ever given an ACL: the
bucket stays private, and the bucket policy (README, "Photos in object storage") lets
anyone read ``<prefix>public/*`` only, the metadata-free renditions. Originals are read
with the app's credentials, never through a public URL.

Uploads stream from the file object (the request's spooled upload) in one PUT, whole or
not at all; a store that cannot be reached answers within seconds (short timeouts, one
retry), as :class:`backend.storage.StorageError`, which the intake answers
``503 storage_unavailable`` and the rendition job leaves pending.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from backend.config_values import ConfigError, ObjectStorage
from backend.storage import RENDITION_CACHE_CONTROL, Data, StorageError, check_key

#: One PUT per photo (a photo is at most MAX_PHOTO_BYTES, far below this): no multipart
#: parts held in memory, no half-finished multipart upload left behind.
_TRANSFER = TransferConfig(multipart_threshold=256 * 1024 * 1024, use_threads=False)
_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    def __init__(self, settings: ObjectStorage, *, public_base_url: str | None = None, client=None):
        self.bucket = settings.bucket
        self.prefix = settings.prefix
        self.region = settings.region or "us-east-1"
        self.endpoint_url = settings.endpoint_url
        self.public_base_url = public_base_url
        self.client = client or self._client(settings)

    def _client(self, settings: ObjectStorage):
        session = boto3.session.Session(
            aws_access_key_id=settings.access_key_id,
            aws_secret_access_key=settings.secret_access_key,
            region_name=self.region,
        )
        try:
            found = session.get_credentials()
        except (BotoCoreError, ValueError) as exc:  # a broken profile, container URI...
            raise ConfigError(f"S3_BUCKET is {self.bucket!r} but its credentials: {exc}") from exc
        if found is None:
            raise ConfigError(
                f"S3_BUCKET is {self.bucket!r} but no credentials were found: set "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give the machine a role"
            )
        config = Config(
            connect_timeout=3,
            read_timeout=10,
            retries={"max_attempts": 2, "mode": "standard"},
            s3={"addressing_style": "path" if self.endpoint_url else "auto"},
        )
        return session.client("s3", endpoint_url=self.endpoint_url, config=config)

    def object_name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: Data, content_type: str) -> None:
        extra = {"ContentType": content_type}
        if key.startswith("public/"):
            extra["CacheControl"] = RENDITION_CACHE_CONTROL
        body = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
        with _errors(key):
            self.client.upload_fileobj(
                body, self.bucket, self.object_name(key), ExtraArgs=extra, Config=_TRANSFER
            )

    def get(self, key: str) -> bytes:
        with _errors(key):
            answer = self.client.get_object(Bucket=self.bucket, Key=self.object_name(key))
            with answer["Body"] as body:
                return body.read()

    def delete(self, key: str) -> None:
        with _errors(key):
            self.client.delete_object(Bucket=self.bucket, Key=self.object_name(key))

    def exists(self, key: str) -> bool:
        try:
            with _errors(key):
                self.client.head_object(Bucket=self.bucket, Key=self.object_name(key))
        except FileNotFoundError:
            return False
        return True

    def url(self, key: str) -> str | None:
        if not key.startswith("public/"):
            return None  # originals have no URL, whatever the bucket allows
        name = quote(self.object_name(key))
        if self.public_base_url:
            return f"{self.public_base_url}/{name}"
        if self.endpoint_url:
            return f"{self.endpoint_url}/{self.bucket}/{name}"
        return f"https://{self.bucket}.s3.{self.region}.amazonaws.com/{name}"

    def stored_keys(self, prefix: str = "") -> Iterator[str]:
        """The app's keys stored under ``prefix`` (for tests and the migration)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        with _errors(prefix):
            for page in pages:
                for item in page.get("Contents", ()):
                    yield item["Key"].removeprefix(self.prefix)


@contextmanager
def _errors(key: str):
    """botocore's errors as the storage's: a missing key, or the store failing."""
    try:
        yield
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in _MISSING:
            raise FileNotFoundError(key) from exc
        raise StorageError(f"object storage refused {key!r}: {code or exc}") from exc
    except (BotoCoreError, Boto3Error) as exc:  # unreachable, timed out, upload failed...
        raise StorageError(f"object storage unavailable for {key!r}: {exc}") from exc
