"""GET requests and requests/<id>: filters, the default window, pages, the extensions, and
the status a unit's resolution gives."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.db import commit, db, utcnow
from backend.models import Report
from backend.services import intake
from backend.services.photos import Upload
from tests.backend.open311.conformance import check_xml, validate_json
from tests.conftest import NINH_KIEU, photo

J = "jurisdiction_id=can-tho"


@pytest.fixture
def filed(app, city, resident, run_jobs):
    """Published reports: two roads (one to resolve), a street light, and one of 120 days ago."""
    from backend.models import Resident

    resident()
    someone = db.session.query(Resident).filter_by(phone="+84901111111").one()
    now = utcnow()
    made = {}
    for name, age, category, text in (
        ("road", timedelta(hours=3), "giao-thong", "Ổ gà sâu đường 30/4"),
        ("light", timedelta(hours=2), "chieu-sang", "Đèn đường tắt cả tuần"),
        ("resolved", timedelta(hours=1), "giao-thong", "Ổ gà, gọi 0912345678"),
        ("old", timedelta(days=120), "giao-thong", "Ổ gà cũ từ mùa hè"),
    ):
        report = intake.submit(
            someone,
            intake.NewReport(category, text, NINH_KIEU[0], NINH_KIEU[1], None),
            [Upload("p.jpg", photo("Canon_40D.jpg"))],
            now - age,
            max_photos=6,
        )
        made[name] = report.code
        commit()
    run_jobs()
    return made


def get(client, query: str, fmt: str = "json"):
    return client.get(f"/open311/v2/requests.{fmt}?{J}&{query}")


def codes(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    validate_json("requests", response.get_json())
    return [r["service_request_id"] for r in response.get_json()]


def _resolve(client, staff, code: str, note: str) -> None:
    officer = staff("so-xd.officer")
    for action, body in (("accept", {}), ("start", {}), ("resolve", {"response": note})):
        answer = client.post(
            f"/staff/v1/reports/{code}/{action}",
            data=body,
            headers=officer,
            content_type="multipart/form-data",
        )
        assert answer.status_code == 200, answer.get_json()


def test_the_default_window_is_the_last_90_days_newest_first(client, filed):
    assert codes(get(client, "")) == [filed["resolved"], filed["light"], filed["road"]]


def test_filters_by_service_code_status_and_dates(client, staff, filed):
    _resolve(client, staff, filed["resolved"], "Đã vá xong ổ gà")
    assert codes(get(client, "service_code=chieu-sang")) == [filed["light"]]
    both = codes(get(client, "service_code=chieu-sang,giao-thong"))
    assert set(both) == {filed["light"], filed["road"], filed["resolved"]}
    assert codes(get(client, "status=closed")) == [filed["resolved"]]
    assert codes(get(client, "status=open")) == [filed["light"], filed["road"]]
    assert len(codes(get(client, "status=open,closed"))) == 3
    start = (utcnow() - timedelta(days=130)).isoformat()
    end = (utcnow() - timedelta(days=100)).isoformat()
    assert codes(get(client, f"start_date={start}&end_date={end}".replace("+", "%2B"))) == [
        filed["old"]
    ]


def test_ids_override_every_other_filter(client, filed):
    found = codes(get(client, f"service_request_id={filed['old']},{filed['light']}&status=closed"))
    assert set(found) == {filed["old"], filed["light"]}


def test_pages(client, filed):
    assert codes(get(client, "page_size=2")) == [filed["resolved"], filed["light"]]
    assert codes(get(client, "page_size=2&page=2")) == [filed["road"]]


def test_a_resolution_turns_the_request_closed_with_its_notes(client, staff, filed):
    _resolve(client, staff, filed["resolved"], "Đã vá xong ổ gà, gọi 0912345678 nếu còn")
    (request,) = client.get(f"/open311/v2/requests/{filed['resolved']}.json?{J}").get_json()
    assert request["status"] == "closed"
    assert request["status_notes"].startswith("Đã vá xong ổ gà")
    assert "0912345678" not in request["status_notes"]  # masked like the portal
    assert "0912345678" not in request["description"]
    assert request["agency_responsible"] == "Sở Xây dựng TP Cần Thơ"
    assert "detailed_status" not in request and "notes" not in request
    xml = client.get(f"/open311/v2/requests/{filed['resolved']}.xml?{J}&extensions=true")
    root = check_xml(xml.data, "requests_extended")
    assert root.find("request/status").text == "closed"
    assert root.find("request/detailed_status").text == "RESOLVED"
    summaries = [n.text for n in root.findall("request/notes/note/summary")]
    assert summaries[-1].startswith("Đã vá xong ổ gà")


def test_extensions_add_the_detail_and_only_then(client, filed):
    (plain,) = client.get(f"/open311/v2/requests/{filed['road']}.json?{J}").get_json()
    answer = client.get(f"/open311/v2/requests/{filed['road']}.json?{J}&extensions=true")
    validate_json("requests_extended", answer.get_json())
    (extended,) = answer.get_json()
    assert set(extended) - set(plain) == {"detailed_status", "extended_attributes", "notes"}
    detail = extended["extended_attributes"]
    assert detail["department"]["code"] == "so-xd" and detail["channel"] == "app"
    assert detail["deadlines"]["handling_due"] == plain["expected_datetime"]
    assert [n["type"] for n in extended["notes"]] == ["submit", "assign"]


def test_media_url_is_a_public_rendition_not_the_original(client, filed, run_jobs):
    run_jobs()
    (request,) = client.get(f"/open311/v2/requests/{filed['road']}.json?{J}").get_json()
    assert "/media/public/" in request["media_url"] and "display" in request["media_url"]
    photo = client.get(request["media_url"].replace("http://localhost", ""))
    assert photo.status_code == 200 and b"GPS" not in photo.data[:4096]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("status=maybe", 400, "invalid_parameter"),
        ("start_date=yesterday", 400, "invalid_parameter"),
        ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", 400, "date_range"),
        ("start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", 400, "invalid_query"),
        ("page_size=0", 400, "invalid_parameter"),
        ("page_size=5000", 400, "invalid_parameter"),
        ("page=abc", 400, "invalid_parameter"),
        ("service_code=khong-co", 400, "service_not_found"),
    ],
)
def test_bad_queries(client, filed, query, status, code):
    for fmt in ("json", "xml"):
        response = get(client, query, fmt)
        assert response.status_code == status, response.get_data(as_text=True)
        if fmt == "json":
            validate_json("errors", response.get_json())
            assert code in response.get_json()[0]["description"]
        else:
            assert code in check_xml(response.data, "errors").find("error/description").text


def test_an_empty_parameter_counts_as_absent(client, filed):
    assert len(codes(get(client, "status=&service_code=&start_date=&page_size="))) == 3


def test_unknown_and_hidden_requests_are_404(client, filed, staff):
    assert client.get(f"/open311/v2/requests/PA-1999-000001.json?{J}").status_code == 404
    report = db.session.query(Report).filter_by(code=filed["light"]).one()
    report.moderation_status = "rejected"
    commit()
    assert client.get(f"/open311/v2/requests/{filed['light']}.json?{J}").status_code == 404
    assert filed["light"] not in codes(get(client, ""))
    other = client.get(f"/open311/v2/requests/{filed['road']}.json?jurisdiction_id=vinh-long")
    assert other.status_code == 404


def test_unknown_routes_and_methods_in_the_specs_format(client):
    missing = client.get("/open311/v2/nothing.json")
    assert missing.status_code == 404 and missing.get_json()[0]["code"] == 404
    assert check_xml(client.get("/open311/v2/nothing").data, "errors") is not None
    wrong = client.delete("/open311/v2/requests.json")
    assert wrong.status_code == 405 and set(wrong.headers["Allow"].split(", ")) == {"GET", "POST"}
    assert wrong.get_json()[0]["code"] == 405
    bad_format = client.get(f"/open311/v2/services.html?{J}")
    assert bad_format.status_code == 404 and bad_format.data.startswith(b"<?xml")


def test_a_page_costs_the_same_statements_whatever_its_length(client, filed):
    from tests.conftest import count_statements

    one, _ = count_statements(client, f"/open311/v2/requests.json?{J}&page_size=1")
    three, answer = count_statements(client, f"/open311/v2/requests.json?{J}")
    # The same statements, and one more for the second category's notice (its SLA policy).
    assert len(answer.get_json()) == 3 and three == one + 1, (one, three)
    extended_one, _ = count_statements(
        client, f"/open311/v2/requests.json?{J}&page_size=1&extensions=true"
    )
    extended, _ = count_statements(client, f"/open311/v2/requests.json?{J}&extensions=true")
    assert extended == extended_one + 1, (extended_one, extended)
