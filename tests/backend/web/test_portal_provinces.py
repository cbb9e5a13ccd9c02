"""The portal for many provinces: /p/<slug>/ pages hold only that province's reports and
units, every link keeps the province, /provinces ranks them, a report names its province."""

from __future__ import annotations

import csv
import io

import pytest

from tests.provinces_fixture import two_provinces


@pytest.fixture
def provinces(client, resident, submit, staff):
    """A (TP Cần Thơ): two reports, one resolved on time; B (Vĩnh Long): one open report."""
    places = two_provinces()
    alice = resident("+84906666671")
    a_codes = [submit(alice).get_json()["code"] for _ in range(2)]
    resolved = client.post(
        f"/staff/v1/reports/{a_codes[0]}/resolve",
        data={"response": "Đã vá xong."},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    assert resolved.status_code == 200, resolved.get_json()
    places.in_a(a_codes)
    b_code = submit(alice, description="Ổ gà ở Vĩnh Long").get_json()["code"]
    places.move_to_b(b_code)
    return places, a_codes, b_code


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_a_provinces_board_holds_only_its_reports(client, provinces):
    places, a_codes, b_code = provinces
    a_page = page(client, "/p/can-tho/")
    assert all(code in a_page for code in a_codes) and b_code not in a_page
    b_page = page(client, "/p/vinh-long/")
    assert b_code in b_page and not any(code in b_page for code in a_codes)
    assert "1 phản ánh" in b_page
    assert f'<span class="province-name" id="page-province">· {places.b.name}</span>' in b_page
    assert 'id="page-province"' not in page(client, "/")
    everyone = page(client, "/")
    assert all(code in everyone for code in [*a_codes, b_code])
    # Filters and search stay in the province.
    assert b_code not in page(client, "/p/can-tho/?q=vinh+long")
    assert a_codes[0] not in page(client, "/p/vinh-long/?status=resolved")


def test_links_on_a_province_page_keep_the_province(client, provinces):
    html = page(client, "/p/vinh-long/")
    assert 'href="/p/vinh-long/departments"' in html
    assert 'href="/p/vinh-long/open-data"' in html
    assert "/p/vinh-long/open-data/reports.geojson" in html  # the map's reports
    assert "/p/vinh-long/open-data/outlines.geojson" in html
    # The switcher offers every province and all of them.
    assert 'href="/p/can-tho/"' in html and 'href="/"' in html
    assert 'id="province-switch"' in html


def test_a_provinces_scoreboard_and_units(client, provinces):
    places, _, _ = provinces
    html = page(client, "/p/vinh-long/departments")
    assert places.b_unit.name in html and "Sở Xây dựng TP" not in html
    assert places.b_unit.name in page(client, "/p/vinh-long/scoreboard")
    assert places.b_unit.code in page(client, f"/p/vinh-long/departments/{places.b_unit.code}")
    page(client, "/p/vinh-long/departments/so-xd", status=404)  # Cần Thơ's unit


def test_a_provinces_open_data(client, provinces):
    _, a_codes, b_code = provinces
    body = client.get("/p/vinh-long/open-data/reports.csv").get_data(as_text=True)
    codes = {row["code"] for row in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    assert codes == {b_code}
    geo = client.get("/p/can-tho/open-data/reports.geojson").get_json()
    assert {f["properties"]["code"] for f in geo["features"]} == set(a_codes)
    outlines = client.get("/p/can-tho/open-data/outlines.geojson").get_json()
    assert {f["properties"]["code"] for f in outlines["features"]} <= {"92"}


def test_provinces_ranking_page(client, provinces):
    html = page(client, "/provinces")
    assert 'id="provinces"' in html and 'id="chart-provinces"' in html
    first, second = html.index('data-province="can-tho"'), html.index('data-province="vinh-long"')
    assert first < second  # 29.11 points before 18
    assert 'href="/p/vinh-long/"' in html
    english = page(client, "/provinces?lang=en")
    assert "Provinces ranked" in english


def test_report_page_names_its_province(client, provinces):
    _, _, b_code = provinces
    html = page(client, f"/r/{b_code}")
    assert 'id="report-province"' in html and "Vĩnh Long" in html
    assert 'href="/p/vinh-long/"' in html


@pytest.mark.parametrize(
    "path", ["/p/khong-co/", "/p/khong-co/departments", "/p/01/open-data", "/p/x/scoreboard"]
)
def test_unknown_province_is_a_404_page(client, provinces, path):
    html = page(client, path, status=404)
    assert '<html lang="vi">' in html
