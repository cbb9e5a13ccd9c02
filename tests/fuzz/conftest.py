"""Fuzzing the documented API with schemathesis (issue 12): every operation of
``/openapi.json``, with bounded generated examples, anonymous, as a resident and as staff.

Like the browser tests, the fuzzed app is always the embedded default with the demo (its
own SQLite file, inline jobs), whatever the CI pass: generated requests change data freely
(refuse reports, create accounts...), never the suite's database. Every answer must be no
5xx, and must match the response schema the document declares for its status code.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import event

from backend.config import Settings
from backend.db import db
from tests.conftest import _sqlite_without_fsync

#: Generated examples per operation and role (FUZZ_EXAMPLES overrides, e.g. for a long run).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))


def pytest_collection_modifyitems(config, items):
    # A long run of its own (a step of .ci/run), not part of every `pytest -n auto`.
    if os.environ.get("PHANANH_FUZZ", "").strip() == "1":
        return
    skip = pytest.mark.skip(reason="the API fuzz run: PHANANH_FUZZ=1 (a step of .ci/run)")
    for item in items:
        if "tests/fuzz/" in str(item.path).replace("\\", "/"):
            item.add_marker(skip)


@pytest.fixture(scope="package")
def fuzz_app(tmp_path_factory):
    from wsgi import create_app

    folder = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        Settings.from_env(
            {
                "APP_ENV": "development",
                "DATABASE_URL": f"sqlite:///{folder / 'fuzz.sqlite3'}",
                "MEDIA_ROOT": str(folder / "media"),
            }
        ),
        # No abuse limits: the fuzzer's own sign-ins must not be refused with 429.
        overrides={"MAP_TILE_URL": None, "RATELIMIT_ENABLED": False},
    )
    with app.app_context():  # a throw-away database: no fsync at each commit
        event.listen(db.engine, "connect", _sqlite_without_fsync)
        prepared = app.test_cli_runner().invoke(args=["quickstart", "--no-serve"])
    assert prepared.exit_code == 0, prepared.output
    return app


@pytest.fixture(scope="package")
def fuzz_schema(fuzz_app):
    from tests.fuzz.schema import make_schema

    return make_schema(fuzz_app)


# A fresh sign-in per operation: fuzzing a sign-out ends only that operation's token.
@pytest.fixture
def resident_headers(fuzz_app):
    from tests.factories import id_token

    answer = fuzz_app.test_client().post(
        "/mobile/v1/auth/firebase", json={"id_token": id_token("+84909990001", uid="fuzz-1")}
    )
    assert answer.status_code == 200, answer.get_json()
    return {"Authorization": "Bearer " + answer.get_json()["access_token"]}


@pytest.fixture
def staff_headers(fuzz_app):
    answer = fuzz_app.test_client().post(
        "/staff/v1/auth/login", json={"username": "admin", "password": "demo"}
    )
    assert answer.status_code == 200, answer.get_json()
    return {"Authorization": "Bearer " + answer.get_json()["access_token"]}
