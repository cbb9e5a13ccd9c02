"""GET /staff/v1/operations: the board equals the public statistics for the same period."""

from __future__ import annotations

from backend.db import utcnow
from backend.localtime import local_date
from tests.factories import staff_action


def _period(today: str) -> str:
    return f"from={today}&to={today}"


def test_the_board_equals_the_public_statistics(client, staff, submit):
    coordinator = staff("coordinator")
    filed = [submit().get_json() for _ in range(3)]
    officer = staff("so-xd.officer")
    assert staff_action(client, officer, filed[0]["code"], "accept").status_code == 200
    today = local_date(utcnow()).isoformat()
    board = client.get(f"/staff/v1/operations?{_period(today)}", headers=coordinator)
    assert board.status_code == 200, board.get_json()
    board = board.get_json()
    # The coordinator is TP Cần Thơ's: their board is their province's.
    stats = client.get(f"/public/v1/stats?province=can-tho&{_period(today)}").get_json()
    scoreboard = client.get(f"/public/v1/departments?province=can-tho&{_period(today)}")
    scoreboard = scoreboard.get_json()
    assert board["figures"] == stats["figures"]
    assert board["units"] == scoreboard["items"]
    assert board["period"] == stats["period"] == {"from": today, "to": today}
    assert board["today"] is True
    assert board["figures"]["received"] >= 3
    assert board["routing"]["automatic"] >= 3
    assert board["queues"]["in_progress"] >= 1
    # By default: today.
    default = client.get("/staff/v1/operations", headers=coordinator).get_json()
    assert default["period"] == board["period"] and default["figures"] == board["figures"]


def test_the_map_and_the_trends(client, staff, submit):
    admin = staff("admin")
    submit()
    found = client.get("/staff/v1/operations/map?zoom=14", headers=admin)
    assert found.status_code == 200
    cells = found.get_json()
    assert cells["total"] >= 1 and cells["states"]["on_time"] >= 1
    assert client.get("/staff/v1/operations/map?department=nope", headers=admin).status_code == 422
    trends = client.get("/staff/v1/operations/trends", headers=admin).get_json()
    assert len(trends["daily"]["days"]) == 30 and trends["daily"]["days"][-1]["total"] >= 1
    assert len(trends["monthly"]["months"]) == 6
    channels = trends["daily_by_channel"]
    assert "app" in channels["channels"] and channels["days"][-1]["by_channel"]["app"] >= 1
    assert [d["total"] for d in channels["days"]] == [d["total"] for d in trends["daily"]["days"]]


def test_who_may_read_it(client, staff):
    assert client.get("/staff/v1/operations").status_code == 401
    for username in ("so-xd.officer", "so-xd.head", "moderator"):
        answer = client.get("/staff/v1/operations", headers=staff(username))
        assert answer.status_code == 403
        assert answer.get_json()["error"]["code"] == "operations_forbidden"


def test_a_bad_period(client, staff):
    coordinator = staff("coordinator")
    reversed_ = client.get(
        "/staff/v1/operations?from=2026-12-02&to=2026-12-01", headers=coordinator
    )
    assert reversed_.status_code == 422
    too_long = client.get("/staff/v1/operations?from=2020-01-01&to=2026-12-01", headers=coordinator)
    assert too_long.status_code == 422


def test_documented(client):
    spec = client.get("/openapi.json").get_json()
    for path in ("/staff/v1/operations", "/staff/v1/operations/map", "/staff/v1/operations/trends"):
        assert {"200", "403", "422"} <= set(spec["paths"][path]["get"]["responses"]), path
