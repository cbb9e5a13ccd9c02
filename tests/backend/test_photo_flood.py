"""A flood of huge-but-small photos does not stop the API.

Four residents send at the same moment, to a live threaded server, the worst photos the
intake accepts: 7000x7000 PNGs (49 MP in about 150 kB each). Intake decodes no pixel (a
guard fails any decode while photos are inspected), so every submission gets a proper
answer, 201 or the 422 envelope, never a 500, no report is created behind an error, and
``/healthz`` keeps answering throughout. (How fast is measured by
bench/photos.py, never here.)
"""

from __future__ import annotations

import threading

import pytest
import requests
from werkzeug.serving import make_server

from backend.db import db
from backend.models import Report
from tests.backend.media.test_intake_cost import flat_png
from tests.backend.services.test_photo_limits import intake_decodes_nothing
from tests.conftest import NINH_KIEU

# Several threads commit on their own connections (see tests/conftest.py).
pytestmark = pytest.mark.committed

WAIT = 120  # seconds: generous, this asserts answers, not speed


def _json(response: requests.Response) -> dict:
    try:
        return response.json()
    except ValueError:
        return {"not_json": response.text[:300]}


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_photo_flood_gets_proper_answers_while_healthz_answers(
    live_server, resident, monkeypatch
) -> None:
    intake_decodes_nothing(monkeypatch)
    big = flat_png(7000, 7000)
    # Six 49 MP photos exceed the request's pixel budget (422); three fit it (201).
    floods = [(resident(f"+8490100000{i}"), 6 if i % 2 else 3) for i in range(4)]
    answers: list[tuple[int, int, dict]] = []
    barrier = threading.Barrier(len(floods) + 1)

    def send(headers: dict, count: int) -> None:
        barrier.wait()
        response = requests.post(
            f"{live_server}/mobile/v1/reports",
            data={
                "category": "giao-thong",
                "description": "Ổ gà lớn trên đường Hai Bà Trưng",
                "lat": str(NINH_KIEU[0]),
                "lng": str(NINH_KIEU[1]),
            },
            files=[("photos", (f"{i}.png", big, "image/png")) for i in range(count)],
            headers=headers,
            timeout=WAIT,
        )
        answers.append((count, response.status_code, _json(response)))

    threads = [threading.Thread(target=send, args=flood) for flood in floods]
    for thread in threads:
        thread.start()
    barrier.wait()
    health: list[int] = []
    while any(thread.is_alive() for thread in threads) or not health:
        health.append(requests.get(f"{live_server}/healthz", timeout=WAIT).status_code)
    for thread in threads:
        thread.join()

    assert health and set(health) == {200}, health
    assert sorted((count, status) for count, status, _ in answers) == [
        (3, 201),
        (3, 201),
        (6, 422),
        (6, 422),
    ], answers
    for count, _status, body in answers:
        if count == 6:
            assert body["error"]["code"] == "photos_too_many_pixels"
            assert body["error"]["message"]["vi"] and body["error"]["message"]["en"]
    created = {body["code"] for _, status, body in answers if status == 201}
    db.session.remove()
    assert {report.code for report in db.session.query(Report)} == created
