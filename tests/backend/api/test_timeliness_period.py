"""The staff desk's timeliness figures default to the current month, in local time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import backend.api.admin

#: 18:00 UTC on 31 March is 01:00 on 1 April in Asia/Ho_Chi_Minh.
NOW = datetime(2026, 3, 31, 18, 0, tzinfo=UTC)


@pytest.fixture
def coordinator(staff, monkeypatch):
    monkeypatch.setattr(backend.api.admin, "utcnow", lambda: NOW)
    return staff("coordinator")


def _periods(client, headers, query=""):
    response = client.get(f"/staff/v1/stats/timeliness{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return {(entry["from"], entry["to"]) for entry in response.get_json()}


def test_without_dates_the_current_local_month(client, coordinator):
    assert _periods(client, coordinator) == {("2026-04-01", "2026-04-01")}
    assert _periods(client, coordinator, "?from=&to=") == {("2026-04-01", "2026-04-01")}


def test_one_date_given(client, coordinator):
    assert _periods(client, coordinator, "?to=2026-02-20") == {("2026-02-01", "2026-02-20")}
    assert _periods(client, coordinator, "?from=2026-01-15") == {("2026-01-15", "2026-04-01")}
    assert _periods(client, coordinator, "?from=2026-01-15&to=2026-01-31") == {
        ("2026-01-15", "2026-01-31")
    }


def test_a_period_that_ends_before_it_starts_is_still_refused(client, coordinator):
    for query in ("?from=2026-05-02", "?from=2026-02-01&to=2026-01-01"):
        response = client.get(f"/staff/v1/stats/timeliness{query}", headers=coordinator)
        assert response.status_code == 422
        assert "from" in response.get_json()["error"]["fields"]


def test_a_units_officer_gets_their_unit_for_the_month(client, staff, monkeypatch):
    monkeypatch.setattr(backend.api.admin, "utcnow", lambda: NOW)
    response = client.get("/staff/v1/stats/timeliness", headers=staff("so-xd.officer"))
    assert response.status_code == 200
    assert [e["department"]["code"] for e in response.get_json()] == ["so-xd"]
