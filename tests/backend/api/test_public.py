"""The public record: browse, filter and search reports; nothing identifies the reporter."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.db import commit, db, utcnow
from backend.models import Photo, Report, Resident
from tests.factories import sign_in_resident, sign_in_staff, submit_report


@pytest.fixture(scope="module")
def board(module_transaction):
    """Four reports in different places, categories and states (built once for the module)."""
    with module_transaction.build() as client:
        return _board(client)


def _board(client) -> dict:
    def submit(headers, **kwargs):
        return submit_report(client, headers, **kwargs)

    alice = sign_in_resident(client, "+84905555555")
    codes = {
        "pothole": submit(alice, description="Ổ gà trên Đường Lê Lợi").get_json()["code"],
        "light": submit(
            alice,
            category="chieu-sang",
            description="Đèn đường hỏng ở hẻm 51",
            lat=10.05,
            lng=105.78,
        ).get_json()["code"],
        "garbage": submit(
            alice, category="rac-thai", description="Rác thải bốc mùi", lat=9.785, lng=105.47
        ).get_json()["code"],
        "spam": submit(alice, description="Quảng cáo bán hàng").get_json()["code"],
    }
    client.post(
        f"/staff/v1/reports/{codes['spam']}/reject",
        json={"reason": "Spam"},
        headers=sign_in_staff(client, "coordinator"),
    )
    return codes


def _codes(client, query: str = "") -> set[str]:
    response = client.get(f"/public/v1/reports{query}")
    assert response.status_code == 200, response.get_json()
    return {item["code"] for item in response.get_json()["items"]}


def test_filters(client, board):
    everything = {board["pothole"], board["light"], board["garbage"]}
    assert _codes(client) == everything  # the rejected report is not public
    assert _codes(client, "?category=chieu-sang") == {board["light"]}
    assert _codes(client, "?department=so-xd") == {board["pothole"]}
    assert _codes(client, "?status=assigned") == everything
    assert _codes(client, "?status=resolved,closed") == set()
    assert _codes(client, "?admin_unit=92-vi-thanh") == {board["garbage"]}
    # A city includes its wards; the codes of merged provinces lead to the new unit.
    assert _codes(client, "?admin_unit=92") == everything
    assert _codes(client, "?admin_unit=93") == everything  # Hậu Giang, now part of Cần Thơ
    assert _codes(client, "?bbox=105.77,10.03,105.80,10.04") == {board["pothole"]}
    today = utcnow().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    assert (
        _codes(client, f"?from={today - timedelta(days=1)}&to={today + timedelta(days=1)}")
        == everything
    )
    assert _codes(client, f"?to={today - timedelta(days=3)}") == set()
    # Empty parameters count as absent.
    assert _codes(client, "?category=&q=&status=") == everything


def test_accent_insensitive_search(client, board):
    assert _codes(client, "?q=duong le loi") == {board["pothole"]}
    assert _codes(client, "?q=ĐƯỜNG LÊ") == {board["pothole"]}
    assert _codes(client, "?q=den duong hong") == {board["light"]}
    assert _codes(client, f"?q={board['garbage'].lower()}") == {board["garbage"]}
    assert _codes(client, "?q=100%") == set()
    # Word prefixes, not any substring: "ga" is in "ngập" but no word starts with it.
    assert _codes(client, "?q=o ga") == {board["pothole"]}
    assert _codes(client, "?q=hem 5") == {board["light"]}


def test_pagination(client, board):
    first = client.get("/public/v1/reports?page=1&page_size=2").get_json()
    second = client.get("/public/v1/reports?page=2&page_size=2").get_json()
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert not {i["code"] for i in first["items"]} & {i["code"] for i in second["items"]}
    # Newest first.
    assert first["items"][0]["code"] == board["garbage"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("?status=bogus", "status"),
        ("?bbox=1,2,3", "bbox"),
        ("?bbox=106,10,105,11", "bbox"),
        ("?from=2026-13-01", "from"),
        ("?from=2026-05-02&to=2026-05-01", "from"),
        ("?page=0", "page"),
        ("?page_size=1000", "page_size"),
        ("?admin_unit=khong-co", "admin_unit"),
        ("?category=khong-co", "category"),
        ("?department=khong-co", "department"),
    ],
)
def test_bad_filters_are_422(client, board, query, field):
    response = client.get(f"/public/v1/reports{query}")
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_nothing_public_identifies_the_reporter_or_carries_exif(client, board, run_jobs):
    resident = db.session.query(Resident).filter_by(phone="+84905555555").one()
    photos = db.session.query(Photo).all()
    secrets = {resident.phone, resident.phone.removeprefix("+84"), resident.firebase_uid}
    secrets |= {p.original_key for p in photos}
    secrets |= {f"{p.gps_lat:.4f}" for p in photos if p.gps_lat}
    pages = [client.get("/public/v1/reports").get_data(as_text=True)]
    pages += [
        client.get(f"/public/v1/reports/{c}").get_data(as_text=True)
        for c in (board["pothole"], board["light"])
    ]
    for page in pages:
        for secret in secrets:
            assert secret not in page
        for word in ("reporter", "phone", "firebase", "exif", "gps", "original_key", "taken_at"):
            assert word not in page.lower()
    # Original photos are not reachable under any public URL, even by path tricks.
    for p in photos:
        for url in (
            f"/media/{p.original_key}",
            f"/media/public/../{p.original_key}",
            f"/media/public/..%2F{p.original_key}",
            f"/media/public/%2E%2E/{p.original_key}",
        ):
            assert client.get(url).status_code == 404, url


def test_codes_are_found_whatever_the_case(client, board):
    lower = board["pothole"].lower()
    assert client.get(f"/public/v1/reports/{lower}").get_json()["code"] == board["pothole"]


def test_unknown_report_is_404_in_the_envelope(client, city):
    response = client.get("/public/v1/reports/PA-2026-999999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "report_not_found"


def test_report_detail_shows_department_unit_and_timeline(client, board):
    body = client.get(f"/public/v1/reports/{board['pothole']}").get_json()
    assert body["department"] == {
        "code": "so-xd",
        "name": "Sở Xây dựng TP Cần Thơ",
        "kind": "provincial_department",
    }
    assert body["admin_unit"]["name"] == "Phường Ninh Kiều"
    assert body["status_label"] == {"vi": "Đã chuyển đơn vị xử lý", "en": "Assigned"}
    assert [e["type"] for e in body["timeline"]] == ["submit", "assign"]
    assert body["timeline"][0]["department"]["code"] == "ioc"


def test_old_reports_are_found_by_date(client, board):
    report = db.session.query(Report).filter_by(code=board["light"]).one()
    report.created_at = utcnow() - timedelta(days=40)
    commit()
    # Dates in filters are Vietnamese dates, whatever the hour in UTC.
    old = (utcnow() - timedelta(days=40)).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    assert _codes(client, f"?from={old}&to={old}") == {board["light"]}


def test_personal_data_is_masked_publicly_and_not_searchable(client, resident, submit, staff):
    headers = resident()
    code = submit(
        headers, description="Ổ gà lớn, gọi tôi 0901 234 567 hoặc an@gmail.com"
    ).get_json()["code"]
    public = client.get(f"/public/v1/reports/{code}").get_json()
    assert public["description"] == "Ổ gà lớn, gọi tôi [số điện thoại] hoặc [email]"
    assert _codes(client, "?q=0901") == set() and _codes(client, "?q=gmail") == set()
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert "0901 234 567" in mine["description"]
    unit = client.get(f"/staff/v1/reports/{code}", headers=staff("so-xd.officer")).get_json()
    assert unit["public_description"] == public["description"]


def test_personal_data_in_the_address_is_masked_too(client, resident, submit):
    headers = resident()
    code = submit(headers, address="Nhà anh Bình, ĐT 0912345678").get_json()["code"]
    public = client.get(f"/public/v1/reports/{code}").get_json()
    assert public["location"]["address"] == "Nhà anh Bình, ĐT [số điện thoại]"
    assert _codes(client, "?q=0912345678") == set()
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["location"]["address"] == "Nhà anh Bình, ĐT 0912345678"
