"""The shared response cache of public reads (backend.cache, backend.api.caching): a
change invalidates what shows it, a 304 costs nothing, nothing personal is shared."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from backend.db import db


@pytest.fixture
def two(client, resident, submit, staff):
    alice = resident("+84906660001")
    return [submit(alice).get_json()["code"] for _ in range(2)]


def _statements(run) -> int:
    sent = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(sent)


PAGES = ["/public/v1/reports/{code}", "/r/{code}", "/public/v1/reports", "/", "/departments"]
#: The scoreboard is figures: PUBLIC_FIGURES_SECONDS (tests/backend/api/test_caching.py).
MAX_AGE = {"/departments": 300}


@pytest.mark.parametrize("path", PAGES)
def test_a_second_read_comes_from_the_cache_and_a_304_costs_one_lookup(client, two, path):
    url = path.format(code=two[0])
    first = client.get(url)
    assert first.status_code == 200
    max_age = MAX_AGE.get(path, 30)
    assert first.headers["Cache-Control"] == f"public, max-age={max_age}, stale-while-revalidate=30"
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = []
    assert _statements(lambda: again.append(client.get(url))) <= 1  # the report's id at most
    assert again[0].get_data() == first.get_data() and again[0].headers["ETag"] == etag
    not_modified = []
    assert (
        _statements(lambda: not_modified.append(client.get(url, headers={"If-None-Match": etag})))
        <= 1
    )
    assert not_modified[0].status_code == 304 and not_modified[0].get_data() == b""


@pytest.mark.parametrize(
    "path", ["/public/v1/reports/{code}", "/r/{code}", "/public/v1/reports", "/"]
)
def test_a_change_to_the_report_invalidates_its_page_and_the_lists(client, two, staff, path):
    url = path.format(code=two[0])
    before = client.get(url)
    other = client.get(f"/public/v1/reports/{two[1]}")
    response = client.post(
        f"/staff/v1/reports/{two[0]}/resolve",
        data={"response": "Đã vá xong ổ gà."},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    # What the page shows of the change: the response on the report's pages, the status
    # in the list (JSON) and on the board's row (its status class).
    shown = {
        "/public/v1/reports/{code}": "Đã vá xong ổ gà.",
        "/r/{code}": "Đã vá xong ổ gà.",
        "/public/v1/reports": '"resolved"',
        "/": "status-resolved",
    }[path]
    text, old = after.get_data(as_text=True), before.get_data(as_text=True)
    assert text.count(shown) > old.count(shown), (path, shown)
    # The other report's page was not touched: still the same answer, still cached.
    same = client.get(
        f"/public/v1/reports/{two[1]}", headers={"If-None-Match": other.headers["ETag"]}
    )
    assert same.status_code == 304


def test_signed_in_answers_are_never_shared(client, two, staff):
    url = f"/public/v1/reports/{two[0]}"
    anonymous = client.get(url)
    signed_in = client.get(url, headers=staff("so-xd.officer"))
    assert signed_in.status_code == 200
    assert "public" not in signed_in.headers["Cache-Control"]
    assert signed_in.headers["Cache-Control"] == "no-cache"
    assert signed_in.headers["ETag"] != anonymous.headers["ETag"]


def test_errors_and_language_changes_are_not_cached(client, city):
    missing = client.get("/public/v1/reports/PA-2000-999999")
    assert missing.status_code == 404 and "public" not in missing.headers.get("Cache-Control", "")
    bad = client.get("/public/v1/reports?status=nope")
    assert bad.status_code == 422 and "public" not in bad.headers.get("Cache-Control", "")
    english = client.get("/?lang=en")
    assert "Set-Cookie" in english.headers and "public" not in english.headers["Cache-Control"]


def test_the_cache_is_off_when_configured(app, client, two):
    app.config["PUBLIC_CACHE"] = False
    response = client.get(f"/public/v1/reports/{two[0]}")
    assert response.headers["Cache-Control"] == "no-cache"


def test_the_time_bucket_is_in_the_key(app, client, two, monkeypatch):
    from backend.api import caching

    url = f"/public/v1/reports/{two[0]}"
    monkeypatch.setattr(caching.time, "time", lambda: 1_000_000.0)
    first = client.get(url).headers["ETag"]
    monkeypatch.setattr(caching.time, "time", lambda: 1_000_000.0 + 31)
    assert client.get(url).headers["ETag"] != first  # the working hours left may have changed
