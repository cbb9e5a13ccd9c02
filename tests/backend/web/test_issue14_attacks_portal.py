"""Issue 14 seen by an attacker, the portal's figures pages on their own clock: a unit's
page lists its latest reports, so a report refused, redacted or with a photo hidden by a
moderator must leave it at once, not when the figures' 300 s bucket ends; the query's
order of repeated arguments is not the same request."""

from __future__ import annotations

import pytest

from backend.db import db
from backend.models import Report

UNIT = "so-xd"  # where a road report (giao-thong) in Ninh Kiều goes
PAGES = (f"/departments/{UNIT}", f"/p/can-tho/departments/{UNIT}")


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


@pytest.fixture
def listed(client, resident, submit):
    """A published road report, listed on its unit's pages (now in the shared cache)."""
    code = submit(resident("+84906671001"), description="Ổ gà sâu gọi 0901234567 Hưng").get_json()[
        "code"
    ]
    for url in PAGES:
        assert code in _html(client, url)
        assert client.get(url).headers["Cache-Control"].startswith("public")  # a cache hit
    return code


def test_a_refused_report_leaves_the_units_page_at_once(client, staff, listed):
    refused = client.post(
        f"/staff/v1/reports/{listed}/reject", json={"reason": "Spam"}, headers=staff("coordinator")
    )
    assert refused.status_code == 200, refused.get_json()
    for url in PAGES:
        assert listed not in _html(client, url), url


def test_a_redacted_text_leaves_the_units_page_at_once(client, staff, listed):
    edited = client.put(
        f"/moderation/v1/reports/{listed}/public-text",
        headers=staff("moderator"),
        json={"text": "Ổ gà sâu", "reason": "Tên người"},
    )
    assert edited.status_code == 200, edited.get_json()
    for url in PAGES:
        html = _html(client, url)
        assert listed in html and "Hưng" not in html, url


def test_a_hidden_photo_leaves_the_units_page_at_once(client, staff, listed, run_jobs):
    thumb = client.get(f"/public/v1/reports?department={UNIT}").get_json()["items"][0]
    assert thumb["code"] == listed and thumb["thumb_url"]
    for url in PAGES:
        assert thumb["thumb_url"] in _html(client, url)
    photo_id = db.session.query(Report).filter_by(code=listed).one().photos[0].id
    hidden = client.post(
        f"/moderation/v1/reports/{listed}/photos/{photo_id}/hide",
        headers=staff("moderator"),
        json={"reason": "Lộ biển số xe"},
    )
    assert hidden.status_code == 200, hidden.get_json()
    run_jobs()
    for url in PAGES:
        assert thumb["thumb_url"] not in _html(client, url), url


def test_a_units_page_follows_new_reports_the_scoreboard_does_not(client, resident, submit, listed):
    """A unit's page lists its latest reports: keyed like the lists (a new report replaces
    it at once); the scoreboard is figures only, kept on the figures' clock."""
    unit_page, scoreboard = client.get(PAGES[0]), client.get("/departments")
    submit(resident("+84906671002"))
    assert client.get(PAGES[0]).headers["ETag"] != unit_page.headers["ETag"]
    assert client.get("/departments").headers["ETag"] == scoreboard.headers["ETag"]


def test_repeated_arguments_in_another_order_are_another_request(client, city):
    """``?from=A&from=B`` is read as A: its answer is not B's (``?from=B&from=A``)."""
    first = "/departments?from=2025-01-01&from=2026-01-01&to=2026-06-30"
    second = "/departments?from=2026-01-01&from=2025-01-01&to=2026-06-30"
    a = _html(client, first)
    b = _html(client, second)
    assert 'value="2025-01-01"' in a and 'value="2026-01-01"' in b
    assert a != b


@pytest.mark.parametrize(
    "url",
    [
        "/provinces?province=vinh-long",
        "/departments?code=so-xd",
        "/p/can-tho/departments?code=so-xd",
        "/provinces?_external=1&_scheme=javascript&x=%0Aalert(1)",
        "/departments?_external=1&_scheme=javascript&x=%0Aalert(1)",
        "/departments?_anchor=x&_method=POST",
    ],
)
def test_the_figures_pages_links_keep_only_the_period(client, city, url):
    """The ranking's and scoreboard's links carry the period on, never any argument: a
    name of the link's own (``province``, ``code``) was a 500, ``_external``/``_scheme``
    made a ``javascript:`` link on the page (and in the shared cache)."""
    html = _html(client, url)
    assert "javascript:" not in html and "alert(1)" not in html
    assert "#x" not in html.replace("_anchor=x", "")  # the links have no fragment


def test_the_figures_pages_links_carry_the_period(client, city):
    html = _html(client, "/provinces?from=2026-01-01&to=2026-03-31")
    assert "/p/can-tho/departments?from=2026-01-01&amp;to=2026-03-31" in html
    html = _html(client, "/departments?from=2026-01-01&to=2026-03-31")
    assert "/departments/so-xd?from=2026-01-01&amp;to=2026-03-31" in html
