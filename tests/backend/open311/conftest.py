"""The live Open311 server of ``test_live_client`` and ``test_live_errors``: one per
package (so one per xdist worker that runs either file), with the client's category."""

from __future__ import annotations

import pytest

from tests.backend.open311.live import Live, category, live_open311
from tests.faults.conftest import wait_for
from tests.scaleout.conftest import _ready, _server


@pytest.fixture(scope="package")
def live(tmp_path_factory) -> Live:
    with live_open311(tmp_path_factory.mktemp("open311")) as server:
        admin = server.staff("admin")
        created = server.http.post(
            f"{server.base_url}/staff/v1/admin/categories",
            headers=admin,
            json=category(),
            timeout=30,
        )
        assert created.status_code == 201, created.text
        yield server


@pytest.fixture(scope="package")
def as_deployed(live):
    """A second server of the same deployment with the default duplicate window
    (DUPLICATE_SUBMISSION_SECONDS: 120 s, where ``live`` has none) and a client limit of
    five requests a minute (LIMIT_OPEN311_CLIENT)."""
    env = {k: v for k, v in live.env.items() if k != "DUPLICATE_SUBMISSION_SECONDS"}
    process, base_url = _server("open311-default", env | {"LIMIT_OPEN311_CLIENT": "5/minute"})
    try:
        wait_for(lambda: _ready(process, base_url), 90, "the second server to answer")
        yield base_url
    finally:
        process.stop()
