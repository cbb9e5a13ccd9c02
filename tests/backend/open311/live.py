"""A live Open311 server for :mod:`test_live_client`, and the HTTP client a third party
would write against it.

The server is the real app under gunicorn in a separate process on a free loopback port,
started as the scale-out tests start theirs (:func:`tests.scaleout.conftest._server`),
on a database of its own: a SQLite file by default, or, when ``DATABASE_URL`` names a
PostgreSQL, ``<its name>_open311`` there (dropped after). Jobs run inline (no Redis), so a
photo's renditions exist when the POST answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backend.db import commit, db, utcnow
from backend.services import open311_clients
from tests.backend.open311.conformance import check_xml, validate_json
from tests.faults.conftest import ROOT, build_app, service_env, wait_for
from tests.scaleout.conftest import _ready, _server

PREFIX = "/open311/v2"
#: TP Cần Thơ, the demo's first hosted province (the deployment hosts two).
JURISDICTION = "92"
FORMATS = ("json", "xml")
#: XML containers whose children are a list (the JSON answer's arrays).
XML_LISTS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "notes": "note",
}


# -- what the client files ------------------------------------------------------------

PHOTOS = ROOT / "tests" / "fixtures" / "photos"
#: A camera photo with GPS coordinates in its EXIF (the original must never be served).
PHOTO = PHOTOS / "DSCN0010.jpg"
SERVICE = "o311-via-he"
LAT, LONG = 10.0315, 105.7852  # Ninh Kiều, TP Cần Thơ
QUESTIONS = [
    ("plate", "string", False),
    ("details", "text", False),
    ("width", "number", True),
    ("seen_at", "datetime", False),
    ("side", "singlevaluelist", True),
    ("objects", "multivaluelist", False),
]
VALUES = {
    "side": [("left", "Bên trái", "Left"), ("right", "Bên phải", "Right")],
    "objects": [("table", "Bàn ghế", "Tables"), ("stall", "Quầy hàng", "Stalls")],
}
#: POST requests answers 200 or 201 (GeoReport v2 names no success code; clients take both).
POSTED = (200, 201)


def category() -> dict:
    """The category made through the staff API: a question of every datatype."""
    questions = []
    for order, (code, datatype, required) in enumerate(QUESTIONS, start=1):
        questions.append(
            {
                "code": code,
                "datatype": datatype,
                "required": required,
                "order": order,
                "description_vi": f"Câu hỏi {code}",
                "description_en": f"Question {code}",
                "values": [
                    {"key": k, "name_vi": vi, "name_en": en} for k, vi, en in VALUES.get(code, [])
                ],
            }
        )
    return {
        "code": SERVICE,
        "name_vi": "Lấn chiếm vỉa hè (Open311)",
        "name_en": "Pavement encroachment (Open311)",
        "group": "do_thi",
        "default_severity": "normal",
        "photo_required": False,
        "questions": questions,
    }


def form(live: Live, **more) -> dict:
    """A complete POST requests body in :func:`category`; ``more`` replaces or adds
    fields (None: drops one)."""
    body = {
        "api_key": live.key,
        "jurisdiction_id": JURISDICTION,
        "service_code": SERVICE,
        "lat": str(LAT),
        "long": str(LONG),
        "description": "Quán nước lấn chiếm toàn bộ vỉa hè trước số 12 Hòa Bình",
        "email": "nguoidan.open311@example.com",
        "first_name": "Lan",
        "last_name": "Nguyễn",
        "phone": "+84911222333",
        "device_id": "device-open311-1",
        "attribute[width]": "2.5",
        "attribute[side]": "left",
        "attribute[plate]": "65A-123.45",
        "attribute[details]": "Bàn ghế kê kín lối đi",
        "attribute[seen_at]": "2026-12-01T07:30:00+07:00",
        "attribute[objects][]": ["table", "stall"],
    }
    body.update(more)
    return {k: v for k, v in body.items() if v is not None}


def gps_photo() -> dict:
    """``media``: the camera photo with GPS coordinates."""
    return {"media": (PHOTO.name, PHOTO.read_bytes(), "image/jpeg")}


def plain_photo() -> dict:
    """``media``: a photo without coordinates (the place is the posted lat/long)."""
    return {"media": ("jolla.jpg", (PHOTOS / "jolla.jpg").read_bytes(), "image/jpeg")}


def xml_to_python(element: ET.Element):
    """The XML answer in the JSON answer's shape (leaves as text, an empty one None)."""
    if element.tag in XML_LISTS:
        return [xml_to_python(child) for child in element]
    if len(element) == 0:
        return (element.text or "").strip() or None
    tags = [child.tag for child in element]
    if len(set(tags)) < len(tags):  # repeated elements (a multi-value answer): a list
        return [xml_to_python(child) for child in element]
    return {child.tag: xml_to_python(child) for child in element}


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    data: object  # the JSON, or the XML in the JSON's shape


@dataclass
class Live:
    base_url: str
    env: dict[str, str]
    key: str
    revoked_key: str
    http: requests.Session

    def url(self, path: str, fmt: str) -> str:
        return f"{self.base_url}{PREFIX}/{path}.{fmt}"

    def call(
        self,
        method: str,
        path: str,
        fmt: str,
        kind: str,
        *,
        expect: int | tuple[int, ...] = 200,
        params=None,
        data=None,
        files=None,
        headers=None,
    ) -> Answer:
        """One call as a client makes it; the answer must have the ``expect`` status and
        conform to the ``kind`` answer (its JSON Schema, or the XML structure)."""
        response = self.http.request(
            method,
            self.url(path, fmt),
            params=params,
            data=data,
            files=files,
            headers=headers,
            timeout=30,
        )
        answer = answer_of(response, fmt, kind)
        assert response.status_code in (expect if isinstance(expect, tuple) else (expect,)), (
            f"{method} {path}.{fmt}: {response.status_code}, not {expect}: {response.text[:800]}"
        )
        return answer

    def staff(self, username: str) -> dict[str, str]:
        """The bearer header of a demo staff account (password ``demo``)."""
        signed = self.http.post(
            f"{self.base_url}/staff/v1/auth/login",
            json={"username": username, "password": "demo"},
            timeout=30,
        )
        assert signed.status_code == 200, signed.text
        return {"Authorization": f"Bearer {signed.json()['access_token']}"}


def answer_of(response: requests.Response, fmt: str, kind: str) -> Answer:
    content_type = response.headers.get("Content-Type", "")
    if fmt == "json":
        assert content_type.startswith("application/json"), (
            f"{response.request.method} {response.url}: Content-Type {content_type!r}: "
            f"{response.text[:300]}"
        )
        data = response.json()
        validate_json(kind, data)
    else:
        assert content_type.startswith(("text/xml", "application/xml")), (
            f"{response.request.method} {response.url}: Content-Type {content_type!r}: "
            f"{response.text[:300]}"
        )
        data = xml_to_python(check_xml(response.content, kind))
    return Answer(response.status_code, content_type, response.content, data)


def flask_command(env: dict[str, str], *args: str) -> str:
    """``flask --app wsgi <args>`` as the deployment's operator runs it; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _printed(output: str, label: str) -> str:
    for line in output.splitlines():
        if line.startswith(f"{label}: "):
            return line.split(": ", 1)[1].strip()
    raise AssertionError(f"no {label!r} in:\n{output}")


@contextmanager
def _database(folder: Path) -> Iterator[str]:
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql")):
        yield f"sqlite:///{folder / 'open311.sqlite3'}"
        return
    parsed = make_url(configured)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = f"{parsed.database or 'phananh'}_open311{'_' + worker if worker else ''}"
    admin = create_engine(
        parsed.set(drivername="postgresql+psycopg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield parsed.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def live_open311(folder: Path) -> Iterator[Live]:
    """Migrate and seed the demo city (no reports), revoke a key, serve with gunicorn and
    issue the client's key with ``flask open311 issue-key``; yields the running server."""
    with _database(folder) as database_url:
        env = service_env(
            database_url,
            folder / "media",
            MODERATION_MODE="flagged",  # an insult holds the request: token first
            DUPLICATE_SUBMISSION_SECONDS="0",
            LIMIT_REPORTS_RESIDENT="1000/minute",
            LIMIT_REPORTS_ADDRESS="1000/minute",
            LIMIT_OPEN311_CLIENT="1000/minute",
            REPORTS_DAILY_CAP="1000",
            PYTHONUNBUFFERED="1",
        )
        app = build_app(env, schema=True)
        with app.app_context():  # a key revoked at once (the CLI's revoke-key is the same call)
            old, revoked_key = open311_clients.issue(None, "Ứng dụng cũ", utcnow())
            open311_clients.revoke(None, old.id, utcnow())
            commit()
            db.engine.dispose()
        process, base_url = _server("open311", env)
        try:
            # The administrator's command, while gunicorn starts (each takes a few seconds).
            output = flask_command(env, "open311", "issue-key", "--name", "Ứng dụng thử")
            key = _printed(output, "key")
            wait_for(lambda: _ready(process, base_url), 90, "the Open311 server to answer")
            with requests.Session() as http:
                yield Live(base_url, env, key, revoked_key, http)
        finally:
            output = process.output
            process.stop()
            if "Traceback" in output:  # the server's own errors, for whoever reads the failure
                sys.stderr.write(f"--- the Open311 server's log ---\n{output[-6000:]}\n")
