"""Public figures (/public/v1/departments, /stats): the statistics service's, over HTTP,
with ETags and 304s on the public answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.api import caching
from backend.db import utcnow
from backend.localtime import local_tz
from backend.services import statistics
from backend.services.statistics import Period, Scope


@pytest.fixture
def handled(client, resident, submit, staff):
    """Two pothole reports at Sở Xây dựng; one resolved at once (on time)."""
    alice = resident("+84906666666")
    codes = [submit(alice).get_json()["code"] for _ in range(2)]
    officer = staff("so-xd.officer")
    response = client.post(
        f"/staff/v1/reports/{codes[0]}/resolve",
        data={"response": "Đã vá xong."},
        headers=officer,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    return codes


def test_stats_are_the_services_figures(app, client, handled):
    today = utcnow().astimezone(local_tz()).date()
    body = client.get("/public/v1/stats?department=so-xd&group=month").get_json()
    expected = statistics.summary(Scope(department="so-xd"), Period.last_months(today), utcnow())
    assert body["figures"] == expected["figures"]
    assert body["figures"]["received"] == 2 and body["figures"]["resolved_on_time"] == 1
    assert body["figures"]["on_time_rate"] == 0.5 and body["figures"]["timeliness_points"] == 11.11
    assert body["period"] == {"from": Period.last_months(today).start.isoformat(), "to": str(today)}
    assert len(body["by_month"]) == 12 and body["by_month"][-1]["figures"]["received"] == 2
    city = client.get("/public/v1/stats?admin_unit=92&group=admin_unit").get_json()
    assert city["figures"]["received"] == 2
    assert sum(u["figures"]["received"] for u in city["by_admin_unit"]) == 2


def test_departments_scoreboard(client, handled):
    body = client.get("/public/v1/departments").get_json()
    first = body["items"][0]
    assert first["rank"] == 1 and first["department"]["code"] == "so-xd"
    assert first["figures"]["points"] == 11.11 + 18.0  # half on time; nobody unsatisfied
    assert all(item["rank"] is None for item in body["items"][1:])
    one = client.get("/public/v1/departments/so-xd").get_json()
    assert one["figures"] == first["figures"] and len(one["by_month"]) == 12
    missing = client.get("/public/v1/departments/ioc")  # the coordinator is not scored
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "department_not_found"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-12-01&to=2026-11-01", "invalid_period"),
        ("from=2020-01-01&to=2026-01-01", "period_too_long"),
        ("from=yesterday", "validation_error"),
        ("department=khong-co", "unknown_department"),
        ("admin_unit=99-khong-co", "unknown_admin_unit"),
        ("group=week", "validation_error"),
    ],
)
def test_bad_stats_queries(client, city, query, code):
    response = client.get(f"/public/v1/stats?{query}")
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]["vi"] and error["message"]["en"]


@pytest.mark.parametrize(
    "path",
    [
        "/public/v1/reports",
        "/public/v1/reports/{code}",
        "/public/v1/stats",
        "/public/v1/departments",
    ],
)
def test_unchanged_answers_are_304(client, handled, staff, path, monkeypatch):
    url = path.format(code=handled[1])
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    # Anonymous: shareable by a CDN for a short while (backend.api.caching); figures for
    # PUBLIC_FIGURES_SECONDS, whatever is reported meanwhile.
    figures = path in ("/public/v1/stats", "/public/v1/departments")
    max_age = 300 if figures else 30
    assert first.headers["Cache-Control"] == (
        f"public, max-age={max_age}, stale-while-revalidate=30"
    )
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    weak = client.get(url, headers={"If-None-Match": "W/" + first.headers["ETag"]})
    assert weak.status_code == 304
    # A change on the record changes the answer and its ETag.
    client.post(
        f"/staff/v1/reports/{handled[1]}/resolve",
        data={"response": "Đã xử lý."},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    if figures:  # the figures' answer changes with their time bucket
        later = caching.time.time() + 300
        monkeypatch.setattr(caching.time, "time", lambda: later)
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


def test_period_defaults_to_the_last_twelve_months():
    period = Period.last_months(utcnow().date().replace(month=3, day=15))
    assert (period.start.month, period.start.day) == (4, 1)
    assert period.end - period.start < timedelta(days=366)
