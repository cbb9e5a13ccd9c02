"""The public portal through the test client: what a visitor reads, in either language."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import NINH_KIEU
from tests.factories import sign_in_resident, sign_in_staff, submit_report


@pytest.fixture(scope="module")
def board(module_transaction):
    """Three public reports, one with markup and personal data in it, one refused (built
    once for the module)."""
    with module_transaction.build() as client:
        return _board(client)


def _board(client) -> dict:
    def submit(headers, **kwargs):
        return submit_report(client, headers, **kwargs)

    alice = sign_in_resident(client, "+84907777777")
    codes = {
        "road": submit(alice, description="Ổ gà to trên Đường Lê Lợi").get_json()["code"],
        "light": submit(
            alice, category="chieu-sang", description="Đèn đường hỏng", lat=10.05, lng=105.78
        ).get_json()["code"],
        "markup": submit(
            alice,
            description='=HYPERLINK("x") <script>alert("xss")</script> gọi 0912345678',
            address="<b>hẻm</b> 12",
        ).get_json()["code"],
        "spam": submit(alice, description="Bán hàng giá rẻ").get_json()["code"],
    }
    client.post(
        f"/staff/v1/reports/{codes['spam']}/reject",
        json={"reason": "Spam"},
        headers=sign_in_staff(client, "coordinator"),
    )
    return codes


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_board_lists_public_reports_in_vietnamese(client, board):
    html = page(client, "/")
    assert '<html lang="vi">' in html and "Phản ánh của người dân" in html
    assert board["road"] in html and board["light"] in html
    assert board["spam"] not in html  # refused reports are not public
    assert "3 phản ánh" in html


def test_search_without_accents_finds_accented_text(client, board):
    html = page(client, "/?q=duong+le+loi")
    assert board["road"] in html and board["light"] not in html
    assert "1 phản ánh" in html
    html = page(client, "/?category=chieu-sang")
    assert board["light"] in html and board["road"] not in html


def test_user_text_is_escaped_and_personal_data_masked(client, board):
    for html in (page(client, "/"), page(client, f"/r/{board['markup']}")):
        assert "<script>alert" not in html and "&lt;script&gt;" in html
        assert "<b>hẻm</b>" not in html
        assert "0912345678" not in html
        assert "+84907777777" not in html  # the reporter's phone, never public


def test_pages_send_a_content_security_policy(client, board):
    response = client.get(f"/r/{board['road']}")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_english_switch_is_remembered(client, board):
    html = page(client, "/?lang=en")
    assert '<html lang="en">' in html and "Residents' reports" in html
    assert "Tiếng Việt" in html  # the way back
    html = page(client, "/departments")  # the cookie keeps the choice
    assert "Handling units ranked" in html
    html = page(client, "/departments?lang=vi")
    assert "Xếp hạng đơn vị xử lý" in html


def test_report_page_shows_timeline_deadlines_and_photos(client, board):
    html = page(client, f"/r/{board['road'].lower()}")
    assert 'id="timeline"' in html and "Người dân gửi phản ánh" in html
    assert "Hạn xử lý" in html and "Sở Xây dựng" in html
    assert 'id="photos"' in html and "Trước khi xử lý" in html
    assert "Chưa có đánh giá." in html
    missing = page(client, "/r/PA-2000-000001", status=404)
    assert "Không tìm thấy phản ánh." in missing


def test_bad_filters_answer_a_page_not_a_crash(client, board):
    assert "Bộ lọc không hợp lệ" in page(client, "/?from=hôm-qua", status=422)
    assert "Mã “khong-co” không tồn tại." in page(client, "/?department=khong-co", status=422)


def test_scoreboard_and_department_page_with_charts(client, board):
    html = page(client, "/departments")
    assert 'id="scoreboard"' in html and "Sở Xây dựng TP Cần Thơ" in html
    html = page(client, "/departments/so-xd")
    assert html.count('<svg class="chart"') == 2
    assert 'id="chart-on-time"' in html and 'id="chart-satisfaction"' in html
    assert page(client, "/departments/ioc", status=404)


def test_unchanged_pages_answer_304(client, board):
    for url in ("/", f"/r/{board['road']}", "/departments", "/departments/so-xd"):
        first = client.get(url)
        assert first.headers["ETag"], url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, url


def test_csv_export_has_public_fields_only(client, board):
    response = client.get("/open-data/reports.csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # spreadsheets then read UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["code"] for r in rows} == {board["road"], board["light"], board["markup"]}
    markup = next(r for r in rows if r["code"] == board["markup"])
    assert markup["description"].startswith("'=HYPERLINK")  # no formula runs in a spreadsheet
    assert "0912345678" not in text and "+84907777777" not in text
    assert "reporter" not in rows[0] and "phone" not in rows[0]
    road = next(r for r in rows if r["code"] == board["road"])
    assert road["department"] == "so-xd" and road["status_vi"] == "Đã chuyển đơn vị xử lý"
    filtered = client.get("/open-data/reports.csv?q=den+duong").get_data(as_text=True)
    assert board["light"] in filtered and board["road"] not in filtered


def test_geojson_export_with_filters(client, board):
    response = client.get("/open-data/reports.geojson?category=giao-thong")
    assert response.mimetype == "application/geo+json"
    data = json.loads(response.get_data(as_text=True))
    assert data["type"] == "FeatureCollection"
    codes = {f["properties"]["code"] for f in data["features"]}
    assert codes == {board["road"], board["markup"]}
    point = next(f for f in data["features"] if f["properties"]["code"] == board["road"])
    assert point["geometry"] == {"type": "Point", "coordinates": [NINH_KIEU[1], NINH_KIEU[0]]}
    limited = json.loads(client.get("/open-data/reports.geojson?limit=1").get_data(as_text=True))
    assert len(limited["features"]) == 1


def test_report_page_shows_extension_overdue_and_apology(app, client, resident, submit, staff):
    from datetime import timedelta

    from backend.db import commit, utcnow
    from backend.services import sla

    def working_day(days: int):
        day = utcnow().date() + timedelta(days=days)
        while not sla.working_calendar().is_working_day(day):
            day += timedelta(days=1)
        return day

    code = submit(resident("+84908888888")).get_json()["code"]
    officer, coordinator = staff("so-xd.officer"), staff("coordinator")
    promised = working_day(10)
    asked = client.post(
        f"/staff/v1/reports/{code}/extensions",
        json={"reason": "Chờ vật tư", "proposed_date": str(working_day(40))},
        headers=officer,
    )
    assert asked.status_code in (200, 201), asked.get_json()
    # The answer is the report; the request's own id is in the list of extensions.
    pending = client.get(f"/staff/v1/reports/{code}/extensions", headers=officer).get_json()
    decided = client.post(
        f"/staff/v1/reports/{code}/extensions/{pending[0]['id']}/decision",
        json={"approve": True},
        headers=coordinator,
    )
    assert decided.status_code == 200, decided.get_json()
    sla.sweep(utcnow() + timedelta(days=90))  # long past even the extended deadline
    commit()
    apology = client.post(
        f"/staff/v1/reports/{code}/apology",
        json={"reason": "Mưa lớn kéo dài", "promised_date": str(promised)},
        headers=officer,
    )
    assert apology.status_code == 200, apology.get_json()
    html = page(client, f"/r/{code}")
    # Late, but with a promised date still ahead: one current line, not "overdue" as well.
    assert 'id="overdue-flag"' not in html and 'id="late-flag"' in html and "Quá hạn" in html
    assert 'id="extension"' in html and "Đã được gia hạn" in html
    assert 'id="promised"' in html and promised.strftime("%d/%m/%Y") in html
    assert "Đơn vị xin lỗi vì chậm trễ" in html and "Mưa lớn kéo dài" in html
    assert "Được gia hạn" in html  # the approval on the public timeline


def test_english_pages_name_categories_in_english(client, board):
    html = page(client, "/?lang=en")
    assert "Road damage, potholes" in html and "Hư hỏng đường, ổ gà" not in html


def test_numbers_are_written_the_vietnamese_way(app, client, board):
    from backend.web.views import number, percent

    with app.test_request_context("/"):
        from flask import g

        g.lang = "vi"
        assert (percent(0.6667), number(9.5), percent(None)) == ("66,7%", "9,5", "–")
        g.lang = "en"
        assert (percent(0.6667), number(9.5)) == ("66.7%", "9.5")


def test_unknown_pages_are_pages_and_unknown_api_routes_json(client, board):
    browser = client.get("/khong-co-trang-nay", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.status_code == 404 and browser.mimetype == "text/html"
    assert "Không tìm thấy trang này." in browser.get_data(as_text=True)
    assert "Content-Security-Policy" in browser.headers
    posted = client.post("/", headers={"Accept": "text/html"})  # a form sent the wrong way
    assert posted.status_code == 405 and posted.mimetype == "text/html"
    assert "Phương thức không được hỗ trợ." in posted.get_data(as_text=True)
    api = client.get("/public/v1/khong-co")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"
    past_the_end = page(client, "/?page=99")  # an old link: the last page
    assert board["road"] in past_the_end and "Trang 1/1" not in past_the_end


def test_the_map_outline_is_the_city_boundary(client, board):
    data = json.loads(client.get("/open-data/outlines.geojson").get_data(as_text=True))
    # The hosted provinces' outlines (the demo hosts two of the 34 loaded); Cần Thơ's alone
    # on its own pages.
    from backend.services import provinces

    assert {f["properties"]["code"] for f in data["features"]} == {
        p.code for p in provinces.hosted()
    }
    own = json.loads(client.get("/p/can-tho/open-data/outlines.geojson").get_data(as_text=True))
    [city] = own["features"]
    assert city["properties"] == {"code": "92", "name": "TP Cần Thơ"}
    assert city["geometry"]["type"] in ("Polygon", "MultiPolygon")
    # The Ninh Kiều wharf is inside the drawn outline.
    from shapely.geometry import Point, shape

    assert shape(city["geometry"]).contains(Point(NINH_KIEU[1], NINH_KIEU[0]))
