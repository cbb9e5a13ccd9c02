"""Issue 14 seen by an attacker: a province's staff reaching another province through the
side doors (a duplicate link, the audit log), the shared public cache poisoned by a request's
Host or language, forged cursors and ``?province=`` values that must answer 4xx, never 500."""

from __future__ import annotations

import base64

import pytest

from tests.backend.services.test_provinces import VINH_LONG_SIDE

GOOD = "Cau-Rong-Can-Tho-2026"


@pytest.fixture
def vl_report(resident, submit):
    response = submit(resident(), lat=VINH_LONG_SIDE[0], lng=VINH_LONG_SIDE[1])
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def test_a_report_is_never_marked_a_duplicate_of_another_provinces(
    client, staff, resident, submit, vl_report
):
    ct = submit(resident("+84902222222")).get_json()["code"]
    answer = client.post(
        f"/staff/v1/reports/{ct}/duplicate",
        json={"original": vl_report},
        headers=staff("coordinator"),
    )
    # Answered as for a code that does not exist: no probing of the other province's codes.
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["error"]["code"] == "unknown_report"
    # Not even by the national administrator: the link would cross the boundary.
    answer = client.post(
        f"/staff/v1/reports/{ct}/duplicate",
        json={"original": vl_report},
        headers=staff("national.admin"),
    )
    assert answer.status_code == 422


def test_a_provinces_admin_reads_only_its_provinces_audit_log(client, staff, resident, submit):
    ct = submit(resident("+84902222222")).get_json()["code"]
    client.get(f"/staff/v1/reports/{ct}", headers=staff("coordinator"))  # reporter_viewed
    made = client.post(
        "/staff/v1/staff",
        json={"username": "ct.x", "full_name": "Nguyễn X", "password": GOOD, "role": "moderator"},
        headers=staff("admin"),
    )
    assert made.status_code == 201
    seen = client.get("/staff/v1/audit?page_size=100", headers=staff("vl.admin")).get_json()
    assert {e["staff"] for e in seen["items"]} <= {"vl.admin", "vl.coordinator", "national.admin"}
    assert ct not in {e["report"] for e in seen["items"]}
    assert "ct.x" not in {e["target_staff"] for e in seen["items"]}
    own = client.get("/staff/v1/audit?page_size=100", headers=staff("admin")).get_json()
    assert ct in {e["report"] for e in own["items"]}
    assert "ct.x" in {e["target_staff"] for e in own["items"]}
    national = client.get("/staff/v1/audit?page_size=100", headers=staff("national.admin"))
    assert ct in {e["report"] for e in national.get_json()["items"]}


def test_a_provinces_admin_cannot_create_a_national_admin(client, staff):
    body = {"username": "evil.nat", "full_name": "Evil", "password": GOOD, "role": "admin"}
    made = client.post("/staff/v1/staff", json={**body, "province": None}, headers=staff("admin"))
    assert made.status_code in (201, 403, 422)
    if made.status_code == 201:
        assert made.get_json()["province"] == "can-tho"
    # Nor move itself or a unit to another province (the fields are not there to send).
    moved = client.patch("/staff/v1/staff/admin", json={"province": None}, headers=staff("admin"))
    assert moved.status_code == 422
    unit = client.patch(
        "/staff/v1/admin/units/so-xd", json={"province": "vinh-long"}, headers=staff("admin")
    )
    assert unit.status_code == 422
    officers = client.get("/staff/v1/units/vl-so-xd/officers", headers=staff("coordinator"))
    assert officers.status_code == 404


def _cursor(raw: str) -> str:
    return "c1." + base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "raw",
    [
        "0:99999999999999999999",  # past a 64-bit integer
        "0:9223372036854775808",
        "99999999999999999:1",  # past year 9999
        "-99999999999999999:1",
        "1:2:3",
        "1.5:2",
        " 1:2",
    ],
)
def test_a_forged_cursor_is_a_422_never_a_500(client, city, raw):
    for path in ("/public/v1/reports", "/public/v1/reports?province=can-tho"):
        sep = "&" if "?" in path else "?"
        answer = client.get(f"{path}{sep}cursor={_cursor(raw)}")
        assert answer.status_code in (200, 422), (raw, answer.status_code)


def test_a_cursor_past_every_row_is_an_empty_page(client, city):
    answer = client.get(f"/public/v1/reports?cursor={_cursor('0:2147483647')}")
    assert answer.status_code == 200 and answer.get_json()["items"] == []


@pytest.mark.parametrize(
    "value",
    [
        "nowhere",
        "can-tho%00",
        "%00",
        "x" * 5000,
        "' OR 1=1 --",
        "92 OR 1=1",
        "0",
        "-1",
        "99999999999999999999",
        "can-tho&province=vinh-long",
        "CAN-THO",
        "..%2f..%2f",
    ],
)
def test_an_odd_province_is_refused_never_a_500(client, city, value):
    for path in (
        "/public/v1/reports",
        "/public/v1/stats",
        "/public/v1/scoreboard",
        "/public/v1/reports.csv",
    ):
        answer = client.get(f"{path}?province={value}")
        assert answer.status_code in (200, 400, 404, 414, 422), (path, value, answer.status_code)
    portal = client.get(f"/p/{value}/")
    assert portal.status_code in (200, 301, 308, 400, 404, 414, 422), (value, portal.status_code)


def test_the_host_header_does_not_poison_the_shared_cache(client, city):
    first = client.get("/public/v1/reports?page_size=2", headers={"Host": "evil.example"})
    assert first.status_code in (200, 400, 404)
    honest = client.get("/public/v1/reports?page_size=2")
    assert b"evil.example" not in honest.get_data()
    page = client.get("/", headers={"Host": "evil.example"})
    assert page.status_code in (200, 400, 404)
    assert b"evil.example" not in client.get("/").get_data()
    provinces = client.get("/provinces", headers={"Host": "evil.example"})
    assert provinces.status_code in (200, 400, 404)
    assert b"evil.example" not in client.get("/provinces").get_data()


def test_a_language_does_not_leak_to_another_through_the_cache(app, city):
    english = app.test_client()
    assert english.get("/provinces?lang=en").status_code == 200  # sets the language cookie
    for path in ("/provinces", "/", "/public/v1/provinces"):
        first = english.get(path)
        assert first.status_code == 200, path
        fresh = app.test_client().get(path)
        if path.startswith("/public"):
            continue
        assert '<html lang="en"' in first.get_data(as_text=True), path
        assert '<html lang="vi"' in fresh.get_data(as_text=True), path
        again = english.get(path)
        assert '<html lang="en"' in again.get_data(as_text=True), path


def test_an_etag_of_a_signed_in_answer_is_not_a_public_304(client, staff, city):
    signed = client.get("/public/v1/reports?page_size=2", headers=staff("coordinator"))
    public = client.get("/public/v1/reports?page_size=2")
    tag = signed.headers.get("ETag")
    if tag:
        again = client.get("/public/v1/reports?page_size=2", headers={"If-None-Match": tag})
        assert again.status_code in (200, 304)
        if again.status_code == 304:
            assert tag == public.headers.get("ETag")
    assert (
        "private" in signed.headers.get("Cache-Control", "")
        or "no-store" in signed.headers.get("Cache-Control", "")
        or signed.headers.get("Cache-Control") is None
        or "public" not in signed.headers.get("Cache-Control", "")
    )


def test_the_timeliness_figures_of_a_province_name_only_its_units(client, staff):
    vl = client.get("/staff/v1/stats/timeliness", headers=staff("vl.admin"))
    assert vl.status_code == 200
    assert all(row["department"]["code"].startswith("vl-") for row in vl.get_json())
    ct = client.get("/staff/v1/stats/timeliness", headers=staff("admin"))
    assert not any(row["department"]["code"].startswith("vl-") for row in ct.get_json())
