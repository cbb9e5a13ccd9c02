"""The public response cache across time (backend.api.caching, backend.cache_store): when a
time bucket ends the previous answer is served while one request rebuilds it; a failed
rebuild leaves nothing behind; figures follow their own bucket, not each new report; two
app servers sharing Redis see a change at once."""

from __future__ import annotations

import threading

import pytest

from backend.api import caching, public
from backend.jobs import redis_connection

T0 = 1_800_000_000.0  # a time bucket boundary of 30 s and of 300 s


@pytest.fixture
def clock(monkeypatch):
    """The caches' clock (the time buckets), moved on by the test."""
    now = [T0]
    monkeypatch.setattr(caching.time, "time", lambda: now[0])
    return now


@pytest.fixture
def code(resident, submit):
    return submit(resident("+84906670001")).get_json()["code"]


def test_past_its_bucket_the_previous_answer_is_served_while_one_request_rebuilds(
    app, client, code, clock, monkeypatch
):
    url = f"/public/v1/reports/{code}"
    old = client.get(url)
    clock[0] += 30  # the next bucket: the same report, a new version to build

    built, entered, go_on = [], threading.Event(), threading.Event()
    view = public.read_model.build

    def slow_build(*args, **kwargs):
        built.append(1)
        entered.set()
        assert go_on.wait(20)
        return view(*args, **kwargs)

    monkeypatch.setattr(public.read_model, "build", slow_build)
    rebuilt = []
    rebuilder = threading.Thread(target=lambda: rebuilt.append(app.test_client().get(url)))
    rebuilder.start()
    try:
        assert entered.wait(20)
        # Meanwhile everybody else gets the previous answer, without building it.
        during = [client.get(url) for _ in range(3)]
    finally:
        go_on.set()
        rebuilder.join(20)
    assert len(built) == 1
    for response in during:
        assert response.status_code == 200
        assert response.get_data() == old.get_data()
        assert response.headers["ETag"] == old.headers["ETag"]
    assert rebuilt[0].status_code == 200 and rebuilt[0].headers["ETag"] != old.headers["ETag"]
    after = client.get(url)  # the rebuilt answer, from the cache
    assert after.headers["ETag"] == rebuilt[0].headers["ETag"] and len(built) == 1


def test_a_rebuild_that_fails_leaves_no_lock_and_is_not_kept(client, code, clock, monkeypatch):
    url = f"/public/v1/reports/{code}"
    old = client.get(url)
    clock[0] += 30
    view = public.read_model.build
    monkeypatch.setattr(public.read_model, "build", lambda *a, **k: 1 / 0)
    failed = client.get(url)
    assert failed.status_code == 500 and "public" not in failed.headers.get("Cache-Control", "")
    monkeypatch.setattr(public.read_model, "build", view)
    # Not the old answer behind a lock left by the failure: built again, at once.
    again = client.get(url)
    assert again.status_code == 200 and again.headers["ETag"] != old.headers["ETag"]


def test_a_change_is_never_hidden_behind_the_previous_bucket(client, code, clock, staff):
    """Stale answers are only for a bucket that ended, never for a changed report."""
    url = f"/public/v1/reports/{code}"
    client.get(url)
    clock[0] += 30
    response = client.post(
        f"/staff/v1/reports/{code}/resolve",
        data={"response": "Đã vá xong ổ gà."},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    assert "Đã vá xong ổ gà." in client.get(url).get_data(as_text=True)


FIGURES = ["/public/v1/stats", "/public/v1/departments", "/public/v1/provinces"]


def _received(body: dict) -> int:
    if "items" in body:  # ranked units or provinces
        return sum(item["figures"]["received"] for item in body["items"])
    return body["figures"]["received"]


@pytest.mark.parametrize("path", FIGURES)
def test_figures_stay_cached_across_a_new_report_and_change_after_their_bucket(
    client, resident, submit, clock, path
):
    alice = resident("+84906670002")
    submit(alice)
    before = client.get(path)
    assert before.status_code == 200, before.get_json()
    assert before.headers["Cache-Control"] == "public, max-age=300, stale-while-revalidate=30"
    submit(alice)  # a new report: the board changes, the figures keep their answer
    same = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert same.status_code == 304
    assert client.get("/public/v1/reports").get_json()["total"] == 2
    clock[0] += 300
    after = client.get(path)
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert _received(after.get_json()) == _received(before.get_json()) + 1


def test_portal_figures_pages_follow_the_figures_bucket(client, resident, submit, clock):
    submit(resident("+84906670003"))
    for path in ("/departments", "/provinces"):
        page = client.get(path)
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "public, max-age=300, stale-while-revalidate=30"
        assert "Content-Security-Policy" in page.headers  # the pages' security headers too


def test_the_figures_bucket_is_a_setting(app, client, clock):
    app.config["PUBLIC_FIGURES_SECONDS"] = 60
    first = client.get("/public/v1/stats")
    assert first.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=30"
    clock[0] += 60
    assert client.get("/public/v1/stats").headers["ETag"] != first.headers["ETag"]


def test_a_renamed_unit_shows_on_the_scoreboard_at_once(client, city, clock):
    from backend.db import db
    from backend.models import Department

    before = client.get("/public/v1/departments")
    unit = db.session.scalar(db.select(Department).where(Department.code == "so-xd"))
    unit.name = "Sở Xây dựng (đổi tên)"
    db.session.commit()
    after = client.get("/public/v1/departments", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Sở Xây dựng (đổi tên)" in after.get_data(as_text=True)


# ---- two app servers on one Redis -------------------------------------------------------


@pytest.fixture
def second_app(app, settings, committed):
    """Another app server on the same database and Redis (its own process state)."""
    if redis_connection() is None:
        pytest.skip("app servers share the cache through Redis (REDIS_URL)")
    from wsgi import create_app

    other = create_app(
        settings,
        overrides={
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "DUPLICATE_SUBMISSION_SECONDS": 0,
            "PUBLIC_CACHE_PREFIX": app.config["PUBLIC_CACHE_PREFIX"],
            "MEDIA_ROOT": app.config["MEDIA_ROOT"],
            "PASSWORD_HASH_METHOD": "argon2-fast",
        },
    )
    yield other
    with other.app_context():
        from backend.db import db

        db.session.remove()
        db.engine.dispose()


def test_a_change_committed_on_one_server_is_seen_at_once_on_the_other(
    client, second_app, resident, submit, staff
):
    code = submit(resident("+84906670004")).get_json()["code"]
    other = second_app.test_client()
    url = f"/public/v1/reports/{code}"
    seen = [other.get(url) for _ in range(2)]  # B keeps it
    assert seen[-1].get_json()["status"] == "assigned"
    board = other.get("/public/v1/reports")
    assert {r["code"]: r["status"] for r in board.get_json()["items"]}[code] == "assigned"
    response = client.post(  # through A
        f"/staff/v1/reports/{code}/resolve",
        data={"response": "Đã vá xong ổ gà."},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    fresh = other.get(url, headers={"If-None-Match": seen[-1].headers["ETag"]})
    assert fresh.status_code == 200 and fresh.get_json()["status"] == "resolved"
    board = other.get("/public/v1/reports")
    assert {r["code"]: r["status"] for r in board.get_json()["items"]}[code] == "resolved"
