"""Two app servers and two workers give the same answers: what one process learns or
changes, the other sees at once (sessions, rate limits, the calendar, the routing rules,
the boundary index, the public response cache) and a job is done once by either worker.

The servers are A and B (two gunicorn instances on one PostgreSQL and one Redis); each
check makes or changes something through one and asks the other.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import text

from tests.factories import PHOTOS, bearer, id_token
from tests.faults.conftest import wait_for
from tests.scaleout.conftest import REFRESH_LIMIT

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
#: In Phường Ninh Kiều of the demo; after the boundary change of the routing test, in
#: Phường Tân An.
MOVED_POINT = (10.030, 105.775)
TIMEOUT = 60


class _Client(requests.Session):
    """A session whose requests time out and never follow a redirect (the tests read it)."""

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        kwargs["allow_redirects"] = False  # Session.get asks to follow: never here
        return super().request(method, url, **kwargs)


def _client() -> _Client:
    return _Client()


def staff_token(base: str, username: str) -> dict:
    with _client() as client:
        answer = client.post(
            base + "/staff/v1/auth/login", json={"username": username, "password": "demo"}
        )
    assert answer.status_code == 200, answer.text
    return bearer(answer.json()["access_token"])


def resident(base: str, phone: str) -> dict:
    with _client() as client:
        answer = client.post(base + "/mobile/v1/auth/firebase", json={"id_token": id_token(phone)})
    assert answer.status_code == 200, answer.text
    return answer.json()


def submit(base: str, headers: dict, description: str, *, lat: float, lng: float, photo: str):
    with _client() as client:
        answer = client.post(
            base + "/mobile/v1/reports",
            headers=headers,
            data={
                "category": "giao-thong",
                "description": description,
                "lat": str(lat),
                "lng": str(lng),
            },
            files=[("photos", (photo, (PHOTOS / photo).read_bytes(), "image/jpeg"))],
        )
    assert answer.status_code == 201, answer.text
    return answer.json()["code"]


def staff_report(base: str, headers: dict, code: str) -> dict:
    with _client() as client:
        answer = client.get(base + f"/staff/v1/reports/{code}", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def first_due(report: dict) -> tuple[str, datetime]:
    """The report's first running clock with a due date: (its kind, the date)."""
    for kind, clock in sorted(report["deadlines"]["clocks"].items()):
        due = (clock.get("current") or {}).get("due_at")
        if due:
            return kind, datetime.fromisoformat(due)
    raise AssertionError(f"no clock with a due date: {report['deadlines']}")


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert found, "no CSRF token on the page"
    return found.group(1)


# ---- sessions ------------------------------------------------------------------------------


def test_a_staff_token_and_a_console_session_made_on_a_work_on_b(cluster):
    token = staff_token(cluster.a, "coordinator")
    with _client() as client:
        me = client.get(cluster.b + "/staff/v1/me", headers=token)
        assert me.status_code == 200, me.text
        assert me.json()["username"] == "coordinator"

    # The console: signed in on A (the CSRF token of A's form), its cookie presented to B,
    # and B's sign-out form sent: one session store and one CSRF secret for both.
    with _client() as client:
        login = client.get(cluster.a + "/console/login")
        signed = client.post(
            cluster.a + "/console/login",
            data={"username": "coordinator", "password": "demo", "csrf_token": csrf_of(login.text)},
            cookies=login.cookies,
        )
        assert signed.status_code == 302, signed.text
        cookie = {"phananh_console": signed.cookies["phananh_console"]}
    with _client() as client:
        page = client.get(cluster.b + "/console/account", cookies=cookie)
        assert page.status_code == 200, (page.status_code, page.headers.get("location"))
        # B's page put its form's CSRF secret in the session cookie, as a browser keeps it.
        current = {
            "phananh_console": page.cookies.get("phananh_console") or cookie["phananh_console"]
        }
        out = client.post(
            cluster.b + "/console/logout", data={"csrf_token": csrf_of(page.text)}, cookies=current
        )
        assert out.status_code == 302 and "/console/login" in out.headers["location"], out.text
    with _client() as client:  # signed out on B: A refuses the cookie it made
        again = client.get(cluster.a + "/console/account", cookies=cookie)
        assert again.status_code == 302 and "/console/login" in again.headers["location"]


# ---- rate limits ---------------------------------------------------------------------------


def test_a_rate_limit_is_counted_over_both_servers(cluster):
    """The refresh limit per address: requests split over A and B spend it together."""
    codes = []
    with _client() as client:
        for n in range(REFRESH_LIMIT + 2):
            base = (cluster.a, cluster.b)[n % 2]
            answer = client.post(
                base + "/mobile/v1/auth/refresh", json={"refresh_token": f"not-a-token-{n}"}
            )
            codes.append(answer.status_code)
    assert codes[:REFRESH_LIMIT] == [401] * REFRESH_LIMIT, codes
    assert codes[REFRESH_LIMIT:] == [429, 429], codes  # one on A, one on B


# ---- the calendar, the routing rules, the boundaries -------------------------------------


def _boundaries(ninh_kieu_west: float) -> bytes:
    """Tân An stretched east to ``ninh_kieu_west`` and Ninh Kiều starting there."""

    def box(south, west, north, east):
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        return {"type": "Polygon", "coordinates": [ring]}

    features = [
        ("92-tan-an", "Phường Tân An", box(10.020, 105.740, 10.042, ninh_kieu_west)),
        ("92-ninh-kieu", "Phường Ninh Kiều", box(10.020, ninh_kieu_west, 10.042, 105.800)),
    ]
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"ma_xa": code, "ten_xa": name, "loai": "ward"},
                    "geometry": geometry,
                }
                for code, name, geometry in features
            ],
        }
    ).encode()


def test_calendar_routing_and_boundary_changes_made_on_a_are_in_effect_on_b(cluster):
    admin_a, admin_b = staff_token(cluster.a, "admin"), staff_token(cluster.b, "admin")
    coordinator_b = staff_token(cluster.b, "coordinator")
    person = bearer(resident(cluster.b, "+84907100001")["access_token"])
    lat, lng = MOVED_POINT

    # B routes and times a report first: its boundary index and calendar are built.
    before = submit(
        cluster.b, person, "Ổ gà trước thay đổi, số 1", lat=lat, lng=lng, photo="jolla.jpg"
    )
    first = staff_report(cluster.b, coordinator_b, before)
    assert first["admin_unit"]["code"] == "92-ninh-kieu"
    kind, due = first_due(first)
    with _client() as client:
        tested = client.post(
            cluster.b + "/staff/v1/routing/test",
            headers=admin_b,
            json={"lat": lat, "lng": lng, "category": "giao-thong"},
        )
        assert tested.status_code == 200, tested.text
        assert tested.json()["area"]["code"] == "92-ninh-kieu"
        unit_before = (tested.json()["unit"] or {}).get("code")

        # Through A: the point moves into Tân An, Tân An's potholes go to another unit, and
        # the day the first report is due becomes a day off.
        moved = client.post(
            cluster.a + "/staff/v1/admin/boundaries",
            headers=admin_a,
            data={"province": "92"},
            files={"file": ("wards.geojson", _boundaries(105.780), "application/geo+json")},
        )
        assert moved.status_code == 201, moved.text
        target = "chieu-sang" if unit_before != "chieu-sang" else "do-thi"
        rule = client.post(
            cluster.a + "/staff/v1/admin/routing-rules",
            headers=admin_a,
            json={"category": "giao-thong", "area": "92-tan-an", "unit": target},
        )
        assert rule.status_code == 201, rule.text
        day_off = due.astimezone(LOCAL).date()
        closed = client.put(
            cluster.a + f"/staff/v1/admin/calendar/exceptions/{day_off.isoformat()}",
            headers=admin_a,
            json={"kind": "day_off", "note": "Nghỉ đột xuất (thử nhiều máy chủ)"},
        )
        assert closed.status_code == 200, closed.text

        # On B, at once: the routing tester and a new report at the same point.
        tested = client.post(
            cluster.b + "/staff/v1/routing/test",
            headers=admin_b,
            json={"lat": lat, "lng": lng, "category": "giao-thong"},
        )
        assert tested.status_code == 200, tested.text
        assert tested.json()["area"]["code"] == "92-tan-an"
        assert tested.json()["unit"]["code"] == target
    after = submit(
        cluster.b, person, "Ổ gà sau thay đổi, số 2", lat=lat, lng=lng, photo="jolla.jpg"
    )
    second = staff_report(cluster.b, coordinator_b, after)
    assert second["admin_unit"]["code"] == "92-tan-an"
    assert second["department"]["code"] == target
    kind_after, due_after = first_due(second)
    assert kind_after == kind
    # The same budget from (nearly) the same moment, with the due day closed: later, and
    # never on that day.
    assert due_after > due + timedelta(hours=1), (due, due_after)
    assert due_after.astimezone(LOCAL).date() != day_off


# ---- the public response cache -------------------------------------------------------------


def test_a_report_changed_through_a_is_seen_fresh_on_b(cluster):
    person = bearer(resident(cluster.a, "+84907100002")["access_token"])
    code = submit(
        cluster.a,
        person,
        "Ổ gà sâu trước chợ, số 3",
        lat=10.0335,
        lng=105.7841,
        photo="DSCN0010.jpg",
    )
    officer_a = staff_token(cluster.a, "so-xd.officer")  # its category's unit
    with _client() as client:
        # B answers (and may keep) the report, the list and the portal page.
        seen = [client.get(cluster.b + f"/public/v1/reports/{code}") for _ in range(2)]
        assert all(r.status_code == 200 for r in seen), [r.text for r in seen]
        assert seen[-1].json()["status"] == "assigned"
        etag = seen[-1].headers.get("ETag")
        board = client.get(cluster.b + "/public/v1/reports?page_size=50")
        assert {r["code"]: r["status"] for r in board.json()["items"]}.get(code) == "assigned"
        portal = client.get(cluster.b + f"/r/{code}")
        assert portal.status_code == 200
        portal_etag = portal.headers.get("ETag")

        # Through A: the unit accepts it and starts the work.
        for action in ("accept", "start"):
            done = client.post(
                cluster.a + f"/staff/v1/reports/{code}/{action}", headers=officer_a, json={}
            )
            assert done.status_code == 200, (action, done.text)

        fresh = client.get(cluster.b + f"/public/v1/reports/{code}")
        assert fresh.status_code == 200 and fresh.json()["status"] == "in_progress", fresh.text
        if etag:
            assert fresh.headers.get("ETag") != etag
            revalidated = client.get(
                cluster.b + f"/public/v1/reports/{code}", headers={"If-None-Match": etag}
            )
            assert revalidated.status_code == 200  # not a 304 of the old answer
        board = client.get(cluster.b + "/public/v1/reports?page_size=50")
        assert {r["code"]: r["status"] for r in board.json()["items"]}[code] == "in_progress"
        portal = client.get(cluster.b + f"/r/{code}")
        assert portal.status_code == 200
        if portal_etag:
            assert portal.headers.get("ETag") != portal_etag


# ---- jobs ----------------------------------------------------------------------------------


def test_jobs_enqueued_by_a_are_done_once_by_either_worker(cluster):
    person = bearer(resident(cluster.a, "+84907100003")["access_token"])
    photos = [
        "Canon_40D.jpg",
        "DSCN0021.jpg",
        "landscape_6.jpg",
        "portrait_8.jpg",
        "image01137.jpg",
    ]
    codes = [
        submit(
            cluster.a, person, f"Ổ gà trên đường số {n + 10}", lat=10.0335, lng=105.7841, photo=name
        )
        for n, name in enumerate(photos)
    ]
    engine = cluster.engine()
    try:

        def states() -> dict[int, str]:
            with engine.connect() as conn:
                return dict(
                    conn.execute(
                        text(
                            "SELECT p.id, p.rendition_status FROM photos p "
                            "JOIN reports r ON r.id = p.report_id WHERE r.code = ANY(:codes)"
                        ),
                        {"codes": codes},
                    ).all()
                )

        wait_for(
            lambda: len(states()) == len(photos) and all(s != "pending" for s in states().values()),
            90,
            "the workers to make every rendition",
            every=0.3,
        )
        assert set(states().values()) == {"ready"}, states()
        photo_ids = set(states())
        with engine.connect() as conn:
            keys = conn.execute(
                text("SELECT thumb_key, display_key FROM photos WHERE id = ANY(:ids)"),
                {"ids": list(photo_ids)},
            ).all()
    finally:
        engine.dispose()
    # Every public file there, once (no second run wrote another name).
    for thumb, display in keys:
        assert (cluster.media / thumb).is_file() and (cluster.media / display).is_file()

    # Each rendition job started once, by one of the two workers, and every job that
    # ended did so once (RQ's log: "phananh: <function>(<args>) (<job id>)" at the start,
    # "Job OK (<job id>)" at the end).
    output = cluster.worker_output()
    started = re.findall(r"make_renditions\((\d+),?\) \(([0-9a-f-]{36})\)$", output, re.M)
    runs = Counter(int(photo) for photo, _job in started)
    assert {p: runs[p] for p in photo_ids} == dict.fromkeys(photo_ids, 1), started
    ended = Counter(re.findall(r"Job OK \(([0-9a-f-]{36})\)$", output, re.M))
    assert {job for _photo, job in started} <= set(ended), ended
    assert max(ended.values()) == 1, ended
