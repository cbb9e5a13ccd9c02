"""The public list's paging contract: a bounded count, page numbers for shallow pages,
cursors for any depth (every row exactly once while new reports arrive)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect

from backend.db import commit, db, utcnow
from backend.models import Report
from backend.services import paging
from tests.factories import file_report, new_resident


@pytest.fixture
def seven(app, city):
    """Seven public reports, a minute apart (the newest last)."""
    alice = new_resident("paging-alice", "+84907000001")
    start = utcnow() - timedelta(hours=1)
    return [_published(file_report(alice, start + timedelta(minutes=i))) for i in range(7)]


def _published(report) -> str:
    """Filed at one place, the duplicate check holds them for a moderator: approve."""
    report = db.session.get(Report, inspect(report).identity[0])  # the jobs ended its session
    report.moderation_status = None
    commit()
    return report.code


def _walk(client, query: str, arrive=None) -> list[str]:
    seen, url = [], f"/public/v1/reports?page_size=2&{query}"
    while url:
        body = client.get(url).get_json()
        seen += [item["code"] for item in body["items"]]
        if arrive:
            arrive()
        url = (
            f"/public/v1/reports?page_size=2&{query}&cursor={body['next']}"
            if body["next"]
            else None
        )
    return seen


def test_the_page_says_its_count_and_the_next_cursor(client, seven):
    body = client.get("/public/v1/reports?page_size=3").get_json()
    assert body["total"] == 7 and body["total_exact"] is True
    assert [item["code"] for item in body["items"]] == seven[::-1][:3]
    assert body["next"].startswith("c1.")
    last = client.get("/public/v1/reports?page_size=3&page=3").get_json()
    assert [item["code"] for item in last["items"]] == [seven[0]] and last["next"] is None


def test_cursors_give_every_row_once_while_reports_arrive(client, seven):
    bob = new_resident("paging-bob", "+84907000002")
    arrived = []

    def arrive():
        arrived.append(_published(file_report(bob, utcnow())))

    assert _walk(client, "", arrive) == seven[::-1]  # the new ones are above the first page
    assert len(arrived) == 4
    assert _walk(client, "") == [*arrived[::-1], *seven[::-1]]


def test_the_count_stops_at_the_cap(client, seven, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    body = client.get("/public/v1/reports?page_size=2").get_json()
    assert body["total"] == 5 and body["total_exact"] is False
    monkeypatch.setattr(paging, "COUNT_CAP", 7)
    assert client.get("/public/v1/reports").get_json()["total_exact"] is True


def test_deep_pages_are_refused_with_a_pointer_to_the_cursor(client, seven, monkeypatch):
    monkeypatch.setattr(paging, "MAX_OFFSET", 4)
    assert client.get("/public/v1/reports?page_size=2&page=2").status_code == 200
    response = client.get("/public/v1/reports?page_size=2&page=3")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "page_too_deep" and "cursor" in error["message"]["en"]
    assert error["message"]["vi"] and "page" in error["fields"]


@pytest.mark.parametrize("cursor", ["nope", "c1.!!!", "c1.bm9wZQ", "c1." + "A" * 80, "c1.MDow"])
def test_a_bad_cursor_is_a_422(client, city, cursor):
    response = client.get(f"/public/v1/reports?cursor={cursor}")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] in ("invalid_cursor", "validation_error")


def test_the_portal_board_says_more_than_and_links_the_next_page_by_cursor(
    client, seven, monkeypatch
):
    from backend.web import views

    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    page = client.get("/?page=2").get_data(as_text=True)
    assert "hơn 4" in page  # the portal's default language is Vietnamese
    assert "cursor=c1." in page  # the counted pages end here: the next one by its cursor
    cursor = page.split("cursor=")[1].split('"')[0]
    after = client.get(f"/?cursor={cursor}").get_data(as_text=True)
    assert seven[2] in after and seven[1] in after and seven[3] not in after
