"""A real S3 API on the loopback: moto's server mode, started once per session on a free
port (never a mock of boto3). Each test gets a bucket of its own, private, with the
bucket policy the README gives: anyone may read ``<prefix>public/*``, nothing else."""

from __future__ import annotations

import json
import secrets
import socket
from dataclasses import dataclass

import boto3
import pytest

from backend.config_values import ObjectStorage
from backend.storage_s3 import S3Storage

KEY_ID, SECRET = "phananh-test", "phananh-test-secret"
PREFIX = "phananh/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def public_renditions_policy(bucket: str, prefix: str = PREFIX) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublicRenditions",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/{prefix}public/*",
                }
            ],
        }
    )


class S3Server:
    """One moto server; ``stop()``/``start()`` make an outage (moto keeps its buckets)."""

    def __init__(self):
        from moto.server import ThreadedMotoServer

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )


@pytest.fixture(scope="session")
def s3_server():
    pytest.importorskip("moto.server", reason="moto[server] is in the test extra")
    server = S3Server()
    server.start()
    yield server
    server.stop()


@dataclass
class Bucket:
    name: str
    storage: S3Storage
    admin: object  # a boto3 client with the app's credentials

    def names(self) -> list[str]:
        listed = self.admin.list_objects_v2(Bucket=self.name).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    def object_url(self, key: str) -> str:
        """The object's plain URL (what anyone without credentials would fetch)."""
        return f"{self.storage.endpoint_url}/{self.name}/{self.storage.object_name(key)}"


def make_bucket(server: S3Server, *, policy: bool = True) -> Bucket:
    name = f"phananh-{secrets.token_hex(6)}"
    admin = server.client()
    admin.create_bucket(Bucket=name)
    if policy:
        admin.put_bucket_policy(Bucket=name, Policy=public_renditions_policy(name))
    settings = ObjectStorage(
        bucket=name,
        prefix=PREFIX,
        endpoint_url=server.url,
        region="us-east-1",
        access_key_id=KEY_ID,
        secret_access_key=SECRET,
    )
    return Bucket(name=name, storage=S3Storage(settings), admin=admin)


@pytest.fixture
def bucket(app, s3_server) -> Bucket:
    """A fresh bucket, and the app's photo store for this test (restored afterwards)."""
    made = make_bucket(s3_server)
    app.extensions["phananh_storage"] = made.storage
    return made
